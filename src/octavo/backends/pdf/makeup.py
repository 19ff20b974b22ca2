"""Page make-up: facing pages that end at one depth, and no chapter ending on a line or two.

WeasyPrint fills each page as far as it can and keeps a paragraph's first and last two lines
together (`orphans`, `widows`): a page a line short beside a full one is the result, and a
chapter whose last page holds two lines. A compositor mends both by setting a page one line
long or one line short, and (Bringhurst, 2.4.8) by letting a paragraph's first line stand alone
at a page's foot, an orphan, where a widow would not do. This module does that inside
WeasyPrint's layout:

1. WeasyPrint paginates the document as usual (`layout.make_all_pages`, hooked once per process).
   Where it has footnotes standing lower than a full page's last line, their areas are raised
   to it (`footnotes.py`) and the document paginated again. (Always: a document's pages must
   not depend on its other chapters, so that a book in chunks is the book in one piece.)
2. Each run of pages between forced breaks (a chapter, usually) is read as a list of items (line
   boxes, and block images) with their heights, the gaps between them and where a break is
   allowed (widows, orphans, `break-*: avoid`). A model of WeasyPrint's page filling is checked
   against what WeasyPrint did: a run it does not reproduce exactly is left as it is.
3. For the runs it does reproduce, a search over every spread's pages (each one line short, as
   set, or one line long; a paragraph's orphan allowed or not) finds the cheapest make-up:
   facing pages of unequal depth cost most, then a chapter's last page under four lines, then a
   right-hand page ending in a divided word, an orphan, each page run long or short, each page.
4. The document is paginated once more with those page areas a line shorter or longer
   (`layout.page.page_height`, hooked: the folios stay where they are) and those paragraphs'
   `orphans` at 1 (each paragraph given a style of its own: WeasyPrint shares one between the
   paragraphs styled alike) — only the pagination, not the boxes. A run still at fault (the
   model missed a line a right-hand page's hyphenation rule broke anew) is modelled from that
   pagination and made up once more (ROUNDS). Each run keeps the best of its paginations, and
   the document is paginated a last time if that is not the one it has.
5. A spread still a line uneven (the widows rule leaves no page change that evens it) has a
   paragraph tracked a hair looser or tighter to gain or lose that line (`respacing.py`).
6. Facing pages still a fraction of a line apart (spaces between blocks that are not whole
   lines) are levelled by `levelling.py`, which the search counts on (LEVEL_COST).

The choices depend on the document's own pages alone, so a book gives the same pages twice,
in one document or in chunks (every chunk opens a run of its own).
"""

from __future__ import annotations

import copy
import itertools
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

from octavo.backends.pdf import footnotes as notes
from octavo.backends.pdf import levelling, respacing
from octavo.backends.pdf.levelling import evens_out
from octavo.backends.pdf.pageruns import (
    DEPTH_TOLERANCE,
    EPSILON,
    Item,
    Run,
    between_blocks,
    box_key,
    element_boxes,
    foot,
    hole,
    line_height,
    made_height,
    page_ranges,
    read_runs,
)

SHORT_LAST = 4  # a chapter's last page holds at least this many lines
MISMATCH_COST = 100
LEVEL_COST = 2  # facing pages a fraction of a line apart, levelled (levelling.py)
SHORT_LAST_COST = 100
CHANGE_COST = 3  # a spread run long or short
PAGE_COST = 1  # a page more
FOOT_HYPHEN_COST = 20  # a right-hand page ending in a divided word
ORPHAN_COST = 10  # a paragraph's first line alone at a page's foot
NOTE_AWAY_COST = 100  # a footnote set on a later page than its call
HOLE_COST = 100  # a line or more left empty above a page's footnotes (not a run's last page)
BLANK_COST = 2  # a blank page after the run's last (the next chapter opens on the right)
MAX_SPREADS = 400  # a run longer than this is left as it is (the search is per spread)
AVOID = ("avoid", "avoid-page")
# A page's changes, in lines.
STEPS = (-1, 0, 1)
ROUNDS = 2  # paginations made up, after the first: the second mends what the model missed

