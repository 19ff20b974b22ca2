"""The print PDF format: its declaration and its [print] table; the modules beside it lay it out.

compose (the book as one HTML document) -> layout (WeasyPrint, whole or in chunks: chunks,
parallel, worker, cache, join), within geometry (page size, margins, gutter) and fetcher (what
WeasyPrint may read).
"""

from __future__ import annotations

from pathlib import Path

from octavo.backends.base import (
    PAGE_MAP,
    Backend,
    Companion,
    Problem,
    RenderContext,
    Settings,
)

TYPE_CHECKING = False  # as in backends/base.py: no typing import on every command
if TYPE_CHECKING:
    from typing import Any

    from octavo.backends.pdf.settings import PrintSettings
    from octavo.model import Book
    from octavo.themes import Theme


def read_settings(data: dict[str, Any], problem: Problem) -> PrintSettings:
    """The [print] table read (its module loads with book.toml, never for the no-op check)."""
    from octavo.backends.pdf.settings import read_print_settings

    return read_print_settings(data, problem)


def render(book: Book, theme: Theme, target: Path, context: RenderContext) -> None:
    """Write `book` as a print PDF at `target`; its page count, as written, is left in the
    facts for the cover wrap."""
    from octavo.backends.pdf.layout import render_pdf

    render_pdf(book, theme, target, context, stylesheet=STYLESHEET)


def render_cover_wrap(book: Book, theme: Theme, target: Path, context: RenderContext) -> None:
    """Write the cover wrap (back, spine, front) for the print PDF just written."""
    from octavo.backends.pdf.coverwrap import render_wrap

    render_wrap(book, theme, target, context)


# The keys of [print] (settings.py reads them; named here so that reading book.toml's keys
# does not load it).
PRINT_KEYS = (
    "trim", "width", "height", "margins", "gutter", "chapter_start", "profile", "bleed",
    "pdf_variant", "drop_caps", "small_caps", "folio_position", "running_head", "isbn",
    "printer", "paper", "icc_profile", "font_size", "line_height", "justify", "hyphenate",
    "large_print",
)
STYLESHEET = "print.css"  # the theme's stylesheet for print (WeasyPrint)
BACKEND = Backend(name="pdf", suffix=".pdf", media_type="application/pdf", render=render,
                  stylesheet=STYLESHEET,
                  settings=Settings(table="print", keys=PRINT_KEYS, read=read_settings),
                  leaves=(PAGE_MAP,),
                  companions=(Companion(name="cover-wrap", suffix="-cover.pdf",
                                        render=render_cover_wrap),))
