"""Measures a built print PDF's typesetting: hyphenated lines, the measure, page make-up."""

from __future__ import annotations

import ctypes
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

HYPHENS = "\u2010-"  # WeasyPrint's hyphenate-character (U+2010), and a hyphen in the word itself
SIZE_TOLERANCE = 0.3  # points: characters this close to the body size are body type
DEPTH_TOLERANCE = 2.0  # points: facing pages whose last baselines differ by more do not match
RUN_LONG = 22.0  # points under the live area's foot: a line run long (a folio is not one)
FOLIO = re.compile(r"[0-9]+|[ivxlcdm]+", re.I)
SHORT_PAGE = 4  # a chapter's last page with fewer lines than this is a short last page
FULL_LINE = 0.125  # a line ending in the last eighth of the measure is a full line
LOOSE = 0.5  # ems: a justified line whose word spaces are wider than this on average is loose
_WORD_END = re.compile(r"(\w+)[\u2010-]$")
_WORD_START = re.compile(r"^(\w+)")
_LEADER = re.compile(r"(?:\. ){3,}")  # a contents entry's dotted leader: not a line of text


@dataclass(frozen=True)
class Line:
    """One line of text in the live area: its characters, type size, baseline and extent."""

    text: str
    size: float  # the size of most of its characters, in points
    baseline: float  # points from the page's foot
    left: float
    right: float
    space: float = 0.0  # the mean gap between its words, in ems of its type


@dataclass(frozen=True)
class Page:
    """One page: its number (1-based, odd numbers are right-hand pages) and its lines."""

    number: int
    lines: tuple[Line, ...]
    blank: bool  # nothing at all is drawn on it

    @property
    def recto(self) -> bool:
        return self.number % 2 == 1


@dataclass
class Typesetting:
    """The figures a book designer looks at, for one PDF."""

    pages: int = 0
    body_size: float = 0.0
    body_lines: int = 0
    hyphenated: int = 0  # body lines ending in a hyphen hyphenation added
    longest_run: int = 0  # the most consecutive hyphenated lines on one page
    runs_of_three: int = 0  # runs of three or more
    foot_hyphens: int = 0  # right-hand pages whose last line ends hyphenated
    mean_chars: float = 0.0  # characters (spaces included) per full line of body type (FULL_LINE)
    max_chars: int = 0
    loose_lines: int = 0  # full lines of body type whose word spaces average more than LOOSE
    short_last_pages: list[int] = field(default_factory=list)  # page numbers
    blank_pages: int = 0
    depth_mismatches: list[int] = field(default_factory=list)  # the verso's page number
    openings: int = 0  # chapter openings (pages that open with the book's chapter heading)
    openings_off_grid: list[int] = field(default_factory=list)  # text off the pages' line grid
    opening_starts: int = 0  # the lines, counted down the grid, that openings' text starts on

    @property
    def hyphenated_share(self) -> float:
        """The share of body lines that end hyphenated (0..1)."""
        return self.hyphenated / self.body_lines if self.body_lines else 0.0


def read_lines(path: Path, top: float, bottom: float) -> list[Page]:
    """Every page's lines of text inside the live area; `top` and `bottom` are the margins in
    inches (the running heads and folios outside them are left out). A line run long into the
    foot margin (the make-up's) is read too; a folio there is not."""
    import pypdfium2
    import pypdfium2.raw as pdfium_c

    pages = []
    document = pypdfium2.PdfDocument(str(path))
    try:
        for index in range(len(document)):
            page = document[index]
            _left, low, _right, high = page.get_trimbox()
            textpage = page.get_textpage()
            try:
                floor = low + max(0.0, bottom * 72 - RUN_LONG)
                chars = list(_characters(textpage, pdfium_c, floor, high - top * 72))
                blank = not chars and not any(True for _ in page.get_objects())
            finally:
                textpage.close()
                page.close()
            lines = [line for line in _group(chars) if not (
                line.baseline < low + bottom * 72 and FOLIO.fullmatch(line.text))]
            pages.append(Page(index + 1, tuple(lines), blank))
    finally:
        document.close()
    return pages