# The make-up in force while WeasyPrint paginates: page index -> (run, page in run), and the
# change of each (run, page in run)'s page area, in CSS px.
_keys: dict[int, tuple[int, int]] = {}
_changes: dict[tuple[int, int], float] = {}
_names: dict[int, str] = {}


def hook_make_up() -> None:
    """Hook WeasyPrint's pagination (once per process): see the module's docstring."""
    import weasyprint.layout as layout
    import weasyprint.layout.page as page_module

    if getattr(layout.make_all_pages, "octavo_hook", False):
        return
    original_pages = layout.make_all_pages
    original_page = page_module.make_page
    original_height = page_module.page_height
    original_styles = page_module.set_page_type_computed_styles

    def make_all_pages(context: Any, root_box: Any, html: Any, pages: list[Any]) -> Iterator[Any]:
        """WeasyPrint's pagination, made up (the first time a document is paginated)."""
        context.footnotes = notes.NoteList(context.footnotes)  # looked up on every line
        if pages:  # a later round (page-based counters): the make-up stays as decided
            yield from original_pages(context, root_box, html, pages)
            return
        _keys.clear()
        _names.clear()
        _changes.clear()
        _lift[0] = 0.0
        footnotes = list(context.footnotes)

        def again() -> list[Any]:
            return _again(original_pages, context, root_box, html, footnotes)

        first = list(original_pages(context, root_box, html, pages))
        notes.check_placed(context, first)  # a note longer than a page: laid out anew
        runs = read_runs(first)
        _lift[0] = notes.lift(runs)
        if _lift[0]:  # footnotes set on the text's last baseline: paginated so
            first = again()
            runs = read_runs(first)
        made, _relaxed = _rounds(first, runs, root_box, again)
        # A spread whole lines could not even: a paragraph tracked to gain or lose a line.
        made = respacing.respace(made, root_box, again, uneven, lambda run: cost([run]))
        notes.check_placed(context, made)
        levelling.level(read_runs(made))  # what whole lines could not even out
        yield from made

    def make_page(context: Any, root_box: Any, page_type: Any, *args: Any) -> Any:
        """WeasyPrint's page, its area a line longer or shorter where the make-up says; the
        page itself (and so its folio) as it was."""
        index = page_type.index
        before = _keys.get(index - 1)
        # A forced break (or a change of named page) opens a run.
        forced = (context.page_maker[index][1]["break"] != "any"
                  or _names.get(index - 1) != page_type.name)
        # WeasyPrint sets `context.forced_break` on every page of a named page type (a
        # chapter's), and so keeps the top margin of a block that opens a page after an
        # unforced break (`margin-break: auto`): a spaced paragraph there would start half a
        # line down. Set it right.
        context.forced_break = forced
        if page_type.blank:
            key = (before[0] if before else 0, -1)
        elif before is None:
            key = (0, 0)
        elif forced or before[1] < 0:
            key = (before[0] + 1, 0)
        else:
            key = (before[0], before[1] + 1)
        _keys[index] = key
        _names[index] = page_type.name
        change = _changes.get(key, 0.0)
        _pending[0] = change
        try:
            result = original_page(context, root_box, page_type, *args)
        finally:
            _pending[0] = 0.0
        page = result[0]
        if change:
            page.height -= change
            page.margin_bottom += change
        page.octavo_key = key  # type: ignore[attr-defined]
        page.octavo_change = change  # type: ignore[attr-defined]
        return result

    def page_height(box: Any, context: Any, containing_block_height: Any) -> Any:
        """WeasyPrint's page height, changed by the make-up for the page being made."""
        result = original_height(box, context, containing_block_height)
        if _pending[0]:
            box.height += _pending[0]
            box.margin_bottom -= _pending[0]
        return result

    def set_styles(page_type: Any, html: Any, style_for: Any) -> None:
        """WeasyPrint's page styles, the footnote area raised to the text's grid."""
        original_styles(page_type, html, style_for)
        notes.raise_area(style_for, page_type, _lift[0])

    make_all_pages.octavo_hook = True  # type: ignore[attr-defined]
    layout.make_all_pages = make_all_pages
    page_module.make_page = make_page
    page_module.page_height = page_height
    page_module.set_page_type_computed_styles = set_styles


