"""HTML to safe XHTML fragments: allow-list sanitising, XML serialisation, well-formedness."""

from __future__ import annotations

import html.parser
import re
from collections.abc import Callable, Iterator

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
    "*": _COMMON | {"data-line"},  # the line of raw HTML, for messages; removed once read
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
DROPPED_WITH_CONTENT = {"script", "style", "iframe", "embed", "template", "noscript"}
# Elements the allow-list would drop with their words, renamed before it reads them so that
# only their tags go: an element of no HTML name loses its tag and keeps its content. An
# <object> keeps its fallback content; inline <svg> and <math> keep their text (the sanitiser
# drops their elements, <text> and <mi> and the rest, with what they hold, wherever they are).
_UNWRAPPED = "octavo-unwrapped"
_FOREIGN = {"svg", "math"}
_SVG_TEXTS = {"text", "title", "desc"}
# Old elements of HTML: the content of <xmp> and <plaintext> is raw text to an HTML parser,
# so the tags inside (and the line Octavo marks them with) would be printed as text; a
# <center> closes the paragraph it stands in. Renamed, they keep their words in the paragraph.
_RENAMED = {"object": _UNWRAPPED, "xmp": "code", "plaintext": "code", "listing": "code",
            "center": "div"}
# A whole tag, its quoted attribute values and all (a "<svg>" inside a value is not a tag).
_ANY_TAG = re.compile(r"""<(/?)([A-Za-z][^\s/>]*)((?:[^>"']|"[^"]*"|'[^']*')*)>""")


MAX_DEPTH = 100  # elements nested deeper than this keep their text but lose their tags
_VOID = {"br", "hr", "img", "wbr", "col", "area", "base", "embed", "input", "link", "meta",
         "source", "track"}
# The elements kept by name outside <svg> and <math>. Any other loses its tag and keeps its
# words: the sanitiser drops an element named as one of SVG or MathML (<path>, <text>,
# <domain>, <in>, <list> ...) with all it holds, and an unclosed one takes the rest of the
# paragraph with it ("Save it to <path> and restart." kept only "Save it to").
_KEPT_NAMES = ALLOWED_TAGS | DROPPED_WITH_CONTENT | _VOID
_RENAMED_HINT = re.compile(rf"</?(?!(?:{'|'.join(sorted(_KEPT_NAMES))})[\s/>])[A-Za-z]",
                           re.IGNORECASE)


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
    return limit_depth(_clean(renamed(html)))


def renamed(html: str) -> str:
    """`html` with the elements whose words the sanitiser would lose renamed so that only
    their tags go: <object>, <svg> and <math>, and every element inside the last two but
    those dropped with their content anywhere (<script>, <style>); the old elements of
    `_RENAMED` as the elements that keep their words where they stand; and any element of
    no name the book keeps (`_KEPT_NAMES`) so that only its tag goes."""
    if not _RENAMED_HINT.search(html):
        return html
    depth = 0  # how deep inside <svg> or <math>

    def rename(tag: re.Match[str]) -> str:
        nonlocal depth
        closing, name, rest = tag.group(1), tag.group(2).lower(), tag.group(3)
        empty = rest.endswith("/")
        if name in _FOREIGN and not empty:
            depth = max(0, depth - 1) if closing else depth + 1
        elif not depth and name in _RENAMED:
            return "" if empty else f"<{closing}{_RENAMED[name]}{rest}>"
        elif name in _KEPT_NAMES and (not depth or name in DROPPED_WITH_CONTENT):
            return tag.group(0)
        if empty:
            return ""  # an HTML parser would read it as a start tag holding all that follows
        # SVG's pieces of text are apart on the picture: not run together in the book
        space = " " if closing and depth and name in _SVG_TEXTS else ""
        return f"<{closing}{_UNWRAPPED}{rest}>{space}"

    return _ANY_TAG.sub(rename, html)


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
    """What `sanitize` would remove from a piece of raw HTML, described for a warning: the
    elements dropped with their content, the tags dropped alone (their words kept), then each
    attribute and URL."""
    found: list[str] = []
    dropped: list[str] = []  # elements removed with what they hold
    unwrapped: list[str] = []  # tags removed, their words kept
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
            if any(isinstance(a.tag, str) and a.tag.lower() in DROPPED_WITH_CONTENT
                   for a in el.iterancestors()):
                continue  # gone with the element that holds it
            if tag in DROPPED_WITH_CONTENT:
                dropped.append(f"<{tag}>")
                continue
            if tag not in ALLOWED_TAGS:
                holds = el.text or len(el)  # an empty one (<link>, <input>) has no words to keep
                (unwrapped if holds else found).append(f"<{tag}>")
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
    groups = []
    if dropped:
        names = list(dict.fromkeys(dropped))
        groups.append(f"{', '.join(names)} with what {'it holds' if len(names) == 1 else 'they hold'}")
    if unwrapped:
        groups.append(f"{', '.join(dict.fromkeys(unwrapped))} (the tags only: the words "
                      "inside are kept)")
    return groups + list(dict.fromkeys(found))


