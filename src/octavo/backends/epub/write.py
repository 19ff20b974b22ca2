"""Writes the EPUB 3: the book as EbookLib items, written once, then made reproducible."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import lxml.html
from ebooklib import epub
from lxml import etree

from octavo import xhtml
from octavo.backends.base import PAGE_MAP, RenderContext
from octavo.backends.epub.accessibility import (
    AccessibilitySettings,
    BookFacts,
    certifier,
    declarations,
)
from octavo.backends.epub.fonts import (
    FONT_SUFFIXES,
    book_characters,
    features_asked,
    subset_fonts,
)
from octavo.backends.epub.pagelist import (
    EPUB_TYPE,
    NoPageList,
    PageMap,
    mark_pages,
    page_breaks,
    page_list_nav,
)
from octavo.backends.initials import theme_initial_css
from octavo.backends.shared import check_title_notes, image_bytes, number, page_facts, text_digest
from octavo.covers import HREF, typographic_cover_later
from octavo.errors import BuildError, ThemeError
from octavo.images import decorative, is_animated
from octavo.model import LEADING_MATTER, Book, Chapter, Image, Metadata, Part
from octavo.paths import html_problems
from octavo.themes import FONT_TYPES, Theme, epub_css_problems, render_template
from octavo.transforms.capitals import mark_capitals
from octavo.uptodate import cache_dir

STYLESHEET = "style.css"  # the stylesheet's name inside the EPUB
MIME_BY_SUFFIX = {
    **FONT_TYPES,
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".svg": "image/svg+xml",
    ".webp": "image/webp",
}
# epub:type for each kind of chapter (EPUB 3 Structural Semantics Vocabulary).
EPUB_TYPES = {
    "chapter": "chapter",
    "titlepage": "titlepage",
    "frontispiece": "frontmatter",  # no term of its own in the vocabulary
    "imprint": "imprint",
    "transcriber-note": "frontmatter",
    "dedication": "dedication",
    "epigraph": "epigraph",
    "foreword": "foreword",
    "preface": "preface",
    "prologue": "prologue",
    "epilogue": "epilogue",
    "afterword": "afterword",
    "acknowledgements": "acknowledgments",
    "about-the-author": "backmatter",
    "also-by": "backmatter",
}
OPF_NS = "http://www.idpf.org/2007/opf"
# Who vouches for a conformance claim no one else has certified ([accessibility] certified_by).
CHECKED_BY = "Octavo (automated checks)"
# The DPUB-ARIA role of each epub:type, and the elements ARIA in HTML lets carry it.
_SECTIONING = frozenset({"section", "div", "article", "aside", "body"})
ROLES = {
    **{name: (f"doc-{name}", _SECTIONING) for name in (
        "chapter", "part", "dedication", "epigraph", "foreword", "preface", "prologue",
        "epilogue", "afterword", "acknowledgments", "introduction", "conclusion", "appendix",
        "colophon", "bibliography", "glossary", "index", "endnotes", "abstract", "credits",
        "errata")},
    "footnote": ("doc-footnote", frozenset({"aside", "section", "div", "p"})),
    "noteref": ("doc-noteref", frozenset({"a"})),
    "backlink": ("doc-backlink", frozenset({"a"})),
    "pagebreak": ("doc-pagebreak", frozenset({"span", "hr", "div"})),
    "toc": ("doc-toc", frozenset({"nav", "section", "div"})),
    "page-list": ("doc-pagelist", frozenset({"nav", "section", "div"})),
    "subtitle": ("doc-subtitle", frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "p"})),
}


def write_epub(book: Book, theme: Theme, target: Path, context: RenderContext,
               stylesheet: str) -> None:
    """Write `book` as an EPUB 3 file at `target`, styled by the theme's `stylesheet`."""
    meta = book.metadata
    # Stores, e-readers and library apps show a book without a cover as a blank: one is made,
    # in the cover press if the build started one, while the chapters are written (begun
    # first: the press's path, its layout and picture, is as long as the rest of this one).
    made = None if book.cover else typographic_cover_later(
        meta, theme, context.book_root, cache_dir(context.book_root), context.cover_press)
    modified = dt.datetime.fromtimestamp(context.source_epoch, dt.UTC)
    templates = theme.templates()
    out = epub.EpubBook()

    _set_metadata(out, meta)
    style = _add_stylesheet(out, theme, stylesheet, context)
    cover = book.cover or Image(source=context.book_root / "book.toml", href=HREF,
                                media_type="image/png")
    cover_item = _add_images(out, book, cover)  # the typographic cover's bytes come when made

    breaks: PageMap | None = None
    try:
        breaks = page_breaks(context.facts.get(PAGE_MAP), text_digest(book))
    except NoPageList as why:
        context.diagnostics.note(f"no page-list: {why}")
    placed: list[tuple[str, str, str]] = []  # (file, marker id, folio) in reading order
    wanted: list[int] = []  # the printed pages that begin in each EPUB page
    images = [0, 0]  # images in the text, and those without a text alternative
    texts: list[str] = ["Contents"]  # what the book sets, for its fonts' subsets

    def page(uid: str, title: str, template: str, **values: object) -> epub.EpubHtml:
        html = render_template(templates, f"epub/{template}.html", meta=meta, **values)
        where = templates.get_template(f"epub/{template}.html").filename
        shown = Path(where) if where else f"epub/{template}.html"
        problems = html_problems(html)
        if problems:  # a theme's own template, pointing the e-reader at the network
            raise ThemeError(problems[0], shown)
        check_title_notes([v for v in values.values() if isinstance(v, Chapter | Part)], html, shown)
        try:
            root = xhtml.fragment_root(html)
        except etree.XMLSyntaxError as exc:
            raise ThemeError(f"not well-formed XHTML: {exc}", shown) from None
        _add_roles(root)
        texts.append("".join(root.itertext()))
        if uid != "cover":
            for img in root.iter(f"{{{xhtml.XHTML_NS}}}img"):
                images[0] += 1
                described = (img.get("alt") or "").strip() or decorative(img)
                images[1] += 0 if described else 1
        if breaks and uid in breaks.breaks:
            wanted.append(len(breaks.breaks[uid]))
            placed.extend((f"{uid}.xhtml", marker, brk.label)
                          for marker, brk in mark_pages(root, breaks.breaks[uid]))
        _page_id_aside(root, uid)
        item = epub.EpubHtml(uid=uid, file_name=f"{uid}.xhtml", title=title,
                             lang=meta.language, content=xhtml.inner_xml(root))
        item.add_item(style)
        out.add_item(item)
        return item

    spine: list[epub.EpubHtml | str] = []
    spine.append(page("cover", "Cover", "cover", cover=cover))
    out.guide.append({"type": "cover", "href": "cover.xhtml", "title": "Cover"})
    facts = page_facts(meta, context.source_epoch)
    spine.append(page("titlepage", meta.title, "titlepage", **facts))
    spine.append(page("copyright", "Copyright", "copyright", **facts))

    switches = theme.classes()  # drop-caps and small-caps open body chapters only

    def chapter_page(chapter: Chapter) -> epub.EpubHtml:
        names = ["chapter", chapter.kind] + [c for c in switches if chapter.kind == "chapter"
                                             or c not in ("drop-caps", "small-caps")]
        classes = " ".join(dict.fromkeys(names))
        return page(chapter.id, chapter.title, "chapter", chapter=chapter, classes=classes,
                    epub_type=EPUB_TYPES.get(chapter.kind, "chapter"), chapter_label="Chapter",
                    show_numbers=theme.variables.get("chapter-numbers") is True)

    toc: list[object] = []
    leading = [c for c in book.front if c.kind in LEADING_MATTER]
    for chapter in leading:
        spine.append(chapter_page(chapter))
    spine.append("nav")
    for chapter in book.front:
        if chapter not in leading:
            spine.append(chapter_page(chapter))
    for chapter in book.front:
        toc.append(epub.Link(f"{chapter.id}.xhtml", chapter.title, chapter.id))

    first_body: str | None = None
    for item in book.body:
        if isinstance(item, Part):
            # Capitals as written on a part page ("JONATHAN WILD.") set as small capitals.
            marked = dataclasses.replace(item, html=mark_capitals(item.html))
            part_page = page(item.id, item.title, "part", part=marked)
            spine.append(part_page)
            links = []
            for chapter in item.chapters:
                spine.append(chapter_page(chapter))
                links.append(epub.Link(f"{chapter.id}.xhtml", chapter.title, chapter.id))
            toc.append((epub.Section(item.title, href=f"{item.id}.xhtml"), links))
            first_body = first_body or f"{item.id}.xhtml"
        else:
            spine.append(chapter_page(item))
            toc.append(epub.Link(f"{item.id}.xhtml", item.title, item.id))
            first_body = first_body or f"{item.id}.xhtml"
    for chapter in book.back:
        spine.append(chapter_page(chapter))
        toc.append(epub.Link(f"{chapter.id}.xhtml", chapter.title, chapter.id))

    out.toc = toc
    out.spine = spine
    out.guide.append({"type": "toc", "href": "nav.xhtml", "title": "Contents"})
    out.guide.append({"type": "text", "href": first_body or "titlepage.xhtml",
                      "title": "Start of the text"})
    nav = epub.EpubNav(uid="nav", file_name="nav.xhtml", title="Contents")
    nav.add_item(style)
    out.add_item(nav)
    out.add_item(epub.EpubNcx())
    complete = bool(placed) and len(placed) == sum(wanted)
    facts = BookFacts(images=images[0], without_alt=images[1],
                      animated=sum(is_animated(image) for image in book.images),
                      page_list=complete, page_source=breaks.source if breaks else "",
                      checked_by=CHECKED_BY)
    settings = context.settings or AccessibilitySettings()
    _set_accessibility(out, facts, settings, breaks.source if placed and breaks else "")
    if placed and not complete:  # the page-list is kept, but not claimed as the print pages
        context.diagnostics.warn(f"page-list: {sum(wanted) - len(placed)} of the {sum(wanted)} "
                                 "printed pages could not be found in the EPUB's text; the "
                                 "theme's epub and print templates may print different text")
    css = style.content.decode("utf-8")
    _subset_fonts(out, book_characters(texts, css), features_asked(css), context.cache,
                  lambda message: context.diagnostics.warn(f"theme {theme.name!r}: {message}"))
    # The typographic cover is waited for last: the chapters and fonts are written meanwhile.
    late = {} if made is None else {
        f"{out.FOLDER_NAME}/{cover_item.file_name}": lambda: image_bytes(made())}
    _write(out, target, modified, meta.language, page_list_nav(placed) if placed else None, late)


