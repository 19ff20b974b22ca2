"""The body's page numbers guessed before its edited chapters are laid out, for the contents.

When a chapter grows, every later chapter's number in the contents changes, and the front
matter was laid out again only once the body was done (a second's wait on one CPU). The last
build kept each section's length and pages (`sections_kept`); from them and the lengths now,
`guess_pages` guesses the pages of the sections being laid out, and an idle worker lays the
front matter out on that guess meanwhile (parallel.py). A guess is only ever used when the
contents it numbered are exactly those the laid-out body gives: a wrong one costs the idle
worker's time, never a wrong number.
"""

from __future__ import annotations

import itertools
import math
import statistics
from dataclasses import dataclass
from typing import Any

from lxml import html

from octavo.backends.pdf.chunks import Chunk
from octavo.backends.pdf.worker import ChunkResult, body_offset


def contents_targets(front_html: str, attributes: list[str]) -> set[str]:
    """The ids whose page numbers the contents print (as `number_contents` finds them)."""
    root = html.document_fromstring(front_html)
    return {el.get(name).lstrip("#") for name in attributes for el in root.iter()
            if isinstance(el.tag, str) and el.get(name) is not None}


@dataclass(frozen=True)
class Kept:
    """What the last build kept of a section (by its id; as a JSON list in the record)."""

    letters: int  # its characters but spaces (Section.letters)
    span: int  # its pages, with the blank verso after it: even, but for the book's last
    anchors: dict[str, int]  # the pages in it of the anchors the contents number
    pages: int  # its pages with text
    last: int  # the characters on its last page with text
    per_page: int  # the characters on a full page of it (or of the book, if it has none)


def sections_kept(chunk: Chunk, facts: ChunkResult, targets: set[str],
                  per_page: int) -> dict[str, list[Any]]:
    """Each section of a chunk as laid out, as the record keeps it (`Kept` as a list);
    {} when a section's start is not among its anchors. `per_page`: the book's full page."""
    starts = [facts.anchors[name][0] for name in chunk.ids if name in facts.anchors]
    if len(starts) != len(chunk.ids) or len(chunk.ids) != len(chunk.sections):
        return {}
    ends = [*starts[1:], facts.pages + facts.pages % 2]
    kept: dict[str, list[Any]] = {}
    for name, section, start, end in zip(chunk.ids, chunk.sections, starts, ends, strict=True):
        anchors = {target: page - start for target, (page, _x, _y) in facts.anchors.items()
                   if target in targets and start <= page < end}
        before = _before(facts.starts[start:end], name)
        full = [b - a for a, b in itertools.pairwise(before[1:])]  # the opening page left out
        kept[name] = [section.letters, end - start, anchors, len(before),
                      section.letters - before[-1] if before else 0,
                      int(statistics.median(full)) if full else per_page]
    return kept


def full_page(laid: list[ChunkResult]) -> int:
    """The characters on a full page of text of these chunks (the median of their pages
    between others of the same section); 0 if none has such a page."""
    found = [c[2] - b[2] for facts in laid for a, b, c in zip(facts.starts, facts.starts[1:],
                                                       facts.starts[2:], strict=False)
             if a and b and c and a[1] == b[1] == c[1] and c[2] > b[2]]
    return int(statistics.median(found)) if found else 0


def _before(starts: list[Any], name: str) -> list[int]:
    """The characters of section `name` before each of its pages with text."""
    return [start[2] for start in starts if start and start[1] == name]


def read_kept(found: object) -> dict[str, Kept]:
    """The record's sections as `Kept`, leaving out any that do not read as such."""
    kept: dict[str, Kept] = {}
    if not isinstance(found, dict):
        return kept
    for name, value in found.items():
        try:
            letters, span, anchors, pages, last, per_page = value
            kept[str(name)] = Kept(int(letters), int(span),
                                   {str(a): int(p) for a, p in dict(anchors).items()},
                                   int(pages), int(last), int(per_page))
        except (TypeError, ValueError):
            continue
    return kept


def guess_pages(chunk: Chunk, kept: dict[str, Kept]) -> tuple[int, dict[str, int]] | None:
    """A chunk's pages and its anchors' pages in it, from the last build's pages of its
    sections: a section whose length changed gains (or loses) the pages the change needs,
    from its last page on; None when a section was not there."""
    pages, anchors = 0, {}
    for name, section in zip(chunk.ids, chunk.sections, strict=True):
        old = kept.get(name)
        if old is None:
            return None
        span = old.span
        if section.letters != old.letters:
            if old.per_page <= 0 or old.pages <= 0:
                return None
            last = old.last + section.letters - old.letters
            with_text = max(1, old.pages - 1 + math.ceil(last / old.per_page))
            span = with_text + with_text % 2
        anchors.update({target: pages + page for target, page in old.anchors.items()})
        pages += span
    return pages, anchors


def anchor_pages(facts: ChunkResult) -> dict[str, int]:
    """The page in its chunk of each of a laid-out chunk's anchors."""
    return {name: page for name, (page, _x, _y) in facts.anchors.items()}


def body_numbers(shapes: list[tuple[int, dict[str, int]]]) -> dict[str, tuple[int, bool]]:
    """The printed number of each anchor of the body, given each chunk's page count and its
    anchors' pages in it, in the book's order (each chunk opening on a right-hand page)."""
    numbers: dict[str, tuple[int, bool]] = {}
    offset = 0
    for pages, anchors in shapes:
        for name, page in anchors.items():
            numbers.setdefault(name, (offset + page + 1, False))
        offset = body_offset(offset, [pages])
    return numbers
