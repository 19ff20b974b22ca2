"""Page make-up: spreads run a line long or short so facing pages end level and a chapter's
last page holds at least four lines; the model of WeasyPrint's page filling checked against it."""

from __future__ import annotations

from typing import Any

import pytest
from weasyprint import CSS, HTML

from octavo.backends.pdf import makeup

LEADING = 20  # CSS px
CSS_TEXT = f"""
@page {{ size: 360px 240px; margin: 20px; }}
body {{ margin: 0; font: 14px/{LEADING}px serif; orphans: 2; widows: 2; text-align: justify; }}
p {{ margin: 0; text-indent: 1em; }}
section {{ break-before: right; }}
"""


def chapter(seed: int, paragraphs: int) -> str:
    """A chapter of paragraphs of 4 to 48 words, the same for the same seed."""
    words = ("the", "wind", "rose", "over", "the", "moor", "and", "the", "carrier", "turned",
             "his", "horse", "toward", "home")
    out = []
    for index in range(paragraphs):
        length = 4 + (seed * 7 + index * 13) % 45
        out.append("<p>" + " ".join(words[(seed + index + n) % len(words)]
                                    for n in range(length)) + "</p>")
    return "<section>" + "".join(out) + "</section>"


def pages(html: str, made_up: bool, monkeypatch: pytest.MonkeyPatch) -> list[list[Any]]:
    """Each page's line boxes (page order), laid out with or without the make-up."""
    from weasyprint.formatting_structure.boxes import LineBox

    makeup.hook_make_up()
    if not made_up:
        monkeypatch.setattr(makeup, "make_up", lambda runs: ({}, {}))
    document = HTML(string=html).render(stylesheets=[CSS(string=CSS_TEXT)])
    monkeypatch.undo()
    return [[box for box in page._page_box.descendants() if isinstance(box, LineBox)]
            for page in document.pages]


def mismatches(laid: list[list[Any]]) -> int:
    """Spreads (a left page, then a right one) inside a chapter whose last lines end apart;
    a chapter's last page (before an empty or opening page) is free to end short."""
    count = 0
    for left in range(1, len(laid) - 2, 2):
        right = left + 1
        if not laid[left] or not laid[right] or not laid[right + 1]:
            continue
        if laid[right + 1][0].position_y > 60:  # the next page opens a chapter: sunk heading
            continue
        depth = [laid[i][-1].position_y + laid[i][-1].height for i in (left, right)]
        count += abs(depth[0] - depth[1]) > 1
    return count


BOOK = "<html><body>" + "".join(chapter(seed, 40) for seed in range(4)) + "</body></html>"


def test_facing_pages_end_level_after_make_up(monkeypatch: pytest.MonkeyPatch) -> None:
    before = mismatches(pages(BOOK, False, monkeypatch))
    after = mismatches(pages(BOOK, True, monkeypatch))
    assert before >= 3  # the widows rule leaves pages a line short beside full ones
    assert after < before / 2


def test_a_made_up_page_is_one_line_long_or_short_and_keeps_its_size(
        monkeypatch: pytest.MonkeyPatch) -> None:
    makeup.hook_make_up()
    document = HTML(string=BOOK).render(stylesheets=[CSS(string=CSS_TEXT)])
    full = 240 - 40
    depths = set()
    for page in document.pages:
        assert (page.width, page.height) == (360, 240)
        lines = [box for box in page._page_box.descendants()
                 if type(box).__name__ == "LineBox"]
        if lines:
            depths.add(lines[-1].position_y + lines[-1].height - 20)
    # A page's text ends on the grid: at most one line below the page area's foot.
    assert max(depths) <= full + LEADING + 0.01
    assert any(depth > full + 0.01 for depth in depths)  # some spread was run long


def test_the_model_follows_weasyprint_page_filling(monkeypatch: pytest.MonkeyPatch) -> None:
    """The model paginates each run exactly as WeasyPrint did, at the set page height."""
    calls: list[list[tuple[list[int], list[int]]]] = []
    original = makeup.make_up

    def record(runs: list[makeup.Run]) -> tuple[dict[tuple[int, int], float], dict[int, list[Any]]]:
        calls.append([(makeup.Model(run).paginate(run.changes), run.starts) for run in runs
                      if run.regular and len(run.starts) > 2])
        return original(runs)

    monkeypatch.setattr(makeup, "make_up", record)
    makeup.hook_make_up()
    HTML(string=BOOK).render(stylesheets=[CSS(string=CSS_TEXT)])
    first = calls[0]  # the first pagination, as WeasyPrint set it
    assert len(first) == 4
    assert all(model == real for model, real in first)