def _rounds(first: list[Any], runs: list[Run], root_box: Any,
            again: Callable[[], list[Any]]) -> tuple[list[Any], _Relaxed]:
    """A paginated document's make-up (`runs`, read from its pages `first`): each run made up
    (ROUNDS times at most) and set as its best pagination. The pages, and the paragraphs
    relaxed."""
    made = first
    relaxed = _Relaxed(root_box)  # the paragraphs let leave an orphan
    # Each run's best make-up so far: (cost, its page changes, its relaxed paragraphs).
    best = {run.key: (cost([run]), {}, frozenset()) for run in runs}
    todo = runs
    for _round in range(ROUNDS):
        plan, orphans = make_up(todo)
        if not plan and not orphans:
            break
        for run in todo:  # a run planned again starts from its new plan
            for key in [key for key in _changes if key[0] == run.key]:
                del _changes[key]
        _changes.update(plan)
        for run_key, boxes in orphans.items():
            for box in boxes:
                relaxed.relax(box, run_key)
        made = again()
        todo = []
        for run in read_runs(made):
            now = cost([run])
            if now <= best.get(run.key, (0.0,))[0]:  # a tie: as set now, no pagination more
                best[run.key] = (now, {key: value for key, value in _changes.items()
                                       if key[0] == run.key}, relaxed.of_run(run.key))
            if cost([run], levelled=0):
                todo.append(run)
    # Every run as its best pagination set it; paginated again unless that was the last.
    final: dict[tuple[int, int], float] = {}
    kept: set[tuple[Any, ...]] = set()
    for _cost, changes, idents in best.values():
        final.update(changes)
        kept |= idents
    if final != _changes or kept != relaxed.on:
        _changes.clear()
        _changes.update(final)
        relaxed.keep(kept)
        made = again()
    return made, relaxed


_pending = [0.0]  # the change of the page WeasyPrint is making now
_lift = [0.0]  # the document's footnote areas raised by this much (footnotes.py)


def _again(original: Any, context: Any, root_box: Any, html: Any,
           footnotes: list[Any]) -> list[Any]:
    """Paginate the document again from its first page, as a new round of WeasyPrint's does.

    The pages the first pagination marked to be made again (a contents page whose page numbers
    were looked up before their targets were laid out) stay marked, so WeasyPrint's next round
    makes them again with the page numbers of this pagination."""
    flags = ("content_changed", "pages_wanted")
    marked = [(index, flag) for index, item in enumerate(context.page_maker)
              for flag in flags if item[-1][flag]]
    context.footnotes = notes.NoteList(footnotes)
    context.running_elements.clear()
    pages = list(original(context, root_box, html, []))
    for index, flag in marked:
        if index < len(context.page_maker):
            context.page_maker[index][-1][flag] = True
    return pages


