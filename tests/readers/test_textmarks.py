"""Gutenberg's marks in plain text: illustration notes, italics inside words, two-em dashes."""

from __future__ import annotations

import pytest

from octavo.readers.plaintext import plain_inline, render_inline, render_verse
from octavo.readers.textmarks import illustration_caption
from octavo.readers.textstructure import Block


@pytest.mark.parametrize(("text", "html"), [
    ("surely sure_ly_?", "surely sure<em>ly</em>?"),
    ("or other_wise_ damaged", "or other<em>wise</em> damaged"),
    ("_sure_ly not", "<em>sure</em>ly not"),
    ("_To_ the end", "<em>To</em> the end"),  # ordinary italics as before
])
def test_italics_inside_a_word(text: str, html: str) -> None:
    assert render_inline(text) == html


def test_italics_inside_a_word_in_verse() -> None:
    html = render_verse(Block(["  sure_ly_ a \ue000 line", "    other_wise_ not"], 1))
    assert "sure<em>ly</em> a \ue000 line" in html and "other<em>wise</em> not" in html


@pytest.mark.parametrize("text", [
    "set snake_case here", "a snake_case_name too", "file_v2_ and x_1_", "a_b_c", "mid_dle",
])
def test_underscores_in_identifiers_stay_as_written(text: str) -> None:
    assert render_inline(text) == text
    assert plain_inline(text) == text


def test_headings_and_the_lint_see_the_word_without_marks() -> None:
    assert plain_inline("sure_ly_ not") == "surely not"


PRIVATE = "\ue001 \ue000\ue001\ue002\ue003\ue004\ue005 \ue002\ue003"


@pytest.mark.parametrize(("text", "html"), [
    ("Text with private \ue000. Word.", "Text with private \ue000. Word."),
    (PRIVATE, PRIVATE),
    ("sure_ly_ \ue000 and _\ue001_", "sure<em>ly</em> \ue000 and <em>\ue001</em>"),
])
def test_private_use_characters_of_the_text_stay_themselves(text: str, html: str) -> None:
    """The marks for italics inside a word are private-use characters: the same characters
    in the text (MUFI's medieval letters, a font's own signs) are not taken for them."""
    assert render_inline(text) == html
    assert plain_inline(text) == html.replace("<em>", "").replace("</em>", "")


def test_four_hyphens_are_a_two_em_dash_set_as_two_em_dashes() -> None:
    html = render_inline('"Dear sister----" and of--of----"')
    assert html == ("\u201cDear sister<span class=\"two-em-dash\">\u2014\u2014</span>\u201d and "
                    "of\u2014of<span class=\"two-em-dash\">\u2014\u2014</span>\u201d")
    assert "\u2014-" not in html
    assert plain_inline("be----!") == "be\u2e3a!"  # the character itself, for the lint
    assert "three-em-dash" in render_inline("Mr. ------ of B.")


@pytest.mark.parametrize(("lines", "caption"), [
    (["[Illustration]"], ""),
    (['[Illustration: "I HAVE WAITED ALL', 'THESE YEARS"]'], '"I HAVE WAITED ALL THESE YEARS"'),
    (["[illustration:  Jack  (signature)]"], "Jack (signature)"),
    (["An [Illustration] inside a sentence."], None),
    (["[Illustration: one] and more"], None),
])
def test_illustration_notes_are_found(lines: list[str], caption: str | None) -> None:
    assert illustration_caption(Block(lines, 1)) == caption
