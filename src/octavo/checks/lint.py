"""Typography lint on the manuscript: quotes, dashes, spaces and empty headings, by file and line."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from octavo.checks.findings import Finding
from octavo.diagnostics import Diagnostics
from octavo.readers import reader_for
from octavo.readers.base import Paragraph, read_text_file

_SPACE_BEFORE = re.compile(r"\w[ \u00a0]+([,;:!?]|\.(?!\.))(?=\s|$|[\"”’)])")
_SPACE_BEFORE_FR = re.compile(r"\w[ \u00a0]+([,]|\.(?!\.))(?=\s|$)")
_STRAIGHT = re.compile("[\"']")
_DOUBLE_SPACE = re.compile(r"\S {2,}\S")
_DASHES = {
    "spaced en dash ( – )": re.compile(r"\w \u2013 \w"),
    "spaced em dash ( — )": re.compile(r"\w \u2014 \w"),
    "closed em dash (—)": re.compile(r"\w\u2014\w"),
}


def lint_files(files: list[tuple[Path, str]], language: str = "en",
               read: dict[str, list[Paragraph]] | None = None) -> list[Finding]:
    """Findings for every manuscript file, then the book-wide dash check; `read`: the files'
    paragraphs where they have been read already (by the name shown)."""
    findings: list[Finding] = []
    paragraphs: list[tuple[str, int, str]] = []
    for path, shown in files:
        found = read[shown] if read and shown in read else list(read_paragraphs(path, shown))
        paragraphs += [(shown, line, text) for line, text, _ in found]
        findings += [Finding("warning", "typography", msg, shown, line)
                     for line, _, msg in found if msg]
        findings += _lint_paragraphs(shown, [(line, text) for line, text, msg in found if not msg],
                                     language)
    findings += _dash_styles(paragraphs)
    return findings


def read_paragraphs(path: Path, shown: str) -> Iterator[Paragraph]:
    """(line, text, "") for each paragraph of text, as the file's reader sets it; (line, "",
    message) for a structural problem, such as an empty heading."""
    reader = reader_for(path)
    if reader is None:
        return
    text_of = reader.text_of or read_text_file
    yield from reader.paragraphs(text_of(path, shown, Diagnostics()))


def _lint_paragraphs(shown: str, paragraphs: list[tuple[int, str]], language: str) -> list[Finding]:
    findings: list[Finding] = []
    space_before = _SPACE_BEFORE_FR if language.lower().startswith("fr") else _SPACE_BEFORE

    def warn(message: str, line: int) -> None:
        findings.append(Finding("warning", "typography", message, shown, line))

    for number, (line, text) in enumerate(paragraphs):
        if '"' in text or re.search(r"(^|\s)'|'(\s|$)", text):
            warn(f"straight quote left over: {_near(text, _STRAIGHT.search(text))}", line)
        if "--" in text:
            warn(f"-- left in the text: {_near(text, re.search('--', text))}", line)
        match = _DOUBLE_SPACE.search(text)
        if match:
            warn(f"double space: {_near(text, match)}", line)
        match = space_before.search(text)
        if match:
            warn(f"space before punctuation: {_near(text, match)}", line)
        opens, closes = text.count("\u201c"), text.count("\u201d")
        if '"' in text and not opens and not closes:
            opens, closes = text.count('"'), 0
            unbalanced = opens % 2 == 1 and not _next_opens(paragraphs, number, '"')
        else:
            unbalanced = closes > opens or opens - closes > 1 or (
                opens - closes == 1 and not _next_opens(paragraphs, number, "\u201c"))
        if unbalanced:
            warn(f"unbalanced quotes: {opens} opening, {closes} closing", line)
    return findings


def _next_opens(paragraphs: list[tuple[int, str]], number: int, mark: str) -> bool:
    """A quotation that runs on into the next paragraph: that paragraph opens with a quote."""
    return number + 1 < len(paragraphs) and paragraphs[number + 1][1].lstrip().startswith(mark)


def _dash_styles(paragraphs: list[tuple[str, int, str]]) -> list[Finding]:
    """More than one style of parenthetical dash in one book: name the rarer uses."""
    uses: dict[str, list[tuple[str, int]]] = {name: [] for name in _DASHES}
    for shown, line, text in paragraphs:
        for name, pattern in _DASHES.items():
            uses[name] += [(shown, line)] * len(pattern.findall(text))
    used = sorted((len(places), name) for name, places in uses.items() if places)
    if len(used) < 2:
        return []
    main = used[-1][1]
    findings = []
    for count, name in used[:-1]:
        shown, line = uses[name][0]
        findings.append(Finding(
            "warning", "typography",
            f"inconsistent dash styles: {count} {name} beside {len(uses[main])} {main}",
            shown, line))
    return findings


def _near(text: str, match: re.Match[str] | None) -> str:
    """A few words of context around a match, quoted."""
    if match is None:
        return ""
    start, end = max(0, match.start() - 25), min(len(text), match.end() + 25)
    snippet = text[start:end].strip()
    return f"“{'…' if start else ''}{snippet}{'…' if end < len(text) else ''}”"
