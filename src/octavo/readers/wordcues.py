"""Structure in a Word document as authors mark it: title styles, scene-break lines, blank
runs, indented quotes, and, where no heading style is used, a short centred line after a page
break as a chapter heading. Works on mammoth's document model, before it writes HTML."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

SCENE_STYLE = "Octavo Scene Break"
QUOTE_STYLE = "Octavo Quote"
_HEADING = re.compile(r"^heading\s*([1-6])?$", re.IGNORECASE)
_SCENE = re.compile(r"^[*#~•·⁂\s]+$")
_CHAPTER_WORD = re.compile(
    r"^(chapter|prologue|epilogue|interlude|preface|foreword|afterword|"
    r"acknowledge?ments|part|book|volume)\b", re.IGNORECASE)
_PART_WORD = re.compile(r"^(part|book|volume)\b", re.IGNORECASE)
_TOC = re.compile(r"^(toc\s*\d|toc heading|contents\s*\d)", re.IGNORECASE)
SHORT_WORDS = 8  # a heading cue is a short line
SHORT_CHARS = 60
QUOTE_INDENT = 567  # twips (1 cm): a paragraph indented this far on the left is a quotation


@dataclass
class Found:
    """What the cues found, for the reader's summary and `octavo import`."""

    title: str = ""
    subtitle: str = ""
    authors: list[str] = field(default_factory=list)
    # what the document's own title page printed (Subtitle, Author paragraphs), left out of
    # the text: (what, words) pairs
    printed: list[tuple[str, str]] = field(default_factory=list)
    cued_chapters: int = 0  # headings found from cues, not styles
    scene_breaks: int = 0
    contents_left_out: int = 0
    # a title page's Title that names the book otherwise than book.toml does (left out)
    title_left_out: str = ""


@dataclass(frozen=True)
class Place:
    """Where the document stands in the book: whether it opens the manuscript, the one whose
    title page may name the book, and the title book.toml gives the book (None: none)."""

    first: bool = True
    book_title: str | None = None


ALONE = Place()  # a document read on its own (octavo import, octavo check's lint)


def arrange(document: Any, found: Found, place: Place = ALONE) -> Any:
    """Return `document` with its structure marked in styles mammoth maps to HTML."""
    from mammoth import documents

    children = list(document.children)
    children = _leading_titles(children, found, place)
    children = [c for c in children if not (_is_paragraph(c) and _TOC.match(c.style_name or ""))
                or _count(found)]
    styled = any(_is_paragraph(c) and _HEADING.match(c.style_name or "") for c in children) or \
        any(_is_paragraph(c) and (c.style_name or "") == "Title" for c in children)
    empty_runs = _empty_runs(children)
    typical = max(set(empty_runs), key=empty_runs.count) if empty_runs else 0
    out: list[Any] = []
    after_break = True  # the document's start is a new page
    blanks = 0
    pending_title = False  # the line under a cued "Chapter One" may be its title
    for child in children:
        if not _is_paragraph(child):
            out.append(child)
            after_break = pending_title = False
            blanks = 0
            continue
        text = _text(child).strip()
        breaks_before, breaks_after = _page_breaks(child)
        if not text and not _has_picture(child):
            blanks += 1
            after_break = after_break or breaks_before or breaks_after
            continue
        if blanks > max(typical, 1) and out and not after_break:
            out.append(_scene_break(documents))
            found.scene_breaks += 1
        blanks = 0
        new_page = after_break or breaks_before
        after_break = breaks_after
        style = child.style_name or ""
        if style == "Title":
            out.append(child.copy(style_name="Heading 1", style_id=None))
            continue
        if _SCENE.match(text) and len(text) <= 20 and not _HEADING.match(style):
            out.append(_scene_break(documents))
            found.scene_breaks += 1
            pending_title = False
            continue
        if not styled and _is_cue(child, text, new_page):
            level = "1" if _PART_WORD.match(text) else "2"
            out.append(child.copy(style_name=f"Octavo Heading {level}", style_id=None))
            found.cued_chapters += 1
            pending_title = bool(_CHAPTER_WORD.match(text)) and len(text.split()) <= 3
            continue
        if pending_title and _short(text) and child.alignment == "center" \
                and not text.endswith((".", ",", ";", ":", "!", "?")):
            title = f"{_text(out[-1]).strip()}: {text}"
            heading = out[-1]
            out[-1] = heading.copy(children=[documents.run([documents.text(title)])])
            pending_title = False
            continue
        pending_title = False
        if not style and child.numbering is None and _indent(child.indent) >= QUOTE_INDENT:
            child = child.copy(style_name=QUOTE_STYLE, style_id=None)
        out.append(child)
    parts = any((c.style_name or "") == "Octavo Heading 1" for c in out if _is_paragraph(c))
    out = [c.copy(style_name=_cued_level(c.style_name, parts)) if _is_paragraph(c)
           and (c.style_name or "").startswith("Octavo Heading") else c for c in out]
    return document.copy(children=out)


