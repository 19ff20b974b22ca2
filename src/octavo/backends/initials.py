"""Drop caps that fit: an initial N lines tall, sized from the theme's body font and leading.

WeasyPrint has no `initial-letter`, so the initial is a float whose numbers are worked out
here from the body font's own metrics (read with fontTools), for the print and EPUB sheets:

- its cap height spans from the cap height of line 1 to the baseline of line N:
  F * cap = (N - 1) * L + s * cap, for type size s, leading L = s * lh, initial size F;
- its box is exactly N lines deep (line-height N * L), so exactly N lines are indented;
- it is moved down (a top margin, taken back at its foot) so that its baseline is the Nth
  line's baseline.
  A line of leading L puts its baseline (L + (ascent - descent) * size) / 2 below its top
  (half-leading, as WeasyPrint and browsers do), for the float's one line and the text's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from octavo.themes import Theme

DEFAULT_LINES = 3
_FONT_FACE = re.compile(r"@font-face\s*\{([^}]*)\}", re.I)
_DECLARATION = re.compile(r"([a-z-]+)\s*:\s*([^;]+)", re.I)
_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")


@dataclass(frozen=True)
class FontMetrics:
    """A font's vertical metrics as fractions of its size: ascent, descent (positive), cap height."""

    ascent: float = 0.917  # Georgia's, for a theme in the machine's own fonts
    descent: float = 0.219
    cap_height: float = 0.692


@dataclass(frozen=True)
class Initial:
    """A drop cap's numbers, in ems of the text (size) and of the initial (the rest)."""

    lines: int
    size: float  # the initial's font size in ems of the text
    line_height: float  # unitless, of the initial's size: N lines of the text exactly
    shift: float  # ems of the initial: moved down by this much
    quote_size: float  # ems of the initial: an opening quote at the text's size
    quote_rise: float  # ems of the quote (the text's size): raised from line N's baseline to 1's


def font_metrics(path: Path) -> FontMetrics:
    """Ascent and descent as HarfBuzz (so Pango) reads them, and the height of "H"."""
    import uharfbuzz as hb

    face = hb.Face(path.read_bytes())
    if not face.glyph_count:  # WOFF and WOFF2, which HarfBuzz does not unpack: fontTools does
        return _font_metrics_unpacked(path)
    font, units = hb.Font(face), face.upem or 1000
    extents = font.get_font_extents("ltr")  # OS/2 or hhea, as USE_TYPO_METRICS says
    glyph = font.get_nominal_glyph(ord("H"))
    cap = font.get_glyph_extents(glyph).y_bearing if glyph is not None else 0
    return FontMetrics(extents.ascender / units, -extents.descender / units,
                       (cap or 0.7 * units) / units)


def _font_metrics_unpacked(path: Path) -> FontMetrics:
    """The same numbers read with fontTools, which opens WOFF and WOFF2 too."""
    from fontTools.pens.boundsPen import BoundsPen
    from fontTools.ttLib import TTFont

    font = TTFont(str(path), lazy=True)
    units = font["head"].unitsPerEm
    os2 = font.get("OS/2", None)
    hhea = font["hhea"]
    if os2 is not None and (os2.fsSelection & 1 << 7 or not hhea.ascent):  # USE_TYPO_METRICS
        ascent, descent = os2.sTypoAscender, -os2.sTypoDescender
    else:
        ascent, descent = hhea.ascent, -hhea.descent
    cap = getattr(os2, "sCapHeight", 0) if os2 is not None else 0
    glyph = font.getBestCmap().get(ord("H"))
    if glyph is not None:
        pen = BoundsPen(font.getGlyphSet())
        font.getGlyphSet()[glyph].draw(pen)
        if pen.bounds:
            cap = pen.bounds[3]
    return FontMetrics(ascent / units, descent / units, (cap or 0.7 * units) / units)


def initial(metrics: FontMetrics, line_height: float, lines: int = DEFAULT_LINES) -> Initial:
    """The drop cap for text of leading `line_height` (a multiple of its size)."""
    size = ((lines - 1) * line_height + metrics.cap_height) / metrics.cap_height
    rise = metrics.ascent - metrics.descent
    shift = ((lines - 1) * line_height / size + rise * (1 / size - 1)) / 2
    return Initial(lines=lines, size=size, line_height=lines * line_height / size, shift=shift,
                   quote_size=1 / size, quote_rise=(lines - 1) * line_height)


