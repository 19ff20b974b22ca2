"""A paginated document read back as runs of pages: line items, the boxes they sit in, depths.

A run is the pages from one forced break (a chapter's first page) to the next. The make-up
(`makeup.py`) models and changes the pagination from it; levelling (`levelling.py`) evens out
facing pages with it once the pagination is settled.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

EPSILON = 0.01  # CSS px: WeasyPrint's own slack when a box meets the page's foot
DEPTH_TOLERANCE = 1.5  # CSS px: facing pages whose last lines end this close match


@dataclass(frozen=True)
class Item:
    """A line box (or a block image) of a run, with what its page break rules need."""

    page: int  # the page it is on, in the run
    top: float  # from the top of its page's content area
    bottom: float
    chain: tuple[Any, ...]  # the boxes it sits in, outermost first
    paragraph: tuple[Any, ...] | None  # the key of the block it is a line of (None: an image)
    hyphenated: bool = False  # a line ending in a word hyphenation divided
    box: Any = None  # the line box or image itself
    baseline: float = 0.0  # a line's baseline (an image's foot), from the content area's top
    notes: tuple[int, ...] = ()  # the footnotes this line calls, by their elements' ids


@dataclass
class Run:
    """Pages from a forced break to the next, as the first pagination left them."""

    key: int
    sides: list[str]  # "left" / "right", per page
    items: list[Item]
    starts: list[int]  # the index of each page's first item
    heights: list[float]  # each page's area height (a chapter's first page may be shorter)
    changes: list[float] = field(default_factory=list)  # the make-up's change of each page
    regular: bool = True  # nothing the model cannot follow (margin notes, floats, tables)
    plain: list[bool] = field(default_factory=list)  # per page: nothing levelling cannot move
    notes: dict[int, float] = field(default_factory=dict)  # each footnote's height, by id
    chrome: float = 0.0  # the footnote area's height beside its notes (margin, rule, padding)
    areas: list[float] = field(default_factory=list)  # per page: its footnote area's height
    note_baselines: list[float] = field(default_factory=list)  # per page: its last note's (0: none)
    away: int = 0  # footnotes set on another page than the line that calls them


def read_runs(pages: list[Any]) -> list[Run]:
    """The runs of a paginated document's pages (PageBoxes, before their margin boxes)."""
    runs: list[Run] = []
    for page in pages:
        key = getattr(page, "octavo_key", None)
        if key is None or key[1] < 0:
            continue
        run_key, number = key
        if not runs or runs[-1].key != run_key or number == 0:
            runs.append(Run(run_key, [], [], [], []))
        run = runs[-1]
        run.sides.append(page.page_type.side)
        run.starts.append(len(run.items))
        run.heights.append(page.height)
        run.changes.append(getattr(page, "octavo_change", 0.0))
        root, footnotes, notes = page.children[:3]
        if notes.children or (len(run.heights) > 2
                              and abs(page.height - run.heights[1]) > EPSILON):
            run.regular = False
        top = page.content_box_y()
        floats: list[Any] = []
        first = len(run.items)
        plain = _collect(root, (), len(run.sides) - 1, top, run.items, floats)
        _read_notes(run, footnotes, run.items[first:], top)
        # Levelling moves a float with the block it is in: a drop cap with its paragraph (the
        # block holding the lines beside it), a list's marker with its item. A float beside
        # several blocks (a floated figure) would be left behind: that page is not levelled.
        own = {id(item.chain[-1]) for item in run.items[first:] if item.chain}
        run.plain.append(plain and all(
            id(parent) in own or (child.element_tag or "").endswith("::marker")
            for parent, child in floats))
        if not plain:
            run.regular = False
    return runs


def _read_notes(run: Run, area: Any, items: list[Item], top: float) -> None:
    """A page's footnote area: its height, its last note's baseline, its notes' heights, and
    the notes that do not stand on the page of their call (WeasyPrint moves a note that does
    not fit to the next page)."""
    from weasyprint.formatting_structure import boxes

    set_here = {id(note.element): note.margin_height() for note in area.children}
    run.areas.append(area.margin_height() if set_here else 0.0)
    lines = [box for box in area.descendants() if isinstance(box, boxes.LineBox)] \
        if set_here else []
    run.note_baselines.append(lines[-1].position_y - top + lines[-1].baseline if lines else 0.0)
    if not set_here:
        run.away += sum(len(item.notes) for item in items)
        return
    run.notes.update(set_here)
    run.chrome = area.margin_height() - sum(set_here.values())
    called = {note for item in items for note in item.notes}
    run.away += len(called - set(set_here))


