"""Respacing: a spread the make-up cannot even by whole pages gets a paragraph tracked a hair
looser or tighter, so that it gains or loses the line; no other paragraph changes."""

from __future__ import annotations

from typing import Any

import pytest
from test_makeup import BOOK, CSS_TEXT, mismatches
from weasyprint import CSS, HTML

from octavo.backends.pdf import makeup, respacing

FONT_SIZE = 14  # CSS px, as test_makeup's body


def laid(monkeypatch: pytest.MonkeyPatch, tracked: bool) -> tuple[list[list[Any]], list[Any]]:
    """Each page's line boxes, and every text box, with whole-page make-up off (respacing
    alone evens spreads), with or without respacing."""
    from weasyprint.formatting_structure.boxes import LineBox, TextBox

    makeup.hook_make_up()
    monkeypatch.setattr(makeup, "make_up", lambda runs: ({}, {}))
    if not tracked:
        monkeypatch.setattr(respacing, "respace", lambda pages, *args: pages)
    document = HTML(string=BOOK).render(stylesheets=[CSS(string=CSS_TEXT)])
    monkeypatch.undo()
    boxes = [list(page._page_box.descendants()) for page in document.pages]
    return ([[box for box in page if isinstance(box, LineBox)] for page in boxes],
            [box for page in boxes for box in page if isinstance(box, TextBox)])


def test_tracking_evens_spreads_the_widows_rule_left_a_line_apart(
        monkeypatch: pytest.MonkeyPatch) -> None:
    before, _texts = laid(monkeypatch, tracked=False)
    after, texts = laid(monkeypatch, tracked=True)
    assert mismatches(before) >= 3
    assert mismatches(after) < mismatches(before)
    tracked = {id(box.element) for box in texts if box.style["letter_spacing"] != "normal"}
    paragraphs = {id(box.element) for box in texts}
    assert 1 <= len(tracked) <= mismatches(before)  # a paragraph a spread, no more
    assert len(paragraphs) > 100


def test_tracking_is_a_hair_and_keeps_to_its_paragraph(monkeypatch: pytest.MonkeyPatch) -> None:
    _pages, texts = laid(monkeypatch, tracked=True)
    amounts = {box.style["letter_spacing"] for box in texts} - {"normal"}
    assert amounts
    assert all(abs(amount) <= respacing.MAX_TRACKING * FONT_SIZE + 1e-9 for amount in amounts)
    # Each tracked paragraph is tracked throughout, and its lines lie on one page.
    by_paragraph: dict[int, set[Any]] = {}
    for box in texts:
        by_paragraph.setdefault(id(box.element), set()).add(box.style["letter_spacing"])
    assert all(len(values) == 1 for values in by_paragraph.values())
