"""Splits the print book's HTML into chunks that lay out alone: the front matter, then chapters."""

from __future__ import annotations

import hashlib
import itertools
import re
from dataclasses import dataclass, field

from lxml import etree, html

from octavo.model import Book, Part

# target-counter(attr(NAME), page[, STYLE]): the printed contents' page numbers. A chunk cannot
# look into another chunk, so these become attr(data-octavo-page-STYLE), filled in by Octavo.
_TARGET_COUNTER = re.compile(
    r"target-counter\(\s*attr\(\s*([\w-]+)\s*\)\s*,\s*page\s*(?:,\s*([\w-]+)\s*)?\)")
_CROSS_CHUNK = re.compile(r"target-counter|target-counters|target-text|counter\(\s*pages\s*[,)]",
                          re.I)  # CSS names are read in any case
# Page selectors that count pages from the start of the document, not of a page group.
_PAGE_POSITION = re.compile(r"@page[^{]*:(?:first\b|nth\((?![^)]*\bof\b)[^)]*\))", re.I)
# Where the body starts at page 1: the one reset of the page counter a chunk may hold.
_BODY_START_RESET = re.compile(r"@page\s*:nth\(\s*1\s+of\s+body-start(?:-part)?\s*\)\s*\{\s*"
                               r"counter-reset\s*:\s*page\s+1\s*;")
_PAGE_COUNTER = re.compile(r"counter-(?:reset|set|increment)\s*:[^;}]*\bpage\b", re.I)
_COMMENT = re.compile(r"/\*.*?\*/", re.S)
NUMBER_STYLES = ("decimal", "lower-roman", "upper-roman")
CHUNK_CHARS = 40_000  # about 20 pages of a novel: worth a worker's 0.1 s setup, small to redo
CLOSING = "\n</body>\n</html>\n"


@dataclass
class Section:
    """One top-level section of the body (a part's page, a chapter), as a chunk holds it."""

    html: str
    chars: int  # its length in characters of text
    part: bool  # a part's page: it stays with the section after it
    letters: int = 0  # its characters of text but spaces, as pagestarts.py counts them


@dataclass
class Chunk:
    """Top-level sections of the book that are laid out together and start on a right page."""

    html: str
    chapters: int  # how many chapters and parts it holds (for the progress bar)
    ids: list[str] = field(default_factory=list)  # the sections' ids
    sections: list[Section] = field(default_factory=list)
    opening: str = ""  # the document up to its body's first section

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.html.encode("utf-8")).hexdigest()

    def by_chapter(self) -> list[Chunk]:
        """The chunk cut before each of its sections (a part's page kept with the chapter
        after it): a chunk for each chapter; [self] if it holds one.

        Each section opens on a right-hand page, so the pieces together lay out as the whole
        does: an edited chunk is cut to lay its chapters out side by side."""
        cuts = [i for i in range(1, len(self.sections)) if not self.sections[i - 1].part]
        if not cuts:
            return [self]
        bounds = [0, *cuts, len(self.sections)]
        return [Chunk(self.opening + "".join(s.html for s in self.sections[a:b]) + CLOSING,
                      chapters=b - a, ids=self.ids[a:b], sections=self.sections[a:b],
                      opening=self.opening)
                for a, b in itertools.pairwise(bounds)]


@dataclass
class SplitBook:
    """The front matter (with the contents) and the body and back matter, in chunks."""

    front: Chunk
    body: list[Chunk]
    link_attributes: list[str]  # the attributes whose targets' page numbers the contents print
    text_chars: int = 0  # the body's length in characters of text
    empty: str = ""  # the book's document with an empty body: its root's language and head


def rewrite_contents_css(css: str) -> tuple[str, list[str]] | None:
    """The stylesheet with its contents page numbers read from attributes, and those attributes.

    None when the stylesheet uses something that needs the whole book at once (a counter of
    all pages, a target's text, a style of number Octavo does not write, a page selected by its
    place in the document, a page counter set anywhere but where the body starts, a counter of
    its own that pages count): such a theme is laid out in one piece.
    """
    attributes: list[str] = []

    def replace(match: re.Match[str]) -> str:
        name, style = match.group(1), match.group(2) or "decimal"
        if style not in NUMBER_STYLES:
            return match.group(0)
        attributes.append(name)
        return f"attr(data-octavo-page-{style})"

    rewritten = _TARGET_COUNTER.sub(replace, css)
    if _CROSS_CHUNK.search(rewritten) or _PAGE_POSITION.search(css):
        return None
    if _page_counters(css) - {"page"}:  # would start again in every chunk
        return None
    if _PAGE_COUNTER.search(_BODY_START_RESET.sub("", _COMMENT.sub("", css))):
        return None
    return rewritten, sorted(set(attributes))


