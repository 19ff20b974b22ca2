"""Marks of plain-text books, Project Gutenberg's above all: illustration notes, italics inside
a word, the two-em dash of broken-off speech."""

from __future__ import annotations

import re
from collections.abc import Callable

from octavo.readers.textstructure import Block

TWO_EM_DASH = "\u2e3a"
THREE_EM_DASH = "\u2e3b"
# The bundled fonts have no glyph for U+2E3A or U+2E3B: both are set as em dashes, joined.
_LONG_DASH_HTML = {
    TWO_EM_DASH: '<span class="two-em-dash">\u2014\u2014</span>',
    THREE_EM_DASH: '<span class="three-em-dash">\u2014\u2014\u2014</span>',
}

# "[Illustration]" or "[Illustration: A caption]" on lines of their own.
_ILLUSTRATION = re.compile(r"\[\s*Illustration\s*(?::\s*(?P<caption>.*?))?\s*\]", re.I | re.S)

# Italics that start or end inside a word, as Gutenberg transcribes them: sure_ly_,
# other_wise_, _sure_ly. Letters only, so that snake_case, snake_case_name, __init__ and
# file_v2_ stay as written: a word needs a closing mark with no letter after it (or an
# opening one with none before it) to be italics.
_LETTERS = r"[^\W\d_]"
_ITALIC_TAIL = re.compile(rf"(?<={_LETTERS})_({_LETTERS}+)_(?![\w])")
_ITALIC_HEAD = re.compile(rf"(?<![\w])_({_LETTERS}+)_(?={_LETTERS}+(?![\w]))")
# Kept through the inline parser as private-use characters, made <em> once it has run. A text
# may hold these characters itself (MUFI's medieval letters live there): each of them, and the
# escape, is written as the escape and a stand-in while the marks are made, then put back.
_EM_OPEN, _EM_CLOSE, _ESCAPE = "\ue000", "\ue001", "\ue002"
_ESCAPED = {_EM_OPEN: _ESCAPE + "\ue003", _EM_CLOSE: _ESCAPE + "\ue004", _ESCAPE: _ESCAPE + "\ue005"}
_OWN = re.compile("[\ue000-\ue002]")
_STAND_IN = re.compile(f"{_ESCAPE}[\ue003-\ue005]")
_RESTORED = {stand_in: char for char, stand_in in _ESCAPED.items()}


def illustration_caption(block: Block) -> str | None:
    """The caption of a block that is nothing but an illustration note ("" for none);
    None for any other block."""
    match = _ILLUSTRATION.fullmatch(block.text.strip())
    if match is None:
        return None
    return " ".join((match.group("caption") or "").split())


def illustration_note(caption: str, render: Callable[[str], str]) -> str:
    """An illustration note as a paragraph of its own kind, its caption set by `render`."""
    if not caption:
        return '<p class="illustration-note">Illustration</p>\n'
    return (f'<p class="illustration-note">Illustration: '
            f'<span class="illustration-caption">{render(caption)}</span></p>\n')


def long_dashes(text: str) -> str:
    """`----` as a two-em dash (broken-off speech), six or more hyphens as a three-em dash."""
    if "----" not in text:
        return text
    return re.sub(r"-{4,}", lambda m: TWO_EM_DASH if len(m.group()) < 6 else THREE_EM_DASH, text)


def mark_word_italics(text: str) -> str:
    """Italics inside a word (`sure_ly_`, `_sure_ly`) marked for `finish_marks` (or `unmarked`),
    which alone may read the text it gives: it escapes the marks' own characters in `text`."""
    if _OWN.search(text):
        text = _OWN.sub(lambda m: _ESCAPED[m.group()], text)
    if "_" not in text:
        return text
    text = _ITALIC_TAIL.sub(rf"{_EM_OPEN}\1{_EM_CLOSE}", text)
    return _ITALIC_HEAD.sub(rf"{_EM_OPEN}\1{_EM_CLOSE}", text)


def finish_marks(html: str) -> str:
    """Rendered XHTML with the marks of `mark_word_italics` made <em>, and each long dash
    set as em dashes joined in a span."""
    if _EM_OPEN in html:
        html = html.replace(_EM_OPEN, "<em>").replace(_EM_CLOSE, "</em>")
    html = _restored(html)
    for dash, markup in _LONG_DASH_HTML.items():
        if dash in html:
            html = html.replace(dash, markup)
    return html


def unmarked(text: str) -> str:
    """Text with the marks of `mark_word_italics` removed: for headings and the lint."""
    return _restored(text.replace(_EM_OPEN, "").replace(_EM_CLOSE, ""))


def _restored(text: str) -> str:
    """The text's own characters that `mark_word_italics` escaped, put back."""
    if _ESCAPE not in text:
        return text
    return _STAND_IN.sub(lambda m: _RESTORED[m.group()], text)
