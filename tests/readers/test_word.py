"""Word .docx chapters: styles and cues to structure, formatting, notes, pictures, changes."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import BASIC_TOML, body_text, epubcheck, spine_documents, tiny_png
from wordfiles import (
    add_cue,
    add_text,
    comment,
    hidden,
    indent,
    new_document,
    saved,
    styled_book,
    tracked,
)

from octavo.checks.lint import lint_files
from octavo.readers import reader_for

FIXTURES = Path(__file__).parent / "docx"


def build(make_book, octavo, data: bytes, *args: str, toml: str | None = BASIC_TOML):  # type: ignore[no-untyped-def]
    files: dict[str, str | bytes] = {"manuscript/book.docx": data}
    if toml is not None:
        files["book.toml"] = toml
    root = make_book(files)
    result = octavo("build", root, "--format", "epub", *args)
    return root, result


def chapters(root: Path) -> list[tuple[str, str]]:
    """(title, xhtml) of each chapter of the built EPUB."""
    epub = next((root / "dist").glob("*.epub"))
    with zipfile.ZipFile(epub) as zf:
        names = sorted(n for n in zf.namelist() if n.startswith("EPUB/ch"))
        found = []
        for name in names:
            xhtml = zf.read(name).decode()
            title = xhtml.split('<h1 class="chapter-title">', 1)[1].split("</h1>", 1)[0]
            found.append((title, xhtml))
        return found


def test_docx_is_read_by_the_word_reader() -> None:
    assert reader_for(Path("Draft.DOCX")).name == "Word"
    assert reader_for(Path("old.doc")).name == "Word"  # read to be refused by name, not ignored


def test_heading_styles_formatting_and_notes(make_book, octavo) -> None:  # type: ignore[no-untyped-def]
    root, result = build(make_book, octavo, styled_book(), toml=None)
    assert result.code == 0, result.err
    assert "read 2 chapters from book.docx" in result.out
    assert "title 'The Salt Road' taken from the manuscript" in result.out  # the Title style
    found = chapters(root)
    assert [t for t, _ in found] == ["The Ferry", "The Toll House"]
    first, second = found[0][1], found[1][1]
    assert "<em>dawn</em>" in first and "<strong>loaded</strong>" in first
    assert '<span class="small-caps">salt</span>' in first and "3<sup>rd</sup>" in first
    assert 'href="#fn-1"' in first and 'epub:type="footnote"' in first
    assert "<p>The third crossing is the *unlucky* one.</p>" in first
    assert 'href="#fn-1"' in second and "Mostly stories." in second  # numbered per chapter
    assert "<blockquote><p>A keeper wrote them down.</p></blockquote>" in second
    assert "The Salt Road</p>" not in first  # the title names the book, it is no paragraph
    assert epubcheck(next((root / "dist").glob("*.epub"))) == []


def test_a_note_on_a_heading_is_kept_its_call_in_the_title(make_book, octavo) -> None:  # type: ignore[no-untyped-def]
    # The heading's call was set as "[1]" in the title and its note lost from both files.
    document = new_document()
    add_text(document, "Chapter One[[1]]", "Heading 1")
    add_text(document, "The text.[[2]]")
    add_text(document, "Chapter Two", "Heading 1")
    add_text(document, "More.")
    data = saved(document, {1: "A note on the heading.", 2: "A note in the text."})
    root, result = build(make_book, octavo, data)
    assert result.code == 0, result.err
    epub = next((root / "dist").glob("*.epub"))
    assert epubcheck(epub) == []
    (title, first), (second_title, _) = chapters(root)
    assert second_title == "Chapter Two"
    assert title.startswith("Chapter One<sup") and '<a class="noteref"' in title
    assert 'id="fnref-1" href="#fn-1"' in title and 'href="#fn-2"' in first  # the title's first
    text = body_text(dict(spine_documents(epub))["EPUB/ch001.xhtml"])
    assert "A note on the heading." in text and "A note in the text." in text
    with zipfile.ZipFile(epub) as zf:
        assert 'href="ch001.xhtml">Chapter One<' in zf.read("EPUB/nav.xhtml").decode()


def test_a_note_called_twice_shows_its_number_at_both_calls_with_unique_ids(  # type: ignore[no-untyped-def]
        make_book, octavo) -> None:
    # Both calls were given id="fnref-1": EPUBCheck's RSC-005, duplicate id.
    document = new_document()
    add_text(document, "Chapter One", "Heading 1")
    add_text(document, "First call.[[1]] Second call.[[1]] Another note.[[2]]")
    data = saved(document, {1: "The note called twice.", 2: "The other note."})
    root, result = build(make_book, octavo, data)
    assert result.code == 0, result.err
    epub = next((root / "dist").glob("*.epub"))
    assert epubcheck(epub) == []
    text = chapters(root)[0][1]
    calls = re.findall(r'<a class="noteref"[^>]*id="([^"]+)" href="#fn-(\d)"[^>]*>(\d)</a>', text)
    assert calls == [("fnref-1", "1", "1"), ("fnref-1-2", "1", "1"), ("fnref-2", "2", "2")]
    assert text.count('role="doc-footnote"') == 2  # one note, however often it is called
    assert '<a role="doc-backlink" href="#fnref-1">' in text  # back to the first call


def test_title_styles_opening_each_file_are_the_chapters_titles(make_book, octavo) -> None:  # type: ignore[no-untyped-def]
    # Every file's Title and Subtitle were taken as the book's: the chapters were called "01"
    # and "02", the titles were nowhere, the first subtitle named the book, the second was lost.
    files: dict[str, str | bytes] = {"book.toml": BASIC_TOML}
    for stem, title in (("01", "The Storm"), ("02", "The Calm")):
        document = new_document()
        add_text(document, title, "Title")
        add_text(document, f"A subtitle line SUBWORD{stem[-1]}", "Subtitle")
        add_text(document, f"The text of {title}.")
        files[f"manuscript/{stem}.docx"] = saved(document)
    root = make_book(files)
    result = octavo("build", root, "--format", "epub")
    assert result.code == 0, result.err
    assert "subtitle" not in result.out and "left out" not in result.err
    found = chapters(root)
    assert [t for t, _ in found] == ["The Storm", "The Calm"]
    for number, (_, text) in enumerate(found, start=1):
        assert f'<p class="subtitle">A subtitle line SUBWORD{number}</p>' in text
    epub = next((root / "dist").glob("*.epub"))
    with zipfile.ZipFile(epub) as zf:
        assert "SUBWORD" not in zf.read("EPUB/content.opf").decode()
    assert epubcheck(epub) == []


def test_a_title_page_naming_the_book_otherwise_than_book_toml_is_named_in_a_warning(  # type: ignore[no-untyped-def]
        make_book, octavo) -> None:
    root, result = build(make_book, octavo, styled_book())
    assert result.code == 0, result.err
    assert "manuscript/book.docx: the title page's 'The Salt Road' left out: book.toml names the " \
        "book 'A Test Book'" in result.err
    assert [t for t, _ in chapters(root)] == ["The Ferry", "The Toll House"]


def test_a_title_pages_author_and_subtitle_overruled_by_book_toml_are_named(  # type: ignore[no-untyped-def]
        make_book, octavo) -> None:
    document = new_document("The Salt Road", "Someone In Properties")
    add_text(document, "A Test Book", "Title")
    add_text(document, "Being a Tale", "Subtitle")
    document.styles.add_style("Author", 1)  # a paragraph style, as pandoc's Word files have
    add_text(document, "Nell Harrow", "Author")
    document.add_heading("The Ferry", level=1)
    add_text(document, "The ferry left at dawn.")
    toml = BASIC_TOML.replace("[build]", 'subtitle = "Being a Tale"\n\n[build]')
    root, result = build(make_book, octavo, saved(document), toml=toml)
    assert result.code == 0, result.err
    assert "book.toml gives the author 'Ada Writer': the manuscript's title page prints " \
        "'Nell Harrow', which is left out" in result.out
    assert "the subtitle" not in result.out and "Someone" not in result.out  # agreeing; properties
    assert [t for t, _ in chapters(root)] == ["The Ferry"]


def test_pictures_tables_lists_and_links(make_book, octavo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    picture = tmp_path / "dot.png"
    picture.write_bytes(tiny_png())

    def extra(document) -> None:  # type: ignore[no-untyped-def]
        document.add_picture(str(picture))
        table = document.add_table(rows=2, cols=2)
        for row, values in zip(table.rows, (("Port", "Days"), ("Harwich", "3")), strict=True):
            for cell, value in zip(row.cells, values, strict=True):
                cell.text = value
        document.add_paragraph("Rope", style="List Bullet")
        document.add_paragraph("Lantern", style="List Bullet")

    root, result = build(make_book, octavo, styled_book(extra))
    assert result.code == 0, result.err
    text = chapters(root)[1][1]
    assert '<img src="images/img-0001.png" alt=""' in text
    assert "<td>Harwich</td>" in text.replace("<p>", "").replace("</p>", "")
    assert "<li>Rope</li>" in text and "<li>Lantern</li>" in text
    assert "manuscript/book.docx:7: image picture-1.png has no alt text: describe it in Word" \
        in result.err
    epub = next((root / "dist").glob("*.epub"))
    with zipfile.ZipFile(epub) as zf:
        assert zf.read("EPUB/images/img-0001.png") == tiny_png()
    assert epubcheck(epub) == []


def test_links_to_scripts_files_and_data_are_plain_text_with_a_warning(make_book, octavo) -> None:  # type: ignore[no-untyped-def]
    # They became bare <a> elements without a word, where Markdown's warn.
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = new_document()
    document.add_heading("Links", level=1)
    paragraph = add_text(document, "Go: ")
    for target in ("javascript:alert(1)", "file:///etc/passwd", "data:text/html,hi"):
        link = OxmlElement("w:hyperlink")
        link.set(qn("r:id"), document.part.relate_to(target, RELATIONSHIP_TYPE.HYPERLINK,
                                                     is_external=True))
        link.append(paragraph.add_run(f"LINK{target[:4]} ")._r)
        paragraph._p.append(link)
    root, result = build(make_book, octavo, saved(document))
    assert result.code == 0, result.err
    for target in ("javascript:alert(1)", "file:///etc/passwd", "data:text/html,hi"):
        assert f"manuscript/book.docx: link target {target} is not in the book; kept as plain " \
            "text" in result.err
    text = chapters(root)[0][1]
    assert "<p>Go: LINKjava LINKfile LINKdata </p>" in text and "<a>" not in text


def test_a_picture_linked_to_a_file_is_left_out_with_a_warning(make_book, octavo,  # type: ignore[no-untyped-def]
                                                               tmp_path: Path) -> None:
    """Word's Insert Picture, Link to File: the file outside the book is never read, and the
    author is told the picture is not in the book (it vanished in silence)."""
    picture = tmp_path / "dot.png"
    picture.write_bytes(tiny_png())

    def extra(document) -> None:  # type: ignore[no-untyped-def]
        document.add_paragraph("Before.")
        document.add_picture(str(picture))
        document.add_paragraph("After.")

    files = {}
    with zipfile.ZipFile(io.BytesIO(styled_book(extra))) as zf:
        for name in zf.namelist():
            files[name] = zf.read(name)
    rels = "word/_rels/document.xml.rels"
    files[rels] = re.sub(rb'Target="media/([^"]+)"',
                         f'Target="{picture.as_uri()}" TargetMode="External"'.encode(), files[rels])
    files["word/document.xml"] = files["word/document.xml"].replace(b"r:embed=", b"r:link=")
    linked = io.BytesIO()
    with zipfile.ZipFile(linked, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    root, result = build(make_book, octavo, linked.getvalue())
    assert result.code == 0, result.err
    assert "manuscript/book.docx: 1 picture linked to a file outside the document left out " \
        "(insert it in Word instead of linking to it)" in result.err
    text = chapters(root)[1][1]
    assert "Before." in text and "After." in text and "<img" not in text


def test_tracked_changes_read_as_accepted_with_a_warning(make_book, octavo) -> None:  # type: ignore[no-untyped-def]
    document = new_document()
    document.add_heading("Edits", level=1)
    paragraph = add_text(document, "The boat was ")
    tracked(paragraph, inserted="crimson", deleted="blue")
    note = add_text(document, "A line someone questioned.")
    comment(document, note, "Is this true? PRIVATECOMMENT")
    secret = add_text(document, "Shown words.")
    hidden(secret, " HIDDENWORDS")
    root, result = build(make_book, octavo, saved(document))
    assert result.code == 0, result.err
    assert ("manuscript/book.docx: holds 2 tracked changes not yet accepted; read as if all "
            "were accepted") in result.err
    assert "manuscript/book.docx: 1 comment left out of the book" in result.err
    assert "manuscript/book.docx: hidden text left out of the book (1 place)" in result.err
    text = chapters(root)[0][1]
    assert "The boat was crimson" in text and "blue" not in text
    assert "PRIVATECOMMENT" not in text and "HIDDENWORDS" not in text
    assert "Shown words." in text


def test_a_chapter_that_is_only_its_heading_is_a_draft(make_book, octavo) -> None:  # type: ignore[no-untyped-def]
    document = new_document()
    document.add_heading("Written", level=1)
    add_text(document, "Some words.")
    document.add_heading("To Come", level=1)
    root, result = build(make_book, octavo, saved(document))
    assert result.code == 0, result.err
    assert "manuscript/book.docx:3: chapter 'To Come' has only its heading (a draft)" in result.err
    assert [t for t, _ in chapters(root)] == ["Written", "To Come"]
    strict = octavo("build", root, "--format", "epub", "--strict")
    assert strict.code == 7


def test_chapters_from_cues_without_heading_styles(make_book, octavo) -> None:  # type: ignore[no-untyped-def]
    document = new_document("Tidewater", "Ada Writer")
    add_cue(document, "Prologue", page_break=False)
    add_text(document, "Before the flood, a *small* town.")
    add_cue(document, "CHAPTER 1")
    add_cue(document, "The Rising", page_break=False, bold=False)
    add_text(document, "Water came.")
    add_text(document, "* * *")
    add_text(document, "Morning.")
    document.add_paragraph()
    document.add_paragraph()
    add_text(document, "Evening.")
    add_text(document, "#")
    add_text(document, "Night.")
    add_cue(document, "Chapter Two", bold=False)
    add_text(document, "Dry land at last, they said.")
    quote = indent(add_text(document, "Set down by the keeper."))
    assert quote is not None
    root, result = build(make_book, octavo, saved(document))
    assert result.code == 0, result.err
    assert "no heading styles; 3 headings found from page breaks and centred lines" in result.out
    found = chapters(root)
    assert [t for t, _ in found] == ["Prologue", "CHAPTER 1: The Rising", "Chapter Two"]
    assert found[0][1].count("<em>small</em>") == 1
    assert found[1][1].count('class="scene-break"') == 3
    assert "<blockquote><p>Set down by the keeper.</p></blockquote>" in found[2][1]


def test_a_centred_line_without_a_page_break_is_not_a_chapter(make_book, octavo) -> None:  # type: ignore[no-untyped-def]
    document = new_document()
    add_cue(document, "Chapter One", page_break=False)
    add_text(document, "Text.")
    add_cue(document, "A Centred Sign", page_break=False, bold=False)
    add_text(document, "More text.")
    root, result = build(make_book, octavo, saved(document))
    assert result.code == 0, result.err
    found = chapters(root)
    assert [t for t, _ in found] == ["Chapter One"]
    assert "A Centred Sign" in found[0][1]


def test_lint_reads_word_chapters(tmp_path: Path) -> None:
    document = new_document()
    document.add_heading("One", level=1)
    add_text(document, 'He said "hello" twice.')
    path = tmp_path / "book.docx"
    path.write_bytes(saved(document))
    findings = lint_files([(path, "manuscript/book.docx")])
    assert [(f.file, f.line) for f in findings if "straight quote" in f.message] == \
        [("manuscript/book.docx", 2)]


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("lantern-*.docx")))
def test_committed_documents_keep_every_word_and_italic(name: str, make_book, octavo) -> None:  # type: ignore[no-untyped-def]
    """Files made by pandoc and LibreOffice from our own text (tests/readers/docx/README.md)."""
    from conftest import letters_in_order

    source = (FIXTURES / "lantern.md").read_text(encoding="utf-8")
    root, result = build(make_book, octavo, (FIXTURES / name).read_bytes())
    assert result.code == 0, result.err
    epub = next((root / "dist").glob("*.epub"))
    text = " ".join(body_text(doc) for _, doc in spine_documents(epub))
    story = [w for line in source.splitlines() if not line.startswith(("title:", "author:", "---"))
             for w in line.replace("*", " ").replace("#", " ").split()]
    assert letters_in_order(story, text) is None
    italics = sum(line.count("*") // 2 for line in source.splitlines() if line != "* * *")
    kept = sum(xhtml.count("<em>") for _, xhtml in chapters(root))
    assert kept == italics
    assert [t for t, _ in chapters(root)] == [line[2:] for line in source.splitlines()
                                               if line.startswith("# ")]
    assert epubcheck(epub) == []


def _story(epub: Path) -> tuple[list[str], list[str], int]:
    """Words, heading titles (parts' and chapters') and italics of an EPUB's parts and chapters."""
    from conftest import XHTML

    from octavo.text import words

    docs = [d for n, d in spine_documents(epub) if n.rsplit("/", 1)[-1].startswith(("ch", "part"))]
    return ([w for d in docs for w in words(body_text(d))],
            ["".join(h.itertext()) for d in docs for h in d.iter(f"{XHTML}h1")],
            sum(1 for d in docs for _ in d.iter(f"{XHTML}em")))


