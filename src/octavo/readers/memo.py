"""Sections a reader rendered in the last build, kept in the book's cache: a rebuild after an
edit renders only the sections the edit changed.

What is kept is the reader's own HTML, before `finish_fragment`: every section is still
sanitised, its images and links checked, on every build. The keys are made with this user's
own secret (uptodate.local_secret), kept outside the book: an entry someone else wrote into a
book folder they give you is never taken for a section of the book.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from octavo.uptodate import KeptEntries

FOLDER = "sections"
FORMAT = "octavo-sections-1"  # changes when what is kept changes meaning


class SectionMemo(KeptEntries):
    """The rendered sections of one manuscript file, by a hash of what they were rendered from."""

    def __init__(self, cache: Path | None, shown: str) -> None:
        """`cache`: the book's cache folder; None keeps nothing."""
        import markdown_it

        from octavo.uptodate import cache_subfolder, code_fingerprint

        name = hashlib.sha256(shown.encode("utf-8")).hexdigest()[:32]
        folder = cache_subfolder(cache, FOLDER) if cache is not None else None
        # A changed Octavo, or markdown-it (its quotes, its emphasis), renders anew.
        super().__init__(folder / f"{name}.json" if folder is not None else None,
                         f"{FORMAT} {code_fingerprint()} {markdown_it.__version__}", "sections",
                         lambda html: isinstance(html, str))

    def key(self, *parts: str) -> str:
        """The key of a section rendered from `parts` (its text, and how it was read)."""
        return self.digest(*(part.encode("utf-8", "surrogatepass") for part in parts))
