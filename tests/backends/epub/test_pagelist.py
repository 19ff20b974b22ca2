"""The EPUB's page-list: markers where the print edition's pages begin, checked against the PDF."""

from __future__ import annotations

import json
import re
import shutil
import unicodedata
import zipfile
from pathlib import Path

import pytest
from conftest import BASIC_TOML, REPO, XHTML, epubcheck, pdf_fragments, pdf_margin_texts
from lxml import etree

from octavo import xhtml
from octavo.backends.epub.pagelist import PageBreak, mark_pages, page_breaks

EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
NOT_IN_FLOW = ("footnote", "noteref-mark", "scene-break-mark")


def squash(text: str) -> str:
    """Letters and digits only, without case: line ends, hyphens and typography left out."""
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", text).casefold())


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from octavo.cli import main

    root = tmp_path_factory.mktemp("pagelist") / "book"
    root.mkdir()
    shutil.copy2(REPO / "book.toml", root / "book.toml")
    shutil.copytree(REPO / "manuscript", root / "manuscript")
    assert main(["build", str(root)]) == 0
    return root


def page_list(epub: Path) -> list[tuple[str, str, str]]:
    """(label, file, marker id) of each page-list entry, in order."""
    with zipfile.ZipFile(epub) as zf:
        nav = etree.fromstring(zf.read("EPUB/nav.xhtml"))
    lists = [n for n in nav.iter(f"{XHTML}nav") if n.get(EPUB_TYPE) == "page-list"]
    if not lists:
        return []
    entries = []
    for link in lists[0].iter(f"{XHTML}a"):
        file_name, _, anchor = link.get("href").partition("#")
        entries.append((link.text, file_name, anchor))
    return entries


def words_after(doc: etree._Element, marker_id: str, count: int) -> str:
    """The text that follows a marker in reading order, as the print book lays it out."""
    marker = next(el for el in doc.iter() if el.get("id") == marker_id)
    assert marker.get("role") == "doc-pagebreak" and marker.get(EPUB_TYPE) == "pagebreak"
    assert marker.get("aria-label") == marker_id.removeprefix("page-")
    texts: list[str] = [marker.tail or ""]
    node = marker
    while node is not None and len(" ".join(texts).split()) < count:
        following = node.getnext()
        while following is None:
            node = node.getparent()
            if node is None:
                break
            texts.append(node.tail or "")
            following = node.getnext()
        if node is None:
            break
        node = following
        skipped = any(c in NOT_IN_FLOW for c in (node.get("class") or "").split())
        if not skipped and isinstance(node.tag, str):
            texts.append(_flow_text(node))
        texts.append(node.tail or "")
    return " ".join(" ".join(texts).split()[:count])


def _flow_text(element: etree._Element) -> str:
    parts = [element.text or ""]
    for child in element:
        if not any(c in NOT_IN_FLOW for c in (child.get("class") or "").split()):
            parts.append(_flow_text(child))
        parts.append(child.tail or "")
    return " ".join(parts)


def printed_pages(pdf: Path, labels: list[str]) -> dict[str, int]:
    """Each label's page index, from the folios the PDF prints; a page that prints none is
    placed by its series (roman or arabic), whose folios must all agree."""
    offsets: dict[bool, set[int]] = {True: set(), False: set()}
    for index, text in enumerate(pdf_margin_texts(pdf)):
        folio = text.split()[-1] if text else ""
        if folio.isdigit() or (folio and set(folio) <= set("ivxlc")):
            offsets[folio.isdigit()].add(index - value(folio))
    assert all(len(o) <= 1 for o in offsets.values()), offsets  # every folio in its place
    return {label: value(label) + next(iter(offsets[label.isdigit()])) for label in labels}


def value(label: str) -> int:
    if label.isdigit():
        return int(label)
    numerals = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}
    total = 0
    for char, following in zip(label, [*label[1:], ""], strict=True):
        n = numerals[char]
        total += -n if following and numerals[following] > n else n
    return total


def test_each_marker_is_where_its_printed_page_begins(sample: Path) -> None:
    epub = sample / "dist" / "the-quiet-press.epub"
    pdf = sample / "dist" / "the-quiet-press.pdf"
    entries = page_list(epub)
    pages = pdf_fragments(pdf)
    where = printed_pages(pdf, [label for label, _, _ in entries])
    with zipfile.ZipFile(epub) as zf:
        docs = {name: etree.fromstring(zf.read(f"EPUB/{name}")) for _, name, _ in entries}
    assert len(entries) >= 15
    texts = [squash("".join(page)) for page in pages]
    for label, name, anchor in entries:
        after = squash(words_after(docs[name], anchor, 4))
        index = where[label]
        assert texts[index].startswith(after), (label, name, after, texts[index][:80])
        assert index == 0 or not texts[index - 1].endswith(after)
    # Every page that begins in a chapter has its marker: the list skips only pages the EPUB
    # has no page for (the half-title, the printed contents) and blank ones.
    listed = {where[label] for label, _, _ in entries}
    unlisted = [i for i, text in enumerate(texts) if text and i not in listed]
    assert all(texts[i].startswith(("thequietpress", "contents")) for i in unlisted), unlisted


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
    assert [b.label for b in placed] == ["2", "3", "4"]
    html = marked(root)
    assert 'obstructed <span id="page-2" aria-label="2"/>the way.' in html
    assert '<span id="page-3" aria-label="3"/><p>Next' in html
    assert '<li><span id="page-4" aria-label="4"/>Item two</li>' in html


def test_a_page_opening_the_section_puts_its_marker_first() -> None:
    root = fragment("<h1>Title</h1><p>Text.</p>")
    mark_pages(root, [PageBreak(0, "7", "ch001", 0, "Title")])
    assert marked(root).startswith('<section id="ch001" epub:type="chapter"><span id="page-7"')


def test_page_maps_for_another_text_are_refused() -> None:
    good = {"text": "abc", "source": "s", "pages": [[3, "iv", "copyright-page", 0, "x"]]}
    assert page_breaks(good, "abc") == {"copyright": [PageBreak(3, "iv", "copyright", 0, "x")]}
    assert page_breaks(good, "other") is None
    assert page_breaks({**good, "pages": [[3, "iv"]]}, "abc") is None