def test_the_sample_book_through_pandoc_reads_as_its_markdown(make_book, octavo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """sample-pandoc.docx is the repository's manuscript/ in one document (docx/README.md)."""
    import re

    from conftest import REPO, first_divergence, letters_in_order, markdown_words

    from octavo.text import natural_key

    assert octavo("build", REPO, "--format", "epub", "--out", tmp_path / "md", "-q").code == 0
    root = make_book({"book.toml": (REPO / "book.toml").read_text(encoding="utf-8"),
                      "manuscript/the-quiet-press.docx":
                          (FIXTURES / "sample-pandoc.docx").read_bytes()})
    result = octavo("build", root, "--format", "epub")
    assert result.code == 0, result.err
    assert "read 8 chapters from the-quiet-press.docx" in result.out
    word_epub = next((root / "dist").glob("*.epub"))
    words, titles, italics = _story(word_epub)
    md_words, md_titles, md_italics = _story(next((tmp_path / "md").glob("*.epub")))
    # One document has no file names to say "dedication" or "part": the dedication, before the
    # first heading, is a chapter named after the file, and the parts are chapters.
    assert titles == ["The quiet press", *md_titles]
    assert italics == md_italics == 9
    # pandoc makes a picture's alt text its caption (Markdown's caption is the image's title).
    files = sorted((REPO / "manuscript").glob("*.md"), key=lambda p: natural_key(p.name))
    source = [re.sub(r'!\[([^]]*)\]\(([^ )]+) "[^"]*"\)', r'![\1](\2 "\1")',
                     f.read_text(encoding="utf-8")) for f in files]
    expected = [w for text in source for w in markdown_words(text)]
    assert len(expected) > 2000
    assert letters_in_order(expected, " ".join(words)) is None
    assert first_divergence(words, ["the", "quiet", "press", *md_words]) == \
        "word 1913 'hand' not found in order; near: cover of her notebook a hand press drawn in a"
    with zipfile.ZipFile(word_epub) as zf:  # the SVG picture (pandoc wrote no PNG copy)
        assert any(n.endswith(".svg") and "/images/" in n for n in zf.namelist())
    assert epubcheck(word_epub) == []


def test_a_picture_whose_content_type_says_nothing_is_read_by_its_bytes(tmp_path: Path) -> None:
    # A PNG stored without a suffix (or as application/octet-stream) was refused: "image
    # picture-1.bin refused: .bin is not an image type; use PNG, JPEG, GIF or SVG".
    from octavo.diagnostics import Diagnostics
    from octavo.readers.base import ImageRegistry
    from octavo.readers.word import convert

    document = new_document()
    document.add_paragraph("A map:")
    document.add_picture(io.BytesIO(tiny_png()))
    with zipfile.ZipFile(io.BytesIO(saved(document))) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    media = next(name for name in parts if name.startswith("word/media/"))
    parts[media[:-len(".png")]] = parts.pop(media)
    rels = "word/_rels/document.xml.rels"
    parts[rels] = parts[rels].replace(media[len("word/"):].encode(),
                                      media[len("word/"):-len(".png")].encode())
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)
    (tmp_path / "book.docx").write_bytes(out.getvalue())
    images = ImageRegistry(tmp_path)
    doc = convert(tmp_path / "book.docx", "book.docx", Diagnostics(), images)
    assert [img.get("src") for b in doc.blocks for img in b.iter("img")] == ["images/img-0001.png"]


