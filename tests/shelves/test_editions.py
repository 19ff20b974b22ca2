"""Editions: [editions.NAME] read over book.toml's tables, the large-print preset, their files."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest
from conftest import BASIC_TOML, sample_book

from octavo.backends.pdf.printers import PRINTERS
from octavo.config import load_config
from octavo.diagnostics import Diagnostics
from octavo.errors import ConfigError

EDITIONS = """
[editions.large-print.book]
subtitle = "Large Print Edition"

[editions.large-print.print]
isbn = "9780306406157"

[editions.hardcover.print]
trim = "5.5x8.5"
font_size = "11.5pt"
margins = { outside = "0.6in" }

[editions.hardcover.build]
formats = ["pdf"]
"""


@pytest.fixture(scope="module")
def editions(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample book with a large-print and a hardcover edition, built once."""
    from octavo.cli import main

    book = sample_book(tmp_path_factory.mktemp("editions"), EDITIONS)
    with pytest.MonkeyPatch.context() as mp:  # as the tests' own builds have it (conftest)
        mp.setenv("SOURCE_DATE_EPOCH", "1767225600")
        assert main(["build", str(book), "-q"]) == 0
    return book


def _config(root: Path, edition: str = "") -> object:
    return load_config(root, Diagnostics(), edition)


def test_an_edition_reads_its_tables_over_the_top_ones(make_book) -> None:  # type: ignore[no-untyped-def]
    root = make_book({"book.toml": BASIC_TOML + '[print]\ntrim = "6x9"\nbleed = true\n'
                      'margins = { top = "0.8in" }\n' + EDITIONS})
    main, hardcover = _config(root), _config(root, "hardcover")
    assert main.editions == hardcover.editions == ("large-print", "hardcover")
    assert (main.settings["pdf"].width, main.settings["pdf"].font_size) == (6.0, None)
    printed = hardcover.settings["pdf"]
    assert (printed.width, printed.height, printed.font_size) == (5.5, 8.5, 11.5)
    assert (printed.top, printed.outside, printed.bleed) == (0.8, 0.6, True)  # merged, not replaced
    assert hardcover.build.formats == ("pdf",)
    assert hardcover.book["title"] == main.book["title"] == "A Test Book"
    assert _config(root, "large-print").book["subtitle"] == "Large Print Edition"


def test_large_print_preset_lies_under_the_editions_own_settings(make_book) -> None:  # type: ignore[no-untyped-def]
    root = make_book({"book.toml": BASIC_TOML + '[print]\nfont_size = "10pt"\ntrim = "5x8"\n'
                      '[editions.large-print.print]\nfont_size = "18pt"\n'})
    printed = _config(root, "large-print").settings["pdf"]
    assert printed.font_size == 18  # its own, over the preset's 16 pt and the book's 10 pt
    assert (printed.width, printed.height) == (6.0, 9.0)  # the preset's trim, over the book's
    assert (printed.justify, printed.hyphenate, printed.drop_caps, printed.large_print) == \
        (False, False, False, True)
    assert _config(root, "large-print").build.formats == ("pdf",)  # an e-reader sizes its own
    assert _config(root).settings["pdf"].font_size == 10


@pytest.mark.parametrize(("toml", "message"), [
    ('[editions.Large_Print.print]\ntrim = "6x9"\n', "'Large_Print' is not an edition name"),
    ('[editions.main.print]\ntrim = "6x9"\n', "'main' is not an edition name"),
    ('[editions.cover.print]\ntrim = "6x9"\n', "'cover' is not an edition name"),  # -cover.pdf
    ('[editions.hard-cover.print]\ntrim = "6x9"\n', "'hard-cover' is not an edition name"),
    ('[editions.hardcover]\ntrim = "6x9"\n', "[editions.hardcover] trim: an edition holds only "
                                             "tables"),
    ('[editions.hardcover.prnit]\ntrim = "6x9"\n', "did you mean [editions.hardcover.print]"),
    ('editions = "hardcover"\n', "[editions] must hold tables"),
    ('[editions.hardcover.print]\nfont_size = "3pt"\n', "font_size: '3pt' is not a type size"),
    ('[editions.hardcover.print]\nline_height = 9\n', "line_height: 9 is not a multiple"),
])
def test_bad_editions_are_one_line_naming_book_toml(make_book, octavo, toml: str,  # type: ignore[no-untyped-def]
                                                    message: str) -> None:
    root = make_book({"book.toml": toml + BASIC_TOML, "manuscript/01.md": "# One\n\nText.\n"})
    edition = ["--edition", "hardcover"] if "font_size" in toml or "line_height" in toml else []
    result = octavo("build", root, *edition)
    assert result.code == ConfigError.exit_code, result.err
    assert "error: book.toml: " in result.err and message in result.err, result.err
    assert "Traceback" not in result.err and not (root / "dist").exists()


