"""Reads Word .docx chapters with mammoth: styles and cues to structure, notes, pictures."""

from __future__ import annotations

import copy
import io
import itertools
import re
import urllib.parse
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

from octavo import xhtml
from octavo.diagnostics import Diagnostics
from octavo.errors import ManuscriptError
from octavo.images import SUFFIXES
from octavo.readers.base import (
    ImageRegistry,
    Paragraph,
    ReadContext,
    Reader,
    Section,
    SourceDoc,
    finish_fragment,
)
from octavo.readers.markdown import SCENE_BREAK
from octavo.readers.wordcues import ALONE, QUOTE_STYLE, SCENE_STYLE, Found, Place, arrange
from octavo.readers.wordpackage import open_package
from octavo.text import counted

# Word's styles (and Octavo's marks from wordcues) to HTML, beside mammoth's own defaults.
STYLE_MAP = f"""
p[style-name='{SCENE_STYLE}'] => p.octavo-scene-break:fresh
p[style-name='{QUOTE_STYLE}'] => blockquote > p:fresh
p[style-name='Quote'] => blockquote > p:fresh
p[style-name='Intense Quote'] => blockquote > p:fresh
p[style-name='Block Text'] => blockquote > p:fresh
p[style-name='Quotation'] => blockquote > p:fresh
p[style-name='Subtitle'] => p.subtitle:fresh
r[style-name='Emphasis'] => em
r[style-name='Intense Emphasis'] => em
small-caps => span.small-caps
"""
_NOTE = re.compile(r"^#?((?:foot|end)note)-(-?\d+)$")  # mammoth's ids for Word's notes


@dataclass
class WordDoc:
    """A .docx as blocks of HTML, its notes by id, and what was found on the way."""

    blocks: list[etree._Element]
    notes: dict[str, etree._Element]
    found: Found