def _characters(textpage: object, pdfium_c: object, floor: float,
                ceiling: float) -> list[tuple[float, float, float, float, str]]:
    """(baseline, left, right, size, character) for each character between floor and ceiling."""
    raw = textpage.raw  # type: ignore[attr-defined]
    x, y = ctypes.c_double(), ctypes.c_double()
    left, right, low, high = (ctypes.c_double() for _ in range(4))
    found = []
    for index in range(pdfium_c.FPDFText_CountChars(raw)):  # type: ignore[attr-defined]
        char = chr(pdfium_c.FPDFText_GetUnicode(raw, index))  # type: ignore[attr-defined]
        if char in "\r\n\x02\ufffe" or not char:
            continue
        pdfium_c.FPDFText_GetCharOrigin(raw, index, x, y)  # type: ignore[attr-defined]
        if not floor < y.value < ceiling:
            continue
        pdfium_c.FPDFText_GetCharBox(raw, index, left, right, low, high)  # type: ignore[attr-defined]
        size = pdfium_c.FPDFText_GetFontSize(raw, index)  # type: ignore[attr-defined]
        found.append((y.value, left.value if not char.isspace() else x.value,
                      right.value if not char.isspace() else x.value, round(size, 1), char))
    return found


def _group(chars: list[tuple[float, float, float, float, str]]) -> list[Line]:
    """Characters into lines by their baseline, top to bottom, each line left to right."""
    rows: list[list[tuple[float, float, float, float, str]]] = []
    for char in sorted(chars, key=lambda c: -c[0]):
        if rows and abs(rows[-1][0][0] - char[0]) <= max(1.0, 0.3 * char[3]):
            rows[-1].append(char)
        else:
            rows.append([char])
    lines = []
    for row in rows:
        row.sort(key=lambda c: c[1])
        text = re.sub(r"\s+", " ", "".join(c[4] for c in row)).strip()
        if not text:
            continue
        sizes = Counter(c[3] for c in row if not c[4].isspace())
        inked = [c for c in row if not c[4].isspace()]
        size = sizes.most_common(1)[0][0]
        gaps = [after[1] - before[2] for before, space, after in zip(row, row[1:], row[2:], strict=False)
                if space[4].isspace() and not before[4].isspace() and not after[4].isspace()]
        lines.append(Line(text, size, max(c[0] for c in row), min(c[1] for c in inked),
                          max(c[2] for c in inked),
                          sum(gaps) / len(gaps) / size if gaps and size else 0.0))
    return lines


def measure(pages: list[Page], words: set[str] | None = None) -> Typesetting:
    """The figures of a book's pages; `words` (the manuscript's, folded) tells a hyphen in a
    word from one that hyphenation added."""
    result = Typesetting(pages=len(pages), blank_pages=sum(p.blank for p in pages))
    sizes: Counter[float] = Counter()
    for page in pages:
        for line in page.lines:
            sizes[line.size] += len(line.text)
    if not sizes:
        return result
    body = result.body_size = sizes.most_common(1)[0][0]
    chars: list[int] = []
    for page in pages:
        lines = [line for line in page.lines if abs(line.size - body) <= SIZE_TOLERANCE]
        result.body_lines += len(lines)
        run = 0
        edge = max((line.right for line in lines), default=0.0)
        # A full line reaches the last eighth of the measure: every line of justified text but
        # a paragraph's short last one, and the long lines of ragged-right text.
        full = edge - FULL_LINE * (edge - min((line.left for line in lines), default=edge))
        for position, line in enumerate(lines):
            following = lines[position + 1].text if position + 1 < len(lines) else ""
            if hyphen_added(line.text, following, words):
                result.hyphenated += 1
                run += 1
                result.longest_run = max(result.longest_run, run)
                result.runs_of_three += run == 3
            else:
                run = 0
            if line.right >= full and not _LEADER.search(line.text):
                chars.append(len(line.text))
                result.loose_lines += line.space > LOOSE
        if page.recto and lines and lines[-1] is page.lines[-1] and hyphen_added(
                lines[-1].text, "", words):
            result.foot_hyphens += 1
    if chars:
        result.mean_chars = sum(chars) / len(chars)
        result.max_chars = max(chars)
    _make_up(pages, body, result)
    _openings(pages, body, result)
    return result


