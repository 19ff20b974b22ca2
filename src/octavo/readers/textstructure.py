"""Finds the structure of a plain-text book: Gutenberg boilerplate, contents, parts, chapters."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from octavo.text import without_byte_order_marks

if TYPE_CHECKING:
    import regex

PATTERN_SECONDS = 2.0  # the time a chapter_pattern may take over one whole file
_GUTENBERG_START = re.compile(r"^\*{3}\s*START OF (THE|THIS) PROJECT GUTENBERG", re.I)
_GUTENBERG_END = re.compile(r"^(\*{3}\s*)?END OF (THE |THIS )?PROJECT GUTENBERG", re.I)
_PRODUCED_BY = re.compile(r"^(Produced by|This e-?text was produced|E-text prepared by)", re.I)

ROMAN = r"[IVXLC]+"
_VALID_ROMAN = re.compile(r"M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})")
# A heading's number, a word of its own: arabic, Roman (any case), or in words ("Twenty-One",
# "the First", "THE LAST").
_UNITS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
_ORDINAL_UNITS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth"]
_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_NUMBER_WORDS = [
    *_UNITS, *_ORDINAL_UNITS, *_TENS, "ten", "eleven", "twelve", "tenth", "eleventh", "twelfth",
    *(f"{stem}teen{th}" for stem in ("thir", "four", "fif", "six", "seven", "eigh", "nine")
      for th in ("", "th")),
    *(f"{tens[:-1]}ieth" for tens in _TENS), "hundred", "hundredth", "last", "final",
]
_NUMBER_WORD = (rf"(?:(?:{'|'.join(_TENS)})[- ](?:{'|'.join(_UNITS + _ORDINAL_UNITS)})"
                rf"|{'|'.join(sorted(_NUMBER_WORDS, key=len, reverse=True))})")
_NUMBER = rf"(?i:{ROMAN}|\d+|(?:the\s+)?{_NUMBER_WORD})(?![\w'\u2019-])"
# After the number: nothing, punctuation and a title ("CHAPTER IV: A MARKET BY THE WAY"), or
# a title after a space, which `_numbered` tells from a sentence ("Part one of the plan was").
_AFTER_NUMBER = r"(?P<stop>\s*[.:]?\s*(?:[.:\-\u2014]\s*)?)(?P<rest>.*)$"
_CHAPTER = re.compile(rf"^(?:CHAPTER|Chapter)\s+(?P<number>{_NUMBER}){_AFTER_NUMBER}")
_PART = re.compile(rf"^(?:BOOK|Book|PART|Part|VOLUME|Volume|EPOCH|Epoch)\s+(?P<number>{_NUMBER})"
                   rf"{_AFTER_NUMBER}")
_ROMAN_TITLE = re.compile(rf"^({ROMAN})\.\s+([A-Z][^a-z]*)$")  # I. UNDER THE PINES
_ROMAN_ALONE = re.compile(rf"^({ROMAN})\.?$")  # I (then a title line)
_MATTER = {
    "PREFACE": "preface", "FOREWORD": "foreword", "INTRODUCTION": "foreword",
    "PROLOGUE": "prologue", "EPILOGUE": "epilogue", "AFTERWORD": "afterword",
    "DEDICATION": "dedication", "ACKNOWLEDGMENTS": "acknowledgements",
    "ACKNOWLEDGEMENTS": "acknowledgements",
}
_SCENE_BREAK = re.compile(r"^[\s*#~\-=·•]+$")
_TOC_LINE = re.compile(rf"(\s|\.)({ROMAN.lower()}|\d+)\s*$")
_SMALL_WORDS = {"a", "an", "and", "as", "at", "but", "by", "for", "from", "in", "into", "of",
                "on", "or", "the", "to", "with", "nor", "upon", "over"}


@dataclass
class Block:
    """Lines between blank lines, with the line number of the first."""

    lines: list[str]
    line: int

    @property
    def text(self) -> str:
        return " ".join(line.strip() for line in self.lines)


@dataclass
class TextSection:
    """A piece of a plain-text book: its kind, level, title, and its blocks of text."""

    kind: str  # "part", "chapter", "titlepage" or a kind of front matter
    level: int | None
    title: str
    line: int
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Layout:
    """What detection found, what it dropped, and what a Gutenberg header said."""

    sections: list[TextSection]
    dropped: list[str]
    meta: dict[str, str] = field(default_factory=dict)


def lines_of(text: str) -> list[str]:
    """The text's lines, without a byte order mark at the start of any: files joined end to
    end keep each one's mark, which is not text and would hide a heading ("CHAPTER II.").
    U+FEFF inside a line, a zero-width no-break space, is written U+2060, which took that role."""
    return without_byte_order_marks(text).split("\n")


def blocks_of(lines: list[str], first_line: int = 1) -> list[Block]:
    """Split lines into blocks at blank lines."""
    blocks: list[Block] = []
    current: list[str] = []
    start = first_line
    for number, line in enumerate(lines + [""], start=first_line):
        if line.strip():
            if not current:
                start = number
            current.append(line.rstrip())
        elif current:
            blocks.append(Block(current, start))
            current = []
    return blocks


def strip_gutenberg(lines: list[str]) -> tuple[list[str], int, bool]:
    """The lines between Project Gutenberg's START and END markers; offset of the first."""
    start = next((i for i, line in enumerate(lines) if _GUTENBERG_START.match(line.strip())), None)
    if start is None:
        return lines, 1, False
    end = next((i for i in range(start + 1, len(lines))
                if _GUTENBERG_END.match(lines[i].strip())), len(lines))
    body = lines[start + 1 : end]
    return body, start + 2, True


