"""A chunk's margin boxes (folios, running heads) drawn apart from its pages, once its place is known.

A body chunk is laid out as if it were the book's first chunk; its pages are written without
their margin boxes, and what WeasyPrint made each page's margin boxes from is kept: the page's
type, its counters and the running strings its margins asked for. Once the chunks before it are
laid out, `render_layers` makes the same margin boxes again with the page counter moved on by
the pages before the chunk, on pages that hold nothing else; the join lays each such page over
the chunk's (join.py). A chapter two pages longer thus changes the later chunks' margins, a second
or so for a whole novel, and none of their pages.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# A stylesheet that takes margin boxes' content from the pages' own boxes (running elements)
# cannot have them made apart from those pages: such a book's chunks are laid out at their
# place in the book, as before.
_RUNNING_ELEMENTS = re.compile(r"\belement\s*\(|position\s*:\s*running\s*\(", re.I)
_NTH = re.compile(r":nth\(\s*([^)]*?)\s*\)", re.I)
_COMMENT = re.compile(r"/\*.*?\*/", re.S)
RECORD_ATTRIBUTE = "octavo_margins"  # on a page box: what its margin boxes were made from

# A page's margins, as plain data for the chunk cache's JSON: its type [side, blank, name,
# index, groups], its state [quote depth, counter values, counter scopes] and the answers to the
# running strings its margins asked for ("name\tkeyword" -> values); and whether it has any.
Margins = dict[str, Any]


def can_draw_apart(css: str) -> bool:
    """Whether this stylesheet's margin boxes can be made apart from the pages they sit on."""
    return _RUNNING_ELEMENTS.search(css) is None


@dataclass(frozen=True)
class LayerJob:
    """What a worker needs to draw some chunks' margin boxes at their places in the book."""

    # Each chunk's pages' margins, and the pages of the book before its first page (added to
    # every page counter).
    chunks: list[tuple[list[Margins], int]]
    html: str  # the book's document with an empty body: margins inherit its root's language
    base_url: str
    stylesheets: tuple[str, ...]
    allowed: tuple[Path, ...]
    target: Path


def group_selectors(css: str) -> dict[str, list[tuple[int, int]]] | None:
    """The page selectors `:nth(An+B of NAME)` of a stylesheet: (A, B) for each NAME; None if
    one cannot be read (a page's place in its groups then keeps its margins apart)."""
    import tinycss2
    import tinycss2.nth

    found: dict[str, list[tuple[int, int]]] = {}
    for argument in _NTH.findall(_COMMENT.sub("", css)):
        expression, _of, name = argument.rpartition(" of ")
        parsed = tinycss2.nth.parse_nth(expression) if expression else None
        if parsed is None or not name.strip():
            return None
        found.setdefault(name.strip(), []).append(parsed)
    return found


def page_key(margins: Margins, offset: int,
             selectors: dict[str, list[tuple[int, int]]] | None) -> str:
    """What a page's margin boxes are drawn from at its place in the book: its recorded type,
    state and running strings, its page counter moved on by `offset`. Left out: the page's
    index in its chunk and the chunk's page count (a stylesheet that selects pages by the one,
    :first or :nth(N), or prints the other, counter(pages), is not laid out in chunks:
    chunks.py), and its place in its page groups, but for which of the stylesheet's
    `selectors` (`group_selectors`) it matches. The same page thus has the same key wherever
    its chunk is cut, and so has a page of a chapter moved on by two pages to the folio of one
    it had, under the same running head."""
    side, blank, name, _index, groups = margins["type"]
    quote_depth, counters, scopes = margins["state"]
    counters = {name: values for name, values in counters.items() if name != "pages"}
    if offset and "page" in counters:
        counters["page"] = [*counters["page"][:-1], counters["page"][-1] + offset]
    if selectors is not None:  # as WeasyPrint matches them (css/__init__.py)
        groups = [[group, [(index + 1 - b == 0) if a == 0
                           else ((index + 1 - b) / a >= 0 and not (index + 1 - b) % a)
                           for a, b in selectors.get(group, [])]]
                  for group, index in groups]
    return json.dumps([side, blank, name, groups, quote_depth, counters, scopes,
                       margins["strings"]], sort_keys=True)