def _set_metadata(out: epub.EpubBook, meta: Metadata) -> None:
    out.set_identifier(meta.identifier)
    out.set_title(meta.title)
    out.set_language(meta.language)
    if meta.subtitle:
        out.add_metadata("DC", "title", meta.subtitle, {"id": "subtitle"})
        out.add_metadata(None, "meta", "subtitle", {"refines": "#subtitle",
                                                    "property": "title-type"})
    for index, author in enumerate(meta.authors, start=1):
        out.add_author(author, role="aut", uid=f"author{index}")
    for index, (name, role) in enumerate(meta.contributors, start=1):  # an illustrator: "ill"
        out.add_metadata("DC", "contributor", name, {"id": f"contributor{index}"})
        out.add_metadata(None, "meta", role, {"refines": f"#contributor{index}",
                                              "property": "role", "scheme": "marc:relators"})
    for name in ("publisher", "date", "description", "rights"):
        value = getattr(meta, name)
        if value:
            out.add_metadata("DC", name, value)
    for subject in meta.subjects:
        out.add_metadata("DC", "subject", subject)
    if meta.series:
        out.add_metadata(None, "meta", meta.series,
                         {"property": "belongs-to-collection", "id": "series"})
        out.add_metadata(None, "meta", "series",
                         {"refines": "#series", "property": "collection-type"})
        if meta.series_index is not None:
            out.add_metadata(None, "meta", number(meta.series_index),
                             {"refines": "#series", "property": "group-position"})


