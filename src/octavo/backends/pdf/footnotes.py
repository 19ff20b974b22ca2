"""Footnotes on the text's grid: a page's last note stands on the baseline of a full page's last line.

WeasyPrint sets the footnote area at the foot of the page area, so the last note's last line
ends at the area's very bottom. The body's lines run from the area's top in steps of the
leading, and a full page's last line ends a fraction of a line above that bottom (the page area
is seldom whole lines). Facing a full page, a page with notes then ends lower: by 6 pt in the
classic theme, by a line in the modern. A compositor sets the notes' last baseline on the
facing page's (Chicago 14.26's "aligned at the foot"). This finds how far the notes stand too
low in a paginated document and gives every footnote area a bottom margin of that much, so that
the next pagination sets them there (`makeup.py` paginates again when it must).

WeasyPrint cannot divide a footnote between pages: a note longer than a page holds runs up
over the page's text and head, or is moved on from page to page and, past the last, lost.
`check_placed` finds such notes in a paginated document; the document is then laid out again
with those notes set in the text where they are called (`in_text_css`), and the build says
which (by their first words), so that the author can shorten or divide them.

WeasyPrint keeps the notes still to be placed in a list that it scans for every box of every
line: `NoteList`, which the make-up puts in its place, answers from an index instead, so a
chapter's notes cost time in proportion to their number, not to its square.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any, SupportsIndex

from octavo.backends.pdf.pageruns import DEPTH_TOLERANCE, EPSILON, Run, line_height, made_height


def lift(runs: list[Run]) -> float:
    """How far (CSS px) the notes of a paginated document (its runs) stand below the baseline
    of a full page's last line; 0 when they stand on it, or it has no notes or no body text."""
    leading = line_height(runs)
    descents = Counter(round(item.bottom - item.baseline, 3) for run in runs
                       for item in run.items if item.paragraph is not None
                       and round(item.bottom - item.top, 2) == leading)
    if leading <= 0 or not descents:
        return 0.0
    descent = descents.most_common(1)[0][0]
    # Each notes page's measure; the most common one (the smaller of equals), so that a note
    # ending in a subscript, or a page of another height, does not set every page's.
    found: Counter[float] = Counter()
    for run in runs:
        for page, baseline in enumerate(run.note_baselines):
            if baseline:
                full = (made_height(run, page) + EPSILON) // leading * leading - descent
                found[round(baseline - full, 2)] += 1
    if not found:
        return 0.0
    below = min(found, key=lambda value: (-found[value], value))
    return below if below > DEPTH_TOLERANCE else 0.0


def raise_area(style_for: Any, page_type: Any, by: float) -> None:
    """Give the footnote area of pages of `page_type` `by` CSS px more bottom margin (its
    style is computed anew for every page WeasyPrint makes)."""
    from weasyprint.css.properties import Dimension

    style = style_for.get_computed_styles().get((page_type, "@footnote"))
    if style is not None and by:
        margin = style["margin_bottom"]
        base = margin.value if getattr(margin, "unit", None) == "px" else 0.0
        style["margin_bottom"] = Dimension(base + by, "px")


