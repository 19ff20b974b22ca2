"""Footnotes: their last line on a full page's last baseline, and chapters with notes made up
(each note on its call's page, no hole above the notes, facing pages level)."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from conftest import BASIC_TOML
from test_makeup import chapter
from weasyprint import CSS, HTML

from octavo.backends.pdf import footnotes, levelling, makeup
from octavo.backends.pdf.pageruns import Run

LEADING = 20  # CSS px
# A page area of 10.5 lines: a full page's last line ends half a line above the area's foot.
CSS_TEXT = f"""
@page {{ size: 360px 250px; margin: 20px;
         @footnote {{ margin-top: 8px; padding-top: 4px; border-top: 1px solid black; }} }}
body {{ margin: 0; font: 14px/{LEADING}px serif; orphans: 2; widows: 2; text-align: justify; }}
p {{ margin: 0; text-indent: 1em; }}
section {{ break-before: right; }}
.fn {{ float: footnote; font: 10px/13px serif; text-indent: 0; }}
"""


def noted(seed: int, paragraphs: int, every: int) -> str:
    """A chapter with a two-line footnote called in every `every`th paragraph."""
    parts = chapter(seed, paragraphs).split("</p>")
    for index in range(every - 1, len(parts) - 1, every):
        parts[index] = parts[index].replace(
            " the ", f" the<span class=fn>A note on paragraph {index}, long enough to take two "
            "lines of the note's own type at the foot.</span> ", 1)
    return "</p>".join(parts)


BOOK = "<html><body>" + "".join(noted(seed, 40, 7) for seed in range(4)) + "</body></html>"


def render(monkeypatch: pytest.MonkeyPatch, made_up: bool = True,
           lifted: bool = True) -> tuple[Any, list[Run], list[Run]]:
    """The document, its runs as first paginated (before the make-up), and as finally set."""
    seen: dict[str, list[Run]] = {}
    original_make_up, original_level = makeup.make_up, levelling.level

    def first(runs: list[Run]) -> Any:
        seen.setdefault("first", runs)
        return original_make_up(runs) if made_up else ({}, {})

    def final(runs: list[Run]) -> int:
        seen["final"] = runs
        return original_level(runs)

    monkeypatch.setattr(makeup, "make_up", first)
    monkeypatch.setattr(levelling, "level", final)
    if not lifted:
        monkeypatch.setattr(footnotes, "lift", lambda runs: 0.0)
    makeup.hook_make_up()
    document = HTML(string=BOOK).render(stylesheets=[CSS(string=CSS_TEXT)])
    monkeypatch.undo()
    return document, seen["first"], seen["final"]


def baselines(document: Any) -> tuple[set[float], float]:
    """The last baselines of the pages with footnotes (their notes'), and the most common last
    baseline of the pages without them (a full page's)."""
    from weasyprint.formatting_structure.boxes import FootnoteAreaBox, LineBox

    notes, plain = set(), Counter()
    for page in document.pages:
        box = page._page_box
        areas = [child for child in box.children if isinstance(child, FootnoteAreaBox)]
        lines = [line for line in (areas[0] if areas else box).descendants()
                 if isinstance(line, LineBox)]
        if not lines:
            continue
        last = lines[-1].position_y + lines[-1].baseline
        if areas:
            notes.add(round(last, 1))
        else:
            plain[round(last, 1)] += 1
    return notes, plain.most_common(1)[0][0]


def test_a_pages_last_note_stands_on_a_full_pages_last_baseline(
        monkeypatch: pytest.MonkeyPatch) -> None:
    notes, full = baselines(render(monkeypatch)[0])
    assert notes
    # Every page with notes sets its last note on a full page's last baseline (one a line long
    # or short, made up, a line below or above it).
    assert all(min(abs(note - full - step) for step in (-LEADING, 0, LEADING)) <= 1
               for note in notes), (notes, full)
    # WeasyPrint alone sets them at the area's foot, off the text's grid.
    unlifted, full = baselines(render(monkeypatch, lifted=False)[0])
    assert all(min(abs(note - full - step) for step in (-LEADING, 0, LEADING)) > LEADING / 4
               for note in unlifted), (unlifted, full)


def test_the_model_follows_weasyprint_on_pages_with_notes(
        monkeypatch: pytest.MonkeyPatch) -> None:
    _document, runs, _final = render(monkeypatch)
    noted_runs = [run for run in runs if run.notes and not run.away]
    assert len(noted_runs) >= 2
    for run in noted_runs:
        assert run.regular
        assert makeup.Model(run).paginate(run.changes) == run.starts


def test_the_make_up_mends_chapters_with_notes(monkeypatch: pytest.MonkeyPatch) -> None:
    before = render(monkeypatch, made_up=False)[2]
    after = render(monkeypatch)[2]
    # Faults: facing pages apart, a hole above the notes, a note away from its call.
    assert makeup.cost(after) < makeup.cost(before) / 2
    assert sum(run.away for run in after) <= sum(run.away for run in before)


def test_a_model_page_with_notes_holds_less_and_a_note_that_does_not_fit_moves_on(
        monkeypatch: pytest.MonkeyPatch) -> None:
    _document, runs, _final = render(monkeypatch, made_up=False)
    run, called = next((run, index) for run in runs for index, item in enumerate(run.items)
                       if item.notes and index - max(
                           page for page in run.starts if page <= index) > 2)
    model = makeup.Model(run)
    start = max(page for page in run.starts if page <= called)
    height = model.height(0)
    end = model.fill(start, height)
    assert model.area(start, end) > model.notes[called]  # the rule and margins beside it
    # A page a little too short for the note: the line stays (it fits below the area's rule
    # and margins), the note moves on.
    tight = model.depth(start, called + 1) + model.chrome + 1
    assert model.moves_note(start, called + 1, tight)
    assert not model.moves_note(start, end, height)


def test_a_footnote_longer_than_a_page_is_set_in_the_text_and_named(make_book, octavo) -> None:  # type: ignore[no-untyped-def]
    """WeasyPrint cannot divide a note: one longer than a page was moved on from page to page
    and, past the last, lost (or ran up over a page's text). It is set in the text now."""
    from pypdf import PdfReader

    long_note = " ".join(f"word{index}" for index in range(900))
    root = make_book({"book.toml": BASIC_TOML.replace('"epub"', '"pdf"'),
                      "manuscript/01.md": "# One\n\nA short text with a long note.[^long] And a "
                                          "short one.[^short]\n\n"
                                          f"[^long]: Overlong {long_note}\n\n[^short]: Brief.\n"})
    result = octavo("build", root)
    assert result.code == 0, result.err
    assert ('a footnote is longer than a page holds: "Overlong word0 word1 word2 word3 word4 '
            'word5 word6…"; the PDF sets it in the text') in result.err
    assert "Brief" not in result.err
    text = " ".join(page.extract_text() for page in PdfReader(root / "dist" / "a-test-book.pdf").pages)
    assert "word0" in text and "word899" in text and "Brief." in text


def test_a_chunks_notes_set_in_the_text_survive_its_cache() -> None:
    from dataclasses import asdict

    from octavo.backends.pdf.parallel import _facts
    from octavo.backends.pdf.worker import ChunkResult

    result = ChunkResult(pages=3, offset=0, in_text=["Overlong words…"])
    assert _facts(asdict(result)).in_text == ["Overlong words…"]
    assert _facts({**asdict(result), "in_text": None}).in_text == []


def test_the_css_setting_notes_in_the_text_escapes_their_ids() -> None:
    css = footnotes.in_text_css(['a"b', "c\\d", "ch1-fn-2"])
    assert '[id="a\\"b"]' in css and '[id="c\\\\d"]' in css and '[id="ch1-fn-2"]' in css
    assert css.count("float: none") == 3  # a rule each: one bad id cannot drop the others


def test_the_note_list_answers_as_a_list_does() -> None:
    notes = [object() for _ in range(6)]
    plain, indexed = notes[:4], footnotes.NoteList(notes[:4])
    steps = [lambda kept: kept.append(notes[4]), lambda kept: kept.remove(notes[1]),
             lambda kept: kept.insert(0, notes[5]), lambda kept: kept.pop(),
             lambda kept: kept.remove(notes[5]), lambda kept: kept.extend(notes[:2]),
             lambda kept: kept.__setitem__(slice(0, 1), [notes[3]]),
             lambda kept: kept.__delitem__(slice(0, 2)), lambda kept: kept.clear()]
    for step in steps:
        step(plain)
        step(indexed)
        assert indexed == plain
        assert [note in indexed for note in [*notes, None]] == [note in plain for note in notes + [None]]
    assert isinstance(indexed.copy(), footnotes.NoteList)


def test_a_paragraphs_notes_cost_work_in_proportion_to_their_number(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """WeasyPrint asks, for every box of every line, whether its note is still to be placed,
    and takes a placed note off that list: each a scan of the notes left, so a paragraph of
    3,000 notes took a fifth of its layout's time in them. Counted in comparisons of boxes,
    twice the notes are twice the work (a scan: four times)."""
    from weasyprint.formatting_structure import boxes

    compared = [0]

    def counted(box: Any, other: Any) -> Any:
        compared[0] += 1
        return NotImplemented

    monkeypatch.setattr(boxes.Box, "__eq__", counted)
    makeup.hook_make_up()
    work = []
    for count in (100, 200):
        compared[0] = 0
        html = "<p>" + " ".join(f"word{index}<span class=fn>Note {index}.</span>"
                                for index in range(count)) + "</p>"
        HTML(string=html).render(stylesheets=[CSS(string=CSS_TEXT)])
        work.append(compared[0])
    assert 0 < work[1] < 2.5 * work[0], work
