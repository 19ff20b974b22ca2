"""Verse on the printed page, in every built-in theme: lines kept, indents, turnovers, space."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import BASIC_TOML, REPO

from octavo.themes import list_themes

THEMES = [t.name for t in list_themes(REPO)]

PROSE = ("The lilac-walk ran down to the river, and the old stone at its end had been cut, so "
         "the family said, by a rival who had lost a lady to a Ravenel and wished the world to "
         "know what sort of men they were; the words were worn but still easy to read.")
SONG = """    "The Ravenels ryde forth,
    Hyde alle ye ladyes gay;
      They take a heart,
          They break a heart,
    And then the longest line of all the song, which runs on past the measure of a page until it turns over."
"""
AFTER = ("After the song the story goes on in a new paragraph, set at the margin with no indent, "
         "and long enough to run on to a second line of its own.")
OPENING = ("It began, as such things do in that country, with a house, a name and a song; and "
           "since a drop cap may stand in the first lines of a chapter, this opening runs on "
           "past the foot of any initial a theme may set.")
# The chapter runs on well past its first page, so that the make-up has no reason to move the
# song (it would to give a chapter's last page four lines).
CLOSING = "\n\n".join(PROSE.replace("The lilac-walk", f"Walk {n}") for n in range(6))
TEXT = f"CHAPTER I.\n\n{OPENING}\n\n{PROSE}\n\n{SONG}\n{AFTER}\n\n{CLOSING}\n"


def pdf_lines(pdf: Path) -> list[tuple[float, float, str]]:
    """(left edge, baseline, text) of every line of text in the PDF, page after page (a page's
    baselines counted down from its top, plus 10,000 points a page)."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    lines: list[tuple[float, float, str]] = []
    try:
        for number, page in enumerate(document):
            height = page.get_size()[1]
            text = page.get_textpage()
            current: list[tuple[float, float, str]] = []
            for index in range(text.count_chars()):
                char = text.get_text_range(index, 1)
                left, bottom, right, _ = text.get_charbox(index, loose=True)
                if not char.strip() or right <= left:
                    continue
                y = number * 10_000 + height - bottom
                if current and abs(y - current[-1][1]) > 3:
                    lines.append(_joined(current))
                    current = []
                current.append((left, y, char))
            if current:
                lines.append(_joined(current))
    finally:
        document.close()
    return lines


def _joined(chars: list[tuple[float, float, str]]) -> tuple[float, float, str]:
    """One line from its characters: where it starts, its lowest baseline, its letters."""
    return min(c[0] for c in chars), max(c[1] for c in chars), "".join(c[2] for c in chars)


def find(lines: list[tuple[float, float, str]], start: str) -> int:
    """The index of the line whose letters (spaces left out) begin with `start`."""
    wanted = start.replace(" ", "")
    found = [i for i, line in enumerate(lines) if line[2].startswith(wanted)]
    assert len(found) == 1, (start, [line[2] for line in lines])
    return found[0]


@pytest.mark.parametrize("theme", THEMES)
def test_verse_keeps_lines_indents_turnovers_and_space(make_book, octavo, theme: str) -> None:  # type: ignore[no-untyped-def]
    root = make_book({"book.toml": BASIC_TOML, "manuscript/katrine.txt": TEXT})
    assert octavo("build", root, "--format", "pdf", "--theme", theme, "-q").code == 0
    lines = pdf_lines(root / "dist" / "a-test-book.pdf")
    prose = find(lines, "The lilac-walk")
    leading = lines[prose + 2][1] - lines[prose + 1][1]
    first, second, third, fourth, long = (find(lines, s) for s in (
        "\u201cThe Ravenels ryde forth,", "Hyde alle ye ladyes gay;", "They take a heart,",
        "They break a heart,", "And then the longest line"))
    assert (first, second, third, fourth, long) == tuple(range(first, first + 5))  # a line each
    margin = min(line[0] for line in lines[prose:first])
    turnover = long + 1
    assert lines[turnover][2].endswith("turnsover.\u201d")  # the long line turns over, once
    after = find(lines, "After the song")
    assert after == turnover + 1, " | ".join(line[2] for line in lines[turnover - 2:after + 1])

    start = lines[second][0]
    step = lines[third][0] - start  # one indent level
    assert 6 < step < 16, step
    assert abs(lines[first][0] - start) < 4  # an opening quote may hang a little
    assert lines[fourth][0] - start == pytest.approx(3 * step, abs=1.5)  # nested: level 3
    assert lines[long][0] == pytest.approx(start, abs=0.5)
    assert lines[turnover][0] - start == pytest.approx(2 * step, abs=1.5)  # a hanging turnover
    assert start - margin == pytest.approx(1.5 * step, abs=1.5)  # the block sits in from the margin

    # A blank line above and below the block, none inside it; no indent after it.
    assert lines[first][1] - lines[first - 1][1] == pytest.approx(2 * leading, abs=2)
    for above, below in zip(range(first, turnover), range(first + 1, turnover + 1), strict=True):
        assert lines[below][1] - lines[above][1] == pytest.approx(leading, abs=1)
    assert lines[after][1] - lines[turnover][1] == pytest.approx(2 * leading, abs=2)
    assert lines[after][0] == pytest.approx(margin, abs=0.5)