class _Relaxed:
    """The paragraphs let leave an orphan (`orphans: 1`), by their block's key (`box_key`).

    WeasyPrint shares one computed style between the paragraphs styled alike, and a box's
    copies on every page share its style: a relaxed paragraph's boxes in the document's tree
    (which the next pagination copies) get a copy of their style of their own, so that no
    other paragraph is relaxed with it. The block is the one holding the lines: for an element
    with text and blocks in it (a list item with a nested list), an anonymous box of its own."""

    def __init__(self, root: Any) -> None:
        self.root = root
        self.tree: dict[int, list[Any]] = {}
        # key -> (its boxes in the tree, each with its style as set, and the run)
        self.known: dict[tuple[Any, ...], tuple[list[tuple[Any, Any]], int]] = {}
        self.on: set[tuple[Any, ...]] = set()

    def relax(self, box: Any, run: int) -> None:
        """Let the paragraph of `box` (a page's copy of its block) leave an orphan."""
        if not self.tree:
            self.tree = element_boxes(self.root)
        key = box_key(box)
        if key not in self.known:
            found = [(own, own.style) for own in self.tree.get(id(box.element), ())
                     if box_key(own) == key]
            if not found:
                return
            self.known[key] = (found, run)
        self.keep({*self.on, key})

    def of_run(self, run: int) -> frozenset[tuple[Any, ...]]:
        """The run's paragraphs relaxed now."""
        return frozenset(key for key in self.on if self.known[key][1] == run)

    def keep(self, keys: set[tuple[Any, ...]]) -> None:
        """Relax these paragraphs, and set every other one back."""
        for key, (boxes, _run) in self.known.items():
            for box, style in boxes:
                if key in keys and box.style is style:
                    own = copy.copy(style)
                    own["orphans"] = 1
                    box.style = own
                elif key not in keys:
                    box.style = style
        self.on = {key for key in keys if key in self.known}


