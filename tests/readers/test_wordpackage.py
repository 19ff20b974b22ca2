"""A .docx made ready for mammoth: what mammoth would drop is made plain runs first."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from wordfiles import add_text, new_document, saved

from octavo.diagnostics import Diagnostics
from octavo.errors import ManuscriptError
from octavo.readers.base import ImageRegistry
from octavo.readers.word import convert

NAMESPACES = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
              'xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math" '
              'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
              'xmlns:v="urn:schemas-microsoft-com:vml"')


def read(tmp_path: Path, *paragraphs: str, rels: str = "",
         parts: dict[str, bytes] | None = None) -> tuple[list[str], list[str], Diagnostics]:
    """The text and the HTML of each block of a document whose body holds `paragraphs` (raw
    WordprocessingML in the w:, m:, r: and v: namespaces), and the warnings reading it gave;
    `rels` adds relationships to the document's, `parts` parts to the package."""
    from docx.oxml import parse_xml
    from lxml import etree

    document = new_document()
    body = document.element.body
    for xml in paragraphs:
        body.insert(len(body) - 1, parse_xml(re.sub(r"^<(w:\w+)", rf"<\1 {NAMESPACES}", xml)))
    path = tmp_path / "book.docx"
    rels_part = "word/_rels/document.xml.rels"
    path.write_bytes(_renamed(saved(document), {}, {rels_part: (b"</Relationships>",
                                                                f"{rels}</Relationships>".encode())},
                              parts))
    diagnostics = Diagnostics()
    doc = convert(path, "book.docx", diagnostics, ImageRegistry(tmp_path))
    return ([" ".join("".join(b.itertext()).split()) for b in doc.blocks],
            [etree.tostring(b, encoding="unicode") for b in doc.blocks], diagnostics)


def test_simple_fields_ruby_and_equations_keep_their_words(tmp_path: Path) -> None:
    # mammoth dropped all three without a word: "Figure : A map", "Ruby .", "Before  after."
    def run(text: str) -> str:
        return f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>'

    texts, html, diagnostics = read(
        tmp_path,
        f'<w:p>{run("Figure ")}<w:fldSimple w:instr=" SEQ Figure \\* ARABIC ">{run("1")}'
        f'</w:fldSimple>{run(": A map")}</w:p>',
        f'<w:p><w:fldSimple w:instr=" DATE ">{run("FIELDRESULT")}</w:fldSimple></w:p>',
        f'<w:p>{run("Ruby ")}<w:r><w:ruby><w:rubyPr/><w:rt>{run("kanji")}</w:rt>'
        f'<w:rubyBase>{run("漢字")}</w:rubyBase></w:ruby></w:r>{run(" end.")}</w:p>',
        f'<w:p>{run("Before ")}<m:oMath><m:r><m:t>E=m</m:t></m:r><m:sSup><m:e><m:r><m:t>c</m:t>'
        f'</m:r></m:e><m:sup><m:r><m:t>2</m:t></m:r></m:sup></m:sSup></m:oMath>{run(" after.")}'
        '</w:p>',
        '<w:p><m:oMathPara><m:oMath><m:r><m:t>DISPLAYED</m:t></m:r></m:oMath></m:oMathPara></w:p>',
    )
    assert texts == ["Figure 1: A map", "FIELDRESULT", "Ruby 漢字(kanji) end.",
                     "Before E=mc2 after.", "DISPLAYED"]
    assert "E=mc<sup>2</sup>" in html[3]
    assert diagnostics.warnings == [
        "book.docx: 2 equations set as plain text (Octavo does not set Word's equations as math; "
        "check them, or insert each as a picture with alt text)"]


