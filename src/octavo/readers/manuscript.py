"""Turns the manuscript folder into front matter, parts, chapters and back matter."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from octavo.errors import ManuscriptError
from octavo.images import SUFFIXES as IMAGE_SUFFIXES
from octavo.model import BACK_MATTER, FRONT_MATTER, MATTER_NAMES, Chapter, Image, Part
from octavo.paths import Refused, inside, landing, regular_file
from octavo.readers import reader_for, suffixes_named
from octavo.readers.base import ReadContext, Section, SourceDoc
from octavo.text import natural_key, relative_name

_PART_TITLE = re.compile(r"^(part|book|volume|epoch)\b", re.IGNORECASE)
_KIND_ALIASES = {
    "acknowledgments": "acknowledgements",
    "about-the-author": "about-the-author",
    "about": "about-the-author",
    "author": "about-the-author",
    "also-by-the-author": "also-by",
    "introduction": "foreword",
    "chapter": "chapter",
    "part": "part",
}
KINDS = FRONT_MATTER + BACK_MATTER + ("chapter", "part")


@dataclass(frozen=True)
class Manuscript:
    """What the readers found: the matter, the body, the images, and a summary for the user."""

    front: tuple[Chapter, ...]
    body: tuple[Chapter | Part, ...]
    back: tuple[Chapter, ...]
    images: tuple[Image, ...]
    first_heading: str | None
    summary: str
    # What the sources say of the book (a Gutenberg header, a title page): book_title,
    # book_authors, book_contributors, ...; book.toml's own values win over these.
    offered: dict[str, Any] = field(default_factory=dict)


def manuscript_files(folder: Path, shown: str, context: ReadContext) -> list[Path]:
    """The readable files of the manuscript folder and its subfolders, in natural name order
    (a subfolder's files where its name falls: `02-part-two/` after `01-prologue.md`)."""
    if folder.exists() and not folder.is_dir():  # [build] manuscript = "novel.md", say
        raise ManuscriptError("is a file, not the manuscript folder: put it in a folder and name "
                              "that ([build] manuscript, or manuscript/)", shown)
    if not folder.is_dir():
        raise ManuscriptError("manuscript folder not found; put your chapters there", shown)
    files: list[Path] = []
    _collect(folder, context, files, {landing(folder)})
    if not files:
        raise ManuscriptError(f"no chapters found: add {suffixes_named()} files", shown)
    return files


def _collect(folder: Path, context: ReadContext, files: list[Path], seen: set[Path]) -> None:
    for path in sorted(folder.iterdir(), key=lambda p: natural_key(p.name)):
        if path.name.startswith("."):
            continue
        shown = _shown(path, context)
        try:
            if path.is_dir():
                real = inside(path, context.root)
                if real not in seen:  # a folder linked into itself is read once
                    seen.add(real)
                    _collect(path, context, files, seen)
                continue
            if reader_for(path) is not None:
                regular_file(path, context.root)
                files.append(path)
            elif path.suffix.lower() not in IMAGE_SUFFIXES:  # pictures are for the chapters
                context.diagnostics.warn(f"ignored: not a {suffixes_named()} file", shown)
        except Refused as exc:
            raise ManuscriptError(str(exc), shown) from None
        except FileNotFoundError:
            raise ManuscriptError("not found (a link to nothing)", shown) from None


def read_manuscript(folder: Path, context: ReadContext) -> Manuscript:
    """Read every manuscript file and arrange the sections into matter, parts and chapters."""
    files = manuscript_files(folder, _shown(folder, context), context)
    context.sources.update({p.resolve(): _shown(p, context) for p in files})
    docs = [_read(p, _shown(p, context), context) for p in files]
    level = chapter_level(docs)
    front: list[Chapter] = []
    body: list[Chapter | Part] = []
    back: list[Chapter] = []
    part: Part | None = None
    # A book title the source states (a Gutenberg header) beats the first heading.
    first_heading = next((str(d.meta["book_title"]) for d in docs if "book_title" in d.meta),
                         None) or next((d.headings[0][1] for d in docs if d.headings), None)

    def close_part() -> None:
        nonlocal part
        if part is not None:
            body.append(part)
            part = None

    for doc in docs:
        kind = _kind(doc)
        sections = doc.render(level)
        if not sections:
            raise ManuscriptError("empty chapter: the file has no text", doc.shown)
        for index, section in enumerate(sections):
            if _is_part(doc, kind, section, index, level, len(sections)):
                close_part()
                part = Part(title=section.title or _meta_title(doc) or stem_title(doc.path),
                            html=section.html if section.has_text or section.title_html else "",
                            source=doc.shown,
                            anchor=section.anchor,
                            title_html=section.title_html if section.title else "")
                continue
            chapter = _chapter(doc, section.kind or (kind if index == 0 else "chapter"), section,
                               context)
            if chapter.kind in FRONT_MATTER and not body and part is None:
                front.append(chapter)
            elif chapter.kind in BACK_MATTER:
                close_part()
                back.append(chapter)
            elif part is not None:
                part = dataclasses.replace(part, chapters=part.chapters + (chapter,))
            else:
                body.append(chapter)
    close_part()
    for item in body:
        if isinstance(item, Part) and not item.chapters:
            context.diagnostics.warn(f"part {item.title!r} has no chapters", item.source)
    chapters = sum(len(i.chapters) if isinstance(i, Part) else 1 for i in body)
    parts = sum(1 for i in body if isinstance(i, Part))
    summary = f"{chapters} chapter{'s' * (chapters != 1)}"
    if parts:
        summary += f" in {parts} part{'s' * (parts != 1)}"
    extra = len(front) + len(back)
    if extra:
        summary += f", {extra} front/back matter section{'s' * (extra != 1)}"
    summary += f" from {files[0].name}" if len(files) == 1 else f" from {len(files)} files"
    offered: dict[str, Any] = {}
    for doc in docs:  # the first file that says a thing is heard
        for key, value in doc.meta.items():
            if key.startswith("book_") and value:
                offered.setdefault(key, value)
    return Manuscript(tuple(front), tuple(body), tuple(back),
                      tuple(context.images.images.values()), first_heading, summary, offered)


def chapter_level(docs: list[SourceDoc]) -> int:
    """The heading level that starts chapters; headings above it start parts.

    Several files: the level most files open with. One file: its highest level, unless
    every heading there is named like a part ("Part One", "Book II") and a level below exists.
    """
    openings = [d.headings[0][0] for d in docs if d.headings and _kind(d) != "part"]
    if len(docs) > 1 and openings:
        counts = Counter(openings)
        best = max(counts.values())
        return max(level for level, n in counts.items() if n == best)
    levels = sorted({h[0] for d in docs for h in d.headings})
    if not levels:
        return 1
    top = levels[0]
    tops = [h[1] for d in docs for h in d.headings if h[0] == top]
    if top + 1 in levels and all(_PART_TITLE.match(t) for t in tops):
        return top + 1
    return top


def _is_part(doc: SourceDoc, kind: str, section: Section, index: int, level: int,
             count: int) -> bool:
    if section.level is not None and section.level < level:
        return True
    if index == 0 and kind == "part":
        return True
    # A file that holds nothing but a heading named like a part ("Part Two").
    return (index == 0 and count == 1 and section.level == level and not section.has_text
            and bool(_PART_TITLE.match(section.title)))


def _chapter(doc: SourceDoc, kind: str, section: Section, context: ReadContext) -> Chapter:
    title = section.title
    show_title = True
    if not title:
        meta_title = _meta_title(doc)
        if meta_title:
            title = meta_title
        elif kind != "chapter":
            title, show_title = MATTER_NAMES.get(kind, (kind.replace("-", " ").title(), True))
        else:
            title = ""  # filled in later: the book title, or the file name
            if section.level is not None:  # `#` alone, a typing slip: said, as two such
                context.diagnostics.warn(  # chapters had one name in the contents unseen
                    "a heading with no text: the chapter is named after the book or its file "
                    "in the contents", doc.shown, section.line)
    if not section.has_text:
        if section.level is None:  # no heading at all: a comment, or HTML the book leaves out
            raise ManuscriptError("empty chapter: nothing in it that a book sets (a comment, or "
                                  "HTML that is left out, is not printed)", doc.shown, section.line)
        if not title:
            raise ManuscriptError("empty chapter: a heading with no text under it", doc.shown,
                                  section.line)
        # A draft's placeholder: it builds, and --strict (a warning) still refuses it.
        context.diagnostics.warn(f"chapter {title!r} has only its heading (a draft)", doc.shown,
                                 section.line)
    return Chapter(title=title, html=section.html, source=doc.shown, kind=kind,
                   show_title=show_title, anchor=section.anchor,
                   title_html=section.title_html if section.title else "")


def _meta_title(doc: SourceDoc) -> str:
    """The front matter's title as text: `title: 1984` (a number to YAML) is a title too; a
    list or a table is a mistake, named, not left out unseen (the file's name stood in)."""
    value = doc.meta.get("title")
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float | dt.date):
        raise ManuscriptError(f"front matter title: must be text, not {type(value).__name__}",
                              doc.shown, 2)
    return (value.isoformat() if isinstance(value, dt.date) else str(value)).strip()


