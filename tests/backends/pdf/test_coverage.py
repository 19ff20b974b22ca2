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


def test_a_family_no_font_face_gives_is_warned_of(make_book, octavo) -> None:  # type: ignore[no-untyped-def]
    """A typo in a font-family set the text in DejaVu Sans from the machine, embedded in the
    PDF without a word. Generic families, the theme's own, and later choices are no typo."""
    root = make_book({"manuscript/1.md": "# One\n\nText.\n",
                      "styles/classic/extra-print.css":
                      'p { font-family: "Octavo Txet", serif }\n/* font-family: Commented; */\n'
                      "h1 { font-family: 'Octavo Serif', Nowhere }\nem { font-family: serif }\n"})
    result = octavo("build", root, "--format", "pdf")
    assert result.code == 0, result.err
    assert [line for line in result.err.splitlines() if line.startswith("warning:")] == [
        "warning: styles/classic/print.css: font-family 'Octavo Txet' is not one of the theme's "
        "fonts (no @font-face gives it): the PDF would set it in a font of the machine"]
