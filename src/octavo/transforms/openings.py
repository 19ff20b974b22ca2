"""Chapter openings: the first paragraph's initial, opening quote and first words marked up."""

from __future__ import annotations

import re

from lxml import etree

from octavo import xhtml

XHTML = "{" + xhtml.XHTML_NS + "}"
SUBHEADINGS = {"h2", "h3", "h4", "h5", "h6"}
# Leading space, an opening quote or bracket, the initial, the rest of the first few words.
_OPENING = re.compile(r"^(\s*)([^\w\s]*)(\w)(\w*(?:[\s\u00a0]+[\w’'-]+){0,3})")


def opening_paragraph(root: etree._Element) -> etree._Element | None:
    """The paragraph a chapter opens with, after any subheadings ("I", "The Letter") and
    the chapter's subtitle (a Word Subtitle paragraph, `<p class="subtitle">`)."""
    for child in root:
        if not isinstance(child.tag, str):
            continue
        name = etree.QName(child).localname
        if name in SUBHEADINGS or name == "p" and "subtitle" in (child.get("class") or "").split():
            continue
        return child if name == "p" else None
    return None


def mark_opening(root: etree._Element) -> bool:
    """Wrap the opening paragraph's initial, any opening quote and its first few words.

    `<p class="opening"><span class="drop-cap"><span class="drop-quote">“</span>T</span>
    <span class="lead-in">he first words</span> the rest…`. Real spans rather than
    ::first-letter, which WeasyPrint lays out after the first line and which would make an
    opening quote as large as the letter. True when the paragraph was marked; a paragraph
    already marked, or one that opens with markup (a link, italics), is left as it is.
    """
    first = opening_paragraph(root)
    if first is None or "opening" in (first.get("class") or "").split() or not first.text:
        return False
    match = _OPENING.match(first.text)
    if match is None:
        return False
    initial = etree.Element(f"{XHTML}span", {"class": "drop-cap"})
    if match.group(2):
        quote = etree.SubElement(initial, f"{XHTML}span", {"class": "drop-quote"})
        quote.text = match.group(2)
        quote.tail = match.group(3)
    else:
        initial.text = match.group(3)
    lead = etree.Element(f"{XHTML}span", {"class": "lead-in"})
    lead.text = match.group(4)
    lead.tail = first.text[match.end():]
    first.text = None
    first.insert(0, initial)
    initial.addnext(lead)
    first.set("class", ((first.get("class") or "") + " opening").strip())
    return True
