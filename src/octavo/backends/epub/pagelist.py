"""The EPUB's page-list: a page-break marker where each page of the print edition begins.

The print layout's page map (backends/base.PAGE_MAP) gives, for every printed page, the
section it begins in, how many characters of that section's text (spaces left out) come
before it and the text of its first line. Here that line is found again in the EPUB page,
nearest where the count says, and a marker goes before the first word that begins on the page:
before the block when the page begins with one, never inside a heading's text.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from lxml import etree

from octavo import xhtml
from octavo.text import has_xml_invalid

X = "{" + xhtml.XHTML_NS + "}"
EPUB_TYPE = "{" + xhtml.EPUB_NS + "}type"
# The print book's own pages that the EPUB has too, by their ids in each.
PDF_SECTIONS = {"title-page": "titlepage", "copyright-page": "copyright"}
# Text the print book does not lay out in the flow: footnotes (at the page's foot), their
# calls (generated there) and the scene break's asterisks (an ornament there).
_NOT_IN_FLOW = ("footnote", "noteref-mark", "scene-break-mark")
_BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "figure", "header",
           "footer", "pre", "section", "aside", "hr", "table", "ul", "ol", "dl", "li", "dt",
           "dd", "tr", "td", "th", "figcaption", "br", "nav", "details", "summary"}
# Elements whose children must not include a <span>.
_NO_PHRASING = {"ul", "ol", "dl", "table", "thead", "tbody", "tfoot", "tr", "colgroup",
                "hgroup", "select", "optgroup", "datalist", "menu", "picture", "ruby"}
_LABEL = re.compile(r"[0-9A-Za-z]{1,12}")
_NOT_SPACE = re.compile(r"\S")
WINDOW = 4000  # characters either side of the counted place where a page's first line is sought
MIN_MATCH = 8  # characters of a first line that must match
WORD_TAIL = 64  # a word divided at the foot of a page ends within this many characters


@dataclass(frozen=True)
class PageBreak:
    """Where one printed page begins: its folio, the EPUB page and the place in its text."""

    page: int  # index in the PDF
    label: str  # the folio, "12" or "xii"
    document: str  # the EPUB page's id, e.g. "ch003"
    chars: int  # characters of the page's text (spaces left out) before it
    text: str  # the first line's text, spaces left out


@dataclass(frozen=True)
class PageMap:
    """A print layout's page breaks by EPUB page, and the print edition they come from."""

    breaks: dict[str, list[PageBreak]]
    source: str  # "urn:isbn:…" or "<title>, print edition"


class NoPageList(Exception):
    """Why the EPUB gets no page-list from the page map: the build's note says it."""


AGAIN = "build the PDF too to give the EPUB the printed page numbers"
DAMAGED = f"the last print layout's page map is damaged or not Octavo's; {AGAIN}"


def page_breaks(page_map: Any, digest: str) -> PageMap:
    """The page map's breaks; NoPageList, saying why, if there is none, it is for another text
    or anything in it is amiss (it is read from the book's cache folder, which may come from
    anyone). The print edition's name has no length limit: without an ISBN it is the title's."""
    if not page_map:
        raise NoPageList(f"no print layout yet; {AGAIN}")
    if not isinstance(page_map, dict):
        raise NoPageList(DAMAGED)
    if page_map.get("text") != digest:
        raise NoPageList(f"the last print layout is of another text; {AGAIN}")
    source, pages = page_map.get("source"), page_map.get("pages")
    if not (isinstance(source, str) and source.strip() and not has_xml_invalid(source)
            and isinstance(pages, list)):
        raise NoPageList(DAMAGED)
    by_document: dict[str, list[PageBreak]] = {}
    seen: set[str] = set()
    for entry in pages:
        if not (isinstance(entry, list) and len(entry) == 5):
            raise NoPageList(DAMAGED)
        page, label, section, chars, text = entry
        if not (isinstance(page, int) and isinstance(label, str) and _LABEL.fullmatch(label)
                and isinstance(section, str) and isinstance(chars, int) and chars >= 0
                and isinstance(text, str)):
            raise NoPageList(DAMAGED)
        document = PDF_SECTIONS.get(section, section)
        if label in seen or not re.fullmatch(r"[a-z]+\d*", document):
            continue
        seen.add(label)
        by_document.setdefault(document, []).append(PageBreak(page, label, document, chars, text))
    return PageMap(by_document, " ".join(source.split()))


def mark_pages(root: etree._Element, breaks: list[PageBreak]) -> list[tuple[str, PageBreak]]:
    """Put a marker into the EPUB page `root` (a fragment_root) for each break; the (id, break)
    of those placed, in reading order."""
    if not breaks:
        return []
    # The page's own element (its id is the page's), else the template's first element.
    section = next((el for el in root.iter() if el.get("id") == breaks[0].document),
                   next((el for el in root if isinstance(el.tag, str)), None))
    if section is None:
        return []
    text = _Text(section)
    found: dict[int, list[PageBreak]] = {}
    for brk in breaks:
        index = 0 if brk.chars == 0 else _find(text.folded, brk)
        if index is None:
            continue
        index = _word_start(text, index)
        if index < len(text.folded) or index == 0:
            found.setdefault(index, []).append(brk)
    taken = {el.get("id") for el in root.iter() if isinstance(el.tag, str) and el.get("id")}
    placed: list[tuple[str, PageBreak]] = []
    # From the last place to the first, so that each split leaves the earlier places as they
    # were; pages that begin at one place (a page of footnotes) keep their order there.
    for index in sorted(found, reverse=True):
        markers = []
        for brk in sorted(found[index], key=lambda b: b.page):
            uid = f"page-{brk.label}"
            while uid in taken:  # a heading "Page 3" may have made the id already
                uid += "-p"
            taken.add(uid)
            markers.append(etree.Element(f"{X}span", {
                EPUB_TYPE: "pagebreak", "role": "doc-pagebreak", "id": uid,
                "aria-label": brk.label}))
            placed.append((uid, brk))
        if index == 0 or not text.folded:
            markers[0].tail, section.text = section.text, None
            section.insert(0, markers[0])
        else:
            _insert(markers[0], text, index, section)
        for previous, marker in zip(markers, markers[1:], strict=False):
            marker.tail, previous.tail = previous.tail, None
            previous.addnext(marker)
    return sorted(placed, key=lambda item: item[1].page)


