"""Where the preview finds each chapter's opening spread in the print PDF's text."""

from __future__ import annotations

from octavo.checks.pdfread import PdfPage
from octavo.preview.spreads import _openings


def _pages(*bodies: str) -> list[PdfPage]:
    return [PdfPage(index, 432.0, 648.0, body, "") for index, body in enumerate(bodies)]


def test_a_title_in_running_text_at_the_top_of_a_page_is_no_opening() -> None:
    """The dedication has no printed title: the chapter that mentions one near the top of a
    page is not where it opens, and the titles after it are still found."""
    pages = _pages(
        "Part One: The\xa0Manuscript\r\nA pile of pages is a promise.",
        "N\r\nThe Drawer\r\nell Ashby kept her novel in the bottom drawer.",  # a drop cap first
        "book that are not chapters — a dedication, a part title, an afterword\r\n— are files",
        "Chapter 4\r\nWhat the Book Knows\r\nAbout\xa0Itself\r\nThe next morning",  # wrapped
        "Afterword\r\nNell and Tomas are not real.")
    titles = ["Dedication", "Part One: The Manuscript", "The Drawer",
              "What the Book Knows About Itself", "Afterword"]
    assert _openings(pages, titles, start=0) == [None, 0, 1, 3, 4]
