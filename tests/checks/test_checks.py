"""`octavo check`: a good book passes; each kind of fault in the files is found and named."""

from __future__ import annotations

import json
import os
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import BASIC_TOML, Result

from octavo.build import build
from octavo.checks.pdfread import unembedded_fonts
from octavo.checks.printed import toc_entries
from octavo.diagnostics import Diagnostics
from octavo.errors import CheckError

TOML = BASIC_TOML.replace('formats = ["epub"]', 'formats = ["epub", "pdf"]')
FILES = {
    "book.toml": TOML,
    "manuscript/01-part.md": "# Part One\n",
    "manuscript/02-first.md": "# The First\n\n“Hello,” she said. It began.[^1]\n\n[^1]: A note.\n",
    "manuscript/03-second.md": "# The Second\n\nAnd it went on, page after page.\n",
}


@pytest.fixture(scope="module")
def good_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The book, built once: each test checks a copy, so none depends on another's build."""
    root = tmp_path_factory.mktemp("check") / "book"
    for rel, text in FILES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    build(root, Diagnostics(), formats=("epub", "pdf"))
    return root


def copy_of(book: Path, tmp_path: Path) -> Path:
    target = tmp_path / "book"
    shutil.copytree(book, target)
    return target


def test_a_good_book_passes_and_says_what_it_checked(good_book: Path, tmp_path: Path,
                                                     octavo: Callable[..., Result]) -> None:
    good_book = copy_of(good_book, tmp_path)
    shutil.rmtree(good_book / "dist")  # octavo check builds what is missing
    result = octavo("check", good_book)
    assert result.code == 0, result.out + result.err
    lines = result.out.splitlines()
    assert lines[0] == "octavo check: A Test Book"
    assert "  build      built a-test-book.epub and a-test-book.pdf" in lines
    assert any(line.startswith("  epubcheck  EPUBCheck") and "0 error(s), 0 warning(s)" in line
               for line in lines)
    assert ("  words      20 words in the manuscript; all in the EPUB and the PDF, in order"
            in lines)
    assert any("6 × 9 in as set; every font embedded; contents: 3 entries, page numbers right"
               in line for line in lines)
    assert lines[-1] == "0 error(s), 0 warning(s)"
    again = octavo("check", good_book, "--json")
    data = json.loads(again.out)
    assert data["errors"] == 0 and data["findings"] == []
    assert {"check": "build", "result": "a-test-book.epub and a-test-book.pdf are up to date"} \
        in data["facts"]


def test_a_file_in_dist_the_build_did_not_write_is_built_again(good_book: Path, tmp_path: Path,
                                                                octavo: Callable[..., Result]) -> None:
    # As `octavo build` would: a file changed in dist/ is no reason to trust it, nor to stop.
    root = copy_of(good_book, tmp_path)
    build(root, Diagnostics(), formats=("epub", "pdf"))  # its stamp names this copy's files
    epub, pdf = root / "dist" / "a-test-book.epub", root / "dist" / "a-test-book.pdf"
    with zipfile.ZipFile(epub, "w") as other:  # another zip in the EPUB's place
        other.writestr("mimetype", "application/epub+zip")
    pdf.write_bytes(pdf.read_bytes()[:100])
    result = octavo("check", root)
    assert result.code == 0, result.out + result.err
    assert ("  build      built a-test-book.epub and a-test-book.pdf again: dist/a-test-book.epub "
            "and dist/a-test-book.pdf were not what the last build wrote") in result.out.splitlines()
    assert result.out.splitlines()[-1] == "0 error(s), 0 warning(s)"