def detect(lines: list[str], pattern: str | None = None) -> Layout:
    """Find parts, chapters, front matter and the printed contents of a plain-text book."""
    dropped: list[str] = []
    body, offset, gutenberg = strip_gutenberg(lines)
    meta = gutenberg_meta(lines[: max(0, offset - 2)]) if gutenberg else {}
    if gutenberg:
        dropped.append("the Project Gutenberg header and licence")
    blocks = blocks_of(body, offset)
    if gutenberg and blocks and _PRODUCED_BY.match(blocks[0].text):
        blocks = blocks[1:]
    blocks, contents = _drop_contents(blocks)
    if contents:
        dropped.append("the printed contents list")
    custom = _BoundedPattern(pattern) if pattern else None
    sections: list[TextSection] = []
    current = TextSection("titlepage", None, "", blocks[0].line if blocks else 1)
    index = 0
    while index < len(blocks):
        block = blocks[index]
        found = _heading(blocks, index, custom)
        if found is not None and found.blocks == 2 and not _leaves_text(blocks, index, found, custom):
            # "Chapter 1", then "The end." and no more: that line is the chapter's text, not its
            # title (a section of a title and nothing else would be an empty chapter).
            found = _heading(blocks, index, custom, under=False)
        if found is None:
            current.blocks.append(block)
            index += 1
            continue
        sections.append(current)
        current = TextSection(found.kind, None, found.title, block.line)
        last = blocks[index + found.blocks - 1]
        if found.lines is not None and found.lines < len(last.lines):  # what it leaves stays text
            current.blocks.append(Block(last.lines[found.lines :], last.line + found.lines))
        index += found.blocks
        if found.kind == "part":  # subtitle lines under a part heading ("1703.", "JONATHAN WILD.")
            while index < len(blocks) and _is_subtitle(blocks[index]) and \
                    _heading(blocks, index, custom) is None:
                current.blocks.append(blocks[index])
                index += 1
    sections.append(current)
    if len(sections) == 1:  # no headings at all: the whole text is one chapter
        current.kind = "chapter"
    sections = [s for s in sections if s.blocks or (s.kind in ("part", "chapter") and s.title)]
    has_parts = any(s.kind == "part" for s in sections)
    for section in sections:
        if section.kind == "part":
            section.level = 1
        elif section.kind == "chapter":
            section.level = 2 if has_parts else 1
        if section.title and _shouts(section.title):
            section.title = title_case(section.title)
    return Layout(sections, dropped, meta)


def gutenberg_meta(header: list[str]) -> dict[str, str]:
    """Title (and an indented line under it, its subtitle), author, illustrator and language
    from a Project Gutenberg header."""
    meta: dict[str, str] = {}
    last = ""
    for line in header:
        if last == "title" and line.startswith((" ", "\t")) and line.strip() and \
                "subtitle" not in meta:
            meta["subtitle"] = line.strip()
            continue
        key, _, value = line.partition(":")
        key = key.strip().lower()
        last = key if value.strip() else ""
        if key in ("title", "author", "illustrator", "language") and value.strip() and \
                key not in meta:
            meta[key] = value.strip()
    return meta


class PatternTooSlow(Exception):
    """A user's chapter_pattern took longer than its time budget (catastrophic backtracking)."""