def _repackaged(data: bytes, change: Callable[[dict[str, bytes]], None]) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    change(parts)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name, part in parts.items():
            target.writestr(name, part)
    return out.getvalue()


def test_one_picture_used_many_times_is_checked_and_stored_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # An ornament at every scene break was checked and stored once per use (2,000 uses took
    # 28 s, the EPUB holding it 2,000 times), whether the uses share a relationship, have one
    # each to the same image, or each have their own copy of it.
    from octavo.diagnostics import Diagnostics
    from octavo.readers import base
    from octavo.readers.base import ImageRegistry
    from octavo.readers.word import convert

    document = new_document()
    for n in range(4):
        document.add_paragraph(f"Scene {n}.")
        document.add_picture(io.BytesIO(tiny_png(4, 4)))
    document.add_picture(io.BytesIO(tiny_png(5, 5)))

    def separate(parts: dict[str, bytes]) -> None:
        rels = "word/_rels/document.xml.rels"
        rel = re.search(rb'Id="(rId\d+)"[^>]*Target="(media/[^"]+)"', parts[rels]) \
            or re.search(rb'Target="(media/[^"]+)"[^>]*Id="(rId\d+)"', parts[rels])
        assert rel is not None
        rel_id, target = (rel[1], rel[2]) if rel[1].startswith(b"rId") else (rel[2], rel[1])
        parts["word/media/copy.png"] = parts["word/" + target.decode()]
        kind = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"
        parts[rels] = parts[rels].replace(b"</Relationships>", (
            b'<Relationship Id="rIdSame" Type="' + kind + b'" Target="' + target + b'"/>'
            b'<Relationship Id="rIdCopy" Type="' + kind + b'" Target="media/copy.png"/>'
            b"</Relationships>"))
        uses = parts["word/document.xml"].split(b'r:embed="' + rel_id + b'"')
        assert len(uses) == 5  # four uses of the ornament
        parts["word/document.xml"] = (uses[0] + b'r:embed="' + rel_id + b'"' + uses[1]
                                      + b'r:embed="rIdSame"' + uses[2] + b'r:embed="rIdCopy"'
                                      + uses[3] + b'r:embed="rIdCopy"' + uses[4])

    (tmp_path / "book.docx").write_bytes(_repackaged(saved(document), separate))
    checked = []
    loaded = base.load_image

    def load_image(*args, **kwargs):  # type: ignore[no-untyped-def]
        checked.append(args[4])
        return loaded(*args, **kwargs)

    monkeypatch.setattr(base, "load_image", load_image)
    images = ImageRegistry(tmp_path)
    doc = convert(tmp_path / "book.docx", "book.docx", Diagnostics(), images)
    srcs = [img.get("src") for b in doc.blocks for img in b.iter("img")]
    assert srcs == ["images/img-0001.png"] * 4 + ["images/img-0002.png"]
    assert [image.data for image in images.images.values()] == [tiny_png(4, 4), tiny_png(5, 5)]
    assert len(checked) == 2


