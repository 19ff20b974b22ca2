"""Every word in order: how the words of the manuscript are found in a file's text."""

from __future__ import annotations

from octavo.checks.words import _first_missing
from octavo.text import letters


def _expected(text: str) -> list[tuple[str, str]]:
    return [("Chapter", word) for word in text.split()]


def test_right_to_left_words_are_found_as_a_pdf_lines_them_up() -> None:
    """A PDF gives a Hebrew or Arabic phrase as it stands on the line, its last word first:
    every such book failed `octavo check` with a word "missing or out of order"."""
    written = "He said שלום עולם 2024 and مرحبا بالعالم then left."
    printed = letters("He said 2024 עולם שלום and بالعالم مرحبا then left.")
    assert _first_missing(_expected(written), printed, 8000) is None


def test_words_out_of_order_are_still_found() -> None:
    assert _first_missing(_expected("one two three"), letters("one three two"), 8000) == (
        "in 'Chapter', word 'three' is missing or out of order, near “one two three”")
    lost = _first_missing(_expected("a שלום עולם b"), letters("a שלום b"), 8000)
    assert lost is not None and "'עולם'" in lost