class Model:
    """WeasyPrint's page filling for one run's items, at any page area height."""

    def __init__(self, run: Run) -> None:
        self.run = run
        items = run.items
        self.count = len(items)
        # Each paragraph's first and last item, and its orphans and widows.
        self.first: dict[int, int] = {}
        self.last: dict[int, int] = {}
        paragraphs: dict[tuple[Any, ...], list[int]] = {}
        for index, item in enumerate(items):
            if item.paragraph is not None:
                paragraphs.setdefault(item.paragraph, []).append(index)
        for members in paragraphs.values():
            for index in members:
                self.first[index], self.last[index] = members[0], members[-1]
        # The flow: each item's top and bottom as if the run were one long page. Where the
        # pagination broke between two blocks, the space between them is what it is between
        # blocks of the same kinds elsewhere (WeasyPrint truncates it at the break).
        gaps = _gaps(items)
        self.top: list[float] = []
        self.bottom: list[float] = []
        for index, item in enumerate(items):
            if not index:
                top = 0.0
            elif items[index - 1].page == item.page:
                top = self.top[-1] + item.top - items[index - 1].top
            else:
                top = self.bottom[-1] + _gap(gaps, items[index - 1], item)
            self.top.append(top)
            self.bottom.append(top + item.bottom - item.top)
        # Where a page's first item stands: as WeasyPrint put it where it opened a page.
        self.offset = {run.starts[page]: items[run.starts[page]].top
                       for page in range(len(run.starts)) if run.starts[page] < len(items)}
        # The height each item's footnotes add to its page's footnote area.
        self.notes = [sum(run.notes.get(note, 0.0) for note in item.notes) for item in items]
        self.chrome = run.chrome
        self.measured = dict(zip(page_ranges(run), run.areas, strict=False))

    def fill(self, start: int, height: float, relaxed: frozenset[Any] = frozenset()) -> int:
        """The first item of the next page, for a page opening at `start` with this height
        (the paragraphs in `relaxed` may leave their first line alone at the page's foot)."""
        last = self._fit(start, height)[0]
        if last + 1 >= self.count:
            return self.count
        for end in range(last, start - 1, -1):
            if self.allowed(end, start, relaxed):
                return end + 1
        return last + 1  # nowhere allowed: WeasyPrint breaks where the page is full

    def _fit(self, start: int, height: float) -> tuple[int, int | None]:
        """The last item that fits on a page opening at `start`, and the first line whose
        footnote WeasyPrint moves to the next page (the line fits, its note does not)."""
        base = self.top[start] - self.offset.get(start, 0.0)
        notes, moved = self.notes[start], None
        # Once a page has laid out a note, its area's margins and rule stay, notes or none.
        touched = bool(notes)
        last = start
        while last + 1 < self.count:
            after = last + 1
            if self.bottom[after] - base > height - self._area(notes, touched) + EPSILON:
                break
            more = notes + self.notes[after]
            if self.notes[after] and (moved is not None or self.bottom[after] - base
                                      > height - self._area(more) + EPSILON):
                if self.bottom[after] - base > height - self._area(notes, True) + EPSILON:
                    # Its note moved on, the area's rule and margins stay, and the line's
                    # paragraph no longer fits: WeasyPrint moves the paragraph on, note too.
                    paragraph = self.first.get(after, after)
                    return (paragraph - 1, moved) if paragraph > start else (after, after)
                moved = after if moved is None else moved
            else:
                notes = more
            touched = touched or bool(self.notes[after])
            last = after
        return last, moved

    def _area(self, notes: float, touched: bool = False) -> float:
        """The footnote area's height for notes this tall (none: no area, unless the page
        has laid out a note and moved it on)."""
        return self.chrome + notes if notes or touched else 0.0

    def moves_note(self, start: int, end: int, height: float) -> bool:
        """Whether a page holding items start..end-1 at this height moves a footnote away from
        the line that calls it (to the next page, where WeasyPrint sets what does not fit)."""
        moved = self._fit(start, height)[1]
        return moved is not None and moved < end

    def orphan(self, start: int, height: float, relaxed: frozenset[Any]) -> tuple[int, Any] | None:
        """The page's end when the paragraph whose first line is the last that fits may leave
        that line alone at the foot (an orphan, which Bringhurst lets stand), and that
        paragraph; None when that changes nothing."""
        last = self._fit(start, height)[0]
        if last + 1 >= self.count or self.first.get(last) != last or self.last[last] == last:
            return None
        paragraph = self.run.items[last].paragraph
        if paragraph in relaxed:
            return None
        wider = relaxed | {paragraph}
        end = self.fill(start, height, wider)
        return (end, paragraph) if end != self.fill(start, height, relaxed) else None

    def allowed(self, end: int, start: int, relaxed: frozenset[Any] = frozenset()) -> bool:
        """May a page that opened at `start` end after item `end`?"""
        before, after = self.run.items[end], self.run.items[end + 1]
        shared = _shared(before, after)
        if any(box.style["break_inside"] in AVOID for box in before.chain[:shared]):
            return False
        if before.paragraph is not None and before.paragraph == after.paragraph:
            style = before.chain[-1].style
            here = end - max(start, self.first[end]) + 1
            orphans = 1 if before.paragraph in relaxed else style["orphans"]
            return here >= orphans and self.last[end] - end >= style["widows"]
        return not (any(box.style["break_after"] in AVOID for box in before.chain[shared:])
                    or any(box.style["break_before"] in AVOID for box in after.chain[shared:]))

    def paginate(self, heights: list[float] | None = None,
                 pages: int | None = None) -> list[int]:
        """Each page's first item, for pages of the run's height changed by `heights`."""
        starts, start = [], 0
        while start < self.count:
            starts.append(start)
            extra = heights[len(starts) - 1] if heights and len(starts) <= len(heights) else 0
            start = self.fill(start, self.height(len(starts) - 1) + extra)
            if pages is not None and len(starts) > pages:
                break
        return starts

    def height(self, page: int) -> float:
        """The page area's height of the run's page `page` (as set, before any make-up)."""
        heights = self.run.heights
        return heights[page] if page < len(heights) else heights[-1]

    def depth(self, start: int, end: int) -> float:
        """Where a page holding items start..end-1 ends, from its content area's top."""
        return self.bottom[end - 1] - self.top[start] + self.offset.get(start, 0.0)

    def area(self, start: int, end: int) -> float:
        """The height of the footnote area of a page holding items start..end-1 (0: none):
        as measured where the run has that page (a note carried over from the page before
        counts there), else as the notes called on it make it."""
        measured = self.measured.get((start, end))
        return measured if measured is not None else self._area(sum(self.notes[start:end]))

    def foot(self, start: int, end: int, height: float, leading: float) -> float:
        """How deep a page holding items start..end-1 at this height looks (`pageruns.foot`)."""
        return foot(self.depth(start, end), self.area(start, end), height, leading)

    def hole(self, start: int, end: int, height: float, leading: float) -> bool:
        """Whether a page holding items start..end-1 leaves a line empty above its notes."""
        return end > start and hole(self.depth(start, end), self.area(start, end), height,
                                    leading)

    def hyphenated(self, index: int) -> bool:
        """Whether item `index` is a line that ends in a divided word (its paragraph going on)."""
        item = self.run.items[index]
        return item.hyphenated and self.last.get(index, index) != index

    def lines(self, start: int, end: int) -> int:
        return sum(self.run.items[i].paragraph is not None for i in range(start, end))

    def spaces(self, start: int, end: int) -> float:
        """The space between the blocks of a page holding items start..end-1."""
        items = self.run.items
        return sum(self.top[i] - self.bottom[i - 1] for i in range(start + 1, end)
                   if between_blocks(items[i - 1], items[i]))

    def facing(self, verso: tuple[int, int], recto: tuple[int, int], heights: tuple[float, float],
               leading: float, levelled: float = LEVEL_COST) -> float:
        """What two facing pages' depths cost (`heights`: their areas' as made up): nothing
        when level, a little when levelling can even them out (a fraction of a line, spread
        between the shorter one's blocks; a page with footnotes is not levelled)."""
        pages = (verso, recto)
        depths = [self.foot(*page, height, leading) for page, height in zip(pages, heights,
                                                                            strict=True)]
        lack = abs(depths[0] - depths[1])
        if lack <= DEPTH_TOLERANCE:
            return 0.0
        short = pages[depths[0] > depths[1]]
        if not self.area(*short) and evens_out(lack, self.spaces(*short), leading):
            return levelled
        return MISMATCH_COST


