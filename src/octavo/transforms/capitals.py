"""Shouted capitals on part pages ("JONATHAN WILD.") marked, for the theme to set as small caps."""

from __future__ import annotations

import re

from lxml import etree

from octavo import xhtml

XHTML = "{" + xhtml.XHTML_NS + "}"
# Two or more words (or one of three letters and more) in capitals, as written.
_UPPER = r"[^\W\d_a-zß-öø-ÿ]"
_WORD = rf"{_UPPER}(?:{_UPPER}|['’.-])*{_UPPER}"
_SHOUTED = re.compile(rf"(?<!\w)(?:{_WORD}(?:[\s,;:]+{_WORD})+|{_UPPER}{{3,}})(?!\w)")


def mark_capitals(fragment: str) -> str:
    """`fragment` with each run of words in capitals wrapped in a `caps` span."""
    if not _SHOUTED.search(fragment):
        return fragment
    root = xhtml.fragment_root(fragment)
    for el in list(root.iter()):
        if not isinstance(el.tag, str) or "caps" in (el.get("class") or "").split():
            continue
        _wrap(el, "text")
        for child in list(el):
            _wrap(child, "tail")
    return xhtml.inner_xml(root)


def _wrap(el: etree._Element, where: str) -> None:
    """Wrap the capitals in `el`'s text (before its children) or tail (after it)."""
    text = getattr(el, where) or ""
    matches = list(_SHOUTED.finditer(text))
    if not matches:
        return
    setattr(el, where, text[:matches[0].start()])
    spans = []
    for index, match in enumerate(matches):
        span = etree.Element(f"{XHTML}span", {"class": "caps"})
        span.text = match.group(0)
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        span.tail = text[match.end():end]
        spans.append(span)
    if where == "text":
        for offset, span in enumerate(spans):
            el.insert(offset, span)
    else:
        parent = el.getparent()
        anchor = el
        for span in spans:
            if parent is not None:
                anchor.addnext(span)
                anchor = span