def convert(path: Path, shown: str, diagnostics: Diagnostics, images: ImageRegistry,
            place: Place = ALONE) -> WordDoc:
    """Read a .docx into HTML blocks; warn about tracked changes, comments and hidden text.
    `place` says whether its title page may name the book (wordcues)."""
    import mammoth

    package = open_package(path, shown)
    if package.changes:
        diagnostics.warn(f"holds {counted(package.changes, 'tracked change')} "
                         "not yet accepted; read as if all were accepted (accept or reject "
                         "them in Word to be sure)", shown)
    if package.comments:
        diagnostics.warn(f"{counted(package.comments, 'comment')} left out of "
                         "the book", shown)
    if package.hidden:
        diagnostics.warn(f"hidden text left out of the book ({counted(package.hidden, 'place')})", shown)
    for missing in package.missing:
        diagnostics.warn(f"{missing} (insert it again in Word)", shown)
    if package.equations:
        diagnostics.warn(f"{counted(package.equations, 'equation')} set as "
                         "plain text (Octavo does not set Word's equations as math; check "
                         "them, or insert each as a picture with alt text)", shown)
    if package.smartart:
        diagnostics.warn(f"{counted(package.smartart, 'SmartArt graphic')} set "
                         "as plain paragraphs of its words (check them, or insert each as a "
                         "picture with alt text)", shown)
    if package.charts:
        diagnostics.warn(f"{counted(package.charts, 'chart')} left out (a "
                         "chart's words are not in the book; insert each as a picture with alt "
                         "text)", shown)
    if package.chunks:
        diagnostics.warn(f"{counted(package.chunks, 'document')} embedded whole "
                         "(HTML or RTF) left out, and the words in it (open the document in Word "
                         "and save it again: Word makes them its own text)", shown)
    found = Found(title=package.title, authors=list(package.authors))
    properties_title = package.title
    counter = itertools.count(1)
    found.title = ""  # the Title style, when used, names the book before the properties do

    def picture(image: Any) -> dict[str, str]:
        with image.open() as stream:
            data = stream.read()
        kind = (image.content_type or "").split("/")[-1].split("+")[0] or "bin"
        kind = {"jpeg": "jpg"}.get(kind, kind)
        kind = _metafile(data) or (kind[2:] if kind[2:] in METAFILES else kind)  # image/x-emf
        if f".{kind}" not in SUFFIXES and kind not in METAFILES:  # a type that says nothing
            kind = _image_format(data) or kind
        name = f"picture-{next(counter)}.{kind}"
        if kind in METAFILES:  # left out, with a warning, once its paragraph is known
            return {"data-metafile": kind.upper()}
        return {"src": images.add_data(data, name, path, shown), "data-embedded": name}

    try:
        result = mammoth.convert_to_html(
            io.BytesIO(package.data), style_map=STYLE_MAP,
            transform_document=lambda document: arrange(document, found, place),
            convert_image=mammoth.images.img_element(picture))
    except ManuscriptError:
        raise
    except Exception as exc:  # mammoth's own failures on a damaged document
        raise ManuscriptError(f"the document is damaged: {type(exc).__name__}: {exc}",
                              shown) from None
    lost = sum(1 for m in result.messages if "image file" in m.message)
    if lost:
        diagnostics.warn(f"{lost} picture{'s' * (lost != 1)} with no image data left out (insert "
                         "the picture again in Word)", shown)
    # A picture linked to a file rather than inserted: it is never read (mammoth's reading of
    # other files is off, as everything outside the book folder is).
    linked = sum(1 for m in result.messages if "external image" in m.message)
    if linked:
        diagnostics.warn(f"{linked} picture{'s' * (linked != 1)} linked to a file outside the "
                         "document left out (insert it in Word instead of linking to it)", shown)
    if found.title_left_out:
        diagnostics.warn(f"the title page's {found.title_left_out!r} left out: book.toml names "
                         f"the book {place.book_title!r}", shown)
    found.title = found.title or properties_title
    if not found.authors:
        found.authors = list(package.authors)
    if found.contents_left_out:
        diagnostics.note(f"{shown}: left out Word's table of contents "
                         f"({found.contents_left_out} lines); Octavo makes its own")
    body = etree.fromstring(f"<body>{result.value}</body>",
                            etree.XMLParser(huge_tree=True, resolve_entities=False))
    for link in body.iter("a"):  # set aside as Markdown's are: a warning, the link as text
        scheme = urllib.parse.urlsplit((link.get("href") or "").strip()).scheme.lower()
        if len(scheme) > 1 and scheme not in xhtml.KEPT_SCHEMES:
            link.set("data-href", link.attrib.pop("href"))
    notes: dict[str, etree._Element] = {}
    blocks: list[etree._Element] = []
    bookmark = ""  # a bookmark between paragraphs (as pandoc writes them) names what follows
    for block in body:
        if block.tag == "a" and not len(block) and not (block.text or "").strip():
            bookmark = bookmark or block.get("id", "")
            continue
        if _heading_level(block) and bookmark and not block.get("id"):
            block.set("id", bookmark)
        bookmark = ""
        items = list(block) if block.tag == "ol" else []
        if items and all(_NOTE.match(li.get("id", "")) for li in items):
            for li in items:
                _drop_backlink(li)
                notes[li.get("id", "")] = li
            continue
        if block.tag == "p" and "octavo-scene-break" in (block.get("class") or ""):
            block = etree.fromstring(SCENE_BREAK)
        blocks.append(block)
    for number, block in enumerate(blocks, start=1):
        for img in block.iter("img"):
            img.set("data-line", str(number))
    for index, block in enumerate(blocks):
        _leave_out_metafiles(block, blocks[index - 1] if index else None, shown, diagnostics)
    for note in notes.values():
        _leave_out_metafiles(note, None, shown, diagnostics)
    return WordDoc(blocks, notes, found)


# Windows metafiles (a chart or equation pasted from Office, a clip-art drawing): no e-reader
# or browser shows them, and Pillow reads them only on Windows.
METAFILES = {"emf", "wmf", "emz", "wmz"}


def _metafile(data: bytes) -> str:
    """"emf" or "wmf" for a picture that is one by its bytes, whatever its part is called."""
    if data[:4] == b"\x01\x00\x00\x00" and data[40:44] == b" EMF":
        return "emf"
    if data[:4] == b"\xd7\xcd\xc6\x9a" or (data[:2] in (b"\x01\x00", b"\x02\x00")
                                            and data[2:4] == b"\x09\x00"):
        return "wmf"
    return ""


def _leave_out_metafiles(block: etree._Element, previous: etree._Element | None, shown: str,
                         diagnostics: Diagnostics) -> None:
    """Take out each EMF or WMF picture of `block`, with a warning saying where it was (its
    paragraph, its alt text, the words before it, in `previous` block when none are in its own)
    and how to make it a picture a book shows."""
    for img in [img for img in block.iter("img") if img.get("data-metafile")]:
        line = img.get("data-line")
        words = "".join(_text_before(block, img)).split()
        if not words and previous is not None and line:
            words = "".join(previous.itertext()).split()
        before = " ".join(words[-6:])
        said = [f"{what} {text!r}" for what, text in
                (("alt text", (img.get("alt") or "").strip()), ("after", before)) if text]
        where = f" ({', '.join(said)})" if said else ""
        kind = img.get("data-metafile", "")
        diagnostics.warn(f"{'an' if kind[0] == 'E' else 'a'} {kind} picture{where} left out: e-books "
                         "cannot show Windows drawings (in Word, right-click it, choose Save "
                         "as Picture, save it as PNG and insert that in its place)", shown,
                         int(line) if line else None)
        xhtml.unwrap(img)


