"""A chapter's XHTML fragment written back as the Markdown Octavo reads: for `octavo import`."""

from __future__ import annotations

import re

from lxml import etree

from octavo import xhtml

_NS = f"{{{xhtml.XHTML_NS}}}"
_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
_LINE_START = re.compile(r"^(\s*)([#>+-]|\d+[.)]|=+$)")
_ENTITY = re.compile(r"&(?=#?\w+;)")
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
        return "#" * int(name[1]) + " " + _inline(el).replace("\n", " ").strip()
    if name == "p":
        return _paragraph(el)
    if name == "blockquote":
        inner = "\n\n".join(b for b in (_block(c) for c in el) if b.strip()) or _inline(el)
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
    # Tables and anything else: kept as HTML, which the Markdown reader passes on (sanitised).
    return _raw(el)


def _paragraph(el: etree._Element) -> str:
    children = [c for c in el if isinstance(c.tag, str)]
    if len(children) == 1 and _tag(children[0]) == "img" and not (el.text or "").strip() \
            and not (children[0].tail or "").strip():
        return _image(children[0], "")
    text = _inline(el).strip()
    return _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text, count=1) if text else ""


def _list(el: etree._Element, depth: int = 0) -> str:
    ordered = _tag(el) == "ol"
    lines = []
    for number, item in enumerate((c for c in el if _tag(c) == "li"), start=1):
        mark = f"{number}. " if ordered else "- "
        pad = " " * len(mark)
        inner_blocks = []
        inline = _inline_only(item)
        if inline.strip():
            inner_blocks.append(inline.strip())
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


def _inline(el: etree._Element) -> str:
    out = [_escape(el.text or "")]
    for child in el:
        if isinstance(child.tag, str):
            out.append(_inline_element(child))
        out.append(_escape(child.tail or ""))
    return "".join(out)


def _inline_element(el: etree._Element) -> str:
    name = _tag(el)
    classes = (el.get("class") or "").split()
    inner = _inline(el)
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
        fence = "``" if "`" in text else "`"
        return f"{fence}{text}{fence}"
    if name == "br":
        return "\\\n"
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
    """Emphasis marks hug the words: spaces just inside them move outside."""
    stripped = inner.strip()
    lead = inner[: len(inner) - len(inner.lstrip())]
    trail = inner[len(inner.rstrip()):]
    return f"{lead}{mark}{stripped}{mark}{trail}"


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
    attributes = "".join(f' {k}="{v}"' for k, v in clean.attrib.items())
    return f"<{clean.tag}{attributes}>{inner}</{clean.tag}>"


def _escape(text: str) -> str:
    text = _SPECIAL.sub(r"\\\1", text)
    return _ENTITY.sub(r"\\&", text)
