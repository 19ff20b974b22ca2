"""The EPUB's fonts cut down to the characters the book sets (HarfBuzz), cached by glyph set.

A theme embeds whole fonts (Linux Libertine's five files are 1.8 MB); a novel sets a few hundred
characters. Each font keeps what the book's text needs — its characters in both cases (a theme
may set text in capitals or small capitals), the characters of the stylesheet's generated
content, ASCII — and the OpenType features a reading system shapes with by default (ligatures,
kerning, marks) or the stylesheet asks for (`font-variant: small-caps`, oldstyle figures,
`font-feature-settings`), with the glyphs those features reach. A stylesheet asking for what
cannot be told from it (`font-variant-alternates`) keeps every feature. The fonts' hints (CFF
stem hints, TrueType instructions) are left out: reading systems rasterise the text themselves,
at the reader's size. The subset's own family names are changed (to "… Octavo subset"): a
Reserved Font Name under the OFL may not name a modified font; the EPUB's stylesheet names the
font by its own @font-face family, so readers see no difference.

HarfBuzz's subsetter (hb-subset, through uharfbuzz) cuts a font in about two milliseconds, a
hundred times faster than fontTools' (which took a quarter of a second a font, and so most of a
cold EPUB build); fontTools then renames the subset, leaving its outlines as they are. A WOFF or
WOFF2 font, which HarfBuzz cannot open, is unpacked by fontTools first and packed again after,
so it keeps its name and format (WOFF2 0.15-0.3 s more a font, WOFF 0.02 s, once for each
character set; Linux Libertine in WOFF2: 237 KB whole, about 30 KB cut down).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

FONT_SUFFIXES = (".otf", ".ttf", ".woff", ".woff2")
_PACKED = {b"wOFF": "woff", b"wOF2": "woff2"}  # a WOFF file's first bytes, and its flavour
RECIPE = "octavo-subset-3"  # enters the cache key: a changed recipe never reuses old subsets
FOLDER = "epub-fonts"  # in the book's cache folder
_CONTENT = re.compile(r"""content\s*:\s*((?:"[^"]*"|'[^']*'|[^;}])*)""")
_ESCAPE = re.compile(r"\\([0-9A-Fa-f]{1,6})\s?")
_FEATURE_RULE = re.compile(r"font-(variant(?:-[a-z]+)*|feature-settings)\s*:\s*([^;}]*)", re.I)
_FONT_SHORTHAND = re.compile(r"(?<![-\w])font\s*:\s*([^;}]*)", re.I)  # `font: small-caps …`
_TAG = re.compile(r"""["']([ -~]{4})["']""")
# font-variant values, and the OpenType features they turn on (CSS Fonts 4, 6.4-6.10).
VARIANTS = {
    "small-caps": ("smcp",), "all-small-caps": ("smcp", "c2sc"), "petite-caps": ("pcap",),
    "all-petite-caps": ("pcap", "c2pc"), "unicase": ("unic",), "titling-caps": ("titl",),
    "oldstyle-nums": ("onum",), "lining-nums": ("lnum",), "proportional-nums": ("pnum",),
    "tabular-nums": ("tnum",), "diagonal-fractions": ("frac",), "stacked-fractions": ("afrc",),
    "ordinal": ("ordn",), "slashed-zero": ("zero",), "common-ligatures": ("liga", "clig"),
    "discretionary-ligatures": ("dlig",), "historical-ligatures": ("hlig",),
    "contextual": ("calt",), "super": ("sups",), "sub": ("subs",), "historical-forms": ("hist",),
    "full-width": ("fwid",), "proportional-width": ("pwid",), "ruby": ("ruby",),
}
_OFF = {"normal", "none", "inherit", "initial", "unset", "revert", "revert-layer",
        "no-common-ligatures", "no-discretionary-ligatures", "no-historical-ligatures",
        "no-contextual", "auto"}


def book_characters(texts: Iterable[str], css: str) -> str:
    """Every character the book may set: its text in both cases, the CSS's generated content
    (a fleuron given as "\\2767"), and printable ASCII; sorted, so the same book gives the same."""
    found: set[str] = {chr(c) for c in range(0x20, 0x7F)}
    for text in texts:
        found.update(text)
    for value in _CONTENT.findall(css):
        found.update(css_unescape(value))
    cased = {variant for c in found for variant in (c.upper(), c.lower()) if len(variant) == 1}
    return "".join(sorted((found | cased) - {"\n", "\r", "\t"}))


def css_unescape(text: str) -> str:
    """CSS's hex escapes ("\\2767") read as the characters they name; one that names none (0,
    a surrogate, past U+10FFFF) is U+FFFD, as CSS reads it (chr() raised on those)."""
    return _ESCAPE.sub(_escaped, text)


def _escaped(match: re.Match[str]) -> str:
    value = int(match.group(1), 16)
    return chr(value) if 0 < value <= 0x10FFFF and not 0xD800 <= value <= 0xDFFF else "\ufffd"


def features_asked(css: str) -> frozenset[str] | None:
    """The OpenType features a stylesheet asks for beyond the default ones (`font-variant*`,
    `font-feature-settings`); None when it asks for what cannot be told (keep them all)."""
    found: set[str] = set()
    for prop, value in _FEATURE_RULE.findall(css):
        value = re.sub(r"\s*!important\s*$", "", value.strip(), flags=re.I)
        if prop.lower() == "feature-settings":
            if "var(" in value.lower():
                return None  # a custom property's features: every feature
            found.update(_TAG.findall(value))
            continue
        for word in value.lower().split():
            if word in VARIANTS:
                found.update(VARIANTS[word])
            elif word not in _OFF:
                return None  # stylistic(), swash(), a custom property: every feature
    for value in _FONT_SHORTHAND.findall(css):
        if "var(" in value.lower():
            return None
        if "small-caps" in value.lower().split():
            found.add("smcp")
    return frozenset(found)


