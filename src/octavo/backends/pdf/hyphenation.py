"""Hyphenation under control in WeasyPrint: no third hyphenated line in a row in a paragraph,
no hyphen at the foot of a right-hand page, and the better patterns for a language.

WeasyPrint breaks lines one at a time (`layout.inline.iter_line_boxes` asks
`text.line_break.split_first_line` for each line's text) and hyphenates any line whose next word
does not fit while space is left over (`hyphenate-limit-zone`), with no memory of the lines
before: CSS's `hyphenate-limit-lines` is not implemented. The hook follows the lines of each
paragraph as WeasyPrint makes them and, for a line that must not end hyphenated, has that one
line broken with `hyphens: none` (the word goes whole to the next line; the line is justified a
little looser). For a book in plain "en", Pyphen picks its en_GB patterns, which divide
"obstruc-ted", "star-ted", "expec-ted"; the hook hands WeasyPrint the en_US patterns (Liang's,
as TeX has them: "obstructed" is not divided at "-ted" at all) instead. The rules are decided
from the lines before and the page alone, so the same book gives the same pages, in one document or in chunks.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

MAX_RUN = 2  # hyphenated lines in a row, at most
# A run this long with no space in it is no word to divide (the longest words are about half
# as long). WeasyPrint sets a paragraph a line at a time, and a run with no line break in it
# (a,a,a,... pasted by mistake) made it work on all the rest of the run for every line, and
# for every "word" in the run while trying to hyphenate it: a 6,000-character run took two
# minutes to set, a 60,000-character one hours. Near such a run a line is broken from the text
# it can reach (LINE_REACH), not from all the rest, and with only the author's soft hyphens
# (the themes' overflow-wrap breaks the run itself anywhere).
LONG_RUN_SIZE = 100
LONG_RUN = re.compile(rf"\S{{{LONG_RUN_SIZE}}}")
LINE_REACH = 1_000  # more characters than a line of any page holds
# Pyphen's dictionary for a language (as pyphen.language_fallback names it) -> the one to use.
PATTERNS = {"en": "en_US"}

# Whether the line WeasyPrint is breaking now must not end hyphenated: set by the paragraph's
# iterator around each line it asks for (nested paragraphs, in inline blocks, save and restore it).
_refuse = [False]


def hook_hyphenation() -> None:
    """Hook WeasyPrint's line breaking (once per process): see the module's docstring."""
    import weasyprint.layout.block as block
    import weasyprint.layout.inline as inline
    import weasyprint.layout.preferred as preferred
    from weasyprint.text.line_break import strut

    if getattr(inline.iter_line_boxes, "octavo_hook", False):
        return
    original_lines, original_split = inline.iter_line_boxes, inline.split_first_line

    @undivided_long_runs
    def split_first_line(text: str, style: Any, *args: Any, **kwargs: Any) -> Any:
        """WeasyPrint's, with hyphenation off for a line that must not end hyphenated, and the
        language's better patterns."""
        if style["hyphens"] == "auto" and style["lang"]:
            use_patterns(args[0], style["lang"], style["hyphenate_limit_chars"])
        if _refuse[0] and style["hyphens"] != "none":
            whole = style.copy()
            whole["hyphens"] = "none"
            # A word is whole here or divided at a hyphen below: never broken anywhere (the
            # themes' overflow-wrap, for runs that have no break at all).
            whole["overflow_wrap"] = "normal"
            split = original_split(text, whole, *args, **kwargs)
            max_width = args[1] if len(args) > 1 else kwargs.get("max_width")
            if max_width is None or split[3] <= max_width:
                return split  # else a word longer than the line: divided after all
        return original_split(text, style, *args, **kwargs)

    def iter_line_boxes(context: Any, box: Any, position_y: float, bottom_space: float,
                        *args: Any) -> Iterator[Any]:
        """WeasyPrint's lines of one paragraph on one page, each line's hyphenation decided by
        the lines before it and by whether it is the last that fits on a right-hand page."""
        lines = original_lines(context, box, position_y, bottom_space, *args)
        run, height = 0, strut(box.style)[0]  # a line's height: the paragraph's leading
        while True:
            refused = run >= MAX_RUN or (
                height > 0 and last_on_right_page(context, position_y, height, bottom_space))
            saved, _refuse[0] = _refuse[0], refused
            try:
                item = next(lines, None)
            finally:
                _refuse[0] = saved
            if item is None:
                return
            line = item[0]
            run = run + 1 if ends_hyphenated(line) else 0
            position_y = line.position_y + line.height
            yield item

    split_first_line.octavo_hook = True  # type: ignore[attr-defined]
    iter_line_boxes.octavo_hook = True  # type: ignore[attr-defined]
    inline.split_first_line = split_first_line
    inline.iter_line_boxes = iter_line_boxes
    block.iter_line_boxes = iter_line_boxes
    # The narrowest a paragraph can be (for floats, table cells) is found line by line too.
    preferred.split_first_line = undivided_long_runs(preferred.split_first_line)


def undivided_long_runs(split: Callable[..., Any]) -> Callable[..., Any]:
    """`split` (WeasyPrint's split_first_line) with automatic hyphenation left out of a line
    that reaches a LONG_RUN: see LONG_RUN."""

    def split_first_line(text: str, style: Any, *args: Any, **kwargs: Any) -> Any:
        if not LONG_RUN.search(text, 0, LINE_REACH + LONG_RUN_SIZE):
            return split(text, style, *args, **kwargs)
        if style["hyphens"] == "auto":
            style = style.copy()
            style["hyphens"] = "manual"
        reach = text[: 2 * LINE_REACH]
        if reach != text:  # the first line ends well inside: set from the start alone
            found = split(reach, style, *args, **kwargs)
            resume = found[2]
            if resume is not None and resume < len(reach[:LINE_REACH].encode()):
                return found
        return split(text, style, *args, **kwargs)

    return split_first_line


def use_patterns(context: Any, lang: str, limits: tuple[int, int, int]) -> None:
    """Put the PATTERNS dictionary for `lang` where WeasyPrint's line breaking looks for its
    own (`context.dictionaries`, by language and limits), before it makes one."""
    import pyphen

    fallback = pyphen.language_fallback(lang)
    chosen = PATTERNS.get(fallback or "")
    if chosen is None:
        return
    total, left, right = limits
    key = (fallback, left, right, total)
    if not getattr(context.dictionaries.get(key), "octavo_patterns", False):
        dictionary = pyphen.Pyphen(lang=chosen, left=left, right=right)
        dictionary.octavo_patterns = True  # type: ignore[attr-defined]
        context.dictionaries[key] = dictionary


def last_on_right_page(context: Any, position_y: float, height: float,
                       bottom_space: float) -> bool:
    """True when a line of `height` set at `position_y` fits on the page, the next would not,
    and the page is a right-hand one (odd: every document, and every chunk, opens on one)."""
    page = getattr(context, "current_page", None)
    return (isinstance(page, int) and page % 2 == 1
            and not context.overflows_page(bottom_space, position_y + height)
            and context.overflows_page(bottom_space, position_y + 2 * height))


def ends_hyphenated(line: Any) -> bool:
    """True when a laid-out line box ends with a word hyphenation divided."""
    from weasyprint.formatting_structure.boxes import TextBox

    last = None
    for box in line.descendants():
        if isinstance(box, TextBox) and box.text.strip():
            last = box
    return last is not None and last.style["hyphens"] != "none" and last.text.endswith(
        last.style["hyphenate_character"])
