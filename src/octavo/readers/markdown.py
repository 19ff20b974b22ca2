"""Reads Markdown chapters (CommonMark, footnotes, tables, attributes, front matter)."""

from __future__ import annotations

import functools
import re
import urllib.parse
from collections.abc import Iterator, Sequence
from html import escape
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.html_re import open_tag
from markdown_it.renderer import RendererHTML
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.anchors.index import slugify
from mdit_py_plugins.attrs import attrs_block_plugin, attrs_plugin
from mdit_py_plugins.attrs.parse import ParseError
from mdit_py_plugins.attrs.parse import parse as parse_attrs
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from octavo import xhtml
from octavo.errors import ManuscriptError
from octavo.readers.base import (
    Paragraph,
    ReadContext,
    Reader,
    Section,
    SourceDoc,
    finish_fragment,
    read_text_file,
)
from octavo.readers.typography import typography_plugin
from octavo.readers.verse import line_block_plugin
from octavo.text import without_byte_order_marks

SCENE_BREAK = (
    '<div class="scene-break" role="separator" aria-label="scene break">'
    '<p class="scene-break-mark">*\u2002*\u2002*</p></div>\n'
)


CODE = "\u2060code\u2060"  # inline code in the text `paragraphs` gives: a word for the lint
MAX_NESTING = 50  # quotes and lists deeper than this are refused: markdown-it drops them


@functools.cache
def parser() -> MarkdownIt:
    """The one configured Markdown parser."""
    md = MarkdownIt("commonmark", {"typographer": True, "html": True, "xhtmlOut": True,
                                   "maxNesting": MAX_NESTING})
    md.enable(["table", "strikethrough", "smartquotes"])
    md.use(front_matter_plugin).use(footnote_plugin)
    md.use(attrs_plugin).use(attrs_block_plugin)
    md.use(typography_plugin)
    md.use(line_block_plugin)  # `| ` lines: verse
    # Every link and image becomes a token, whatever its scheme: markdown-it would leave
    # `![alt](file:///…)` or `[x](javascript:…)` as literal text, path and all. Octavo judges
    # them itself: an image that is not a file of the book is refused, a link that is not
    # http(s), mailto or into the book is kept as plain text, with a warning.
    md.validateLink = _any_link
    md.core.ruler.before("inline", "octavo_heading_attrs", _heading_attrs)
    md.core.ruler.before("text_join", "octavo_undefined_notes", _undefined_notes)
    md.core.ruler.after("inline", "octavo_ids", _mend_ids)
    md.core.ruler.after("octavo_ids", "octavo_attribute_lines", _attribute_lines)
    md.core.ruler.before("footnote_tail", "octavo_note_definitions", _note_definitions)
    # ids for links to headings, as GitHub makes them (after the author's ids are mended)
    md.use(anchors_plugin, min_level=1, max_level=6, slug_func=_slug)
    md.add_render_rule("hr", _render_scene_break)
    md.add_render_rule("image", _render_image)
    md.add_render_rule("link_open", _render_link_open)
    md.add_render_rule("html_inline", _render_raw_html)
    md.add_render_rule("html_block", _render_raw_html)
    md.add_render_rule("footnote_ref", _render_footnote_ref)
    return md


def _any_link(url: str) -> bool:
    return True


def _is_url(src: str) -> bool:
    """A URL with a scheme (file:, http:, data: …) or a host (//host), not a path."""
    value = src.strip()
    return value.startswith("//") or len(urllib.parse.urlsplit(value).scheme) > 1


