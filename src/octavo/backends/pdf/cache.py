"""A content-addressed cache of rendered PDF chunks in the book's .octavo-cache/ folder."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from octavo.paths import abandoned
from octavo.uptodate import (
    cache_subfolder,
    local_secret,
    read_cached,
    read_cached_json,
    write_atomically,
)

FOLDER = "pdf"
STALE = 3600  # seconds after which a half-written file is a crashed build's


def chunk_key(*parts: str) -> str:
    """The key of a chunk: a hash of everything that changes its pages.

    Callers pass the chunk's HTML, the stylesheets (theme and settings), a hash of the theme's
    files and the book's images, Octavo's code fingerprint and WeasyPrint's version.
    """
    digest = hashlib.sha256(local_secret())  # a chunk someone else put in the book is never ours
    for part in parts:
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()[:40]


class ChunkCache:
    """Rendered chunks: `KEY-OFFSET.pdf` and `KEY-OFFSET.json` (facts and the PDF's checksum).

    An entry is written atomically (a temporary file, then a rename; the PDF before the facts
    that vouch for it) and verified on every read: a corrupt, half-written or foreign entry is
    ignored, removed and rendered again.
    """

    def __init__(self, root: Path | None, folder: str = FOLDER):
        # A folder that links out of the book is not used: pruning would delete files there.
        self.folder = cache_subfolder(root, folder) if root is not None else None
        self.used: set[str] = set()
        self.started = time.time()

    @property
    def enabled(self) -> bool:
        return self.folder is not None

    def path(self, key: str, offset: int) -> Path:
        assert self.folder is not None
        return self.folder / f"{key}-{offset}.pdf"

    def known_pages(self, key: str) -> int | None:
        """The page count of chunk `key` at any offset (a chunk's pages do not depend on it)."""
        if self.folder is None:
            return None
        for facts_path in sorted(self.folder.glob(f"{key}-*.json")):
            facts = self._facts(facts_path)
            if facts is not None and isinstance(facts.get("pages"), int):
                return int(facts["pages"])
        return None

    def get(self, key: str, offset: int) -> tuple[Path, dict[str, Any]] | None:
        """The entry's PDF and facts, if present and whole; else None (a bad entry is removed)."""
        if self.folder is None:
            return None
        pdf = self.path(key, offset)
        facts = self._facts(pdf.with_suffix(".json"))
        if facts is None:
            return None
        try:
            data = read_cached(pdf)
        except OSError:
            data = b""
        if hashlib.sha256(data).hexdigest() != facts.get("sha256"):
            self.discard(key, offset)
            return None
        self.used.add(pdf.stem)
        for path in (pdf, pdf.with_suffix(".json")):  # in use: a build running beside keeps it
            with contextlib.suppress(OSError):
                os.utime(path)
        return pdf, facts

    def kept_in(self, prefix: str, field: str) -> dict[str, tuple[str, int]]:
        """What the entries whose keys begin with `prefix` hold: each name in their facts'
        list `field`, with the entry's key and its place in the list. (Read unchecked: `get`
        checks the entry before it is used.)"""
        found: dict[str, tuple[str, int]] = {}
        if self.folder is None:
            return found
        for path in sorted(self.folder.glob(f"{prefix}*-0.json")):
            names = (self._facts(path) or {}).get(field)
            if isinstance(names, list):
                key = path.name.removesuffix("-0.json")
                found.update((str(name), (key, place)) for place, name in enumerate(names))
        return found

    def put(self, key: str, offset: int, rendered: Path, facts: dict[str, Any]) -> Path:
        """Move a rendered chunk into the cache with its facts; returns where it now is."""
        if self.folder is None:
            return rendered
        pdf = self.path(key, offset)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            facts = {**facts, "sha256": hashlib.sha256(rendered.read_bytes()).hexdigest()}
            os.replace(rendered, pdf)
            write_atomically(pdf.with_suffix(".json"), json.dumps(facts).encode("utf-8"))
        except OSError:
            return rendered if rendered.exists() else pdf
        self.used.add(pdf.stem)
        return pdf

    def discard(self, key: str, offset: int) -> None:
        pdf = self.path(key, offset)
        for path in (pdf.with_suffix(".json"), pdf):
            with contextlib.suppress(OSError):
                path.unlink()

    def prune(self, keep: Iterable[str] = ()) -> None:
        """Remove the entries this build did not use (the cache never outgrows one book).

        What another build running at the same time wrote or read since this one started, and
        files still being written, are left alone.
        """
        if self.folder is None or not self.folder.is_dir():
            return
        used = self.used | set(keep)
        for path in self.folder.iterdir():
            if path.stem in used:
                continue
            # A file being written starts with a dot: left alone unless a crash left it behind.
            age = STALE if path.name.startswith(".") else 1
            with contextlib.suppress(OSError):
                if abandoned(path) or path.stat().st_mtime < self.started - age:
                    path.unlink()

    def _facts(self, path: Path) -> dict[str, Any] | None:
        try:
            facts = read_cached_json(path)
        except (OSError, ValueError):
            if path.exists():
                with contextlib.suppress(OSError):
                    path.unlink()
            return None
        return facts if isinstance(facts, dict) else None
