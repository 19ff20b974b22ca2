"""Word documents made for the tests with python-docx: styles, cues, notes, changes, comments."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def new_document(title: str = "", author: str = "") -> Any:
    """An empty document; its properties carry `title` and `author` (File, Info in Word)."""
    document = Document()
    document.core_properties.title = title
    document.core_properties.author = author
    return document


def add_text(document: Any, text: str, style: str | None = None) -> Any:
    """A paragraph where *word* is italic, **word** bold, ^^word^^ small caps, ^x^ superscript
    and [[n]] a call of footnote n (see with_footnotes)."""
    paragraph = document.add_paragraph(style=style)
    pattern = r"(\*\*[^*]+\*\*|\*[^*]+\*|\^\^[^^]+\^\^|\^[^^]+\^|\[\[\d+\]\])"
    for piece in re.split(pattern, text):
        if not piece:
            continue
        if piece.startswith("**"):
            paragraph.add_run(piece[2:-2]).bold = True
        elif piece.startswith("*"):
            paragraph.add_run(piece[1:-1]).italic = True
        elif piece.startswith("^^"):
            paragraph.add_run(piece[2:-2]).font.small_caps = True
        elif piece.startswith("^"):
            paragraph.add_run(piece[1:-1]).font.superscript = True
        elif piece.startswith("[["):
            paragraph.add_run(f"\u27e6{piece[2:-2]}\u27e7")  # made a reference by with_footnotes
        else:
            paragraph.add_run(piece)
    return paragraph


def add_cue(document: Any, text: str, page_break: bool = True, bold: bool = True,
            centred: bool = True) -> Any:
    """A chapter heading as authors type it without heading styles."""
    if page_break:
        document.add_page_break()
    paragraph = document.add_paragraph()
    paragraph.add_run(text).bold = bold
    if centred:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return paragraph


def indent(paragraph: Any, cm: float = 2.0) -> Any:
    paragraph.paragraph_format.left_indent = Cm(cm)
    return paragraph


def tracked(paragraph: Any, inserted: str, deleted: str) -> None:
    """Add an unaccepted insertion and deletion to `paragraph`."""
    ins = OxmlElement("w:ins")
    ins.set(qn("w:id"), "901")
    ins.set(qn("w:author"), "Editor")
    run = paragraph.add_run(inserted)._r
    paragraph._p.append(ins)
    ins.append(run)
    delete = OxmlElement("w:del")
    delete.set(qn("w:id"), "902")
    delete.set(qn("w:author"), "Editor")
    gone = paragraph.add_run()._r
    text = OxmlElement("w:delText")
    text.text = deleted
    gone.append(text)
    paragraph._p.append(delete)
    delete.append(gone)


def hidden(paragraph: Any, text: str) -> None:
    paragraph.add_run(text).font.hidden = True


def comment(document: Any, paragraph: Any, text: str) -> None:
    document.add_comment(paragraph.runs, text=text, author="Reader")


def saved(document: Any, footnotes: dict[int, str] | None = None) -> bytes:
    """The document's bytes, with `footnotes` (number: text) made real Word footnotes."""
    out = io.BytesIO()
    document.save(out)
    data = out.getvalue()
    return with_footnotes(data, footnotes) if footnotes else data


def with_footnotes(data: bytes, notes: dict[int, str]) -> bytes:
    """Turn each ⟦n⟧ in the document into a call of footnote n, and add the notes part."""
    source = zipfile.ZipFile(io.BytesIO(data))
    parts = {name: source.read(name) for name in source.namelist()}
    body = parts["word/document.xml"].decode("utf-8")
    for number in notes:
        body = re.sub(rf"<w:t(?: [^>]*)?>\u27e6{number}\u27e7</w:t>",
                      f'<w:footnoteReference w:id="{number}"/>', body)
    parts["word/document.xml"] = body.encode("utf-8")
    items = "".join(
        f'<w:footnote w:id="{n}"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve">'
        f" {_escape(text)}</w:t></w:r></w:p></w:footnote>" for n, text in notes.items())
    parts["word/footnotes.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes xmlns:w="{W_NS}">'
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
        f"{items}</w:footnotes>").encode()
    rels = parts["word/_rels/document.xml.rels"].decode("utf-8")
    parts["word/_rels/document.xml.rels"] = rels.replace("</Relationships>", (
        '<Relationship Id="rIdNotes" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/footnotes" Target="footnotes.xml"/></Relationships>')).encode("utf-8")
    types = parts["[Content_Types].xml"].decode("utf-8")
    parts["[Content_Types].xml"] = types.replace("</Types>", (
        '<Override PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.wordprocessingml.footnotes+xml"/></Types>')).encode("utf-8")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, content in parts.items():
            target.writestr(name, content)
    return out.getvalue()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def styled_book(extra: Callable[[Any], None] | None = None) -> bytes:
    """A short book in heading styles with the formatting the reader keeps."""
    document = new_document("The Salt Road", "Nell Harrow")
    document.add_heading("The Salt Road", level=0)  # the Title style
    document.add_heading("The Ferry", level=1)
    add_text(document, "The ferry left at *dawn*, **loaded** with ^^salt^^ for the 3^rd^ "
                       "time that week.[[1]]")
    add_text(document, "Nobody waved.")
    document.add_heading("The Toll House", level=1)
    add_text(document, "Tolls were paid in *coin* or in *stories*.[[2]]")
    add_text(document, "A keeper wrote them down.", style="Quote")
    if extra is not None:
        extra(document)
    return saved(document, {1: "The third crossing is the *unlucky* one.", 2: "Mostly stories."})
