"""Reads plain-text chapters: paragraphs from blank lines, wrapped lines joined, typography."""

from __future__ import annotations

import functools
from pathlib import Path

from markdown_it import MarkdownIt

from octavo.readers.base import ReadContext, Section, SourceDoc, finish_fragment, read_text_file
from octavo.typography import typography_plugin

# A file where this share of lines is longer than LONG_LINE keeps one paragraph per line.
LONG_LINE = 100
LONG_SHARE = 0.1


@functools.cache
def inline_parser() -> MarkdownIt:
    """A markdown-it that reads text literally (no Markdown syntax) but sets it nicely."""
    md = MarkdownIt("zero", {"typographer": True})
    md.enable(["smartquotes"])
    md.use(typography_plugin, double_hyphen="\u2014")
    return md


def read_plaintext(path: Path, shown: str, context: ReadContext) -> SourceDoc:
    """Read a .txt file as one section of paragraphs."""
    text = read_text_file(path, shown, context.diagnostics)
    paragraphs = split_paragraphs(text)

    def render(split_level: int) -> list[Section]:
        if not paragraphs:
            return []
        md = inline_parser()
        html = "".join(f"<p>{md.renderInline(p)}</p>\n" for p in paragraphs)
        fragment = finish_fragment(html, path, shown, context)
        return [Section(None, "", fragment, 1, True)]

    return SourceDoc(path=path, shown=shown, meta={}, headings=[], render=render)


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs of a plain text: blank lines separate them; hard-wrapped lines are joined,
    unless the file writes a whole paragraph per line."""
    lines = [line.rstrip() for line in text.split("\n")]
    filled = [line for line in lines if line.strip()]
    long_lines = sum(1 for line in filled if len(line) > LONG_LINE)
    per_line = bool(filled) and long_lines / len(filled) >= LONG_SHARE
    paragraphs: list[str] = []
    block: list[str] = []
    for line in lines + [""]:
        if line.strip():
            block.append(line.strip())
            continue
        if block:
            paragraphs.extend(block if per_line else [" ".join(block)])
            block = []
    return paragraphs
