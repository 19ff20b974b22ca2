"""Small text helpers: XML-safe characters, slugs, natural file order, plain words, paths shown,
ISBNs, TOML files read with one-line errors."""

from __future__ import annotations

import re
import tomllib
import unicodedata
from pathlib import Path
from typing import Any

from octavo.errors import OctavoError, unreadable

# Characters XML 1.0 forbids (C0 controls but tab/newline/CR, surrogates, U+FFFE/U+FFFF).
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_WORD = re.compile(r"\w+(?:[’'\-]\w+)*")


def xml_safe(text: str) -> str:
    """`text` without the characters that XML 1.0 cannot hold (EbookLib fails on them)."""
    return _XML_INVALID.sub("", text)


def has_xml_invalid(text: str) -> bool:
    """True when `text` holds a character XML 1.0 cannot hold."""
    return _XML_INVALID.search(text) is not None


_LINE_MARKS = re.compile("^\ufeff+", re.MULTILINE)


def without_byte_order_marks(text: str) -> str:
    """`text` with no U+FEFF left. Files joined end to end keep each one's byte order mark at
    the start of a line, where it is not text and would hide a heading: it goes. Inside a
    line U+FEFF is the zero-width no-break space, a use Unicode deprecated for the word
    joiner U+2060, which means the same: it becomes that, so the writer's no-break stays
    and no byte order mark reaches the book."""
    if "\ufeff" not in text:
        return text
    return _LINE_MARKS.sub("", text).replace("\ufeff", "\u2060")


def slugify(text: str, default: str = "book") -> str:
    """A file-name-safe ASCII slug: "Le Café d'Été" -> "le-cafe-d-ete"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:80].rstrip("-") or default


def natural_key(name: str) -> list[int | str]:
    """Sort key putting "2-x" before "10-x"."""
    return [int(part) if part.isdigit() else part.casefold() for part in re.split(r"(\d+)", name)]


def words(text: str) -> list[str]:
    """The words of `text`, folded so that typography does not matter (’ vs ')."""
    text = unicodedata.normalize("NFKC", text).replace("’", "'").replace("‘", "'")
    return [w.casefold() for w in _WORD.findall(text)]


def letters(text: str) -> str:
    """Only the letters and digits of `text`, case-folded: for comparing text across layouts
    (hyphenated line ends, drop caps, small capitals, typography)."""
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", text).casefold())


def relative_name(path: Path, base: Path) -> str:
    """`path` as messages show it: relative to `base` when inside it, else as it is."""
    try:
        return str(path.relative_to(base))
    except ValueError:
        return str(path)


def normalise_identifier(value: str) -> str:
    """An ISBN becomes `urn:isbn:<digits>` (checksum verified); anything else is kept."""
    value = value.strip()
    bare = value[5:] if value.lower().startswith("isbn:") else value
    bare = bare[9:] if bare.lower().startswith("urn:isbn:") else bare
    digits = re.sub(r"[\s-]", "", bare).upper()
    if re.fullmatch(r"\d{13}|\d{9}[\dX]", digits):
        if not _isbn_ok(digits):
            raise ValueError(f"{value} looks like an ISBN but its check digit is wrong")
        return f"urn:isbn:{digits}"
    if value.lower().startswith(("isbn:", "urn:isbn:")):
        raise ValueError(f"{value} is not a valid ISBN-10 or ISBN-13")
    return value


def _isbn_ok(digits: str) -> bool:
    if len(digits) == 13:
        total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(digits))
        return total % 10 == 0
    total = sum((10 - i) * (10 if d == "X" else int(d)) for i, d in enumerate(digits))
    return total % 11 == 0


def counted(number: int, noun: str) -> str:
    """`number` and `noun`, plural unless it is one: "1 chart", "3 charts"."""
    return f"{number} {noun}{'s' * (number != 1)}"


TOML_TOO_DEEP = "lists or tables nested too deeply to read (TOML)"


def read_toml(path: Path, where: Path | str) -> dict[str, Any]:
    """The TOML file at `path` (UTF-8, a byte order mark allowed) as data, or an OctavoError
    naming it as `where` (and the line at fault)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise OctavoError(unreadable(exc), where) from None
    return parse_toml(text, where)


def parse_toml(text: str, where: Path | str) -> dict[str, Any]:
    """The TOML `text` of the file `where` as data, or an OctavoError with the line at fault."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _toml_syntax_error(exc, where, text) from None
    except RecursionError:  # tomllib recurses once per [ or { opened
        raise OctavoError(TOML_TOO_DEEP, where, _toml_too_deep_line(text)) from None


def _toml_syntax_error(exc: tomllib.TOMLDecodeError, where: Path | str, text: str) -> OctavoError:
    """tomllib's message without its position, and the line it names."""
    message = str(exc)
    line = getattr(exc, "lineno", None)
    match = re.search(r"\(at line (\d+), column \d+\)", message)
    if match:
        line = line or int(match.group(1))
        message = message[: match.start()].strip()
    elif "(at end of document)" in message:
        line = line or max(1, len(text.splitlines()))
        message = message.replace("(at end of document)", "at the end of the file").strip()
    if message == "Invalid statement":
        message = "invalid TOML syntax"
    return OctavoError(f"{message} (TOML)", where, line)


def _toml_too_deep_line(text: str) -> int:
    """The first line by which the nesting is too deep: the fewest lines that are too deep to
    read on their own (tomllib reads in order, so a shorter start never gets deeper)."""
    lines = text.splitlines(keepends=True)
    low, high = 1, len(lines)
    while low < high:
        middle = (low + high) // 2
        try:
            tomllib.loads("".join(lines[:middle]))
        except RecursionError:
            high = middle
        except tomllib.TOMLDecodeError:  # cut off before it got too deep
            low = middle + 1
        else:
            low = middle + 1
    return low