def test_an_unknown_edition_names_the_ones_there_are(make_book, octavo) -> None:  # type: ignore[no-untyped-def]
    root = make_book({"book.toml": BASIC_TOML + EDITIONS, "manuscript/01.md": "# One\n\nText.\n"})
    result = octavo("build", root, "--edition", "paperbak")
    assert result.code == ConfigError.exit_code
    assert "no edition 'paperbak' in book.toml (its editions: large-print, hardcover)" in result.err


def test_every_edition_is_built_beside_the_main_one(editions: Path) -> None:
    names = sorted(p.name for p in (editions / "dist").iterdir())
    assert names == ["the-quiet-press-cover.pdf", "the-quiet-press-hardcover-cover.pdf",
                     "the-quiet-press-hardcover.pdf", "the-quiet-press-large-print-cover.pdf",
                     "the-quiet-press-large-print.pdf", "the-quiet-press.epub",
                     "the-quiet-press.pdf"]


def _pages(path: Path) -> list[tuple[float, float]]:
    pdf = pdfium.PdfDocument(path)
    return [tuple(pdf[i].get_size()) for i in range(len(pdf))]  # type: ignore[misc]


def _body_sizes(path: Path, page: int) -> list[float]:
    """The type sizes of a page's visible characters in points, as the preflight reads them."""
    import pypdfium2.raw as raw

    from octavo.checks.printpdf import _char_sizes

    text = pdfium.PdfDocument(path)[page].get_textpage()
    return [round(size, 1) for _index, _char, size in _char_sizes(text, raw)]


def _body_characters(path: Path, page: int) -> list[tuple[str, float]]:
    import pypdfium2.raw as raw

    from octavo.checks.printpdf import _char_sizes

    text = pdfium.PdfDocument(path)[page].get_textpage()
    return [(char, round(size, 1)) for _index, char, size in _char_sizes(text, raw)]


def test_each_edition_has_its_own_trim_type_and_pages(editions: Path) -> None:
    dist = editions / "dist"
    main, large, hard = (_pages(dist / f"the-quiet-press{s}.pdf")
                         for s in ("", "-large-print", "-hardcover"))
    assert main[0] == large[0] == (432, 648) and hard[0] == (396, 612)
    assert len(large) > len(main) + 4  # 16 pt type takes more pages
    # A body page of the large-print edition: nothing on it under 16 pt (folio, head included).
    page = next(i for i in range(len(large)) if len(_body_sizes(dist / "the-quiet-press-large-"
                                                                "print.pdf", i)) > 600)
    sizes = _body_sizes(dist / "the-quiet-press-large-print.pdf", page)
    assert min(sizes) >= 16, sorted(set(sizes))
    for page in range(len(large)):  # every text, code and quotations too; a note's call 12 pt
        characters = _body_characters(dist / "the-quiet-press-large-print.pdf", page)
        assert all(size >= (12 if char.isdigit() else 16) for char, size in characters), \
            (page, sorted({(c, s) for c, s in characters if s < 16}))
    main_page = next(i for i in range(len(main))
                     if len(_body_sizes(dist / "the-quiet-press.pdf", i)) > 1200)
    assert max(set(_body_sizes(dist / "the-quiet-press.pdf", main_page)),
               key=_body_sizes(dist / "the-quiet-press.pdf", main_page).count) == 10.5


def test_each_editions_cover_wrap_follows_its_own_page_count(editions: Path) -> None:
    dist = editions / "dist"
    kdp = PRINTERS["kdp"]
    for suffix, trim in (("", 6.0), ("-large-print", 6.0), ("-hardcover", 5.5)):
        pages = len(_pages(dist / f"the-quiet-press{suffix}.pdf"))
        width = _pages(dist / f"the-quiet-press{suffix}-cover.pdf")[0][0] / 72
        spine = kdp.spine_width(pages, "white")
        assert width == pytest.approx(2 * trim + 2 * 0.125 + spine, abs=0.002), suffix


def test_the_large_print_copyright_page_carries_its_own_isbn(editions: Path) -> None:
    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(
        editions / "dist" / "the-quiet-press-large-print.pdf").pages[:6])
    assert "978-0-306-40615-7" in text or "9780306406157" in text
    assert "Large Print Edition" in text


def test_edition_builds_are_no_ops_until_their_inputs_change(editions: Path, octavo) -> None:  # type: ignore[no-untyped-def]
    dist = editions / "dist"
    before = {p.name: p.stat().st_mtime_ns for p in dist.iterdir()}
    result = octavo("build", editions)
    assert result.code == 0, result.err
    assert result.out.count("up to date") == 3 and "[hardcover] up to date" in result.out
    assert before == {p.name: p.stat().st_mtime_ns for p in dist.iterdir()}
    result = octavo("build", editions, "--edition", "hardcover", "--format", "epub")
    assert result.code == 0, result.err  # named alone, an edition builds what is asked
    assert (dist / "the-quiet-press-hardcover.epub").is_file()
    (dist / "the-quiet-press-hardcover.epub").unlink()
    assert before == {p.name: p.stat().st_mtime_ns for p in dist.iterdir()}
