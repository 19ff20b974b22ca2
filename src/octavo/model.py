"""The book as plain data: metadata, parts, chapters and images; no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

# Kinds of front and back matter, in the order books place them.
FRONT_MATTER = ("titlepage", "frontispiece", "imprint", "dedication", "epigraph",
                "transcriber-note", "foreword", "preface", "prologue")
BACK_MATTER = ("epilogue", "afterword", "acknowledgements", "about-the-author", "also-by")
# Front matter that comes before the table of contents.
LEADING_MATTER = ("titlepage", "frontispiece", "imprint", "dedication", "epigraph")
# What matter of each kind is called when the manuscript gives it no title; None: not shown.
MATTER_NAMES = {"titlepage": ("Title Page", False), "frontispiece": ("Frontispiece", False),
                "imprint": ("Original Edition", False), "dedication": ("Dedication", False),
                "epigraph": ("Epigraph", False), "transcriber-note": ("Transcriber\u2019s Note", True)}


DEFAULT_COLOPHON = "Made with Octavo."


@dataclass(frozen=True)
class Metadata:
    """What the book is: title, people, identifiers and publishing facts."""

    title: str
    authors: tuple[str, ...] = ()
    contributors: tuple[tuple[str, str], ...] = ()  # (name, MARC relator code, e.g. "ill")
    language: str = "en"
    identifier: str = ""
    subtitle: str = ""
    publisher: str = ""
    date: str = ""
    description: str = ""
    subjects: tuple[str, ...] = ()
    rights: str = ""
    series: str = ""
    series_index: float | None = None
    colophon: str = DEFAULT_COLOPHON  # the copyright page's last line; "" for none


@dataclass(frozen=True)
class Image:
    """An image file the book uses: where it is read from and its name inside the book."""

    source: Path
    href: str  # e.g. "images/img-0001.png", as the chapter XHTML refers to it
    media_type: str
    data: bytes | None = None  # the converted image, when the file was not used as it is


@dataclass(frozen=True)
class Chapter:
    """One chapter or piece of front/back matter; `html` is a well-formed XHTML fragment."""

    title: str
    html: str
    source: str = ""  # the manuscript file it came from, for messages
    kind: str = "chapter"  # "chapter" or one of FRONT_MATTER / BACK_MATTER
    id: str = ""  # stable, XML-name-safe id such as "ch001"; set by transforms
    number: int | None = None  # chapter number among numbered chapters
    show_title: bool = True  # False for matter printed without a heading (a dedication)
    anchor: str = ""  # the id its heading had in the manuscript, for links to the chapter
    # The title as its heading sets it, when the heading calls a footnote: an XHTML fragment,
    # the text of `title` with the calls where they stand; "" when `title` says it all.
    # Only the heading shows it: contents, running heads and the nav take `title`.
    title_html: str = ""


@dataclass(frozen=True)
class Part:
    """A titled group of chapters, with optional opening text (an epigraph)."""

    title: str
    chapters: tuple[Chapter, ...] = ()
    html: str = ""
    source: str = ""
    id: str = ""
    anchor: str = ""  # the id its heading had in the manuscript, for links to the part
    title_html: str = ""  # as Chapter.title_html


@dataclass(frozen=True)
class Book:
    """The whole book: matter before the body, the body (chapters and parts), matter after."""

    metadata: Metadata
    front: tuple[Chapter, ...] = ()
    body: tuple[Chapter | Part, ...] = ()
    back: tuple[Chapter, ...] = ()
    images: tuple[Image, ...] = ()
    cover: Image | None = None
    notes: tuple[str, ...] = field(default=())  # what the readers found, e.g. "3 chapters"

    def chapters(self) -> list[Chapter]:
        """Every chapter in reading order, front matter to back matter."""
        result = list(self.front)
        for item in self.body:
            if isinstance(item, Part):
                result.extend(item.chapters)
            else:
                result.append(item)
        result.extend(self.back)
        return result

    def items(self) -> list[Chapter | Part]:
        """Every part and chapter in reading order, each part just before its chapters."""
        result: list[Chapter | Part] = list(self.front)
        for item in self.body:
            result.append(item)
            if isinstance(item, Part):
                result.extend(item.chapters)
        result.extend(self.back)
        return result

    def parts(self) -> list[Part]:
        """The parts of the body, in order."""
        return [item for item in self.body if isinstance(item, Part)]