def test_a_chapter_does_not_end_on_a_page_of_one_or_two_lines(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # Find a chapter length whose natural last page holds one or two lines.
    for paragraphs in range(20, 60):
        html = "<html><body>" + chapter(1, paragraphs) + "</body></html>"
        natural = pages(html, False, monkeypatch)
        if len(natural) > 2 and len(natural[-1]) < makeup.SHORT_LAST:
            break
    else:
        pytest.fail("no chapter length gives a short last page")
    made = pages(html, True, monkeypatch)
    assert len(made[-1]) >= makeup.SHORT_LAST
    assert sum(map(len, made)) == sum(map(len, natural))  # no line lost or added


def test_make_up_never_leaves_a_widow(monkeypatch: pytest.MonkeyPatch) -> None:
    """An orphan (a paragraph's first line alone at a foot) may be allowed; a widow (its last
    line alone at the top of a page) never is."""
    from weasyprint.formatting_structure.boxes import LineBox, ParentBox

    makeup.hook_make_up()
    document = HTML(string=BOOK).render(stylesheets=[CSS(string=CSS_TEXT)])

    def lines(box: Any) -> list[Any]:
        """The element of each line's paragraph, in order."""
        found = []
        for child in getattr(box, "children", ()):
            if isinstance(child, LineBox):
                found.append(box.element)
            elif isinstance(child, ParentBox):
                found += lines(child)
        return found

    per_page = [lines(page._page_box) for page in document.pages]
    for before, page in zip(per_page, per_page[1:], strict=False):
        if page and before and page[0] is before[-1]:  # a paragraph broken across pages
            on_this = sum(element is page[0] for element in page)
            assert on_this >= 2, "a widow: a paragraph's last line alone at a page's top"


def test_a_spaced_paragraph_opening_a_page_of_a_named_page_type_starts_at_its_top() -> None:
    """WeasyPrint counts every break on a named page as forced and keeps the space above a
    paragraph that opens a page there; the make-up's hook sets the break right."""
    from weasyprint.formatting_structure.boxes import LineBox

    makeup.hook_make_up()
    spaced = CSS_TEXT + "section { page: chapter; } p + p { margin-top: 10px; }"
    document = HTML(string=BOOK).render(stylesheets=[CSS(string=spaced)])
    tops = [next(box for box in page._page_box.descendants() if isinstance(box, LineBox))
            for page in document.pages if any(isinstance(box, LineBox)
                                              for box in page._page_box.descendants())]
    assert len(tops) > 8
    assert {round(line.position_y, 2) for line in tops} == {20.0}


def test_a_paragraph_let_leave_an_orphan_leaves_the_others_as_they_were(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """WeasyPrint shares one style between paragraphs styled alike: relaxing one relaxes it
    alone, on its own copy of the style."""
    real = makeup.make_up
    chosen: list[Any] = []

    def one_more(runs: list[Any]) -> tuple[Any, Any]:
        plan, orphans = real(runs)
        if not chosen:  # the first paragraph of the second page, let leave an orphan
            run = runs[0]
            chosen.append(run.items[run.starts[1]].chain[-1])
            orphans.setdefault(run.key, []).append(chosen[0])
        return plan, orphans

    makeup.hook_make_up()
    monkeypatch.setattr(makeup, "make_up", one_more)
    document = HTML(string=BOOK).render(stylesheets=[CSS(string=CSS_TEXT)])
    blocks = {id(box.element): box for page in document.pages
              for box in page._page_box.descendants() if box.element_tag == "p"}
    relaxed = {ident for ident, box in blocks.items() if box.style["orphans"] == 1}
    assert chosen and relaxed <= {id(chosen[0].element)}
    assert sum(box.style["orphans"] == 2 for box in blocks.values()) >= len(blocks) - 1 > 100


def test_relaxing_a_paragraph_gives_its_line_holding_block_a_style_of_its_own(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Two paragraphs styled alike share one style; a list item with text and a nested list
    holds its lines in an anonymous block. Each relaxed block gets orphans 1 alone, and setting
    it back restores the shared style."""
    from weasyprint.formatting_structure.boxes import LineBox

    from octavo.backends.pdf import pageruns

    roots: list[Any] = []
    real_init = makeup._Relaxed.__init__

    def spy(self: Any, root: Any) -> None:
        roots.append(root)
        real_init(self, root)

    monkeypatch.setattr(makeup._Relaxed, "__init__", spy)
    makeup.hook_make_up()
    html = ("<html><body><section><p>one two three</p><p>four five six</p><ul><li>item text"
            "<ul><li>inner</li></ul></li></ul></section></body></html>")
    document = HTML(string=html).render(stylesheets=[CSS(string=CSS_TEXT)])
    holders = {pageruns.box_key(box): box for page in document.pages
               for box in page._page_box.descendants()
               if any(isinstance(child, LineBox) for child in getattr(box, "children", ()))}
    first, second = (box for box in holders.values() if box.element_tag == "p")
    item = next(box for box in holders.values()
                if box.element_tag == "li" and "item" in box.element.text)
    tree = pageruns.element_boxes(roots[-1])

    def orphans(block: Any) -> set[int]:
        return {own.style["orphans"] for own in tree[id(block.element)]
                if pageruns.box_key(own) == pageruns.box_key(block)}

    assert first.style is second.style  # WeasyPrint shares it
    relaxed = makeup._Relaxed(roots[-1])
    relaxed.relax(first, 0)
    relaxed.relax(item, 0)
    assert (orphans(first), orphans(second), orphans(item)) == ({1}, {2}, {1})
    relaxed.keep(set())
    assert (orphans(first), orphans(second), orphans(item)) == ({2}, {2}, {2})


def test_a_chapter_ending_in_pages_of_table_is_made_up_without_error(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Pages holding only a table have no lines: the make-up's costs must pass them by (a
    hole above footnotes was once looked for on them, past the run's last line)."""
    rows = "".join(f"<tr><td>row {index}</td><td>value</td></tr>" for index in range(60))
    html = ("<html><body>" + chapter(1, 8).replace("</section>", f"<table>{rows}</table>"
                                                   "</section>") + "</body></html>")
    laid = pages(html, True, monkeypatch)
    assert len(laid) > 3
    assert any("row 59" in "".join(getattr(box, "text", "") or "" for line in page
                                   for box in line.descendants()) for page in laid)
