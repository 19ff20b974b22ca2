"""Reading an EPUB's page-list and checking it against the PDF's pages, as a reader would."""

from __future__ import annotations

import re
import unicodedata
import zipfile
from pathlib import Path

from conftest import XHTML, pdf_fragments, pdf_margin_texts
from lxml import etree

EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
NOT_IN_FLOW = ("footnote", "noteref-mark", "scene-break-mark")


def squash(text: str) -> str:
    """Letters and digits only, without case: line ends, hyphens and typography left out."""
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", text).casefold())


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
    assert marker.get("aria-label") == re.sub(r"(-p)+$", "", marker_id.removeprefix("page-"))
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
        if folio.isdigit() or (folio and set(folio.lower()) <= set("ivxlc")):
            offsets[folio.isdigit()].add(index - value(folio))
    assert all(len(o) <= 1 for o in offsets.values()), offsets  # every folio in its place
    return {label: value(label) + next(iter(offsets[label.isdigit()])) for label in labels}


def value(label: str) -> int:
    if label.isdigit():
        return int(label)
    numerals = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}
    label = label.lower()
    total = 0
    for char, following in zip(label, [*label[1:], ""], strict=True):
        n = numerals[char]
        total += -n if following and numerals[following] > n else n
    return total


def word_before(doc: etree._Element, marker_id: str) -> str:
    """The word just before a marker in reading order, as the print book lays it out."""
    marker = next(el for el in doc.iter() if el.get("id") == marker_id)
    marker.text = " \ue000 "  # a private-use character: no book holds it
    try:
        body = doc.find(f"{XHTML}body")
        text = _flow_text(body if body is not None else doc)
    finally:
        marker.text = None
    words = text.partition("\ue000")[0].split()
    return words[-1] if words else ""


def repeated_header(doc: etree._Element, marker_id: str) -> str:
    """The header row of the table a marker is in, which the print book repeats on each page."""
    marker = next(el for el in doc.iter() if el.get("id") == marker_id)
    table = next((a for a in marker.iterancestors(f"{XHTML}table")), None)
    head = table.find(f"{XHTML}thead") if table is not None else None
    return " ".join(head.itertext()) if head is not None else ""


def misplaced(epub: Path, pdf: Path) -> list[str]:
    """The page-list entries whose marker is not followed by the words that open its printed
    page (found by the folios the PDF prints); [] when every one is right.

    A page that opens with the end of a word hyphenated on the page before has its marker after
    that word: the words after the marker then follow it on the page's first line.
    """
    entries = page_list(epub)
    where = printed_pages(pdf, [label for label, _, _ in entries])
    raw = ["".join(page).strip() for page in pdf_fragments(pdf)]
    texts = [squash(page) for page in raw]
    wrong = []
    with zipfile.ZipFile(epub) as zf:
        docs = {name: etree.fromstring(zf.read(f"EPUB/{name}"), etree.XMLParser(huge_tree=True))
                for _, name, _ in entries}
    for label, name, anchor in entries:
        after = squash(words_after(docs[name], anchor, 4))
        index = where[label]
        text = texts[index]
        # A page may open with the end of the word before the marker, hyphenated.
        before = squash(word_before(docs[name], anchor))
        carried = next((k for k in range(1, len(before)) if text.startswith(before[-k:] + after)),
                       0)
        header = squash(repeated_header(docs[name], anchor))
        if header and not carried and text.startswith(header + after):
            carried = len(header)  # a table's header row, printed again atop the page
        if not after or not text[carried:].startswith(after):
            wrong.append(f"page {label} ({name}#{anchor}): {after!r} does not open {text[:60]!r}")
    return wrong
