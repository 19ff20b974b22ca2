"""Temporary folders that go when their work is done, whatever the libraries inside leave there.

WeasyPrint copies a theme's fonts into a temporary folder of its own (1–2 MB a layout) and
removes it only when Python frees the font configuration. A process that ends at once never
frees it: the `octavo` command (cli.run), and every forked worker and press. So a command's
temporary files, and those of the processes it starts, go into a folder the command removes as
it ends (`temporary_files`); and each forked helper's into a folder its parent removes once the
helper has stopped (`for_children`), since a preview rebuilds for hours in one command.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

PREFIX = "octavo-"


@contextlib.contextmanager
def temporary_files() -> Iterator[Path]:
    """Within the block, this process's temporary files (and its children's) go into a new
    folder, removed at the end with whatever is left in it."""
    folder = Path(tempfile.mkdtemp(prefix=PREFIX))
    saved = tempfile.tempdir, os.environ.get("TMPDIR")
    use(folder)
    try:
        yield folder
    finally:
        tempfile.tempdir = saved[0]
        if saved[1] is None:
            os.environ.pop("TMPDIR", None)
        else:
            os.environ["TMPDIR"] = saved[1]
        remove(folder)


def for_children() -> Path:
    """A new folder for the temporary files of processes about to be forked: each calls `use`
    with it; the parent calls `remove` once they have ended."""
    return Path(tempfile.mkdtemp(prefix=PREFIX))


def use(folder: Path | str) -> None:
    """Put this process's temporary files, and those of processes it starts, into `folder`."""
    tempfile.tempdir = str(folder)
    os.environ["TMPDIR"] = str(folder)


def remove(folder: Path | str | None) -> None:
    """Remove a folder of temporary files and all in it (gone already: nothing to do)."""
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


def dask_worker_folder() -> str | None:
    """The Dask worker's own folder, when this runs in one: the worker removes it as it
    closes, and the next worker started beside it removes a dead worker's."""
    try:
        from distributed import get_worker

        return str(get_worker().local_directory)
    except (ImportError, ValueError):  # no Dask here, or not in a worker
        return None
