"""The typesetting figures read from a print PDF: hyphenated lines, runs, the measure, make-up."""

from __future__ import annotations

from pathlib import Path

import pytest

from octavo.checks.typeset import (
    Line,
    Page,
    hyphen_added,
    manuscript_words,
    measure,
    read_lines,
)

BODY, HEADING = 14.0, 24.0
# Long words in a fixed order: a narrow measure has to divide many of them.
LONG_WORDS = ("extraordinary circumstances notwithstanding, the administration's "
              "incomprehensible determination overwhelmed philosophers, mathematicians and "
              "representatives; consequently, unquestionably responsible correspondents "
              "investigated characteristically uncomfortable accommodations. ")
TOML = """\
[book]
title = "Hyphens"
authors = ["Ada Writer"]
language = "en"

[build]
formats = ["pdf"]

[print]
trim = "5x8"
"""


def line(text: str, baseline: float, size: float = BODY, right: float = 300.0,
         space: float = 0.25) -> Line:
    return Line(text, size, baseline, 50.0, right, space)


def page(number: int, *lines: Line, blank: bool = False) -> Page:
    return Page(number, tuple(lines), blank)


def test_a_hyphen_the_layout_added_is_told_from_one_in_the_word() -> None:
    words = manuscript_words("He came home to-day, quite unexpectedly, to stay.")
    assert hyphen_added("quite unex\u2010", "pectedly, to stay.", words)
    assert not hyphen_added("He came home to-", "day, quite", words)  # the word's own hyphen
    assert not hyphen_added("He came home to\u2010", "day", {"to\u2010day"})  # the manuscript's
    assert hyphen_added("quite unex-", "pectedly", words)  # another tool's plain hyphen
    assert not hyphen_added("a line that ends in a word", "next", words)
    assert hyphen_added("no manuscript to ask: unex\u2010", "pectedly", None)


def test_runs_share_and_foot_of_a_right_hand_page_are_counted() -> None:
    texts = ["one com\u2010", "pany of sol\u2010", "diers in pro\u2010", "cession went",
             "past the win\u2010", "dows and the"]
    recto = page(1, *(line(t, 500 - 15 * i) for i, t in enumerate(texts)),
                 line("last line of the page ends in a di\u2010", 400))
    verso = page(2, line("vided word and goes on", 500), line("to its end.", 485, right=120))
    result = measure([recto, verso])
    assert (result.body_lines, result.hyphenated) == (9, 5)
    assert result.longest_run == 3 and result.runs_of_three == 1
    assert result.foot_hyphens == 1  # page 1 is a right-hand page; page 2's end is not counted
    assert result.hyphenated_share == pytest.approx(5 / 9)


def test_the_measure_counts_full_lines_of_body_type_only() -> None:
    pages = [page(1, line("Chapter One", 600, size=HEADING),
                  line("x" * 64, 500), line("y" * 66, 485, space=0.6),
                  line("Contents . . . . . . . . . 5", 470),  # a leader, not a line of text
                  line("short last line", 455, right=120))]
    result = measure(pages)
    assert result.body_size == BODY
    assert result.mean_chars == pytest.approx(65) and result.max_chars == 66
    assert result.loose_lines == 1


def test_short_last_pages_blanks_and_facing_depths() -> None:
    full = [line("text " * 12, 500 - 15 * i) for i in range(30)]
    opening = [line("Chapter", 560, size=HEADING), *full[5:]]
    pages = [
        page(1, *opening),
        page(2, *full), page(3, *full[:-1]),  # a spread one line short on the right
        page(4, *full), page(5, *full[:2]),  # the chapter ends with two lines
        page(6, blank=True),
        page(7, *opening),
        page(8, *full), page(9, *full),  # a spread that matches
        page(10, *full[:10]),
    ]
    result = measure(pages)
    assert result.short_last_pages == [5]
    assert result.blank_pages == 1
    assert result.depth_mismatches == [2]  # pp. 4–5 end a chapter: not a mismatch