def raw_text(raw_html: str) -> str:
    """The words of a piece of raw HTML that a book keeps: all its text but that of the
    elements dropped with their content (<script>, <style> ...) and of comments. Read apart
    from the sanitiser, so that what it loses of the rest is seen to be lost."""
    try:  # renamed as for the sanitiser: an <xmp>'s tags are tags to the book
        nodes = lxml.html.fragments_fromstring(renamed(raw_html), parser=html_parser())
    except (etree.ParserError, ValueError):
        return ""
    texts: list[str] = []
    for node in nodes:
        if isinstance(node, str):
            texts.append(node)
            continue
        if not isinstance(node.tag, str):
            texts.append(node.tail or "")
            continue
        for el in list(node.iter()):
            if not isinstance(el.tag, str) or el.tag.lower() in DROPPED_WITH_CONTENT:
                if el is node:
                    el.text = None
                    el[:] = []
                else:
                    remove_keeping_tail(el)
        texts.append(" ".join(node.itertext()))
        texts.append(node.tail or "")
    return " ".join(" ".join(texts).split())


# HTML's white space, which an id may not hold, and the " and \ that WeasyPrint cannot link to
_ID_SPACE = re.compile(r'[ \t\n\r\f"\\]+')


def as_id(value: str) -> str:
    """`value` as a valid id that the PDF can link to: each run of white space, quotation
    marks and backslashes one hyphen, the ends trimmed; "" when nothing is left (then there
    is no id to give). A valid id is returned as it is."""
    return _ID_SPACE.sub("-", value.strip(" \t\n\r\f\"\\"))


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


