"""Sections a reader rendered in the last build, kept in the book's cache: a rebuild after an
edit renders only the sections the edit changed.

What is kept is the reader's own HTML, before `finish_fragment`: every section is still
sanitised, its images and links checked, on every build. The keys are made with this user's
own secret (uptodate.local_secret), kept outside the book: an entry someone else wrote into a
book folder they give you is never taken for a section of the book.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from pathlib import Path

FOLDER = "sections"
FORMAT = "octavo-sections-1"  # changes when what is kept changes meaning


class SectionMemo:
    """The rendered sections of one manuscript file, by a hash of what they were rendered from."""

    def __init__(self, cache: Path | None, shown: str) -> None:
        """`cache`: the book's cache folder; None keeps nothing."""
        import markdown_it

        from octavo.uptodate import cache_subfolder, code_fingerprint, local_secret

        name = hashlib.sha256(shown.encode("utf-8")).hexdigest()[:32]
        folder = cache_subfolder(cache, FOLDER) if cache is not None else None
        self.path = folder / f"{name}.json" if folder is not None else None
        self.secret = local_secret()
        # A changed Octavo, or markdown-it (its quotes, its emphasis), renders anew.
        self.stamp = f"{FORMAT} {code_fingerprint()} {markdown_it.__version__}"
        self.old: dict[str, str] = {}
        self.new: dict[str, str] = {}
        with contextlib.suppress(OSError, ValueError, AttributeError, RecursionError):
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if isinstance(data, dict) and data.get("stamp") == self.stamp \
                    and isinstance(data.get("sections"), dict):
                self.old = {str(k): v for k, v in data["sections"].items() if isinstance(v, str)}

    def key(self, *parts: str) -> str:
        """The key of a section rendered from `parts` (its text, and how it was read)."""
        digest = hashlib.sha256(self.secret)
        for part in parts:
            digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
        return digest.hexdigest()[:40]

    def get(self, key: str) -> str | None:
        """The section's HTML as last rendered, or None."""
        found = self.old.get(key)
        if found is not None:
            self.new[key] = found
        return found

    def put(self, key: str, html: str) -> None:
        self.new[key] = html

    def save(self) -> None:
        """Keep this build's sections (only those: an edited section's old HTML goes)."""
        if self.path is None or self.new == self.old:
            return
        from octavo.uptodate import write_atomically

        with contextlib.suppress(OSError):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(self.path, json.dumps(
                {"stamp": self.stamp, "sections": self.new}).encode("utf-8"))
