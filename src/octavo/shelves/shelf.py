"""Shelves: a folder of book folders (or a shelf.toml listing them), every book built in parallel."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from octavo.config import CONFIG_NAME
from octavo.errors import ConfigError, OctavoError, one_line
from octavo.paths import Refused, inside, landing
from octavo.shelves.books import (
    BUILT,
    FAILED,
    SKIPPED,
    UP_TO_DATE,
    BookDone,
    BuildOptions,
    build_book,
)
from octavo.text import read_toml

SHELF_FILE = "shelf.toml"


@dataclass
class ShelfReport:
    """Every book's result, in the shelf's order, and the time the shelf took."""

    books: list[BookDone]
    seconds: float

    @property
    def failed(self) -> int:
        return sum(book.status == FAILED for book in self.books)

    @property
    def warnings(self) -> int:
        return sum(len(book.warnings) for book in self.books)

    def failures(self) -> list[str]:
        """One line per failed book, its message."""
        return [f"{book.name}: {book.message}" for book in self.books if book.status == FAILED]

    def summary(self) -> str:
        """The last line: how many books did what, in how long."""
        counts = {status: sum(b.status == status for b in self.books)
                  for status in (BUILT, UP_TO_DATE, FAILED, SKIPPED)}
        skipped = f", {counts[SKIPPED]} without the edition" if counts[SKIPPED] else ""
        return (f"{len(self.books)} book(s): {counts[BUILT]} built, {counts[UP_TO_DATE]} up to "
                f"date, {counts[FAILED]} failed{skipped}, {self.warnings} warning(s) in "
                f"{self.seconds:.2f} s")


def is_shelf(path: Path) -> bool:
    """True for a folder with a shelf.toml, or one that is no book but holds book folders."""
    if not path.is_dir():
        return False
    if (path / SHELF_FILE).is_file():
        return True
    if (path / CONFIG_NAME).exists() or (path / "manuscript").is_dir():
        return False
    return any(_is_book(child) for child in path.iterdir())


def shelf_books(shelf: Path) -> list[Path]:
    """The shelf's book folders: shelf.toml's `books` in its order, else every book folder in
    it by name."""
    listed = shelf / SHELF_FILE
    if not listed.is_file():
        found = sorted((child for child in shelf.iterdir() if _is_book(child)),
                       key=lambda p: p.name)
        outside = [OctavoError("a link to a book folder outside the shelf; a shelf builds the "
                               "books inside it (list it in shelf.toml from inside, or move it "
                               "in)", book) for book in found if not _inside(book, shelf)]
        if outside:  # its dist/ and cache would be written out there
            raise ConfigError(outside)
        # A link to a book of the shelf is that book: built twice at once, the builds clashed.
        books: dict[Path, Path] = {}
        for book in found:
            books.setdefault(landing(book), book)
        return list(books.values())
    try:
        data = read_toml(listed, listed)
    except OctavoError as exc:
        raise ConfigError([exc]) from None
    names = data.get("books")
    if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
        raise ConfigError([OctavoError('books: must list the shelf\'s book folders, e.g. '
                                       'books = ["first-novel", "second-novel"]', listed)])
    books: list[Path] = []
    problems: list[OctavoError] = []
    for name in dict.fromkeys(names):
        try:
            folder = inside(shelf / name, shelf)
        except Refused:
            problems.append(OctavoError(f"books: {name} is outside the shelf's folder", listed))
            continue
        if not folder.is_dir():
            problems.append(OctavoError(f"books: {name} is not a folder", listed))
        elif folder not in books:  # "a" and "./a" land on one folder: built twice at once, clashed
            books.append(folder)
    if problems:
        raise ConfigError(problems)
    return books


def _inside(folder: Path, shelf: Path) -> bool:
    try:
        inside(folder, shelf)
    except Refused:
        return False
    return True


def _is_book(folder: Path) -> bool:
    return folder.is_dir() and not folder.name.startswith(".") and (folder / CONFIG_NAME).is_file()


def build_shelf(books: list[Path], formats: tuple[str, ...] | None = None,
                theme: str | None = None, edition: str | None = None, jobs: int | None = None,
                cluster: str | None = None,
                show: Callable[[str], object] | None = None) -> ShelfReport:
    """Build every book (every edition of each) and report each as it finishes: on this
    machine's CPUs, or on the Dask scheduler at `cluster`. A failed book fails alone."""
    started = time.perf_counter()
    names = {book: _name(book, books) for book in books}
    done: dict[Path, BookDone] = {}
    stale = []
    for book in books:  # an unchanged book costs nothing: no process, no task
        if edition is not None and not _has_edition(book, edition):
            done[book] = BookDone(names[book], SKIPPED, message=f"no edition {edition!r}")
            _show(show, done[book])
            continue
        kept = kept_files(book, formats, theme, edition)
        if kept is not None:
            done[book] = BookDone(names[book], UP_TO_DATE, files=kept[0], warnings=kept[1])
            _show(show, done[book])
        else:
            stale.append(book)
    options = BuildOptions(formats, theme, edition)
    if cluster is not None and stale:
        from octavo.shelves.cluster import build_on_cluster

        for book, result in build_on_cluster(cluster, stale, options):
            result.name = names[book]
            done[book] = result
            _show(show, result)
    elif stale:
        from octavo.backends.pdf import worker

        workers = min(len(stale), jobs or worker.cpu_count(), worker.most_jobs())
        pdf_jobs = max(1, worker.cpu_count() // len(stale))  # a lone stale book still lays out in parallel
        for book, result in _build_locally(stale, options, workers, pdf_jobs):
            result.name = names[book]
            done[book] = result
            _show(show, result)
    return ShelfReport([done[book] for book in books], time.perf_counter() - started)


def kept_files(root: Path, formats: tuple[str, ...] | None, theme: str | None,
               edition: str | None) -> tuple[list[str], list[str]] | None:
    """The book's files and warnings when every edition asked for is up to date, else None."""
    from octavo.uptodate import build_request, up_to_date

    names = [edition] if edition is not None else [""]
    files: list[str] = []
    warnings: list[str] = []
    for position, name in enumerate(names):
        within = bool(name) and edition is None
        stamp = up_to_date(root, build_request(root, formats, theme, None, name, within))
        if stamp is None:
            return None
        files += [Path(p).name for p in stamp.outputs]
        warnings += [w for w in stamp.warnings if w not in warnings]
        if position == 0 and edition is None:
            names += stamp.editions
    return files, warnings


def _build_locally(books: list[Path], options: BuildOptions, workers: int,
                   pdf_jobs: int) -> Iterator[tuple[Path, BookDone]]:
    """Each book in a process of its own, `workers` at a time; results as they finish."""
    from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait

    from octavo.backends.pdf.worker import fork_context

    if workers < 2:
        for book in books:
            yield book, build_book(book, options, pdf_jobs)
        return
    with ProcessPoolExecutor(workers, mp_context=fork_context()) as pool:
        futures: dict[Future[BookDone], Path] = {
            pool.submit(build_book, book, options, pdf_jobs): book for book in books}
        pending = set(futures)
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                book = futures[future]
                try:
                    yield book, future.result()
                except Exception as exc:  # the process died (killed, out of memory)
                    yield book, BookDone(book.name, FAILED,
                                         message=f"its build process died: {exc}")


def _has_edition(book: Path, edition: str) -> bool:
    """Whether the book's book.toml has this edition (a book.toml that cannot be read: yes, so
    that its build fails with its message)."""
    from octavo.config import load_config
    from octavo.diagnostics import Diagnostics

    try:
        return edition in load_config(book, Diagnostics()).editions
    except OctavoError:
        return True


def _name(book: Path, books: list[Path]) -> str:
    """How the shelf names a book: its folder's name, or its path when names repeat; control
    characters escaped (a folder named "x\nerror: ..." printed a line of its own making, and
    escape sequences reached the terminal as commands)."""
    if sum(b.name == book.name for b in books) == 1:
        return one_line(book.name)
    return one_line(str(book))


def _show(show: Callable[[str], object] | None, book: BookDone) -> None:
    if show is not None:
        show(book.line())
