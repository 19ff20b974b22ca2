"""Balanced headings in print: no title or heading ends on a line holding one word alone."""

from __future__ import annotations

import re

NBSP = "\u00a0"
MAX_BOUND = 24  # letters: two last words longer than this may break (a narrow page)
_LAST_TWO = re.compile(r"(\S+) +(\S+)\s*$")
# A title that names its own number: "Chapter I: The Storm", "CHAPTER 12", "IV. The Garden".
_NUMBERED = re.compile(r"\s*(?:(?i:(?:chapter|book|part|letter|canto)\s+[0-9ivxlcdm]+\b)"
                       r"|[0-9]+[.:]\s|[IVXLCDM]+[.:]\s(?![A-Z]\.))")  # not initials: "C. S. Lewis"
_HEADING = re.compile(r"(<h[1-6]\b[^>]*>)(.*?)(</h[1-6]>)", re.S)


def keep_together(title: str) -> str:
    """`title` with its last two words joined by a no-break space, so neither stands alone.

    A one- or two-word title, or two last words too long to share a line, stay as they are.
    """
    text = str(title)
    match = _LAST_TWO.search(text)
    if match is None or len(text.split()) < 3 or len(match.group(1) + match.group(2)) > MAX_BOUND:
        return text
    return text[:match.start()] + f"{match.group(1)}{NBSP}{match.group(2)}"


def names_its_number(title: str) -> bool:
    """Whether a title already says its number ("Chapter I: The Storm", "IV. The Garden"), so
    that a theme's "Chapter 4" label above it would say it twice."""
    return _NUMBERED.match(str(title)) is not None


def bind_headings(fragment: str) -> str:
    """Each heading in an XHTML fragment keeps its last two words on one line (the PDF's)."""
    if "<h" not in fragment:
        return fragment
    return _HEADING.sub(lambda m: m.group(1) + _bind_text(m.group(2)) + m.group(3), fragment)


def _bind_text(inner: str) -> str:
    """A heading's content with its last space a no-break space; markup inside: as it is."""
    return inner if "<" in inner or "&" in inner else keep_together(inner)
