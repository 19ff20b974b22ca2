"""Margin boxes drawn apart from a chunk's pages are the ones a whole-book layout draws."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest
from books import multi_chapter_book, one_shot, page_texts

import octavo.backends.pdf.chunks
from octavo.backends.pdf.margins import can_draw_apart, group_selectors, page_key
from octavo.build import build
from octavo.diagnostics import Diagnostics

# Margins that lean on what the book's root element gives them: its language (hyphenation of a
# head that turns over, the quotation marks), a page counter in capitals, a second counter, a
# string asked for at the page's start, and a background.
LEANING = """
@page :right { @top-right { content: open-quote string(chapter-title, start) close-quote
  " incomprehensibilities notwithstanding"; hyphens: auto; width: 0.8in; background: #eee;
  max-lines: none; } }
@page :left { @bottom-center { content: counter(page, upper-roman) " " counter(footnote); } }
"""


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(octavo.backends.pdf.chunks, "CHUNK_CHARS", 4000)


def test_built_in_themes_draw_margins_apart_and_running_elements_do_not() -> None:
    assert can_draw_apart("@page { @top-left { content: string(chapter-title); } }")
    assert not can_draw_apart("@page { @top-left { content: element(head); } }")
    assert not can_draw_apart("h1 { position: running(head); }")


def test_margins_drawn_apart_are_those_of_the_whole_book(make_book, small_chunks) -> None:  # type: ignore[no-untyped-def]
    root = multi_chapter_book(make_book, "classic")
    (root / "styles" / "classic").mkdir(parents=True)
    (root / "styles" / "classic" / "extra-print.css").write_text(LEANING)
    build(root, Diagnostics(), jobs=2)
    chunked = page_texts(root / "dist" / "chunked.pdf")
    assert chunked == page_texts(one_shot(root, "classic").pdf)
    heads = "".join(chunked)
    assert "“Chapter" in heads and "incompre\u2010\r\n" in heads  # English quotes, hyphenation
    assert "XIV 0" in heads  # a folio in capitals beside a counter, from a later chunk


def pixels(path: Path) -> list[bytes]:
    document = pdfium.PdfDocument(path)
    try:
        return [document[i].render(scale=0.5).to_pil().tobytes() for i in range(len(document))]
    finally:
        document.close()


def test_margins_drawn_apart_sit_where_the_whole_books_do_on_a_bordered_page(
        make_book, small_chunks) -> None:  # type: ignore[no-untyped-def]
    root = multi_chapter_book(make_book, "classic")
    (root / "styles" / "classic").mkdir(parents=True)
    (root / "styles" / "classic" / "extra-print.css").write_text(
        "@page { border-top: 3pt solid; border-bottom: 5pt solid; }")
    build(root, Diagnostics(), jobs=1)
    whole = one_shot(root, "classic").pdf
    chunked, texts = pixels(root / "dist" / "chunked.pdf"), page_texts(whole)
    differ = [i for i, (a, b) in enumerate(zip(chunked, pixels(whole), strict=True)) if a != b]
    # Only the blank versos the join puts between chunks, which carry no @page border.
    assert differ and all(not texts[i].strip() for i in differ)


def test_a_margin_box_may_paint_into_the_bleed(make_book, small_chunks) -> None:  # type: ignore[no-untyped-def]
    root = multi_chapter_book(make_book, "classic", '[print]\nprofile = "print"\nbleed = true\n')
    build(root, Diagnostics(), jobs=1)
    with pikepdf.open(root / "dist" / "chunked.pdf") as pdf:
        forms = [(page, page.obj.Resources.XObject.OctavoMargins) for page in pdf.pages
                 if "/OctavoMargins" in page.obj.Resources.get("/XObject", {})]
        assert forms
        for page, form in forms:  # the form covers the whole sheet, bleed and all
            (x0, y0, x1, y1), (m0, n0, m1, n1) = list(form.BBox), list(page.mediabox)
            assert x0 <= m0 and y0 <= n0 and x1 >= m1 and y1 >= n1
            assert list(page.mediabox) != list(page.trimbox)


def test_margins_are_artifacts_laid_over_the_page(make_book, small_chunks) -> None:  # type: ignore[no-untyped-def]
    root = multi_chapter_book(make_book, "classic")
    build(root, Diagnostics(), jobs=1)
    with pikepdf.open(root / "dist" / "chunked.pdf") as pdf:
        laid = 0
        for page in pdf.pages:
            assert [str(n) for n in page.obj.Resources.get("/XObject", {})
                    if "Octavo" in str(n)] in ([], ["/OctavoMargins"])  # its own only
            contents = page.obj.Contents
            streams = list(contents) if isinstance(contents, pikepdf.Array) else [contents]
            last = streams[-1].read_bytes()
            if b"/OctavoMargins" in last:
                laid += 1
                assert last.startswith(b"Q /Artifact BMC q /OctavoMargins")
                assert last.endswith(b"Do Q EMC")
                assert streams[0].read_bytes() == b"q"  # the page's own drawing closed first
        assert laid > len(pdf.pages) // 2


def test_a_page_is_known_by_what_its_margins_are_drawn_from() -> None:
    """The key that finds a page's margin boxes drawn before: the same page at the same folio
    whatever chunk or piece it was laid out in; another folio, side, head or group another."""
    selectors = group_selectors(Path("styles/base/print.css").read_text(encoding="utf-8"))
    assert selectors is not None and selectors["chapter"] == [(0, 1)]
    assert group_selectors("@page :nth(odd\nof chapter) { }") is None  # unread: kept apart

    def page(number: int, index: int, place: int, head: str = "Chapter 5", pages: int = 9,
             side: str = "right") -> dict:  # type: ignore[type-arg]
        return {"type": [side, False, "chapter", index, [["chapter", place]]],
                "state": [[0], {"page": [number], "pages": [pages]}, [["page", "pages"]]],
                "strings": {"chapter-title\tfirst": [head]}, "drawn": True}

    def key(margins: dict, offset: int, using=selectors) -> str:  # type: ignore[no-untyped-def, type-arg]
        return page_key(margins, offset, using)

    same = key(page(13, 12, 4), 100)  # page 13 of a chunk whole, 4th page of its chapter
    assert key(page(3, 2, 4, pages=3), 110) == same  # its chunk cut: another index and count
    assert key(page(11, 10, 6), 102) == same  # two pages further on, after a chapter grew
    assert key(page(13, 12, 4), 102) != same  # another folio
    assert key(page(13, 12, 4, head="Chapter 6"), 100) != same
    assert key(page(13, 12, 4, side="left"), 100) != same
    assert key(page(13, 12, 0), 100) != same  # a chapter's first page: :nth(1 of chapter)
    assert key(page(3, 2, 6, pages=3), 110, None) != key(page(3, 2, 4, pages=3), 110, None)