class _Text:
    """A section's text in the flow, spaces left out, and where each character of it is."""

    def __init__(self, section: etree._Element):
        # Each run of text: (element, in its tail?, the text, a space or block edge before it).
        self.runs: list[tuple[etree._Element, bool, str, bool]] = []
        self.firsts: list[int] = []  # each run's first character in `folded`
        self.opens: dict[etree._Element, int] = {}  # where each element's text begins
        pieces: list[str] = []
        count = 0
        gap = True

        def add(value: str | None, element: etree._Element, in_tail: bool) -> None:
            nonlocal count, gap
            if not value:
                return
            squeezed = "".join(value.split())
            if squeezed:
                self.runs.append((element, in_tail, value, gap))
                self.firsts.append(count)
                folded = squeezed.lower()
                pieces.append(folded if len(folded) == len(squeezed)
                              else "".join(_fold(c) for c in squeezed))
                count += len(squeezed)
            gap = value[-1].isspace() if squeezed else True

        def walk(element: etree._Element) -> None:
            nonlocal gap
            block = _tag(element) in _BLOCKS
            classes = (element.get("class") or "").split()
            skipped = any(name in _NOT_IN_FLOW for name in classes) \
                or element.get(EPUB_TYPE) in ("footnote", "pagebreak")
            gap = gap or block
            self.opens[element] = count
            if not skipped:
                add(element.text, element, False)
                for child in element:
                    if isinstance(child.tag, str):
                        walk(child)
                    else:
                        add(child.tail, child, True)
            gap = gap or block
            add(element.tail, element, True)

        add(section.text, section, False)
        for child in section:
            if isinstance(child.tag, str):
                walk(child)
        self.folded = "".join(pieces)

    def locate(self, index: int) -> tuple[etree._Element, bool, int, bool]:
        """Where character `index` is: (element, in its tail?, offset there, a word start?)."""
        run = bisect.bisect_right(self.firsts, index) - 1
        element, in_tail, value, gap = self.runs[run]
        wanted = index - self.firsts[run]
        offset = next(itertools.islice(_NOT_SPACE.finditer(value), wanted, None)).start()
        start = value[offset - 1].isspace() if offset else gap
        return element, in_tail, offset, start


def _word_start(text: _Text, index: int) -> int:
    """`index`, or after the end of the word it is inside (a word hyphenated on the page
    before); inside a run with no word start near (a,a,a,... across pages), `index` itself:
    walking the run took minutes a page."""
    ahead = index
    while 0 < ahead < len(text.folded) and not text.locate(ahead)[3]:
        ahead += 1
        if ahead - index > WORD_TAIL:
            return index
    return ahead


def _find(folded: str, brk: PageBreak) -> int | None:
    """Where the page's first line is in the text: the occurrence nearest the count."""
    wanted = "".join(_fold(char) for char in brk.text)
    for length in (len(wanted), 24, MIN_MATCH):
        needle = wanted[:length]
        if len(needle) < min(MIN_MATCH, len(wanted)):
            break
        hits = list(_occurrences(folded, needle, brk.chars - WINDOW, brk.chars + WINDOW))
        if hits:
            return min(hits, key=lambda hit: abs(hit - brk.chars))
    return None


def _occurrences(text: str, needle: str, start: int, end: int) -> Iterator[int]:
    index = text.find(needle, max(0, start))
    while index != -1 and index <= end:
        yield index
        index = text.find(needle, index + 1)


def _insert(marker: etree._Element, text: _Text, index: int, section: etree._Element) -> None:
    """Put `marker` before character `index`: before the outermost element that opens there
    and may have a <span> beside it (a paragraph, a list, a table), else in the text itself."""
    element, in_tail, offset, _start = text.locate(index)
    before: etree._Element | None = None
    current = element.getparent() if in_tail else element
    while current is not None and current is not section and text.opens.get(current) == index:
        parent = current.getparent()
        if parent is not None and _tag(parent) not in _NO_PHRASING:
            before = current
        current = parent
    if before is not None:  # the text before `before` stays before the marker
        before.addprevious(marker)
    elif in_tail:
        tail = element.tail or ""
        element.tail, marker.tail = tail[:offset], tail[offset:]
        element.addnext(marker)
    else:
        value = element.text or ""
        element.text, marker.tail = value[:offset], value[offset:]
        element.insert(0, marker)


def page_list_nav(entries: list[tuple[str, str, str]]) -> etree._Element:
    """The nav's page-list: (EPUB file name, marker id, folio) in reading order."""
    nav = etree.Element(f"{X}nav", {EPUB_TYPE: "page-list", "role": "doc-pagelist",
                                    "id": "page-list", "hidden": "hidden"})
    heading = etree.SubElement(nav, f"{X}h2")
    heading.text = "Pages"
    items = etree.SubElement(nav, f"{X}ol")
    for file_name, uid, label in entries:
        link = etree.SubElement(etree.SubElement(items, f"{X}li"), f"{X}a",
                                {"href": f"{file_name}#{uid}"})
        link.text = label
    return nav


def _tag(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _fold(char: str) -> str:
    """A character compared without case (text-transform changes case in print)."""
    return char.lower()[:1] or char
