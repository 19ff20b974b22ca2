"""The cover wrap: its sheet follows the print PDF's page count; spine, back, barcode box, front."""

from __future__ import annotations

import shutil
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from books import chapter, paragraph
from conftest import write_files

from octavo.backends.base import RenderContext
from octavo.backends.pdf.coverwrap import Wrap, wrap_for, wrap_pdf
from octavo.backends.pdf.printers import INGRAMSPARK, KDP
from octavo.build import load_book
from octavo.cli import main
from octavo.diagnostics import Diagnostics
from octavo.themes import load_theme
from octavo.uptodate import forget

PT = 72
EPOCH = 1767225600
# The published figures, written out here so that a changed printers.py is noticed:
# KDP's "Paperback cover" page (inches per page), IngramSpark's 50 lb white and creme.
PER_PAGE = {("kdp", "white"): 0.002252, ("kdp", "cream"): 0.0025,
            ("ingramspark", "white"): 1 / 444, ("ingramspark", "cream"): 1 / 400}
DESCRIPTION = ("Marguerite keeps a small press above the river, where every night she sets a page "
               "by hand while the town sleeps.")
LONG = "\n\n".join(paragraph(n, 70) for n in range(9))  # far more than a back cover holds


def toml(printer: str = "kdp", paper: str = "white", description: str = DESCRIPTION,
         extra: str = "") -> str:
    return (f'[book]\ntitle = "The Night Press"\nauthors = ["Ada Writer"]\nlanguage = "en"\n'
            f'description = """{description}"""\n{extra}'
            f'[build]\nformats = ["pdf"]\ntheme = "classic"\n'
            f'[print]\nprinter = "{printer}"\npaper = "{paper}"\n')


def small_book(root: Path, chapters: int = 2, **settings: str) -> Path:
    files: dict[str, str | bytes] = {"book.toml": toml(**settings)}
    for n in range(1, chapters + 1):
        files[f"manuscript/{n:02d}-chapter.md"] = chapter(n)
    return write_files(root, files)


def build(root: Path, *args: str) -> None:
    assert main(["build", str(root), "-q", *args]) == 0


def pages_of(pdf: Path) -> int:
    with pikepdf.open(pdf) as document:
        return len(document.pages)


def boxes(pdf: Path) -> dict[str, list[float]]:
    with pikepdf.open(pdf) as document:
        assert len(document.pages) == 1
        page = document.pages[0].obj
        return {name: [float(v) for v in page[f"/{name}"]] for name in
                ("MediaBox", "TrimBox", "BleedBox")}


def expected_width(pages: int, printer: str, paper: str, trim: float = 6.0) -> float:
    even = pages + pages % 2  # a leaf has two sides
    return 0.125 + trim + even * PER_PAGE[(printer, paper)] + trim + 0.125


def chars(pdf: bytes | Path) -> list[tuple[str, tuple[float, float, float, float]]]:
    """Every character of the wrap's text with its box (left, bottom, right, top), in points."""
    document = pdfium.PdfDocument(pdf)
    try:
        text = document[0].get_textpage()
        return [(text.get_text_range(i, 1), text.get_charbox(i)) for i in range(text.count_chars())
                if text.get_text_range(i, 1).strip()]
    finally:
        document.close()


def objects(pdf: bytes | Path, kind: int) -> list[tuple[float, float, float, float]]:
    """The bounds of the wrap's page objects of one kind (text, image, path), in points."""
    document = pdfium.PdfDocument(pdf)
    try:
        return [tuple(o.get_bounds()) for o in document[0].get_objects(max_depth=8)
                if o.type == kind]
    finally:
        document.close()


def within(box: tuple[float, float, float, float], left: float, right: float) -> bool:
    return box[0] >= left - 0.01 and box[2] <= right + 0.01


def overlaps(box: tuple[float, float, float, float], area: tuple[float, float, float, float]) -> bool:
    return box[0] < area[2] and area[0] < box[2] and box[1] < area[3] and area[1] < box[3]


def letters(text: str) -> str:
    return "".join(c for c in text if c.isalnum())


