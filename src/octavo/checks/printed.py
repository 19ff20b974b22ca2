"""The print PDF as a printer sees it: the trim size, embedded fonts, the contents' page numbers."""

from __future__ import annotations

import re
from pathlib import Path

from octavo.backends.pdf.settings import PrintSettings
from octavo.checks.findings import Finding, Report
from octavo.checks.pdfread import (
    PdfPage,
    contents_end,
    contents_start,
    find_openings,
    roman_value,
    unembedded_fonts,
)

_TOC_ENTRY = re.compile(r"(?P<title>\S.*?)\s*(?:\.[ \u2009\u2002]*){3,}\s*"
                        r"(?P<page>\d(?: ?\d)*|[ivxlcdm]+)\b", re.S)


def check_pdf(pdf: Path, pages: list[PdfPage], settings: PrintSettings, report: Report) -> None:
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
    entries = [entry for page in pages[toc_index:end] for entry in toc_entries(page.body)]
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


def toc_entries(text: str) -> list[tuple[str, str]]:
    """(title, printed page) for each line of a printed contents page, however it wraps: a
    title runs up to its dot leader, the page number follows (letter-spaced or not)."""
    body = re.sub(r"^\s*Contents\s*", "", text.replace("\r", ""))
    entries = []
    for match in _TOC_ENTRY.finditer(body):
        title = " ".join(match["title"].split()).strip(" .")
        entries.append((title, match["page"].replace(" ", "")))
    return entries