class _BoundedPattern:
    """A user's regular expression, run with the `regex` module's timeout: every match in one
    file shares a budget of PATTERN_SECONDS, so `(a+)+$` cannot hang the build."""

    def __init__(self, pattern: str):
        import regex  # only for a book that sets a chapter_pattern: it takes 25 ms to import

        self.pattern = regex.compile(pattern, regex.I | regex.V0)
        self.deadline = time.monotonic() + PATTERN_SECONDS

    def match(self, text: str) -> regex.Match[str] | None:
        try:
            return self.pattern.match(text, timeout=max(0.001, self.deadline - time.monotonic()))
        except TimeoutError:
            raise PatternTooSlow(text) from None


class Heading(NamedTuple):
    """A heading found at a block: its kind and title, how many blocks it takes, and how many
    lines of the last of them (what it leaves of that block stays as text)."""

    kind: str
    title: str
    blocks: int
    lines: int | None = None  # None: all of them


def _heading(blocks: list[Block], index: int, custom: _BoundedPattern | None,
             under: bool = True) -> Heading | None:
    """The heading blocks[index] starts, if it does. Lines of its block under the heading line
    are its title only while they read as one; the prose below them is the section's text.
    `under`: whether the block after a lone heading line may be its title."""
    block = blocks[index]
    first = block.lines[0].strip()
    following = blocks[index + 1] if under and index + 1 < len(blocks) else None
    if custom is not None:
        match = custom.match(first)
        if not match:
            return None
        if len(block.lines) == 1 and following is not None and _is_title(following):
            return Heading("chapter", f"{first} {following.text}".strip(), 2)
        return Heading("chapter", first, 1, lines=1)
    if len(first) > 80:
        return None
    if (match := _CHAPTER.match(first)) is not None and _numbered(match, first):
        rest = match["rest"].strip()
        if not _heading_line(rest, block.lines):
            return None
        used = 1 + _title_lines(block.lines[1:], rest)
        title = " ".join([rest, *[line.strip() for line in block.lines[1:used]]]).strip()
        title = title_case(title) if _shouts(title) else title
        label = f"Chapter {_number(match['number'])}"
        if rest[:1].islower() and not match["stop"].strip():  # "Chapter One in Which We Meet"
            return Heading("chapter", f"{label} {title.rstrip('.')}", 1, lines=used)
        if not title and len(block.lines) == 1 and following is not None and \
                (titled := _title_under(following)) is not None:
            return Heading("chapter", f"{label}: {titled[0]}", 2, lines=titled[1])
        return Heading("chapter", f"{label}: {title.rstrip('.')}" if title else label, 1, lines=used)
    if (match := _PART.match(first)) is not None and _numbered(match, first) and \
            _heading_line(match["rest"].strip(), block.lines):
        return Heading("part", first.rstrip(".,"), 1, lines=1)
    if first.upper().rstrip(".") in _MATTER and len(block.lines) == 1:
        return Heading(_MATTER[first.upper().rstrip(".")], first.rstrip(".").title(), 1)
    if len(block.lines) == 1 and (match := _ROMAN_TITLE.match(first)) is not None:
        return Heading("chapter", f"{match.group(1)}. {match.group(2).rstrip('.')}", 1)
    if (match := _ROMAN_ALONE.match(first)) is not None:
        if len(block.lines) > 1:  # its title under it, then perhaps prose
            used = 1 + _title_lines(block.lines[1:])
            if used == 1:  # a numeral over prose, as over a paragraph: no heading
                return None
            title = " ".join(line.strip() for line in block.lines[1:used])
            return Heading("chapter", f"{match.group(1)}. {title.rstrip('.')}", 1, lines=used)
        if following is not None and (titled := _title_under(following)) is not None:
            return Heading("chapter", f"{match.group(1)}. {titled[0]}", 2, lines=titled[1])
    return None


def _leaves_text(blocks: list[Block], index: int, found: Heading,
                 custom: _BoundedPattern | None) -> bool:
    """Whether a heading found at blocks[index] leaves its section some text: lines of its
    last block, or a block after it that is no heading."""
    last = blocks[index + found.blocks - 1]
    if found.lines is not None and found.lines < len(last.lines):
        return True
    after = index + found.blocks
    return after < len(blocks) and _heading(blocks, after, custom) is None


def _title_under(block: Block) -> tuple[str, int] | None:
    """The title a block under a lone heading line holds, and how many of its lines that
    takes: all of a title block ("The Widow and her Child."), or the title lines over prose
    that follows them without a blank line."""
    taken = _title_lines(block.lines)
    if not 0 < taken < len(block.lines):
        if not _is_title(block):
            return None
        taken = len(block.lines)
    title = " ".join(line.strip() for line in block.lines[:taken]).rstrip(".")
    return title_case(title) if _shouts(title) else title, taken