def spine_sizes(data: bytes, wrap: Wrap) -> list[tuple[str, float]]:
    """Each character on the spine with its size as printed, in points: pdfium gives the font
    size WeasyPrint sets (CSS px, at the design's scale), which the page enlarges by 0.75 (px to
    pt) and the wrap's scale."""
    left, _, right, _ = in_points(wrap, wrap.spine_box)
    document = pdfium.PdfDocument(data)
    try:
        text = document[0].get_textpage()
        return [(text.get_text_range(i, 1), pdfium_c.FPDFText_GetFontSize(text, i) * 0.75 * wrap.scale)
                for i in range(text.count_chars())
                if text.get_text_range(i, 1).strip() and within(text.get_charbox(i), left, right)]
    finally:
        document.close()


def in_points(wrap: Wrap, box: tuple[float, float, float, float]) -> tuple[float, ...]:
    """A box in inches from the sheet's top left, as PDF points from its bottom left."""
    left, top, right, bottom = box
    return left * PT, (wrap.height - bottom) * PT, right * PT, (wrap.height - top) * PT


def text_in(pdf: bytes | Path, left: float, right: float) -> str:
    return "".join(c for c, box in chars(pdf) if within(box, left, right))


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small book's folder, read (not built) to lay wraps out at any page count."""
    return small_book(tmp_path_factory.mktemp("wrap") / "book")


def layout(root: Path, pages: int, printer: str = "kdp", paper: str = "white",
           description: str = DESCRIPTION, extra: str = "",
           diagnostics: Diagnostics | None = None) -> tuple[bytes, Wrap]:
    """The wrap of the book at `root` laid out for `pages` pages, as [print] says."""
    (root / "book.toml").write_text(toml(printer, paper, description, extra), encoding="utf-8")
    diagnostics = diagnostics or Diagnostics()
    config, book = load_book(root, diagnostics)
    theme = load_theme(config.build.theme, root)
    context = RenderContext(book_root=root, source_epoch=EPOCH, diagnostics=diagnostics,
                            settings=config.settings["pdf"])
    return wrap_pdf(book, theme, context, pages), wrap_for(config.settings["pdf"], pages)


@pytest.mark.parametrize(("printer", "paper"), [("kdp", "white"), ("kdp", "cream"),
                                                ("ingramspark", "white")])
def test_the_sheet_is_back_spine_and_front_with_bleed(tmp_path: Path, printer: str,
                                                      paper: str) -> None:
    root = small_book(tmp_path / "book", printer=printer, paper=paper)
    build(root)
    pages = pages_of(root / "dist" / "the-night-press.pdf")
    found = boxes(root / "dist" / "the-night-press-cover.pdf")
    width, height = expected_width(pages, printer, paper) * PT, (0.125 + 9 + 0.125) * PT
    assert found["MediaBox"] == pytest.approx([0, 0, width, height], abs=0.01)
    assert found["BleedBox"] == found["MediaBox"]
    # The trim: the whole wrap inside 0.125 in of bleed on all four outer edges.
    assert found["TrimBox"] == pytest.approx([9, 9, width - 9, height - 9], abs=0.01)


def test_the_printers_figures() -> None:
    """Spine = pages (made even) × the paper's thickness; the rest is trim and bleed."""
    for (printer, paper), per_page in PER_PAGE.items():
        from octavo.backends.pdf.settings import PrintSettings

        wrap = wrap_for(PrintSettings(printer=printer, paper=paper, width=5.5, height=8.5), 301)
        assert wrap.spine == pytest.approx(302 * per_page)
        assert wrap.width == pytest.approx(0.25 + 11 + 302 * per_page)
        assert wrap.height == pytest.approx(8.75)
    assert (KDP.spine_text_min_pages, INGRAMSPARK.spine_text_min_pages) == (80, 48)


def spine_letters(data: bytes, wrap: Wrap) -> list[tuple[str, tuple[float, float, float, float]]]:
    left, _, right, _ = in_points(wrap, wrap.spine_box)
    return [(c, box) for c, box in chars(data) if box[0] >= left - 1 and box[2] <= right + 1]


def room_from(printer: str, paper: str) -> int:
    """The fewest pages (even) whose spine holds 5 pt lettering between the clearances."""
    return next(n for n in range(2, 1000, 2)
                if (n * PER_PAGE[(printer, paper)] - 2 * 0.0625) * PT / 1.3 >= 5)


