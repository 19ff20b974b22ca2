"""Issue 16's make-up on the sample book, in every built-in theme: a chapter with footnotes and
one with a figure end their facing pages level."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import REPO, sample_book

from octavo.checks.typeset import manuscript_words, measure, read_lines
from octavo.config import load_config
from octavo.diagnostics import Diagnostics


@pytest.mark.parametrize("theme", ("classic", "modern", "nonfiction"))
def test_the_sample_book_ends_facing_pages_level(theme: str, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                 octavo) -> None:
    book = sample_book(tmp_path)
    result = octavo("build", book, "--format", "pdf", "--theme", theme)
    assert result.code == 0, result.err
    pdf = next(path for path in (book / "dist").glob("*.pdf")
               if not path.name.endswith("cover.pdf"))
    text = " ".join(path.read_text(encoding="utf-8")
                    for path in sorted((REPO / "manuscript").glob("*.md")))
    settings = load_config(book, Diagnostics()).settings["pdf"]
    measured = measure(read_lines(pdf, settings.top, settings.bottom), manuscript_words(text))
    # Before footnotes were made up (footnotes.py, makeup.py), p. 22 was a line uneven in
    # every theme: a figure page facing a page whose note sat below a three-line hole.
    assert measured.depth_mismatches == []
    assert measured.short_last_pages == []
