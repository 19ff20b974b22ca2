"""The output formats, one row each: the only place that lists them.

Each backend declares itself (`BACKEND`, a `Backend`) in the module that writes it; that
module imports EbookLib or WeasyPrint only when it renders, so reading this table is cheap.
"""

from __future__ import annotations

from octavo.backends import epub, pdf
from octavo.backends.base import Backend, RenderContext

__all__ = ["FORMATS", "Backend", "RenderContext", "backend", "register"]

FORMATS: dict[str, Backend] = {}


def register(declared: Backend) -> Backend:
    """Add an output format to the table (a format of the same name is replaced)."""
    FORMATS[declared.name] = declared
    return declared


def backend(name: str) -> Backend:
    """The format called `name`; KeyError if there is none."""
    return FORMATS[name]


def stylesheets() -> tuple[str, ...]:
    """The theme stylesheets the formats use, in table order."""
    return tuple(b.stylesheet for b in FORMATS.values() if b.stylesheet)


register(epub.BACKEND)
register(pdf.BACKEND)