def _collect(box: Any, chain: tuple[Any, ...], page: int, top: float, items: list[Item],
             floats: list[Any]) -> bool:
    """Append `box`'s line boxes and block images to `items`, and its floats and positioned
    boxes to `floats` (each with the block holding it); False if it holds what the model does
    not follow (a table, a flex or grid)."""
    from weasyprint.formatting_structure import boxes

    from octavo.backends.pdf.hyphenation import ends_hyphenated

    regular = True
    for child in getattr(box, "children", ()):
        if child.is_floated() or child.is_absolutely_positioned():
            floats.append((box, child))  # out of the flow (a drop cap): the lines beside it hold
            continue  # its place
        if isinstance(child, boxes.LineBox):
            notes = tuple(id(box.footnote.element) for box in child.descendants()
                          if getattr(box, "footnote", None) is not None)
            items.append(Item(page, child.position_y - top,
                              child.position_y - top + child.height, chain,
                              box_key(chain[-1]) if chain else None, ends_hyphenated(child),
                              child, child.position_y - top + child.baseline, notes))
        elif isinstance(child, boxes.BlockReplacedBox):
            bottom = child.position_y - top + child.margin_height()
            items.append(Item(page, child.position_y - top, bottom, (*chain, child), None,
                              box=child, baseline=bottom))
        elif isinstance(child, (boxes.TableBox, boxes.FlexContainerBox, boxes.GridContainerBox)):
            regular = False
        elif isinstance(child, boxes.ParentBox):
            regular = _collect(child, (*chain, child), page, top, items, floats) and regular
    return regular


def page_ranges(run: Run) -> list[tuple[int, int]]:
    """Each page of a run as (the index of its first item, the next page's)."""
    return list(zip(run.starts, [*run.starts[1:], len(run.items)], strict=True))


def made_height(run: Run, page: int) -> float:
    """The height of a paginated run's page area, as the make-up made it."""
    return run.heights[page] + (run.changes[page] if page < len(run.changes) else 0.0)


def box_key(box: Any) -> tuple[Any, ...]:
    """What a box is of, alike for the pieces of one element broken across pages."""
    return (type(box).__name__, id(box.element), box.element_tag)


def element_boxes(root: Any) -> dict[int, list[Any]]:
    """Each element's boxes in the document's tree (from which every pagination copies its
    pages), by the element's id; pseudo-elements left out."""
    found: dict[int, list[Any]] = {}
    stack = [root]
    while stack:
        box = stack.pop()
        element = getattr(box, "element", None)
        if element is not None and "::" not in (getattr(box, "element_tag", "") or ""):
            found.setdefault(id(element), []).append(box)
        stack.extend(reversed(getattr(box, "children", ())))
    return found


def foot(depth: float, area: float, height: float, leading: float) -> float:
    """How deep a page looks whose text ends at `depth`, with a footnote area `area` tall at the
    foot of its page area `height` tall (0: none). A page with notes looks full: its notes' last
    line stands where a full page's last line does (`footnotes.py`); what it leaves empty above
    them is a fault of its own (`hole`)."""
    if not area:
        return depth
    return depth + (height - depth + EPSILON) // leading * leading


def hole(depth: float, area: float, height: float, leading: float) -> bool:
    """Whether a page with a footnote area leaves a line or more empty above its notes."""
    return bool(area) and height - area - depth >= leading - EPSILON


def between_blocks(before: Item, after: Item) -> bool:
    """Whether the space between two items lies between blocks (not between a paragraph's
    lines), where levelling may widen it."""
    return before.paragraph is None or before.paragraph != after.paragraph


def line_height(runs: list[Run]) -> float:
    """The body's leading: the most common height of a line box."""
    heights = Counter(round(item.bottom - item.top, 2) for run in runs for item in run.items
                      if item.paragraph is not None)
    return heights.most_common(1)[0][0] if heights else 0.0