def _set_accessibility(out: epub.EpubBook, facts: BookFacts, settings: AccessibilitySettings,
                       page_source: str) -> None:
    for name, value in declarations(facts, settings):
        out.add_metadata(None, "meta", value, {"property": name})
    if page_source:  # a page-list names where its pages come from (EPUB 3.3)
        out.add_metadata(None, "meta", page_source, {"property": "pageBreakSource"})
    vouched = certifier(facts, settings)
    if vouched is not None:
        name, credential, report = vouched
        out.add_metadata(None, "meta", name, {"property": "a11y:certifiedBy",
                                              "id": "certifier"})
        if credential:
            out.add_metadata(None, "meta", credential, {"property": "a11y:certifierCredential",
                                                        "refines": "#certifier"})
        if report:
            out.add_metadata(None, "link", "", {"rel": "a11y:certifierReport",
                                                "refines": "#certifier", "href": report})


def _page_id_aside(root: etree._Element, uid: str) -> None:
    """The template's element with the page's id (a chapter's <section id="ch001">) takes
    another when the chapter's text holds that id too (`## Title {#ch001}`): links into
    the text name the author's. (After the page-list's markers: it finds the page by its id.)"""
    holders = [el for el in root.iter() if isinstance(el.tag, str) and el.get("id") == uid]
    if len(holders) < 2:
        return
    taken = {el.get("id") for el in root.iter() if isinstance(el.tag, str)}
    new = f"{uid}-page"
    while new in taken:
        new += "-p"
    holders[0].set("id", new)


