"""The EPUB backend: EPUBCheck-clean, reproducible, metadata and structure as readers expect."""

from __future__ import annotations

import zipfile
from pathlib import Path

from conftest import BASIC_TOML, epubcheck, spine_documents, tiny_png
from lxml import etree

OPF = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}

RICH_TOML = """\
[book]
title = "The Rich Book\\f"
subtitle = "With Everything"
authors = ["Ada Writer", "Ben Writer"]
language = "en-GB"
identifier = "978-0-306-40615-7"
publisher = "Small Press"
date = "2024-05-01"
description = "A book that uses every feature."
subjects = ["Fiction", "Testing"]
rights = "All rights reserved."
series = "Tests"
series_index = 2
cover = "cover.png"

[build]
formats = ["epub"]
"""

RICH_FILES = {
    "book.toml": RICH_TOML,
    "cover.png": tiny_png(),
    "manuscript/00-dedication.md": "For everyone who reads tests.\n",
    "manuscript/01-part one.md": "---\ntype: part\n---\n# Part One\n\n> An epigraph.\n",
    "manuscript/02-start.md": ("# The Start\n\nIt began \"here\".[^1]\n\n* * *\n\nThen more."
                               "\n\n![A picture](img/pic.png \"Caption\")\n\n[^1]: A note.\n"),
    "manuscript/img/pic.png": tiny_png(20, 20),
    "manuscript/03-part-two.md": "---\ntype: part\n---\n# Part Two\n",
    "manuscript/10-end.md": "# The End\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n- x\n- y\n",
    "manuscript/11-afterword.md": "# Afterword\n\nThanks.\n",
}


def build(make_book, octavo, files: dict[str, str | bytes]) -> Path:  # type: ignore[no-untyped-def]
    root = make_book(files)
    result = octavo("build", root)
    assert result.code == 0, result.err
    return next((root / "dist").glob("*.epub"))


def opf(path: Path) -> etree._Element:
    with zipfile.ZipFile(path) as zf:
        return etree.fromstring(zf.read("EPUB/content.opf"))


def test_rich_book_passes_epubcheck(make_book, octavo) -> None:  # type: ignore[no-untyped-def]
    epub = build(make_book, octavo, RICH_FILES)
    assert epubcheck(epub) == []


def test_metadata(make_book, octavo) -> None:  # type: ignore[no-untyped-def]
    root = opf(build(make_book, octavo, RICH_FILES))
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "en-GB"
    assert root.findtext(".//dc:language", namespaces=OPF) == "en-GB"
    assert root.findtext(".//dc:identifier", namespaces=OPF) == "urn:isbn:9780306406157"
    assert [t.text for t in root.iterfind(".//dc:title", OPF)] == ["The Rich Book",
                                                                   "With Everything"]
    creators = root.findall(".//dc:creator", OPF)
    assert [c.text for c in creators] == ["Ada Writer", "Ben Writer"]
    ids = [c.get("id") for c in creators]
    assert len(set(ids)) == 2
    roles = {m.get("refines"): m.text for m in root.iterfind(".//opf:meta[@property='role']", OPF)}
    assert roles == {f"#{i}": "aut" for i in ids}
    assert root.findtext(".//opf:meta[@property='belongs-to-collection']", namespaces=OPF) == "Tests"
    assert root.findtext(".//opf:meta[@property='dcterms:modified']",
                         namespaces=OPF) == "2026-01-01T00:00:00Z"


def test_spine_order_cover_first_and_landmarks(make_book, octavo) -> None:  # type: ignore[no-untyped-def]
    epub = build(make_book, octavo, RICH_FILES)
    names = [name.split("/")[-1] for name, _ in spine_documents(epub)]
    assert names == ["cover.xhtml", "titlepage.xhtml", "copyright.xhtml", "ch001.xhtml",
                     "nav.xhtml", "part01.xhtml", "ch002.xhtml", "part02.xhtml", "ch003.xhtml",
                     "ch004.xhtml"]
    with zipfile.ZipFile(epub) as zf:
        nav = zf.read("EPUB/nav.xhtml").decode()
        assert 'epub:type="cover"' in nav and 'epub:type="bodymatter"' in nav
        assert "Part One" in nav and "The Start" in nav and "Afterword" in nav
        manifest = zf.read("EPUB/content.opf").decode()
        assert 'properties="cover-image"' in manifest
        assert all(" " not in n for n in zf.namelist())
        chapter = zf.read("EPUB/ch002.xhtml").decode()
        assert 'epub:type="noteref"' in chapter and 'src="images/img-0001.png"' in chapter


def test_same_input_same_bytes(make_book, octavo) -> None:  # type: ignore[no-untyped-def]
    epub = build(make_book, octavo, RICH_FILES)
    first = epub.read_bytes()
    epub.unlink()
    assert octavo("build", epub.parent.parent).code == 0
    assert epub.read_bytes() == first
    with zipfile.ZipFile(epub) as zf:
        info = zf.infolist()[0]
        assert info.filename == "mimetype" and info.compress_type == zipfile.ZIP_STORED
        assert {i.date_time for i in zf.infolist()} == {(2026, 1, 1, 0, 0, 0)}


