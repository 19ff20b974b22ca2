"""Facing pages levelled: the shorter page of a spread takes up what it lacks between its blocks.

The make-up (`makeup.py`) works in whole lines. A page whose blocks are spaced by other than
whole lines (spaced paragraphs, a block quotation, a scene break, a heading) can still end a
fraction of a line above its facing page. A compositor then adds the difference to the spaces
between the shorter page's blocks — vertical justification, never between the lines of a
paragraph. This does the same on WeasyPrint's made pages, before they are drawn: the blocks
after each space move down, and the blocks around them grow.

It levels a spread only within a run of pages (a chapter), never on the run's first or last
spread, and only where it takes little: at most a line in all, and no space more than tripled.
A page with footnotes is never the one levelled (its notes stand at the foot); facing one, a
page is levelled to the depth the notes page looks (`pageruns.foot`).
"""

from __future__ import annotations

from typing import Any

from octavo.backends.pdf.pageruns import (
    DEPTH_TOLERANCE,
    EPSILON,
    Item,
    Run,
    between_blocks,
    foot,
    line_height,
    made_height,
    page_ranges,
)

MAX_GROWTH = 2.0  # a space between blocks grows by at most twice itself


def evens_out(lack: float, spaces: float, leading: float) -> bool:
    """Whether levelling may take up `lack` on a page whose blocks have `spaces` between them:
    at most a line, and no space more than tripled. The make-up's search counts on it too."""
    return lack <= leading + EPSILON and lack <= MAX_GROWTH * spaces + EPSILON


def level(runs: list[Run]) -> int:
    """Level the facing pages of paginated runs, in place; the number of pages moved."""
    leading = line_height(runs)
    moved = 0
    for run in runs:
        pages = _pages(run)
        for verso in range(1, len(pages) - 2):
            if run.sides[verso] != "left" or run.sides[verso + 1] != "right":
                continue
            pair = [verso, verso + 1]
            if not all(pages[page] and run.plain[page] for page in pair):
                continue
            heights = [made_height(run, page) for page in pair]
            # Each page's last baseline; a page with footnotes as deep as it looks (the
            # notes' last line stands on a full page's last baseline: footnotes.py).
            depths = [pages[page][-1].baseline + foot(
                pages[page][-1].bottom, run.areas[page], height, leading)
                - pages[page][-1].bottom for page, height in zip(pair, heights, strict=True)]
            short = pair[depths[0] > depths[1]]
            lack = abs(depths[0] - depths[1])
            if lack <= DEPTH_TOLERANCE or run.areas[short]:
                continue
            spaces = _spaces(pages[short])
            # The shorter page may reach as far down as either page's area (a spread set a
            # line long ends level a line below the foot).
            bottom = max(heights)
            if (spaces and evens_out(lack, sum(spaces.values()), leading)
                    and pages[short][-1].bottom + lack <= bottom + EPSILON):
                _spread_out(pages[short], spaces, lack)
                moved += 1
    return moved


def _pages(run: Run) -> list[list[Item]]:
    """The run's items, page by page."""
    return [run.items[start:end] for start, end in page_ranges(run)]


def _spaces(items: list[Item]) -> dict[int, float]:
    """A page's spaces between blocks: the index of the item after each, and its size."""
    return {index: after.top - before.bottom
            for index, (before, after) in enumerate(zip(items, items[1:], strict=False), 1)
            if between_blocks(before, after) and after.top - before.bottom > EPSILON}


def _spread_out(items: list[Item], spaces: dict[int, float], lack: float) -> None:
    """Move a page's blocks down so that its last line ends `lack` lower, each of its `spaces`
    grown in proportion to its size."""
    total = sum(spaces.values())
    shifts, shift = [], 0.0
    for index in range(len(items)):
        shift += lack * spaces.get(index, 0.0) / total
        shifts.append(shift)
    # Each box an item sits in: moved as its first item on this page, grown to its last.
    extent: dict[int, tuple[Any, float, float]] = {}
    for item, moved in zip(items, shifts, strict=True):
        item.box.translate(dy=moved)
        for box in item.chain:
            if box is item.box:
                continue
            first = extent.get(id(box), (box, moved, moved))[1]
            extent[id(box)] = (box, first, moved)
    for box, first, last in extent.values():
        box.position_y += first
        box.height += last - first
        for child in box.children:  # a float or a list's marker, with its block
            if child.is_floated() or child.is_absolutely_positioned():
                child.translate(dy=first)
