"""HTML to safe XHTML fragments: allow-list sanitising, XML serialisation, well-formedness."""

from __future__ import annotations

import html.parser
import re
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
    "a": _COMMON | {"href", "data-line", "data-href"},
    "img": _COMMON | {"src", "alt", "width", "height", "data-line", "data-markdown",
                      "data-embedded"},
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
KEPT_SCHEMES = URL_SCHEMES | _REPORTED_SCHEMES  # the sanitiser drops any other (javascript: ...)
DROPPED_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "template", "noscript"}


MAX_DEPTH = 100  # elements nested deeper than this keep their text but lose their tags
_VOID = {"br", "hr", "img", "wbr", "col", "area", "base", "embed", "input", "link", "meta",
         "source", "track"}


class _Flattener(html.parser.HTMLParser):
    """Re-emits balanced HTML, dropping the tags (never the text) nested below MAX_DEPTH."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.out: list[str] = []
        self.depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            self.out.append(self.get_starttag_text() or "")
            return
        self.depth += 1
        if self.depth <= MAX_DEPTH:
            self.out.append(self.get_starttag_text() or "")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out.append(self.get_starttag_text() or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            return
        if self.depth <= MAX_DEPTH:
            self.out.append(f"</{tag}>")
        self.depth = max(0, self.depth - 1)

    def handle_data(self, data: str) -> None:
        self.out.append(data)

    def handle_entityref(self, name: str) -> None:
        self.out.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.out.append(f"&#{name};")


def limit_depth(html_text: str) -> str:
    """Balanced HTML with at most MAX_DEPTH levels of elements; deeper ones keep only text.

    The HTML parser behind lxml gives up on very deep trees and drops what is inside.
    """
    if html_text.count("<") <= MAX_DEPTH or _depth(html_text) <= MAX_DEPTH:
        return html_text
    flattener = _Flattener()
    flattener.feed(html_text)
    flattener.close()
    return "".join(flattener.out)


_TAG = re.compile(r"<(/?)([A-Za-z][^\s/>]*)[^>]*?(/?)>")


def _depth(html_text: str) -> int:
    """How deep the elements of balanced HTML (as nh3 writes it) nest: one quick scan, where
    the HTML parser that flattens takes a tenth of a second for a long chapter. A stray end
    tag counts as closing one, so unbalanced HTML may read shallower: only the output of
    `_clean` is given."""
    depth = deepest = 0
    for closing, name, empty in _TAG.findall(html_text):
        if empty or name.lower() in _VOID:
            continue
        if closing:
            depth = max(0, depth - 1)
        else:
            depth += 1
            deepest = max(deepest, depth)
    return deepest


def sanitize(html: str) -> str:
    """Keep only allow-listed tags, attributes and URL schemes; flatten absurd nesting."""
    return limit_depth(_clean(html))


def _clean(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES | _REPORTED_SCHEMES,
        clean_content_tags=DROPPED_WITH_CONTENT,
        link_rel=None,
        strip_comments=True,
        filter_style_properties={"text-align"},
        # A filter in Python is called for every attribute: only when there is a cite= to see.
        attribute_filter=_web_cite_only if "cite=" in html else None,
    )


def _web_cite_only(tag: str, attribute: str, value: str) -> str | None:
    """A quotation's cite= kept only when it is a web address: the sanitiser checks the
    schemes of links and images but not of cite, and `cite="file:///home/..."` carried a
    path of the author's machine into the book."""
    if attribute == "cite" and not value.strip().lower().startswith(("http://", "https://")):
        return None
    return value


def unsafe_parts(raw_html: str) -> list[str]:
    """What `sanitize` would remove from a piece of raw HTML, described for a warning."""
    found: list[str] = []
    try:
        nodes = lxml.html.fragments_fromstring(raw_html, parser=html_parser())
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


_ID_SPACE = re.compile(r"[ \t\n\r\f]+")  # HTML's white space, which an id may not hold


def as_id(value: str) -> str:
    """`value` as a valid id: each run of white space one hyphen, the ends trimmed; "" when
    nothing is left (then there is no id to give). A valid id is returned as it is."""
    return _ID_SPACE.sub("-", value.strip(" \t\n\r\f"))


