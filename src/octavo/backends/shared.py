"""What both formats print alike: the title and copyright pages' facts, images, numbers, and
the check that a theme's template printed a title's note call."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re
from pathlib import Path
from typing import Any

from octavo.errors import ThemeError
from octavo.model import Book, Chapter, Image, Metadata, Part

_ID = re.compile(r'\bid="([^"]+)"')


def page_facts(meta: Metadata, source_epoch: int, isbn: str = "") -> dict[str, str]:
    """What the title and copyright pages print besides the metadata itself (`isbn`: this
    edition's own, when it is not the book's identifier)."""
    year = meta.date[:4] if meta.date else str(dt.datetime.fromtimestamp(source_epoch, dt.UTC).year)
    if not isbn and meta.identifier.startswith("urn:isbn:"):
        isbn = meta.identifier[9:]
    return {
        "year": year,
        "isbn": isbn,
        "series_label": "" if meta.series_index is None else f"book {number(meta.series_index)}",
    }


def text_digest(book: Book) -> str:
    """A hash of the book's text as the formats lay it out: a page map is for one text only.
    The title, subtitle and authors count: the title pages print them (a longer title may
    take another page, moving the roman folios), and the page map names the print edition
    by its title."""
    digest = hashlib.sha256()
    meta = book.metadata
    for value in (meta.title, meta.subtitle, *meta.authors):
        digest.update(value.encode("utf-8") + b"\0")
    digest.update(b"\1")
    for item in book.items():
        for value in (item.id, item.title, item.html):
            digest.update(value.encode("utf-8") + b"\0")
    return digest.hexdigest()


def page_map(book: Book, starts: list[list[Any]], isbn: str = "") -> dict[str, Any]:
    """The print layout's page map (see base.PAGE_MAP), naming the print edition it is from."""
    source = f"urn:isbn:{isbn}" if isbn else f"{book.metadata.title}, print edition"
    return {"text": text_digest(book), "source": source, "pages": starts}


def image_bytes(image: Image) -> bytes:
    """The bytes of an image as the book holds it: converted, or the file as it is."""
    return image.data if image.data is not None else image.source.read_bytes()


def image_url(image: Image) -> str:
    """A URL WeasyPrint can fetch the image from: its file, or a data: URL when converted."""
    if image.data is None:
        return image.source.as_uri()
    return f"data:{image.media_type};base64,{base64.b64encode(image.data).decode('ascii')}"


def number(value: float) -> str:
    """2.0 -> "2", 2.5 -> "2.5"."""
    return str(int(value)) if float(value).is_integer() else str(value)


def check_title_notes(items: list[Chapter | Part], html: str, template: Path | str) -> None:
    """Refuse a page a theme's `template` rendered without the note calls of a title that
    has them (it printed `chapter.title`, not `chapter.title_html`): the note would be lost
    in the PDF, and left without its call, an invalid EPUB, in the EPUB."""
    for item in items:
        missing = [i for i in _ID.findall(item.title_html) if f'id="{i}"' not in html]
        if missing:
            raise ThemeError(f"prints the title {item.title!r} without its footnote call: print "
                             "chapter.title_html | safe (part.title_html in a part's page) when "
                             "it is set, as Octavo's own templates do", template)
