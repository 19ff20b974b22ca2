"""Syntax highlighting of fenced code blocks with Pygments: token spans the theme colours."""

from __future__ import annotations

import dataclasses
from typing import Any

from lxml import etree

from octavo import xhtml
from octavo.diagnostics import Diagnostics
from octavo.model import Book
from octavo.transforms.numbering import map_chapters

XHTML = "{" + xhtml.XHTML_NS + "}"
MARKER = 'class="language-'


def highlight_code(book: Book, diagnostics: Diagnostics) -> Book:
    """Fenced code with a language (```python) gets Pygments token spans; themes colour them."""
    return map_chapters(book, lambda c: dataclasses.replace(c, html=highlight_fragment(c.html)))


def highlight_fragment(fragment: str) -> str:
    """`fragment` with each `<pre><code class="language-X">` split into `<span class="hl-k">`
    (keyword), `hl-s` (string), `hl-c` (comment) ... spans; unknown languages stay as they are."""
    if MARKER not in fragment:
        return fragment
    from pygments.lexers import get_lexer_by_name  # here: only a book with code needs it
    from pygments.util import ClassNotFound

    root = xhtml.fragment_root(fragment)
    changed = False
    for code in root.iter(f"{XHTML}code"):
        parent = code.getparent()
        if parent is None or parent.tag != f"{XHTML}pre" or len(code):
            continue
        language = next((c[9:] for c in (code.get("class") or "").split()
                         if c.startswith("language-")), "")
        try:
            lexer = get_lexer_by_name(language, stripnl=False, ensurenl=False)
        except ClassNotFound:
            continue
        _fill(code, lexer.get_tokens(code.text or ""))
        changed = True
    if not changed:
        return fragment
    whole = etree.tostring(root, encoding="unicode")
    return whole[whole.index(">") + 1 : whole.rindex("</div>")]


def _fill(code: etree._Element, tokens: object) -> None:
    """Replace the text of `code` with one span per token (plain text stays plain)."""
    code.text = ""
    last: etree._Element | None = None
    for ttype, value in tokens:  # type: ignore[attr-defined]
        css = _css_class(ttype)
        if last is not None and css == last.get("class", "")[3:] and not last.tail:
            last.text += value
            continue
        if not css or css == "w":
            if last is None:
                code.text += value
            else:
                last.tail = (last.tail or "") + value
            continue
        last = etree.SubElement(code, f"{XHTML}span", {"class": f"hl-{css}"})
        last.text = value


def _css_class(ttype: Any) -> str:
    """Pygments' short class for a token type (`k`, `s2`, `c1`...), or its nearest parent's."""
    from pygments.token import STANDARD_TYPES

    while ttype not in STANDARD_TYPES:
        ttype = ttype.parent
    return STANDARD_TYPES[ttype]
