"""A paragraph tracked a hair looser or tighter, to gain or lose the line that evens a spread.

The make-up (`makeup.py`) changes pages by whole lines. Where no such change evens a spread —
a page a line short beside a full one because the paragraph after it is too short to divide
(the widows rule), and every other make-up worse — a compositor tracks one paragraph of the
short page a little looser, so that it runs a line longer, or one of the long page a little
tighter, so that it runs a line shorter. This does the same, after the make-up's last
pagination: on a paragraph of at least MIN_LINES lines that lies wholly on the page, whose last
line comes near enough to the measure (or is short enough), by at most MAX_TRACKING of an em
between letters. The document is paginated again, and a run keeps its change only where its
faults grew fewer; the others are set back.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from octavo.backends.pdf.pageruns import (
    DEPTH_TOLERANCE,
    Item,
    Run,
    box_key,
    element_boxes,
    page_ranges,
    read_runs,
)

MAX_TRACKING = 0.012  # em: about a hundredth of an em between letters, as compositors allow
MIN_TRACKING = 0.004  # em: less changes no line break worth the trying
MIN_LINES = 3  # a paragraph spreads the tracking over at least this many lines
MARGIN = 1.15  # the tracking asked of a paragraph, over what its last line alone would need
SPACE = 0.3  # em: a word space, which a paragraph losing its last line must take in too


@dataclass(frozen=True)
class Tracking:
    """A paragraph's letter spacing changed by `amount` (CSS px)."""

    block: Any  # a page's copy of the block that holds the paragraph's lines
    amount: float


def respace(pages: list[Any], root: Any, again: Callable[[], list[Any]],
            uneven: Callable[[Run], list[tuple[int, int]]],
            faults: Callable[[Run], float]) -> list[Any]:
    """The pages, paginated `again` from the document's box tree `root` with paragraphs
    tracked where that evens the runs' spreads (`uneven`: a run's facing pages that end at
    different depths, as (shorter, longer) pages in the run; `faults`: what a run's make-up
    costs)."""
    tree: dict[int, list[Any]] = {}  # an element's boxes in the tree, by the element's id
    tracked: set[tuple[Any, ...]] = set()  # the paragraphs tracked and kept: never tracked twice
    # Looser by what the paragraph's last line lacks, then by the most allowed; then tighter.
    for looser, most in ((True, False), (True, True), (False, True)):
        runs = read_runs(pages)
        before = {run.key: faults(run) for run in runs}
        planned = {run.key: plan for run in runs
                   if (plan := _plan(run, uneven(run), looser, most, tracked))}
        if not planned:
            continue
        if not tree:
            tree.update(element_boxes(root))
        undo = {key: _apply(plan, tree) for key, plan in planned.items()}
        pages = again()
        worse = [key for key, run in ((run.key, run) for run in read_runs(pages))
                 if key in undo and faults(run) >= before[key]]
        for key in worse:
            undo[key]()
        tracked |= {box_key(tracking.block) for key, plan in planned.items() if key not in worse
                    for tracking in plan}
        if worse:
            pages = again()
    return pages


def _plan(run: Run, spreads: list[tuple[int, int]], looser: bool, most: bool,
          tracked: set[tuple[Any, ...]]) -> list[Tracking]:
    """For each uneven spread of a run a line apart, the paragraph to track: on its shorter
    page looser, or on its longer page tighter; by what it needs, or by the most allowed."""
    plan = []
    for short, long in spreads:
        page = short if looser else long
        lines = _page_lines(run, page)
        depths = [_page_lines(run, p)[-1].baseline for p in (short, long) if _page_lines(run, p)]
        if len(depths) < 2 or not lines:
            continue
        leading = lines[-1].bottom - lines[-1].top
        if abs(abs(depths[1] - depths[0]) - leading) > DEPTH_TOLERANCE + 0.25 * leading:
            continue  # not a line apart
        choice = _best(run, page, looser, most, tracked)
        if choice is not None:
            plan.append(choice)
    return plan


def _page_lines(run: Run, page: int) -> list[Item]:
    start, end = page_ranges(run)[page]
    return run.items[start:end]


def _best(run: Run, page: int, looser: bool, most: bool,
          tracked: set[tuple[Any, ...]]) -> Tracking | None:
    """The paragraph of the page likeliest to gain (or lose) a line for the least tracking:
    the one whose last line needs the least of it, or (`most`) the one the most tracking
    moves furthest past its need."""
    whole: dict[Any, list[Item]] = {}
    for item in run.items:
        if item.paragraph is not None:
            whole.setdefault(item.paragraph, []).append(item)
    best: tuple[float, Tracking] | None = None
    for key, lines in whole.items():
        if (len(lines) < MIN_LINES or key in tracked
                or any(line.page != page for line in lines)):
            continue
        block = lines[-1].chain[-1]
        size = block.style["font_size"]
        measure = lines[-1].box.width
        last = _content_width(lines[-1].box)
        texts = [box for line in lines for box in _descendants(line.box) if hasattr(box, "text")]
        characters = sum(len(box.text) for box in texts)
        if not characters or measure <= 0:
            continue
        # Looser: the paragraph grows until its last line overflows the measure. Tighter: the
        # lines before take in the last line's words and a space.
        need = (measure - last) if looser else (last + SPACE * size)
        if most:
            amount = MAX_TRACKING * size
            score = need - amount * characters  # the further past the need, the better
            if score > 0:
                continue
        else:
            amount = max(MARGIN * need / characters, MIN_TRACKING * size)
            score = amount
            if amount > MAX_TRACKING * size:
                continue
        tracking = Tracking(block, amount if looser else -amount)
        if best is None or score < best[0]:
            best = (score, tracking)
    return best[1] if best else None


def _descendants(box: Any) -> list[Any]:
    """A box and what lies in it, but for blocks nested in it (a list in a list item), which
    are paragraphs of their own."""
    from weasyprint.formatting_structure.boxes import BlockLevelBox

    found = [box]
    for child in getattr(box, "children", ()):
        if not isinstance(child, BlockLevelBox):
            found.extend(_descendants(child))
    return found


def _content_width(line: Any) -> float:
    """How far a line's content reaches from the line's start, in CSS px."""
    ends = [child.position_x + child.margin_width() for child in line.children]
    return max(ends, default=line.position_x) - line.position_x


def _apply(plan: list[Tracking], tree: dict[int, list[Any]]) -> Callable[[], None]:
    """Track the plan's paragraphs; the function that sets them back.

    WeasyPrint shares one computed style between the paragraphs that are styled alike, and
    between a paragraph and its text: each box of a tracked paragraph (in the tree the next
    pagination lays out) is given a copy of its style of its own."""
    kept: list[tuple[Any, Any]] = []
    for tracking in plan:
        copies: dict[int, Any] = {}
        key = box_key(tracking.block)
        for top in [own for own in tree.get(id(tracking.block.element), ())
                    if box_key(own) == key]:
            for box in _descendants(top):
                style = box.style
                if id(style) not in copies:
                    own = copy.copy(style)
                    current = style["letter_spacing"]
                    own["letter_spacing"] = (0.0 if current == "normal" else current) \
                        + tracking.amount
                    copies[id(style)] = own
                kept.append((box, style))
                box.style = copies[id(style)]

    def undo() -> None:
        for box, style in kept:
            box.style = style

    return undo