def _heading_line(rest: str, lines: list[str]) -> bool:
    """Whether a block's first line, a heading word and number with `rest` after them, is a
    heading line. Alone it is; over more lines, not when what follows its number is a
    sentence ("Chapter 3. Then he went to the market and bought") or runs on into them."""
    if len(lines) == 1 or not rest:
        return True
    return _is_title(Block([rest], 0)) and not _runs_on(lines[0], lines[1])


def _title_lines(lines: list[str], start: str = "") -> int:
    """How many of the lines under a heading line, in its block, are its title: one or two
    that read as a title ("THE BEGINNING", "In Which We Meet", a title wrapped over two lines),
    and end where the prose under them starts. `start` is the title's start on the heading
    line itself ("CHAPTER IV: A MARKET"), if it has one."""
    title = [start] if start else []
    if len(lines) == 1 and not title:  # a line alone, as a block of its own would be
        return int(_is_title(Block(lines, 0)))
    count = 0
    for line in lines[: 2 - len(title)]:
        line = line.strip()
        if not (_clearly_title(line) and _is_title(Block([*title, line], 0))):
            break
        if title and _shouts(title[-1]) != _shouts(line):
            break  # a title keeps to capitals, or to small letters
        title.append(line)
        count += 1
    # The prose under a title starts a sentence: a line that runs on into it was prose too.
    while 0 < count < len(lines) and not _ends_title(lines[count - 1], lines[count:]):
        count -= 1
    return count


def _ends_title(line: str, prose: list[str]) -> bool:
    """Whether a title line ends the title, the prose under it in the same block: it does not
    run on into the prose, nor stop at a comma or a small word ("who said to"), and unless it
    is in capitals it is clearly shorter than the lines of wrapped prose under it (a line as
    long as those is the prose's first)."""
    line = line.strip()
    if _runs_on(line, prose[0]) or _ends_open(line):
        return False
    return _shouts(line) or len(prose) == 1 or len(line) <= 0.8 * max(len(text.strip()) for text in prose)


def _clearly_title(line: str) -> bool:
    """A line among others that reads as a title, not the start of a paragraph: in capitals,
    or with most of its words capitalised ("In Which We Meet")."""
    return _is_title(Block([line], 0)) and (_shouts(line) or _capitalised(line) >= 1 / 2)


def _runs_on(line: str, after: str) -> bool:
    """A line whose sentence goes on in the next line: "London was" over "a city"."""
    return not line.rstrip().endswith((".", "!", "?", '"', "\u201d")) and after.strip()[:1].islower()


def _ends_open(line: str) -> bool:
    """A line that cannot end a title: it stops at a comma or dash, or on a small word ("to")."""
    words = line.split()
    return not words or line.rstrip().endswith((",", ";", ":", "-", "\u2014")) or \
        words[-1].lower() in _SMALL_WORDS


def _numbered(match: re.Match[str], line: str) -> bool:
    """A heading word and its number make a heading when nothing follows them, or a stop
    does ("CHAPTER IV: A MARKET BY THE WAY"), or a title ("Chapter 2 The Beginning", "Part One
    of the Trilogy"); not when a sentence runs on ("Part one of the plan was simple.")."""
    rest = match["rest"]
    if not rest or match["stop"].strip():
        return True
    if rest[:1].islower():  # "of the Trilogy": in title case, after a number written as one
        return not match["number"].islower() and _title_cased(rest) and _is_title(Block([line], 0))
    return _is_title(Block([line], 0))


def _title_cased(text: str) -> bool:
    """Every word but the small ones ("of", "the") capitalised: "of the Trilogy"."""
    words = re.findall(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)*", text)
    return all(word[0].isupper() for word in words if word.lower() not in _SMALL_WORDS)


def _number(number: str) -> str:
    """A chapter's number as its title shows it: "iv" as IV, "THE LAST" as "the Last"."""
    if re.fullmatch(ROMAN, number, re.I):
        return number.upper()
    words = number.split()
    if _shouts(number) or words[0].lower() == "the":
        words = [word.lower() if word.lower() == "the" else _capitalise(word.lower()) for word in words]
    return " ".join(words)


