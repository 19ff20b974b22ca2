"""Whether a theme's font file can be used, checked once where the theme's fonts are first read.

A font is whole when its table directory holds the tables every later step reads (`cmap`,
`head`, `hhea`, `hmtx`, `maxp`), each inside the file and matching the checksum the directory
records for it: a file cut short or written over is caught before HarfBuzz (drop caps, the
EPUB's subsets) or WeasyPrint (the PDF, the cover) trips over it. Summing the tables takes a
few milliseconds a font (Linux Libertine's five files: about 10 ms). A table whose checksum is
wrong is not refused for that alone (a font tool may have left it so): it is read through with
fontTools, every glyph drawn, and only a table that cannot be read makes the font unusable.
A WOFF2 font records no checksums: it is usable when its data unpacks (Brotli) to its tables.
Packed tables (WOFF's zlib, WOFF2's Brotli) are unpacked no further than the sizes their
directory declares, which are checked first: a few hundred KB of packed zeros would otherwise
unpack to gigabytes before anything is refused.
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
# The largest real fonts are CJK ones, about 20 MB each (Noto Sans CJK, Source Han Sans): what
# one font file may hold, and what its packed tables may unpack to.
MAX_FONT = 64 * 2**20
TOO_LARGE = f"a font of more than {MAX_FONT // 2**20} MB"


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
    if size > MAX_FONT:
        return f"not a usable font ({TOO_LARGE}); {ADVICE}"
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        return f"cannot read: {exc.strerror}"
    return font_data_problem(data)


def font_data_problem(data: bytes) -> str | None:
    """Why the font in `data` (a file's bytes, or a data: URL's) cannot be used, or None."""
    if len(data) > MAX_FONT:
        return f"not a usable font ({TOO_LARGE}); {ADVICE}"
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


Tables = dict[str, tuple[int, int, int, int]]


def _sfnt_tables(data: bytes, start: int) -> Tables:
    """An OpenType table directory: tag -> (checksum, offset, length, length)."""
    count = _unpack(">H", data, start + 4)[0]
    tables = {}
    for index in range(count):
        tag, checksum, offset, length = _unpack(">4sIII", data, start + 12 + 16 * index)
        tables[tag.decode("latin-1")] = (checksum, offset, length, length)
    return tables


def _woff_tables(data: bytes) -> Tables:
    """A WOFF table directory: tag -> (checksum, offset, length, unpacked length), a packed
    table's length given negative (see _table)."""
    count = _unpack(">H", data, 12)[0]
    tables = {}
    for index in range(count):
        tag, offset, packed, length, checksum = _unpack(">4sIIII", data, 44 + 20 * index)
        tables[tag.decode("latin-1")] = (checksum, offset, -packed if packed < length else length,
                                         length)
    if sum(unpacked for *_, unpacked in tables.values()) > MAX_FONT:
        raise Unusable(f"{TOO_LARGE}: its tables would unpack to "
                       f"{sum(t[3] for t in tables.values()) / 2**20:,.0f} MB")
    return tables


def _check_tables(data: bytes, tables: Tables, number: int) -> None:
    missing = [tag for tag in NEEDED if tag not in tables]
    if missing:
        raise Unusable(f"it has no {missing[0]!r} table")
    if not any(tag in tables for tag in OUTLINES) and not any(
            tag in tables for tag in ("CBDT", "sbix", "SVG ")):
        raise Unusable("it has no glyph outlines ('glyf', 'CFF ' or 'CFF2' table)")
    wrong = []
    for tag, (checksum, offset, length, unpacked) in sorted(tables.items(),
                                                             key=lambda t: t[1][1]):
        table = _table(data, tag, offset, length, unpacked)
        if tag == "head" and len(table) >= 12:
            table = table[:8] + b"\0\0\0\0" + table[12:]  # checkSumAdjustment is left out
        if _checksum(table) != checksum:
            wrong.append(tag)
    for tag in wrong:
        _read_through(data, tag, number)


