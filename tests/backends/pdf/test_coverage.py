"""The print fonts' code points, read from their cmaps once and kept by their contents."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from octavo.backends.pdf import coverage
from octavo.backends.pdf.coverage import covered_characters, font_characters

FONTS = Path(__file__).resolve().parents[3] / "styles" / "classic" / "fonts"


def test_the_fonts_code_points_are_kept_and_read_again_only_when_a_font_changes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fonts = [shutil.copy(FONTS / name, tmp_path / name)
             for name in ("LinuxLibertine-Regular.otf", "LinuxLibertine-Italic.otf")]
    cache = tmp_path / "cache"
    first = covered_characters(fonts, cache)
    assert first == font_characters(fonts) and ord("é") in first
    read: list[list[Path]] = []
    monkeypatch.setattr(coverage, "font_characters",
                        lambda given: read.append(list(given)) or {ord("x")})
    assert covered_characters(fonts, cache) == first and read == []  # kept
    fonts[1].write_bytes(fonts[1].read_bytes() + b"\0")  # another font: its cmap read anew
    assert covered_characters(fonts, cache) == {ord("x")} and read == [fonts]
    assert covered_characters(fonts, None) == {ord("x")}  # no cache: always read
