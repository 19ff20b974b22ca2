"""Where each printed page begins in the text, read from WeasyPrint's laid-out pages.

The EPUB's page-list is made from this: for every page, the section it begins in, how many
characters of that section's text (spaces left out) come before it, the text of its first
line, and its folio as printed. Generated content (::before, ::after, markers, footnote
calls), the footnote area and the margin boxes are not the text; a hyphen added at a line's
end by hyphenation is not either.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

FIRST_LINE_CHARS = 60  # of a page's first line, to find it again in the EPUB's text
_SECTION_TAGS = ("section", "nav")
_ROMAN = (("m", 1000), ("cm", 900), ("d", 500), ("cd", 400), ("c", 100), ("xc", 90),
          ("l", 50), ("xl", 40), ("x", 10), ("ix", 9), ("v", 5), ("iv", 4), ("i", 1))
# Where the page counter is, per page box: set by worker.hook_folios as margins are made.
COUNTER_ATTRIBUTE = "octavo_page_counter"

# A page's start: [folio, section id, characters before, first line's text], or None for a
# page with no text of its own (a blank verso, a full-page image). Plain lists: it travels
# between processes and through the chunk cache as JSON.
PageStart = list[Any]


def page_starts(document: Any, front: bool = False,
                numbered: bool = True) -> list[PageStart | None]:
    """The start of every page of a laid-out WeasyPrint document, in page order; `front`:
    the document is the front matter alone, numbered apart from the body. Not `numbered`: a
    chunk whose place in the book is not known yet; each folio is [page counter, style] for
    `numbered_starts`."""
    from weasyprint.formatting_structure import boxes

    starts: list[PageStart | None] = []
    seen: dict[str, int] = {}  # characters of each section laid out so far
    groups: set[int] = set()  # table headers and footers laid out: a repeat is not the text
    folios: list[Any] = [format_folio(counter, style) if numbered else [counter, style]
                         for counter, style in _folios(document, boxes, front)]
    for page, folio in zip(document.pages, folios, strict=True):
        start: PageStart | None = None
        for section, text in _lines(page._page_box, boxes, groups):
            if start is None and text:
                start = [folio, section, seen.get(section, 0), text[:FIRST_LINE_CHARS]]
            seen[section] = seen.get(section, 0) + len(text)
        starts.append(start)
    return starts


def _lines(page_box: Any, boxes: Any, groups: set[int]) -> Iterator[tuple[str, str]]:
    """(section id, text without spaces) of every line in the page's flow, in reading order;
    a table's header or footer repeated on a later page is left out."""
    body = _child(page_box, "html")
    body = _child(body, "body") if body is not None else None
    if body is None:
        return
    for section in body.children:
        element = getattr(section, "element", None)
        name = element.get("id") if element is not None and hasattr(element, "get") else None
        if section.element_tag in _SECTION_TAGS and name:
            for line in _line_boxes(section, boxes, groups):
                yield name, _line_text(line, boxes)


def _child(box: Any, tag: str) -> Any:
    return next((c for c in getattr(box, "children", ()) if c.element_tag == tag), None)


def _line_boxes(box: Any, boxes: Any, groups: set[int]) -> Iterator[Any]:
    """The line boxes under `box` in document order, generated content left out."""
    for child in getattr(box, "children", ()):
        if _generated(child, boxes):
            continue
        if getattr(child, "is_header", False) or getattr(child, "is_footer", False):
            group = id(child.element)
            if group in groups:  # the same <thead> again, at the top of the next page
                continue
            groups.add(group)
        if isinstance(child, boxes.LineBox):
            yield child
        else:
            yield from _line_boxes(child, boxes, groups)


def _line_text(line: Any, boxes: Any) -> str:
    """A line's text without spaces, and without the hyphen hyphenation put at its end."""
    pieces = list(_text_boxes(line, boxes))
    text = "".join("".join(box.text.split()) for box in pieces)
    if pieces:
        last = pieces[-1]
        hyphen = last.style["hyphenate_character"]
        if (last.style["hyphens"] != "none" and hyphen and text.endswith(hyphen)
                and last.text.endswith(hyphen)):
            text = text[: -len(hyphen)]
    return text


def _text_boxes(box: Any, boxes: Any) -> Iterator[Any]:
    for child in getattr(box, "children", ()):
        if _generated(child, boxes):
            continue
        if isinstance(child, boxes.TextBox):
            yield child
        else:  # inline boxes, and an inline-block's own lines
            yield from _text_boxes(child, boxes)


def _generated(box: Any, boxes: Any) -> bool:
    """Text the stylesheet made, not the book: pseudo-elements, margins, the footnote area."""
    tag = box.element_tag or ""
    return ("::" in tag and not tag.endswith("::first-letter")) or isinstance(
        box, boxes.MarginBox | boxes.FootnoteAreaBox)


def numbered_starts(starts: list[PageStart | None], offset: int) -> list[PageStart | None]:
    """A chunk's page starts with their folios, its first page `offset` pages into the book."""
    return [None if start is None else [format_folio(start[0][0] + offset, start[0][1]),
                                        *start[1:]] for start in starts]


def _folios(document: Any, boxes: Any, front: bool) -> list[tuple[int, str]]:
    """Each page's counter and the style of its folio: as its margin prints it, else the
    style of the printed folios around it (lower-roman in the front matter, say)."""
    counters: list[int] = []
    printed: list[str | None] = []  # the counter style of the folio the page prints
    for page in document.pages:
        box = page._page_box
        counters.append(int(getattr(box, COUNTER_ATTRIBUTE, len(counters) + 1)))
        printed.append(_printed_style(box, boxes))
    styles: list[str | None] = list(printed)
    run_start = 0
    for index in range(1, len(counters) + 1):  # runs of pages numbered one after another
        if index < len(counters) and counters[index] == counters[index - 1] + 1:
            continue
        run = range(run_start, index)
        # A run that prints no folio: roman if the numbering starts again after it (the front
        # matter), as books number it, so that its pages cannot take the body's numbers.
        unprinted = "lower-roman" if index < len(counters) or front else "decimal"
        style = next((printed[i] for i in run if printed[i]), unprinted)
        for i in run:
            styles[i] = styles[i] or style
        run_start = index
    return [(counter, style or "decimal") for counter, style in
            zip(counters, styles, strict=True)]


def _printed_style(page_box: Any, boxes: Any) -> str | None:
    for child in page_box.children:
        if isinstance(child, boxes.MarginBox) and child.is_generated:
            for kind, value in child.style["content"] or ():
                if kind == "counter()" and value[0] == "page":
                    return str(value[1])
    return None


def format_folio(counter: int, style: str) -> str:
    """A page number as a folio prints it: 7, vii or VII."""
    if style in ("lower-roman", "upper-roman") and 0 < counter < 4000:
        roman = ""
        for letters, value in _ROMAN:
            while counter >= value:
                roman += letters
                counter -= value
        return roman.upper() if style == "upper-roman" else roman
    return str(counter)
