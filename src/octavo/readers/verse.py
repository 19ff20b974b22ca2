"""Verse: lines kept as lines, indents as levels; shared by the plain-text and Markdown readers.

A poem is `<div class="verse">` holding a `<p class="stanza">` per stanza, each line a
`<span class="verse-line">` (with `verse-indent-N` when indented) and `<br />` between lines, so
that a reader without the stylesheet still breaks the lines and a screen reader pauses there.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

MAX_INDENT = 6  # deeper indents are set at this level (the stylesheets have a rule up to here)
SPACES_PER_LEVEL = 2  # two spaces (or a tab) of indent make one level
_BREAKS = ("softbreak", "hardbreak")


def indent_width(line: str) -> int:
    """The columns of a line's leading white space, a tab counting as one level."""
    expanded = line.expandtabs(SPACES_PER_LEVEL)
    return len(expanded) - len(expanded.lstrip(" "))


def indent_levels(lines: Sequence[str], base: int | None = None) -> list[int]:
    """Each line's indent level, counted from `base` columns (the least indented line's when
    None): two spaces a level, rounded up, at most MAX_INDENT."""
    widths = [indent_width(line) for line in lines]
    start = min(widths, default=0) if base is None else base
    return [min(MAX_INDENT, max(0, width - start + 1) // SPACES_PER_LEVEL) for width in widths]


def line_class(level: int) -> str:
    """The classes of a verse line at an indent level."""
    return f"verse-line verse-indent-{level}" if level else "verse-line"


def split_lines(children: list[Token], levels: Sequence[int]) -> list[Token]:
    """A stanza's inline tokens, its line breaks made into one span per line.

    Markup open across a line end (italics over a whole stanza, as Gutenberg writes them) is
    closed at the end of the line and opened again at the start of the next, so each span is
    well-formed. A stanza with more lines than levels sets the extra lines at level 0.
    """
    result: list[Token] = []
    open_tags: list[Token] = []
    line = 0

    def start() -> None:
        level = levels[line] if line < len(levels) else 0
        result.append(Token("verse_line_open", "span", 1, attrs={"class": line_class(level)}))
        result.extend(_copy(tag) for tag in open_tags)

    def end() -> None:
        result.extend(_closing(tag) for tag in reversed(open_tags))
        result.append(Token("verse_line_close", "span", -1))

    start()
    for token in children:
        if token.type in _BREAKS:
            end()
            result.append(Token("hardbreak", "br", 0))
            line += 1
            start()
            continue
        if token.nesting == 1:
            open_tags.append(token)
        elif token.nesting == -1 and open_tags:
            open_tags.pop()
        result.append(token)
    end()
    return result


def _copy(token: Token) -> Token:
    """An opening token again, for the next line (without an id, which must stay unique)."""
    attrs = {k: v for k, v in token.attrs.items() if k != "id"}
    return Token(token.type, token.tag, 1, attrs=attrs, markup=token.markup, meta=token.meta)


def _closing(token: Token) -> Token:
    """The token that closes an opening one."""
    return Token(token.type.replace("_open", "_close"), token.tag, -1, markup=token.markup)


def stanza_html(md: MarkdownIt, lines: Sequence[str], env: dict[str, object] | None = None) -> str:
    """One stanza (lines as written, indents and all) as `<p class="stanza">`, read by `md`'s
    inline rules; the caller puts it in a `<div class="verse">`."""
    levels = indent_levels(lines)
    text = "\n".join(line.strip() for line in lines)
    tokens = md.parseInline(text, env)
    children = split_lines(tokens[0].children or [] if tokens else [], levels)
    return f'<p class="stanza">{md.renderer.renderInline(children, md.options, env or {})}</p>'


def verse_html(stanzas: Sequence[str]) -> str:
    """Stanzas made by `stanza_html` as one verse block."""
    return '<div class="verse">\n' + "\n".join(stanzas) + "\n</div>\n"


_ADJACENT = re.compile(r'</p>\n</div>\n<div class="verse">\n<p class="stanza">')


def join_stanzas(html: str) -> str:
    """Verse blocks that follow one another (a poem's stanzas, blank lines between them in a
    text file) made one verse block."""
    return _ADJACENT.sub('</p>\n<p class="stanza">', html)


def line_block_plugin(md: MarkdownIt) -> None:
    """Pandoc's line blocks in Markdown: lines starting `| `, each kept as a line, spaces after
    the `| ` as indent levels, a line of only `|` between stanzas."""
    md.block.ruler.after("table", "line_block", _line_block)
    md.core.ruler.after("inline", "verse_lines", _verse_lines)


def _line_block(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """The block rule: a run of `|` lines becomes a verse block of stanzas."""
    if state.sCount[start_line] - state.blkIndent >= 4:
        return False
    rows: list[tuple[int, str]] = []
    line = start_line
    while line < end_line and state.sCount[line] - state.blkIndent < 4:
        begin = state.bMarks[line] + state.tShift[line]
        text = state.src[begin: state.eMarks[line]]
        if not (text == "|" or text.startswith("| ")):
            break
        rows.append((line, text[2:].rstrip()))
        line += 1
    if not rows:
        return False
    if silent:
        return True
    opened = state.push("verse_open", "div", 1)
    opened.attrs = {"class": "verse"}
    opened.block = True
    opened.map = [start_line, line]
    stanza: list[tuple[int, str]] = []
    for row in [*rows, (line, "")]:
        if row[1].strip():
            stanza.append(row)
            continue
        if stanza:
            _push_stanza(state, stanza)
            stanza = []
    state.push("verse_close", "div", -1).block = True
    state.line = line
    return True


def _push_stanza(state: StateBlock, rows: list[tuple[int, str]]) -> None:
    """A stanza's tokens: its paragraph, and one inline token holding its lines."""
    lines = [text for _, text in rows]
    opened = state.push("stanza_open", "p", 1)
    opened.attrs = {"class": "stanza"}
    opened.block = True
    opened.map = [rows[0][0], rows[-1][0] + 1]
    inline = state.push("inline", "", 0)
    inline.content = "\n".join(text.strip() for text in lines)
    inline.map = opened.map
    inline.children = []
    inline.meta = {"verse_levels": indent_levels(lines, base=0)}
    state.push("stanza_close", "p", -1).block = True


def _verse_lines(state: StateCore) -> None:
    """After inline parsing, each stanza's line breaks become line spans."""
    for token in state.tokens:
        if token.type == "inline" and "verse_levels" in token.meta:
            token.children = split_lines(token.children or [], token.meta["verse_levels"])
