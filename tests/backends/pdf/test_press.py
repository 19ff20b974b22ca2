"""The print profile's PDF as a printer takes it: bleed outside only, black ink, PDF/X-4, same bytes."""

from __future__ import annotations

import hashlib
import io
import re
import shutil
from collections import defaultdict
from pathlib import Path

import pikepdf
import pytest
from books import multi_chapter_book
from conftest import sample_book, write_files
from PIL import ImageCms

from octavo.backends.pdf.press import SOLID, _black, _lightness
from octavo.backends.pdf.subsets import unique_subset_tags
from octavo.cli import main

PT = 72
BLEED = 0.125 * PT
PRINT_SHOP = '[print]\nprofile = "print"\nbleed = true\ntrim = "5x8"\n'
EPOCH = "1767225600"


def build(book: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    return main(["build", str(book), "--format", "pdf", "-q", *args])


def sample(folder: Path, extra: str = PRINT_SHOP) -> Path:
    return sample_book(folder, "\n" + extra)


@pytest.fixture(scope="module")
def chunked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A book laid out in chunks and joined, in the print profile (classic: coloured ornaments)."""
    root = tmp_path_factory.mktemp("press")
    book = multi_chapter_book(lambda files: write_files(root, files), "classic", PRINT_SHOP)
    with pytest.MonkeyPatch.context() as mp:
        assert build(book, mp) == 0
    return book / "dist" / "chunked.pdf"


def boxes(page: pikepdf.Page) -> dict[str, list[float]]:
    return {name: [float(v) for v in page.obj[name]] for name in ("/MediaBox", "/TrimBox", "/BleedBox")}


def test_bleed_is_on_the_outside_top_and_bottom_only(chunked: Path) -> None:
    with pikepdf.open(chunked) as pdf:
        assert len(pdf.pages) % 2 == 0
        for index, page in enumerate(pdf.pages):
            box = boxes(page)
            x0, y0, x1, y1 = box["/TrimBox"]
            assert (x1 - x0, y1 - y0) == pytest.approx((5 * PT, 8 * PT), abs=0.01)
            if index % 2 == 0:  # a recto: bound on the left, trimmed on the right
                want = [x0, y0 - BLEED, x1 + BLEED, y1 + BLEED]
            else:
                want = [x0 - BLEED, y0 - BLEED, x1, y1 + BLEED]
            assert box["/MediaBox"] == pytest.approx(want, abs=0.01), f"page {index + 1}"
            assert box["/BleedBox"] == box["/MediaBox"]
            width = box["/MediaBox"][2] - box["/MediaBox"][0]
            assert width == pytest.approx(5.125 * PT, abs=0.01)  # 5.125 × 8.25 in, as KDP asks


def colour_operations(pdf: pikepdf.Pdf) -> list[tuple[str, list[float]]]:
    found = []
    streams = [page for page in pdf.pages]
    streams += [obj for obj in pdf.objects
                if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Form"]
    for stream in streams:
        for operands, operator in pikepdf.parse_content_stream(stream):
            name = str(operator)
            if any(isinstance(v, pikepdf.Name) and v != "/DeviceRGB" for v in operands) and \
                    name in ("cs", "CS", "scn", "SCN"):
                if name in ("cs", "CS") and operands[0] != "/Pattern":
                    found.append((name, []))  # a colour space other than a pattern's
                continue  # a pattern: its shading's colour space is checked on its own
            if name in ("rg", "RG", "g", "G", "k", "K", "sc", "scn", "SC", "SCN", "cs", "CS"):
                found.append((name, [float(v) if isinstance(v, int | float | pikepdf.Object)
                                     and not isinstance(v, pikepdf.Name) else 0.0
                                     for v in operands]))
    return found


def test_every_colour_is_black_ink_only(chunked: Path) -> None:
    with pikepdf.open(chunked) as pdf:
        operations = colour_operations(pdf)
        assert operations
        assert {name for name, _ in operations} <= {"k", "K"}
        for _name, (cyan, magenta, yellow, black) in operations:
            assert (cyan, magenta, yellow) == (0, 0, 0)
            assert 0 <= black <= 1
        assert 1.0 in {black for _name, (*_cmy, black) in operations}  # the text: solid black
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
                assert obj.get("/ColorSpace") != "/DeviceRGB"
                group = obj.get("/Group")
                if isinstance(group, pikepdf.Dictionary) and "/CS" in group:
                    assert group.CS == "/DeviceCMYK"


def test_dark_colours_print_solid_and_light_ones_as_their_grey() -> None:
    assert _black(1 - _lightness(0x2F / 255, 0x2A / 255, 0x24 / 255)) == 1.0  # warm text black
    red = 1 - _lightness(0x7A / 255, 0x24 / 255, 0x18 / 255)
    assert 0.5 < red < SOLID and _black(red) == red
    assert _lightness(1, 1, 1) == pytest.approx(1) and _lightness(0, 0, 0) == 0


def test_pdf_x4_is_claimed_with_a_real_output_intent(chunked: Path) -> None:
    with pikepdf.open(chunked) as pdf:
        intents = pdf.Root.OutputIntents
        assert len(intents) == 1
        intent = intents[0]
        assert intent.S == "/GTS_PDFX" and str(intent.OutputConditionIdentifier)
        data = intent.DestOutputProfile.read_bytes()
        assert intent.DestOutputProfile.N == 4
        profile = ImageCms.ImageCmsProfile(io.BytesIO(data)).profile
        assert (profile.device_class, profile.xcolor_space.strip()) == ("prtr", "CMYK")
        xmp = pdf.Root.Metadata.read_bytes().decode("utf-8")
        assert "<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>" in xmp
        assert pdf.trailer.Info.Trapped == "/False"
        assert pdf.pdf_version >= "1.6"
        # Dates from SOURCE_DATE_EPOCH (2026-01-01), never the clock.
        assert str(pdf.trailer.Info.CreationDate) == "D:20260101000000Z"
        assert "<xmp:CreateDate>2026-01-01T00:00:00Z</xmp:CreateDate>" in xmp
        assert "Chunked" in xmp and "Ada Writer" in xmp


def programs_by_tag(path: Path) -> dict[str, set[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    with pikepdf.open(path) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor":
                name = str(obj.FontName)
                if re.match(r"^/[A-Z]{6}\+", name):
                    program = next(obj[k] for k in ("/FontFile", "/FontFile2", "/FontFile3")
                                   if k in obj)
                    found[name].add(hashlib.sha256(program.read_raw_bytes()).hexdigest())
    return found


def test_one_subset_tag_per_font_program(chunked: Path) -> None:
    found = programs_by_tag(chunked)
    assert len(found) > 3  # the chunks' subsets of the same fonts, each named for itself
    assert all(len(programs) == 1 for programs in found.values()), found


def test_renaming_tags_is_stable_and_leaves_distinct_names_alone(chunked: Path) -> None:
    with pikepdf.open(chunked) as pdf:
        assert unique_subset_tags(pdf) == 0  # already named for their programs


def test_a_rebuild_gives_the_same_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = sample(tmp_path / "a"), sample(tmp_path / "b")
    assert build(first, monkeypatch) == 0
    assert build(second, monkeypatch) == 0
    name = "dist/the-quiet-press.pdf"
    assert (first / name).read_bytes() == (second / name).read_bytes()
    # A cold rebuild in the same folder too (the chunk cache gone).
    before = (first / name).read_bytes()
    shutil.rmtree(first / ".octavo-cache")
    (first / name).unlink()
    assert build(first, monkeypatch) == 0
    assert (first / name).read_bytes() == before


def test_the_colours_that_print_as_grey_are_told_once(tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    book = sample(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    assert main(["build", str(book), "--format", "pdf"]) == 0
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if "black ink only" in line]
    assert len(lines) == 1, err
    assert "styles/classic/print.css" in lines[0] and "#7a2418 as" in lines[0]


def test_no_pdf_x_claim_when_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    book = sample(tmp_path, PRINT_SHOP + 'pdf_variant = "none"\n')
    assert build(book, monkeypatch) == 0
    with pikepdf.open(book / "dist" / "the-quiet-press.pdf") as pdf:
        assert b"GTS_PDFXVersion" not in pdf.Root.Metadata.read_bytes()
        assert "/GTS_PDFXVersion" not in pdf.trailer.Info


@pytest.mark.parametrize(("profile", "message"), [
    ("missing.icc", "missing.icc does not exist"),
    ("srgb.icc", "srgb.icc is a RGB 'mntr' profile; a print PDF needs a CMYK output"),
    ("notes.icc", "notes.icc is not an ICC colour profile"),
    ("../outside.icc", "../outside.icc: it is outside the book folder"),
])
def test_a_bad_icc_profile_is_refused_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch, profile: str,
                                                  message: str) -> None:
    book = sample(tmp_path, PRINT_SHOP + f'icc_profile = "{profile}"\n')
    srgb = Path(pikepdf.__file__).parent / "pdfa" / "data" / "sRGB.icc"
    shutil.copy(srgb, book / "srgb.icc")
    shutil.copy(srgb, tmp_path / "outside.icc")
    (book / "notes.icc").write_text("not a profile")
    assert build(book, monkeypatch) != 0
    err = capsys.readouterr().err.strip()
    assert "book.toml" in err and message in err and "Traceback" not in err
    assert len(err.splitlines()) == 1


def test_a_book_s_own_cmyk_profile_is_its_output_intent(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from importlib import resources

    book = sample(tmp_path, PRINT_SHOP + 'icc_profile = "press/house.icc"\n')
    data = resources.files("octavo.profiles").joinpath("octavo-gracol2006.icc").read_bytes()
    (book / "press").mkdir()
    (book / "press" / "house.icc").write_bytes(data)
    assert build(book, monkeypatch) == 0
    with pikepdf.open(book / "dist" / "the-quiet-press.pdf") as pdf:
        intent = pdf.Root.OutputIntents[0]
        assert intent.DestOutputProfile.read_bytes() == data
        assert "GRACoL" in str(intent.OutputConditionIdentifier)


def test_the_reading_pdf_is_left_in_rgb_for_screens(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    book = sample(tmp_path, "")
    assert build(book, monkeypatch) == 0
    with pikepdf.open(book / "dist" / "the-quiet-press.pdf") as pdf:
        assert "/OutputIntents" not in pdf.Root
        for page in pdf.pages:
            assert [float(v) for v in page.obj.MediaBox] == [0, 0, 6 * PT, 9 * PT]


MODERN_COLOURS = """
h1 { color: oklch(55% 0.2 30); }
em { color: lab(40% 60 40); }
p:first-of-type { color: device-cmyk(0 1 1 0); }
blockquote { background: linear-gradient(to right, #c33, #36c); }
.chapter { border-top: 2pt solid rgb(20 120 200); }
"""


def test_colours_of_every_css_kind_print_in_black_ink(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """lab(), oklch() and device-cmyk() are set with cs/scn, gradients are shadings: all black."""
    book = sample(tmp_path)
    (book / "styles" / "classic").mkdir(parents=True)
    (book / "styles" / "classic" / "extra-print.css").write_text(MODERN_COLOURS)
    assert build(book, monkeypatch) == 0
    with pikepdf.open(book / "dist" / "the-quiet-press.pdf") as pdf:
        operations = colour_operations(pdf)
        assert {name for name, _ in operations} <= {"k", "K"}, operations
        assert all(values[:3] == [0, 0, 0] for _name, values in operations)
        shadings = [obj for obj in pdf.objects
                    if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream) and "/ShadingType" in obj]
        assert shadings and all(s.ColorSpace == "/DeviceGray" for s in shadings)


def test_strings_in_a_content_stream_are_never_taken_for_colours() -> None:
    from octavo.backends.pdf.press import _COLOUR

    stream = b"BT (Chapter 1 g and 0 0 0 rg) Tj <30312067> Tj ET 0.5 g 1 0 0 RG /lab-d65 cs 50 0 0 scn"
    kinds = [m.lastgroup for m in _COLOUR.finditer(stream)]
    assert [m.group("string") is not None for m in _COLOUR.finditer(stream)] == \
        [True, True, False, False, False], kinds


@pytest.mark.parametrize(("cut", "message"), [(0.9, "is damaged or incomplete"),
                                              (0.3, "is damaged or incomplete")])
def test_a_profile_cut_short_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                       monkeypatch: pytest.MonkeyPatch, cut: float,
                                       message: str) -> None:
    from importlib import resources

    data = resources.files("octavo.profiles").joinpath("octavo-gracol2006.icc").read_bytes()
    book = sample(tmp_path, PRINT_SHOP + 'icc_profile = "cut.icc"\n')
    (book / "cut.icc").write_bytes(data[: int(len(data) * cut)])
    assert build(book, monkeypatch) != 0
    err = capsys.readouterr().err.strip()
    assert "book.toml" in err and "cut.icc" in err and message in err, err


def test_a_new_icc_profile_rebuilds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    from importlib import resources

    data = resources.files("octavo.profiles").joinpath("octavo-gracol2006.icc").read_bytes()
    book = sample(tmp_path, PRINT_SHOP + 'icc_profile = "house.icc"\n')
    (book / "house.icc").write_bytes(data)
    assert build(book, monkeypatch) == 0
    assert build(book, monkeypatch) == 0
    capsys.readouterr()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    assert main(["build", str(book), "--format", "pdf"]) == 0
    assert "up to date" in capsys.readouterr().out
    changed = bytearray(data)
    changed[-1] ^= 1  # the same profile but for its last byte: another file
    (book / "house.icc").write_bytes(bytes(changed))
    assert main(["build", str(book), "--format", "pdf"]) == 0
    assert "up to date" not in capsys.readouterr().out