def _table(data: bytes, tag: str, offset: int, length: int, unpacked: int) -> bytes:
    """A table's bytes (a WOFF table unpacked, its packed length given negative, to no more
    than the `unpacked` length its directory declares)."""
    size = -length if length < 0 else length
    if offset + size > len(data):
        raise Unusable(f"the file is cut short: its {tag!r} table would end at byte "
                       f"{offset + size:,}, the file at byte {len(data):,}")
    if length >= 0:
        return data[offset:offset + size]
    unpacker = zlib.decompressobj()
    try:
        table = unpacker.decompress(data[offset:offset + size], unpacked)
    except zlib.error:
        raise Unusable(f"its {tag!r} table does not unpack (zlib)") from None
    if unpacker.unconsumed_tail or len(table) != unpacked or not unpacker.eof:
        raise Unusable(f"its {tag!r} table does not unpack to the {unpacked:,} bytes its "
                       "directory declares")
    return table


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

    _check_woff2_sizes(data)
    try:
        reader = WOFF2Reader(io.BytesIO(data))
    except Exception:  # Brotli's or fontTools' error on damaged data
        raise Unusable("its WOFF2 data does not unpack") from None
    missing = [tag for tag in NEEDED if tag not in reader.tables]
    if missing:
        raise Unusable(f"it has no {missing[0]!r} table")


def _check_woff2_sizes(data: bytes) -> None:
    """Refuse a WOFF2 font whose header or table directory declares more than MAX_FONT, or
    whose Brotli stream unpacks to more than its tables' declared lengths, before fontTools
    unpacks the stream whole."""
    from fontTools.ttLib.woff2 import woff2KnownTags

    count, _, total, packed = _unpack(">HHII", data, 12)
    declared = 0  # what the Brotli stream must unpack to: each table as stored
    position = 48
    for _ in range(count):
        flags = _unpack(">B", data, position)[0]
        position += 1
        if flags & 0x3F == 0x3F:
            tag = _unpack(">4s", data, position)[0].decode("latin-1")
            position += 4
        else:
            tag = woff2KnownTags[flags & 0x3F]
        length, position = _base128(data, position)
        version = flags >> 6
        if (version == 0) == (tag in ("glyf", "loca")):  # a transformed table
            length, position = _base128(data, position)
        declared += length
    if max(total, declared) > MAX_FONT:
        raise Unusable(f"{TOO_LARGE}: it would unpack to {max(total, declared) / 2**20:,.0f} MB")
    stream = data[position:position + packed]
    if len(stream) < packed:
        raise Unusable(f"the file is cut short: it ends at byte {len(data):,}, inside its "
                       "packed tables")
    if _brotli_size(stream, declared) != declared:
        raise Unusable("its WOFF2 data does not unpack to the size its table directory "
                       "declares")


def _base128(data: bytes, position: int) -> tuple[int, int]:
    """A WOFF2 UIntBase128 at `position`: its value, and the position after it."""
    value = 0
    for index in range(5):
        byte = _unpack(">B", data, position + index)[0]
        value = value << 7 | byte & 0x7F
        if not byte & 0x80:
            return value, position + index + 1
    raise Unusable("its WOFF2 table directory is damaged")


def _brotli_size(stream: bytes, limit: int) -> int:
    """What `stream` unpacks to (Brotli), counted in pieces: no more than `limit` and a piece
    past it is unpacked; -1 when it does not unpack whole."""
    import brotli

    unpacker = brotli.Decompressor()
    piece = 2**20
    try:
        size = len(unpacker.process(stream, output_buffer_limit=piece))
        while size <= limit and not unpacker.is_finished() and not unpacker.can_accept_more_data():
            size += len(unpacker.process(b"", output_buffer_limit=piece))
    except brotli.error:
        return -1
    return size if unpacker.is_finished() else -1