def read_markdown(path: Path, shown: str, context: ReadContext) -> SourceDoc:
    """Parse one Markdown file into a SourceDoc whose sections render on demand."""
    written = read_text_file(path, shown, context.diagnostics)
    _warn_joined_headings(written, shown, context)
    text = without_byte_order_marks(written)
    md = parser()
    env: dict[str, Any] = {}
    tokens = md.parse(text, env)
    meta = _front_matter(tokens, shown)
    too_deep = next((t for t in tokens if t.nesting == 1 and t.level >= MAX_NESTING - 1), None)
    if too_deep is not None:
        raise ManuscriptError(f"quotes or lists nested about {MAX_NESTING} deep; Octavo would "
                              "lose what is inside them", shown, _line(too_deep))
    _warn_unsafe_html(tokens, shown, context)
    _warn_unused_notes(env, text, shown, context)
    _warn_notes_defined_twice(env, shown, context)
    for line, written, mended in env.get(MENDED_IDS, []):
        if mended:
            context.diagnostics.warn(f'the id "{written}" holds white space, which an id may '
                                     f'not; made "{mended}"', shown, line)
        else:
            context.diagnostics.warn("an empty id is left out", shown, line)
    for label, line in env.get(UNDEFINED_NOTES, []):
        context.diagnostics.warn(f"footnote [^{label}] is never defined (no line "
                                 f"[^{label}]: ...), so the call is printed as written",
                                 shown, line)
    body, notes = _split_footnotes(tokens)
    headings = [
        (int(tok.tag[1]), _plain(body[i + 1]), _line(tok))
        for i, tok in enumerate(body)
        if tok.type == "heading_open" and tok.level == 0
    ]

    def render(split_level: int) -> list[Section]:
        return _render_sections(body, notes, split_level, path, shown, context)

    return SourceDoc(path=path, shown=shown, meta=meta, headings=headings, render=render)


def _render_sections(
    body: list[Token], notes: dict[int, list[Token]], split_level: int, path: Path,
    shown: str, context: ReadContext,
) -> list[Section]:
    md = parser()
    starts = [
        i for i, tok in enumerate(body)
        if tok.type == "heading_open" and tok.level == 0 and int(tok.tag[1]) <= split_level
    ]
    bounds = ([0] if not starts or starts[0] != 0 else []) + starts + [len(body)]
    sections: list[Section] = []
    for begin, end in zip(bounds, bounds[1:], strict=False):
        chunk = body[begin:end]
        level: int | None = None
        title = ""
        line = _line(chunk[0]) if chunk else 1
        heading_id = ""
        heading: list[Token] = []  # the inline token of the heading that starts the section
        if chunk and chunk[0].type == "heading_open" and int(chunk[0].tag[1]) <= split_level:
            level = int(chunk[0].tag[1])
            title = _plain(chunk[1])
            heading_id = str(chunk[0].attrs.get("id", ""))
            heading = [chunk[1]]
            chunk = chunk[3:]
            _warn_title_images(heading[0], shown, line, context)
        if level is None and not _has_content(chunk):
            continue
        _shift_headings(chunk, split_level)
        # Numbers the calls, the title's first: render them after.
        notes_html = _render_notes(heading + chunk, notes, shown)
        html = md.renderer.render(chunk, md.options, {"shown": shown}) + notes_html
        fragment = finish_fragment(html, path, shown, context)
        title_html = _title_html(heading[0], shown) if heading else ""
        if title_html:
            title_html = finish_fragment(title_html, path, shown, context)
        sections.append(Section(level, title, fragment, line, _has_text(fragment),
                                anchor=heading_id, title_html=title_html))
    return sections


def _warn_title_images(inline: Token, shown: str, line: int, context: ReadContext) -> None:
    """A chapter's or part's title is text: a picture in its heading is left out, its alt text
    kept in the title."""
    for child in inline.children or []:
        if child.type == "image":
            context.diagnostics.warn(f"image {child.attrs.get('src', '')} in a chapter heading "
                                     "is left out (a title is text; its alt text stays in it)",
                                     shown, line)


