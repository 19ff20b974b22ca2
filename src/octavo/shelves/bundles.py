"""A book folder as bytes for another machine, and what its build process there may see."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from octavo.errors import OctavoError

SKIPPED_DIRS = {"node_modules", "__pycache__"}  # besides dot-folders, the cache and the output
MAX_BUNDLE = 512 * 1024 * 1024  # bytes: a book folder larger than this is not sent


def environment() -> dict[str, str]:
    """What a worker must share with this machine for its files to be this machine's."""
    from octavo.uptodate import code_fingerprint, weasyprint_version

    return {"octavo": code_fingerprint(), "weasyprint": weasyprint_version()}


def book_files(root: Path, skipped: set[Path]) -> dict[str, bytes]:
    """Every file of the book folder by its path inside it: not its output folders (`skipped`),
    its cache, dot-files, or links that lead out of it."""
    from octavo.uptodate import CACHE_DIR

    files: dict[str, bytes] = {}
    total = 0
    for folder, dirs, names in os.walk(root, followlinks=False):
        here = Path(folder)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIPPED_DIRS
                         and d != CACHE_DIR and here / d not in skipped)
        for name in sorted(names):
            path = here / name
            if name.startswith(".") or not _lands_inside(path, root):
                continue
            with contextlib.suppress(OSError):
                data = path.read_bytes()
                total += len(data)
                if total > MAX_BUNDLE:
                    raise OctavoError(f"the book folder holds over {MAX_BUNDLE >> 20} MB besides "
                                      "its output: too much to send to a cluster", root)
                files[path.relative_to(root).as_posix()] = data
    return files


def clean_environment(epoch: str | None) -> dict[str, str]:
    """The environment of a build process on a worker: only what shapes the output travels
    (the source date); the worker's own SOURCE_DATE_EPOCH, locale or time zone do not."""
    env = {k: v for k, v in os.environ.items()
           if k in ("PATH", "HOME", "TMPDIR", "PYTHONPATH", "VIRTUAL_ENV", "SYSTEMROOT")}
    env |= {"LC_ALL": "C.UTF-8", "TZ": "UTC"}
    if epoch is not None:
        env["SOURCE_DATE_EPOCH"] = epoch
    return env


def _lands_inside(path: Path, root: Path) -> bool:
    try:
        return path.is_file() and path.resolve().is_relative_to(root)
    except (OSError, RuntimeError):
        return False
