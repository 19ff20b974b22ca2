"""One book of a shelf: what the command line asked of it, building it, and its result."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from octavo.errors import OctavoError, one_line

BUILT, UP_TO_DATE, FAILED, SKIPPED = "built", "up to date", "failed", "skipped"


@dataclass
class BookDone:
    """One book's result on a shelf: its status, the files it has, and what went wrong."""

    name: str  # the book folder as the shelf names it
    status: str  # BUILT, UP_TO_DATE, FAILED, or SKIPPED (no such edition)
    files: list[str] = field(default_factory=list)  # the files it wrote (or has, up to date)
    warnings: list[str] = field(default_factory=list)
    message: str = ""  # why it failed, one line
    seconds: float = 0.0
    where: str = ""  # the machine that built it (a Dask worker's address), "" for this one

    def line(self) -> str:
        """The line printed for this book."""
        if self.status in (FAILED, SKIPPED):
            return f"{self.status:<11} {self.name}: {self.message}"
        files = ", ".join(self.files) or "nothing to build"
        extra = f", {len(self.warnings)} warning(s)" if self.warnings else ""
        on = f" on {self.where}" if self.where else ""
        took = "nothing changed" if self.status == UP_TO_DATE else f"{self.seconds:.2f} s"
        return f"{self.status:<11} {self.name}: {files} ({took}{on}{extra})"


@dataclass(frozen=True)
class BuildOptions:
    """What the command line asked of every book on the shelf."""

    formats: tuple[str, ...] | None = None
    theme: str | None = None
    edition: str | None = None


def build_book(root: Path, options: BuildOptions, pdf_jobs: int | None = None,
               cluster: str | None = None) -> BookDone:
    """Build one book of a shelf here (its PDF's chunks on the Dask scheduler at `cluster`, if
    given): every edition asked for; a failure is its result."""
    from octavo.shelves.alleditions import build_editions

    started = time.perf_counter()
    result = BookDone(root.name, UP_TO_DATE)
    try:
        for done in build_editions(root, options.formats, options.theme, None, pdf_jobs,
                                   edition=options.edition, cluster=cluster):
            result.warnings += [w for w in done.diagnostics.warnings if w not in result.warnings]
            if done.up_to_date:
                result.files += [p.name for p in done.kept]
            else:
                result.status = BUILT
                result.files += [output.path.name for output in done.outputs]
    except OctavoError as exc:
        result.status, result.message = FAILED, one_line(exc.render(root.resolve()))
    except Exception as exc:  # a bug of ours: this book fails, the shelf goes on
        result.status = FAILED
        result.message = one_line(f"internal error: {type(exc).__name__}: {exc}")
    result.seconds = time.perf_counter() - started
    return result
