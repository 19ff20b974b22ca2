"""The print PDF format: its declaration and its [print] table; the modules beside it lay it out.

compose (the book as one HTML document) -> layout (WeasyPrint, whole or in chunks: chunks,
parallel, worker, cache, join), within geometry (page size, margins, gutter) and fetcher (what
WeasyPrint may read).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from octavo.backends.base import Backend, RenderContext, Settings
from octavo.backends.pdf.settings import PRINT_KEYS, read_print_settings

if TYPE_CHECKING:
    from octavo.model import Book
    from octavo.themes import Theme


def render(book: Book, theme: Theme, target: Path, context: RenderContext) -> None:
    """Write `book` as a print PDF at `target`."""
    from octavo.backends.pdf.layout import render_pdf

    render_pdf(book, theme, target, context, stylesheet=STYLESHEET)


STYLESHEET = "print.css"  # the theme's stylesheet for print (WeasyPrint)
BACKEND = Backend(name="pdf", suffix=".pdf", media_type="application/pdf", render=render,
                  stylesheet=STYLESHEET,
                  settings=Settings(table="print", keys=PRINT_KEYS, read=read_print_settings))
