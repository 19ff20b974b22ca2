"""`octavo init`: a new book folder, ready to write in and to build."""

from __future__ import annotations

import json
import string
from pathlib import Path

from octavo.config import CONFIG_NAME, MAX_LINE
from octavo.errors import BuildError, UsageError
from octavo.text import has_xml_invalid, xml_safe

SKELETON = Path(__file__).resolve().parent / "skeleton"
# skeleton file -> where it goes in the new book (a wheel may drop dot-files, so renamed)
RENAMED = {"gitignore.txt": ".gitignore"}


def init_book(root: Path, title: str | None = None, author: str | None = None,
              first_chapter: bool = True) -> list[Path]:
    """Write a new book into `root` (created if missing); never over an existing book.
    Without `first_chapter` the manuscript folder is left empty (`octavo import` fills it)."""
    if (root / CONFIG_NAME).exists():
        raise BuildError("already holds a book; octavo init never overwrites one", root / CONFIG_NAME)
    manuscript = root / "manuscript"
    if manuscript.is_dir() and any(manuscript.iterdir()):
        raise BuildError("already holds chapters; octavo init never overwrites a book", manuscript)
    title = title or _title_from(root)
    author = author or "Your Name"
    _check_text("the title", title, root)
    _check_text("the author's name", author, root)
    values = {"title": toml_string(title), "author": toml_string(author)}
    sources = sorted(p for p in SKELETON.rglob("*") if p.is_file()
                     and (first_chapter or p.parent.name != "manuscript"))
    targets = [root / RENAMED.get(p.name, str(p.relative_to(SKELETON))) for p in sources]
    clashes = [t for t in targets if t.exists()]
    if clashes:
        raise BuildError("already exists; octavo init never overwrites a file", clashes[0])
    places = _places(root, targets)
    _check_folders(places - set(targets))
    _check_links(places - {root}, targets)
    written = []
    try:
        for source, target in zip(sources, targets, strict=True):
            target.parent.mkdir(parents=True, exist_ok=True)
            text = source.read_text(encoding="utf-8")
            if source.name == CONFIG_NAME:
                text = string.Template(text).substitute(values)
            with target.open("x", encoding="utf-8") as out:  # never through a link made since
                out.write(text)
            written.append(target)
        (root / "dist").mkdir(exist_ok=True)
        (root / "manuscript").mkdir(exist_ok=True)
    except OSError as exc:
        raise BuildError(f"cannot write the new book: {exc.strerror}", root) from None
    return written


def _places(root: Path, targets: list[Path]) -> set[Path]:
    """Every path the new book takes: its folder, dist/, manuscript/, each file and the
    folders holding it."""
    return {root / "dist", root / "manuscript",
            *(p for t in targets for p in (t, *t.parents) if p.is_relative_to(root))}


def _check_folders(folders: set[Path]) -> None:
    """Refuse, before a file is written, a book whose folders (its own, manuscript/, styles/,
    dist/) cannot be made: a file or a link to nothing stands where one goes. Found only
    halfway, it left book.toml behind, and the next `octavo init` said "already holds a book"."""
    for folder in sorted(folders):
        if folder.is_symlink() and not folder.exists():
            raise BuildError("a link to nothing stands where the book's folder goes", folder)
        if folder.exists() and not folder.is_dir():
            raise BuildError("a file stands where the book's folder goes; octavo init never "
                             "overwrites a file", folder)


def _check_links(paths: set[Path], targets: list[Path]) -> None:
    """Refuse, before a file is written, a link inside the book folder where a file or folder
    of the new book goes (even a link to nothing): written through, the file landed wherever
    the link points, outside the book for a folder someone else gave. (The book folder itself
    may be a link, and is not among `paths`: the writer named it.)"""
    for path in sorted(paths):
        if path.is_symlink():
            kind = "file" if path in targets else "folder"
            raise BuildError(f"refused: a link stands where the book's {kind} goes; octavo init "
                             "never writes through a link", path)


def _check_text(what: str, text: str, root: Path) -> None:
    """Refuse a title or name that `octavo build` would refuse or change: a blank one, or one
    holding a character XML cannot hold."""
    if not text.strip():
        raise UsageError(f"{what} must not be empty", root)
    if len(text) > MAX_LINE:
        raise UsageError(f"{what} is {len(text):,} characters long; at most {MAX_LINE:,}", root)
    bad = next((c for c in text if has_xml_invalid(c)), None)
    if bad is not None:
        raise UsageError(f"{what} holds {_named(bad)}; remove it", root)


def _named(char: str) -> str:
    """A character XML cannot hold, as a message names it."""
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte of the command line that is not UTF-8 (surrogateescape)
        return f"the byte 0x{code - 0xDC00:02X}, which is not UTF-8"
    kind = "control character" if code < 0x20 else "character"
    return f"the {kind} U+{code:04X}, which a book cannot hold"


def _title_from(root: Path) -> str:
    """my-first-novel -> My First Novel (without the characters XML cannot hold)."""
    words = xml_safe(root.resolve().name).replace("_", " ").replace("-", " ").split()
    return " ".join(w[:1].upper() + w[1:] for w in words) or "Untitled"


def toml_string(text: str) -> str:
    """A TOML basic string: JSON's escaping is a subset of TOML's, but JSON leaves DEL (U+007F)
    as it is, which TOML refuses unescaped: a title holding one made a book.toml the build
    could not read."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")
