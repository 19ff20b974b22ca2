"""The manuscript readers, one row each: a file is read by the reader of its suffix.

Each reader declares itself (`READER`, a `Reader`) in its module; `manuscript` arranges what
they read into the book's matter, parts and chapters.
"""

from __future__ import annotations

from pathlib import Path

from octavo.readers import markdown, plaintext, word
from octavo.readers.base import Reader

READERS: tuple[Reader, ...] = (markdown.READER, plaintext.READER, word.READER)


def reader_for(path: Path) -> Reader | None:
    """The reader for `path`, by its suffix; None when no reader takes it."""
    suffix = path.suffix.lower()
    return next((r for r in READERS if suffix in r.suffixes), None)


def suffixes_named() -> str:
    """The usual suffix of each reader, as messages name them: ".md, .txt or .docx"."""
    names = [r.suffixes[0] for r in READERS]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