def _shared(before: Item, after: Item) -> int:
    """How many of the boxes two items sit in they share, from the outermost."""
    shared = 0
    for outer, inner in zip(before.chain, after.chain, strict=False):
        if box_key(outer) != box_key(inner):
            break
        shared += 1
    return shared


def _transition(before: Item, after: Item) -> tuple[Any, ...]:
    """The kinds of the blocks that end after `before` and of those that begin before `after`."""
    shared = _shared(before, after)
    return (tuple(_kind(box) for box in before.chain[shared:]),
            tuple(_kind(box) for box in after.chain[shared:]))


def _kind(box: Any) -> tuple[Any, ...]:
    element = box.element
    return (box.element_tag, element.get("class") if element is not None else None)


def _gaps(items: list[Item]) -> dict[tuple[Any, ...], float]:
    """The space between two items on one page, by their transition (the most common: a line
    taller than the rest, with a superscript, narrows the space below it)."""
    seen: dict[tuple[Any, ...], Counter[float]] = {}
    for before, after in zip(items, items[1:], strict=False):
        if before.page == after.page:
            seen.setdefault(_transition(before, after), Counter())[
                round(after.top - before.bottom, 3)] += 1
    return {transition: counts.most_common(1)[0][0] for transition, counts in seen.items()}


def _gap(gaps: dict[tuple[Any, ...], float], before: Item, after: Item) -> float:
    """The space between two items the pagination put on different pages."""
    if before.paragraph is not None and before.paragraph == after.paragraph:
        return 0.0
    known = gaps.get(_transition(before, after))
    if known is not None:
        return known
    # Not seen on one page in this run: the margins that meet there, collapsed as CSS does.
    shared = _shared(before, after)
    margins = [_margin(box, "margin_bottom") for box in before.chain[shared:]] + [
        _margin(box, "margin_top") for box in after.chain[shared:]]
    return max([0.0, *margins]) + min([0.0, *margins])