def _emf() -> bytes:
    """The header of an EMF picture (100 × 100), as Word stores a pasted chart."""
    import struct

    return (struct.pack("<II4i4i", 1, 108, 0, 0, 100, 100, 0, 0, 2540, 2540) + b" EMF"
            + struct.pack("<IIIHHIIII", 0x10000, 108, 1, 0, 0, 0, 0, 0, 0)
            + struct.pack("<4i", 1024, 768, 320, 240) + bytes(20))


def test_an_emf_or_wmf_picture_is_left_out_with_a_warning_saying_where(
        make_book, octavo) -> None:  # type: ignore[no-untyped-def]
    # It refused the whole build: "image picture-1.wmf refused: .wmf is not an image type",
    # naming a file the author cannot find (and a damaged one was "ZeroDivisionError").
    document = new_document()
    document.add_heading("Sales", level=1)
    document.add_paragraph("Before the chart.")
    document.add_picture(io.BytesIO(tiny_png(4, 4)))
    document.add_paragraph("After the chart.")
    document.add_paragraph("A kept picture:")
    document.add_picture(io.BytesIO(tiny_png(5, 5)))

    def as_emf(parts: dict[str, bytes]) -> None:  # the first picture becomes an EMF
        media = sorted(name for name in parts if name.startswith("word/media/"))[0]
        parts.pop(media)
        parts["word/media/chart.emf"] = _emf()
        rels = "word/_rels/document.xml.rels"
        parts[rels] = parts[rels].replace(media[len("word/"):].encode(), b"media/chart.emf")
        parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
            b"</Types>", b'<Default Extension="emf" ContentType="image/x-emf"/></Types>')

    data = _repackaged(saved(document), as_emf)
    root, result = build(make_book, octavo, data)
    assert result.code == 0, result.err
    assert "manuscript/book.docx:3: an EMF picture (after 'Before the chart.') left out: " \
        "e-books cannot show Windows drawings (in Word, right-click it, choose Save as " \
        "Picture, save it as PNG and insert that in its place)" in result.err
    text = chapters(root)[0][1]
    assert "Before the chart." in text and "After the chart." in text
    assert re.findall(r'src="([^"]+)"', text) == ["images/img-0001.png"]
    assert epubcheck(next((root / "dist").glob("*.epub"))) == []


