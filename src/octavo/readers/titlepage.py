"""A plain-text book's own title page: what it says of the book, and the front matter it holds."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from octavo.model import LEADING_MATTER
from octavo.readers.textmarks import illustration_caption
from octavo.readers.textstructure import Block, TextSection, is_scene_break, title_case

# What each kind of front matter a title page holds is called, in reading order.
IMPRINT = "imprint"  # the source edition's publisher, year, copyright lines
_BY = re.compile(r"^by\b\.?\s*(.*)$", re.I)
_ILLUSTRATED = re.compile(r"^(?:with\s+)?(?:illustrations?|illustrated|pictures|drawings)"
                          r"(?:\s+in\s+\w+)?\s+by\b\.?\s*(.*)$", re.I)
_AUTHOR_OF = re.compile(r"^(?:the\s+)?author\s+of\b", re.I)
_TRANSCRIBER = re.compile(r"^transcriber'?s?\s+notes?\b", re.I)
_DEDICATION = re.compile(r"^(?:to|dedicated|dedication|inscribed)\b", re.I)
_GENRE = re.compile(r"^an?\s+\w+(?:\s+\w+){0,3}\.?$", re.I)  # "A Novel", "A Romance"
_YEAR = re.compile(r"\b(1[5-9]\d\d|20\d\d)\b")
_ROMAN_YEAR = re.compile(r"^M{1,2}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})\.?$")
_MARKS = re.compile(r"[_=]")


@dataclass
class TitlePage:
    """What a source's title page states of the book, and the sections it leaves."""

    title: str = ""
    subtitle: str = ""
    authors: list[str] = field(default_factory=list)
    illustrators: list[str] = field(default_factory=list)
    date: str = ""
    sections: list[TextSection] = field(default_factory=list)


def read_title_page(section: TextSection, title: str) -> TitlePage | None:
    """Read the untitled text before a book's first heading as its source's title page, when
    it names the book `title`; None when it does not (it is then kept as it is)."""
    blocks = section.blocks
    start = next((i for i, b in enumerate(blocks) if _names_title(b, title)), None)
    if start is None:
        return None
    page = TitlePage(title=title)
    kept: dict[str, TextSection] = {}

    def keep(kind: str, block: Block, name: str = "") -> None:
        if kind not in kept:
            kept[kind] = TextSection(kind, None, name, block.line)
        kept[kind].blocks.append(block)

    index = 0
    if blocks and _TRANSCRIBER.match(_plain(blocks[0].text)):  # up to the rule after it
        # "Transcribers Note: Obvious errors..." : the label is the section's title, as
        # written, and not said again at the head of its text.
        name, first = _labelled(blocks[0])
        if first is not None:
            blocks = [first, *blocks[1:]]
        while index < start and not is_scene_break(blocks[index]):
            keep("transcriber-note", blocks[index], name)
            index += 1
    dedicating = False  # a dedication runs to the end of the page, or to an epigraph
    while index < len(blocks):
        block = blocks[index]
        text = _plain(block.text)
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        if index < start and illustration_caption(block) is not None:
            keep("frontispiece", block)
        elif index == start:
            page.subtitle = _after_title(text, title)
        elif index == start + 1 and not page.subtitle and _GENRE.match(text):
            page.subtitle = text.rstrip(".")
        elif (match := _BY.match(text)) is not None and not page.authors and len(text) < 80:
            index, name = _named(match.group(1), following, index)
            page.authors.append(name)
        elif (match := _ILLUSTRATED.match(text)) is not None and len(text) < 100:
            index, names = _named(match.group(1), following, index)
            page.illustrators += [n for n in re.split(r"\s+and\s+|,\s*", names) if n]
        elif index > start and _AUTHOR_OF.match(text):
            keep("also-by", block)
        elif index > start and _quoted(text):
            dedicating = False
            keep("epigraph", block)
            if following is not None and len(following.lines) <= 2 and \
                    len(following.text) < 80 and not _quoted(_plain(following.text)):
                keep("epigraph", following)  # its source
                index += 1
        elif index > start and (dedicating or _DEDICATION.match(text)):
            dedicating = True
            keep("dedication", block)
        elif not is_scene_break(block):
            keep(IMPRINT, block)
        index += 1
    page.date = _year(kept.get(IMPRINT))
    if page.authors and "also-by" in kept:
        kept["also-by"].title = f"Also by {page.authors[0]}"
    # Matter a book prints before its contents first (both outputs place it there; the
    # order of the sections is the order of the contents).
    page.sections = sorted((s for s in kept.values() if s.blocks),
                           key=lambda s: s.kind not in LEADING_MATTER)
    return page


def _labelled(block: Block) -> tuple[str, Block | None]:
    """A block opening "Transcriber's Note:" and more: the label (its title), and the block
    without it; ("", None) when the label is all the block says, or it has no colon."""
    first = block.lines[0]
    label, colon, rest = first.partition(":")
    if not colon or not _TRANSCRIBER.match(_plain(label.strip())) or len(label) > 40:
        return "", None
    lines = [rest.strip(), *block.lines[1:]] if rest.strip() else block.lines[1:]
    if not lines:
        return "", None
    return _plain(label.strip()), Block(lines, block.line)


def _after_title(text: str, title: str) -> str:
    """What a title block says after the title: "JACK SHEPPARD A Romance" -> "A Romance"."""
    words = text.split()
    for count in range(1, len(words) + 1):
        if _letters(" ".join(words[:count])) == _letters(title):
            return " ".join(words[count:]).strip(" .,:;")
    return ""


def _named(name: str, following: Block | None, index: int) -> tuple[int, str]:
    """The name after "BY", on the same line or (the line being "BY" alone) the next block."""
    name = name.strip()
    if not name and following is not None and len(following.lines) == 1:
        return index + 1, _name(_plain(following.text))
    return index, _name(name)


def _names_title(block: Block, title: str) -> bool:
    """A block of at most two lines that says the title (with a subtitle after it)."""
    if not title or len(block.lines) > 2:
        return False
    return _letters(_plain(block.text)).startswith(_letters(title))


def _plain(text: str) -> str:
    return " ".join(_MARKS.sub("", text).split())


def _letters(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.casefold())


def _quoted(text: str) -> bool:
    return text.startswith(('"', "\u201c", "'", "\u2018"))


def _name(text: str) -> str:
    """A name as a title page sets it, in ordinary case: "ELINOR M. LANE" -> "Elinor M. Lane"."""
    text = text.strip(" .,")
    letters = [c for c in text if c.isalpha()]
    return title_case(text) if letters and sum(c.isupper() for c in letters) / len(letters) > 0.8 \
        else text


def _year(imprint: TextSection | None) -> str:
    """The source edition's year: the first year its imprint names, in figures or in Roman."""
    if imprint is None:
        return ""
    for block in imprint.blocks:
        if (match := _YEAR.search(block.text)) is not None:
            return match.group(1)
    for block in imprint.blocks:
        if _ROMAN_YEAR.match(block.text.strip()):
            return str(_roman_value(block.text.strip().rstrip(".")))
    return ""


def _roman_value(numeral: str) -> int:
    values = {"M": 1000, "D": 500, "C": 100, "L": 50, "X": 10, "V": 5, "I": 1}
    total = 0
    for char, following in zip(numeral, [*numeral[1:], ""], strict=True):
        value = values[char]
        total += -value if following and values[following] > value else value
    return total
