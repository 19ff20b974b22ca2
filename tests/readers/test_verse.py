"""Verse: indented lines in .txt and `| ` line blocks in Markdown, each line kept with its indent."""

from __future__ import annotations

from pathlib import Path

from conftest import markdown_words
from lxml import etree

from octavo import xhtml
from octavo.diagnostics import Diagnostics
from octavo.readers.base import ImageRegistry, ReadContext
from octavo.readers.markdown import paragraphs as markdown_paragraphs
from octavo.readers.markdown import read_markdown
from octavo.readers.plaintext import read_plaintext
from octavo.readers.verse import MAX_INDENT, indent_levels, join_stanzas

X = f"{{{xhtml.XHTML_NS}}}"

SONG_TXT = """She sang it over:

    "The Ravenels ryde forth,
    Hyde alle ye ladyes gay;
      They take a heart,
      They break a heart,
    Then ryde away!"

    "When Ravenel drives four-in-hand,
          When ladies gay,
    And patch and powder held their sway."

And then she stopped.
"""

SONG_MD = """She sang it over:

| "The Ravenels ryde forth,
| Hyde alle ye ladyes gay;
|   They take a heart,
|   They break a heart,
| Then ryde away!"
|
| "When Ravenel drives four-in-hand,
|       When ladies gay,
| And patch and powder held their sway."

And then she stopped.
"""


def read(path: Path, text: str) -> str:
    """The XHTML of the first section of a .txt or .md file holding `text`."""
    path.write_text(text, encoding="utf-8")
    context = ReadContext(path.parent, Diagnostics(), ImageRegistry(path.parent))
    reader = read_plaintext if path.suffix == ".txt" else read_markdown
    html = reader(path, path.name, context).render(1)[0].html
    xhtml.check_well_formed(html)
    return html


def verse_lines(html: str) -> list[tuple[str, str]]:
    """(classes, text) of each verse line, in order."""
    root = xhtml.fragment_root(html)
    return [(span.get("class") or "", "".join(span.itertext()))
            for span in root.iter(f"{X}span") if "verse-line" in (span.get("class") or "")]


def test_indent_levels_count_from_the_least_indented_line() -> None:
    assert indent_levels(["    a", "      b", "          c", "    d"]) == [0, 1, 3, 0]
    assert indent_levels(["\ta", "\t\tb"]) == [0, 1]  # a tab is one level
    assert indent_levels(["  a", "   b"]) == [0, 1]  # an odd space rounds up
    assert indent_levels(["a", " " * 60 + "b"]) == [0, MAX_INDENT]
    assert indent_levels(["a", "  b"], base=0) == [0, 1]


def test_indented_txt_lines_become_one_verse_block_of_stanzas(tmp_path: Path) -> None:
    html = read(tmp_path / "song.txt", SONG_TXT)
    root = xhtml.fragment_root(html)
    verses = list(root.iterdescendants(f"{X}div"))
    assert len(verses) == 1 and verses[0].get("class") == "verse"
    stanzas = list(verses[0])
    assert [s.get("class") for s in stanzas] == ["stanza", "stanza"]
    assert [len(list(s.iter(f"{X}span"))) for s in stanzas] == [5, 3]
    assert verse_lines(html) == [
        ("verse-line", "\u201cThe Ravenels ryde forth,"),
        ("verse-line", "Hyde alle ye ladyes gay;"),
        ("verse-line verse-indent-1", "They take a heart,"),
        ("verse-line verse-indent-1", "They break a heart,"),
        ("verse-line", "Then ryde away!\u201d"),
        ("verse-line", "\u201cWhen Ravenel drives four-in-hand,"),
        ("verse-line verse-indent-3", "When ladies gay,"),
        ("verse-line", "And patch and powder held their sway.\u201d"),
    ]
    # a <br/> between lines (not after the last), for readers without the stylesheet
    assert [len(list(s.iter(f"{X}br"))) for s in stanzas] == [4, 2]
    # the prose around it stays paragraphs, outside the verse
    assert [etree.QName(el).localname for el in root] == ["p", "div", "p"]