@pytest.mark.parametrize("damage", ["pdf cut short", "epub cut short", "another zip"])
def test_an_unreadable_file_in_dist_is_one_line_naming_it(good_book: Path, tmp_path: Path,
                                                          octavo: Callable[..., Result],
                                                          damage: str) -> None:
    # A copy: its stamp names the first book's files, so nothing vouches for these and
    # nothing rebuilds them (they are newer than the book's files).
    root = copy_of(good_book, tmp_path)
    name = "a-test-book.pdf" if damage == "pdf cut short" else "a-test-book.epub"
    path = root / "dist" / name
    stat = path.stat()
    if damage == "another zip":
        with zipfile.ZipFile(path, "w") as other:
            other.writestr("notes.txt", "not a book")
    else:
        path.write_bytes(path.read_bytes()[:1000])
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    result = octavo("check", root)
    kind = "PDF" if name.endswith(".pdf") else "EPUB"
    assert result.code == CheckError.exit_code
    assert result.err.splitlines() == [f"error: dist/{name}: not a readable {kind}; build the "
                                       "book again"]
    assert result.out == ""


def test_lost_words_are_found_with_chapter_and_context(good_book: Path, tmp_path: Path,
                                                       octavo: Callable[..., Result]) -> None:
    root = copy_of(good_book, tmp_path)
    (root / "manuscript" / "03-second.md").write_text(
        "# The Second\n\nAnd it went on, page after page, into the night.\n", encoding="utf-8")
    epub, pdf = root / "dist" / "a-test-book.epub", root / "dist" / "a-test-book.pdf"
    for path in (epub, pdf):  # files from before the edit, but newer: nothing rebuilds them
        os.utime(path, (path.stat().st_mtime + 100, path.stat().st_mtime + 100))
    result = octavo("check", root, "--json")
    assert result.code == 8
    findings = json.loads(result.out)["findings"]
    words = [f["message"] for f in findings if f["check"] == "words"]
    assert words[0] == ("EPUB parts from the manuscript: in 'The Second', word 'into' is missing "
                        "or out of order, near “on, page after page, into the night.”")
    assert words[1].startswith("PDF parts from the manuscript: in 'The Second', word 'into'")
    assert result.err.strip() == "error: 2 error(s) found"


def test_words_a_reader_loses_are_found_in_the_manuscript(
        good_book: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        octavo: Callable[..., Result]) -> None:
    """The files are held to the book the readers made: a word a reader loses (a note called
    from a chapter's title once was) is lost from both, and only the manuscript shows it."""
    from octavo.readers import markdown

    root = copy_of(good_book, tmp_path)
    monkeypatch.setattr(markdown, "_render_notes", lambda chunk, notes, shown: "")  # a reader bug
    result = octavo("check", root, "--json")
    assert result.code == 8
    words = [f for f in json.loads(result.out)["findings"] if f["check"] == "words"]
    assert [(f["file"], f["line"], f["message"]) for f in words] == [
        ("manuscript/02-first.md", 5, "the book lost this paragraph of the manuscript, so the "
         "EPUB and the PDF lack it too: “A note.”")]


def test_words_the_sanitiser_drops_from_raw_html_are_found(
        good_book: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        octavo: Callable[..., Result]) -> None:
    """The words of a block of raw HTML are looked for in the book too: a sanitiser that
    loses an inline SVG's text (as it once did) is caught, not counted after it."""
    from octavo import xhtml

    root = copy_of(good_book, tmp_path)
    (root / "manuscript" / "03-second.md").write_text(
        "# The Second\n\n<p>A map: <svg><text>Northward</text></svg> there.</p>\n",
        encoding="utf-8")
    monkeypatch.setattr(xhtml, "renamed", lambda html: html)  # the sanitiser drops SVG again
    result = octavo("check", root, "--json")
    assert result.code == 8
    words = [f for f in json.loads(result.out)["findings"] if f["check"] == "words"]
    assert ("manuscript/03-second.md", 3, "the book lost this paragraph of the manuscript, so "
            "the EPUB and the PDF lack it too: “A map: Northward there.”") \
        in [(f["file"], f["line"], f["message"]) for f in words]


def test_a_page_size_that_is_not_the_trim_is_an_error(good_book: Path, tmp_path: Path,
                                                      octavo: Callable[..., Result]) -> None:
    root = copy_of(good_book, tmp_path)
    toml = root / "book.toml"
    toml.write_text(TOML + '\n[print]\ntrim = "5x8"\n', encoding="utf-8")
    os.utime(toml, (1, 1))  # older than the files: the 6 × 9 in PDF stays
    result = octavo("check", root)
    assert result.code == 8
    assert "error: page size: page 1 is 6 × 9 in, the trim is 5 × 8 in (11 page(s) differ)" \
        in result.out.splitlines()


