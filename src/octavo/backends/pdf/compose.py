"""What WeasyPrint is given: the book as one HTML document (the theme's template), and its CSS."""

from __future__ import annotations

import dataclasses
import re
from html import escape
from pathlib import Path

from lxml import etree

from octavo import xhtml
from octavo.backends.base import RenderContext
from octavo.backends.initials import theme_initial_css
from octavo.backends.pdf.coverage import fallback_css, with_fallback
from octavo.backends.pdf.settings import PrintSettings
from octavo.backends.shared import check_title_notes, image_url, page_facts
from octavo.errors import ThemeError
from octavo.model import LEADING_MATTER, Book, Chapter, Part
from octavo.paths import html_problems
from octavo.themes import FONT_TYPES, Theme, render_template
from octavo.transforms.capitals import mark_capitals
from octavo.transforms.headings import bind_headings
from octavo.transforms.openings import mark_opening

XHTML = "{" + xhtml.XHTML_NS + "}"


def compose_html(book: Book, theme: Theme, context: RenderContext) -> str:
    """The whole book as one HTML document, ids made unique per chapter."""
    settings: PrintSettings = context.settings
    links = settings.profile == "reading"
    images = {image.href: image_url(image) for image in book.images}
    wide = wide_table(settings)

    def prepare(chapter: Chapter) -> Chapter:
        title, html = prepare_fragments([chapter.title_html, bind_headings(chapter.html)],
                                        chapter.id, images, links,
                                        opening=chapter.kind == "chapter", wide=wide)
        return dataclasses.replace(chapter, title_html=title, html=html)

    leading = [prepare(c) for c in book.front if c.kind in LEADING_MATTER]
    other_front = [prepare(c) for c in book.front if c.kind not in LEADING_MATTER]
    body: list[tuple[str, Chapter | Part]] = []
    toc: list[dict[str, str]] = []
    for chapter in other_front:
        toc.append({"id": chapter.id, "title": chapter.title, "kind": "front"})
    for item in book.body:
        if isinstance(item, Part):
            chapters = tuple(prepare(c) for c in item.chapters)
            title, html = prepare_fragments([item.title_html, mark_capitals(item.html)],
                                            item.id, images, links, wide=wide)
            body.append(("part", dataclasses.replace(item, chapters=chapters, html=html,
                                                     title_html=title)))
            toc.append({"id": item.id, "title": item.title, "kind": "part"})
            toc.extend({"id": c.id, "title": c.title, "kind": "chapter"} for c in chapters)
        else:
            body.append(("chapter", prepare(item)))
            toc.append({"id": item.id, "title": item.title, "kind": "chapter"})
    back = [prepare(c) for c in book.back]
    toc.extend({"id": c.id, "title": c.title, "kind": "back"} for c in back)
    meta = book.metadata
    classes = " ".join(page_classes(theme, settings) + ([] if links else ["print-profile"]))
    templates = theme.templates()
    html = render_template(
        templates, "pdf/book.html",
        meta=meta, classes=classes, links=links, leading=leading, other_front=other_front,
        body=body, back=back, toc=toc, chapter_label="Chapter",
        show_numbers=theme.variables.get("chapter-numbers") is True,
        **page_facts(meta, context.source_epoch, isbn=settings.isbn),
    )
    where = templates.get_template("pdf/book.html").filename
    shown = Path(where) if where else "pdf/book.html"
    problems = html_problems(html, allowed=frozenset(images.values()))
    if problems:  # a theme's own template reaching for the network or another file
        raise ThemeError(problems[0], shown)
    parts = [item for _, item in body if isinstance(item, Part)]
    check_title_notes([*leading, *other_front, *(item for _, item in body), *back,
                       *(c for part in parts for c in part.chapters)], html, shown)
    return html


def page_classes(theme: Theme, settings: PrintSettings) -> list[str]:
    """The theme's switches (drop-caps, opening-...), with [print] drop_caps/small_caps winning."""
    classes = [c for c in theme.classes() if c not in ("drop-caps", "small-caps")]
    themed = theme.classes()
    for name, setting in (("drop-caps", settings.drop_caps), ("small-caps", settings.small_caps)):
        if setting or (setting is None and name in themed):
            classes.append(name)
    return classes


