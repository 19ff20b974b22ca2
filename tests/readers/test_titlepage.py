"""A Gutenberg text's own title page: the book's metadata, and its other text as named matter."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from conftest import BASIC_TOML, epubcheck

from octavo.diagnostics import Diagnostics
from octavo.readers.base import ImageRegistry, ReadContext
from octavo.readers.plaintext import read_plaintext

HEADER = """The Project Gutenberg EBook of The Lantern, by Mary Q. Hollis

Title: The Lantern
       A Tale of the Marsh

Author: Mary Q. Hollis

Release Date: May 1, 2010 [EBook #99999]

*** START OF THIS PROJECT GUTENBERG EBOOK THE LANTERN ***

Produced by Volunteers

"""
TITLE_PAGE = """[Illustration: "SHE HELD THE LAMP HIGH"]

THE LANTERN

BY

MARY Q. HOLLIS

ILLUSTRATED BY JOHN R. PAINTER

AUTHOR OF "THE FEN"

BOSTON: LANTERN PRESS

MCMXI

Copyright, 1911, by LANTERN PRESS.

    _To_ =My Mother=

    _Who kept a light
      in every window._

"""
STORY = """CHAPTER I

THE MARSH

It was dark on the marsh, and the lamp went out----"

CHAPTER II

THE LIGHT

It came back, sure_ly_.

*** END OF THIS PROJECT GUTENBERG EBOOK THE LANTERN ***
"""


def read(tmp_path: Path, text: str):  # type: ignore[no-untyped-def]
    path = tmp_path / "lantern.txt"
    path.write_text(text, encoding="utf-8")
    context = ReadContext(tmp_path, Diagnostics(), ImageRegistry(tmp_path))
    return read_plaintext(path, path.name, context)


def test_title_page_feeds_the_metadata(tmp_path: Path) -> None:
    doc = read(tmp_path, HEADER + TITLE_PAGE + STORY)
    assert doc.meta == {"book_title": "The Lantern", "book_subtitle": "A Tale of the Marsh",
                        "book_authors": ("Mary Q. Hollis",),
                        "book_contributors": (("John R. Painter", "ill"),),
                        "book_date": "1911",
                        "book_printed": (("subtitle", ""), ("author", "Mary Q. Hollis"))}


def test_the_rest_of_the_title_page_is_named_front_matter(tmp_path: Path) -> None:
    sections = read(tmp_path, HEADER + TITLE_PAGE + STORY).render(1)
    kinds = [s.kind for s in sections]
    # matter printed before the contents first, then the rest ("Also by" goes to the back)
    assert kinds == ["frontispiece", "imprint", "dedication", "also-by", None, None]
    text = {s.kind: re.sub(r"<[^>]+>", "", s.html) for s in sections}
    assert "SHE HELD THE LAMP HIGH" in text["frontispiece"]
    assert 'class="illustration-note"' in sections[0].html
    assert sections[3].title == "Also by Mary Q. Hollis"
    assert text["imprint"].split("\n") == ["BOSTON: LANTERN PRESS", "MCMXI",
                                           "Copyright, 1911, by LANTERN PRESS."]
    assert "My Mother" in text["dedication"] and "every window" in text["dedication"]
    assert "THE LANTERN" not in "".join(text.values())  # the title is Octavo's title page's
    assert "ILLUSTRATED" not in "".join(text.values())
    assert "titlepage" not in kinds


def test_a_title_page_that_does_not_name_the_book_is_kept_as_it_is(tmp_path: Path) -> None:
    other = TITLE_PAGE.replace("THE LANTERN", "SOMETHING ELSE")
    doc = read(tmp_path, HEADER + other + STORY)
    sections = doc.render(1)
    assert sections[0].kind == "titlepage" and "SOMETHING ELSE" in sections[0].html
    assert doc.meta["book_authors"] == ("Mary Q. Hollis",)  # the header still says who
    assert "book_contributors" not in doc.meta


def test_a_book_without_book_toml_gets_author_illustrator_and_date(make_book, octavo) -> None:  # type: ignore[no-untyped-def]
    root = make_book({"manuscript/lantern.txt": HEADER + TITLE_PAGE + STORY})
    result = octavo("build", root, "--format", "epub")
    assert result.code == 0, result.err
    assert "author 'Mary Q. Hollis' and subtitle 'A Tale of the Marsh' and date '1911' taken " \
        "from the manuscript" in result.out + result.err
    epub = next((root / "dist").glob("*.epub"))
    assert epubcheck(epub) == []
    with zipfile.ZipFile(epub) as zf:
        opf = zf.read("EPUB/content.opf").decode()
        title_page = zf.read("EPUB/titlepage.xhtml").decode()
        chapters = "".join(zf.read(n).decode() for n in zf.namelist() if "/ch" in n)
    assert re.search(r'<dc:creator id="author1">Mary Q. Hollis</dc:creator>', opf)
    assert re.search(r'<dc:contributor id="contributor1">John R. Painter</dc:contributor>', opf)
    assert re.search(r'refines="#contributor1" property="role" scheme="marc:relators">ill<', opf)
    assert "<dc:date>1911</dc:date>" in opf
    assert "Illustrated by John R. Painter" in title_page
    assert 'epub:type="imprint"' in chapters
    assert '<span class="two-em-dash">\u2014\u2014</span>' in chapters
    assert "sure<em>ly</em>" in chapters


def test_book_toml_wins_over_the_source(make_book, octavo) -> None:  # type: ignore[no-untyped-def]
    root = make_book({"book.toml": BASIC_TOML, "manuscript/lantern.txt": HEADER + TITLE_PAGE + STORY})
    result = octavo("build", root, "--format", "epub")
    assert result.code == 0, result.err
    epub = next((root / "dist").glob("*.epub"))
    with zipfile.ZipFile(epub) as zf:
        opf = zf.read("EPUB/content.opf").decode()
    assert ">Ada Writer</dc:creator>" in opf and "Mary Q. Hollis" not in opf
    assert "<dc:title>A Test Book</dc:title>" in opf
    said = result.out + result.err
    assert "author 'Mary Q. Hollis' and" not in said  # book.toml named the author
    assert "subtitle 'A Tale of the Marsh' and date '1911' taken from the manuscript" in said


def test_a_transcribers_note_is_titled_by_its_label_and_does_not_repeat_it(
        tmp_path: Path) -> None:
    note = ("Transcribers Note: Obvious printer's errors have been corrected\n"
            "silently; the spelling is the author's own.\n\n"
            "*       *       *       *       *\n\n")
    sections = read(tmp_path, HEADER + note + TITLE_PAGE + STORY).render(1)
    noted = next(s for s in sections if s.kind == "transcriber-note")
    assert noted.title == "Transcribers Note"
    text = re.sub(r"<[^>]+>", "", noted.html)
    assert "Note" not in text and text.strip().startswith("Obvious printer")


def test_an_overruled_author_or_subtitle_is_said(make_book, octavo) -> None:  # type: ignore[no-untyped-def]
    toml = BASIC_TOML.replace("[build]", 'subtitle = "A Story"\n\n[build]')
    root = make_book({"book.toml": toml, "manuscript/lantern.txt": HEADER + TITLE_PAGE + STORY})
    said = octavo("build", root, "--format", "epub").out
    assert "book.toml gives the author 'Ada Writer': the manuscript's title page prints " \
        "'Mary Q. Hollis', which is left out" in said
    assert "subtitle" not in said  # the Gutenberg header's, not the title page's
    agreeing = toml.replace("Ada Writer", "MARY Q.  HOLLIS").replace("A Story", "a tale of the marsh")
    root = make_book({"book.toml": agreeing, "manuscript/lantern.txt": HEADER + TITLE_PAGE + STORY})
    assert "book.toml gives" not in octavo("build", root, "--format", "epub").out