def parse_fragment(html: str, mended: list[tuple[int | None, str]] | None = None) -> etree._Element:
    """Parse an HTML fragment into a `<div>` holding it (HTML parser, no namespaces).

    The HTML parser does not enforce content models, so what raw HTML can break is mended
    here: blocks inside paragraphs (or any inline element) are unwrapped, list items and the
    like outside their parent become divisions, and links inside links lose their inner link.
    What EPUBCheck refuses beyond that (see `_mend`) is mended too, each time told in
    `mended` as (line, what was done), the line where raw HTML gave one (data-line).
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
    _wrap_bare_text(root)
    if _may_need_mending(html):
        for el in _SUSPECTS(root):
            for note in _mend(el):
                if mended is not None:
                    mended.append((_line_of(el), note))
    if "data-line=" in html:
        for el in _AUTHORED(root):
            if (note := _drop_reserved_classes(el)) and mended is not None:
                mended.append((_line_of(el), note))
        for el in _LINED(root):
            del el.attrib["data-line"]
    return root


# Classes Octavo sets on what it makes itself, and that the themes style as such: on the
# author's own HTML or `{.class}`, they would hide words (`.scene-break-mark`), float a
# paragraph over the heading (`.drop-cap`), or stand in the running heads, the contents or
# the cover. Classes for the author's use (verse, epigraph, small-caps, ...) are not here.
RESERVED_CLASSES = frozenset({
    "scene-break", "scene-break-mark", "drop-cap", "drop-caps", "lead-in", "chapter",
    "chapter-head", "chapter-body", "chapter-title", "chapter-number", "part", "part-title",
    "part-text", "footnote", "footnote-number", "noteref", "noteref-mark", "toc", "titlepage",
    "title-page", "half-title", "half-title-text", "copyright", "copyright-page",
    "copyright-title", "colophon", "frontmatter", "backmatter", "body-start",
    "body-start-part", "opening-left", "illustration-note", "illustration-caption",
    "two-em-dash", "three-em-dash", "imprint", "imprint-above", "cover", "wrap", "first",
})
_RESERVED_PREFIXES = ("toc-", "cover-", "wrap-", "spine-", "back-", "book-")
# Elements the author wrote (raw HTML, attributes in braces): they carry their line.
_AUTHORED = etree.XPath("//*[@data-line][@class]")


def _drop_reserved_classes(el: etree._Element) -> str:
    """Leave Octavo's own classes (RESERVED_CLASSES) out of an element the author wrote; say
    which, or "" when it has none."""
    classes = (el.get("class") or "").split()
    reserved = [c for c in classes if c in RESERVED_CLASSES or c.startswith(_RESERVED_PREFIXES)]
    if not reserved:
        return ""
    kept = [c for c in classes if c not in reserved]
    if kept:
        el.set("class", " ".join(kept))
    else:
        del el.attrib["class"]
    return (f"class {', '.join(dict.fromkeys(reserved))} left out of <{el.tag}>: Octavo's own "
            "(its theme styles what Octavo makes with it); name yours otherwise")


def _wrap_bare_text(root: etree._Element) -> None:
    """Text left at the top of a fragment, outside any block (an HTML parser ends a paragraph
    at a block inside it: "<p>S <div>x</div> t.</p>" leaves " t." outside), is put in a
    paragraph with the inline elements beside it, so that it is set as text of the book. A
    fragment of inline content alone (a title) is left as it is."""
    if not (root.text or "").strip() and not any((child.tail or "").strip() for child in root):
        return
    if not any(child.tag in _FLOW_ONLY for child in root):
        return
    items = _detach_content(root)
    run: list[etree._Element | str] = []

    def close_run() -> None:
        if any(isinstance(item, str) and item.strip() for item in run):
            paragraph = etree.SubElement(root, "p")
            _put(paragraph, run)
            paragraph.text = (paragraph.text or "").lstrip() or None
            last = paragraph[-1] if len(paragraph) else None
            if last is not None:
                last.tail = (last.tail or "").rstrip() or None
            else:
                paragraph.text = (paragraph.text or "").rstrip() or None
            root[-1].tail = "\n"
        else:
            _put(root, run)
        run.clear()

    for item in items:
        if isinstance(item, str) or not isinstance(item.tag, str) or item.tag not in _FLOW_ONLY:
            run.append(item)
            continue
        close_run()
        root.append(item)
    close_run()


# Quick looks at the HTML text as nh3 writes it (one space before each attribute, values in
# double quotes) for what `_SUSPECTS` finds, so that a chapter with none of it (nearly every
# one) is not queried at all. They may match more (text that reads like an attribute), never
# less: in a list, `<li>` follows `<li>`. Each begins with a literal, which `re` finds fast.
_HINTS = tuple(re.compile(pattern) for pattern in (
    r"<(?:dl|figure|details|ruby)[\s/>]",
    r"<[ou]l\b[^>]*>\s*+(?!<li[\s/>]|</[ou]l>)",
    r"</li>\s*+(?!<li[\s/>]|</[ou]l>)",
    r' id="(?:"|[^"\s&\\]*+[\s&\\])',  # empty, or white space, &quot; or \ in it
    r' (?:width|height)="(?![0-9]+")',
    r' role="(?!(?:doc-noteref|doc-footnote|doc-backlink|separator|presentation)")',
    r" (?:start|reversed|colspan|rowspan|span|scope|datetime|lang|dir|aria-hidden)=",
))


def _may_need_mending(html: str) -> bool:
    return any(hint.search(html) for hint in _HINTS)


_WHITE = " \t\n\r"  # and form feed, which XML (and so an XPath) cannot hold
# What the allow-list passes and EPUBCheck refuses: content models the HTML parser does not
# enforce, and attribute values it checks. One query finds, in C, every element that may hold
# any: only those are looked at in Python.
_SUSPECTS = etree.XPath(" | ".join((
    "//ul[*[not(self::li)] or text()[normalize-space()]]",
    "//ol[*[not(self::li)] or text()[normalize-space()]]",
    "//dl[*[not(self::dt or self::dd or self::div)] or text()[normalize-space()] or *[1][self::dd]"
    " or *[last()][self::dt] or (div and (dt or dd)) or div[*[not(self::dt or self::dd)] or"
    " text()[normalize-space()] or not(*) or *[1][self::dd] or *[last()][self::dt]]]",
    "//figure[figcaption[2] or figcaption[preceding-sibling::node()[self::* or normalize-space()]"
    " and following-sibling::node()[self::* or normalize-space()]]]",
    "//details[summary[2] or not(node()[self::* or normalize-space()][1][self::summary])"
    " or summary[1][not(normalize-space()) and not(.//img[normalize-space(@alt)])]]",
    "//ruby[not(rt)]",
    f"//*[@id][@id = '' or translate(@id, '{_WHITE}\"\\', '') != @id]",
    "//img[@width or @height][@width = '' or @height = ''"
    " or translate(concat(@width, @height), '0123456789', '') != '']",
    "//*[@start or @reversed or @colspan or @rowspan or @span or @scope or @datetime or @lang"
    " or @dir or @aria-hidden]",
    "//*[@role][not(@role = 'doc-noteref' or @role = 'doc-footnote' or @role = 'doc-backlink'"
    " or @role = 'separator' or @role = 'presentation')]",
)))
# A link's or an image's data-line is read after (base.finish_fragment, links); others go here.
_LINED = etree.XPath("//*[@data-line][not(self::a or self::img)]")


def _line_of(el: etree._Element) -> int | None:
    """The line of the raw HTML `el` came from, or of the nearest element around it that has one."""
    for node in (el, *el.iterancestors()):
        line = node.get("data-line")
        if line is not None:
            return int(line) if line.isdigit() else None
    return None


def _mend(el: etree._Element) -> list[str]:
    """Mend what EPUBCheck would refuse in `el`, keeping every word; say what was done."""
    notes = _mend_attributes(el)
    tag = el.tag
    if tag in ("ul", "ol") and (strays := _wrap_strays(el, {"li"}, "li")):
        notes.append(f"{_names(strays)} in <{tag}> put in a list item")
    elif tag == "dl":
        strays = _wrap_strays(el, {"dt", "dd", "div"}, "dd")
        if strays:
            notes.append(f"{_names(strays)} in <dl> put in a <dd>")
        if not _terms_and_definitions(el):
            groups = [group for group in el if group.tag == "div"]
            for item in (*el, *(item for group in groups for item in group)):
                if item.tag in ("dt", "dd"):
                    item.tag = "div"
            el.tag = "div"
            notes.append("a <dl> that is not terms (<dt>) each followed by definitions (<dd>) "
                         "made divisions")
    elif tag == "figure":
        first = len(el) and not (el.text or "").strip() and el[0].tag == "figcaption"
        last = len(el) and not (el[-1].tail or "").strip() and el[-1].tag == "figcaption"
        kept = el[0] if first else el[-1] if last else None
        for caption in el.findall("figcaption"):
            if caption is not kept:
                caption.tag = "div"
                notes.append("a <figcaption> that is not the first or last thing in its "
                             "<figure> (or a second one) made a division")
    elif tag == "details":
        summaries = el.findall("summary")
        if not summaries:
            el.tag = "div"
            notes.append("a <details> without a <summary> made a division")
        elif not _says_something(summaries[0]):  # a reader could not tell what it opens
            el.tag = summaries[0].tag = "div"
            notes.append("a <details> whose <summary> is empty made a division")
        elif len(summaries) > 1 or el[0] is not summaries[0] or (el.text or "").strip():
            for extra in summaries[1:]:
                extra.tag = "div"
            _move_to_start(el, summaries[0])
            notes.append("a <details> must begin with its one <summary>: it was moved there "
                         "(and any other made a division)")
    elif tag == "ruby" and el.find("rt") is None:
        unwrap(el)
        notes.append("a <ruby> without <rt> left as its text")
    return notes


def _says_something(el: etree._Element) -> bool:
    """Whether `el` has words a screen reader can say: text, or a picture's alt text."""
    return bool("".join(el.itertext()).strip()) or any(
        (img.get("alt") or "").strip() for img in el.iter("img"))


