"""Reads plain-text chapters: paragraphs from blank lines, wrapped lines joined, headings found."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.rules_core.inline import inline as core_inline
from markdown_it.rules_core.state_core import StateCore
from markdown_it.token import Token

from octavo.errors import ConfigError, OctavoError
from octavo.readers.base import (
    Paragraph,
    ReadContext,
    Reader,
    Section,
    SourceDoc,
    finish_fragment,
    read_text_file,
)
from octavo.readers.markdown import SCENE_BREAK
from octavo.readers.memo import SectionMemo
from octavo.readers.textmarks import (
    finish_marks,
    illustration_caption,
    illustration_note,
    long_dashes,
    mark_word_italics,
    unmarked,
)
from octavo.readers.textstructure import (
    PATTERN_SECONDS,
    Block,
    Layout,
    PatternTooSlow,
    TextSection,
    blocks_of,
    detect,
    is_quoted_prose,
    is_scene_break,
    is_verse,
    lines_of,
)
from octavo.readers.titlepage import read_title_page
from octavo.readers.typography import typography_plugin
from octavo.readers.verse import join_stanzas, stanza_html, verse_html

# A file where this share of lines is longer than LONG_LINE keeps one paragraph per line.
LONG_LINE = 100
LONG_SHARE = 0.1


@functools.cache
def inline_parser() -> MarkdownIt:
    """A markdown-it that reads text literally, but for `_italics_`, and sets it nicely."""
    md = MarkdownIt("zero", {"typographer": True, "breaks": True, "xhtmlOut": True})
    md.enable(["smartquotes", "emphasis", "newline"])
    md.use(typography_plugin, double_hyphen="\u2014")
    return md


def read_plaintext(path: Path, shown: str, context: ReadContext) -> SourceDoc:
    """Read a .txt file; unless told not to, split it at the chapter and part headings it has."""
    lines = lines_of(read_text_file(path, shown, context.diagnostics))
    per_line = _one_paragraph_per_line(lines)
    if context.detect_headings:
        try:
            layout = detect(lines, context.chapter_pattern)
        except PatternTooSlow:
            raise ConfigError([OctavoError(
                f"[build] chapter_pattern: gave up after {PATTERN_SECONDS:g} s on {shown}; the "
                "pattern backtracks without end (like (a+)+); make it simpler", "book.toml")]) from None
        if context.chapter_pattern and headings_only(layout):
            raise ConfigError([OctavoError(
                f"[build] chapter_pattern: matches every paragraph of {shown}, so no chapter "
                "keeps any text; make it match the heading lines only", "book.toml")])
    else:  # the whole file is one chapter, as written
        layout = Layout([TextSection("chapter", None, "", 1, blocks_of(lines))], [])
    if layout.dropped:
        context.diagnostics.note(f"{shown}: left out {' and '.join(layout.dropped)}")
    meta = source_metadata(layout)
    for section in layout.sections:
        section.title = plain_inline(section.title)
    headings = [(s.level, s.title, s.line) for s in layout.sections if s.level is not None]

    def render(split_level: int) -> list[Section]:
        if not any(part.blocks for part in layout.sections):
            return []  # an empty file
        sections = []
        memo = _memo(context, shown)
        for part in layout.sections:
            key = memo.key(str(per_line), *("\n".join(block.lines) for block in part.blocks))
            html = memo.get(key)
            if html is None:
                html = _render_blocks(part.blocks, per_line)
                memo.put(key, html)
            fragment = finish_fragment(html, path, shown, context) if html else ""
            kind = None if part.kind in ("chapter", "part") else part.kind
            sections.append(Section(part.level, part.title, fragment, part.line,
                                    bool(fragment), kind=kind))
        memo.save()
        return sections

    return SourceDoc(path=path, shown=shown, meta=meta, headings=headings, render=render)


def _memo(context: ReadContext, shown: str) -> SectionMemo:
    """The sections of this file rendered by the last build (readers/memo.py)."""
    from octavo.uptodate import cache_dir

    try:
        return SectionMemo(cache_dir(context.root), shown)
    except OctavoError:  # a cache folder linking out of the book: the build refuses it later
        return SectionMemo(None, shown)


def source_metadata(layout: Layout) -> dict[str, object]:
    """What a Gutenberg text says of its book (its header, then its own title page), as the
    SourceDoc's `book_*` meta; the title page's other text becomes named front matter in
    its place (a frontispiece, the source edition's imprint, a dedication, an epigraph)."""
    header = layout.meta
    if not header:
        return {}
    page = None
    if header.get("title") and layout.sections and layout.sections[0].kind == "titlepage":
        page = read_title_page(layout.sections[0], header["title"])
        if page is not None:
            layout.sections[0:1] = page.sections
    authors = [header["author"]] if header.get("author") else (page.authors if page else [])
    illustrators = [header["illustrator"]] if header.get("illustrator") else \
        (page.illustrators if page else [])
    found: dict[str, object] = {
        "book_title": header.get("title", ""),
        "book_subtitle": header.get("subtitle") or (page.subtitle if page else ""),
        "book_authors": tuple(authors),
        "book_contributors": tuple((name, "ill") for name in illustrators),
        "book_date": page.date if page else "",
    }
    if page is not None:  # what the title page printed, now left out of the text
        found["book_printed"] = (("subtitle", page.subtitle),
                                 ("author", ", ".join(page.authors)))
    return {key: value for key, value in found.items() if value}


# Gutenberg's mark for bold: =Words like these=, opening and closing at word edges.
_BOLD = re.compile(r"(?<![\w=])=(?=[^\s=])([^=\n]*?[^\s=])=(?![\w=])")


def _marked(text: str) -> str:
    """`=bold=` spelt as the inline parser's `__bold__`; `----` a two-em dash; italics
    inside a word marked."""
    text = _BOLD.sub(r"__\1__", text) if "=" in text else text
    return mark_word_italics(long_dashes(text))


def headings_only(layout: Layout) -> bool:
    """True when the text's every paragraph was taken for a heading."""
    headed = [s for s in layout.sections if s.level is not None]
    return bool(headed) and not any(s.blocks for s in layout.sections)


def render_inline(text: str) -> str:
    """One paragraph's text as XHTML: `_italics_`, `=bold=`, curly quotes and dashes."""
    return finish_marks(_inline_html(_marked(text)))


# What the inline parser acts on (emphasis marks, line breaks, and what it normalises): a
# paragraph without any is one text token, whatever else it holds.
_PARSED = re.compile(r"[_*\n\r\0]")


def _inline_html(source: str) -> str:
    """markdown-it's renderInline of `source`. Nine paragraphs in ten of a novel hold nothing
    its inline parser acts on: for those the parse (a loop over every character, in Python) is
    left out, and the same core rules (dashes, quotes) run on the one text token it would give."""
    md = inline_parser()
    if _PARSED.search(source):
        return md.renderInline(source)
    state = StateCore(source, md, {})
    state.inlineMode = True
    for rule in md.core.ruler.getRules(""):
        if rule is core_inline:
            token = state.tokens[0]
            text = Token("text", "", 0)
            text.content = token.content
            token.children = [text]
        else:
            rule(state)
    return md.renderer.render(state.tokens, md.options, {})


def render_verse(block: Block) -> str:
    """An indented block as a verse stanza: each line kept, its indent a level."""
    return finish_marks(verse_html([stanza_html(inline_parser(), [_marked(line) for line in block.lines])]))


def plain_inline(text: str) -> str:
    """Text set as the paragraphs are (curly quotes, dashes), without markup: for headings,
    and for the lint, which must see what the book prints."""
    if not text:
        return text
    children = inline_parser().parseInline(_marked(text))[0].children or []
    return unmarked("".join(c.content if c.type == "text" else " " if c.type.endswith("break")
                            else "" for c in children))


def _render_blocks(blocks: list[Block], per_line: bool) -> str:
    html = []
    for block in blocks:
        if is_scene_break(block):
            html.append(SCENE_BREAK)
        elif (caption := illustration_caption(block)) is not None:
            html.append(illustration_note(caption, render_inline))
        elif is_quoted_prose(block):  # a letter: one paragraph of a block quotation
            html.append(f"<blockquote>\n<p>{render_inline(block.text)}</p>\n</blockquote>\n")
        elif is_verse(block):
            html.append(render_verse(block))
        elif per_line:
            html.extend(f"<p>{render_inline(line.strip())}</p>\n" for line in block.lines)
        else:
            html.append(f"<p>{render_inline(block.text)}</p>\n")
    return join_stanzas("".join(html)).replace("</blockquote>\n<blockquote>\n", "")


def _one_paragraph_per_line(lines: list[str]) -> bool:
    filled = [line for line in lines if line.strip()]
    long_lines = sum(1 for line in filled if len(line) > LONG_LINE)
    return bool(filled) and long_lines / len(filled) >= LONG_SHARE


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs of a plain text: blank lines separate them; hard-wrapped lines are joined,
    unless the file writes a whole paragraph per line."""
    lines = lines_of(text)
    per_line = _one_paragraph_per_line(lines)
    paragraphs: list[str] = []
    for block in blocks_of(lines):
        paragraphs.extend([line.strip() for line in block.lines] if per_line else [block.text])
    return paragraphs


def paragraphs(text: str) -> Iterator[Paragraph]:
    """Each paragraph the book keeps (no Gutenberg boilerplate, no scene breaks), as it sets it."""
    for section in detect(lines_of(text)).sections:
        for block in section.blocks:
            if not is_scene_break(block):
                yield block.line, plain_inline(block.text), ""


READER = Reader(name="plain text", suffixes=(".txt",), read=read_plaintext,
                paragraphs=paragraphs)
