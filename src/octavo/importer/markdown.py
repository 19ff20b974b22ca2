"""A chapter's XHTML fragment written back as the Markdown Octavo reads: for `octavo import`."""

from __future__ import annotations

import re
from html import escape

from lxml import etree

from octavo import xhtml

_NS = f"{{{xhtml.XHTML_NS}}}"
# Read by Markdown as markup anywhere in a line: emphasis, code, links, raw HTML, verse and table
# bars, strikethrough, attributes ({#id .class}). Straight quotes are no markup: they are
# written as they are, and the build curls them, as in any Markdown chapter.
_SPECIAL = re.compile(r"([\\`*_\[\]<>|~{}])")
# Runs the typographer turns into dashes and ellipses (--, ---, ..., . . .): each character
# escaped, so Word's straight characters stay as they are (the Word reader has no typographer).
_TYPOGRAPHIC = re.compile(r"-(?=-)|(?<=-)-|\.(?= ?\.)|(?<=\.)\.|(?<=\. )\.")
# What opens a block at the start of a line: a heading, a list item, a setext underline or a
# thematic break (#, -, +, =, 1. or 1)); the rest (>, *, _, `, ~, |, <) is escaped everywhere.
_LINE_START = re.compile(r"^(?:([#+=-])|(\d+)([.)]))", re.MULTILINE)
_ENTITY = re.compile(r"&(?=#?\w+;)")
_CALL_COLON = re.compile(r"^(\[\^[^\]\s]+\]):", re.MULTILINE)
_TICKS = re.compile(r"`+")
_BREAK = "\\\n"  # a hard line break: a backslash ending the line
_BLOCKS = ("p", "blockquote", "ul", "ol", "table", "div", "figure", "h1", "h2", "h3", "h4", "h5", "h6")
_RAW_INLINE = ("sup", "sub", "u", "small", "mark", "abbr", "cite", "q", "bdi")


def to_markdown(fragment: str) -> str:
    """Markdown for an XHTML fragment the readers made (notes as [^n] with their text after)."""
    root = xhtml.fragment_root(fragment)
    blocks: list[str] = []
    notes: list[str] = []
    for child in root:
        name = _tag(child)
        if name == "aside" and "footnote" in (child.get("class") or ""):
            notes.append(_note(child))
        else:
            blocks.append(_block(child))
    text = "\n\n".join(b for b in blocks if b.strip())
    if notes:
        text += "\n\n" + "\n\n".join(notes)
    return text.strip() + "\n"


def _tag(el: etree._Element) -> str:
    return str(el.tag).removeprefix(_NS) if isinstance(el.tag, str) else ""


def _note(aside: etree._Element) -> str:
    number = (aside.get("id") or "fn-0").removeprefix("fn-")
    parts = [_block(c) for c in aside if "footnote-number" not in (c.get("class") or "")]
    body = "\n\n".join(p for p in parts if p.strip())
    return f"[^{number}]: " + body.replace("\n", "\n    ")


def _block(el: etree._Element) -> str:
    name = _tag(el)
    classes = (el.get("class") or "").split()
    if "scene-break" in classes:
        return "* * *"
    if re.fullmatch(r"h[1-6]", name):
        return "#" * int(name[1]) + " " + _inline(el, heading=True).strip()
    if name == "p":
        return _paragraph(el)
    if name == "blockquote":
        inner = "\n\n".join(b for b in (_block(c) for c in el) if b.strip()) or _lines(_inline(el))
        return "\n".join("> " + line if line else ">" for line in inner.split("\n"))
    if name in ("ul", "ol"):
        return _list(el)
    if name == "figure":
        img = next(el.iter(f"{_NS}img"), None)
        caption = next(el.iter(f"{_NS}figcaption"), None)
        if img is not None:
            title = "".join(caption.itertext()).replace('"', "'") if caption is not None else ""
            return _image(img, title)
    if name in ("div", "section"):
        return "\n\n".join(b for b in (_block(c) for c in el) if b.strip())
    if name == "img":
        return _image(el, "")
    if name == "table":
        return _table(el)
    # Anything else: kept as HTML, which the Markdown reader passes on (sanitised).
    return _raw(el)


