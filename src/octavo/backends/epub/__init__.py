"""The EPUB 3 format: its declaration and its [accessibility] table; `write` makes the file
with EbookLib, `accessibility` its accessibility metadata, `pagelist` its print page numbers."""

from __future__ import annotations

from pathlib import Path

from octavo.backends.base import Backend, Problem, RenderContext, Settings

TYPE_CHECKING = False  # as in backends/base.py: no typing import on every command
if TYPE_CHECKING:
    from typing import Any

    from octavo.backends.epub.accessibility import AccessibilitySettings
    from octavo.model import Book
    from octavo.themes import Theme


def read_settings(data: dict[str, Any], problem: Problem) -> AccessibilitySettings:
    """The [accessibility] table read (its module loads with book.toml, not on every command)."""
    from octavo.backends.epub.accessibility import read_accessibility

    return read_accessibility(data, problem)


def render(book: Book, theme: Theme, target: Path, context: RenderContext) -> None:
    """Write `book` as an EPUB 3 file at `target`."""
    from octavo.backends.epub.write import write_epub

    write_epub(book, theme, target, context, stylesheet=STYLESHEET)


# The keys of [accessibility]: each overrides what Octavo declares from the book itself.
ACCESSIBILITY_KEYS = ("access_modes", "access_mode_sufficient", "features", "hazards",
                      "summary", "conforms_to", "certified_by", "certifier_credential",
                      "certifier_report")
STYLESHEET = "epub.css"  # the theme's stylesheet for e-readers
BACKEND = Backend(name="epub", suffix=".epub", media_type="application/epub+zip",
                  render=render, stylesheet=STYLESHEET,
                  settings=Settings(table="accessibility", keys=ACCESSIBILITY_KEYS,
                                    read=read_settings))
