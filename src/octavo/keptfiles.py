"""Whole files kept in the book's cache, each beside the facts that vouch for it (its hash):
the typographic covers, the cover wraps."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from octavo.paths import abandoned
from octavo.uptodate import cache_subfolder, write_atomically


class KeptFiles:
    """`KEY.SUFFIX` files in a folder of the cache, each with `KEY.json` (its SHA-256 and what
    else the caller keeps of it); the `keep` most recently used are kept."""

    def __init__(self, cache: Path | None, name: str, suffix: str, keep: int) -> None:
        # A folder that links out of the book is not used: pruning would delete files there.
        self.folder = None if cache is None else cache_subfolder(cache, name)
        self.suffix, self.keep = suffix, keep

    def get(self, key: str) -> tuple[bytes, dict[str, Any]] | None:
        """The file kept for `key` and its facts, if both are there and agree (the hash only
        shows that: the caller checks what the bytes must be); marked as recently used."""
        if self.folder is None:
            return None
        kept, facts_path = self.folder / f"{key}{self.suffix}", self.folder / f"{key}.json"
        try:
            data = kept.read_bytes()
            facts = json.loads(facts_path.read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError):
            return None
        if not isinstance(facts, dict) or hashlib.sha256(data).hexdigest() != facts.get("sha256"):
            self.discard(key)
            return None
        for path in (kept, facts_path):  # recently used: kept when the folder is pruned
            with contextlib.suppress(OSError):
                os.utime(path)
        return data, facts

    def put(self, key: str, data: bytes, facts: dict[str, Any] | None = None) -> None:
        """Keep `data` (written atomically, before the facts that vouch for it); a cache that
        cannot be written is no error."""
        if self.folder is None:
            return
        vouched = {"sha256": hashlib.sha256(data).hexdigest(), **(facts or {})}
        with contextlib.suppress(OSError):
            self.folder.mkdir(parents=True, exist_ok=True)
            write_atomically(self.folder / f"{key}{self.suffix}", data)
            write_atomically(self.folder / f"{key}.json", json.dumps(vouched).encode("utf-8"))
            self._prune()

    def discard(self, key: str) -> None:
        if self.folder is None:
            return
        for path in (self.folder / f"{key}.json", self.folder / f"{key}{self.suffix}"):
            with contextlib.suppress(OSError):
                path.unlink()

    def _prune(self) -> None:
        """Remove all but the `keep` most recently used files, and what crashed writers left."""
        assert self.folder is not None
        entries = sorted(self.folder.glob(f"[!.]*{self.suffix}"), key=lambda p: p.stat().st_mtime,
                         reverse=True)
        for old in entries[self.keep:]:
            self.discard(old.stem)
        for partial in self.folder.glob(".*"):
            if abandoned(partial):
                with contextlib.suppress(OSError):
                    partial.unlink()