@pytest.mark.parametrize("printer", [KDP, INGRAMSPARK], ids=lambda p: p.name)
def test_spine_text_only_from_the_printers_threshold(sample: Path, printer, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import dataclasses

    from octavo.backends.pdf import printers

    # The printer's own rule: nothing below its page count, though the spine has room.
    later = dataclasses.replace(printer, spine_text_min_pages=200)
    monkeypatch.setitem(printers.PRINTERS, printer.name, later)
    assert spine_letters(*layout(sample, 198, printer.name)) == []
    assert spine_letters(*layout(sample, 200, printer.name)) != []
    monkeypatch.undo()
    # As published: from its threshold, once the spine is wide enough for type to be read
    # (5 pt between the clearances); 80 pages on KDP's white paper is a 0.18 in spine.
    threshold = printer.spine_text_min_pages
    room = room_from(printer.name, "white")
    assert room == 96 and threshold < room
    for pages in (threshold - 2, threshold, room - 2):
        assert spine_letters(*layout(sample, pages, printer.name)) == [], pages
    # There the title is 5 pt, the author (the theme's smaller type) would be less: left off.
    diagnostics = Diagnostics()
    at, wrap = layout(sample, room, printer.name, diagnostics=diagnostics)
    spine = spine_letters(at, wrap)
    assert "".join(c for c, _ in spine) == "TheNightPress"
    assert diagnostics.warnings == ["book.toml: [book] authors: the spine is too narrow for the "
                                    "title and the author at 5 pt: the author is left off the spine"]
    assert "".join(c for c, _ in spine_letters(*layout(sample, 120, printer.name))) \
        == "TheNightPressAdaWriter"
    left, bottom, right, top = in_points(wrap, wrap.spine_box)
    clearance = printer.spine_clearance * PT
    for _c, box in spine:  # kept inside each fold by the clearance, and inside the trim
        assert left + clearance - 0.05 <= box[0] and box[2] <= right - clearance + 0.05
        assert bottom + printer.cover_safe * PT - 0.05 <= box[1]
        assert box[3] <= top - printer.cover_safe * PT + 0.05
    # Running top to bottom (turned 90° clockwise): each letter lower on the page than the last.
    tops = [box[3] for _c, box in spine]
    assert tops == sorted(tops, reverse=True)


def titled(root: Path, pages: int, title: str, diagnostics: Diagnostics,
           paper: str = "cream") -> tuple[bytes, Wrap]:
    """The wrap of the book at `root` under another title, laid out on KDP's `paper`."""
    (root / "book.toml").write_text(toml(paper=paper).replace("The Night Press", title))
    config, book = load_book(root, diagnostics)
    context = RenderContext(book_root=root, source_epoch=EPOCH, diagnostics=diagnostics,
                            settings=config.settings["pdf"])
    return (wrap_pdf(book, load_theme("classic", root), context, pages),
            wrap_for(config.settings["pdf"], pages))


def test_spine_lettering_fits_a_wide_spine_and_a_long_title(sample: Path) -> None:
    long = ("A Very Long Title That Runs On and On, Down the Whole Spine of This Rather Thick "
            "Book")
    data, wrap = layout(sample, 700, "kdp", "cream")
    left, _, right, _ = in_points(wrap, wrap.spine_box)
    heights = {round(box[2] - box[0], 1) for c, box in chars(data)
               if within(box, left, right) and c == "N"}
    assert 18 * 0.6 < max(heights) <= 22 * 0.8  # capped: a wide spine gets 22 pt at most
    sizes = spine_sizes(data, wrap)  # (and the sizes as printed are what the wrap asked for)
    assert max(size for _c, size in sizes) == pytest.approx(22, abs=0.01)
    diagnostics = Diagnostics()
    data, wrap = titled(sample, 700, long, diagnostics)
    left, bottom, right, top = in_points(wrap, wrap.spine_box)
    spine = [box for c, box in chars(data) if within(box, left, right)]
    assert len(spine) > 75  # the whole title and the author, smaller than 22 pt...
    assert min(b[1] for b in spine) >= bottom + KDP.cover_safe * PT - 0.05  # ...within the trim
    assert max(b[3] for b in spine) <= top - KDP.cover_safe * PT + 0.05
    assert min(size for _c, size in spine_sizes(data, wrap)) >= 5 - 0.01
    assert diagnostics.warnings == []


AUTHOR_LEFT_OFF = ("book.toml: [book] authors: the spine is too narrow for the title and the "
                   "author at 5 pt: the author is left off the spine")
SPINE_BARE = ("book.toml: [book] title: the spine is too narrow for the title at 5 pt: the spine "
              "is left bare; a shorter title fits")


@pytest.mark.parametrize(("title", "pages", "kept", "warned"), [
    ("The Night Press", 96, "TheNightPress", AUTHOR_LEFT_OFF),  # the author would be 4.3 pt
    ("A Long Title, " * 20, 188, "ALongTitle" * 20, AUTHOR_LEFT_OFF),  # the author under 5 pt
    ("A Very Long Title That Runs On " * 10, 188, "", SPINE_BARE),  # the title alone under 5 pt
])
def test_spine_lettering_is_never_below_5_pt(sample: Path, title: str, pages: int, kept: str,
                                             warned: str) -> None:
    diagnostics = Diagnostics()
    data, wrap = titled(sample, pages, title.strip(" ,"), diagnostics, paper="white")
    sizes = spine_sizes(data, wrap)
    assert all(size >= 5 - 0.01 for _c, size in sizes), min(size for _c, size in sizes)
    assert "".join(c for c, _size in sizes if c.isalnum()) == kept
    assert diagnostics.warnings == [warned]  # once


def test_the_description_is_on_the_back(sample: Path) -> None:
    data, wrap = layout(sample, 200)
    back = text_in(data, wrap.bleed * PT, (wrap.bleed + wrap.trim_width) * PT)
    assert letters(back) == letters(DESCRIPTION)  # under the theme's ornament
    # The front: the typographic cover, as the EPUB has it (the same page, laid out larger).
    from octavo.covers import cover_pdf

    front = text_in(data, wrap.spine_box[2] * PT, wrap.width * PT)
    config, book = load_book(sample, Diagnostics())
    epub_cover = cover_pdf(book.metadata, load_theme("classic", sample), sample)
    assert front == "".join(c for c, _box in chars(epub_cover)) == "TheNightPress❧AdaWriter"


@pytest.mark.parametrize("printer", ["kdp", "ingramspark"])
@pytest.mark.parametrize("description", ["short", "long"])
def test_nothing_in_the_barcode_box(sample: Path, printer: str, description: str) -> None:
    publisher = 'publisher = "The Quiet Press of the River Town"\n'
    data, wrap = layout(sample, 200, printer, description=DESCRIPTION if description == "short"
                        else LONG, extra=publisher)
    area = in_points(wrap, wrap.barcode_box)
    assert [c for c, box in chars(data) if overlaps(box, area)] == []
    assert [b for b in objects(data, pdfium_c.FPDF_PAGEOBJ_TEXT) if overlaps(b, area)] == []
    assert [b for b in objects(data, pdfium_c.FPDF_PAGEOBJ_IMAGE) if overlaps(b, area)] == []
    # The box is drawn (white), for the author to see where the barcode goes.
    assert any(b == pytest.approx(area, abs=0.05)
               for b in objects(data, pdfium_c.FPDF_PAGEOBJ_PATH))
    back = text_in(data, 0, (wrap.bleed + wrap.trim_width) * PT)
    assert "TheQuietPressoftheRiverTown" in back
    # The back's text kept inside the safe area: from the trim and from the spine's fold.
    safe = wrap.printer.cover_safe * PT
    for _c, box in chars(data):
        if box[2] <= (wrap.bleed + wrap.trim_width) * PT:
            assert (wrap.bleed * PT + safe - 0.05 <= box[0]
                    and box[2] <= (wrap.bleed + wrap.trim_width) * PT - safe + 0.05)
            assert wrap.bleed * PT + safe - 0.05 <= box[1]
            assert box[3] <= (wrap.height - wrap.bleed) * PT - safe + 0.05


def test_a_description_too_long_is_cut_with_a_warning(sample: Path) -> None:
    diagnostics = Diagnostics()
    data, wrap = layout(sample, 200, description="\n\n".join([LONG] * 4), diagnostics=diagnostics)
    warned = [w for w in diagnostics.warnings if "too long for the back cover" in w]
    assert len(warned) == 1 and "words fit; shorten it" in warned[0]
    area = in_points(wrap, wrap.barcode_box)
    assert [c for c, box in chars(data) if overlaps(box, area)] == []
    back = text_in(data, wrap.bleed * PT, (wrap.bleed + wrap.trim_width) * PT)
    kept = int(warned[0].split("its first ")[1].split(" of")[0])
    words = "\n\n".join([LONG] * 4).split()
    assert 50 < kept < len(words)
    assert letters(back).startswith(letters(" ".join(words[:kept])))  # the first words, whole


CHINESE = "夜里小镇沉睡时，玛格丽特在河边的小印刷所里一字一字地排版，直到天亮。"


@pytest.mark.parametrize("description", [
    (CHINESE * 250)[:7500],  # no spaces at all: more than twice what the back holds
    ("keepsapress" * 400)[:4000],  # one "word" of 4,000 letters: never hyphenated letter by letter
])
def test_a_long_text_without_spaces_is_cut_by_characters(sample: Path, description: str,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import math

    import pyphen

    from octavo.backends.pdf import coverwrap

    layouts = 0
    wrap_html, iterate = coverwrap.wrap_html, pyphen.Pyphen.iterate

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        nonlocal layouts
        layouts += 1
        return wrap_html(*args, **kwargs)

    def hyphenate(self, word: str):  # type: ignore[no-untyped-def]
        assert len(word) <= coverwrap.LONG_WORD, "every hyphenation of a long word tried"
        return iterate(self, word)

    monkeypatch.setattr(coverwrap, "wrap_html", counted)
    monkeypatch.setattr(pyphen.Pyphen, "iterate", hyphenate)
    diagnostics = Diagnostics()
    data, wrap = layout(sample, 200, description=description, diagnostics=diagnostics)
    warned = [w for w in diagnostics.warnings if "too long for the back cover" in w]
    assert len(warned) == 1 and "characters fit; shorten it" in warned[0], diagnostics.warnings
    kept = int(warned[0].split("its first ")[1].split(" of")[0])
    assert f" of {len(description)} characters" in warned[0]
    assert 1000 < kept < len(description)
    back = text_in(data, wrap.bleed * PT, (wrap.bleed + wrap.trim_width) * PT)
    assert letters(back).startswith(letters(description[:kept]))  # the start, as far as it fits
    area = in_points(wrap, wrap.barcode_box)
    assert [c for c, box in chars(data) if overlaps(box, area)] == []
    # Each size, then a search for the most characters that fit: no layout per character.
    assert layouts <= coverwrap.MAX_LAYOUTS + 1 + math.ceil(math.log2(len(description))) + 1


def test_a_cut_keeps_whole_characters_and_words() -> None:
    from octavo.backends.pdf.coverwrap import _cut, _units

    thai = "น้ำใจไม่ต้องซื้อ" * 10  # marks above and below their letters
    by, units = _units([thai, "e\u0301t\u00e9"])
    assert by == "characters" and units[0][:2] == ["น้ำ", "ใ"]
    assert _cut(units, 1, by) == ["น้ำ…"]
    assert _cut(units, len(units[0]), by) == [thai + "…"]
    assert _cut(units, len(units[0]) + 1, by) == [thai, "e\u0301…"]
    by, units = _units(["One two three.", "Four five."])
    assert by == "words" and _cut(units, 2, by) == ["One two …"]
    assert _cut(units, 3, by) == ["One two three. …"]


def test_the_wrap_follows_the_page_count(tmp_path: Path) -> None:
    root = small_book(tmp_path / "book", chapters=1)
    build(root)
    pdf, wrap = root / "dist" / "the-night-press.pdf", root / "dist" / "the-night-press-cover.pdf"
    before, width = pages_of(pdf), boxes(wrap)["MediaBox"][2]
    for n in range(2, 6):
        (root / "manuscript" / f"{n:02d}-chapter.md").write_text(chapter(n), encoding="utf-8")
    build(root)
    after = pages_of(pdf)
    assert after > before + 1
    assert boxes(wrap)["MediaBox"][2] > width
    assert boxes(wrap)["MediaBox"][2] == pytest.approx(
        expected_width(after, "kdp", "white") * PT, abs=0.01)


def test_the_same_bytes_on_a_rebuild(tmp_path: Path) -> None:
    root = small_book(tmp_path / "book")
    build(root)
    wrap = root / "dist" / "the-night-press-cover.pdf"
    first = wrap.read_bytes()
    forget(root)  # no stamp: the build runs in full
    shutil.rmtree(root / ".octavo-cache", ignore_errors=True)
    wrap.unlink()
    build(root)
    assert wrap.read_bytes() == first
    with pikepdf.open(wrap) as document:
        assert str(document.docinfo["/CreationDate"]) == "D:20260101000000Z"
        assert str(document.docinfo["/ModDate"]) == "D:20260101000000Z"
        # Press-ready (press.py): an output intent, and the colours as CMYK inks.
        assert "/OutputIntents" in document.Root
        assert document.pages[0].obj.TrimBox  # which it keeps


def test_the_layout_alone_gives_the_same_bytes(sample: Path) -> None:
    import io

    first, _wrap = layout(sample, 200)
    assert layout(sample, 200)[0] == first
    with pikepdf.open(io.BytesIO(first)) as document:
        assert str(document.docinfo["/CreationDate"]) == "D:20260101000000Z"  # SOURCE_DATE_EPOCH
        identifier = load_book(sample, Diagnostics())[1].metadata.identifier
        assert str(document.trailer.ID[0]) == identifier  # the book's, as the print PDF's


@pytest.mark.parametrize("failing", ["the wrap", "the pdf"])
def test_a_failed_build_leaves_the_old_wrap_and_pdf(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    failing: str) -> None:
    from octavo.backends.pdf import coverwrap
    from octavo.backends.pdf import layout as pdf_layout
    from octavo.errors import BuildError

    root = small_book(tmp_path / "book")
    build(root)
    dist = root / "dist"
    old = {p.name: p.read_bytes() for p in dist.iterdir()}
    (root / "manuscript" / "03-chapter.md").write_text(chapter(3), encoding="utf-8")

    def fail(*args: object, **kwargs: object) -> None:
        raise BuildError("stopped on purpose")

    if failing == "the wrap":  # after the new PDF is complete: it must not land alone
        monkeypatch.setattr(coverwrap, "wrap_pdf", fail)
    else:
        monkeypatch.setattr(pdf_layout, "render_pdf", fail)
    assert main(["build", str(root), "-q"]) != 0
    assert {p.name: p.read_bytes() for p in dist.iterdir()} == old  # no partial file either


def test_epub_alone_makes_no_wrap(tmp_path: Path) -> None:
    root = small_book(tmp_path / "book")
    build(root, "--format", "epub")
    assert sorted(p.name for p in (root / "dist").iterdir()) == ["the-night-press.epub"]


def test_the_build_says_it_wrote_the_wrap_and_a_no_op_stays_one(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    root = small_book(tmp_path / "book")
    assert main(["build", str(root), "--format", "all"]) == 0
    out = capsys.readouterr().out
    wrote = [line for line in out.splitlines() if line.startswith("wrote ")]
    assert len(wrote) == 3 and len(wrote) == len(list((root / "dist").iterdir()))
    assert "wrote dist/the-night-press-cover.pdf" in out.replace(str(root) + "/", "")
    wrap = root / "dist" / "the-night-press-cover.pdf"
    made = wrap.stat().st_mtime_ns
    assert main(["build", str(root), "--format", "all"]) == 0
    out = capsys.readouterr().out
    assert "up to date" in out and "the-night-press-cover.pdf" in out
    assert wrap.stat().st_mtime_ns == made
    wrap.unlink()  # a deleted wrap builds again
    assert main(["build", str(root), "--format", "all"]) == 0
    assert "wrote" in capsys.readouterr().out and wrap.is_file()


def cover_png(width: int, height: int) -> bytes:
    import io

    from PIL import Image, ImageDraw

    picture = Image.new("RGB", (width, height), (30, 60, 120))
    ImageDraw.Draw(picture).ellipse([width // 5, height // 3, 4 * width // 5, 2 * height // 3],
                                    fill=(250, 230, 120))
    out = io.BytesIO()
    picture.save(out, format="PNG")
    return out.getvalue()


@pytest.mark.parametrize(("size", "warned"), [((1600, 2560), True), ((1900, 2800), False)])
def test_a_cover_image_fills_the_front_and_its_bleed(sample: Path, size: tuple[int, int],
                                                      warned: bool) -> None:
    (sample / "cover.png").write_bytes(cover_png(*size))
    diagnostics = Diagnostics()
    try:
        data, wrap = layout(sample, 200, extra='cover = "cover.png"\n', diagnostics=diagnostics)
    finally:
        (sample / "cover.png").unlink()
    images = objects(data, pdfium_c.FPDF_PAGEOBJ_IMAGE)
    assert len(images) == 1
    left, bottom, right, top = images[0]
    front_left = wrap.spine_box[2] * PT
    # It covers the front panel and its bleed (top, bottom, outside), cropped...
    assert left == pytest.approx(front_left, abs=0.05) or left < front_left
    assert right >= wrap.width * PT - 0.05 and bottom <= 0.05 and top >= wrap.height * PT - 0.05
    assert min(right - left - (wrap.width * PT - front_left), top - bottom - wrap.height * PT) \
        == pytest.approx(0, abs=0.1)  # ...scaled no more than it must be...
    # ...and never distorted.
    assert (right - left) / (top - bottom) == pytest.approx(size[0] / size[1], rel=1e-3)
    assert text_in(data, front_left, wrap.width * PT) == ""  # the picture is the front
    low = [w for w in diagnostics.warnings if "dpi" in w]
    assert bool(low) == warned
    if warned:
        assert "1600×2560 px prints at 261 dpi" in low[0] and "300 dpi" in low[0]


def test_an_edit_that_keeps_the_page_count_keeps_the_wrap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    from octavo.backends.pdf import coverwrap

    root = small_book(tmp_path / "book", description="\n\n".join([LONG] * 4))
    wrap = root / "dist" / "the-night-press-cover.pdf"
    assert main(["build", str(root)]) == 0
    first, said = wrap.read_bytes(), capsys.readouterr()
    assert "too long for the back cover" in said.out + said.err

    def fail(*args: object, **kwargs: object) -> None:
        raise AssertionError("laid out again")

    monkeypatch.setattr(coverwrap, "wrap_pdf", fail)
    chapter_file = root / "manuscript" / "01-chapter.md"
    chapter_file.write_text(chapter_file.read_text(encoding="utf-8").replace(" the ", " The ", 1),
                            encoding="utf-8")
    assert main(["build", str(root)]) == 0
    again = capsys.readouterr()
    assert wrap.read_bytes() == first  # from the cache
    assert "too long for the back cover" in again.out + again.err  # its warning too
    # Another date: the kept layout is dated anew, as a wrap laid out on that date would be.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    assert main(["build", str(root), "-q"]) == 0
    kept = wrap.read_bytes()
    monkeypatch.undo()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    shutil.rmtree(root / ".octavo-cache" / coverwrap.CACHE_FOLDER)
    forget(root)
    assert main(["build", str(root), "-q"]) == 0
    assert wrap.read_bytes() == kept != first


def test_a_template_that_prints_the_date_is_laid_out_anew_for_another(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from octavo.themes import TEMPLATES_DIR

    root = small_book(tmp_path / "book")
    template = (TEMPLATES_DIR / "coverwrap.html").read_text(encoding="utf-8")
    dated = template.replace('<p class="back-description">{{ paragraph }}</p>',
                             '<p class="back-description">{{ paragraph }} Set in {{ stamp[:4] }}.</p>')
    assert dated != template
    (root / "styles" / "classic" / "templates").mkdir(parents=True)
    (root / "styles" / "classic" / "templates" / "coverwrap.html").write_text(dated, encoding="utf-8")
    wrap = root / "dist" / "the-night-press-cover.pdf"
    build(root)
    assert "Setin2026" in letters("".join(c for c, _box in chars(wrap)))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1830000000")  # in 2027
    forget(root)
    build(root)
    assert "Setin2027" in letters("".join(c for c, _box in chars(wrap)))


def test_a_wrap_cache_that_links_out_of_the_book_is_not_used(tmp_path: Path) -> None:
    from octavo.backends.pdf.coverwrap import CACHE_FOLDER

    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "precious.json").write_text("{}", encoding="utf-8")
    root = small_book(tmp_path / "book")
    (root / ".octavo-cache").mkdir()
    (root / ".octavo-cache" / CACHE_FOLDER).symlink_to(outside, target_is_directory=True)
    for _ in range(2):
        forget(root)
        build(root)
    assert sorted(p.name for p in outside.iterdir()) == ["precious.json"]
    assert (root / "dist" / "the-night-press-cover.pdf").is_file()
