"""Ids: a chapter's footnote ids step aside for the author's; an id given twice is reported."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from octavo.backends import RenderContext
from octavo.backends.pdf.compose import compose_html
from octavo.backends.pdf.settings import PrintSettings
from octavo.build import load_book
from octavo.diagnostics import Diagnostics
from octavo.themes import load_theme

CHAPTER = """\
# One

Text[^1] and [the heading](#fn-1).

## Fn-1

A.

## Fnref-1

B.

## Other {#fnref-1-2}

C.

[^1]: The note.
"""


def test_footnote_ids_step_aside_for_the_authors(make_book: Callable[..., Path]) -> None:
    root = make_book({"manuscript/01.md": CHAPTER})
    diagnostics = Diagnostics()
    _, book = load_book(root, diagnostics)
    html = book.chapters()[0].html
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), ids
    # The author's ids as they were; the note and its call took the next free ones.
    assert '<h2 id="fn-1">' in html and '<h2 id="fnref-1">' in html
    assert '<h2 id="fnref-1-2">' in html
    assert 'id="fnref-1-3" href="#fn-1-2"' in html  # the call, pointing at its note
    assert '<aside class="footnote" id="fn-1-2"' in html
    assert 'role="doc-backlink" href="#fnref-1-3"' in html
    assert '<a href="#fn-1">the heading</a>' in html  # the author's link: to the heading
    assert not diagnostics.warnings


def test_the_pdf_html_has_each_id_once(make_book: Callable[..., Path]) -> None:
    """The PDF is one document: a chapter's ids get its prefix, ch001-fn-1 twice before."""
    root = make_book({"manuscript/01.md": CHAPTER,
                      "manuscript/02.md": "# Two\n\nMore[^a].\n\n## Ch001 {#ch001}\n\nD.\n\n"
                                          "[^a]: Another note.\n"})
    diagnostics = Diagnostics()
    _, book = load_book(root, diagnostics)
    context = RenderContext(book_root=root, source_epoch=0, diagnostics=diagnostics,
                            settings=PrintSettings())
    html = compose_html(book, load_theme("classic", root), context)
    twice = [i for i, n in Counter(re.findall(r'\bid="([^"]+)"', html)).items() if n > 1]
    assert twice == []
    assert 'href="#ch001-fn-1"' in html and 'id="ch001-fn-1"' in html  # the author's link
    assert 'id="ch001-fn-1-2"' in html  # the note, set where it is called


def test_an_id_the_author_gives_twice_is_renamed_and_reported(
        make_book: Callable[..., Path]) -> None:
    root = make_book({"manuscript/01.md": "# One\n\n## Here\n\nA <span id=\"here\">span</span>.\n"})
    diagnostics = Diagnostics()
    _, book = load_book(root, diagnostics)
    html = book.chapters()[0].html
    assert '<h2 id="here">' in html and '<span id="here-2">span</span>' in html
    assert diagnostics.warnings == [
        "manuscript/01.md: the id \"here\" is given twice in 'One'; the second is renamed "
        "(links to \"#here\" go to the first)"]
