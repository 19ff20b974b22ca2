"""A theme's font files: whole ones pass, cut-short or written-over ones are refused, a wrong
checksum alone is not; OpenType, TrueType, WOFF and WOFF2 alike."""

from __future__ import annotations

import contextlib
import io
import random
import struct
from pathlib import Path

import pytest

from octavo.backends.fontfiles import NOT_A_FONT, Unusable, check_font, font_problem
from octavo.themes import FONT_TYPES, builtin_styles_dir

MONO = builtin_styles_dir() / "classic" / "fonts" / "LinuxLibertineMono-Regular.otf"


def tiny_font(flavor: str | None = None) -> bytes:
    """A TrueType font of two glyphs, packed as `flavor` (woff, woff2), or two such fonts in
    a collection (ttc)."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder([".notdef", "A"])
    builder.setupCharacterMap({ord("A"): "A"})
    pen = TTGlyphPen(None)
    pen.moveTo((0, 0)), pen.lineTo((500, 700)), pen.lineTo((1000, 0)), pen.closePath()
    builder.setupGlyf({".notdef": TTGlyphPen(None).glyph(), "A": pen.glyph()})
    builder.setupHorizontalMetrics({".notdef": (500, 0), "A": (1000, 0)})
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupNameTable({"familyName": "Tiny", "styleName": "Regular"})
    builder.setupOS2()
    builder.setupPost()
    out = io.BytesIO()
    if flavor == "ttc":
        from fontTools.ttLib import TTCollection, TTFont

        collection = TTCollection()
        collection.fonts = [TTFont(io.BytesIO(tiny_font())) for _ in range(2)]
        collection.save(out)
        return out.getvalue()
    builder.font.flavor = flavor
    builder.save(out)
    return out.getvalue()


def table(data: bytes, tag: str) -> tuple[int, int]:
    """Where table `tag` of an OpenType font is: its directory entry's position, its offset."""
    for index in range(struct.unpack_from(">H", data, 4)[0]):
        entry = 12 + 16 * index
        if data[entry:entry + 4] == tag.encode("latin-1"):
            return entry, struct.unpack_from(">I", data, entry + 8)[0]
    raise KeyError(tag)


def test_octavos_own_fonts_are_whole() -> None:
    # The build does not read the built-in themes' fonts again (themes.check_font_file): here.
    fonts = [p for p in builtin_styles_dir().rglob("*") if p.suffix.lower() in FONT_TYPES]
    assert len(fonts) >= 10
    for path in fonts:
        assert font_problem(path) is None, path


@pytest.mark.parametrize("flavor", [None, "woff", "woff2", "ttc"])
def test_a_whole_font_passes_in_every_format(flavor: str | None) -> None:
    check_font(tiny_font(flavor))