def initial_css(item: Initial, scope: str = ".drop-caps") -> str:
    """The rules that set `.drop-cap` (and its `.drop-quote`) as the initial `item` says.

    The box is a hair short of N lines (0.005 em of the initial, a few hundredths of a point),
    so that rounding never indents line N + 1 too. It is moved down by a top margin taken back
    at its foot: relative positioning would paint it after the page's text, out of reading
    order. The quote is raised N - 1 lines by vertical-align, its line-height 0 so that it
    never deepens the initial's line.
    """
    return (
        f"{scope} .drop-cap {{ float: left; font-size: {item.size:.4f}em; "
        f"line-height: {item.line_height:.4f}; height: {item.line_height - 0.005:.4f}em; "
        f"margin: {item.shift:.4f}em 0.06em {-item.shift:.4f}em 0; padding: 0; "
        "font-style: normal; font-variant: normal; letter-spacing: 0; text-indent: 0; }\n"
        f"{scope} .drop-quote {{ font-size: {item.quote_size:.4f}em; line-height: 0; "
        f"vertical-align: {item.quote_rise:.4f}em; margin-right: 0.05em; }}\n"
        f"{scope} p.opening {{ text-indent: 0; }}\n"
    )


# The EPUB has no spans: its opening paragraph's ::first-letter, after the title, a
# subheading or the chapter's subtitle (which is no opening: its own letter stays as it is).
EPUB_OPENINGS = ", ".join(f".drop-caps h1.chapter-title + {h}p::first-letter"
                          for h in ("", "h2 + ", "h3 + ", "p.subtitle + "))


def epub_initial_css(item: Initial) -> str:
    """The same initial as a ::first-letter (no position there: margins move it down)."""
    return (
        f"{EPUB_OPENINGS} {{ float: left; font-size: {item.size:.4f}em; "
        f"line-height: {item.line_height:.4f}; height: {item.line_height - 0.005:.4f}em; "
        f"margin: {item.shift:.4f}em 0.06em {-item.shift:.4f}em 0; padding: 0; }}\n"
        ".drop-caps h1.chapter-title + h2 + p, .drop-caps h1.chapter-title + h3 + p "
        "{ text-indent: 0; }\n"
        ".drop-caps h1.chapter-title + p.subtitle::first-letter { float: none; font-size: 1em; "
        "line-height: inherit; height: auto; margin: 0; color: inherit; }\n"
    )


def theme_initial_css(theme: Theme, css: str, line_height: float | None = None,
                      epub: bool = False) -> str:
    """The drop-cap rules for a stylesheet (as read) of `theme`: its body font, its leading."""
    leading = line_height if line_height is not None else _number(
        theme.variables.get("line-height"), 1.4)
    lines = int(_number(theme.variables.get("drop-cap-lines"), DEFAULT_LINES))
    path = body_font(theme, css)
    metrics = font_metrics(path) if path is not None else FontMetrics()
    item = initial(metrics, leading, max(2, lines))
    return epub_initial_css(item) if epub else initial_css(item)


def body_font(theme: Theme, css: str) -> Path | None:
    """The file of the body font's regular face, from the sheet's @font-face rules."""
    family = str(theme.variables.get("body-font", "")).split(",")[0].strip().strip("'\"")
    resources = theme.css_resources(css)
    for block in _FONT_FACE.findall(css):
        rules = {k.lower(): v.strip() for k, v in _DECLARATION.findall(block)}
        if rules.get("font-family", "").strip("'\"") != family:
            continue
        if rules.get("font-style", "normal") != "normal" \
                or rules.get("font-weight", "normal") not in ("normal", "400"):
            continue
        url = _URL.search(rules.get("src", ""))
        if url and url.group(2) in resources:
            return resources[url.group(2)]
    return None


def _number(value: object, default: float) -> float:
    try:
        return float(str(value))
    except ValueError:
        return default
