"""Balanced headings and part pages: no lone last word; capitals marked as written."""

from __future__ import annotations

from octavo.transforms.capitals import mark_capitals
from octavo.transforms.headings import keep_together, names_its_number


def test_a_title_never_ends_with_one_word_alone():
    assert keep_together("The Adventures of Sherlock Holmes") == \
        "The Adventures of Sherlock\u00a0Holmes"
    assert keep_together("Katrine") == "Katrine"
    assert keep_together("Two Words") == "Two Words"  # either line would hold one word


def test_long_last_words_may_still_break():
    title = "On Incomprehensibilities Uncharacteristically"
    assert keep_together(title) == title


def test_shouted_capitals_are_marked_and_kept_as_written():
    html = mark_capitals("<p>1703.</p><p>JONATHAN WILD.</p><p>A note, said I.</p>")
    assert html == ('<p>1703.</p><p><span class="caps">JONATHAN WILD</span>.</p>'
                    "<p>A note, said I.</p>")


def test_a_title_page_keeps_holmes_with_sherlock(make_book, octavo):
    from conftest import BASIC_TOML
    from pypdf import PdfReader

    toml = BASIC_TOML.replace('title = "A Test Book"',
                              'title = "The Adventures of Sherlock Holmes"')
    root = make_book({"book.toml": toml.replace('formats = ["epub"]', 'formats = ["pdf"]')
                      + '[print]\ntrim = "5x8"\n',
                      "manuscript/01-one.md": "# One\n\nText.\n"})
    assert octavo("build", root).code == 0
    title_page = PdfReader(next((root / "dist").glob("*.pdf"))).pages[2].extract_text()
    lines = [line.strip() for line in title_page.splitlines() if line.strip()]
    assert lines[0] != "The Adventures of Sherlock Holmes"  # too wide for one line at 5x8
    assert "Sherlock" in lines[1] and "Holmes" in lines[1], lines


def test_a_title_that_says_its_number_gets_no_chapter_label_above_it():
    for title in ("Chapter I: The Widow and her Child", "CHAPTER 12", "IV. The Garden",
                  "1. Start", "chapter xii"):
        assert names_its_number(title), title
    for title in ("In the Garden", "Ivy League", "12 Angry Men", "Mix. A Story",
                  "C. S. Lewis at Oxford", "Part of the Problem", "Chapters of a Life"):
        assert not names_its_number(title), title
