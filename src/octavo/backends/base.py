"""What an output format declares about itself, and what it is handed when it renders."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from octavo.diagnostics import Diagnostics

# typing.TYPE_CHECKING without importing typing: this table is read on every command,
# the no-op build included, which must stay quick (type checkers take the name as true).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from octavo.model import Book
    from octavo.themes import Theme

# The print layout's page map, which the EPUB's page-list is made from: in RenderContext.facts
# under this name, {"text": shared.text_digest(book), "source": the print edition, "pages":
# [[page index, folio, section id, characters before, first line], ...]}.
PAGE_MAP = "page-map"
# The print PDF's page count as built (press-ready blanks included): in RenderContext.facts
# under this name, for the PDF's companions (the cover wrap's spine follows it).
PDF_PAGES = "pdf-pages"

# Reports a problem with one key of a backend's settings table: (key, message).
Problem = Callable[[str, str], None]


@dataclass(frozen=True)
class RenderContext:
    """What a backend is given besides the book and the theme."""

    book_root: Path  # nothing outside it (and the theme folders) may be read
    source_epoch: int  # seconds since 1970, the book's fixed "modified" time
    diagnostics: Diagnostics = field(default_factory=Diagnostics)
    settings: Any = None  # the backend's own settings, read from its table in book.toml
    # How the build may run, for a backend that can use it: worker processes (None: one per
    # CPU, at most 4), and whether a progress bar may be drawn on a terminal.
    jobs: int | None = None
    progress: bool = False
    # What one format leaves for the next in the same build (formats that leave something
    # render first), over what the last build to land left: the print layout's page map.
    facts: dict[str, Any] = field(default_factory=dict)
    edition: str = ""  # the edition being built ("": the main one): its own cache folder
    cluster: str | None = None  # a Dask scheduler's address: the PDF's chunks are laid out there
    cover_press: Any = None  # a CoverPress (epub/coverpress.py) warmed for the typographic cover
    pool: Any = None  # the PDF's worker processes, started as the book was read (WarmPool)
    # Work a format leaves running while the build writes its other files (the PDF's join):
    # each is called, and must succeed, before any file lands; None where the caller waits
    # for nothing (a format then finishes its own work before it returns).
    finish: list[Any] | None = None

    @property
    def cache(self) -> Path:
        """This edition's cache folder in the book (the chunk cache, the last page count)."""
        from octavo.uptodate import cache_dir

        return cache_dir(self.book_root, self.edition)


Renderer = Callable[["Book", "Theme", Path, RenderContext], None]


@dataclass(frozen=True)
class Settings:
    """A backend's own table in book.toml: its name, its keys, and how it is read."""

    table: str  # "print" for [print]
    keys: tuple[str, ...]  # the keys it knows; any other is warned about
    read: Callable[[dict[str, Any], Problem], Any]  # the table's values -> a settings object


@dataclass(frozen=True)
class Companion:
    """A second file a format writes beside its own in the same build (the PDF's cover wrap).

    It renders right after its format, with the same context, so it sees the facts that render
    left (the page count); it lands with the other files, is printed and stamped like them.
    """

    name: str  # "cover-wrap": how the build's outputs name it
    suffix: str  # "-cover.pdf": the build writes <slug><suffix>
    render: Renderer  # writes the file to the given path; imports its libraries when called

    def target(self, out_dir: Path, slug: str) -> Path:
        """The file this companion writes for a book whose slug is `slug`."""
        return out_dir / f"{slug}{self.suffix}"


@dataclass(frozen=True)
class Backend:
    """An output format as the rest of Octavo knows it, declared in the module that writes it.

    The build, the command line, book.toml, `octavo check`, `octavo watch` and the themes
    read these fields; none of them names a format itself.
    """

    name: str  # "epub": the name --format and [build] formats use
    suffix: str  # ".epub": the build writes <slug><suffix>
    media_type: str  # "application/epub+zip": how the preview serves the file
    render: Renderer  # writes the book to the given path; imports its libraries when called
    stylesheet: str | None = None  # the theme's stylesheet it uses, "epub.css"
    settings: Settings | None = None  # its own table in book.toml, if it has one
    leaves: tuple[str, ...] = ()  # the facts it leaves for other formats (rendered first)
    companions: tuple[Companion, ...] = ()  # files it writes beside its own (the cover wrap)

    def target(self, out_dir: Path, slug: str) -> Path:
        """The file this format writes for a book whose slug is `slug`."""
        return out_dir / f"{slug}{self.suffix}"

    def read_settings(self, data: dict[str, Any], problem: Problem) -> Any:
        """The settings object from its table's values ({} when book.toml has no such table)."""
        return None if self.settings is None else self.settings.read(data, problem)