def _front_matter(tokens: list[Token], shown: str) -> dict[str, Any]:
    for token in tokens:
        if token.type == "front_matter":
            import yaml  # here: a book without front matter (most) spares its import

            try:
                data = yaml.safe_load(token.content) if token.content.strip() else {}
            except yaml.YAMLError as exc:
                mark = getattr(exc, "problem_mark", None)
                line = mark.line + 2 if mark is not None else 1
                problem = getattr(exc, "problem", None) or "invalid YAML"
                raise ManuscriptError(f"front matter: {problem}", shown, line) from None
            except RecursionError:  # PyYAML recurses once per [ or { opened
                raise ManuscriptError("front matter: lists or mappings nested too deeply to read",
                                      shown, 2) from None
            if not isinstance(data, dict):
                raise ManuscriptError("front matter must be key: value lines", shown, 2)
            return {str(k): v for k, v in data.items()}
    return {}


# A byte order mark after text, then what reads as a heading at a line's start
_JOINED_HEADING = re.compile("(?<=[^\n])\ufeff(#{1,6}(?:[ \t][^\n]*)?)$", re.MULTILINE)


def _warn_joined_headings(text: str, shown: str, context: ReadContext) -> None:
    """`The end.<U+FEFF># Chapter Two`: a file joined to one whose last line had no line end.
    Its heading stays text of the line before (Octavo would have to guess where the file
    began, and every line after would move): the author is told where."""
    if "\ufeff#" not in text:
        return
    for match in _JOINED_HEADING.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        context.diagnostics.warn(f'a byte order mark (U+FEFF) inside the line, before '
                                 f'"{match.group(1).strip()}": a file joined here to one whose '
                                 "last line had no line end? Put the heading on a line of its "
                                 "own", shown, line)


def _warn_unsafe_html(tokens: Sequence[Token], shown: str, context: ReadContext) -> None:
    for token in tokens:
        line = _line(token)
        pieces = [token] if token.type == "html_block" else []
        pieces += [c for c in token.children or [] if c.type == "html_inline"]
        if token.type == "html_block":
            _warn_unclosed_block(token.content, shown, line, context)
        for piece in pieces:
            found = xhtml.unsafe_parts(piece.content)
            if found:
                context.diagnostics.warn(f"raw HTML removed: {'; '.join(found)}", shown, line)


# The raw HTML blocks that CommonMark ends only at their end tag: unclosed, each holds the
# rest of the file (chapters and all), dropped with a <script> or <style>, or set as their
# text by a <pre> or <textarea>, the Markdown in it unread.
_RAW_BLOCK = re.compile(r"<(script|style|pre|textarea)(?=[\s>]|$)", re.IGNORECASE)


def _warn_unclosed_block(content: str, shown: str, line: int, context: ReadContext) -> None:
    opened = content.lstrip()
    if opened.startswith("<!--") and "-->" not in content:
        context.diagnostics.warn("an HTML comment opens here and never closes; "
                                 "the rest of the file is left out", shown, line)
    elif (block := _RAW_BLOCK.match(opened)) and f"</{block[1].lower()}>" not in content.lower():
        name = block[1].lower()
        fate = ("left out" if name in xhtml.DROPPED_WITH_CONTENT
                else "set as its plain text, its Markdown not read")
        context.diagnostics.warn(f"a <{name}> opens here and never closes; the rest of the "
                                 f"file is {fate}", shown, line)


def _warn_unused_notes(env: dict[str, Any], text: str, shown: str, context: ReadContext) -> None:
    """A footnote nothing refers to would vanish from the book: say so, with its line."""
    for key, note_id in env.get("footnotes", {}).get("refs", {}).items():
        if note_id != -1:
            continue
        label = key[1:]
        line = next((n for n, row in enumerate(text.splitlines(), start=1)
                     if row.lstrip().startswith(f"[^{label}]:")), None)
        context.diagnostics.warn(f"footnote [^{label}] is never referred to, so it is left out",
                                 shown, line)


NOTE_DEFINITIONS = "octavo_note_definitions"  # env key: label -> lines of its definitions


