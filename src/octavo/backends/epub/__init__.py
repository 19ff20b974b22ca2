"""The EPUB 3 format: its declaration; `write` makes the file with EbookLib."""

from __future__ import annotations

from pathlib import Path

from octavo.backends.base import Backend, RenderContext

TYPE_CHECKING = False  # as in backends/base.py: no typing import on every command
if TYPE_CHECKING:
    from octavo.model import Book
    from octavo.themes import Theme


def render(book: Book, theme: Theme, target: Path, context: RenderContext) -> None:
    """Write `book` as an EPUB 3 file at `target`."""
    from octavo.backends.epub.write import write_epub

    write_epub(book, theme, target, context, stylesheet=STYLESHEET)


STYLESHEET = "epub.css"  # the theme's stylesheet for e-readers
BACKEND = Backend(name="epub", suffix=".epub", media_type="application/epub+zip",
                  render=render, stylesheet=STYLESHEET)
