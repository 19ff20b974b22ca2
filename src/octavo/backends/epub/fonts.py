"""The EPUB's fonts cut down to the characters the book sets (fontTools), cached by glyph set.

A theme embeds whole fonts (Linux Libertine's five files are 1.8 MB); a novel sets a few hundred
characters. Each font keeps what the book's text needs — its characters in both cases (a theme
may set text in capitals or small capitals), the characters of the stylesheet's generated
content, ASCII, and every OpenType feature (ligatures, small capitals, old-style figures) with
the glyphs those features reach. The subset's own family names are changed (to "… Octavo
subset"): a Reserved Font Name under the OFL may not name a modified font; the EPUB's
stylesheet names the font by its own @font-face family, so readers see no difference.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import re
from collections.abc import Iterable
from pathlib import Path

FONT_SUFFIXES = (".otf", ".ttf")  # WOFF and WOFF2 are kept whole (compressed already)
RECIPE = "octavo-subset-1"  # enters the cache key: a changed recipe never reuses old subsets
FOLDER = "epub-fonts"  # in the book's cache folder
_CONTENT = re.compile(r"""content\s*:\s*((?:"[^"]*"|'[^']*'|[^;}])*)""")
_ESCAPE = re.compile(r"\\([0-9A-Fa-f]{1,6})\s?")


def book_characters(texts: Iterable[str], css: str) -> str:
    """Every character the book may set: its text in both cases, the CSS's generated content
    (a fleuron given as "\\2767"), and printable ASCII; sorted, so the same book gives the same."""
    found: set[str] = {chr(c) for c in range(0x20, 0x7F)}
    for text in texts:
        found.update(text)
    for value in _CONTENT.findall(css):
        found.update(_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), value))
    cased = {variant for c in found for variant in (c.upper(), c.lower()) if len(variant) == 1}
    return "".join(sorted((found | cased) - {"\n", "\r", "\t"}))


def subset_fonts(fonts: list[bytes], characters: str, cache: Path | None) -> list[bytes]:
    """Each font (OpenType or TrueType) with only what `characters` need: the same bytes for the
    same font and characters, from the cache when it has them, else made in parallel; b"" for
    a font that cannot be cut down."""
    keys = [hashlib.sha256(RECIPE.encode() + b"\0" + data + characters.encode("utf-8"))
            .hexdigest() for data in fonts]
    done: dict[int, bytes] = {}
    for index, key in enumerate(keys):
        if cache is not None:
            with contextlib.suppress(OSError):
                done[index] = (cache / FOLDER / f"{key}.font").read_bytes()
    missing = [index for index in range(len(fonts)) if index not in done]
    if len(missing) > 1:  # a few tenths of a second each: one process per CPU
        from concurrent.futures import ProcessPoolExecutor

        from octavo.backends.pdf.worker import fork_context, worker_count

        workers = min(len(missing), worker_count(None))
        with ProcessPoolExecutor(workers, mp_context=fork_context()) as pool:
            made = pool.map(_subset, [fonts[i] for i in missing], [characters] * len(missing))
            done.update(zip(missing, made, strict=True))
    else:
        done.update((index, _subset(fonts[index], characters)) for index in missing)
    if cache is not None and missing:
        from octavo.uptodate import write_atomically

        with contextlib.suppress(OSError):
            (cache / FOLDER).mkdir(parents=True, exist_ok=True)
            for index in missing:
                if done[index]:
                    write_atomically(cache / FOLDER / f"{keys[index]}.font", done[index])
    return [done[index] for index in range(len(fonts))]


def _subset(data: bytes, characters: str) -> bytes:
    """The subset's bytes, or b"" when fontTools cannot read the font (it is kept whole)."""
    try:
        return _cut(data, characters)
    except Exception:  # a damaged font a theme ships: its whole file, as before subsetting
        return b""


def _cut(data: bytes, characters: str) -> bytes:
    import logging

    from fontTools import subset
    from fontTools.ttLib import TTFont

    logging.getLogger("fontTools.subset").setLevel(logging.ERROR)  # "FFTM NOT subset; dropped"
    font = TTFont(io.BytesIO(data), recalcTimestamp=False)
    options = subset.Options()
    options.layout_features = ["*"]  # ligatures, small caps, figures: and the glyphs they reach
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.recalc_timestamp = False  # the same bytes on every build
    options.drop_tables += ["DSIG"]  # a signature of the whole font no longer holds
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(c) for c in characters])
    subsetter.subset(font)
    _rename(font)
    out = io.BytesIO()
    font.save(out, reorderTables=True)
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