def _note_definitions(state: StateCore) -> None:
    """Where each footnote is defined, before the footnote plugin sets definitions aside."""
    for token in state.tokens:
        if token.type == "footnote_reference_open":
            state.env.setdefault(NOTE_DEFINITIONS, {}).setdefault(
                token.meta["label"], []).append(_line(token))


def _warn_notes_defined_twice(env: dict[str, Any], shown: str, context: ReadContext) -> None:
    """`[^a]: One.` and later `[^a]: Two.`: the footnote plugin keeps the last and drops the
    others without a word."""
    refs = env.get("footnotes", {}).get("refs", {})
    for label, lines in env.get(NOTE_DEFINITIONS, {}).items():
        if refs.get(f":{label}", -1) == -1:
            continue  # never called: that warning says it is left out
        for line in lines[:-1]:
            context.diagnostics.warn(f"footnote [^{label}] is defined again on line {lines[-1]}, "
                                     "and that definition is used: this one is left out",
                                     shown, line)


UNDEFINED_NOTES = "octavo_undefined_notes"  # env key: (label, line) of each call left as text
_CALL = re.compile(r"\[\^([^\]\s]+)\]")


def _undefined_notes(state: StateCore) -> None:
    """`Text[^nope]` with no `[^nope]:` in the file: the footnote plugin leaves it as text.
    Found before text_join, while an escaped `\\[` is a token of its own, not such a call."""
    for token in state.tokens:
        if token.type != "inline":
            continue
        searched = 0  # where in the paragraph's source the last call was found
        for child in token.children or []:
            if child.type != "text":
                continue
            for match in _CALL.finditer(child.content):
                found = token.content.find(match.group(0), searched)
                searched = max(found, 0) + 1
                line = _line(token) + token.content.count("\n", 0, max(found, 0))
                state.env.setdefault(UNDEFINED_NOTES, []).append((match.group(1), line))


def _slug(title: str) -> str:
    """A heading's id made from its title; "section" for a title of no letters or digits
    ("???", an emoji), whose slug would be empty, and so no id (EPUBCheck refuses `id=""`)."""
    return slugify(title) or "section"


MENDED_IDS = "octavo_mended_ids"  # env key: (line, id as written, mended id or "") of each


def _mend_ids(state: StateCore) -> None:
    """`{id="a b"}` or `{id=""}`: an id with white space gets hyphens, an empty one is left
    out (a heading then gets one from its title). Looked for only where braces are."""
    if "{" not in state.src:
        return
    for token in state.tokens:
        for piece in (token, *(token.children or [])):
            written = piece.attrs.get("id")
            if written is None or (written and xhtml.as_id(str(written)) == written):
                continue
            mended = xhtml.as_id(str(written))
            if mended:
                piece.attrSet("id", mended)
            else:
                del piece.attrs["id"]
            state.env.setdefault(MENDED_IDS, []).append((_line(token), str(written), mended))


def _attribute_lines(state: StateCore) -> None:
    """Elements given attributes in braces (`{role="x"}` above a block, `` `code`{dir="y"} ``)
    carry their line in data-line, as raw HTML's do, so that what the sanitiser mends in
    them is told with it (base.finish_fragment); it is removed once read."""
    if "{" not in state.src:
        return
    for token in state.tokens:
        if token.attrs and token.map:
            token.attrSet("data-line", str(_line(token)))
        for child in token.children or []:
            if child.type == "code_inline" and child.attrs:
                child.attrSet("data-line", str(_line(token)))