_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
# Elements that may hold only phrasing content (text and inline elements).
_PHRASING_ONLY = _HEADINGS | {
    "p", "pre", "span", "em", "strong", "a", "code", "b", "i", "u", "s", "small", "sub", "sup",
    "q", "cite", "abbr", "mark", "kbd", "samp", "var", "dfn", "bdi", "bdo", "time", "rt", "rp",
}
# Elements that are flow content only: never inside the above.
_FLOW_ONLY = _HEADINGS | {
    "p", "div", "ul", "ol", "li", "dl", "dt", "dd", "blockquote", "pre", "table", "caption",
    "colgroup", "col", "tbody", "thead", "tfoot", "tr", "td", "th", "figure", "figcaption",
    "section", "article", "aside", "hr", "details", "summary",
}
# Elements that belong inside a particular parent.
_PARENTS = {
    "li": {"ul", "ol"}, "dt": {"dl"}, "dd": {"dl"}, "figcaption": {"figure"},
    "summary": {"details"}, "caption": {"table"}, "rt": {"ruby"}, "rp": {"ruby"},
}


def xml_parser() -> etree.XMLParser:
    """A strict XML parser that reads nothing else (no entities, DTDs or network) and takes
    text nodes of any length (libxml2 otherwise cuts a paragraph over 10 MB off unseen)."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           huge_tree=True)


def html_parser() -> lxml.html.HTMLParser:
    """lxml's HTML parser, also for text nodes over 10 MB."""
    return lxml.html.HTMLParser(huge_tree=True, no_network=True)


def parse_fragment(html: str) -> etree._Element:
    """Parse an HTML fragment into a `<div>` holding it (HTML parser, no namespaces).

    The HTML parser does not enforce content models, so what raw HTML can break is mended
    here: blocks inside paragraphs (or any inline element) are unwrapped, list items and the
    like outside their parent become divisions, and links inside links lose their inner link.
    """
    root = lxml.html.fragment_fromstring(html or "", create_parent="div", parser=html_parser())
    for el in list(root.iter()):
        if not isinstance(el.tag, str) or el is root:
            continue
        parent = el.getparent()
        needed = _PARENTS.get(el.tag)
        if needed is not None and (parent is None or parent.tag not in needed):
            el.tag = "div"
    for el in list(root.iter()):
        if not isinstance(el.tag, str) or el is root or el.getparent() is None:
            continue
        inline_ancestor = any(a.tag in _PHRASING_ONLY for a in el.iterancestors()
                              if isinstance(a.tag, str))
        nested_link = el.tag == "a" and any(a.tag == "a" for a in el.iterancestors())
        if inline_ancestor and el.tag in _FLOW_ONLY or nested_link:
            if el.tag == "hr":
                el.tag = "br"
                continue
            el.tail = "\n" + (el.tail or "")
            unwrap(el)
    return root


def serialize_fragment(root: etree._Element) -> str:
    """The children of `root` as an XHTML fragment string (XML syntax, no namespaces)."""
    parts = [_escape_text(root.text or "")]
    for child in root:
        parts.append(etree.tostring(child, method="xml", encoding="unicode", with_tail=True))
    return "".join(parts).strip()


def check_well_formed(fragment: str) -> None:
    """Raise etree.XMLSyntaxError unless `fragment` is well-formed XHTML content."""
    wrapped = f'<div xmlns="{XHTML_NS}" xmlns:epub="{EPUB_NS}">{fragment}</div>'
    etree.fromstring(wrapped.encode("utf-8"), xml_parser())


def inner_xml(root: etree._Element) -> str:
    """The content of a `fragment_root` element as a fragment string, namespaces left out."""
    text = etree.tostring(root, encoding="unicode")
    if text.endswith("/>"):
        return ""
    return text[text.index(">") + 1:text.rindex("</")].strip()


def fragment_root(fragment: str) -> etree._Element:
    """Parse a well-formed XHTML fragment strictly; the result is a namespaced `<div>`."""
    wrapped = f'<div xmlns="{XHTML_NS}" xmlns:epub="{EPUB_NS}">{fragment}</div>'
    return etree.fromstring(wrapped.encode("utf-8"), xml_parser())


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
