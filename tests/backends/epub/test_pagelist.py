"""The EPUB's page-list: markers where the print edition's pages begin, checked against the PDF."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest
from books import multi_chapter_book
from conftest import BASIC_TOML, REPO, epubcheck
from lxml import etree
from pagelists import misplaced, page_list

from octavo import xhtml
from octavo.backends.epub.pagelist import NoPageList, PageBreak, mark_pages, page_breaks


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from octavo.cli import main

    root = tmp_path_factory.mktemp("pagelist") / "book"
    root.mkdir()
    shutil.copy2(REPO / "book.toml", root / "book.toml")
    shutil.copytree(REPO / "manuscript", root / "manuscript")
    assert main(["build", str(root)]) == 0
    return root


def test_each_marker_is_where_its_printed_page_begins(sample: Path) -> None:
    epub = sample / "dist" / "the-quiet-press.epub"
    pdf = sample / "dist" / "the-quiet-press.pdf"
    assert len(page_list(epub)) >= 15
    assert misplaced(epub, pdf) == []


def test_a_book_laid_out_in_one_piece_gets_its_page_list_too(make_book) -> None:  # type: ignore[no-untyped-def]
    from octavo.build import build
    from octavo.diagnostics import Diagnostics

    # Chapters that may open on any page: laid out whole, not in chunks.
    root = multi_chapter_book(make_book, "modern", '[print]\nchapter_start = "any"\n')
    toml = root / "book.toml"
    toml.write_text(toml.read_text().replace('formats = ["pdf"]', 'formats = ["epub", "pdf"]'))
    build(root, Diagnostics())
    epub, pdf = root / "dist" / "chunked.epub", root / "dist" / "chunked.pdf"
    assert len(page_list(epub)) > 20
    assert misplaced(epub, pdf) == []


def test_page_list_is_declared_and_valid(sample: Path) -> None:
    epub = sample / "dist" / "the-quiet-press.epub"
    with zipfile.ZipFile(epub) as zf:
        opf = zf.read("EPUB/content.opf").decode()
    assert '<meta property="pageBreakSource">The Quiet Press, print edition</meta>' in opf
    assert "printPageNumbers" in opf and "pageNavigation" in opf
    assert epubcheck(epub) == []


def test_epub_alone_uses_the_last_print_layout_while_the_text_is_the_same(
        sample: Path, tmp_path: Path) -> None:
    from octavo.build import build
    from octavo.diagnostics import Diagnostics

    full = page_list(sample / "dist" / "the-quiet-press.epub")
    root = tmp_path / "copy"
    shutil.copytree(sample, root)
    (root / "dist" / "the-quiet-press.epub").unlink()
    build(root, Diagnostics(), formats=("epub",))
    assert page_list(root / "dist" / "the-quiet-press.epub") == full
    chapter = root / "manuscript" / "02-the-drawer.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\nA new last line.\n",
                       encoding="utf-8")
    diagnostics = Diagnostics()
    build(root, diagnostics, formats=("epub",))
    assert page_list(root / "dist" / "the-quiet-press.epub") == []
    assert any("no page-list" in note for note in diagnostics.notes)
    with zipfile.ZipFile(root / "dist" / "the-quiet-press.epub") as zf:
        opf = zf.read("EPUB/content.opf").decode()
    assert "printPageNumbers" not in opf and "pageBreakSource" not in opf


def test_a_new_title_is_another_text_for_the_page_list(sample: Path, tmp_path: Path) -> None:
    # The last print layout named the old title as the page-list's source, and its title
    # pages (the roman folios) may have been of another length.
    from octavo.build import build
    from octavo.diagnostics import Diagnostics

    root = tmp_path / "copy"
    shutil.copytree(sample, root)
    toml = root / "book.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('title = "The Quiet Press"',
                                                               'title = "The Loud Press"'),
                    encoding="utf-8")
    diagnostics = Diagnostics()
    build(root, diagnostics, formats=("epub",))
    assert page_list(root / "dist" / "the-loud-press.epub") == []
    assert any("no page-list: the last print layout is of another text" in note
               for note in diagnostics.notes), diagnostics.notes


def test_a_damaged_or_hostile_page_map_is_not_used(make_book, octavo) -> None:  # type: ignore[no-untyped-def]
    root = make_book({"book.toml": BASIC_TOML, "manuscript/01.md": "# One\n\nText here.\n"})
    assert octavo("build", root).code == 0
    facts = root / ".octavo-cache" / "facts.json"
    from octavo.backends.shared import text_digest
    from octavo.build import load_book
    from octavo.diagnostics import Diagnostics

    digest = text_digest(load_book(root, Diagnostics())[1])
    for pages in ([[0, '"><script>', "ch001", 0, "One"]], [[0, "1", "ch001", "x", "One"]],
                  "nonsense", [[0, "1", "../../etc", 0, "One"]]):
        facts.write_text(json.dumps({"page-map": {"text": digest, "source": "x",
                                                  "pages": pages}}))
        (root / ".octavo-cache" / "stamp.json").unlink(missing_ok=True)
        result = octavo("build", root)
        assert result.code == 0, result.err
        with zipfile.ZipFile(root / "dist" / "a-test-book.epub") as zf:
            assert b"pagebreak" not in zf.read("EPUB/ch001.xhtml")
            assert b"page-list" not in zf.read("EPUB/nav.xhtml")


def fragment(html: str) -> etree._Element:
    return xhtml.fragment_root(f'<section id="ch001" epub:type="chapter">{html}</section>')


def marked(root: etree._Element) -> str:
    return xhtml.inner_xml(root).replace(' epub:type="pagebreak" role="doc-pagebreak"', "")


def test_markers_go_before_the_first_word_that_begins_on_the_page() -> None:
    root = fragment("<h1>Title</h1><p>One two obstructed the way.</p><p>Next <em>para</em> "
                    "graph.</p><ul><li>Item one</li><li>Item two</li></ul>")
    breaks = [
        PageBreak(1, "2", "ch001", 8, "tedtheway."),  # "obstruc-/ted": after that word
        PageBreak(2, "3", "ch001", 21, "NEXTPARAGRAPH"),  # a paragraph: before it (and case)
        PageBreak(3, "4", "ch001", 31, "Itemtwo"),  # a list item: inside it
        PageBreak(4, "5", "ch001", 30, "nowhereinthistext"),  # not found: no marker
    ]
    placed = mark_pages(root, breaks)
    assert [(uid, b.label) for uid, b in placed] == [("page-2", "2"), ("page-3", "3"),
                                                    ("page-4", "4")]
    html = marked(root)
    assert 'obstructed <span id="page-2" aria-label="2"/>the way.' in html
    assert '<span id="page-3" aria-label="3"/><p>Next' in html
    assert '<li><span id="page-4" aria-label="4"/>Item two</li>' in html


def test_a_page_opening_the_section_puts_its_marker_first() -> None:
    root = fragment("<h1>Title</h1><p>Text.</p>")
    mark_pages(root, [PageBreak(0, "7", "ch001", 0, "Title")])
    assert marked(root).startswith('<section id="ch001" epub:type="chapter"><span id="page-7"')


def test_a_table_opens_its_page_before_it_and_ids_stay_unique() -> None:
    root = fragment('<h2 id="page-5">Page 5</h2><p>Words.</p><table><thead><tr><th>Name</th>'
                    "<th>Age</th></tr></thead><tbody><tr><td>Ada</td><td>36</td></tr></tbody>"
                    "</table><p>After.</p>")
    # Page 5 opens with the table; pages 6 and 7 both begin at "After" (a page of notes).
    placed = mark_pages(root, [PageBreak(5, "5", "ch001", 10, "Name"),
                               PageBreak(7, "7", "ch001", 24, "After."),
                               PageBreak(6, "6", "ch001", 24, "After.")])
    assert [uid for uid, _ in placed] == ["page-5-p", "page-6", "page-7"]
    html = marked(root)
    assert '<p>Words.</p><span id="page-5-p" aria-label="5"/><table>' in html
    assert '<span id="page-6" aria-label="6"/><span id="page-7" aria-label="7"/><p>After.' in html


def test_a_template_opening_with_a_comment_is_marked_in_its_section() -> None:
    root = xhtml.fragment_root('<!-- a theme note --><section id="ch001"><p>Text here.</p>'
                               "</section>")
    assert len(mark_pages(root, [PageBreak(0, "1", "ch001", 0, "Texthere.")])) == 1
    assert marked(root).startswith('<!-- a theme note --><section id="ch001"><span id="page-1"')


def test_page_maps_for_another_text_or_tampered_with_are_refused_saying_why() -> None:
    good = {"text": "abc", "source": "urn:isbn:1", "pages": [[3, "iv", "copyright-page", 0, "x"]]}
    found = page_breaks(good, "abc")
    assert found.source == "urn:isbn:1"
    assert found.breaks == {"copyright": [PageBreak(3, "iv", "copyright", 0, "x")]}
    for page_map, why in ((None, "no print layout yet"), ({}, "no print layout yet"),
                          (good, "of another text")):
        with pytest.raises(NoPageList, match=why):
            page_breaks(page_map, "other")
    for bad in ({"pages": [[3, "iv"]]}, {"pages": [[3, "3\n", "ch001", 0, "x"]]},
                {"source": ""}, {"source": "a\x01b"}, {"source": {"a": 1}}, {"pages": "x"}):
        with pytest.raises(NoPageList, match="page map is damaged"):
            page_breaks({**good, **bad}, "abc")
    with pytest.raises(NoPageList, match="page map is damaged"):
        page_breaks(["not", "a", "map"], "abc")


def test_a_long_title_gets_its_page_list(make_book, octavo) -> None:  # type: ignore[no-untyped-def]
    """Without an ISBN the print edition is named by the title: a page map naming one over
    300 characters was refused as if it were for another text."""
    title = " ".join(["The Lighthouse Keeper's Long and Unabridged Account"] * 8)[:400]
    toml = BASIC_TOML.replace("A Test Book", title).replace('"epub"', '"epub", "pdf"')
    root = make_book({"book.toml": toml,
                      "manuscript/01.md": "# One\n\n" + "The first chapter's text. " * 200,
                      "manuscript/02.md": "# Two\n\n" + "The second chapter's text. " * 200})
    result = octavo("build", root)
    assert result.code == 0, result.err
    assert "no page-list" not in result.out + result.err
    epub = next((root / "dist").glob("*.epub"))
    pdf = next(path for path in (root / "dist").glob("*.pdf") if not path.name.endswith("-cover.pdf"))
    assert len(page_list(epub)) > 4
    assert misplaced(epub, pdf) == []
    with zipfile.ZipFile(epub) as zf:
        opf = zf.read("EPUB/content.opf").decode()
    assert f'<meta property="pageBreakSource">{title}, print edition</meta>' in opf


def test_the_print_isbn_names_the_page_source(make_book, octavo) -> None:  # type: ignore[no-untyped-def]
    from conftest import pdf_text

    toml = BASIC_TOML.replace('formats = ["epub"]', 'formats = ["epub", "pdf"]')
    root = make_book({"book.toml": toml + '\n[print]\nisbn = "978-0-306-40615-7"\n',
                      "manuscript/01.md": "# One\n\nText of the first chapter.\n",
                      "manuscript/02.md": "# Two\n\nText of the second chapter.\n"})
    result = octavo("build", root)
    assert result.code == 0, result.err
    with zipfile.ZipFile(root / "dist" / "a-test-book.epub") as zf:
        opf = zf.read("EPUB/content.opf").decode()
    assert '<meta property="pageBreakSource">urn:isbn:9780306406157</meta>' in opf
    assert "ISBN 9780306406157" in pdf_text(root / "dist" / "a-test-book.pdf")
    (root / "book.toml").write_text(toml + '\n[print]\nisbn = "978-0-306-40615-8"\n')
    refused = octavo("build", root)
    assert refused.code == 3
    assert ("book.toml: [print] isbn: 978-0-306-40615-8 looks like an ISBN but its check digit "
            "is wrong") in refused.err


def test_a_page_that_begins_inside_a_run_with_no_word_start_is_marked_there(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A page beginning inside a 60,000-character run with no space (a,a,a,...) is marked
    where it begins: looking for the end of the "word" walked the run a character at a time,
    minutes for each page."""
    from octavo.backends.epub import pagelist

    calls = [0]
    original = pagelist._Text.locate

    def counted(self, index):  # type: ignore[no-untyped-def]
        calls[0] += 1
        assert calls[0] < 1_000, "walked the run"
        return original(self, index)

    monkeypatch.setattr(pagelist._Text, "locate", counted)
    root = fragment("<p>Start " + "a," * 30_000 + " end.</p>")
    placed = mark_pages(root, [PageBreak(1, "2", "ch001", 5_006, "a,a,a,a,a,a,a,a,a,")])
    assert [uid for uid, _ in placed] == ["page-2"]
    html = marked(root)
    assert '<span id="page-2" aria-label="2"/>a,a,' in html and html.count("a,") == 30_000
