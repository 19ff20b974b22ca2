"""Ids unique in each chapter: the ids Octavo gives its footnotes step aside for the author's."""

from __future__ import annotations

import dataclasses
from typing import TypeVar

from lxml import etree

from octavo import xhtml
from octavo.diagnostics import Diagnostics
from octavo.model import Book, Chapter, Part

_A = f"{{{xhtml.XHTML_NS}}}a"
_ASIDE = f"{{{xhtml.XHTML_NS}}}aside"
Item = TypeVar("Item", Chapter, Part)


def unique_ids(book: Book, diagnostics: Diagnostics) -> Book:
    """No id twice in a chapter, its title and its heading's anchor counted in.

    A footnote's ids (`fn-1` on the note, `fnref-1` on its call) that the author's text
    already holds (a heading "Fn 1" is given the id fn-1, `{#fnref-1}` names one) take
    another, `fn-1-2`, and the call and backlink follow: the author's ids are never changed,
    so links to them keep working. An id the author gives twice is a mistake of the text:
    the second is renamed and the file named in a warning (a link goes to the first).
    """

    def fix(item: Item) -> Item:
        if not item.html or "id=" not in item.html:
            return item
        roots = [xhtml.fragment_root(item.title_html), xhtml.fragment_root(item.html)]
        elements = [el for root in roots for el in root.iter()
                    if isinstance(el.tag, str) and el.get("id")]
        own = [el for el in elements if _octavos(el)]
        authors = [el for el in elements if not _octavos(el)]
        taken = {str(el.get("id")) for el in elements} | {item.anchor}
        seen = {item.anchor} if item.anchor else set()
        twice = []
        for el in authors:
            ident = str(el.get("id"))
            if ident in seen:
                twice.append(ident)
                el.set("id", _free(ident, taken))
            seen.add(ident)
        renamed: dict[tuple[bool, str], str] = {}  # (a note's id?, old id) -> new id
        for el in own:
            ident = str(el.get("id"))
            if ident in seen:
                renamed[(el.tag == _ASIDE, ident)] = new = _free(ident, taken)
                el.set("id", new)
        if not twice and not renamed:
            return item
        for ident in dict.fromkeys(twice):
            diagnostics.warn(f'the id "{ident}" is given twice in {item.title!r}; the second '
                             f'is renamed (links to "#{ident}" go to the first)', item.source)
        for link in (a for root in roots for a in root.iter(_A)):
            target = (link.get("href") or "")[1:]
            to_note = "noteref" in (link.get("class") or "").split()
            if (to_note or link.get("role") == "doc-backlink") and (to_note, target) in renamed:
                link.set("href", f"#{renamed[(to_note, target)]}")
        title, html = (xhtml.inner_xml(root) for root in roots)
        return dataclasses.replace(item, html=html, title_html=title if item.title_html else "")

    body = tuple(dataclasses.replace(fix(item), chapters=tuple(fix(c) for c in item.chapters))
                 if isinstance(item, Part) else fix(item) for item in book.body)
    return dataclasses.replace(book, front=tuple(fix(c) for c in book.front), body=body,
                               back=tuple(fix(c) for c in book.back))


def _octavos(el: etree._Element) -> bool:
    """A footnote or a footnote's call, whose ids (fn-1, fnref-1) Octavo makes."""
    classes = (el.get("class") or "").split()
    return ("footnote" in classes and el.tag == _ASIDE) or ("noteref" in classes and el.tag == _A)


def _free(ident: str, taken: set[str]) -> str:
    """`ident`-2, -3 ..., the first not taken; taken from then on."""
    number = 2
    while f"{ident}-{number}" in taken:
        number += 1
    taken.add(f"{ident}-{number}")
    return f"{ident}-{number}"
