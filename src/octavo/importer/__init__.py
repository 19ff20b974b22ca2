"""`octavo import`: a Word document becomes a book folder of Markdown chapters and images."""

from __future__ import annotations

from pathlib import Path

from octavo.config import CONFIG_NAME, MAX_AUTHORS, MAX_LINE
from octavo.diagnostics import Diagnostics
from octavo.errors import BuildError, ManuscriptError, UsageError
from octavo.importer.markdown import title, to_markdown
from octavo.readers.base import ImageRegistry, ReadContext, Section
from octavo.readers.manuscript import chapter_level
from octavo.readers.word import read_word
from octavo.scaffold import init_book, toml_string
from octavo.text import slugify


def import_word(source: Path, root: Path | None, diagnostics: Diagnostics) -> list[Path]:
    """Write a new book folder from `source` (a .docx); return the files written."""
    if source.suffix.lower() not in (".docx", ".doc"):
        raise UsageError("octavo import reads Word documents (.docx)", source)
    _check_source(source)
    shown = source.name
    context = ReadContext(root=source.parent, diagnostics=diagnostics,
                          images=ImageRegistry(source.parent, diagnostics=diagnostics))
    doc = read_word(source, shown, context)
    level = chapter_level([doc])
    sections = doc.render(level)
    title = str(doc.meta.get("book_title") or source.stem.replace("_", " ").replace("-", " "))
    authors = [str(a) for a in doc.meta.get("book_authors") or []]
    _check_metadata(title, authors, source)
    root = root if root is not None else Path(slugify(title, default=slugify(source.stem)))
    if (root / CONFIG_NAME).exists() or (root / "manuscript").is_dir() and any(
            (root / "manuscript").iterdir()):
        raise BuildError("already holds a book; octavo import never overwrites one", root)
    written = init_book(root, title, authors[0] if authors else None, first_chapter=False)
    manuscript = root / "manuscript"
    try:
        if len(authors) > 1:  # init_book writes one author; the document names more
            toml = root / CONFIG_NAME
            text = toml.read_text(encoding="utf-8")
            names = ", ".join(toml_string(a) for a in authors)
            toml.write_text(text.replace(f"authors = [{toml_string(authors[0])}]", f"authors = [{names}]",
                                         1), encoding="utf-8")
        width = max(2, len(str(len(sections))))
        for number, section in enumerate(sections, start=1):
            path = manuscript / f"{number:0{width}d}-{_name(section, number)}.md"
            path.write_text(_chapter_file(section, level), encoding="utf-8")
            written.append(path)
        if context.images.images:
            (manuscript / "images").mkdir(exist_ok=True)
        for image in context.images.images.values():
            target = manuscript / image.href
            target.write_bytes(image.data if image.data is not None else image.source.read_bytes())
            written.append(target)
    except OSError as exc:
        raise BuildError(f"cannot write the new book: {exc.strerror}", root) from None
    return written


def _check_source(source: Path) -> None:
    """A Word document to read: a regular file (a folder named .docx is no document, and a
    pipe or device could block the import for ever)."""
    if source.is_dir():
        raise UsageError("is a folder, not a Word document", source)
    if not source.exists():
        raise UsageError("not found" + (" (a link to nothing)" if source.is_symlink() else ""),
                         source)
    if not source.is_file():
        raise UsageError("not a regular file (a pipe, device or socket could block the import)",
                         source)


def _check_metadata(title: str, authors: list[str], source: Path) -> None:
    """Refuse, naming the document, a title or authors that book.toml could not hold (the
    build would refuse them; `octavo init` would name the new folder, not the document)."""
    if len(title) > MAX_LINE:
        raise ManuscriptError(f"its title is {len(title):,} characters long; a book's takes at "
                              f"most {MAX_LINE:,}: shorten the Title paragraph or the document's "
                              "title property", source)
    long = next((a for a in authors if len(a) > MAX_LINE), None)
    if len(authors) > MAX_AUTHORS or long is not None:
        raise ManuscriptError(f"its authors are more than book.toml holds ({MAX_AUTHORS} names "
                              f"of at most {MAX_LINE:,} characters)", source)


def _name(section: Section, number: int) -> str:
    return slugify(section.title, default="opening" if number == 1 else "chapter")[:40].rstrip("-")


def _chapter_file(section: Section, level: int) -> str:
    """A chapter (or a part's title page) as Markdown: its heading, then its text."""
    body = to_markdown(section.html) if section.html else ""
    if section.level is None:
        return body
    heading = f"# {title(section.title, section.title_html)}"
    if section.level < level:
        return f"---\ntype: part\n---\n\n{heading}\n\n{body}".rstrip() + "\n"
    return f"{heading}\n\n{body}".rstrip() + "\n"