def test_wrong_contents_numbers_are_found(good_book: Path, tmp_path: Path,
                                          octavo: Callable[..., Result]) -> None:
    root = copy_of(good_book, tmp_path)
    shutil.rmtree(root / "dist")
    css = root / "styles" / "classic" / "extra-print.css"
    css.parent.mkdir(parents=True)
    css.write_text('.toc-link::after { content: leader(". ") "9" !important; }\n')
    result = octavo("check", root)
    assert result.code == 8
    assert "error: contents: 'The First' is listed on page 9 but opens on page 3 (sheet 9)" \
        in result.out.splitlines()


def test_missing_java_is_one_clear_error(good_book: Path, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch,
                                         octavo: Callable[..., Result]) -> None:
    import shutil as shutil_module

    root = copy_of(good_book, tmp_path)
    real = shutil_module.which
    monkeypatch.setattr(shutil_module, "which", lambda name: None if name == "java" else real(name))
    result = octavo("check", root)
    assert result.code == 8
    assert ("error: EPUBCheck needs Java 17 or newer, and no java is on the PATH; install a Java "
            "runtime") in result.out


def test_strict_fails_on_typography_warnings(good_book: Path, tmp_path: Path,
                                             octavo: Callable[..., Result]) -> None:
    root = copy_of(good_book, tmp_path)
    (root / "manuscript" / "03-second.md").write_text(
        "# The Second\n\nAnd it went on ,  page after page.\n", encoding="utf-8")
    result = octavo("check", root)
    assert result.code == 0
    assert "warning: manuscript/03-second.md:3: double space: “And it went on ,  page after page.”" \
        in result.out.splitlines()
    assert octavo("check", root, "--strict").code == 7


def test_unembedded_fonts_are_named(tmp_path: Path) -> None:
    from pypdf import PdfWriter
    from pypdf.generic import DictionaryObject, NameObject

    writer = PdfWriter()
    page = writer.add_blank_page(432, 648)
    font = DictionaryObject({NameObject("/Type"): NameObject("/Font"),
                             NameObject("/Subtype"): NameObject("/Type1"),
                             NameObject("/BaseFont"): NameObject("/Helvetica")})
    page[NameObject("/Resources")] = DictionaryObject({
        NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)})})
    path = tmp_path / "bare.pdf"
    with path.open("wb") as out:
        writer.write(out)
    assert unembedded_fonts(path) == ["Helvetica"]


def test_contents_lines_are_read_however_the_theme_sets_them() -> None:
    text = ("Contents\r\nPreface. . . . . . vii\r\nPA R T T WO : T H E B O O K . . . . . . . 1 1 "
            "The First Build. . . . . 13\r\nA Title So Long That It\r\nWraps . . . . . . 2 0 7")
    assert toc_entries(text) == [("Preface", "vii"), ("PA R T T WO : T H E B O O K", "11"),
                                  ("The First Build", "13"), ("A Title So Long That It Wraps", "207")]


def test_a_word_chapter_is_linted_with_its_file(make_book: Callable[..., Path],
                                                octavo: Callable[..., Result]) -> None:
    from wordfiles import add_text, new_document, saved

    document = new_document()
    document.add_heading("The Second", level=1)
    add_text(document, "And it went on, page after page.")
    add_text(document, "She waited.  Then she left.")  # two spaces, as typists were taught
    root = make_book({"book.toml": BASIC_TOML, "manuscript/01-first.md": FILES["manuscript/02-first.md"],
                      "manuscript/02-second.docx": saved(document)})
    result = octavo("check", root)
    assert result.code == 0, result.out + result.err
    assert "  words      " in result.out and "all in the EPUB" in result.out
    findings = [line for line in result.out.splitlines() if "double space" in line]
    assert findings == ["warning: manuscript/02-second.docx:3: double space: “She waited.  Then she "
                        "left.”"], result.out
