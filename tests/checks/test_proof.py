"""`octavo proof`: a contact sheet with the opening spread of every chapter."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from conftest import BASIC_TOML, Result
from PIL import Image


def test_proof_sheets_show_every_opening(make_book: Callable[..., Path],
                                         octavo: Callable[..., Result]) -> None:
    chapters = {f"manuscript/{n:02d}-c.md": f"# Chapter Number {n}\n\nText of {n}.\n"
                for n in range(1, 15)}
    root = make_book({"book.toml": BASIC_TOML, **chapters})
    result = octavo("proof", root)
    assert result.code == 0, result.err
    sheets = sorted((root / "dist" / "proof").glob("*.png"))
    assert [s.name for s in sheets] == ["openings-01.png", "openings-02.png"]  # 12 per sheet
    assert f"wrote {sheets[0]}" in result.out or "wrote dist/proof/openings-01.png" in result.out
    first = Image.open(sheets[0])
    # three spreads of two 6 × 9 in pages at 54 dpi across, four rows down
    assert first.size == (3 * (2 * 324 + 24) + 24, 4 * (486 + 28 + 24) + 24)
    second = Image.open(sheets[1])
    assert second.size[1] == 486 + 28 + 24 + 24  # the last two openings: one row
    # a page is white with dark text: the sheet is not blank
    assert first.convert("L").getextrema() == (0, 255) or first.convert("L").getextrema()[0] < 80
