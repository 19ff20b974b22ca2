"""The output formats: one `render(book, theme, target, options)` per format, in one table."""

from __future__ import annotations

import base64
import datetime as dt
import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from octavo.config import PrintSettings
from octavo.diagnostics import Diagnostics
from octavo.model import Book, Image, Metadata
from octavo.themes import Theme


@dataclass(frozen=True)
class RenderOptions:
    """What a backend needs besides the book and theme."""

    book_root: Path  # nothing outside it (and the theme folders) may be read
    source_epoch: int  # seconds since 1970, the book's fixed "modified" time
    diagnostics: Diagnostics = field(default_factory=Diagnostics)
    print: PrintSettings = field(default_factory=PrintSettings)  # [print] in book.toml
    jobs: int | None = None  # worker processes for the PDF; None: one per CPU (at most 4)
    progress: bool = False  # show a progress bar when the output is a terminal


def page_facts(meta: Metadata, source_epoch: int) -> dict[str, str]:
    """What the title and copyright pages print besides the metadata itself."""
    year = meta.date[:4] if meta.date else str(dt.datetime.fromtimestamp(source_epoch, dt.UTC).year)
    return {
        "year": year,
        "isbn": meta.identifier[9:] if meta.identifier.startswith("urn:isbn:") else "",
        "series_label": "" if meta.series_index is None else f"book {number(meta.series_index)}",
    }


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


Renderer = Callable[[Book, Theme, Path, RenderOptions], None]

# format name -> (module, file suffix). Modules are imported only when used, so that
# `octavo --help` does not pay for EbookLib or WeasyPrint.
BACKENDS: dict[str, tuple[str, str]] = {
    "epub": ("octavo.backends.epub", ".epub"),
    "pdf": ("octavo.backends.pdf", ".pdf"),
}


def renderer(name: str) -> Renderer:
    """The `render` function of backend `name`."""
    module = importlib.import_module(BACKENDS[name][0])
    render: Renderer = module.render
    return render