def _add_roles(root: etree._Element) -> None:
    """Give every element with an epub:type its DPUB-ARIA role, where its element may have it."""
    for el in root.iter():
        kinds = (el.get(EPUB_TYPE) or "").split() if isinstance(el.tag, str) else []
        if not kinds or el.get("role"):
            continue
        tag = etree.QName(el).localname
        role = next((ROLES[k][0] for k in kinds if k in ROLES and tag in ROLES[k][1]), None)
        if role:
            el.set("role", role)


def _add_stylesheet(out: epub.EpubBook, theme: Theme, name: str,
                    context: RenderContext) -> epub.EpubItem:
    css = theme.read_css(name)
    css += theme_initial_css(theme, css, epub=True)  # drop caps sized from the theme's font and leading
    for problem in epub_css_problems(css):
        context.diagnostics.warn(f"theme {theme.name!r} {name}, {problem}: e-readers may "
                                 "show blank pages or fail")
    for index, (url, path) in enumerate(sorted(theme.css_resources(css).items()), start=1):
        media_type = MIME_BY_SUFFIX.get(path.suffix.lower())
        if media_type is None:
            raise BuildError(f"theme {theme.name!r}: {url} is not a font or image type EPUB allows")
        out.add_item(epub.EpubItem(uid=f"res-{index:03d}", file_name=_member_name(url),
                                   media_type=media_type, content=path.read_bytes()))
    css = theme.rewrite_urls(css, lambda url, path: _member_name(url))
    style = epub.EpubItem(uid="style", file_name=STYLESHEET, media_type="text/css",
                          content=css.encode("utf-8"))
    out.add_item(style)
    return style


def _subset_fonts(out: epub.EpubBook, characters: str, features: frozenset[str] | None,
                  cache: Path | None, warn: Callable[[str], None]) -> None:
    """Each OpenType or TrueType font of the theme (WOFF and WOFF2 too) cut down to the book's
    characters and the stylesheet's features."""
    items = [item for item in out.get_items() if item.file_name.lower().endswith(FONT_SUFFIXES)]
    for item, content in zip(items, subset_fonts([item.content for item in items], characters,
                                                  cache, features), strict=True):
        if content:
            item.content = content
        else:
            warn(f"{item.file_name}: this font cannot be read (HarfBuzz, fontTools) to cut it "
                 "down to the book's characters; it is embedded whole")


def _member_name(url: str) -> str:
    """A theme file's name inside the EPUB: its relative URL with only safe characters."""
    return re.sub(r"[^A-Za-z0-9._/-]", "-", url)


