"""Cutting the print book into chunks: where it may be cut, and which stylesheets forbid it."""

from __future__ import annotations

from pathlib import Path

import pytest

from octavo.backends.pdf import STYLESHEET
from octavo.backends.pdf.chunks import format_number, number_contents, rewrite_contents_css, split_book
from octavo.backends.pdf.compose import theme_css
from octavo.model import Book, Chapter, Metadata, Part
from octavo.themes import load_theme


@pytest.mark.parametrize("theme", ["base", "classic", "modern", "nonfiction"])
def test_every_built_in_theme_lays_out_in_chunks(theme: str) -> None:
    rewritten = rewrite_contents_css(theme_css(load_theme(theme, Path(".")), STYLESHEET))
    assert rewritten is not None
    css, attributes = rewritten
    assert "target-counter" not in css and attributes == ["data-target"]
    assert "attr(data-octavo-page-lower-roman)" in css


@pytest.mark.parametrize("css", [
    "@page :first { margin: 0; }",
    "@page :nth(3) { margin: 0; }",
    "@page :nth(1 of part) { counter-reset: page 1; }",
    "@page { @bottom-center { content: counter(page) ' of ' counter(pages); } }",
    "a::after { content: target-text(attr(href)); }",
    "a::after { content: target-counter(attr(href), page, upper-alpha); }",
    "@page :right { counter-increment: leaf; @top-right { content: counter(leaf); } }",
    "@page :FIRST { margin: 0; }",  # CSS reads its names in any case, as WeasyPrint does
    "@page { @bottom-center { content: COUNTER(pages, decimal); } }",
])
def test_what_needs_the_whole_book_is_laid_out_in_one_piece(css: str) -> None:
    assert rewrite_contents_css(css) is None


def test_a_counter_in_a_margin_box_alone_still_lays_out_in_chunks() -> None:
    css = "@page { @top-right { counter-increment: line; content: counter(line); } }"
    assert rewrite_contents_css(css) is not None


def test_numbers_as_css_prints_them() -> None:
    assert [format_number(n, "lower-roman") for n in (1, 4, 9, 14, 40, 1994)] == [
        "i", "iv", "ix", "xiv", "xl", "mcmxciv"]
    assert format_number(12, "upper-roman") == "XII" and format_number(12, "decimal") == "12"


def book_html(book: Book) -> str:
    sections = ['<section class="half-title" id="half-title"><p>T</p></section>',
                '<nav class="toc" id="contents"><a data-target="#c1">One</a></nav>']
    for item in book.body:
        sections.append(f'<section class="{"part" if isinstance(item, Part) else "chapter"}" '
                        f'id="{item.id}"><p>{"x" * 30}</p></section>')
        for chapter in getattr(item, "chapters", ()):
            sections.append(f'<section class="chapter" id="{chapter.id}"><p>{"y" * 30}</p>'
                            "</section>")
    return ("<!DOCTYPE html><html lang='en'><head><title>T</title></head><body>"
            + "".join(sections) + "</body></html>")


def test_a_chunk_never_ends_on_a_part_page() -> None:
    def chapter(n: int) -> Chapter:
        return Chapter(id=f"c{n}", title=f"C{n}", html="<p>x</p>")

    book = Book(metadata=Metadata(title="T", authors=(), language="en", identifier="x"),
                body=(chapter(1), Part(id="p1", title="P", chapters=(chapter(2), chapter(3))),
                      chapter(4)))
    split = split_book(book_html(book), book, ["data-target"], chunk_chars=1)
    assert split is not None
    assert [c.ids for c in split.body] == [["c1"], ["p1", "c2"], ["c3"], ["c4"]]
    assert split.front.ids == ["half-title", "contents"]
    numbered = number_contents(split.front.html, {"c1": (7, False)}, ["data-target"])
    assert 'data-octavo-page-decimal="7"' in numbered
    assert 'data-octavo-page-lower-roman="vii"' in numbered


def test_a_chunk_is_cut_into_its_chapters() -> None:
    def chapter(n: int) -> Chapter:
        return Chapter(id=f"c{n}", title=f"C{n}", html="<p>x</p>")

    book = Book(metadata=Metadata(title="T", authors=(), language="en", identifier="x"),
                body=(chapter(1), Part(id="p1", title="P", chapters=(
                    chapter(2), chapter(3), chapter(4)))))
    document = book_html(book).replace(f'id="c4"><p>{"y" * 30}', f'id="c4"><p>{"y" * 120}')
    split = split_book(document, book, ["data-target"], chunk_chars=10**6)
    assert split is not None and len(split.body) == 1
    whole = split.body[0]
    assert whole.ids == ["c1", "p1", "c2", "c3", "c4"]
    pieces = whole.by_chapter()  # wherever the text's length falls: the part's page with c2
    assert [piece.ids for piece in pieces] == [["c1"], ["p1", "c2"], ["c3"], ["c4"]]
    assert [piece.chapters for piece in pieces] == [1, 2, 1, 1]
    assert all(p.html.startswith(whole.opening) and p.html.endswith("</html>\n") for p in pieces)
    assert "".join(s.html for p in pieces for s in p.sections) == \
        "".join(s.html for s in whole.sections)
    lone = split_book(document, book, ["data-target"], chunk_chars=1)
    assert lone is not None and lone.body[1].ids == ["p1", "c2"]
    assert lone.body[1].by_chapter() == [lone.body[1]]  # a part's page never ends a piece
