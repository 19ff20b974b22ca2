"""`octavo import`: a Word document becomes a book folder that builds to the same words."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest
from conftest import XHTML, body_text, epub_words, epubcheck, spine_documents, tiny_png
from lxml import etree
from wordfiles import add_text, new_document, saved, styled_book


def titles(epub: Path) -> list[str]:
    with zipfile.ZipFile(epub) as zf:
        return [zf.read(n).decode().split('<h1 class="chapter-title">')[1].split("</h1>")[0]
                for n in sorted(zf.namelist()) if n.startswith("EPUB/ch")]


def test_import_writes_a_book_that_builds_the_same_words(tmp_path: Path, octavo) -> None:  # type: ignore[no-untyped-def]
    picture = tmp_path / "dot.png"
    picture.write_bytes(tiny_png())

    def extra(document) -> None:  # type: ignore[no-untyped-def]
        add_text(document, "Stars *[not* brackets] and #hash, 1. not a list, <b>not html</b>.")
        document.add_picture(str(picture))
        document.add_paragraph("Rope", style="List Bullet")
        table = document.add_table(rows=1, cols=2)
        table.rows[0].cells[0].text, table.rows[0].cells[1].text = "Harwich", "three"

    source = tmp_path / "The Salt Road.docx"
    source.write_bytes(styled_book(extra))
    book = tmp_path / "salt"
    result = octavo("import", source, book)
    assert result.code == 0, result.err
    assert "wrote 2 chapter file(s), 1 image(s) and book.toml" in result.out
    toml = (book / "book.toml").read_text()
    assert 'title = "The Salt Road"' in toml and 'authors = ["Nell Harrow"]' in toml
    assert sorted(p.name for p in (book / "manuscript").iterdir()) == [
        "01-the-ferry.md", "02-the-toll-house.md", "images"]
    assert (book / "manuscript" / "images" / "img-0001.png").read_bytes() == tiny_png()
    first = (book / "manuscript" / "01-the-ferry.md").read_text()
    assert first.startswith("# The Ferry\n\nThe ferry left at *dawn*, **loaded**")
    assert "[^1]: The third crossing" in first
    assert octavo("build", book, "--format", "epub").code == 0

    original = tmp_path / "original"
    (original / "manuscript").mkdir(parents=True)
    (original / "manuscript" / "book.docx").write_bytes(source.read_bytes())
    (original / "book.toml").write_text(toml)
    assert octavo("build", original, "--format", "epub").code == 0
    imported, direct = book / "dist" / "the-salt-road.epub", original / "dist" / "the-salt-road.epub"
    assert epub_words(imported) == epub_words(direct)
    assert titles(imported) == titles(direct) == ["The Ferry", "The Toll House"]
    for path in (imported, direct):
        with zipfile.ZipFile(path) as zf:
            xhtml = "".join(zf.read(n).decode() for n in zf.namelist() if n.startswith("EPUB/ch"))
        assert xhtml.count("<em>") == 4 and '<span class="small-caps">salt</span>' in xhtml


def test_import_never_overwrites_a_book(tmp_path: Path, octavo) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "draft.docx"
    source.write_bytes(styled_book())
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "book.toml").write_text("[book]\n")
    result = octavo("import", source, tmp_path / "book")
    assert result.code == 6
    assert "already holds a book; octavo import never overwrites one" in result.err


def test_import_refuses_what_is_not_word(tmp_path: Path, octavo) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "notes.docx"
    source.write_bytes(b"plain words")
    result = octavo("import", source, tmp_path / "book")
    assert result.code == 4
    assert result.err.strip() == ("error: notes.docx: not a Word document (.docx): it is not a "
                                  "zip file; save it from your word processor as .docx")


@pytest.mark.parametrize(("kind", "message"), [
    ("folder", "is a folder, not a Word document"),
    ("pipe", "not a regular file (a pipe, device or socket could block the import)"),
    ("dangling", "not found (a link to nothing)"),
    ("missing", "not found"),
])
def test_import_says_what_the_source_is_when_it_is_no_file(  # type: ignore[no-untyped-def]
        tmp_path: Path, octavo, kind: str, message: str) -> None:
    source = tmp_path / "draft.docx"
    if kind == "folder":
        source.mkdir()
    elif kind == "pipe":
        os.mkfifo(source)
    elif kind == "dangling":
        source.symlink_to(tmp_path / "gone.docx")
    result = octavo("import", source, tmp_path / "book")
    assert result.code == 2 and result.err == f"error: {source}: {message}\n"
    assert not (tmp_path / "book").exists()


def test_import_names_the_document_whose_title_is_too_long(tmp_path: Path, octavo) -> None:  # type: ignore[no-untyped-def]
    document = new_document()
    add_text(document, "Word " * 400, style="Title")
    add_text(document, "Chapter 1", style="Heading 1")
    add_text(document, "Hello there.")
    source = tmp_path / "draft.docx"
    source.write_bytes(saved(document))
    result = octavo("import", source, tmp_path / "book")
    assert result.code == 4 and result.err == (
        f"error: {source}: its title is 1,999 characters long; a book's takes at most 1,000: "
        "shorten the Title paragraph or the document's title property\n")
    assert not (tmp_path / "book").exists()


def build_both(tmp_path: Path, octavo, data: bytes) -> tuple[Path, Path]:  # type: ignore[no-untyped-def]
    """The EPUBs of a .docx built through `octavo import` and built as it is, both checked by
    EPUBCheck and built without a warning."""
    source = tmp_path / "draft.docx"
    source.write_bytes(data)
    book = tmp_path / "imported"
    assert octavo("import", source, book).code == 0
    direct = tmp_path / "direct"
    (direct / "manuscript").mkdir(parents=True)
    (direct / "manuscript" / "draft.docx").write_bytes(data)
    (direct / "book.toml").write_text((book / "book.toml").read_text())
    epubs = []
    for root in (book, direct):
        result = octavo("build", root, "--format", "epub", "--strict")
        assert result.code == 0, result.err
        epub = next((root / "dist").glob("*.epub"))
        assert epubcheck(epub) == []
        epubs.append(epub)
    return epubs[0], epubs[1]


_STRAIGHT = str.maketrans("\u2018\u2019\u201c\u201d", "''\"\"")


def chapters(epub: Path) -> list[tuple[str, list[str]]]:
    """Each chapter's text, its white space made single spaces, and the elements it is made of.
    Quotes are read straight: the import writes a .docx's straight quotes as they are, and
    the build curls them, as in any Markdown chapter (a .docx chapter keeps them as typed)."""
    found = []
    for name, doc in spine_documents(epub):
        body = doc.find(f"{XHTML}body")
        if body is not None and name.rsplit("/", 1)[-1].startswith("ch"):
            found.append((" ".join(body_text(doc).split()).translate(_STRAIGHT),
                          [etree.QName(el).localname for el in body.iter() if isinstance(el.tag, str)]))
    return found


def lines(document, *texts: str, style: str | None = None) -> None:  # type: ignore[no-untyped-def]
    """A paragraph of `texts`, one a line (Shift+Enter between them)."""
    paragraph = document.add_paragraph(style=style)
    for number, text in enumerate(texts):
        run = paragraph.add_run(text)
        if number < len(texts) - 1:
            run.add_break()


def test_import_keeps_every_line_as_written(tmp_path: Path, octavo) -> None:  # type: ignore[no-untyped-def]
    document = new_document("Lines", "Nell Harrow")
    document.add_heading("Chapter #", level=1)
    lines(document, "Dialogue:", "- Yes, said he.", "+ No, said she.", "* Maybe.", "1. First",
          "2) Second", "> quoted", "# hashtag line", "===", "---", "```", "~~~", "    four spaces",
          "| a | b |", "<div>", "* * *", "[x]: y", "{#id .class}", "&amp; &copy; C:\\")
    lines(document, "Letter head", "===")
    lines(document, "1. Not a list", "Ends with a break", "")
    lines(document, "# Not a heading either")
    lines(document, "    Not code")
    lines(document, "\"Quoted\" -- it's... done 'so' --- and . . . *stars* _under_ `tick` [link](x)")
    document.add_heading("Sets {a b} and {#x}", level=2)
    document.add_heading("Ends in # and ##", level=2)
    lines(document, "1. not nested", "- nor this", style="List Bullet")
    lines(document, "- quoted line", "=", style="Quote")
    document.add_heading("Sharp {#s .t}", level=1)
    lines(document, "Text.")
    imported, direct = build_both(tmp_path, octavo, saved(document))
    assert chapters(imported) == chapters(direct)
    assert len(chapters(direct)) == 2
    assert epub_words(imported) == epub_words(direct)
    curled = " ".join(body_text(doc) for _, doc in spine_documents(imported))
    assert "\u201cQuoted\u201d -- it\u2019s... done \u2018so\u2019 ---" in curled


def test_import_keeps_the_notes_of_a_title_and_of_a_table(tmp_path: Path, octavo) -> None:  # type: ignore[no-untyped-def]
    document = new_document("Notes", "Nell Harrow")
    add_text(document, "Chapter One[[1]]", style="Heading 1")
    add_text(document, "Tolls were paid in *coin*.[[2]]")
    table = document.add_table(rows=2, cols=3)
    cell = table.rows[0].cells[0]
    cell.text = "Harwich"
    cell.paragraphs[0].add_run("\u27e63\u27e7")  # made a call of note 3 by `saved`
    cell.add_paragraph("A second \"line\" -- in *one* cell")
    table.rows[0].cells[1].merge(table.rows[0].cells[2]).text = "three | four"
    table.rows[1].cells[0].text = "# five"
    imported, direct = build_both(tmp_path, octavo, saved(
        document, {1: "The title's note.", 2: "Mostly coin.", 3: "The cell's note."}))
    assert chapters(imported) == chapters(direct)
    assert epub_words(imported) == epub_words(direct)
    text = chapters(imported)[0][0]
    assert "Chapter One 1" in text and "Harwich 3" in text
    assert "The title's note." in text and "The cell's note." in text
    assert text.index("Chapter One 1") < text.index("Mostly coin.")


def test_import_keeps_a_paragraph_opening_with_a_note_call_and_a_colon(tmp_path: Path, octavo) -> None:  # type: ignore[no-untyped-def]
    # "[^1]: ..." at a line's start reads as a note's definition: the paragraph's words went
    # into a note nobody calls, and were left out.
    document = new_document("Colons", "Nell Harrow")
    add_text(document, "Chapter One", style="Heading 1")
    add_text(document, "[[1]]: the words after the call.")
    lines(document, "A first line", "[[2]]: and a line after a break.")
    imported, direct = build_both(tmp_path, octavo, saved(
        document, {1: "The first note.", 2: "The second note."}))
    assert chapters(imported) == chapters(direct)
    assert epub_words(imported) == epub_words(direct)
    assert "the words after the call." in chapters(imported)[0][0]


def test_code_with_backticks_reads_back_as_written() -> None:
    from octavo.importer.markdown import to_markdown
    from octavo.readers.markdown import parser

    for code in ("`a", "b`", "a``b", "```", "plain"):
        html = f"<p>Run <code>{code}</code> now.</p>"
        written = to_markdown(html)
        rendered = parser().render(written)
        assert f"<code>{code}</code>" in rendered, (code, written, rendered)


def test_emphasis_ending_in_punctuation_before_a_letter_stays_emphasis(tmp_path: Path, octavo) -> None:  # type: ignore[no-untyped-def]
    # `*Hello,*world` is text to Markdown: the asterisks printed and the italics went astray.
    document = new_document("Marks", "Nell Harrow")
    add_text(document, "Chapter One", style="Heading 1")
    add_text(document, "She said *Hello,*world and **(loudly)**then left; *\u201cso*it went.")
    imported, direct = build_both(tmp_path, octavo, saved(document))
    assert chapters(imported) == chapters(direct)
    text, elements = chapters(imported)[0]
    assert "*" not in text and elements.count("em") == 2 and elements.count("strong") == 1


def test_straight_quotes_are_written_as_they_are() -> None:
    """A quote means nothing to Markdown: `it\\'s` only made the author's Markdown ugly. The
    build curls the quotes, as in any Markdown chapter; markup is still escaped."""
    from octavo.importer.markdown import title, to_markdown
    from octavo.readers.markdown import parser

    written = to_markdown('<p>"It\'s *not* code," said O\'Brien of the 5\' 10" man.</p>')
    assert written == '"It\'s \\*not\\* code," said O\'Brien of the 5\' 10" man.\n'
    assert parser().render(written) == (
        "<p>\u201cIt\u2019s *not* code,\u201d said O\u2019Brien of the 5\u2019 10\u201d man.</p>\n")
    assert title("Ma's \"Rules\"") == "Ma's \"Rules\""


@pytest.mark.parametrize(("name", "points_to"), [("book.toml", "elsewhere/book.toml"),
                                                 ("manuscript", "elsewhere")])
def test_import_never_writes_through_a_link(tmp_path: Path, octavo, name: str,  # type: ignore[no-untyped-def]
                                            points_to: str) -> None:
    document = new_document()
    add_text(document, "Chapter 1", style="Heading 1")
    add_text(document, "Hello there.")
    source = tmp_path / "draft.docx"
    source.write_bytes(saved(document))
    book, elsewhere = tmp_path / "book", tmp_path / "elsewhere"
    book.mkdir()
    elsewhere.mkdir()
    (book / name).symlink_to(tmp_path / points_to)
    result = octavo("import", source, book)
    assert result.code == 6 and result.err.count("\n") == 1
    assert result.err.startswith(f"error: {name}: refused: a link stands where the book's")
    assert list(elsewhere.iterdir()) == []
    assert sorted(p.name for p in book.iterdir()) == [name]