class NoteList(list[Any]):
    """WeasyPrint's footnotes still to be placed (`LayoutContext.footnotes`), in their order,
    with `in` answered from a count of each note instead of a scan of the list.

    For every box of every line it lays out (the text's, and again the notes' at the foot each
    time a note joins them), WeasyPrint asks whether the box's footnote is in this list: a scan
    of every note not yet placed, so a chapter's notes cost the square of their number (3,000
    in one paragraph: a fifth of the PDF's time). Its boxes compare by identity, so a count by
    `id` gives the same answers; every method that adds or takes away keeps the count."""

    def __init__(self, notes: Iterable[Any] = ()) -> None:
        super().__init__(notes)
        self._counts: dict[int, int] = {}
        self._add(self)

    def __contains__(self, note: object) -> bool:
        return id(note) in self._counts

    def _add(self, notes: Iterable[Any]) -> None:
        for note in notes:
            self._counts[id(note)] = self._counts.get(id(note), 0) + 1

    def _take(self, notes: Iterable[Any]) -> None:
        for note in notes:
            left = self._counts.pop(id(note)) - 1
            if left:
                self._counts[id(note)] = left

    def append(self, note: Any) -> None:
        super().append(note)
        self._add((note,))

    def extend(self, notes: Iterable[Any]) -> None:
        notes = list(notes)
        super().extend(notes)
        self._add(notes)

    def __iadd__(self, notes: Iterable[Any]) -> NoteList:
        self.extend(notes)
        return self

    def __imul__(self, times: SupportsIndex) -> NoteList:
        super().__imul__(times)
        self._counts.clear()
        self._add(self)
        return self

    def insert(self, index: SupportsIndex, note: Any) -> None:
        super().insert(index, note)
        self._add((note,))

    def remove(self, note: Any) -> None:
        del self[self._place(note)]

    def _place(self, note: Any) -> int:
        """Where `note` is: a note in the list once is looked for from both ends at a time (a
        note reported to the next page is put back at the end and taken off again at once);
        else the first, as `list.index` finds it."""
        if self._counts.get(id(note)) == 1:
            for ahead, behind in zip(range(len(self)), range(len(self) - 1, -1, -1), strict=True):
                if self[ahead] is note:
                    return ahead
                if self[behind] is note:
                    return behind
        return self.index(note)

    def pop(self, index: SupportsIndex = -1) -> Any:
        note = super().pop(index)
        self._take((note,))
        return note

    def clear(self) -> None:
        super().clear()
        self._counts.clear()

    def __setitem__(self, index: Any, value: Any) -> None:
        old = self[index]
        value = list(value) if isinstance(index, slice) else value
        super().__setitem__(index, value)
        self._take(old if isinstance(index, slice) else (old,))
        self._add(value if isinstance(index, slice) else (value,))

    def __delitem__(self, index: Any) -> None:
        old = self[index]
        super().__delitem__(index)
        self._take(old if isinstance(index, slice) else (old,))

    def copy(self) -> NoteList:
        return NoteList(self)


OVERLONG_WORDS = 8  # a note named in a warning by this many of its first words


class Unplaceable(Exception):
    """Footnotes WeasyPrint cannot set at a page's foot: each one's id, and its first words."""

    def __init__(self, notes: dict[str, str]) -> None:
        super().__init__(", ".join(notes.values()))
        self.notes = notes


def check_placed(context: Any, pages: list[Any]) -> None:
    """Raise Unplaceable for the footnotes of a paginated document (its PageBoxes, before their
    margin boxes) that are taller than a page area, and so run up over a page's text or, moved
    on from page to page, are never set at all (WeasyPrint cannot divide a note)."""
    found: dict[str, str] = {}
    for page in pages:
        area = page.children[1] if len(page.children) > 1 else None
        if area is None or not area.children or area.position_y >= (
                page.content_box_y() - EPSILON):
            continue
        # The tallest note of the area, not a short one set beside it.
        _note(max(area.children, key=lambda child: child.margin_height()), found)
    for note in [*getattr(context, "reported_footnotes", ()), *getattr(context, "footnotes", ())]:
        _note(note, found)  # moved on past the document's last page: lost
    if found:
        raise Unplaceable(found)


def _note(box: Any, found: dict[str, str]) -> None:
    element = getattr(box, "element", None)
    ident = element.get("id") if element is not None else None
    if not ident or ident in found:
        return
    words = _text(box).split()
    found[ident] = " ".join(words[:OVERLONG_WORDS]) + (
        "…" if len(words) > OVERLONG_WORDS else "")


def _text(box: Any) -> str:
    """A box's text, its pseudo-elements (the note's number) left out."""
    if "::" in (getattr(box, "element_tag", "") or ""):
        return ""
    text = getattr(box, "text", None)
    if text is not None:
        return text
    return " ".join(_text(child) for child in getattr(box, "children", ()))


def in_text_css(ids: list[str]) -> str:
    """CSS that sets these footnotes in the text where they are called, as small indented
    blocks, instead of at a page's foot."""
    return "\n".join(f'[id="{_escaped(ident)}"] {{ float: none !important; display: block; '
                     "margin: 0.5em 0 0.5em 1.5em; font-size: 8.5pt; line-height: 11pt; "
                     "text-indent: 0; }" for ident in ids)


def _escaped(text: str) -> str:
    """Text for a CSS string in double quotes."""
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ")


def in_text_warning(first_words: str) -> str:
    """What the build says of a footnote longer than a page."""
    return (f'a footnote is longer than a page holds: "{first_words}"; the PDF sets it in the '
            "text where it is called (shorten it, or divide it into two notes)")