def _paragraph(el: etree._Element) -> str:
    children = [c for c in el if isinstance(c.tag, str)]
    if len(children) == 1 and _tag(children[0]) == "img" and not (el.text or "").strip() \
            and not (children[0].tail or "").strip():
        return _image(children[0], "")
    return _lines(_inline(el))


def title(text: str, html: str = "") -> str:
    """A chapter's title as the text of its `# ` heading, read back exactly as it is: `text`,
    or `html` when the title calls a note (Section.title_html), its calls as [^n]."""
    if html:
        return _inline(xhtml.fragment_root(html), heading=True).strip()
    return _escape(text, heading=True).strip()


def _lines(markdown: str) -> str:
    """A paragraph's Markdown with each of its lines read as text: what would open a block at
    the start of a line (a line after a break too: `- Yes`, `# tag`, `===`) escaped. Spaces
    opening a line are dropped, as HTML drops them after a break (four would make the first
    line code). Breaks ending the paragraph are written `<br />`: Markdown drops a backslash
    break there, and two of them make a blank line."""
    text = markdown.rstrip(" \t")
    ending = ""
    while text.endswith(_BREAK):
        text = text[: -len(_BREAK)].rstrip(" \t")
        ending += "<br />"
    text = re.sub(r"\n[ \t]+", "\n", text.lstrip())
    if not text:  # a paragraph of breaks alone: `<br />` alone on a line would be an HTML block
        return ""
    text = _LINE_START.sub(lambda m: f"\\{m[1]}" if m[1] else f"{m[2]}\\{m[3]}", text)
    # A line opening with a note's call and a colon reads as the note's definition: the
    # paragraph's words went into a note nobody calls, and were left out.
    return _CALL_COLON.sub(r"\1\\:", text) + ending


def _table(el: etree._Element) -> str:
    """A table as its HTML tags, one a line, with what each cell holds written as Markdown
    between blank lines: Markdown reads raw HTML as it stands, so a note called in a cell
    ([^1]) is read only outside the tags. Not a pipe table: that needs a header row, which a
    Word table seldom has, and holds one line a cell."""
    name = _tag(el)
    if name in ("td", "th", "caption"):
        if (el.text or "").strip() or any(_tag(c) not in _BLOCKS for c in el):
            inner = _paragraph(el)  # text with no paragraph of its own: one paragraph
        else:
            inner = "\n\n".join(b for b in (_block(c) for c in el) if b.strip())
        return f"{_open_tag(el)}\n\n{inner}\n\n</{name}>" if inner else f"{_open_tag(el)}</{name}>"
    if name in ("table", "thead", "tbody", "tfoot", "tr"):
        rows = [_table(c) for c in el if isinstance(c.tag, str)]
        return "\n".join([_open_tag(el), *rows, f"</{name}>"])
    return _raw(el)


def _open_tag(el: etree._Element) -> str:
    attributes = "".join(f' {k}="{escape(v)}"' for k, v in el.attrib.items() if not k.startswith("{"))
    return f"<{_tag(el)}{attributes}>"


def _list(el: etree._Element, depth: int = 0) -> str:
    ordered = _tag(el) == "ol"
    lines = []
    for number, item in enumerate((c for c in el if _tag(c) == "li"), start=1):
        mark = f"{number}. " if ordered else "- "
        pad = " " * len(mark)
        inner_blocks = []
        inline = _inline_only(item)
        if inline.strip():
            inner_blocks.append(_lines(inline))
        for child in item:
            if _tag(child) in ("p", "blockquote", "ul", "ol", "table", "div"):
                inner_blocks.append(_block(child))
        text = "\n\n".join(b for b in inner_blocks if b.strip()) or ""
        indented = text.replace("\n", "\n" + pad)
        lines.append(mark + indented)
    return "\n".join(lines)


def _inline_only(item: etree._Element) -> str:
    """The inline content of a list item (its text and inline elements, not its blocks)."""
    clone = etree.Element(item.tag)
    clone.text = item.text
    for child in item:
        if _tag(child) in ("p", "blockquote", "ul", "ol", "table", "div"):
            continue
        clone.append(_copy(child))
    return _inline(clone)


def _copy(el: etree._Element) -> etree._Element:
    from copy import deepcopy

    return deepcopy(el)


