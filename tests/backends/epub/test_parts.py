"""Part pages in the EPUB: capitals as written marked for small capitals, headings balanced."""

from __future__ import annotations

import zipfile

from conftest import BASIC_TOML, epubcheck

PART = "---\ntype: part\n---\n\n# Epoch the First\n\n1703.\n\nJONATHAN WILD. A Thief-Taker\n"
CHAPTER = "# The Widow and her Child\n\nThe night was dark and wild.\n"


def test_capitals_on_a_part_page_are_marked_and_the_epub_stays_valid(make_book, octavo) -> None:  # type: ignore[no-untyped-def]
    root = make_book({"book.toml": BASIC_TOML, "manuscript/01-part.md": PART,
                      "manuscript/02-chapter.md": CHAPTER})
    assert octavo("build", root, "-q").code == 0
    epub = root / "dist" / "a-test-book.epub"
    with zipfile.ZipFile(epub) as zf:
        part = next(zf.read(n).decode() for n in zf.namelist() if n.endswith("part01.xhtml"))
        css = zf.read("EPUB/style.css").decode()
    assert '<span class="caps">JONATHAN WILD</span>. A Thief-Taker' in part
    assert ".part-text .caps" in css and "font-variant-caps: all-small-caps" in css
    assert "text-wrap: balance" in css
    assert epubcheck(epub) == []