def _page_counters(css: str) -> set[str]:
    """The counters that @page rules themselves set, reset or increment (a margin box's
    changes stay in its box)."""
    import tinycss2

    names: set[str] = set()
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if rule.type != "at-rule" or rule.lower_at_keyword != "page" or rule.content is None:
            continue
        for item in tinycss2.parse_blocks_contents(rule.content, skip_comments=True,
                                                   skip_whitespace=True):
            if item.type == "declaration" and item.lower_name in (
                    "counter-increment", "counter-reset", "counter-set"):
                names.update(t.lower_value for t in item.value
                             if t.type == "ident" and t.lower_value != "none")
    return names


def split_book(document: str, book: Book, link_attributes: list[str],
               chunk_chars: int | None = None) -> SplitBook | None:
    """The composed book HTML cut at its body's top-level sections, or None if it cannot be.

    The body starts at the first part or chapter of `book.body`; everything before it is the
    front chunk. Chunks end before a part or chapter, never inside one.
    """
    chunk_chars = chunk_chars or CHUNK_CHARS
    root = html.document_fromstring(document)
    body = root.find("body")
    if body is None:
        return None
    body_ids = [item.id for item in book.body]
    starts = {item.id for item in book.body}
    starts.update(c.id for item in book.body if isinstance(item, Part) for c in item.chapters)
    starts.update(c.id for c in book.back)
    sections = list(body)
    first = next((i for i, el in enumerate(sections) if el.get("id") == body_ids[0]), None) \
        if body_ids else None
    if first is None or any(el.get("id") not in starts for el in sections[first:]
                            if isinstance(el.tag, str)):
        return None
    if body.text and body.text.strip():
        return None
    head = etree.tostring(root.find("head"), encoding="unicode", method="html")
    opening = f'<!DOCTYPE html>\n<html{_attributes(root)}>\n{head}\n<body>\n'

    def section(el: etree._Element) -> tuple[str, Section]:
        text = etree.tostring(el, encoding="unicode", method="text")
        return el.get("id") or "", Section(
            etree.tostring(el, encoding="unicode", method="html"), chars=len(text),
            part="part" in (el.get("class") or "").split(), letters=len("".join(text.split())))

    def chunk(sections: list[tuple[str, Section]]) -> Chunk:
        return Chunk(opening + "".join(s.html for _id, s in sections) + CLOSING,
                     chapters=len(sections), ids=[name for name, _s in sections],
                     sections=[s for _id, s in sections], opening=opening)

    groups: list[list[tuple[str, Section]]] = []
    size = total = 0
    for el in sections[first:]:
        if not isinstance(el.tag, str):
            continue
        name, made = section(el)
        # A part's page stays with the chapter after it; otherwise cut at the size reached.
        if not groups or (size >= chunk_chars and not groups[-1][-1][1].part):
            groups.append([])
            size = 0
        groups[-1].append((name, made))
        size += made.chars
        total += made.chars
    front = chunk([section(el) for el in sections[:first] if isinstance(el.tag, str)])
    return SplitBook(front=front, body=[chunk(g) for g in groups],
                     link_attributes=link_attributes, text_chars=total,
                     empty=opening + "</body>\n</html>\n")


def number_contents(front_html: str, pages: dict[str, tuple[int, bool]],
                    attributes: list[str]) -> str:
    """The front chunk with each contents link given its target's printed page number.

    `pages` maps an id to (number, in the front matter); a link to an unknown id gets "0", as
    WeasyPrint prints for a missing target.
    """
    root = html.document_fromstring(front_html)
    for name in attributes:
        for el in root.iter():
            target = el.get(name)
            if not isinstance(el.tag, str) or target is None:
                continue
            number, _front = pages.get(target.lstrip("#"), (0, False))
            for style in NUMBER_STYLES:
                el.set(f"data-octavo-page-{style}", format_number(number, style))
    return "<!DOCTYPE html>\n" + etree.tostring(root, encoding="unicode", method="html")


def format_number(number: int, style: str) -> str:
    """A page number as CSS counter style `style` prints it."""
    if style == "decimal" or number <= 0 or number >= 4000:
        return str(number)
    numerals = (("m", 1000), ("cm", 900), ("d", 500), ("cd", 400), ("c", 100), ("xc", 90),
                ("l", 50), ("xl", 40), ("x", 10), ("ix", 9), ("v", 5), ("iv", 4), ("i", 1))
    out = []
    for text, value in numerals:
        while number >= value:
            out.append(text)
            number -= value
    roman = "".join(out)
    return roman.upper() if style == "upper-roman" else roman


def _attributes(el: etree._Element) -> str:
    from html import escape

    return "".join(f' {k}="{escape(v)}"' for k, v in el.attrib.items())