def _scene_break(documents: Any) -> Any:
    """A paragraph in the scene-break style (with a mark: mammoth drops empty paragraphs)."""
    return documents.paragraph([documents.run([documents.text("*")])], style_name=SCENE_STYLE)


def _count(found: Found) -> bool:
    found.contents_left_out += 1
    return False


def _cued_level(style: str, parts: bool) -> str:
    """Cued parts are Heading 1 and chapters Heading 2; without parts chapters are Heading 1."""
    return "Heading 1" if style.endswith("1") or not parts else "Heading 2"


def _leading_titles(children: list[Any], found: Found, place: Place) -> list[Any]:
    """Title, Subtitle and Author paragraphs opening the manuscript's first document name the
    book when they are its title page (a page break, a heading or nothing follows them) or
    book.toml gives the book the same title. They are then taken out of the text (the book's title page
    shows them). Anywhere else the Title paragraph is a chapter's heading and the Subtitle
    stays as a paragraph under it."""
    index = 0
    title = subtitle = ""
    authors: list[str] = []
    while index < len(children) and _is_paragraph(children[index]):
        paragraph = children[index]
        style = paragraph.style_name or ""
        text = " ".join(_text(paragraph).split())
        if style == "Title" and not title:
            title = text
        elif style == "Subtitle" and title and not subtitle:
            subtitle = text
        elif style == "Author" and title:
            authors.append(text)
        elif style == "Date" and title or not text:
            pass
        else:
            break
        index += 1
    rest = children[index:]
    if not title or not place.first:
        return children
    named = place.book_title is not None and _same(place.book_title, title)
    following = next((c for c in rest if type(c).__name__ != "Bookmark"), None)  # pandoc's
    page = following is None or _starts_chapter(following) or _page_breaks(following)[0] or \
        any(any(_page_breaks(c)) for c in children[:index])
    if not named and not page:
        return children  # the first chapter's title, its text under it
    found.title, found.subtitle = title, subtitle
    found.authors += authors
    found.printed += [("subtitle", subtitle), ("author", ", ".join(authors))]
    if place.book_title is not None and not named:
        found.title_left_out = title
    return rest


def _same(one: str, other: str) -> bool:
    return " ".join(one.split()).casefold() == " ".join(other.split()).casefold()


def _starts_chapter(element: Any) -> bool:
    style = (element.style_name or "") if _is_paragraph(element) else ""
    return bool(_HEADING.match(style)) or style == "Title"


def _is_cue(paragraph: Any, text: str, new_page: bool) -> bool:
    """A short line that starts a chapter: after a page break, centred or bold (or named like a
    chapter); or named like a chapter and centred or bold."""
    if not _short(text) or paragraph.numbering is not None:
        return False
    named = bool(_CHAPTER_WORD.match(text))
    marked = paragraph.alignment == "center" or _all_bold(paragraph)
    return (new_page and (marked or named)) or (named and marked)


def _short(text: str) -> bool:
    return len(text) <= SHORT_CHARS and len(text.split()) <= SHORT_WORDS


def _is_paragraph(element: Any) -> bool:
    return type(element).__name__ == "Paragraph"


def _text(element: Any) -> str:
    if type(element).__name__ == "Text":
        return str(element.value)
    return "".join(_text(child) for child in getattr(element, "children", None) or [])


def _has_picture(element: Any) -> bool:
    if type(element).__name__ == "Image":
        return True
    return any(_has_picture(child) for child in getattr(element, "children", None) or [])


def _runs(element: Any) -> list[Any]:
    if type(element).__name__ == "Run":
        return [element]
    return [run for child in getattr(element, "children", None) or [] for run in _runs(child)]


def _all_bold(paragraph: Any) -> bool:
    runs = [r for r in _runs(paragraph) if _text(r).strip()]
    return bool(runs) and all(r.is_bold for r in runs)


def _page_breaks(paragraph: Any) -> tuple[bool, bool]:
    """(a page break before the paragraph's text, a page break after it)."""
    before = after = False
    seen_text = False

    def walk(element: Any) -> None:
        nonlocal before, after, seen_text
        kind = type(element).__name__
        if kind == "Text" and element.value.strip():
            seen_text = True
            after = False
        elif kind == "Break" and element.break_type == "page":
            if seen_text:
                after = True
            else:
                before = True
        for child in getattr(element, "children", None) or []:
            walk(child)

    walk(paragraph)
    return before, after


def _empty_runs(children: list[Any]) -> list[int]:
    """How many empty paragraphs stand between each two paragraphs of text."""
    runs: list[int] = []
    count = 0
    started = False
    for child in children:
        if _is_paragraph(child) and not _text(child).strip() and not _has_picture(child):
            count += 1
            continue
        if started:
            runs.append(count)
        started = True
        count = 0
    return runs


def _indent(indent: Any) -> int:
    try:
        return int(getattr(indent, "start", None) or 0)
    except (TypeError, ValueError):
        return 0