@pytest.mark.parametrize("flavor", [None, "woff", "woff2", "ttc"])
def test_a_font_cut_short_is_refused(flavor: str | None) -> None:
    data = tiny_font(flavor)
    for size in (10, 60, len(data) // 2):
        with pytest.raises(Unusable, match="cut short|does not unpack"):
            check_font(data[:size])


def test_a_font_cut_short_names_the_table_that_runs_past_its_end() -> None:
    data = MONO.read_bytes()
    with pytest.raises(Unusable) as caught:
        check_font(data[:100_000])
    _, offset = table(data, "CFF ")
    length = struct.unpack_from(">I", data, table(data, "CFF ")[0] + 12)[0]
    assert str(caught.value) == (f"the file is cut short: its 'CFF ' table would end at byte "
                                 f"{offset + length:,}, the file at byte 100,000")


@pytest.mark.parametrize("tag", ["cmap", "hmtx"])
def test_a_font_without_a_table_every_font_needs_is_refused(tag: str) -> None:
    data = bytearray(tiny_font())
    entry, _ = table(bytes(data), tag)
    data[entry:entry + 4] = b"zzzz"  # the table is there, but not under its name
    with pytest.raises(Unusable, match=f"it has no '{tag}' table"):
        check_font(bytes(data))


def test_outlines_written_over_are_refused() -> None:
    data = bytearray(MONO.read_bytes())
    _, offset = table(bytes(data), "CFF ")
    data[offset + 800:offset + 1800] = random.Random(1).randbytes(1000)  # its strings and subrs
    with pytest.raises(Unusable, match="its 'CFF ' table is damaged: it does not match its "
                                       "checksum and cannot be read"):
        check_font(bytes(data))


def test_a_wrong_checksum_alone_is_no_reason_to_refuse(caplog: pytest.LogCaptureFixture) -> None:
    # A font tool may leave a checksum wrong: the table is read through, and it reads.
    data = bytearray(MONO.read_bytes())
    entry, _ = table(bytes(data), "CFF ")
    data[entry + 4:entry + 8] = b"\0\0\0\0"
    _, offset = table(bytes(data), "hmtx")
    data[offset:offset + 2] = b"\xff\xf0"  # an advance width fontTools finds odd, and says so
    check_font(bytes(data))
    assert not caplog.records  # what fontTools says of it is not passed on


def test_font_problem_says_what_to_do(tmp_path: Path) -> None:
    text, cut = tmp_path / "notes.otf", tmp_path / "cut.ttf"
    text.write_text("not a font")
    cut.write_bytes(tiny_font()[:100])
    assert font_problem(text) == NOT_A_FONT
    problem = font_problem(cut)
    assert problem is not None and problem.startswith("not a usable font (the file is cut short")
    assert problem.endswith("; replace it with a good copy of the font")
    cut.write_bytes(tiny_font())  # mended: its new state is checked afresh
    assert font_problem(cut) is None


def woff2_with_stream(data: bytes, extra: bytes) -> bytes:
    """The WOFF2 font `data` with its Brotli stream unpacking to `extra` after its tables (the
    table directory left as it was)."""
    import brotli

    packed = struct.unpack_from(">I", data, 20)[0]
    for pad in range(4):
        start = len(data) - pad - packed
        with contextlib.suppress(brotli.error):
            tables = brotli.decompress(data[start:start + packed])
            break
    stream = brotli.compress(tables + extra, quality=1)
    font = bytearray(data[:start]) + stream
    font += b"\0" * (-len(font) % 4)
    struct.pack_into(">I", font, 8, len(font))
    struct.pack_into(">I", font, 20, len(stream))
    return bytes(font)


def test_a_woff2_brotli_bomb_is_refused_before_it_is_unpacked(monkeypatch: pytest.MonkeyPatch) -> None:
    # fontTools unpacked the whole stream first: 0.9 MB of font took 12 s and 6.3 GB.
    import brotli

    bomb = woff2_with_stream(tiny_font("woff2"), b"\0" * 2**24)
    assert len(bomb) < 2**16

    def whole(data: bytes) -> bytes:
        raise AssertionError("the stream was unpacked whole")

    monkeypatch.setattr(brotli, "decompress", whole)
    with pytest.raises(Unusable) as caught:
        check_font(bomb)
    assert str(caught.value) == ("its WOFF2 data does not unpack to the size its table "
                                 "directory declares")


def test_a_woff2_font_declaring_more_than_a_font_holds_is_refused() -> None:
    data = bytearray(tiny_font("woff2"))
    struct.pack_into(">I", data, 16, 3 * 2**30)  # totalSfntSize: 3 GB
    with pytest.raises(Unusable) as caught:
        check_font(bytes(data))
    assert str(caught.value) == "a font of more than 64 MB: it would unpack to 3,072 MB"


def test_a_woff_table_unpacks_no_further_than_its_declared_length() -> None:
    import zlib

    data = bytearray(tiny_font("woff"))
    count = struct.unpack_from(">H", data, 12)[0]
    entries = [44 + 20 * index for index in range(count)]
    entry = next(e for e in entries if data[e:e + 4] == b"post")
    offset, packed, length = struct.unpack_from(">III", data, entry + 4)
    bomb = zlib.compress(b"\0" * 2**24, 9)  # 16 MB packed into 16 KB, declared as the table
    data[offset:offset] = bomb
    struct.pack_into(">II", data, entry + 8, len(bomb), length + 1 + len(bomb))
    for other in entries:  # the tables after it move on
        if struct.unpack_from(">I", data, other + 4)[0] > offset:
            struct.pack_into(">I", data, other + 4,
                             struct.unpack_from(">I", data, other + 4)[0] + len(bomb))
    with pytest.raises(Unusable) as caught:
        check_font(bytes(data))
    assert str(caught.value) == (f"its 'post' table does not unpack to the "
                                 f"{length + 1 + len(bomb):,} bytes its directory declares")
    struct.pack_into(">I", data, entry + 12, 2**30)  # declared: 1 GB
    with pytest.raises(Unusable, match="a font of more than 64 MB: its tables would unpack to "):
        check_font(bytes(data))


def test_a_font_file_larger_than_any_font_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.otf"
    with path.open("wb") as out:
        out.truncate(65 * 2**20)  # sparse: nothing written
    assert font_problem(path) == ("not a usable font (a font of more than 64 MB); replace it "
                                  "with a good copy of the font")
