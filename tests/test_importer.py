"""`octavo import`: a Word document becomes a book folder that builds to the same words."""

from __future__ import annotations

import zipfile
from pathlib import Path

from conftest import epub_words, tiny_png
from wordfiles import add_text, styled_book


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