def _text_before(block: etree._Element, img: etree._Element) -> Iterator[str]:
    """The text of `block` that comes before `img`."""
    for event, el in etree.iterwalk(block, events=("start", "end")):
        if el is img:
            return
        yield (el.text if event == "start" else el.tail) or ""  # (block's own end comes later)


def _image_format(data: bytes) -> str:
    """What a picture is by its bytes ("png", "jpeg"), where its content type (application/
    octet-stream, image/x-citrix-png, or none for a part without a suffix) does not say; ""
    when it is no image Pillow knows."""
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(io.BytesIO(data)) as probe:
                return (probe.format or "").lower()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError):
        return ""


def _drop_backlink(li: etree._Element) -> None:
    """mammoth ends each note with a link back (↑); Octavo's notes open with their own."""
    links = [a for a in li.iter("a") if re.match(r"#(foot|end)note-ref-", a.get("href") or "")]
    for link in links[-1:]:
        parent = link.getparent()
        previous = link.getprevious()
        tail = link.tail or ""
        if previous is not None:
            previous.tail = ((previous.tail or "") + tail).rstrip()
        else:
            parent.text = ((parent.text or "") + tail).rstrip()
        parent.remove(link)
    first = next(iter(li), None)  # Word puts a space after the note's own number
    if first is not None and first.text:
        first.text = first.text.lstrip()


def read_word(path: Path, shown: str, context: ReadContext) -> SourceDoc:
    """Read one .docx into a SourceDoc whose sections render on demand."""
    doc = convert(path, shown, context.diagnostics, context.images,
                  Place(context.opens_manuscript(path), context.book_title))
    headings = [(int(b.tag[1]), _title_text(b), n) for n, b in enumerate(doc.blocks, start=1)
                if _heading_level(b)]
    meta: dict[str, Any] = {}
    if doc.found.title:
        meta["book_title"] = doc.found.title
    if doc.found.subtitle:
        meta["book_subtitle"] = doc.found.subtitle
    if doc.found.authors:
        meta["book_authors"] = list(doc.found.authors)
    if doc.found.printed:
        meta["book_printed"] = tuple(doc.found.printed)
    if doc.found.cued_chapters:
        context.diagnostics.note(f"{shown}: no heading styles; {doc.found.cued_chapters} "
                                 "headings found from page breaks and centred lines")

    def render(split_level: int) -> list[Section]:
        return _render_sections(doc, split_level, path, shown, context)

    return SourceDoc(path=path, shown=shown, meta=meta, headings=headings, render=render)


def _heading_level(block: etree._Element) -> int:
    return int(block.tag[1]) if re.fullmatch(r"h[1-6]", str(block.tag)) else 0


def _render_sections(doc: WordDoc, split_level: int, path: Path, shown: str,
                     context: ReadContext) -> list[Section]:
    starts = [i for i, b in enumerate(doc.blocks) if 0 < _heading_level(b) <= split_level]
    bounds = ([0] if not starts or starts[0] != 0 else []) + starts + [len(doc.blocks)]
    sections = []
    for begin, end in zip(bounds, bounds[1:], strict=False):
        chunk = [copy.deepcopy(b) for b in doc.blocks[begin:end]]
        level: int | None = None
        heading: list[etree._Element] = []  # the section's heading, set as its title
        title = ""
        anchor = ""
        if chunk and 0 < _heading_level(chunk[0]) <= split_level:
            level = _heading_level(chunk[0])
            heading = chunk[:1]
            title = _title_text(chunk[0])
            anchor = chunk[0].get("id", "")
            chunk = chunk[1:]
        if level is None and not any(_plain(b) or b.find(".//img") is not None for b in chunk):
            continue
        for block in chunk:
            depth = _heading_level(block)
            if depth:
                block.tag = f"h{min(6, max(2, depth - split_level + 1))}"
        notes = _notes_html(heading + chunk, doc.notes)  # the title's calls numbered first
        html = "".join(_html(b) for b in chunk) + notes
        fragment = finish_fragment(html, path, shown, context) if html.strip() else ""
        has_text = bool(xhtml.text_content(fragment).strip()) or "<img" in fragment
        title_html = _title_html(heading[0]) if heading else ""
        if title_html:
            title_html = finish_fragment(title_html, path, shown, context)
        sections.append(Section(level, title, fragment, begin + 1, has_text, anchor=anchor,
                                title_html=title_html))
    return sections