def test_markup_open_across_lines_is_closed_and_reopened_on_each(tmp_path: Path) -> None:
    text = "    _To_ =Friend=\n\n    _Dear Friend! In_ =Katrine's= _fancied_ \"Land\"\n" \
           "      _You long have held--\n    your place._\n"
    html = read(tmp_path / "dedication.txt", text)
    lines = [span for span in xhtml.fragment_root(html).iter(f"{X}span")]
    assert [len(list(span.iter(f"{X}em"))) for span in lines] == [2, 1, 1]
    assert "".join(lines[1].itertext()) == "You long have held\u2014"
    assert lines[0].find(f"{X}strong").text == "Katrine\u2019s"
    assert "<p>" in html  # a single indented line is an ordinary paragraph


def test_markdown_line_blocks_give_the_same_html_as_the_txt_verse(tmp_path: Path) -> None:
    txt = read(tmp_path / "song.txt", SONG_TXT)
    md = read(tmp_path / "song.md", SONG_MD)
    assert md == txt
    assert "|" not in md


def test_markdown_verse_keeps_notes_emphasis_and_leaves_tables_alone(tmp_path: Path) -> None:
    text = ("| A *long\n|   line*,[^1]\n| the end.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
            "    | code stays code\n\n[^1]: The note.\n")
    html = read(tmp_path / "poem.md", text)
    assert verse_lines(html) == [("verse-line", "A long"), ("verse-line verse-indent-1", "line,1"),
                                 ("verse-line", "the end.")]
    assert html.count("<em>") == 2 and 'href="#fn-1"' in html and 'id="fn-1"' in html
    assert "<table>" in html and "<td>1</td>" in html
    assert "<code>| code stays code" in html


def test_markdown_verse_words_and_lines_reach_the_checks(tmp_path: Path) -> None:
    words = markdown_words(SONG_MD)
    assert words[:6] == ["she", "sang", "it", "over", "the", "ravenels"]
    assert "patch" in words and "|" not in words
    found = list(markdown_paragraphs(SONG_MD))
    assert (3, "\u201cThe Ravenels ryde forth, Hyde alle ye ladyes gay; They take a heart, "
            "They break a heart, Then ryde away!\u201d", "") in found


def test_adjacent_verse_blocks_join_but_not_across_prose() -> None:
    one = '<div class="verse">\n<p class="stanza">a</p>\n</div>\n'
    assert join_stanzas(one + one).count('<div class="verse">') == 1
    assert join_stanzas(one + "<p>b</p>\n" + one).count('<div class="verse">') == 2


LETTER_TXT = """The letter read:

    DEAR FRIEND,--The weather has turned and the garden is a ruin of
    leaves. I walk to the village every morning and back by the mill,
    and think of you on the bridge.

    Write to me when the boat comes in, and tell me the news of the
    harbour.

    "Oh, the long and the weary road that ever I have walked upon,
    And the far hills before me and the sea behind me gone."

She folded it away.
"""


def test_an_indented_letter_is_a_block_quotation_not_verse(tmp_path: Path) -> None:
    """Wrapped prose, indented (a letter): its lines joined into paragraphs of one block
    quotation. Long lines that each end in punctuation before a capital stay verse."""
    html = read(tmp_path / "letter.txt", LETTER_TXT)
    root = xhtml.fragment_root(html)
    assert [etree.QName(el).localname for el in root] == ["p", "blockquote", "div", "p"]
    letter = [" ".join("".join(p.itertext()).split()) for p in root[1]]
    assert len(letter) == 2
    assert letter[0].endswith("a ruin of leaves. I walk to the village every morning and back "
                              "by the mill, and think of you on the bridge.")
    assert len(verse_lines(html)) == 2  # the song's two long lines, each kept
