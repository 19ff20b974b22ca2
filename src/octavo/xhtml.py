"""HTML to safe XHTML fragments: allow-list sanitising, XML serialisation, well-formedness."""

from __future__ import annotations

from collections.abc import Iterator

import lxml.html
import nh3
from lxml import etree

XHTML_NS = "http://www.w3.org/1999/xhtml"
EPUB_NS = "http://www.idpf.org/2007/ops"

ALLOWED_TAGS = {
    "a", "abbr", "article", "aside", "b", "bdi", "bdo", "blockquote", "br", "caption", "cite",
    "code", "col", "colgroup", "dd", "del", "details", "dfn", "div", "dl", "dt", "em",
    "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd",
    "li", "mark", "ol", "p", "pre", "q", "rp", "rt", "ruby", "s", "samp", "section", "small",
    "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead",
    "time", "tr", "u", "ul", "var", "wbr",
}
_COMMON = {"id", "class", "title", "lang", "dir", "role", "aria-label", "aria-hidden"}
ALLOWED_ATTRIBUTES = {
    "*": _COMMON,
    "a": _COMMON | {"href", "data-line"},
    "img": _COMMON | {"src", "alt", "width", "height", "data-line"},
    "ol": _COMMON | {"start", "reversed"},
    "td": _COMMON | {"colspan", "rowspan", "style"},
    "th": _COMMON | {"colspan", "rowspan", "style", "scope"},
    "blockquote": _COMMON | {"cite"},
    "q": _COMMON | {"cite"},
    "time": _COMMON | {"datetime"},
    "col": _COMMON | {"span"},
    "colgroup": _COMMON | {"span"},
}
URL_SCHEMES = {"http", "https", "mailto"}
# Harmless schemes that survive sanitising so that the link check can report them by name.
_REPORTED_SCHEMES = {"ftp", "ftps", "tel", "sms", "news", "irc", "ircs", "ssh", "sftp", "gopher"}
_DROPPED_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "template", "noscript"}


def sanitize(html: str) -> str:
    """Keep only allow-listed tags, attributes and URL schemes."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES | _REPORTED_SCHEMES,
        clean_content_tags=_DROPPED_WITH_CONTENT,
        link_rel=None,
        strip_comments=True,
        filter_style_properties={"text-align"},
    )


def unsafe_parts(raw_html: str) -> list[str]:
    """What `sanitize` would remove from a piece of raw HTML, described for a warning."""
    found: list[str] = []
    try:
        nodes = lxml.html.fragments_fromstring(raw_html)
    except (etree.ParserError, ValueError):
        return found
    for node in nodes:
        if not isinstance(node, etree._Element) or not isinstance(node.tag, str):
            continue
        for el in node.iter():
            if not isinstance(el.tag, str):
                continue
            tag = el.tag.lower()
            if tag not in ALLOWED_TAGS:
                found.append(f"<{tag}>")
                continue
            allowed = ALLOWED_ATTRIBUTES.get(tag, _COMMON)
            for name, value in el.attrib.items():
                lname = name.lower()
                if lname not in allowed:
                    found.append(f"{lname}= on <{tag}>")
                elif lname in ("href", "src") and ":" in value.split("/")[0]:
                    scheme = value.split(":", 1)[0].strip().lower()
                    if scheme not in URL_SCHEMES | _REPORTED_SCHEMES:
                        found.append(f"{scheme}: URL on <{tag}>")
    return list(dict.fromkeys(found))


def parse_fragment(html: str) -> etree._Element:
    """Parse an HTML fragment into a `<div>` holding it (HTML parser, no namespaces)."""
    return lxml.html.fragment_fromstring(html or "", create_parent="div")


def serialize_fragment(root: etree._Element) -> str:
    """The children of `root` as an XHTML fragment string (XML syntax, no namespaces)."""
    parts = [_escape_text(root.text or "")]
    for child in root:
        parts.append(etree.tostring(child, method="xml", encoding="unicode", with_tail=True))
    return "".join(parts).strip()


def check_well_formed(fragment: str) -> None:
    """Raise etree.XMLSyntaxError unless `fragment` is well-formed XHTML content."""
    wrapped = f'<div xmlns="{XHTML_NS}" xmlns:epub="{EPUB_NS}">{fragment}</div>'
    etree.fromstring(wrapped.encode("utf-8"), etree.XMLParser(resolve_entities=False))


def inner_xml(root: etree._Element) -> str:
    """The content of a `fragment_root` element as a fragment string, namespaces left out."""
    text = etree.tostring(root, encoding="unicode")
    if text.endswith("/>"):
        return ""
    return text[text.index(">") + 1:text.rindex("</")].strip()


def fragment_root(fragment: str) -> etree._Element:
    """Parse a well-formed XHTML fragment strictly; the result is a namespaced `<div>`."""
    wrapped = f'<div xmlns="{XHTML_NS}" xmlns:epub="{EPUB_NS}">{fragment}</div>'
    return etree.fromstring(wrapped.encode("utf-8"), etree.XMLParser(resolve_entities=False))


def text_content(fragment: str) -> str:
    """The text of an XHTML fragment, block elements separated by spaces."""
    root = fragment_root(fragment)
    return " ".join(t for t in _texts(root))


def _texts(el: etree._Element) -> Iterator[str]:
    if el.text:
        yield el.text
    for child in el:
        yield from _texts(child)
        if child.tail:
            yield child.tail


def _escape_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unwrap(el: etree._Element) -> None:
    """Replace an element by its contents (text and children), keeping its tail."""
    parent = el.getparent()
    if parent is None:
        return
    index = parent.index(el)
    children = list(el)
    _append_text(parent, index, el.text)
    for offset, child in enumerate(children):
        parent.insert(index + offset, child)
    tail = el.tail
    parent.remove(el)
    _append_text(parent, index + len(children), tail)


def _append_text(parent: etree._Element, position: int, text: str | None) -> None:
    """Put `text` just before the child at `position` of `parent`."""
    if not text:
        return
    if position == 0:
        parent.text = (parent.text or "") + text
    else:
        prev = parent[position - 1]
        prev.tail = (prev.tail or "") + text