def test_hidden_text_follows_the_run_then_its_styles_as_word_shows_it(tmp_path: Path) -> None:
    # A run set not hidden in a hidden character style was left out (Word shows it), and a
    # style hidden only through the style it is based on was kept.
    from docx.enum.style import WD_STYLE_TYPE

    document = new_document()
    secret = document.styles.add_style("Secret", WD_STYLE_TYPE.CHARACTER)
    secret.font.hidden = True
    inherited = document.styles.add_style("Secret Too", WD_STYLE_TYPE.CHARACTER)
    inherited.base_style = secret
    note = document.styles.add_style("Private Note", WD_STYLE_TYPE.PARAGRAPH)
    note.font.hidden = True
    paragraph = document.add_paragraph("Shown.")
    paragraph.add_run(" SHOWNINHIDDENSTYLE").style = secret
    paragraph.runs[-1].font.hidden = False
    paragraph.add_run(" HIDDENBYSTYLE").style = secret
    paragraph.add_run(" HIDDENBYBASEDON").style = inherited
    private = document.add_paragraph("HIDDENPARAGRAPH", style="Private Note")
    private.add_run(" SHOWNINHIDDENPARAGRAPH").font.hidden = False
    document.add_paragraph("ALLHIDDEN", style="Private Note")
    path = tmp_path / "book.docx"
    path.write_bytes(saved(document).replace(b'<w:vanish w:val="0"/>', b'<w:vanish w:val="off"/>'))
    diagnostics = Diagnostics()
    doc = convert(path, "book.docx", diagnostics, ImageRegistry(tmp_path))
    assert [" ".join("".join(b.itertext()).split()) for b in doc.blocks] == \
        ["Shown. SHOWNINHIDDENSTYLE", "SHOWNINHIDDENPARAGRAPH"]
    assert diagnostics.warnings == ["book.docx: hidden text left out of the book (4 places)"]


def test_a_call_of_a_missing_note_or_picture_is_named_not_a_damaged_document(tmp_path: Path) -> None:
    # mammoth failed: "the document is damaged: KeyError: ('footnote', '7')".
    texts, _, diagnostics = read(
        tmp_path,
        '<w:p><w:r><w:t>Called</w:t></w:r><w:r><w:footnoteReference w:id="7"/></w:r>'
        '<w:r><w:t xml:space="preserve"> here.</w:t></w:r></w:p>',
        '<w:p><w:r><w:t>Picture:</w:t></w:r><w:r><w:pict><v:shape>'
        '<v:imagedata r:id="rIdGone"/></v:shape></w:pict></w:r></w:p>',
    )
    assert texts == ["Called here.", "Picture:"]
    assert diagnostics.warnings == [
        "book.docx: footnote 7 is called but not in the document; its call left out (insert it "
        "again in Word)",
        "book.docx: a picture's image (rIdGone) is not in the document; the picture left out "
        "(insert it again in Word)"]