def _split_footnotes(tokens: list[Token]) -> tuple[list[Token], dict[int, list[Token]]]:
    """The body tokens, and each footnote's own tokens by footnote id."""
    body: list[Token] = []
    notes: dict[int, list[Token]] = {}
    current: list[Token] | None = None
    inside_block = False
    for token in tokens:
        if token.type == "front_matter":
            continue
        if token.type == "footnote_block_open":
            inside_block = True
        elif token.type == "footnote_block_close":
            inside_block = False
        elif token.type == "footnote_open":
            current = notes.setdefault(int(token.meta["id"]), [])
        elif token.type == "footnote_close":
            current = None
        elif token.type == "footnote_anchor":
            continue
        elif inside_block and current is not None:
            current.append(token)
        elif not inside_block:
            body.append(token)
    return body, notes


def _render_notes(chunk: list[Token], notes: dict[int, list[Token]], shown: str) -> str:
    """Number the footnotes called in `chunk` (and in those notes) from 1; render them as asides."""
    md = parser()
    order: dict[int, int] = {}
    backlinks: dict[int, str] = {}  # the id of each note's first call here, its backlink's target

    def number_refs(tokens: list[Token]) -> None:
        for token in tokens:
            for child in _note_calls(token):
                if child.type == "footnote_ref":
                    note_id = int(child.meta["id"])
                    child.meta["number"] = order.setdefault(note_id, len(order) + 1)
                    backlinks.setdefault(note_id, _ref_id(child))

    number_refs(chunk)
    html = []
    done = 0
    while done < len(order):
        note_id, number = list(order.items())[done]
        tokens = notes.get(note_id, [])
        number_refs(tokens)
        body = md.renderer.render(tokens, md.options, {"shown": shown})
        html.append(
            f'<aside class="footnote" id="fn-{number}" role="doc-footnote">'
            f'<p class="footnote-number"><a role="doc-backlink" href="#{backlinks[note_id]}">'
            f"{number}</a></p>"
            f"{body}</aside>\n"
        )
        done += 1
    return "".join(html)


def _note_calls(token: Token) -> Iterator[Token]:
    """The inline children of `token`, and those of its images' alt text, where a note may be
    called (`![Map[^1]](map.png)`)."""
    for child in token.children or []:
        yield child
        if child.type == "image":
            yield from child.children or []


def _image_note_calls(self: RendererHTML, image: Token, options: OptionsDict,
                      env: EnvType) -> str:
    """The calls of notes in an image's alt text, set after the image (alt text is plain)."""
    calls = image.children or []
    return "".join(_render_footnote_ref(self, calls, index, options, env)
                   for index, call in enumerate(calls) if call.type == "footnote_ref")