def _names(strays: list[str]) -> str:
    return ", ".join(dict.fromkeys(f"<{name}>" if name != "text" else "text" for name in strays))


def _terms_and_definitions(dl: etree._Element) -> bool:
    """Whether a list's children are terms each followed by definitions (dt+ dd+)*, or
    divisions each holding such a group."""
    if len(dl) and all(child.tag == "div" for child in dl):
        return all(re.fullmatch(r"(t+d+)+", _shape(group)) for group in dl)
    return re.fullmatch(r"(t+d+)*", _shape(dl)) is not None


def _shape(parent: etree._Element) -> str:
    return "".join({"dt": "t", "dd": "d"}.get(str(child.tag), "?") for child in parent)


def _detach_content(parent: etree._Element) -> list[etree._Element | str]:
    """Take `parent`'s text and children out of it, in order: its text, then each child and
    the text after it (the child without its tail)."""
    items: list[etree._Element | str] = [parent.text or ""]
    for child in list(parent):
        items += [child, child.tail or ""]
        child.tail = None
        parent.remove(child)
    parent.text = None
    return items


def _put(parent: etree._Element, items: list[etree._Element | str]) -> None:
    """Append `items` (elements and text, as _detach_content gives them) to `parent`."""
    for item in items:
        if isinstance(item, str):
            _append_text(parent, len(parent), item)
        else:
            parent.append(item)