def test_xml_larger_than_a_book_is_refused_before_it_is_read(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    # Parts of up to 128 MB were read: 30 MB of XML took mammoth minutes and 5.5 GB.
    from octavo.readers import wordpackage

    monkeypatch.setattr(wordpackage, "MAX_XML", 2**20)  # not to write 32 MB here
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("word/document.xml", b" " * (2**20 + 1))
    path = tmp_path / "book.docx"
    path.write_bytes(out.getvalue())
    with pytest.raises(ManuscriptError) as raised:
        wordpackage.open_package(path, "book.docx")
    assert str(raised.value) == ("book.docx: refused: word/document.xml would unpack to 1 MB of "
                                 "XML (at most 1 MB; a novel's is a few MB): split the document "
                                 "into several files")


def _renamed(data: bytes, names: dict[str, str], edits: dict[str, tuple[bytes, bytes]],
             added: dict[str, bytes] | None = None) -> bytes:
    """`data` (a .docx) with parts renamed (old: new), edited (part: (old bytes, new)) and
    `added`."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        parts = {name: source.read(name) for name in source.namelist()} | (added or {})
    for part, (old, new) in edits.items():
        parts[part] = parts[part].replace(old, new)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name, content in parts.items():
            target.writestr(names.get(name, name), content)
    return out.getvalue()


def test_parts_are_found_by_their_relationships_as_word_online_names_them(tmp_path: Path) -> None:
    # Word Online saves word/document2.xml: it was refused as "not a Word document (.docx): it
    # has no word/document.xml"; and notes named otherwise kept their hidden text.
    document = new_document()
    add_text(document, "Online words.[[1]]")
    data = _renamed(saved(document, {1: "A note."}), {
        "word/document.xml": "word/document2.xml", "word/footnotes.xml": "word/notes2.xml",
        "word/_rels/document.xml.rels": "word/_rels/document2.xml.rels"}, {
        "_rels/.rels": (b"word/document.xml", b"word/document2.xml"),
        "word/_rels/document.xml.rels": (b'Target="footnotes.xml"', b'Target="notes2.xml"'),
        "word/footnotes.xml": (b"<w:r><w:footnoteRef/></w:r>", b"<w:r><w:footnoteRef/></w:r>"
                               b"<w:r><w:rPr><w:vanish/></w:rPr><w:t>Hiddenword</w:t></w:r>")})
    path = tmp_path / "book.docx"
    path.write_bytes(data)
    diagnostics = Diagnostics()
    doc = convert(path, "book.docx", diagnostics, ImageRegistry(tmp_path))
    assert ["".join(b.itertext()) for b in doc.blocks] == ["Online words.[1]"]
    assert [" ".join("".join(n.itertext()).split()) for n in doc.notes.values()] == ["A note."]
    assert diagnostics.warnings == ["book.docx: hidden text left out of the book (1 place)"]


def test_a_picture_or_link_whose_relationship_or_image_is_missing_is_named(tmp_path: Path) -> None:
    # mammoth failed on each: "the document is damaged: KeyError: 'rIdGone'", or "KeyError:
    # "There is no item named 'word/media/gone.png' in the archive"", and no book was made.
    def picture(rel_id: str) -> str:
        return ('<w:r><w:drawing><wp:inline><wp:extent cx="9" cy="9"/><wp:docPr id="1" name="p"/>'
                '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/'
                'picture"><pic:pic><pic:nvPicPr><pic:cNvPr id="0" name="p"/><pic:cNvPicPr/>'
                f'</pic:nvPicPr><pic:blipFill><a:blip r:embed="{rel_id}"/></pic:blipFill>'
                "<pic:spPr/></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>")

    drawing = ('xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
               'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
               'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture" ')
    texts, _, diagnostics = read(
        tmp_path,
        f'<w:p {drawing}><w:r><w:t>Gone:</w:t></w:r>{picture("rIdGone")}</w:p>',
        f'<w:p {drawing}><w:r><w:t>Unpacked:</w:t></w:r>{picture("rIdLost")}</w:p>',
        '<w:p><w:hyperlink r:id="rIdNowhere"><w:r><w:t>Linked words.</w:t></w:r></w:hyperlink></w:p>',
        rels='<Relationship Id="rIdLost" Target="media/gone.png" Type="http://schemas.'
             'openxmlformats.org/officeDocument/2006/relationships/image"/>')
    assert texts == ["Gone:", "Unpacked:", "Linked words."]
    assert diagnostics.warnings == [
        "book.docx: a picture's image (rIdGone) is not in the document; the picture left out "
        "(insert it again in Word)",
        "book.docx: a picture's image (word/media/gone.png) is not in the document; the picture "
        "left out (insert it again in Word)",
        "book.docx: a link's target (rIdNowhere) is not in the document; its words kept without "
        "the link (insert it again in Word)"]


def test_smartart_and_wordart_keep_their_words_charts_and_embedded_documents_are_named(
        tmp_path: Path) -> None:
    # mammoth dropped all four without a word: "Before. After.", "Tail."
    diagram = ('<a:graphicData xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
               'uri="http://schemas.openxmlformats.org/drawingml/2006/{kind}">{inner}'
               "</a:graphicData>")
    smartart = diagram.format(kind="diagram", inner=(
        '<dgm:relIds xmlns:dgm="http://schemas.openxmlformats.org/drawingml/2006/diagram" '
        'r:dm="rIdData" r:lo="rIdL" r:qs="rIdQ" r:cs="rIdC"/>'))
    chart = diagram.format(kind="chart", inner=(
        '<c:chart xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" r:id="rIdC"/>'))
    model = ('<dgm:dataModel xmlns:dgm="http://schemas.openxmlformats.org/drawingml/2006/diagram" '
             'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><dgm:ptLst>'
             '<dgm:pt modelId="0" type="doc"/><dgm:pt modelId="1"><dgm:t><a:p><a:r><a:t>Plan '
             "the</a:t></a:r><a:r><a:t> route</a:t></a:r></a:p></dgm:t></dgm:pt>"
             '<dgm:pt modelId="2"><dgm:t><a:p><a:r><a:t>Cross</a:t></a:r></a:p></dgm:t></dgm:pt>'
             "</dgm:ptLst></dgm:dataModel>")
    texts, _, diagnostics = read(
        tmp_path,
        f"<w:p><w:r><w:t>Before.</w:t></w:r><w:r><w:drawing>{smartart}</w:drawing></w:r>"
        "<w:r><w:t xml:space=\"preserve\"> After.</w:t></w:r></w:p>",
        '<w:p><w:r><w:pict><v:shape><v:textpath string="Salt"/></v:shape></w:pict></w:r>'
        f"<w:r><w:t>Tail.</w:t></w:r><w:r><w:drawing>{chart}</w:drawing></w:r></w:p>",
        '<w:altChunk r:id="rIdChunk"/>',
        rels='<Relationship Id="rIdData" Target="diagrams/data1.xml" Type="http://schemas.'
             'openxmlformats.org/officeDocument/2006/relationships/diagramData"/>',
        parts={"word/diagrams/data1.xml": model.encode()})
    assert texts == ["Before. After.", "Plan the route", "Cross", "Salt Tail."]
    assert diagnostics.warnings == [
        "book.docx: 1 SmartArt graphic set as plain paragraphs of its words (check them, or "
        "insert each as a picture with alt text)",
        "book.docx: 1 chart left out (a chart's words are not in the book; insert each as a "
        "picture with alt text)",
        "book.docx: 1 document embedded whole (HTML or RTF) left out, and the words in it (open "
        "the document in Word and save it again: Word makes them its own text)"]


def test_a_document_saved_as_strict_open_xml_is_cleaned_as_any_other(tmp_path: Path) -> None:
    # Word's Strict Open XML names its namespaces otherwise: its hidden text reached the book
    # ("Shown Hidden.") and a call of a missing note stopped the build ("KeyError").
    document = new_document()
    paragraph = document.add_paragraph("Shown.")
    paragraph.add_run(" Hidden.").font.hidden = True
    paragraph.add_run("\u27e67\u27e7")
    strict = {"wordprocessingml/2006/main": "wordprocessingml/main",
              "officeDocument/2006/relationships": "officeDocument/relationships"}
    with zipfile.ZipFile(io.BytesIO(saved(document))) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    body = parts["word/document.xml"].replace("<w:t>\u27e67\u27e7</w:t>".encode(),
                                              b'<w:footnoteReference w:id="7"/>')
    parts["word/document.xml"] = body
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name, data in parts.items():
            for old, new in strict.items():
                data = data.replace(f"http://schemas.openxmlformats.org/{old}".encode(),
                                    f"http://purl.oclc.org/ooxml/{new}".encode())
            target.writestr(name, data)
    path = tmp_path / "book.docx"
    path.write_bytes(out.getvalue())
    diagnostics = Diagnostics()
    doc = convert(path, "book.docx", diagnostics, ImageRegistry(tmp_path))
    assert ["".join(b.itertext()) for b in doc.blocks] == ["Shown."]
    assert diagnostics.warnings == [
        "book.docx: hidden text left out of the book (1 place)",
        "book.docx: footnote 7 is called but not in the document; its call left out (insert it "
        "again in Word)"]