def _margin(box: Any, side: str) -> float:
    """A box's computed margin on one side, in CSS px (0 for a percentage or auto)."""
    value = box.style[side]
    return float(value.value) if getattr(value, "unit", None) == "px" else 0.0


def make_up(runs: list[Run]) -> tuple[dict[tuple[int, int], float], dict[int, list[Any]]]:
    """The pages to run long or short: (run, page in run) -> change of its page area; and
    by run, the boxes of the paragraphs that may leave their first line at a page's foot."""
    leading = line_height(runs)
    plan: dict[tuple[int, int], float] = {}
    orphans: dict[int, list[Any]] = {}
    if leading <= 0:
        return plan, orphans
    for run in runs:
        if not run.regular or len(run.starts) < 3 or len(run.starts) > MAX_SPREADS or not cost(
                [run], levelled=0):
            continue
        model = Model(run)
        if model.paginate(run.changes) != run.starts:  # the model does not follow it: leave it
            continue
        changes, relaxed = _search(model, run, leading)
        for page, lines in enumerate(changes):
            if lines:
                plan[(run.key, page)] = lines * leading
        if relaxed:
            orphans[run.key] = [item.chain[-1] for index, item in enumerate(run.items)
                                if item.paragraph in relaxed and model.first[index] == index]
    return plan, orphans


def _side(run: Run, page: int) -> str:
    """The side of the run's page `page` (pages alternate from the run's first)."""
    first = run.sides[0]
    return first if page % 2 == 0 else ("left" if first == "right" else "right")


def _search(model: Model, run: Run, leading: float) -> tuple[list[float], frozenset[Any]]:
    """Each page's change in lines (-1, 0, 1) at least cost, and the paragraphs let leave an
    orphan. A spread's two pages may differ, so long as they end at one depth (a page set a
    line long may end short by the widows rule just where its facing page ends full)."""
    # States at a spread boundary: the next page's first item -> (cost, changes, orphans).
    State = tuple[float, list[float], frozenset[Any]]
    frontier: dict[int, State] = {0: (0.0, [], frozenset())}
    best: State | None = None
    limit = len(run.starts) + 8
    while frontier:
        following: dict[int, State] = {}
        for start, (spent, changes, relaxed) in frontier.items():
            page = len(changes)
            if page >= limit:
                continue
            pair = 2 if _side(run, page) == "left" else 1
            steps = STEPS
            for choice in itertools.product(steps, repeat=pair):
                for cost, ends, at, kept in _spread(model, run, page, start, choice, leading,
                                                    relaxed):
                    cost += spent
                    if len(ends) < len(choice) and choice[-1]:
                        continue  # a change to a page the run does not reach: as none
                    made = changes + list(choice[:len(ends)])
                    if at >= model.count:  # the run ends on this spread
                        last_start, last_end = ends[-1]
                        if len(made) > 1 and model.lines(last_start, last_end) < SHORT_LAST:
                            cost += SHORT_LAST_COST
                        # Ending on a right-hand page leaves a blank before a right-hand start.
                        cost += PAGE_COST * len(made) + BLANK_COST * (
                            _side(run, len(made) - 1) == "right")
                        if best is None or cost < best[0]:
                            best = (cost, made, kept)
                        continue
                    if len(ends) == 2 and page > 0:
                        heights = (model.height(page) + choice[0] * leading,
                                   model.height(page + 1) + choice[1] * leading)
                        cost += model.facing(ends[0], ends[1], heights, leading)
                    if at not in following or cost < following[at][0]:
                        following[at] = (cost, made, kept)
        frontier = following
    return (best[1], best[2]) if best is not None else ([], frozenset())