def _openings(pages: list[Page], body: float, result: Typesetting) -> None:
    """Chapter openings: the first line of text under the heading on the line grid of the text
    pages (so it backs up with the other side of the leaf), and on which line it starts."""
    text = [page for page in pages if _body_lines(page, body) >= SHORT_PAGE
            and not _opens(page, body) and len(page.lines) > 2]
    if not text:
        return
    top = Counter(round(page.lines[0].baseline, 1) for page in text).most_common(1)[0][0]
    leading = Counter(round(page.lines[0].baseline - page.lines[1].baseline, 1)
                      for page in text).most_common(1)[0][0]
    heads: dict[int, tuple[float, float]] = {}  # page number -> (heading size, first text line)
    for page in pages:
        if not _opens(page, body):
            continue
        last = max(i for i, line in enumerate(page.lines) if line.size > body * 1.15)
        first = next((line for line in page.lines[last + 1:]
                      if abs(line.size - body) <= SIZE_TOLERANCE), None)
        if first is not None:
            heads[page.number] = (page.lines[last].size, first.baseline)
    if not heads or leading <= 0:
        return
    chapter = Counter(size for size, _line in heads.values()).most_common(1)[0][0]
    starts = set()
    for number, (size, baseline) in heads.items():
        if size != chapter:
            continue  # a part page, the contents: pages of their own kind
        result.openings += 1
        down = (top - baseline) / leading
        starts.add(round(down))
        if abs(down - round(down)) * leading > DEPTH_TOLERANCE:
            result.openings_off_grid.append(number)
    result.opening_starts = len(starts)


def hyphen_added(text: str, following: str, words: set[str] | None) -> bool:
    """True when a line ending `text` (the next line opening `following`) ends in a hyphen that
    hyphenation added. WeasyPrint adds U+2010 and keeps a word's own "-"; with the manuscript's
    `words`, a U+2010 the manuscript itself has between the two halves is the word's own, and a
    "-" where only the word joined without it is the manuscript's was added (another tool)."""
    match = _WORD_END.search(text)
    if match is None:
        return False
    added = text.endswith("\u2010")
    after = _WORD_START.match(following)
    if words is None or after is None:
        return added
    head, tail = match.group(1).casefold(), after.group(1).casefold()
    joined, own = head + tail, f"{head}{text[-1]}{tail}"
    if added:
        return not (own in words and joined not in words)
    return joined in words and own not in words


def _make_up(pages: list[Page], body: float, result: Typesetting) -> None:
    """Short last pages of chapters and facing pages of unequal depth."""
    opening = [_opens(page, body) for page in pages]
    # The page after p, blanks skipped: a chapter's last page is one before an opening.
    ends = [False] * len(pages)
    for index, page in enumerate(pages):
        if page.blank or not page.lines:
            continue
        following = next((i for i in range(index + 1, len(pages)) if not pages[i].blank), None)
        ends[index] = following is None or opening[following] or following != index + 1
        # A chapter's last page: the next page opens a chapter, and the page before is full of
        # body type (so the chapter runs over onto this page; front matter does not count).
        before = pages[index - 1] if index else None
        if (following is not None and opening[following] and not opening[index]
                and before is not None and _body_lines(before, body) >= SHORT_PAGE
                and len(page.lines) < SHORT_PAGE):
            result.short_last_pages.append(page.number)
    for verso in range(1, len(pages) - 1, 2):  # 0-based index 1 is page 2, a left-hand page
        pair = (verso, verso + 1)
        if any(pages[i].blank or _body_lines(pages[i], body) < SHORT_PAGE or opening[i]
               or ends[i] for i in pair):
            continue  # front matter (a copyright page, a frontispiece) is not text pages
        depths = [pages[i].lines[-1].baseline for i in pair]
        if abs(depths[0] - depths[1]) > DEPTH_TOLERANCE:
            result.depth_mismatches.append(pages[verso].number)


def _body_lines(page: Page, body: float) -> int:
    """How many of the page's lines are set in body type."""
    return sum(abs(line.size - body) <= SIZE_TOLERANCE for line in page.lines)


def _opens(page: Page, body: float) -> bool:
    """True for a page that opens with a heading: one of its first three lines set larger than
    the body (a chapter's small label may come before its title)."""
    return any(line.size > body * 1.15 for line in page.lines[:3])


def manuscript_words(text: str) -> set[str]:
    """The words of a manuscript, folded, hyphenated compounds kept whole."""
    return {word.casefold() for word in re.findall(r"\w+(?:[-\u2010]\w+)*", text)}
