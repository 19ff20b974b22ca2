"""Whether a theme's font file can be used, checked once where the theme's fonts are first read.

A font is whole when its table directory holds the tables every later step reads (`cmap`,
`head`, `hhea`, `hmtx`, `maxp`), each inside the file and matching the checksum the directory
records for it: a file cut short or written over is caught before HarfBuzz (drop caps, the
EPUB's subsets) or WeasyPrint (the PDF, the cover) trips over it. Summing the tables takes a
few milliseconds a font (Linux Libertine's five files: about 10 ms). A table whose checksum is
wrong is not refused for that alone (a font tool may have left it so): it is read through with
fontTools, every glyph drawn, and only a table that cannot be read makes the font unusable.
A WOFF2 font records no checksums: it is usable when its data unpacks (Brotli) to its tables.
"""

from __future__ import annotations

import array
import contextlib
import functools
import io
import logging
import struct
import sys
import zlib
from collections.abc import Iterator
from pathlib import Path

MAGIC = (b"\x00\x01\x00\x00", b"OTTO", b"true", b"typ1", b"ttcf", b"wOFF", b"wOF2")
NEEDED = ("cmap", "head", "hhea", "hmtx", "maxp")
OUTLINES = ("glyf", "CFF ", "CFF2")  # tables whose glyphs are drawn when read through
NOT_A_FONT = "not a font file (it does not start as OpenType, TrueType or WOFF files do)"
ADVICE = "replace it with a good copy of the font"


class Unusable(Exception):
    """Why a font file cannot be used, in words for the user."""


def font_problem(path: Path) -> str | None:
    """Why the font file at `path` cannot be used (one line, without the file's name), or None.

    Checked once for each state of the file in a process (watch mode sees an edit).
    """
    try:
        state = path.stat()
    except OSError as exc:
        return f"cannot read: {exc.strerror}"
    return _problem(str(path), state.st_size, state.st_mtime_ns, state.st_ino)


@functools.lru_cache(maxsize=256)
def _problem(path: str, size: int, mtime: int, inode: int) -> str | None:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        return f"cannot read: {exc.strerror}"
    if data[:4] not in MAGIC:
        return NOT_A_FONT
    try:
        check_font(data)
    except Unusable as exc:
        return f"not a usable font ({exc}); {ADVICE}"
    return None


def check_font(data: bytes) -> None:
    """Raise Unusable when the font in `data` (OpenType, TrueType, a collection, WOFF or WOFF2)
    is cut short, lacks a table every font needs, or has a damaged table that cannot be read."""
    kind = data[:4]
    if kind == b"wOF2":
        _check_woff2(data)
        return
    if kind == b"ttcf":
        count = _unpack(">I", data, 8)[0]
        offsets = _unpack(f">{count}I", data, 12) if count else ()
        if not offsets:
            raise Unusable("a font collection with no fonts in it")
        for number, offset in enumerate(offsets):
            _check_tables(data, _sfnt_tables(data, offset), number)
        return
    tables = _woff_tables(data) if kind == b"wOFF" else _sfnt_tables(data, 0)
    _check_tables(data, tables, -1)


def _unpack(layout: str, data: bytes, offset: int) -> tuple[int, ...]:
    end = offset + struct.calcsize(layout)
    if end > len(data):
        raise Unusable(f"the file is cut short: it ends at byte {len(data):,}, inside its "
                       "table directory")
    return struct.unpack_from(layout, data, offset)


def _sfnt_tables(data: bytes, start: int) -> dict[str, tuple[int, int, int]]:
    """An OpenType table directory: tag -> (checksum, offset, length)."""
    count = _unpack(">H", data, start + 4)[0]
    tables = {}
    for index in range(count):
        tag, checksum, offset, length = _unpack(">4sIII", data, start + 12 + 16 * index)
        tables[tag.decode("latin-1")] = (checksum, offset, length)
    return tables


def _woff_tables(data: bytes) -> dict[str, tuple[int, int, int]]:
    """A WOFF table directory, each table unpacked: tag -> (checksum, offset, length); the
    offsets then index `data` as unpacked (see _table)."""
    count = _unpack(">H", data, 12)[0]
    tables = {}
    for index in range(count):
        tag, offset, packed, length, checksum = _unpack(">4sIIII", data, 44 + 20 * index)
        tables[tag.decode("latin-1")] = (checksum, offset, -packed if packed < length else length)
    return tables


def _check_tables(data: bytes, tables: dict[str, tuple[int, int, int]], number: int) -> None:
    missing = [tag for tag in NEEDED if tag not in tables]
    if missing:
        raise Unusable(f"it has no {missing[0]!r} table")
    if not any(tag in tables for tag in OUTLINES) and not any(
            tag in tables for tag in ("CBDT", "sbix", "SVG ")):
        raise Unusable("it has no glyph outlines ('glyf', 'CFF ' or 'CFF2' table)")
    wrong = []
    for tag, (checksum, offset, length) in sorted(tables.items(), key=lambda t: t[1][1]):
        table = _table(data, tag, offset, length)
        if tag == "head" and len(table) >= 12:
            table = table[:8] + b"\0\0\0\0" + table[12:]  # checkSumAdjustment is left out
        if _checksum(table) != checksum:
            wrong.append(tag)
    for tag in wrong:
        _read_through(data, tag, number)


def _table(data: bytes, tag: str, offset: int, length: int) -> bytes:
    """A table's bytes (a WOFF table unpacked; its packed length given negative)."""
    size = -length if length < 0 else length
    if offset + size > len(data):
        raise Unusable(f"the file is cut short: its {tag!r} table would end at byte "
                       f"{offset + size:,}, the file at byte {len(data):,}")
    if length >= 0:
        return data[offset:offset + size]
    try:
        return zlib.decompress(data[offset:offset + size])
    except zlib.error:
        raise Unusable(f"its {tag!r} table does not unpack (zlib)") from None


def _checksum(table: bytes) -> int:
    """The OpenType checksum: the table's big-endian 32-bit words added up, modulo 2**32."""
    words = array.array("I")
    words.frombytes(table + b"\0" * (-len(table) % 4))
    if sys.byteorder == "little":
        words.byteswap()
    return sum(words) & 0xFFFFFFFF


def _read_through(data: bytes, tag: str, number: int) -> None:
    """Read table `tag` with fontTools (an outline table: every glyph drawn); Unusable if it
    cannot be."""
    try:
        with _quiet():
            _read_table(data, tag, number)
    except Exception:  # fontTools raises what its parser met: AssertionError, struct.error...
        raise Unusable(f"its {tag!r} table is damaged: it does not match its checksum and "
                       "cannot be read") from None


def _read_table(data: bytes, tag: str, number: int) -> None:
    from fontTools.pens.boundsPen import BoundsPen
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(data), lazy=True, fontNumber=number)
    font[tag]  # decompiles it
    if tag in OUTLINES:
        glyphs = font.getGlyphSet()
        for name in font.getGlyphOrder():
            glyphs[name].draw(BoundsPen(glyphs))


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """fontTools' log silenced: what it says of a damaged table is not the user's business."""
    log = logging.getLogger("fontTools")
    level = log.level
    log.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        log.setLevel(level)


def _check_woff2(data: bytes) -> None:
    from fontTools.ttLib.woff2 import WOFF2Reader

    try:
        reader = WOFF2Reader(io.BytesIO(data))
    except Exception:  # Brotli's or fontTools' error on damaged data
        raise Unusable("its WOFF2 data does not unpack") from None
    missing = [tag for tag in NEEDED if tag not in reader.tables]
    if missing:
        raise Unusable(f"it has no {missing[0]!r} table")