def _render_footnote_ref(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    token = tokens[idx]
    number = token.meta.get("number", int(token.meta["id"]) + 1)
    return (
        f'<sup class="noteref-mark"><a class="noteref" role="doc-noteref" id="{_ref_id(token)}" '
        f'href="#fn-{number}">{number}</a></sup>'
    )


def _ref_id(token: Token) -> str:
    """The id of a footnote call: `fnref-2`, and `fnref-2-2` for the note's second call in
    the file (which may be the first in its chapter, when a file holds several)."""
    number = token.meta.get("number", int(token.meta["id"]) + 1)
    sub = int(token.meta.get("subId", 0))
    return f"fnref-{number}" + (f"-{sub + 1}" if sub else "")


def _render_link_open(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    token = tokens[idx]
    if "line" in token.meta:
        token.attrSet("data-line", str(token.meta["line"]))
    href = str(token.attrs.get("href", ""))
    scheme = urllib.parse.urlsplit(href.strip()).scheme.lower()
    # The sanitiser drops an href of another scheme, or one it cannot parse (a space in the
    # host, a port too large), without a word: carried aside as well, the link is reported
    # and kept as plain text like any link that leads nowhere in the book.
    token.attrSet("data-href", href)
    if len(scheme) > 1 and scheme not in xhtml.KEPT_SCHEMES:
        del token.attrs["href"]
    return self.renderToken(tokens, idx, options, env)


_RAW_TAG = re.compile(open_tag)  # a whole start tag, so that a "<b>" inside a value is not one


def _render_raw_html(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    """Raw HTML as written; its elements learn their line, for messages about them."""
    token = tokens[idx]
    line = token.meta.get("line") or (token.map[0] + 1 if token.map else None)
    if line is None or "<" not in token.content:
        return token.content
    return _RAW_TAG.sub(lambda tag: _with_line(tag.group(0), line), token.content)


def _with_line(tag: str, line: int) -> str:
    name = re.match(r"<[A-Za-z][A-Za-z0-9-]*", tag)
    assert name is not None  # the start tag's pattern begins so
    return f'{name.group(0)} data-line="{line}"{tag[name.end():]}'


def _render_scene_break(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return SCENE_BREAK


def _render_image(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    token = tokens[idx]
    alt = self.renderInlineAsText(token.children or [], options, env)
    src = str(token.attrs.get("src", ""))
    title = str(token.attrs.get("title", "") or "")
    line = token.meta.get("line", "")
    if _is_url(src):  # refused here, before the sanitiser would drop it without a word
        raise ManuscriptError(f"image {src} refused: images must be files inside the book "
                              "folder", env.get("shown"), line or None)
    classes = str(token.attrs.get("class", "")).split()
    decorative = "decorative" in classes
    if decorative:  # `{.decorative}` is a mark for Octavo (role below), not for the stylesheet
        token.attrs["class"] = " ".join(c for c in classes if c != "decorative")
    attrs = "".join(
        f' {escape(str(k))}="{escape(str(v))}"'
        for k, v in token.attrs.items()
        if k in ("width", "height", "class", "id") and str(v)
    )
    role = ' role="presentation"' if decorative else ""
    img = (f'<img src="{escape(src)}" alt="{escape(alt)}"{role} data-line="{line}" '
           f'data-markdown=""{attrs} />') + _image_note_calls(self, token, options, env)
    if token.meta.get("figure"):
        caption = f"<figcaption>{escape(title)}</figcaption>" if title else ""
        return f'<figure class="figure">{img}{caption}</figure>'
    return img


def _heading_attrs(state: StateCore) -> None:
    """`## Title {#id .class}`: attributes at the end of a heading, as pandoc writes them."""
    tokens = state.tokens
    for i, token in enumerate(tokens):
        if token.type == "paragraph_open":
            _mark_figure(tokens, i)
        if token.type != "heading_open" or i + 1 >= len(tokens):
            continue
        inline = tokens[i + 1]
        content = inline.content.rstrip()
        start = content.rfind("{")
        if not content.endswith("}") or start <= 0 or not content[start - 1].isspace():
            continue
        try:
            end, attrs = parse_attrs(content[start:])
        except ParseError:
            continue
        if start + end + 1 != len(content):
            continue
        inline.content = content[:start].rstrip()
        for key, value in attrs.items():
            token.attrSet(key, value)


def _mark_figure(tokens: list[Token], i: int) -> None:
    """A paragraph that holds only an image becomes a figure (its title the caption)."""
    if i + 2 >= len(tokens) or tokens[i + 2].type != "paragraph_close":
        return
    inline = tokens[i + 1]
    content = inline.content.strip()
    if content.startswith("![") and content.endswith(")") and content.count("![") == 1:
        inline.meta["figure"] = True


def _shift_headings(chunk: list[Token], split_level: int) -> None:
    """Headings below the chapter level become h2, h3, ... inside the chapter; images learn
    their line and whether they stand alone as a figure."""
    for i, token in enumerate(chunk):
        if token.type in ("heading_open", "heading_close") and not token.meta.get("shifted"):
            level = int(token.tag[1])
            token.tag = f"h{min(6, max(2, level - split_level + 1))}"
            token.meta["shifted"] = True
        if token.type == "inline":
            for child in token.children or []:
                if child.type in ("image", "link_open", "html_inline"):
                    child.meta["line"] = _line(token)
                    if token.meta.get("figure"):
                        child.meta["figure"] = True
        if token.type == "paragraph_open" and chunk[i + 1].meta.get("figure"):
            token.hidden = True
            chunk[i + 2].hidden = True


def _has_content(chunk: list[Token]) -> bool:
    return any(t.type not in ("paragraph_open", "paragraph_close") and (t.content.strip() or
               t.type in ("hr", "fence")) for t in chunk)


def _has_text(fragment: str) -> bool:
    """Whether a section has text or a picture of its own, besides the notes it calls (a
    heading's note does not make a part's heading, or a draft's, a chapter of text)."""
    if "<aside" in fragment:
        root = xhtml.fragment_root(fragment)
        for note in root.findall(f"{{{xhtml.XHTML_NS}}}aside"):
            if "footnote" in (note.get("class") or "").split():
                root.remove(note)
        fragment = xhtml.inner_xml(root)
    return bool(xhtml.text_content(fragment).strip()) or "<img" in fragment


def _plain(inline: Token) -> str:
    """The text of a heading's inline token, markup dropped, an image standing as its alt text
    (the Markdown as written, `![Map](map.png)`, was the title of a heading of only a picture)."""
    parts = []
    for child in inline.children or []:
        if child.type in ("text", "code_inline", "text_special"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(_plain(child))
    return "".join(parts).strip()


def _title_html(inline: Token, shown: str) -> str:
    """A section's title as its heading sets it when it calls a footnote: the text of `_plain`
    with each call where it stands; "" for a title of text alone (the plain title serves)."""
    children = inline.children or []
    if not any(child.type == "footnote_ref" for child in children):
        return ""
    md = parser()
    parts = []
    for index, child in enumerate(children):
        if child.type in ("text", "code_inline", "text_special"):
            parts.append(escape(child.content, quote=False))
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "footnote_ref":
            parts.append(_render_footnote_ref(md.renderer, children, index, md.options,
                                              {"shown": shown}))
    return "".join(parts).strip()


def _line(token: Token) -> int:
    return token.map[0] + 1 if token.map else 1


def paragraphs(text: str) -> Iterator[Paragraph]:
    """Each paragraph as the book sets it, with its line; and each heading with nothing under it."""
    tokens = parser().parse(without_byte_order_marks(text))
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            following = next((t for t in tokens[index + 3:] if t.type not in ("hr",)), None)
            if token.tag != "h1" and (following is None or (
                    following.type == "heading_open" and following.tag <= token.tag)):
                line = token.map[0] + 1 if token.map else 1
                yield line, "", "heading with nothing under it: add text or remove the heading"
        if token.type == "inline" and token.map:
            yield token.map[0] + 1, _text_of(token.children or []), ""
        elif token.type == "html_block" and token.map and (text := xhtml.raw_text(token.content)):
            yield token.map[0] + 1, text, ""  # the words of raw HTML the sanitiser must keep


_DROPPED_OPEN = re.compile(rf"<({'|'.join(sorted(xhtml.DROPPED_WITH_CONTENT))})\b(?![^>]*/>)",
                           re.IGNORECASE)


def _text_of(children: list[Token]) -> str:
    """The text a reader sees of an inline token's children, code standing in as a word
    (the text of raw HTML the sanitiser removes with its content, <script>, is not seen)."""
    parts = []
    dropped = ""  # the element whose content is being passed over
    for child in children:
        if child.type == "html_inline":
            content = child.content.strip().lower()
            opened = _DROPPED_OPEN.match(content)
            if not dropped and opened:
                dropped = opened.group(1).lower()
            elif dropped and content.startswith(f"</{dropped}"):
                dropped = ""
        elif dropped:
            continue
        elif child.type in ("text", "text_special"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "code_inline":
            parts.append(CODE)
    return "".join(parts)


READER = Reader(name="Markdown", suffixes=(".md", ".markdown"), read=read_markdown,
                paragraphs=paragraphs, keeps_all=True)
