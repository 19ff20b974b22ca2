"""Characters the print fonts cannot show: found before layout, from the fonts' own cmaps."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from array import array
from collections.abc import Iterable
from pathlib import Path

from octavo import xhtml
from octavo.model import Book

SHOWN = 8  # characters named in a warning, before "and N more"
FALLBACK_FAMILY = "Octavo Fallback"
CMAPS_FOLDER = "font-cmaps"  # in the book's cache: the code points of each set of print fonts
CMAPS_KEPT = 8


def covered_characters(fonts: list[Path], cache: Path | None) -> set[int]:
    """`font_characters` of `fonts`, kept in the book's `cache` by the fonts' contents: reading
    their cmaps takes a tenth of a second each build."""
    from octavo.uptodate import KeptFiles

    digest = hashlib.sha256(b"cmaps 1\0")
    for path in fonts:
        try:
            digest.update(hashlib.sha256(path.read_bytes()).digest())
        except OSError:
            digest.update(b"unreadable\0")
    key = digest.hexdigest()[:40]
    kept = KeptFiles(cache, CMAPS_FOLDER, ".bin", CMAPS_KEPT)
    found = kept.get(key)
    if found is not None and len(found[0]) % array("I").itemsize == 0:
        return set(array("I", found[0]))
    covered = font_characters(fonts)
    kept.put(key, array("I", sorted(covered)).tobytes())
    return covered


def font_characters(fonts: Iterable[Path]) -> set[int]:
    """Every code point the font files map to a glyph."""
    from fontTools.ttLib import TTFont, TTLibError

    covered: set[int] = set()
    for path in fonts:
        try:
            with TTFont(path, lazy=True, fontNumber=0) as font:
                covered.update(font.getBestCmap() or {})
        except (TTLibError, OSError, KeyError, AssertionError):
            continue  # not a font fontTools reads: WeasyPrint will say so if it matters
    return covered


def missing_characters(book: Book, covered: set[int]) -> dict[str, list[str]]:
    """The characters of the book that no font in `covered` has, by the file they come from."""
    texts: dict[str, list[str]] = {"book.toml": [book.metadata.title, book.metadata.subtitle,
                                                 *book.metadata.authors]}
    for item in book.items():
        texts.setdefault(item.source or "book.toml", []).append(item.title)
        if item.html:
            texts[item.source or "book.toml"].append(xhtml.text_content(item.html))
    missing: dict[str, list[str]] = {}
    for source, parts in texts.items():
        used = set().union(*map(set, parts))  # each distinct character once, not each use
        chars = {c for c in used if _printable(c) and ord(c) not in covered}
        if chars:
            missing[source] = sorted(chars)
    return missing


def warnings_for(missing: dict[str, list[str]]) -> list[tuple[str, str]]:
    """(file, message) for each file with characters the fonts lack."""
    found = []
    for source, chars in missing.items():
        named = " ".join(chars[:SHOWN]) + (f" and {len(chars) - SHOWN} more" if len(chars) > SHOWN
                                           else "")
        codes = ", ".join(f"U+{ord(c):04X}" for c in chars[:3])
        found.append((source, f"{len(chars)} character(s) the theme's print fonts do not have: "
                              f"{named} ({codes}…); the PDF would show them in another font or as "
                              "empty boxes: name a font that has them in the theme's "
                              "fallback_fonts (theme.toml)"))
    return found


def fallback_css(fonts: Iterable[Path]) -> str:
    """@font-face rules that make the fallback fonts one family, tried after the theme's own."""
    return "".join(f'@font-face {{ font-family: "{FALLBACK_FAMILY}"; src: url({path.as_uri()}); }}\n'
                   for path in fonts)


def _printable(char: str) -> bool:
    """A character that needs a glyph (not a space, a control or a format character)."""
    return unicodedata.category(char)[0] not in ("Z", "C") and char not in "\n\t\r"


_FONT_FACE = re.compile(r"@font-face\s*\{[^}]*\}", re.I)
_FAMILY = re.compile(r"(font-family\s*:\s*)([^;{}]+)", re.I)


def with_fallback(css: str) -> str:
    """`css` whose every font-family tries the fallback family right after its first choice
    (before any system font), @font-face rules left as they are."""
    def add(match: re.Match[str]) -> str:
        first, _, rest = match.group(2).partition(",")
        if FALLBACK_FAMILY in match.group(2):
            return match.group(0)
        return f'{match.group(1)}{first.strip()}, "{FALLBACK_FAMILY}"' + (f",{rest}" if rest else "")

    pieces = _FONT_FACE.split(css)
    faces = _FONT_FACE.findall(css) + [""]
    return "".join(_FAMILY.sub(add, piece) + face for piece, face in zip(pieces, faces, strict=True))


_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_GENERIC = frozenset({"serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui",
                      "math", "emoji", "fangsong", "ui-serif", "ui-sans-serif", "ui-monospace",
                      "ui-rounded", "inherit", "initial", "unset", "revert", "revert-layer"})


def unknown_families(css: str) -> list[str]:
    """The first-choice families of `css`'s font-family declarations that no @font-face of it
    gives (nor a generic family): a typo such as "Octavo Txet" set the text in a font of the
    machine, embedded without a word. For a theme with fonts of its own only."""
    css = _COMMENT.sub("", css)
    faces = {_first_family(m.group(2)).lower() for face in _FONT_FACE.findall(css)
             for m in _FAMILY.finditer(face)}
    found: dict[str, None] = {}
    for piece in _FONT_FACE.split(css):
        for match in _FAMILY.finditer(piece):
            first = _first_family(match.group(2))
            if first and first.lower() not in faces | _GENERIC and "var(" not in first:
                found[first] = None
    return list(found)


def _first_family(value: str) -> str:
    """The first family of a font-family value, without its quotes or !important."""
    return value.split(",")[0].replace("!important", "").strip().strip("'\"").strip()