def subset_fonts(fonts: list[bytes], characters: str, cache: Path | None,
                 features: frozenset[str] | None = None) -> list[bytes]:
    """Each font (OpenType or TrueType, or either packed as WOFF or WOFF2) with only what
    `characters` need, and the default OpenType features and `features` (None: every
    feature): the same bytes for the same font, characters and features, from the cache when
    it has them; b"" for a font that cannot be cut down."""
    import uharfbuzz

    asked = "*" if features is None else ",".join(sorted(features))
    # Another HarfBuzz, other features: cut anew.
    recipe = f"{RECIPE}\0{uharfbuzz.__version__}\0{asked}".encode()
    keys = [hashlib.sha256(recipe + b"\0" + data + characters.encode("utf-8")).hexdigest()
            for data in fonts]
    from octavo.uptodate import cache_subfolder, read_cached, write_atomically

    # A folder that links out of the book is not used: a build would write there.
    folder = cache_subfolder(cache, FOLDER) if cache is not None else None
    done: dict[int, bytes] = {}
    for index, key in enumerate(keys):
        if folder is not None:
            with contextlib.suppress(OSError):
                done[index] = read_cached(folder / f"{key}.font")  # never a link out
    missing = [index for index in range(len(fonts)) if index not in done]
    done.update((index, _subset(fonts[index], characters, features)) for index in missing)
    if folder is not None and missing:
        with contextlib.suppress(OSError):
            folder.mkdir(parents=True, exist_ok=True)
            for index in missing:
                if done[index]:
                    write_atomically(folder / f"{keys[index]}.font", done[index])
    return [done[index] for index in range(len(fonts))]


def _subset(data: bytes, characters: str, features: frozenset[str] | None) -> bytes:
    """The subset's bytes, or b"" when the font cannot be read (it is kept whole)."""
    try:
        return _cut(data, characters, features)
    except Exception:  # a damaged font a theme ships: its whole file, as before subsetting
        return b""


def subset_input(characters: str, features: frozenset[str] | None, hints: bool = False) -> Any:
    """HarfBuzz's instructions for a subset (a uharfbuzz SubsetInput, reusable): `characters`;
    the features shaping applies by default and `features` (None: every feature), with the
    glyphs they reach; every name record; the hints only when `hints` (the cover's picture
    keeps them, the EPUB's fonts do not: reading systems rasterise at the reader's size)."""
    import uharfbuzz as hb

    wanted = hb.SubsetInput()
    for char in characters:
        wanted.unicode_set.add(ord(char))
    everything = [hb.SubsetInputSets.NAME_ID, hb.SubsetInputSets.NAME_LANG_ID]
    if features is None:
        everything.append(hb.SubsetInputSets.LAYOUT_FEATURE_TAG)
    else:
        for tag in features:
            wanted.sets(hb.SubsetInputSets.LAYOUT_FEATURE_TAG).add(
                int.from_bytes(tag.encode("ascii"), "big"))
    for kept in everything:
        wanted.sets(kept).clear()  # HarfBuzz's defaults (some names) ...
        wanted.sets(kept).invert()  # ... become all of them
    for dropped in (b"DSIG", b"FFTM"):  # a signature that no longer holds; FontForge's dates
        wanted.sets(hb.SubsetInputSets.DROP_TABLE_TAG).add(int.from_bytes(dropped, "big"))
    # A missing character shows as a box; the Macintosh name records are kept too.
    wanted.flags |= hb.SubsetFlags.NOTDEF_OUTLINE | hb.SubsetFlags.NAME_LEGACY
    if not hints:
        wanted.flags |= hb.SubsetFlags.NO_HINTING
    return wanted


def _cut(data: bytes, characters: str, features: frozenset[str] | None) -> bytes:
    import uharfbuzz as hb
    from fontTools.ttLib import TTFont

    wanted = subset_input(characters, features)
    flavor = _PACKED.get(data[:4])
    face = hb.Face(_unpacked(data) if flavor else data)
    subset = hb.subset(face, wanted) if face.glyph_count else None  # raises on a damaged font
    if subset is None or not subset.blob.data:
        raise ValueError("HarfBuzz cannot cut this font down")
    # The subset's outlines and bounding boxes stay as HarfBuzz wrote them; only names change.
    font = TTFont(io.BytesIO(subset.blob.data), lazy=True, recalcBBoxes=False,
                  recalcTimestamp=False)
    _rename(font)
    font.flavor = flavor  # packed again as it came
    out = io.BytesIO()
    font.save(out, reorderTables=True)
    return out.getvalue()


def _unpacked(data: bytes) -> bytes:
    """A WOFF or WOFF2 font as the OpenType font it packs (fontTools)."""
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(data), lazy=True, recalcBBoxes=False, recalcTimestamp=False)
    font.flavor = None
    out = io.BytesIO()
    font.save(out, reorderTables=False)
    return out.getvalue()


def _rename(font: object) -> None:
    """Family, full and PostScript names marked as this subset's (not the Reserved Font Name)."""
    names = font["name"]  # type: ignore[index]
    for record in names.names:
        if record.nameID in (1, 3, 4, 6, 16, 21):
            text = record.toUnicode()
            suffix = "-OctavoSubset" if record.nameID == 6 else " Octavo subset"
            record.string = text + suffix if record.nameID != 3 else f"{text};OctavoSubset"
    if "CFF " in font:  # type: ignore[operator]
        cff = font["CFF "].cff  # type: ignore[index]
        for index, name in enumerate(cff.fontNames):
            cff.fontNames[index] = f"{name}-OctavoSubset"
