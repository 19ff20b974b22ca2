"""Small text helpers: XML-safe characters, slugs, natural file order, plain words, paths shown."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

# Characters XML 1.0 forbids (C0 controls but tab/newline/CR, surrogates, U+FFFE/U+FFFF).
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_WORD = re.compile(r"\w+(?:[’'\-]\w+)*")


def xml_safe(text: str) -> str:
    """`text` without the characters that XML 1.0 cannot hold (EbookLib fails on them)."""
    return _XML_INVALID.sub("", text)


def has_xml_invalid(text: str) -> bool:
    """True when `text` holds a character XML 1.0 cannot hold."""
    return _XML_INVALID.search(text) is not None


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
