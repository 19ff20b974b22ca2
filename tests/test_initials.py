"""Drop caps that fit, in every theme: N lines tall, N lines indented, read from the laid-out PDF."""

from __future__ import annotations

import ctypes
import zipfile
from pathlib import Path

import pytest
from conftest import BASIC_TOML

from octavo.backends.initials import FontMetrics, initial, initial_css

BODY = " ".join(["The words of a long opening paragraph run on across the page so that it"
                 " fills many lines of the measure, and then a few more besides."] * 6)


def glyphs(pdf: Path, page: int) -> list[tuple[str, float, float, float, tuple[float, ...]]]:
    """Each character of a page: (text, origin x, baseline y, font size, ink box)."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    textpage = pdfium.PdfDocument(str(pdf))[page].get_textpage()
    found = []
    for index in range(textpage.count_chars()):
        x, y = ctypes.c_double(), ctypes.c_double()
        raw.FPDFText_GetCharOrigin(textpage, index, x, y)
        found.append((chr(raw.FPDFText_GetUnicode(textpage, index)), x.value, y.value,
                      raw.FPDFText_GetFontSize(textpage, index), textpage.get_charbox(index)))
    return found


def opening(pdf: Path, letter: str) -> tuple[tuple, list[tuple[float, float]], list[tuple]]:
    """The initial `letter`, its page's body lines (baseline, left) and that page's characters."""
    import pypdfium2 as pdfium

    for number in range(len(pdfium.PdfDocument(str(pdf)))):
        chars = glyphs(pdf, number)
        big = [c for c in chars if c[0] == letter and c[3] > 40]
        if big:
            body = [c for c in chars if c[0].strip() and c[3] < big[0][3] / 3
                    and c[2] < big[0][4][3] + 4 and c[0] not in "“‘"]  # a quote before it
            lines: dict[float, float] = {}
            for char in body:
                key = round(char[2], 1)
                lines[key] = min(lines.get(key, 1e9), char[1])
            if len(lines) >= 4:  # not a title page's large letter
                return big[0], sorted(lines.items(), reverse=True), chars
    raise AssertionError(f"no initial {letter!r} in {pdf}")


def build(make_book, octavo, theme: str, text: str, extra: str = "") -> tuple[Path, Path]:
    """A one-chapter book in `theme`; its PDF and EPUB."""
    toml = BASIC_TOML.replace('formats = ["epub"]', f'formats = ["epub", "pdf"]\ntheme = "{theme}"')
    root = make_book({"book.toml": toml + '\n[print]\ndrop_caps = true\n' + extra,
                      "manuscript/01-one.md": text})
    result = octavo("build", root)
    assert result.code == 0, result.err
    return next((root / "dist").glob("*.pdf")), next((root / "dist").glob("*.epub"))


@pytest.mark.parametrize("theme", ["classic", "modern", "nonfiction"])
def test_the_initial_is_three_lines_deep_and_three_lines_indented(make_book, octavo, theme):
    pdf, _ = build(make_book, octavo, theme, f"# One\n\n{BODY}\n")
    assert_fits(*opening(pdf, "T")[:2])


def assert_fits(cap: tuple, lines: list[tuple[float, float]]) -> None:
    """The initial's foot on the third baseline, its top at line 1's cap height, three lines
    indented and the fourth not."""
    baselines = [y for y, _ in lines]
    left = min(x for _, x in lines)
    assert abs(cap[2] - baselines[2]) < 0.3, (cap[2], baselines[:4])
    cap_height = (baselines[0] - baselines[1]) / 2  # about a leading's half: 0.65 em of ~1.4
    assert abs(cap[4][3] - (baselines[0] + cap_height)) < 0.3 * cap_height, (cap[4], baselines)
    assert all(x > left + 10 for _, x in lines[:3]), lines[:4]
    assert abs(lines[3][1] - left) < 0.5, lines[:4]


def test_an_opening_quote_is_set_small_before_the_initial(make_book, octavo):
    pdf, _ = build(make_book, octavo, "classic", f"# One\n\n“{BODY}”\n")
    cap, lines, chars = opening(pdf, "T")
    quote = next(c for c in chars if c[0] == "“")
    assert quote[3] < cap[3] / 3  # the text's size, not the initial's
    assert quote[1] < cap[1]  # before the letter
    assert abs(quote[4][3] - cap[4][3]) < 2.5  # level with the initial's top
    assert_fits(cap, lines)


def test_a_chapter_opening_with_a_subheading_gets_its_initial(make_book, octavo):
    pdf, epub = build(make_book, octavo, "classic", f"# One\n\n## I\n\n{BODY}\n")
    assert_fits(*opening(pdf, "T")[:2])
    with zipfile.ZipFile(epub) as z:
        css = z.read("EPUB/style.css").decode()
    assert ".drop-caps h1.chapter-title + h2 + p::first-letter," in css
    assert "float: left; font-size: 5.2658em; line-height: 0.7862;" in css  # 3 lines of 1.38


def test_the_numbers_follow_the_leading_and_the_font():
    metrics = FontMetrics(ascent=0.9, descent=0.25, cap_height=0.65)
    item = initial(metrics, 1.4, lines=3)
    # Cap height of the initial = two leadings + the text's cap height.
    assert item.size * 0.65 == pytest.approx(2 * 1.4 + 0.65)
    assert item.line_height * item.size == pytest.approx(3 * 1.4)
    css = initial_css(initial(metrics, 1.4, lines=2))
    assert "float: left" in css and f"{2 * 1.4 / ((1.4 + 0.65) / 0.65):.4f}" in css


def test_a_woff_font_gives_the_metrics_of_its_opentype_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from fontTools.ttLib import TTFont

    from octavo.backends.initials import font_metrics

    source = Path(__file__).resolve().parents[1] / "styles" / "classic" / "fonts" / \
        "LinuxLibertine-Regular.otf"
    font = TTFont(str(source))
    font.flavor = "woff"
    font.save(str(tmp_path / "Libertine.woff"))
    assert font_metrics(tmp_path / "Libertine.woff") == font_metrics(source)