def _kind(doc: SourceDoc) -> str:
    declared = doc.meta.get("type")
    if declared is not None and not isinstance(declared, str):
        raise ManuscriptError(f"front matter type: must be one of {', '.join(KINDS)}", doc.shown, 2)
    if isinstance(declared, str) and declared.strip():
        value = declared.strip().lower().replace(" ", "-").replace("_", "-")
        value = _KIND_ALIASES.get(value, value)
        if value not in KINDS:
            raise ManuscriptError(
                f"front matter type: {declared!r} is not one of {', '.join(KINDS)}", doc.shown, 2
            )
        return value
    stem = re.sub(r"^[\d\s._-]+", "", doc.path.stem).lower().replace("_", "-").replace(" ", "-")
    stem = _KIND_ALIASES.get(stem, stem)
    return stem if stem in FRONT_MATTER + BACK_MATTER else "chapter"


def _read(path: Path, shown: str, context: ReadContext) -> SourceDoc:
    reader = reader_for(path)
    assert reader is not None  # manuscript_files keeps only files a reader reads
    return reader.read(path, shown, context)


def stem_title(source: Path) -> str:
    """A title made from a file name: "03-the-storm.md" -> "The storm"."""
    stem = re.sub(r"^[\d\s._-]+", "", source.stem).replace("-", " ").replace("_", " ")
    return stem.strip().capitalize() or source.stem


def _shown(path: Path, context: ReadContext) -> str:
    """A path as messages show it: relative to the book folder."""
    return relative_name(path, context.root.resolve())
