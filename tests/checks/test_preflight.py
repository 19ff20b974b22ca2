"""`octavo check --printer`: each preflight rule finds its fault, names its page, passes a clean PDF.

Most tests check a PDF made for the rule (pikepdf for boxes, fonts and blank pages; WeasyPrint
for type, images, links and margins); the last ones build a book and run the command.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pikepdf
import pytest
from conftest import BASIC_TOML, Result
from PIL import Image

from octavo.backends.pdf.printers import INGRAMSPARK, KDP, Printer
from octavo.backends.pdf.settings import PrintSettings
from octavo.checks.findings import Report
from octavo.checks.preflight import Preflight, preflight
from octavo.checks.printpdf import read_print_pdf

SIX_BY_NINE = [0, 0, 432, 648]
INK = b"0 0 0 rg 120 120 200 300 re f"  # a box well inside every margin: a page that prints
RULE_FACTS = ["trim", "fonts", "type", "images", "gutter", "margins", "pages", "profile",
              "blanks", "spine", "cover"]


def run(pdf: Path, printer: Printer = KDP, settings: PrintSettings | None = None,
        **extra: object) -> Report:
    report = Report("Test")
    job = Preflight(printer=printer, settings=settings or PrintSettings(profile="print"),
                    report=report, shown=pdf.name, **extra)  # type: ignore[arg-type]
    preflight(pdf, job)
    return report


def messages(report: Report, kind: str = "") -> list[str]:
    return [f.message for f in report.findings if f.message.startswith(kind)]


def made_with_pikepdf(path: Path, contents: list[bytes], boxes: list[dict[str, list[float]]]
                      | None = None, fonts: dict[str, pikepdf.Dictionary] | None = None) -> Path:
    """A PDF of one page per content stream; each page 6 × 9 in unless `boxes` says."""
    pdf = pikepdf.new()
    resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(
        {f"/{name}": pdf.make_indirect(font) for name, font in (fonts or {}).items()}))
    for index, content in enumerate(contents):
        page = pikepdf.Dictionary(Type=pikepdf.Name.Page, MediaBox=SIX_BY_NINE,
                                  Contents=pdf.make_stream(content),
                                  Resources=resources)
        for name, box in (boxes[index] if boxes else {}).items():
            page[name] = box
        pdf.pages.append(pikepdf.Page(page))
    pdf.save(path)
    return path


def made_with_weasyprint(path: Path, body: str, css: str = "", pages: int = 0) -> Path:
    """A 6 × 9 in PDF with 0.75 in margins; `pages` more pages of plain text after `body`."""
    from weasyprint import HTML

    filler = "".join(f'<p style="break-before: page">Page text {n}.</p>' for n in range(pages))
    html = (f"<style>@page {{ size: 6in 9in; margin: 0.75in }} body {{ margin: 0; font-size: 11pt }} {css}"
            f"</style>{body}{filler}")
    HTML(string=html, base_url=path.parent.as_uri() + "/").write_pdf(path)
    return path


def test_a_clean_print_pdf_has_no_findings_and_states_every_fact(tmp_path: Path) -> None:
    pdf = made_with_weasyprint(tmp_path / "clean.pdf", "<p>The first page.</p>", pages=23)
    report = run(pdf)
    assert report.findings == []
    assert [check for check, _result in report.facts] == RULE_FACTS
    facts = dict(report.facts)
    assert facts["trim"] == "24 pages, each 6 × 9 in; no bleed"
    assert facts["pages"] == "24 pages (even); Amazon KDP binds 24–828 on white paper"
    assert facts["type"].startswith("smallest 11 pt (page 1, 'The first page.')")
    assert facts["images"] == "no images" and facts["blanks"] == "no blank pages"
    assert facts["profile"] == "0 link(s), 0 bookmark(s)"
    assert facts["spine"] == ("0.0540 in (1.37 mm) for 24 pages of white paper; no text "
                              "(under 80 pages)")


def test_a_72_dpi_image_placed_2_in_wide_is_named_with_its_page(tmp_path: Path) -> None:
    Image.new("RGB", (144, 96), "#336699").save(tmp_path / "harbour.png")
    pdf = made_with_weasyprint(tmp_path / "image.pdf",
                               '<p>Words.</p><p style="break-before: page">'
                               '<img src="harbour.png" style="width: 2in"></p>')
    by_xobject = messages(run(pdf), "image resolution")
    assert len(by_xobject) == 1
    assert by_xobject[0].startswith("image resolution: page 2: image ")  # its XObject's name
    assert by_xobject[0].endswith("is 144 × 96 px placed at 2 × 1.33 in, 72 dpi; Amazon KDP "
                                  "asks for 300 dpi")
    report = run(pdf, images={(144, 96): "manuscript/images/harbour.png"})
    [finding] = [f for f in report.findings if f.message.startswith("image resolution")]
    assert finding.level == "warning" and finding.file == "image.pdf"
    assert finding.message == ("image resolution: page 2: manuscript/images/harbour.png is "
                               "144 × 96 px placed at 2 × 1.33 in, 72 dpi; Amazon KDP asks for "
                               "300 dpi")
    assert dict(report.facts)["images"].startswith("1 placed; the lowest 72 dpi")


def test_an_image_at_300_dpi_passes_in_both_directions(tmp_path: Path) -> None:
    Image.new("RGB", (600, 300), "#336699").save(tmp_path / "sharp.png")
    pdf = made_with_weasyprint(tmp_path / "sharp.pdf", '<img src="sharp.png" style="width: 2in">')
    assert messages(run(pdf), "image resolution") == []
    # The same pixels stretched to 2 in high: 150 dpi across the height.
    pdf = made_with_weasyprint(tmp_path / "tall.pdf",
                               '<img src="sharp.png" style="width: 2in; height: 2in">')
    assert [m.split(", ")[-1] for m in messages(run(pdf), "image resolution")] == \
        ["150 dpi; Amazon KDP asks for 300 dpi"]


def test_an_image_inside_a_form_and_an_inline_image_are_measured_as_placed(
        tmp_path: Path) -> None:
    pdf = pikepdf.new()
    image = pdf.make_stream(b"\x80" * (144 * 96 * 3), Type=pikepdf.Name.XObject,
                            Subtype=pikepdf.Name.Image, Width=144, Height=96,
                            ColorSpace=pikepdf.Name.DeviceRGB, BitsPerComponent=8)
    form = pdf.make_stream(b"q 144 0 0 96 0 0 cm /Photo Do Q", Type=pikepdf.Name.XObject,
                           Subtype=pikepdf.Name.Form, BBox=[0, 0, 144, 96],
                           Matrix=[0.5, 0, 0, 0.5, 0, 0],
                           Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Photo=image)))
    # The form halves the image, the page quadruples the form: 144 px over 4 in, 36 dpi.
    content = (b"q 4 0 0 4 100 100 cm /Frame Do Q "
               b"q 72 0 0 36 50 50 cm BI /W 4 /H 2 /CS /G /BPC 8 ID \x00\x00\x00\x00\x00\x00"
               b"\x00\x00 EI Q")
    page = pikepdf.Dictionary(Type=pikepdf.Name.Page, MediaBox=SIX_BY_NINE,
                              Contents=pdf.make_stream(content),
                              Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(
                                  Frame=form)))
    pdf.pages.append(pikepdf.Page(page))
    pdf.save(tmp_path / "forms.pdf")
    found = messages(run(tmp_path / "forms.pdf"), "image resolution")
    assert [m.split(" asks")[0] for m in found] == [
        "image resolution: page 1: image Photo is 144 × 96 px placed at 4 × 2.67 in, 36 dpi; "
        "Amazon KDP",
        "image resolution: page 1: image (inline) is 4 × 2 px placed at 1 × 0.5 in, 4 dpi; "
        "Amazon KDP"]


def test_6_pt_text_is_found_at_its_size_as_printed(tmp_path: Path) -> None:
    # WeasyPrint writes text under a 0.75 scale (CSS px to pt): the rule measures what prints.
    pdf = made_with_weasyprint(tmp_path / "small.pdf",
                               '<p>Body text.</p><p style="break-before: page">A line, then '
                               '<span style="font-size: 6pt">tiny print</span> after.</p>'
                               '<p style="font-size: 7pt">Seven points is allowed.</p>')
    report = run(pdf)
    assert messages(report, "type size") == [
        "type size: page 2: 'tiny print' (after 'A line, then') is set in 6 pt; Amazon KDP "
        "asks for at least 7 pt"]
    assert dict(report.facts)["type"] == ("smallest 6 pt (page 2, 'tiny print'); at least 7 pt "
                                          "wanted")


def test_a_font_not_embedded_is_named_with_the_first_page_using_it(tmp_path: Path) -> None:
    helvetica = pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                   BaseFont=pikepdf.Name.Helvetica)
    pdf = made_with_pikepdf(tmp_path / "bare.pdf",
                            [INK, b"BT /F1 11 Tf 120 300 Td (Hello) Tj ET",
                             b"BT /F1 11 Tf 120 300 Td (Again) Tj ET", INK],
                            fonts={"F1": helvetica})
    report = run(pdf)
    [finding] = [f for f in report.findings if f.message.startswith("font")]
    assert finding.level == "error"
    assert finding.message == ("font not embedded: Helvetica (first used on page 2); Amazon KDP "
                               "prints only embedded fonts")
    assert dict(report.facts)["fonts"] == "1 font(s), 1 not embedded"


def test_three_blank_pages_in_the_middle_are_one_error(tmp_path: Path) -> None:
    contents = [INK, b"", b"", INK, b"", b"", b"", INK, b"", b""]  # 2, 3 in the middle, 2 at end
    report = run(made_with_pikepdf(tmp_path / "blanks.pdf", contents))
    assert messages(report, "blank") == ["blank pages: pages 5–7, 3 blank pages in a row; "
                                         "Amazon KDP allows 2 at the start or in the middle"]
    assert dict(report.facts)["blanks"] == "7 blank page(s); the longest run 3 (pages 5–7)"
    # At the end, KDP allows ten.
    report = run(made_with_pikepdf(tmp_path / "end.pdf", [INK] * 2 + [b""] * 10))
    assert messages(report, "blank") == []


def test_an_odd_page_count_and_too_few_pages_are_errors(tmp_path: Path) -> None:
    report = run(made_with_pikepdf(tmp_path / "odd.pdf", [INK] * 3))
    assert messages(report, "page count") == [
        "page count: 3 pages, an odd number; a leaf has two pages: end the book on a blank page "
        "or take one out",
        "page count: 3 pages; Amazon KDP binds at least 24"]
    assert messages(run(made_with_pikepdf(tmp_path / "even.pdf", [INK] * 18), INGRAMSPARK),
                    "page count") == []  # IngramSpark binds from 18


def test_a_page_of_the_wrong_size_is_named(tmp_path: Path) -> None:
    letter = {"/MediaBox": [0, 0, 612, 792]}
    pdf = made_with_pikepdf(tmp_path / "sizes.pdf", [INK] * 4, boxes=[{}, letter, {}, {}])
    report = run(pdf)
    assert messages(report, "page size") == [
        "page size: page 2 is 8.5 × 11 in (the MediaBox; no TrimBox); the trim is 6 × 9 in"]
    assert dict(report.facts)["trim"] == "4 pages, 1 not 6 × 9 in; no bleed"


def test_bleed_belongs_outside_top_and_bottom_never_at_the_spine(tmp_path: Path) -> None:
    bleed = 9  # 0.125 in
    recto = {"/MediaBox": [0, -bleed, 432 + bleed, 648 + bleed], "/TrimBox": SIX_BY_NINE}
    verso = {"/MediaBox": [-bleed, -bleed, 432, 648 + bleed], "/TrimBox": SIX_BY_NINE}
    with_bleed = PrintSettings(profile="print", bleed=True)
    good = made_with_pikepdf(tmp_path / "good.pdf", [INK] * 4, boxes=[recto, verso] * 2)
    report = run(good, settings=with_bleed)
    assert messages(report, "bleed") == messages(report, "page size") == []
    assert dict(report.facts)["trim"] == ("4 pages, each 6 × 9 in; bleed 0.125 in outside, top "
                                          "and bottom")
    # WeasyPrint's `bleed` adds it on all four sides.
    around = {"/MediaBox": [-bleed, -bleed, 432 + bleed, 648 + bleed], "/TrimBox": SIX_BY_NINE}
    report = run(made_with_pikepdf(tmp_path / "around.pdf", [INK] * 4, boxes=[around] * 4),
                 settings=with_bleed)
    assert messages(report, "bleed") == [
        "bleed: pages 1–4: the MediaBox reaches 0.125 in at the spine, outside, top and bottom "
        "beyond the trim; Amazon KDP wants 0.125 in on the outside, top and bottom and none at "
        "the spine"]
    # Bleed in the PDF when book.toml has none: the MediaBox should be the trim.
    report = run(good)
    assert messages(report, "bleed")[0].endswith("Amazon KDP wants none: without bleed the "
                                                 "MediaBox is the trim")


def test_links_and_bookmarks_in_a_print_pdf_are_warned_about(tmp_path: Path) -> None:
    pdf = made_with_weasyprint(tmp_path / "links.pdf",
                               '<h1>Chapter</h1><p><a href="https://example.org/">a link</a> and '
                               '<a href="#end">another</a>.</p><p id="end">End.</p>')
    report = run(pdf)
    assert [(f.level, f.message) for f in report.findings
            if f.message.startswith(("links", "bookmarks"))] == [
        ("warning", 'links: 2 link(s) or other annotation(s) on page 1; a print PDF has none '
                    '([print] profile = "print")'),
        ("warning", 'bookmarks: the PDF has an outline (1 top-level bookmark(s)); a print PDF '
                    'has none ([print] profile = "print")')]
    assert dict(report.facts)["profile"] == "2 link(s), 1 bookmark(s)"


def test_a_too_narrow_gutter_is_found_on_recto_and_verso_pages(tmp_path: Path) -> None:
    # Recto pages (odd) have the spine on the left, verso pages (even) on the right.
    css = ("@page :right { margin-left: 0.25in } @page :left { margin-right: 0.3in }"
           "p { text-align: justify }")
    text = "<p>" + " ".join(["word"] * 120) + "</p>"
    pdf = made_with_weasyprint(tmp_path / "gutter.pdf", text + text.replace(
        "<p>", '<p style="break-before: page">'), css)
    report = run(pdf)
    assert messages(report, "gutter") == [
        "gutter: page 1: content 0.25 in from the spine; 0.375 in is the least for 2 pages",
        "gutter: page 2: content 0.30 in from the spine; 0.375 in is the least for 2 pages"]
    assert messages(report, "safe area") == []
    # IngramSpark keeps everything half an inch from the trim, the outside edge too.
    report = run(pdf, INGRAMSPARK)
    assert messages(report, "safe area") == []  # 0.75 in outside, top and bottom
    narrow = made_with_weasyprint(tmp_path / "outside.pdf", text,
                                  "@page :right { margin-right: 0.4in } p { text-align: justify }")
    assert messages(run(narrow, INGRAMSPARK), "safe area") == [
        "safe area: page 1: content 0.40 in from the outside edge; IngramSpark keeps content "
        "0.5 in inside the trim"]


def test_a_drop_cap_or_an_italic_hanging_past_the_text_frame_is_no_gutter_fault(
        tmp_path: Path) -> None:
    # The text frame is exactly at the least gutter for 2 pages, 0.375 in (27 pt). On the recto a
    # 48 pt italic J, floated as a drop cap, hangs its hook left of the frame into the gutter; on
    # the verso a 24 pt italic f, set flush right, hangs its head right of it.
    css = ("@page :right { margin-left: 0.375in } @page :left { margin-right: 0.375in }"
           "body { font-family: 'DejaVu Serif' } p { text-align: justify }"
           ".drop { float: left; font-size: 48pt; line-height: 1; font-style: italic }")
    words = " ".join(["word"] * 120)
    pdf = made_with_weasyprint(tmp_path / "hanging.pdf",
                               f'<p><span class="drop">J</span>{words}</p>'
                               '<p style="break-before: page; text-align: right; '
                               'font: italic 24pt DejaVu Serif">of</p>'
                               f"<p>{words}</p>", css)
    recto, verso = read_print_pdf(pdf).pages
    assert recto.ink is not None and recto.ink[0] < 27 - 4  # the J's ink: 8 pt in the gutter
    assert verso.ink is not None and verso.ink[2] > 432 - 27 + 2  # the f's: 3 pt
    report = run(pdf)
    assert messages(report, "gutter") == []
    assert dict(report.facts)["gutter"] == ("the least 0.38 in (page 1); 0.375 in wanted for 2 "
                                            "pages")
    # A line, or an image, set into the gutter is a fault: both 0.125 in into it.
    Image.new("RGB", (300, 300), "#336699").save(tmp_path / "photo.png")
    into = made_with_weasyprint(tmp_path / "into.pdf",
                                f'<p style="text-indent: -0.125in">{words}</p>'
                                '<p style="break-before: page"><img src="photo.png" '
                                'style="float: right; width: 1in; margin-right: -0.125in">'
                                f"{words}</p>", css)
    assert messages(run(into), "gutter") == [
        "gutter: page 1: content 0.25 in from the spine; 0.375 in is the least for 2 pages",
        "gutter: page 2: content 0.25 in from the spine; 0.375 in is the least for 2 pages"]


def test_the_spine_is_a_fact_and_the_cover_wrap_must_fit_it(tmp_path: Path) -> None:
    pdf = made_with_pikepdf(tmp_path / "book.pdf", [INK] * 100)
    spine = 100 * 0.002252
    right = (2 * 6 + spine + 0.25) * 72, (9 + 0.25) * 72
    cover = made_with_pikepdf(tmp_path / "cover.pdf", [b""], boxes=[
        {"/MediaBox": [0, 0, right[0], right[1]]}])
    report = run(pdf, cover=cover, cover_shown="cover.pdf")
    facts = dict(report.facts)
    assert facts["spine"] == ("0.2252 in (5.72 mm) for 100 pages of white paper; text allowed")
    assert facts["cover"] == "cover.pdf: 12.4752 × 9.2500 in; fits the spine"
    assert messages(report, "cover") == []
    narrow = made_with_pikepdf(tmp_path / "narrow.pdf", [b""], boxes=[
        {"/MediaBox": [0, 0, right[0] - 9, right[1]]}])  # 0.125 in short
    report = run(pdf, cover=narrow, cover_shown="narrow.pdf")
    [finding] = [f for f in report.findings if f.message.startswith("cover")]
    assert (finding.level, finding.file) == ("error", "narrow.pdf")
    assert finding.message == ("cover width: 12.3502 in; 12.4752 in wanted (2 × 6 in trim + "
                               "0.2252 in spine + 2 × 0.125 in bleed, for 100 pages)")
    cream = run(pdf, settings=PrintSettings(profile="print", paper="cream"))
    assert dict(cream.facts)["spine"].startswith("0.2500 in (6.35 mm) for 100 pages of cream")


# The command: a built book. EPUBCheck is not what these tests are about: without java it is
# one quick error, and the preflight's own findings are read from the JSON report.
PRINT_FILES = {
    "book.toml": BASIC_TOML.replace('formats = ["epub"]', 'formats = ["epub", "pdf"]'),
    "manuscript/01-first.md": "# The First\n\nIt began, as books do, [with a link](#end).\n",
    "manuscript/02-second.md": "# The Second {#end}\n\nAnd it went on, page after page.\n",
}


@pytest.fixture
def no_java(monkeypatch: pytest.MonkeyPatch) -> None:
    real = shutil.which
    monkeypatch.setattr(shutil, "which", lambda name: None if name == "java" else real(name))


@pytest.mark.usefixtures("no_java")
def test_check_builds_the_print_profile_aside_and_leaves_dist_alone(
        make_book: Callable[..., Path], octavo: Callable[..., Result]) -> None:
    root = make_book(PRINT_FILES)
    assert octavo("build", root).code == 0
    dist = {path.name: path.read_bytes() for path in (root / "dist").iterdir()}
    result = octavo("check", root, "--printer", "kdp", "--json")
    assert result.code == 8, result.err
    report = json.loads(result.out)
    facts = {fact["check"]: fact["result"] for fact in report["facts"]}
    assert facts["preflight"] == (
        "Amazon KDP: .octavo-cache/preflight/a-test-book.pdf, the print profile built for this "
        "check: a-test-book.pdf is the reading profile, with links and bookmarks")
    assert facts["profile"] == "0 link(s), 0 bookmark(s)"
    preflight_findings = [f for f in report["findings"] if f["check"] == "preflight"]
    assert {f["file"] for f in preflight_findings} == {".octavo-cache/preflight/a-test-book.pdf"}
    assert any(f["message"].endswith("Amazon KDP binds at least 24") for f in preflight_findings)
    assert {path.name: path.read_bytes() for path in (root / "dist").iterdir()} == dist
    with pikepdf.open(root / "dist" / "a-test-book.pdf") as reading:  # as built: links kept
        assert any("/Annots" in page.obj for page in reading.pages)
    # Checked again with nothing changed: the print profile is not built again.
    cached = root / ".octavo-cache" / "preflight" / "a-test-book.pdf"
    built = cached.stat().st_mtime_ns
    assert octavo("check", root, "--printer", "kdp", "--json").code == 8
    assert cached.stat().st_mtime_ns == built
    # Without --printer, no preflight.
    plain = json.loads(octavo("check", root, "--json").out)
    assert not any(f["check"] == "preflight" for f in plain["findings"])
    assert "preflight" not in {fact["check"] for fact in plain["facts"]}


@pytest.mark.usefixtures("no_java")
def test_a_preflight_cache_that_links_out_of_the_book_is_not_used(
        make_book: Callable[..., Path], octavo: Callable[..., Result], tmp_path: Path) -> None:
    root = make_book(PRINT_FILES)
    outside = tmp_path / "outside"
    outside.mkdir()
    (root / ".octavo-cache").mkdir()
    (root / ".octavo-cache" / "preflight").symlink_to(outside, target_is_directory=True)
    result = octavo("check", root, "--printer", "kdp", "--json")
    assert result.code == 8, result.err
    assert list(outside.iterdir()) == []  # built in a temporary folder instead, then removed
    facts = {fact["check"]: fact["result"] for fact in json.loads(result.out)["facts"]}
    assert facts["preflight"].startswith("Amazon KDP: ")
    assert facts["profile"] == "0 link(s), 0 bookmark(s)"


@pytest.mark.usefixtures("no_java")
def test_check_uses_the_books_printer_and_its_print_pdf(make_book: Callable[..., Path],
                                                        octavo: Callable[..., Result]) -> None:
    files = {**PRINT_FILES, "book.toml": PRINT_FILES["book.toml"]
             + '\n[print]\nprofile = "print"\nprinter = "ingramspark"\n'}
    root = make_book(files)
    result = octavo("check", root, "--printer")
    assert result.code == 8
    lines = result.out.splitlines()
    assert ('  preflight  IngramSpark: dist/a-test-book.pdf, [print] profile = "print"' in lines)
    assert any(line.startswith("error: dist/a-test-book.pdf: page count:")
               and line.endswith("IngramSpark binds at least 18") for line in lines)
    assert not (root / ".octavo-cache" / "preflight").exists()


@pytest.mark.usefixtures("no_java")
def test_a_printer_other_than_the_books_is_warned_about_with_the_fix(
        make_book: Callable[..., Path], octavo: Callable[..., Result]) -> None:
    # book.toml names no printer: the PDF is laid out for KDP, with KDP's margins.
    root = make_book({**PRINT_FILES, "book.toml": PRINT_FILES["book.toml"]
                      + '\n[print]\nprofile = "print"\n'})
    report = json.loads(octavo("check", root, "--printer", "ingramspark", "--json").out)
    assert [f for f in report["findings"] if f["file"] == "book.toml"] == [{
        "level": "warning", "check": "preflight", "file": "book.toml", "line": None,
        "message": 'book.toml\'s [print] printer is "kdp": set printer = "ingramspark" so that '
                   "the PDF and the cover wrap are made for IngramSpark (margins, spine, barcode "
                   "box)"}]
    # The book's own printer, named or not: no such warning.
    for printer in ("kdp", None):
        args = ["--printer"] + ([printer] if printer else [])
        checked = json.loads(octavo("check", root, *args, "--json").out)
        assert not any(f["file"] == "book.toml" for f in checked["findings"])


def test_an_unknown_printer_is_one_line_from_argparse(tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    from octavo.cli import main

    with pytest.raises(SystemExit) as stopped:
        main(["check", str(tmp_path), "--printer", "lulu"])
    assert stopped.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        "octavo check: error: argument --printer: invalid choice: 'lulu' (choose from 'kdp', "
        "'ingramspark')")


@pytest.mark.parametrize("printer", [KDP, INGRAMSPARK], ids=lambda p: p.name)
def test_the_sample_built_for_print_passes_its_printers_preflight(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, printer: Printer) -> None:
    """What Octavo builds passes: bleed, black ink, 7 pt notes, margins, blanks, the wrap."""
    from conftest import sample_book

    from octavo.build import load_book
    from octavo.checks.preflight import manuscript_images
    from octavo.cli import main
    from octavo.diagnostics import Diagnostics

    book = sample_book(tmp_path,
                       f'\n[print]\nprofile = "print"\nbleed = true\nprinter = "{printer.name}"\n')
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    assert main(["build", str(book), "--format", "pdf", "-q"]) == 0
    config, loaded = load_book(book, Diagnostics())
    pdf = book / "dist" / "the-quiet-press.pdf"
    cover = book / "dist" / "the-quiet-press-cover.pdf"
    report = run(pdf, printer, config.settings["pdf"], images=manuscript_images(loaded, book),
                 cover=cover, cover_shown=cover.name)
    assert [f.message for f in report.findings] == []
    assert [name for name, _ in report.facts] == RULE_FACTS