def _is_title(block: Block) -> bool:
    """A short block that reads as a title, not a sentence of the story."""
    text = block.text
    if len(block.lines) > 2 or len(text) > 80 or _SCENE_BREAK.match(text):
        return False
    if _shouts(text):  # a title in capitals, even a quoted one: "I WILL TAKE CARE OF YOU"
        return not text.endswith((",", ";"))
    if text.endswith((",", ";", ":", '"', "\u201d")) or text.startswith(('"', "\u201c")):
        return False
    # Title case, more or less ("The Widow and her Child"), not a sentence ("It rained.").
    return _capitalised(text) >= 1 / 3


def _capitalised(text: str) -> float:
    """The share of a text's words, the first and small ones ("of", "the") aside, that start
    with a capital; 1 when there are none."""
    words = [w for w in re.findall(r"[^\W\d_]+", text)[1:] if w.lower() not in _SMALL_WORDS]
    return sum(w[0].isupper() for w in words) / len(words) if words else 1.0


def _is_subtitle(block: Block) -> bool:
    return len(block.lines) <= 2 and len(block.text) <= 60


def _drop_contents(blocks: list[Block]) -> tuple[list[Block], bool]:
    """Remove a printed CONTENTS list (Octavo builds its own)."""
    for index, block in enumerate(blocks):
        if re.fullmatch(r"(TABLE OF )?CONTENTS\.?", block.lines[0].strip(), re.I):
            end = index + 1
            last_toc = None
            while end < len(blocks):
                candidate = blocks[end]
                if _is_toc(candidate):
                    last_toc = end
                elif not (len(candidate.lines) <= 3 and all(len(x) < 70 for x in candidate.lines)):
                    break
                end += 1
            if last_toc is None:
                return blocks, False
            return blocks[:index] + blocks[last_toc + 1 :], True
    return blocks, False


def _is_toc(block: Block) -> bool:
    lines = [line for line in block.lines if line.strip()]
    numbered = sum(1 for line in lines if _TOC_LINE.search(line.rstrip()) and
                   re.search(r"\s{2,}|\.{3,}", line.strip()))
    return bool(lines) and numbered / len(lines) >= 0.5


def is_scene_break(block: Block) -> bool:
    """`*       *       *`, `* * *`, `#`, `~` and the like on a line of their own."""
    return len(block.lines) == 1 and bool(_SCENE_BREAK.match(block.lines[0])) and \
        len(block.lines[0].strip()) <= 40


def is_verse(block: Block) -> bool:
    """Indented lines kept as they are (verse, a dedication, a signature)."""
    return len(block.lines) > 1 and all(line.startswith(("  ", "\t")) for line in block.lines)


PROSE_LINE = 55  # characters: an indented line this long is most likely wrapped prose
PROSE_SHARE = 0.8  # of an indented block's lines (its last one aside)


def is_quoted_prose(block: Block) -> bool:
    """An indented block that is prose wrapped to the page, not verse: a letter, a quotation.

    Nearly all its lines (the last aside) are long, and the text runs on from one line to the
    next somewhere: a line ending in a letter, or one starting in lower case. Verse lines are
    mostly short, and a long one ends in punctuation before a capital."""
    if not is_verse(block):
        return False
    lines = [line.strip() for line in block.lines]
    body = lines[:-1]
    if sum(len(line) >= PROSE_LINE for line in body) < PROSE_SHARE * len(body):
        return False
    return any(line[-1:].isalpha() for line in body) or any(
        line[:1].islower() for line in lines[1:])


def _shouts(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 3 and sum(c.isupper() for c in letters) / len(letters) > 0.8


def title_case(text: str) -> str:
    """ "UNDER THE SOUTHERN PINES" -> "Under the Southern Pines"; Roman numerals stay."""
    words = text.split(" ")
    result = []
    for index, word in enumerate(words):
        core = word.strip(".,:;!?\"'()\u201c\u201d")
        if core and _VALID_ROMAN.fullmatch(core) and (index == 0 or len(core) >= 2):
            result.append(word)
            continue
        lower = word.lower()
        if index > 0 and core.lower() in _SMALL_WORDS and not words[index - 1].endswith((":", ".")):
            result.append(lower)
            continue
        result.append(_capitalise(lower))
    return " ".join(result)


def _capitalise(word: str) -> str:
    for i, char in enumerate(word):
        if char.isalpha():
            word = word[:i] + char.upper() + word[i + 1 :]
            if word[i : i + 2] == "Mc" and len(word) > i + 2:
                word = word[: i + 2] + word[i + 2].upper() + word[i + 3 :]
            return word
    return word