def prepare_fragment(fragment: str, prefix: str, images: dict[str, str], links: bool,
                     opening: bool = False, wide: float = 20.0) -> str:
    """A chapter's XHTML made ready for one shared HTML document (see `prepare_fragments`)."""
    return prepare_fragments([fragment], prefix, images, links, opening, wide)[0]


def prepare_fragments(fragments: list[str], prefix: str, images: dict[str, str], links: bool,
                      opening: bool = False, wide: float = 20.0) -> list[str]:
    """A chapter's XHTML fragments (its title's, when it calls a note, and its text's) made
    ready for one shared HTML document.

    Ids get the chapter's prefix, images point at their files, footnotes move to where they
    are called, in whichever fragment (WeasyPrint floats them to the foot of that page), in
    the print profile links become plain text, an opening paragraph (in the last fragment,
    the text) gets its initial and lead-in marked up, and a table whose longest words need
    more than `wide` ems is marked wide (`wide_table`).
    """
    roots = [xhtml.fragment_root(fragment) for fragment in fragments]
    if opening:  # a Book built without the transforms (a test's) is marked here
        mark_opening(roots[-1])
    notes = {el.get("id"): el for root in roots for el in root.iter(f"{XHTML}aside")
             if "footnote" in (el.get("class") or "").split()}
    placed: set[str] = set()
    for ref in [a for root in roots for a in root.iter(f"{XHTML}a")]:
        if "noteref" not in (ref.get("class") or "").split():
            continue
        note_id = (ref.get("href") or "#")[1:]
        note = notes.get(note_id)
        mark = ref.getparent()
        if note is None or mark is None:
            continue
        if note_id in placed:  # a second call of a note: its number, no second footnote
            mark.set("class", "noteref-mark repeat")
            continue
        placed.add(note_id)
        outer = next((a for a in mark.iterancestors()
                      if "footnote" in (a.get("class") or "").split()), None)
        if outer is None:
            mark.addprevious(_inline_note(note))
            xhtml.remove_keeping_tail(mark)
        else:  # a note called inside a note floats after it; the call keeps its number
            outer.addnext(_inline_note(note, nested=True))
            mark.set("class", "noteref-mark repeat")
    for note in notes.values():
        xhtml.remove_keeping_tail(note)
    for table in (table for root in roots for table in root.iter(f"{XHTML}table")):
        if _min_width(table) > wide:
            table.set("class", " ".join([*(table.get("class") or "").split(), "wide"]))
    return [_finish(root, prefix, images, links) for root in roots]


def _finish(root: etree._Element, prefix: str, images: dict[str, str], links: bool) -> str:
    """Ids prefixed, images and links pointed, namespaces dropped: the fragment as HTML."""
    for el in root.iter():
        if el.get("id"):
            el.set("id", f"{prefix}-{el.get('id')}")
        el.attrib.pop("{" + xhtml.EPUB_NS + "}type", None)
    for img in root.iter(f"{XHTML}img"):
        img.set("src", images.get(img.get("src", ""), img.get("src", "")))
    for link in list(root.iter(f"{XHTML}a")):
        href = link.get("href") or ""
        if href.startswith("#"):
            link.set("href", f"#{prefix}-{href[1:]}")
        elif _CHAPTER_LINK.match(href):
            page, _, anchor = href.partition("#")
            chapter_id = page.removesuffix(".xhtml")
            link.set("href", f"#{chapter_id}-{anchor}" if anchor else f"#{chapter_id}")
        if not links:
            link.tag = f"{XHTML}span"
            link.attrib.pop("href", None)
    for el in root.iter():
        if isinstance(el.tag, str):
            el.tag = etree.QName(el).localname
    etree.cleanup_namespaces(root)
    return escape(root.text or "", quote=False) + "".join(
        etree.tostring(child, method="html", encoding="unicode") for child in root)