def _spread(model: Model, run: Run, page: int, start: int, choice: tuple[float, ...],
            leading: float, relaxed: frozenset[Any]
            ) -> list[tuple[float, list[tuple[int, int]], int, frozenset[Any]]]:
    """The ways to fill a spread's pages with these changes: (cost, each page's first and
    next item, the next page's first item, orphans allowed), with and without an orphan."""
    ways: list[tuple[float, list[tuple[int, int]], int, frozenset[Any]]] = [
        (0.0, [], start, relaxed)]
    for offset, lines in enumerate(choice):
        number, grown = page + offset, []
        height = model.height(number) + lines * leading
        for cost, ends, at, kept in ways:
            if at >= model.count:
                grown.append((cost, ends, at, kept))
                continue
            cost += CHANGE_COST * abs(lines)
            options = [(model.fill(at, height, kept), kept, 0.0)]
            orphan = model.orphan(at, height, kept)
            if orphan is not None:
                options.append((orphan[0], kept | {orphan[1]}, ORPHAN_COST))
            for end, allowed, extra in options:
                divided = FOOT_HYPHEN_COST * (_side(run, number) == "right"
                                              and model.hyphenated(end - 1))
                away = NOTE_AWAY_COST * model.moves_note(at, end, height)
                gap = HOLE_COST * (end < model.count and model.hole(at, end, height, leading))
                grown.append((cost + extra + divided + away + gap, [*ends, (at, end)], end,
                              allowed))
        ways = grown
    return ways


def uneven(run: Run) -> list[tuple[int, int]]:
    """A paginated run's facing pages that end at depths levelling cannot even out, each as
    (the shorter page, the longer) in the run."""
    model, leading = Model(run), line_height([run])
    found = []
    for verso, recto in _spreads(run):
        heights = (made_height(run, verso[0]), made_height(run, recto[0]))
        if model.facing(verso[1], recto[1], heights, leading) >= MISMATCH_COST:
            depths = [model.foot(*page[1], height, leading)
                      for page, height in zip((verso, recto), heights, strict=True)]
            found.append((verso[0], recto[0]) if depths[0] < depths[1] else
                         (recto[0], verso[0]))
    return found


def _spreads(run: Run) -> Iterator[tuple[tuple[int, tuple[int, int]], ...]]:
    """A paginated run's spreads but its first and last, both pages holding something: each
    page as (its number in the run, (its first item, the next page's))."""
    pages = page_ranges(run)
    for page in range(1, len(pages) - 2):
        verso, recto = pages[page], pages[page + 1]
        if _side(run, page) == "left" and verso[1] > verso[0] and recto[1] > recto[0]:
            yield (page, verso), (page + 1, recto)


def cost(runs: list[Run], levelled: float = LEVEL_COST) -> float:
    """The make-up's faults in paginated runs: unequal facing pages, short last pages, right-hand
    pages ending in a divided word, footnotes away from their calls or below a hole; and what a
    spread levelling evens out costs (`levelled`)."""
    total = 0.0
    leading = line_height(runs)
    for run in runs:
        model = Model(run)
        for verso, recto in _spreads(run):
            heights = (made_height(run, verso[0]), made_height(run, recto[0]))
            total += model.facing(verso[1], recto[1], heights, leading, levelled)
        pages = page_ranges(run)
        if len(pages) > 1 and model.lines(*pages[-1]) < SHORT_LAST:
            total += SHORT_LAST_COST
        total += FOOT_HYPHEN_COST * sum(_side(run, page) == "right" and end > begin
                                        and model.hyphenated(end - 1)
                                        for page, (begin, end) in enumerate(pages))
        total += NOTE_AWAY_COST * run.away
        total += HOLE_COST * sum(model.hole(begin, end, made_height(run, page), leading)
                                 for page, (begin, end) in enumerate(pages[:-1]))
    return total
