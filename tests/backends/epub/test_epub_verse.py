"""Verse in the EPUB, every built-in theme: valid EPUB 3, lines and indents kept, styled."""

from __future__ import annotations

import re
import zipfile

import pytest
from conftest import BASIC_TOML, REPO, epubcheck, spine_documents

from octavo import xhtml
from octavo.themes import list_themes

THEMES = [t.name for t in list_themes(REPO)]
X = f"{{{xhtml.XHTML_NS}}}"

TXT = """CHAPTER I.

She sang it over:

    "The Ravenels ryde forth,
    Hyde alle ye ladyes gay;
      They take a heart,
          They break a heart,
    Then ryde away!"

    "When Ravenel drives four-in-hand,
    And patch and powder held their sway."

And then she stopped.
"""
MD = """# The Second

He answered:

| Fighters in *every
|   clime*, mockers be-mocked by time.
|
| Every cause but our own.

And that was all.
"""


@pytest.mark.parametrize("theme", THEMES)
def test_verse_epub_is_valid_keeps_lines_and_is_styled(make_book, octavo, theme: str) -> None:  # type: ignore[no-untyped-def]
    root = make_book({"book.toml": BASIC_TOML, "manuscript/01-song.txt": TXT,
                      "manuscript/02-answer.md": MD})
    assert octavo("build", root, "--format", "epub", "--theme", theme, "-q").code == 0
    epub = root / "dist" / "a-test-book.epub"
    assert epubcheck(epub) == []

    verses = [div for _, doc in spine_documents(epub) for div in doc.iter(f"{X}div")
              if div.get("class") == "verse"]
    assert len(verses) == 2  # one poem in each chapter, its stanzas together
    lines = [[(span.get("class"), "".join(span.itertext())) for span in div.iter(f"{X}span")]
             for div in verses]
    assert lines[0][2:4] == [("verse-line verse-indent-1", "They take a heart,"),
                             ("verse-line verse-indent-3", "They break a heart,")]
    assert len(lines[0]) == 7 and len(list(verses[0])) == 2
    assert lines[1] == [("verse-line", "Fighters in every"),
                        ("verse-line verse-indent-1", "clime, mockers be-mocked by time."),
                        ("verse-line", "Every cause but our own.")]

    with zipfile.ZipFile(epub) as zf:
        css = "".join(zf.read(n).decode() for n in zf.namelist() if n.endswith(".css"))
    plain = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    rules = {key.strip(): body for key, body in re.findall(r"([^{}]+)\{([^}]*)\}", plain)}
    assert "display: block" in rules[".verse .verse-line"]
    assert "text-indent: -2em" in rules[".verse .verse-line"]  # turnovers hang
    assert "padding-left: 5em" in rules[".verse .verse-indent-3"]
    assert "display: none" in rules[".verse br"]
    assert "text-indent: 0" in rules[".verse p.stanza"]
    assert "margin: 1em 0 1em 1.5em" in rules[".verse"]
