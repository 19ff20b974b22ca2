"""Issue 16's thresholds on the corpus novels, in every built-in theme, read from the built PDF."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import CORPUS

from octavo.checks.typeset import Typesetting, manuscript_words, measure, read_lines
from octavo.config import load_config
from octavo.diagnostics import Diagnostics

pytestmark = pytest.mark.slow  # each case builds a novel's PDF

NOVELS = {"jack-sheppard.txt": "Jack Sheppard", "katrine.txt": "Katrine"}
THEMES = ("classic", "modern", "nonfiction")
_built: dict[tuple[str, str], Typesetting] = {}


def figures(name: str, theme: str, folder: Path, octavo) -> Typesetting:  # type: ignore[no-untyped-def]
    """Build the novel `name` in `theme` (once per session) and measure its PDF."""
    if (name, theme) not in _built:
        root = folder / f"{Path(name).stem}-{theme}"
        (root / "manuscript").mkdir(parents=True)
        shutil.copy(CORPUS / name, root / "manuscript" / name)
        (root / "book.toml").write_text(f'[book]\ntitle = "{NOVELS[name]}"\nauthors = ["A. N. '
                                        f'Author"]\nlanguage = "en"\n\n[build]\ntheme = "{theme}"'
                                        '\nformats = ["pdf"]\n', encoding="utf-8")
        result = octavo("build", root)
        assert result.code == 0, result.err
        pdf = next(p for p in (root / "dist").glob("*.pdf") if not p.name.endswith("cover.pdf"))
        words = manuscript_words((CORPUS / name).read_bytes().decode("latin-1"))
        settings = load_config(root, Diagnostics()).settings["pdf"]  # the live area's margins
        _built[name, theme] = measure(read_lines(pdf, settings.top, settings.bottom), words)
    return _built[name, theme]


@pytest.mark.skipif(not CORPUS.exists(), reason="needs ../shared/corpus")
@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("name", sorted(NOVELS))
def test_a_novel_is_hyphenated_under_control(name: str, theme: str, tmp_path_factory,  # type: ignore[no-untyped-def]
                                             octavo) -> None:
    result = figures(name, theme, tmp_path_factory.mktemp("typeset"), octavo)
    assert result.body_lines > 3000
    assert result.hyphenated_share < 0.06, f"{result.hyphenated} of {result.body_lines}"
    assert result.longest_run <= 2 and result.runs_of_three == 0
    # The foot of a right-hand page is kept whole for the line that is last by the page's depth
    # (hyphenation.py), and the make-up avoids a right-hand page ending hyphenated (13 to 20
    # before either, 0 since a chapter's first page may run long or short too).
    assert result.foot_hyphens <= 1


@pytest.mark.skipif(not CORPUS.exists(), reason="needs ../shared/corpus")
@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("name", sorted(NOVELS))
def test_a_novel_has_a_trade_measure_and_made_up_pages(name: str, theme: str,  # type: ignore[no-untyped-def]
                                                       tmp_path_factory, octavo) -> None:
    result = figures(name, theme, tmp_path_factory.mktemp("typeset"), octavo)
    assert 60 <= result.mean_chars <= 70
    # makeup.py runs pages a line long or short and allows an orphan; respacing.py tracks a
    # paragraph to gain or lose the line no page change could; levelling.py evens out what is
    # left between a page's blocks. Before them: 73 (classic), 92 (modern) and 154
    # (nonfiction) facing pages of unequal depth, and up to 5 chapters ending on a page of one
    # to three lines.
    assert result.short_last_pages == []
    assert result.depth_mismatches == []
    # Every chapter's text starts on the line grid, on one line under a title of one or two
    # lines (a longer title moves it down whole lines).
    assert result.openings > 20 and result.openings_off_grid == []
    assert result.opening_starts <= 2