def test_a_built_book_never_stacks_three_hyphens_and_hyphenates_only_when_asked(
        make_book, octavo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = "# One\n\n" + "\n\n".join(LONG_WORDS * 6 for _ in range(4)) + "\n"
    root = make_book({"book.toml": TOML, "manuscript/01.md": text})
    assert octavo("build", root).code == 0
    pdf = root / "dist" / "hyphens.pdf"
    pages = read_lines(pdf, 0.75, 0.75)
    assert not any(line.text.isdigit() for p in pages for line in p.lines)  # folios left out
    result = measure(pages, manuscript_words(text))
    assert result.hyphenated >= 10  # long words on a narrow page: many are divided
    assert result.longest_run <= 2 and result.runs_of_three == 0
    assert result.foot_hyphens == 0
    assert 45 <= result.mean_chars <= 80
    spaces = [line.space for p in pages for line in p.lines if line.size == result.body_size]
    assert 0.15 < sorted(spaces)[len(spaces) // 2] < 0.6  # a word space, a little stretched

    flat = make_book({"book.toml": TOML + "hyphenate = false\n", "manuscript/01.md": text},
                     name="flat")
    assert octavo("build", flat).code == 0
    assert measure(read_lines(flat / "dist" / "hyphens.pdf", 0.75, 0.75)).hyphenated == 0


def test_a_word_longer_than_the_line_is_divided_even_where_a_third_hyphen_is_refused(
        make_book, octavo) -> None:  # type: ignore[no-untyped-def]
    word = "pneumonoultramicroscopicsilicovolcanoconiosis" * 2  # longer than the measure
    text = "# One\n\nThe word " + " ".join([word] * 8) + " ends here.\n"
    root = make_book({"book.toml": TOML, "manuscript/01.md": text})
    assert octavo("build", root).code == 0
    pages = read_lines(root / "dist" / "hyphens.pdf", 0.75, 0.75)
    result = measure(pages)
    assert result.hyphenated >= 8 and result.longest_run >= 3  # no way around it here
    edge = (5.0 - 0.5) * 72 + 1  # 5x8 trim: no line runs past a right-hand page's margin
    assert all(line.right <= edge for p in pages if p.recto for line in p.lines)


def test_front_matter_pages_are_not_facing_text_pages() -> None:
    """A copyright page facing a frontispiece's caption is not a spread of text: not counted."""
    full = [line("text " * 12, 500 - 15 * i) for i in range(30)]
    opening = [line("Chapter", 560, size=HEADING), *full[5:]]
    small = [line("Copyright 1909", 200 - 12 * i, size=9.0) for i in range(3)]
    pages = [
        page(1, line("Title", 400, size=HEADING)),
        page(2, *small), page(3, line("Illustration", 300, size=11.0)),
        page(4, *full), page(5, *full[:-1]),  # a text spread one line short on the right
        page(6, *full),
        page(7, *opening), page(8, *full[:8]),
    ]
    assert measure(pages).depth_mismatches == [4]


def test_a_line_run_long_into_the_foot_margin_is_read_and_the_folio_is_not(
        tmp_path: Path) -> None:
    from weasyprint import HTML

    html = """<style>
      @page { size: 4in 4in; margin: 1in; @bottom-center { content: "12"; font-size: 9pt;
              vertical-align: bottom; padding-bottom: 0.875in; } }
      body { margin: 0; font: 12pt/16pt serif; } p { margin: 0; }
    </style><p>First line</p><p style="position: absolute; top: 146pt">Run long</p>"""
    pdf = tmp_path / "long.pdf"
    HTML(string=html).write_pdf(pdf)
    texts = [line.text for line in read_lines(pdf, 1.0, 1.0)[0].lines]
    assert texts == ["First line", "Run long"]


def test_openings_on_the_line_grid_and_on_one_line() -> None:
    full = [line("text " * 12, 500 - 15 * i) for i in range(30)]
    on_grid = [line("Chapter", 560, size=HEADING), *full[6:]]  # text starts 6 lines down
    off_grid = [line("Chapter", 560, size=HEADING), line("text " * 12, 500 - 15 * 7 - 4),
                *full[8:]]
    lower = [line("Chapter", 560, size=HEADING), line("Title, line two", 535, size=HEADING),
             *full[8:]]
    pages = [page(1, *on_grid), page(2, *full), page(3, *full), page(4, *full),
             page(5, *off_grid), page(6, *full), page(7, *lower), page(8, *full)]
    result = measure(pages)
    assert result.openings == 3
    assert result.openings_off_grid == [5]
    assert result.opening_starts == 3  # lines 6, 7 and 8