def _add_images(out: epub.EpubBook, book: Book, cover: Image) -> epub.EpubImage:
    """The book's images and its cover (whose bytes may come later); the cover's item."""
    for image in book.images:
        uid = Path(image.href).stem
        out.add_item(epub.EpubImage(uid=uid, file_name=image.href, media_type=image.media_type,
                                    content=image_bytes(image)))
    item = epub.EpubImage(uid="cover-image", file_name=cover.href, media_type=cover.media_type,
                          content=image_bytes(cover) if book.cover else b"")
    item.properties = ["cover-image"]
    out.add_item(item)
    out.add_metadata(None, "meta", "", {"name": "cover", "content": "cover-image"})
    return item


def _write(out: epub.EpubBook, target: Path, modified: dt.datetime, language: str,
           page_list: etree._Element | None,
           late: dict[str, Callable[[], bytes]] | None = None) -> None:
    """EbookLib writes into a scratch file; we copy it with fixed times and mimetype first.

    EbookLib's own page-list takes every element with an epub:type and an id for a page (a
    chapter's <section> too), so the nav gets Octavo's instead. The members named in `late`
    (the cover being made) get their bytes from it, and are copied last, once those come.
    EbookLib stores its scratch file uncompressed: only the copy is compressed."""
    late = late or {}
    with tempfile.TemporaryDirectory(prefix="octavo-epub-") as scratch:
        raw = Path(scratch) / "raw.epub"
        options = {"raise_exceptions": True, "mtime": modified, "epub3_pages": False,
                   "landmark_title": "Landmarks", "compresslevel": 0}
        try:
            with _long_text_kept():
                epub.write_epub(str(raw), out, options)
        except Exception as exc:  # EbookLib raises bare errors from lxml and zipfile
            raise BuildError(f"EbookLib could not write the EPUB: {exc}") from exc
        stamp = max(modified, dt.datetime(1980, 1, 1, tzinfo=dt.UTC)).timetuple()[:6]
        with zipfile.ZipFile(raw) as source, zipfile.ZipFile(target, "w") as dest:
            names = ["mimetype"] + sorted(n for n in source.namelist() if n != "mimetype")
            names = [n for n in names if n not in late] + [n for n in names if n in late]
            for name in names:
                data = late[name]() if name in late else source.read(name)
                if name.endswith(".opf"):
                    data = _patch_opf(data, language)
                elif name.endswith("/nav.xhtml"):
                    data = _patch_nav(data, page_list)
                info = zipfile.ZipInfo(name, date_time=stamp)
                info.create_system = 3
                info.external_attr = 0o100644 << 16
                if name == "mimetype":
                    info.compress_type = zipfile.ZIP_STORED
                    dest.writestr(info, data)
                else:
                    info.compress_type = zipfile.ZIP_DEFLATED
                    # Level 6, zlib's default: level 9 takes twice as long for 1 % less.
                    dest.writestr(info, data, compresslevel=6)


@contextlib.contextmanager
def _long_text_kept() -> Iterator[None]:
    """EbookLib re-parses every page with lxml's HTML parser as it comes, which drops a text
    node over 10 MB without a word (a paragraph of that size vanished from the book); while
    it writes, it parses them whole."""
    original = epub.parse_html_string

    def parse_whole(text: bytes | str) -> etree._Element:
        return lxml.html.document_fromstring(text, parser=lxml.html.HTMLParser(
            encoding="utf-8", huge_tree=True, no_network=True))

    epub.parse_html_string = parse_whole
    try:
        yield
    finally:
        epub.parse_html_string = original


def _patch_opf(data: bytes, language: str) -> bytes:
    """Give `<package>` the book's xml:lang, which EbookLib never writes."""
    root = etree.fromstring(data)
    root.set("{http://www.w3.org/XML/1998/namespace}lang", language)
    return etree.tostring(root, encoding="utf-8", xml_declaration=True, pretty_print=True)


def _patch_nav(data: bytes, page_list: etree._Element | None) -> bytes:
    """Give the nav's lists their roles, and the page-list when there is one."""
    root = etree.fromstring(data, xhtml.xml_parser())
    body = root.find(f"{{{xhtml.XHTML_NS}}}body")
    if body is None:
        return data
    if page_list is not None:
        body.append(page_list)
        etree.indent(root, space="  ")
    _add_roles(root)
    return etree.tostring(root.getroottree(), encoding="utf-8", xml_declaration=True,
                          doctype="<!DOCTYPE html>", pretty_print=True)