def recorded(original: Any, context: Any, page: Any, state: Any) -> list[Any]:
    """WeasyPrint's margin boxes for `page`, with what they were made from kept on the page."""
    asked: dict[str, list[str]] = {}
    lookup = context.get_string_set_for

    def get_string_set_for(page: Any, name: str, keyword: str = "first") -> Any:
        found = lookup(page, name, keyword)
        asked[f"{name}\t{keyword}"] = list(found)
        return found

    quote_depth, counter_values, counter_scopes = copy.deepcopy(list(state[:3]))
    context.get_string_set_for = get_string_set_for
    try:
        boxes = list(original(context, page, state))
    finally:
        del context.get_string_set_for  # the class's method again
    kind = page.page_type
    setattr(page, RECORD_ATTRIBUTE, {
        "type": [kind.side, kind.blank, kind.name, kind.index, [list(g) for g in kind.groups]],
        "state": [quote_depth, counter_values, [sorted(scope) for scope in counter_scopes]],
        "strings": asked,
        "drawn": bool(boxes),  # a page with no margin box (a blank one) gets no layer
    })
    return boxes


def take_margins(document: Any) -> list[Margins]:
    """Each page's margins as recorded, the margin boxes taken off the pages (not written)."""
    from weasyprint.formatting_structure import boxes

    found = []
    for page in document.pages:
        box = page._page_box
        found.append(getattr(box, RECORD_ATTRIBUTE))
        box.children = tuple(c for c in box.children if not isinstance(c, boxes.MarginBox))
    return found


def render_layers(jobs: list[LayerJob]) -> list[list[int]]:
    """Write, for each job, a PDF of its chunks' margin boxes alone, a page for each of their
    pages; for each, where each chunk's pages start in it. The jobs share their stylesheets."""
    from weasyprint import CSS, DEFAULT_OPTIONS, HTML
    from weasyprint.css.counters import CounterStyle
    from weasyprint.document import Document, DocumentMetadata, Page
    from weasyprint.layout.background import layout_box_backgrounds
    from weasyprint.text.fonts import FontConfiguration

    from octavo.backends.pdf.fetcher import BookFetcher, failures_raised

    if not jobs:
        return []
    first = jobs[0]
    fetcher = BookFetcher(list(first.allowed))
    fonts = FontConfiguration()
    firsts: list[list[int]] = []
    with failures_raised():
        html = HTML(string=first.html, base_url=first.base_url, url_fetcher=fetcher)
        sheets = [CSS(string=css, url_fetcher=fetcher, font_config=fonts)
                  for css in first.stylesheets]
        options = {**DEFAULT_OPTIONS, "stylesheets": sheets}
        context = Document._build_layout_context(html, fonts, CounterStyle(), {}, options)
        for job in jobs:
            pages: list[Any] = []
            firsts.append([])
            for chunk, offset in job.chunks:
                firsts[-1].append(len(pages))
                for number, margins in enumerate(chunk, start=1):
                    page = _margin_page(context, html, margins, number, offset)
                    for box in page.children:  # the chunk's page paints its own background
                        layout_box_backgrounds(page, box, context.get_image_from_uri)
                    page.background = page.canvas_background = None
                    pages.append(Page(page))  # its size with the page's border, then
                    for side in ("top", "right", "bottom", "left"):
                        setattr(page, f"border_{side}_width", 0)  # the border left to the chunk
            document = Document(pages, DocumentMetadata(), fetcher, fonts, {}, None)
            document.write_pdf(job.target, pdf_version="1.7")
    return firsts


def _margin_page(context: Any, html: Any, margins: Margins, number: int, offset: int) -> Any:
    """A page box of the recorded type holding only its margin boxes, numbered from `offset`."""
    import weasyprint.layout.page as page_module
    from weasyprint.formatting_structure import boxes
    from weasyprint.layout.percent import resolve_percentages

    side, blank, name, index, groups = margins["type"]
    page_type = page_module.PageType(side, blank, name, index, tuple(tuple(g) for g in groups))
    page_module.set_page_type_computed_styles(page_type, html, context.style_for)
    style = context.style_for(page_type)
    page = boxes.PageBox(page_type, style)
    size = page.style["size"]
    resolve_percentages(page, size)
    page.position_x = page.position_y = 0
    page_module.page_width(page, context, size[0])
    page_module.page_height(page, context, size[1])
    context.page_bottom = page.content_box_y() + page.height  # as make_page sets it
    quote_depth, counter_values, scopes = copy.deepcopy(margins["state"])
    if offset and "page" in counter_values:
        counter_values["page"][-1] += offset
    state = (quote_depth, counter_values, [set(scope) for scope in scopes], [])
    strings = margins["strings"]
    context.current_page = number
    context.get_string_set_for = lambda _page, name, keyword="first": tuple(
        strings.get(f"{name}\t{keyword}", ()))
    page.children = tuple(page_module.make_margin_boxes(context, page, state))
    return page