def _notes_html(chunk: list[etree._Element], notes: dict[str, etree._Element]) -> str:
    """Renumber the note calls of a chapter from 1, as Octavo's notes are; the notes as asides.

    A note called twice shows its number at each call; the second call's id is `fnref-1-2`
    (as the Markdown reader names it), and the note's backlink goes to the first call."""
    order: dict[str, int] = {}
    calls: dict[str, int] = {}
    for block in chunk:
        for link in list(block.iter("a")):
            match = _NOTE.match(link.get("href") or "")
            if not match:
                continue
            key = link.get("href", "")[1:]
            number = order.setdefault(key, len(order) + 1)
            calls[key] = calls.get(key, 0) + 1
            ref_id = f"fnref-{number}" + (f"-{calls[key]}" if calls[key] > 1 else "")
            sup = link.getparent()
            call = etree.fromstring(
                f'<sup class="noteref-mark"><a class="noteref" role="doc-noteref" '
                f'id="{ref_id}" href="#fn-{number}">{number}</a></sup>')
            target = sup if sup is not None and sup.tag == "sup" and len(sup) == 1 else link
            call.tail = target.tail
            target.getparent().replace(target, call)
    html = []
    for key, number in order.items():
        note = notes.get(key)
        body = "".join(_html(c) for c in note) if note is not None else ""
        if note is not None and note.text and note.text.strip():
            body = f"<p>{xhtml_escape(note.text)}</p>" + body
        html.append(f'<aside class="footnote" id="fn-{number}" role="doc-footnote">'
                    f'<p class="footnote-number"><a role="doc-backlink" href="#fnref-{number}">'
                    f"{number}</a></p>{body}</aside>\n")
    return "".join(html)


def _html(element: etree._Element) -> str:
    """An element as HTML (`<a id="x"></a>`, never `<a/>`, which HTML reads as an open tag)."""
    return etree.tostring(element, encoding="unicode", method="html", with_tail=True)


def xhtml_escape(text: str) -> str:
    """Text for markup: &, < and > escaped."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _plain(block: etree._Element) -> str:
    return " ".join("".join(block.itertext()).split())


def _is_call(element: etree._Element) -> bool:
    """A note's call: mammoth's link to a Word note, or the call `_notes_html` made of it."""
    return (element.tag == "a" and bool(_NOTE.match(element.get("href") or ""))) or \
        (element.tag == "sup" and "noteref-mark" in (element.get("class") or ""))


def _title_text(heading: etree._Element) -> str:
    """A heading's text without its notes' calls ("Chapter One", not "Chapter One[1]")."""
    kept = copy.deepcopy(heading)
    for call in [el for el in kept.iter() if _is_call(el)]:
        parent = call.getparent()
        if parent is not None and parent.tag == "sup" and len(parent) == 1 and call.tag == "a":
            call = parent  # mammoth wraps each call in <sup>
        xhtml.remove_keeping_tail(call)
    return _plain(kept)


def _title_html(heading: etree._Element) -> str:
    """A heading's content as its title sets it when it calls a note (the calls where they
    stand, numbered by `_notes_html`); "" for a heading of text alone (the plain title serves)."""
    if not any(_is_call(el) for el in heading.iter()):
        return ""
    return (xhtml_escape(heading.text or "") + "".join(_html(child) for child in heading)).strip()


def text_of(path: Path, shown: str, diagnostics: Diagnostics) -> str:
    """The document's paragraphs as the book sets them, one a line (for `octavo check`)."""
    doc = convert(path, shown, diagnostics, ImageRegistry(path.parent))
    lines = []
    for block in doc.blocks:
        if block.get("class") == "scene-break":
            lines.append("")
            continue
        lines.append(_as_typed(block))
    lines += [_as_typed(note) for note in doc.notes.values()]
    return "\n".join(lines)


def _as_typed(block: etree._Element) -> str:
    """A paragraph's text with its spaces as typed (lint looks for double spaces), one line."""
    return re.sub(r"[\r\n]+", " ", "".join(block.itertext())).strip()


def paragraphs(text: str) -> Iterator[Paragraph]:
    """Each paragraph with its number in the document (as `text_of` wrote one a line)."""
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            yield number, line, ""


READER = Reader(name="Word", suffixes=(".docx", ".doc"), read=read_word, paragraphs=paragraphs,
                text_of=text_of)