def _inline(el: etree._Element, heading: bool = False) -> str:
    """The Markdown of an element's content; in a heading (one line), a break is a space."""
    out = [_escape(el.text or "", heading)]
    for child in el:
        if isinstance(child.tag, str):
            out.append(_inline_element(child, heading))
        out.append(_escape(child.tail or "", heading))
    return "".join(out)


def _inline_element(el: etree._Element, heading: bool) -> str:
    name = _tag(el)
    classes = (el.get("class") or "").split()
    inner = _inline(el, heading)
    if name == "sup" and "noteref-mark" in classes:
        link = next(el.iter(f"{_NS}a"), None)
        number = (link.get("href") or "#fn-0").removeprefix("#fn-") if link is not None else "0"
        return f"[^{number}]"
    if not inner.strip() and name not in ("img", "br"):
        return inner
    if name in ("em", "i"):
        return _wrap("*", inner)
    if name in ("strong", "b"):
        return _wrap("**", inner)
    if name in ("s", "del"):
        return _wrap("~~", inner)
    if name == "code":
        text = "".join(el.itertext())
        # A fence longer than any run of backticks inside, and a space inside it when the
        # code opens or ends with one (Markdown takes one such space off each side).
        fence = "`" * (max(map(len, _TICKS.findall(text)), default=0) + 1)
        pad = " " if text.startswith("`") or text.endswith("`") else ""
        return f"{fence}{pad}{text}{pad}{fence}"
    if name == "br":
        return " " if heading else _BREAK
    if name == "img":
        return _image(el, "")
    if name == "a":
        href = el.get("href") or ""
        if not href or el.get("role") == "doc-backlink":
            return inner
        return f"[{inner}](<{href}>)"
    if name == "span" and not classes and not el.get("lang"):
        return inner
    if name in _RAW_INLINE or name == "span":
        return _raw(el, inner)
    return inner


def _wrap(mark: str, inner: str) -> str:
    """Emphasis marks hug the words: spaces just inside them move outside. Emphasis that
    opens or ends with punctuation is written as its HTML tags: Markdown reads `*Hello,*world`
    as text (a mark after punctuation closes only before a space or punctuation), and which
    character comes next is not known here."""
    stripped = inner.strip()
    lead = inner[: len(inner) - len(inner.lstrip())]
    trail = inner[len(inner.rstrip()):]
    if stripped and not (stripped[0].isalnum() and stripped[-1].isalnum()):
        tag = _MARK_TAGS[mark]
        return f"{lead}<{tag}>{stripped}</{tag}>{trail}"
    return f"{lead}{mark}{stripped}{mark}{trail}"


_MARK_TAGS = {"*": "em", "**": "strong", "~~": "s"}


def _image(img: etree._Element, title: str) -> str:
    alt = _SPECIAL.sub(r"\\\1", img.get("alt") or "")
    src = img.get("src") or ""
    decorative = " {.decorative}" if img.get("role") in ("presentation", "none") else ""
    caption = f' "{title}"' if title else ""
    return f"![{alt}]({src}{caption}){decorative}"


def _raw(el: etree._Element, inner: str | None = None) -> str:
    """An element as HTML, namespaces dropped; with `inner`, its Markdown inside its tags."""
    clean = _copy(el)
    for node in clean.iter():
        if isinstance(node.tag, str):
            node.tag = _tag(node)
            for attribute in list(node.attrib):
                if attribute.startswith("{"):
                    del node.attrib[attribute]
    etree.cleanup_namespaces(clean)
    if inner is None:
        return etree.tostring(clean, encoding="unicode", method="html", with_tail=False)
    attributes = "".join(f' {k}="{escape(v)}"' for k, v in clean.attrib.items())
    return f"<{clean.tag}{attributes}>{inner}</{clean.tag}>"


def _escape(text: str, heading: bool = False) -> str:
    """Text that Markdown reads back as these very characters. A newline in the text is white
    space (a line break is a <br>); a heading's `#` is escaped, as a closing `#` is markup."""
    text = _SPECIAL.sub(r"\\\1", text.replace("\r", " ").replace("\n", " "))
    text = _TYPOGRAPHIC.sub(r"\\\g<0>", text)
    if heading:
        text = text.replace("#", "\\#")
    return _ENTITY.sub(r"\\&", text)
