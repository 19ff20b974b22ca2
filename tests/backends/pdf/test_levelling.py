"""Levelling: facing pages a fraction of a line apart end level, the difference spread over the
spaces between the shorter page's blocks, never between a paragraph's lines."""

from __future__ import annotations

from typing import Any

import pytest
from test_makeup import chapter
from weasyprint import CSS, HTML

from octavo.backends.pdf import levelling, makeup

LEADING = 20  # CSS px
# Spaced paragraphs, half a line apart: pages end on a half-line grid.
CSS_TEXT = f"""
@page {{ size: 360px 260px; margin: 20px; }}
body {{ margin: 0; font: 14px/{LEADING}px serif; orphans: 2; widows: 2; text-align: justify; }}
p {{ margin: 0 0 {LEADING / 2}px; }}
section {{ break-before: right; }}
"""
BOOK = "<html><body>" + "".join(chapter(seed, 50) for seed in range(3)) + "</body></html>"


def laid(monkeypatch: pytest.MonkeyPatch, levelled: bool) -> list[list[Any]]:
    """Each page's line boxes, laid out with or without levelling."""
    from weasyprint.formatting_structure.boxes import LineBox

    makeup.hook_make_up()
    if not levelled:
        monkeypatch.setattr(levelling, "level", lambda runs: 0)
    document = HTML(string=BOOK).render(stylesheets=[CSS(string=CSS_TEXT)])
    monkeypatch.undo()
    return [[box for box in page._page_box.descendants() if isinstance(box, LineBox)]
            for page in document.pages]


def uneven(pages: list[list[Any]]) -> list[int]:
    """The left-hand pages, inside a chapter, whose last baseline is not its facing page's."""
    found = []
    for left in range(1, len(pages) - 2, 2):
        pair = (left, left + 1)
        if not all(pages[i] for i in (*pair, left + 2)) or pages[left + 2][0].position_y > 60:
            continue  # a chapter's last spread (the next page opens a chapter)
        if pages[left - 1] and pages[left - 1][0].position_y > 60 and left - 1 == 0:
            continue
        depth = [pages[i][-1].position_y + pages[i][-1].baseline for i in pair]
        if abs(depth[0] - depth[1]) > 1:
            found.append(left)
    return found


def test_spaced_paragraphs_end_level_on_facing_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    before = uneven(laid(monkeypatch, levelled=False))
    after = uneven(laid(monkeypatch, levelled=True))
    assert len(before) >= 2  # half-line spaces leave facing pages half a line apart
    assert len(after) < len(before) / 2


def test_levelling_widens_spaces_between_paragraphs_only(
        monkeypatch: pytest.MonkeyPatch) -> None:
    pages = laid(monkeypatch, levelled=True)
    pitches = set()
    for lines in pages:
        for before, after in zip(lines, lines[1:], strict=False):
            step = after.position_y - before.position_y
            if before.element is after.element:  # two lines of one paragraph
                pitches.add(round(step, 2))
            else:
                assert LEADING * 1.5 - 0.01 <= step <= LEADING * 1.5 * 3 + 0.01
    assert pitches == {LEADING}
    # Nothing runs past the page area's foot (a made-up page by at most a line).
    assert all(lines[-1].position_y + lines[-1].height <= 260 - 20 + LEADING + 0.01
               for lines in pages if lines)


def test_a_lists_markers_move_with_their_items(monkeypatch: pytest.MonkeyPatch) -> None:
    """Levelling moves a list item's lines down; its marker (positioned outside) goes along."""
    from weasyprint.formatting_structure.boxes import LineBox

    items = "<ul>" + "<li>the carrier turned his horse toward home</li>" * 3 + "</ul>"
    body = "".join(chapter(seed, 50).replace("</p><p>", "</p>" + items + "<p>", 3)
                   for seed in range(3))
    makeup.hook_make_up()
    moved: list[int] = []
    original = levelling.level
    monkeypatch.setattr(levelling, "level", lambda runs: moved.append(original(runs)) or 0)
    document = HTML(string=f"<html><body>{body}</body></html>").render(
        stylesheets=[CSS(string=CSS_TEXT + "ul { margin: 0 0 10px; }")])
    assert moved and moved[0] >= 2
    checked = 0
    for page in document.pages:
        for box in page._page_box.descendants():
            markers = [child for child in getattr(box, "children", ())
                       if getattr(child, "element_tag", "") == "li::marker"]
            text = [line for child in box.children if child not in markers
                    for line in child.descendants() if isinstance(line, LineBox)]
            if not markers or not text:
                continue
            mark = next(line for line in markers[0].descendants() if isinstance(line, LineBox))
            assert abs(mark.position_y - text[0].position_y) < 0.5
            checked += 1
    assert checked >= 9