def test_one_chapter_book_has_a_toc_entry(make_book, octavo) -> None:  # type: ignore[no-untyped-def]
    epub = build(make_book, octavo, {"book.toml": BASIC_TOML, "manuscript/only.txt": "Words.\n"})
    assert epubcheck(epub) == []
    with zipfile.ZipFile(epub) as zf:
        assert 'href="ch001.xhtml">A Test Book<' in zf.read("EPUB/nav.xhtml").decode()


def test_a_note_on_a_chapter_title_is_set_with_the_title_not_in_the_contents(
        make_book, octavo) -> None:  # type: ignore[no-untyped-def]
    epub = build(make_book, octavo, {
        "book.toml": BASIC_TOML,
        "manuscript/01.md": "# One[^a]\n\nText.\n\n[^a]: Note on heading.\n",
        "manuscript/02.md": "# Two\n\nMore.[^b]\n\n[^b]: Note two.\n",
    })
    assert epubcheck(epub) == []
    docs = dict(spine_documents(epub))
    x = "{http://www.w3.org/1999/xhtml}"
    heading = docs["EPUB/ch001.xhtml"].find(f".//{x}h1")
    assert heading is not None and "".join(heading.itertext()) == "One1"
    call = heading.find(f".//{x}a")
    assert call is not None and call.get("href") == "#fn-1" and call.get("id") == "fnref-1"
    note = docs["EPUB/ch001.xhtml"].find(f".//{x}aside")
    assert note is not None and "Note on heading." in "".join(note.itertext())
    back = note.find(f".//{x}a")
    assert back is not None and back.get("href") == "#fnref-1"  # not ch002's fnref-1
    with zipfile.ZipFile(epub) as zf:
        nav = zf.read("EPUB/nav.xhtml").decode()
        ncx = zf.read("EPUB/toc.ncx").decode()
        page = zf.read("EPUB/ch001.xhtml").decode()
    assert 'href="ch001.xhtml">One<' in nav and "<text>One</text>" in ncx
    assert "<title>One</title>" in page


def test_a_theme_template_that_drops_a_titles_note_call_is_refused(
        make_book, octavo) -> None:  # type: ignore[no-untyped-def]
    # A theme's own chapter page printing chapter.title, not chapter.title_html: the note's
    # backlink pointed at a call that was not there (EPUBCheck RSC-012). A book whose titles
    # have no notes builds with it as before.
    template = ('<section id="{{ chapter.id }}">\n<h1>{{ chapter.title }}</h1>\n'
                "{{ chapter.html | safe }}\n</section>\n")
    root = make_book({"book.toml": BASIC_TOML, "styles/classic/templates/epub/chapter.html": template,
                      "manuscript/01.md": "# One[^a]\n\nText.\n\n[^a]: Note on heading.\n"})
    result = octavo("build", root)
    assert result.code != 0 and not (root / "dist" / "a-test-book.epub").exists()
    assert result.err.strip().splitlines() == [
        "error: styles/classic/templates/epub/chapter.html: prints the title 'One' without its "
        "footnote call: print chapter.title_html | safe (part.title_html in a part's page) when "
        "it is set, as Octavo's own templates do"]
    (root / "manuscript" / "01.md").write_text("# One\n\nText.[^a]\n\n[^a]: Note.\n")
    assert octavo("build", root).code == 0
    assert epubcheck(root / "dist" / "a-test-book.epub") == []


def test_headings_named_like_octavos_ids_keep_the_epub_valid(
        make_book, octavo) -> None:  # type: ignore[no-untyped-def]
    """`## Ch001`, `## Fn-1`, `## Fnref-1` and `{#ch001}` in a chapter with a note: six
    duplicate ids before. The author's ids stay, and links to them reach them."""
    epub = build(make_book, octavo, {
        "book.toml": BASIC_TOML,
        "manuscript/01.md": ("# One\n\nText[^1], [back](#ch001) and [note](#fn-1).\n\n"
                             "## Ch001\n\nA.\n\n## Fn-1\n\nB.\n\n## Fnref-1\n\nC.\n\n"
                             "## Other {#ch001}\n\nD.\n\n[^1]: The note.\n"),
    })
    assert epubcheck(epub) == []
    page = dict(spine_documents(epub))["EPUB/ch001.xhtml"]
    x = "{http://www.w3.org/1999/xhtml}"
    held = {el.get("id"): el for el in page.iter() if el.get("id")}
    assert "".join(held["ch001"].itertext()) == "Other" and held["fn-1"].tag == f"{x}h2"
    assert held["ch001-page"].tag == f"{x}section"  # the template's id stepped aside
    links = {a.text: a.get("href") for a in page.iter(f"{x}a")}
    assert links["back"] == "#ch001" and links["note"] == "#fn-1"
    call = next(a for a in page.iter(f"{x}a") if a.get("class") == "noteref")
    assert held[call.get("href")[1:]].tag == f"{x}aside"