def _wrap_strays(parent: etree._Element, allowed: set[str], wrapper: str) -> list[str]:
    """Put each run of elements not in `allowed` and of text in `parent` into a new `wrapper`
    element; the names of what was wrapped ("text" for text)."""
    items = _detach_content(parent)
    strays: list[str] = []
    run: etree._Element | None = None
    for item in items:
        if isinstance(item, str):
            if item.strip() and run is None:
                run = etree.SubElement(parent, wrapper)
                strays.append("text")
            into = parent if run is None else run
            _append_text(into, len(into), item)
            continue
        if not isinstance(item.tag, str) or item.tag in allowed:
            run = None
            parent.append(item)
            continue
        if run is None:
            run = etree.SubElement(parent, wrapper)
        strays.append(str(item.tag))
        run.append(item)
    return strays


def _move_to_start(parent: etree._Element, child: etree._Element) -> None:
    """Make `child` the first thing in `parent`: what stood before it now follows it."""
    index = parent.index(child)
    tail, child.tail = child.tail, None
    parent.remove(child)
    if tail and not tail[0].isspace():
        tail = " " + tail  # it may now follow other text: words are not run together
    _append_text(parent, index, tail)
    before, parent.text = parent.text, None
    parent.insert(0, child)
    child.tail = before


_INTEGER = re.compile(r"-?[0-9]+")
_LANGUAGE = re.compile(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*")  # RFC 3066, as EPUBCheck reads it
_DATETIME = re.compile("|".join((  # the forms EPUBCheck takes, from its schema
    r"P[0-9]+D",
    r"P([0-9]+D)?T((([0-9]+H)([0-9]+M)?([0-9]+(\.[0-9]{1,3})?S)?)|(([0-9]+H)?([0-9]+M)"
    r"([0-9]+(\.[0-9]{1,3})?S)?)|(([0-9]+H)?([0-9]+M)?([0-9]+(\.[0-9]{1,3})?S)))",
    r"( *(([0-9]+ *[WDHM])|([0-9]+(\.[0-9]{1,3})? *S)) *)+",
    r"([0-9]{4,})-([0-9]{2})-([0-9]{2})([T ])([0-9]{2}):([0-9]{2})(:[0-9]{2}(\.[0-9]{1,3})?)?"
    r"(Z|((\+|-)([0-9]{2}):?([0-9]{2})))?",
    r"([0-9]{4,})-W([0-9]{2})", r"[0-9]{4}", r"([0-9]{4,})-([0-9]{2})-([0-9]{2})",
    r"([0-9]{4,})-([0-9]{2})", r"([0-9]{2}):([0-9]{2})(:[0-9]{2}(\.[0-9]{1,3})?)?",
    r"(--)?(0[0-9]|1[0-2])-(0[0-9]|[1-2][0-9]|3[0-1])",
)))
_ROLE_NAMES = """
    alert alertdialog application article banner button cell checkbox columnheader combobox
    complementary contentinfo definition dialog directory document feed figure form
    graphics-document graphics-object graphics-symbol grid gridcell group heading img link list
    listbox listitem log main marquee math menu menubar menuitem menuitemcheckbox menuitemradio
    navigation none note option presentation progressbar radio radiogroup region row rowgroup
    rowheader scrollbar search searchbox separator slider spinbutton status switch tab table
    tablist tabpanel term textbox timer toolbar tooltip tree treegrid treeitem
    doc-abstract doc-acknowledgments doc-afterword doc-appendix doc-backlink doc-biblioentry
    doc-bibliography doc-biblioref doc-chapter doc-colophon doc-conclusion doc-cover doc-credit
    doc-credits doc-dedication doc-endnote doc-endnotes doc-epigraph doc-epilogue doc-errata
    doc-example doc-footnote doc-foreword doc-glossary doc-glossref doc-index doc-introduction
    doc-noteref doc-notice doc-pagebreak doc-pagelist doc-part doc-preface doc-prologue
    doc-pullquote doc-qna doc-subtitle doc-tip doc-toc
"""  # the ARIA and DPUB-ARIA roles EPUBCheck knows
ROLES = frozenset(_ROLE_NAMES.split())


def _counting(least: int) -> Callable[[str], str | None]:
    def check(value: str) -> str | None:
        value = value.strip()
        return value if value.isascii() and value.isdigit() and int(value) >= least else None
    return check


def _one_of(*values: str) -> Callable[[str], str | None]:
    return lambda value: value.strip().lower() if value.strip().lower() in values else None


def _role(value: str) -> str | None:
    """A known role; of several words (ARIA's fallback list) the first known one: EPUBCheck
    refuses a role of more than one word, known or not."""
    return next((word for word in value.lower().split() if word in ROLES), None)


def _roles_left_out(value: str, kept: str) -> str:
    """Why a role of several words became `kept`, for the warning; "" for one word."""
    words = list(dict.fromkeys(value.lower().split()))
    if len(words) < 2:
        return ""
    known = [word for word in words if word in ROLES and word != kept]
    unknown = [word for word in words if word not in ROLES]
    why = [f"{' '.join(known)} left out"] if known else []
    why += [f"{' '.join(unknown)} unknown"] if unknown else []
    return f": EPUBCheck takes one role, the first it knows ({'; '.join(why)})"


def _language(value: str) -> str | None:
    value = value.strip().replace("_", "-")
    return value if not value or _LANGUAGE.fullmatch(value) else None


# Each checked attribute: its value as EPUBCheck takes it, or None when it cannot be had.
_VALUES: dict[str, Callable[[str], str | None]] = {
    "id": lambda value: as_id(value) or None,
    "start": lambda value: value.strip() if _INTEGER.fullmatch(value.strip()) else None,
    "reversed": lambda value: value if value in ("", "reversed") else "reversed",
    "colspan": _counting(1), "span": _counting(1), "rowspan": _counting(0),
    "scope": _one_of("row", "col", "rowgroup", "colgroup"),
    "datetime": lambda value: value.strip() if _DATETIME.fullmatch(value.strip()) else None,
    "lang": _language,
    "dir": _one_of("ltr", "rtl", "auto"),
    "aria-hidden": _one_of("true", "false"),
    "role": _role,
    "width": lambda value: m.group(1) if (m := _PIXELS.fullmatch(value)) else None,
    "height": lambda value: m.group(1) if (m := _PIXELS.fullmatch(value)) else None,
}
_PERCENT = re.compile(r"\s*([0-9]+(?:\.[0-9]+)?)\s*%\s*")
_PIXELS = re.compile(r"\s*([0-9]+)\s*(?:px)?\s*", re.IGNORECASE)


def _mend_attributes(el: etree._Element) -> list[str]:
    notes: list[str] = []
    for name, value in list(el.attrib.items()):
        if name not in _VALUES:
            continue
        percent = _PERCENT.fullmatch(value) if name in ("width", "height") else None
        if percent is not None:  # a size in per cent is a style: `width="50%"` is common
            del el.attrib[name]
            style = f"{name}: {percent.group(1)}%"
            el.set("style", f"{el.get('style')}; {style}" if el.get("style") else style)
            notes.append(f'{name}="{value}" on <{el.tag}> made style="{style}"')
            continue
        mended = _VALUES[name](value)
        if mended == value:
            continue
        if mended is None:
            del el.attrib[name]
            notes.append(f'{name}="{value}" on <{el.tag}> is not valid; left out')
        else:
            el.set(name, mended)
            why = _roles_left_out(value, mended) if name == "role" else ""
            notes.append(f'{name}="{value}" on <{el.tag}> made {name}="{mended}"{why}')
    return notes


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


def remove_keeping_tail(el: etree._Element) -> None:
    """Remove an element and what it holds, but keep the text that follows it."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail or ""
    previous = el.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(el)


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