def test_a_wmf_picture_is_known_by_its_bytes_and_named_by_its_alt_text(tmp_path: Path) -> None:
    from octavo.diagnostics import Diagnostics
    from octavo.readers.base import ImageRegistry
    from octavo.readers.word import convert

    document = new_document()
    document.add_paragraph("Equation one:")
    document.add_picture(io.BytesIO(tiny_png(4, 4)))

    def as_wmf(parts: dict[str, bytes]) -> None:  # a placeable WMF in a part named .png
        media = next(name for name in parts if name.startswith("word/media/"))
        parts[media] = b"\xd7\xcd\xc6\x9a" + bytes(40)
        parts["word/document.xml"] = re.sub(rb"(<wp:docPr [^>]*?)(/?>)", rb'\1 descr="E = mc2"\2',
                                            parts["word/document.xml"])

    (tmp_path / "book.docx").write_bytes(_repackaged(saved(document), as_wmf))
    diagnostics = Diagnostics()
    doc = convert(tmp_path / "book.docx", "book.docx", diagnostics, ImageRegistry(tmp_path))
    assert not [img for block in doc.blocks for img in block.iter("img")]
    assert diagnostics.warnings == [
        "book.docx:2: a WMF picture (alt text 'E = mc2', after 'Equation one:') left out: "
        "e-books cannot show Windows drawings (in Word, right-click it, choose Save as Picture, "
        "save it as PNG and insert that in its place)"]