# A table whose longest words, column by column, need more ems (of its type) than the page's
# measure holds cannot fit it: set in smaller type and free to break its words (print.css,
# table.wide), it keeps them on the page, where they ran off its edge.
EM_PER_CHARACTER = 0.55  # a generous average glyph width, small capitals included
EM_PER_CELL = 1.2  # a cell's padding, left and right


def wide_table(settings: PrintSettings) -> float:
    """The ems of a table's type (0.9 of the body's) that the narrowest page measure of these
    settings holds: the gutter at its widest, the body type at 12 pt when the theme sets it."""
    inside = settings.gutter if settings.gutter is not None else max(0.875, settings.outside + 0.125)
    measure = (settings.width - settings.outside - inside) * 72
    return max(4.0, measure / ((settings.font_size or 12.0) * 0.9))


def _min_width(table: etree._Element) -> float:
    """An estimate, in ems, of the narrowest a table can be: each column's longest word."""
    longest: dict[int, int] = {}
    for row in table.iter(f"{XHTML}tr"):
        cells = [c for c in row if etree.QName(c).localname in ("td", "th")]
        for i, cell in enumerate(cells):
            words = "".join(cell.itertext()).split()
            longest[i] = max(longest.get(i, 0), max(map(len, words), default=0))
    return sum(n * EM_PER_CHARACTER + EM_PER_CELL for n in longest.values())


_NOTE_BLOCKS = {"p", "ul", "ol", "li", "blockquote", "pre", "div", "dl", "dt", "dd", "figure",
                "figcaption", "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr", "td", "th", "tbody",
                "thead", "section"}
_CHAPTER_LINK = re.compile(r"^[a-z]+\d+\.xhtml(#|$)")  # links.resolve_links writes these
def _inline_note(note: etree._Element, nested: bool = False) -> etree._Element:
    """An aside's content as one inline span, which can sit inside the calling paragraph.

    Blocks become spans (a paragraph, a list item), since a block would end the paragraph
    the note is called from; list items keep a bullet or their number.
    """
    span = etree.Element(f"{XHTML}span", {"class": "footnote nested" if nested else "footnote"})
    span.set("id", note.attrib.pop("id", ""))  # a second call of the note links here
    parts = [p for p in note if "footnote-number" not in (p.get("class") or "").split()]
    for index, part in enumerate(parts):
        for el in part.iter():
            if not isinstance(el.tag, str):
                continue
            tag = etree.QName(el).localname
            if tag == "li":
                parent = el.getparent()
                ordered = parent is not None and etree.QName(parent).localname == "ol"
                number = (parent.index(el) + 1) if ordered and parent is not None else 0
                el.text = (f"{number}. " if number else "\u2022\u00a0") + (el.text or "")
                el.tail = " " + (el.tail or "").strip()
            if tag in _NOTE_BLOCKS:
                el.tag = f"{XHTML}span"
                el.set("class", f"footnote-{tag}")
        part.tail = " " if index < len(parts) - 1 else None
        span.append(part)
    return span


def theme_css(theme: Theme, stylesheet: str) -> str:
    """The theme's print stylesheet as WeasyPrint gets it (see `prepared_css`)."""
    sheet = theme.read_css(stylesheet)
    return prepared_css(theme, sheet) + theme_initial_css(theme, sheet)


def prepared_css(theme: Theme, css: str) -> str:
    """A print stylesheet as read, with url()s pointing at the files on the theme's search
    path, and its fallback fonts tried after each family's first choice."""
    css = theme.rewrite_urls(css, lambda url, path: path.as_uri())
    if not theme.fallback_fonts:
        return css
    return fallback_css(theme.fallback_fonts) + with_fallback(css)


def print_fonts(theme: Theme, css: str) -> list[Path]:
    """The font files a print stylesheet (as read) loads, and the theme's fallback fonts."""
    resources = theme.css_resources(css).values()
    return [p for p in resources if p.suffix.lower() in FONT_TYPES] + list(theme.fallback_fonts)
