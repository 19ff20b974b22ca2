"""Links: between chapters and headings in the EPUB and the PDF; outside targets kept as text."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import BASIC_TOML, epubcheck, spine_documents

from octavo.backends import RenderContext
from octavo.backends.pdf.compose import compose_html
from octavo.backends.pdf.settings import PrintSettings
from octavo.build import load_book
from octavo.diagnostics import Diagnostics
from octavo.themes import load_theme

ONE = """\
# The Beginning

See [the storm](02-storm.md#the-lightning), [chapter two](02-storm.md) and
[the ending](#the-end), [a note below](#below), [the site](https://example.org/) and
[write](mailto:ada@example.org).

Broken: [root](/uri), [gone](missing.md), [nowhere](#nowhere),
[gone anchor](02-storm.md#nowhere) and [ftp](ftp://example.org/x).

## Below

The end of one.
"""

TWO = """\
# The Storm

Rain.

## The Lightning

Back to [the start](01-beginning.md) and [its section](01-beginning.md#below).
"""

THREE = "# The End {#the-end}\n\nDone.\n"


@pytest.fixture
def linked_book(make_book: Callable[..., Path]) -> Path:
    return make_book({
        "book.toml": BASIC_TOML,
        "manuscript/01-beginning.md": ONE,
        "manuscript/02-storm.md": TWO,
        "manuscript/03-end.md": THREE,
    })


def test_links_resolve_between_chapters_in_the_epub(linked_book: Path, octavo) -> None:
    result = octavo("build", linked_book)
    assert result.code == 0, result.err
    epub = linked_book / "dist" / "a-test-book.epub"
    assert epubcheck(epub) == []
    docs = dict(spine_documents(epub))
    one = next(doc for name, doc in docs.items() if name.endswith("ch001.xhtml"))
    hrefs = {a.text.replace("\n", " "): a.get("href")
             for a in one.iter("{http://www.w3.org/1999/xhtml}a")}
    assert hrefs == {
        "the storm": "ch002.xhtml#the-lightning",
        "chapter two": "ch002.xhtml",
        "the ending": "ch003.xhtml",
        "a note below": "#below",
        "the site": "https://example.org/",
        "write": "mailto:ada@example.org",
    }
    two = next(doc for name, doc in docs.items() if name.endswith("ch002.xhtml"))
    back = [a.get("href") for a in two.iter("{http://www.w3.org/1999/xhtml}a")]
    assert back == ["ch001.xhtml", "ch001.xhtml#below"]


def test_links_outside_the_book_are_reported_with_line_and_kept_as_text(
        linked_book: Path, octavo) -> None:
    result = octavo("build", linked_book)
    assert result.code == 0
    for target, line in (("/uri", 7), ("missing.md", 7), ("#nowhere", 7),
                         ("02-storm.md#nowhere", 7), ("ftp://example.org/x", 7)):
        assert (f"warning: manuscript/01-beginning.md:{line}: link target {target} is not in "
                "the book; kept as plain text") in result.err
    docs = spine_documents(linked_book / "dist" / "a-test-book.epub")
    text = " ".join(" ".join(doc.itertext()) for _, doc in docs)
    for words in ("root", "gone anchor", "nowhere", "ftp"):
        assert words in text
    assert "data-line" not in "".join(str(doc.attrib) for _, doc in docs)


def test_links_resolve_in_the_pdf_html(linked_book: Path) -> None:
    diagnostics = Diagnostics()
    _, book = load_book(linked_book, diagnostics)
    context = RenderContext(book_root=linked_book, source_epoch=0, diagnostics=diagnostics,
                            settings=PrintSettings())
    html = compose_html(book, load_theme("classic", linked_book), context)
    for href in ('href="#ch002-the-lightning"', 'href="#ch002"', 'href="#ch003"',
                 'href="#ch001-below"', 'href="https://example.org/"'):
        assert href in html
    for target in ('id="ch002-the-lightning"', 'id="ch002"', 'id="ch003"', 'id="ch001-below"'):
        assert target in html
    assert "data-line" not in html


def test_links_are_clickable_in_the_pdf(linked_book: Path, octavo) -> None:
    from pypdf import PdfReader

    assert octavo("build", linked_book, "--format", "pdf").code == 0
    reader = PdfReader(linked_book / "dist" / "a-test-book.pdf")
    internal = 0
    external: set[str] = set()  # a link broken across two lines has two annotations
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            action = annot.get("/A")
            if action is not None and action.get("/S") == "/URI":
                external.add(str(action.get("/URI")))
            elif annot.get("/Dest") is not None or (action is not None and action.get("/D")):
                internal += 1
    # the contents links, plus five internal links in the text; two external ones
    assert len(external) == 2
    assert internal >= 3 + 5


def test_links_reach_ids_written_with_accents_or_spaces(make_book: Callable[..., Path],
                                                         octavo) -> None:
    """Markdown percent-encodes a link (`#café` is `#caf%C3%A9`), and the reader makes the
    id "a b" into "a-b": links to either still reach their heading, in the EPUB."""
    root = make_book({
        "book.toml": BASIC_TOML,
        "manuscript/01.md": '# One\n\n## Café\n\n## Wide {id="a b"}\n\n'
                            "See [c](#café), [w](<#a b>) and [there](02.md#a%20b).\n",
        "manuscript/02.md": '# Two\n\n## Far {id="a b"}\n\nText.\n',
    })
    result = octavo("build", root, "--format", "epub")
    assert result.code == 0, result.err
    assert "not in the book" not in result.err
    epub = root / "dist" / "a-test-book.epub"
    assert epubcheck(epub) == []
    one = dict(spine_documents(epub))["EPUB/ch001.xhtml"]
    hrefs = [a.get("href") for a in one.iter("{http://www.w3.org/1999/xhtml}a")]
    assert hrefs == ["#café", "#a-b", "ch002.xhtml#a-b"]


def test_a_scheme_in_capitals_is_a_link_like_any_other(make_book: Callable[..., Path]) -> None:
    """`MAILTO:` was "not in the book" and kept as plain text, while `HTTPS:` worked."""
    root = make_book({"book.toml": BASIC_TOML, "manuscript/01.md":
                      "# One\n\n[j](MAILTO:a@b.c), [m](Mailto:c@d.e) and [h](HTTPS://example.org/).\n"})
    diagnostics = Diagnostics()
    _, book = load_book(root, diagnostics)
    (chapter,) = book.body
    assert ('<a href="mailto:a@b.c">j</a>, <a href="mailto:c@d.e">m</a> and '
            '<a href="https://example.org/">h</a>') in chapter.html
    assert not diagnostics.warnings
