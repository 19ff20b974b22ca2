"""Footnotes on the text's grid: a page's last note stands on the baseline of a full page's last line.

WeasyPrint sets the footnote area at the foot of the page area, so the last note's last line
ends at the area's very bottom. The body's lines run from the area's top in steps of the
leading, and a full page's last line ends a fraction of a line above that bottom (the page area
is seldom whole lines). Facing a full page, a page with notes then ends lower: by 6 pt in the
classic theme, by a line in the modern. A compositor sets the notes' last baseline on the
facing page's (Chicago 14.26's "aligned at the foot"). This finds how far the notes stand too
low in a paginated document and gives every footnote area a bottom margin of that much, so that
the next pagination sets them there (`makeup.py` paginates again when it must).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from octavo.backends.pdf.pageruns import DEPTH_TOLERANCE, EPSILON, Run, line_height


def lift(pages: list[Any], runs: list[Run]) -> float:
    """How far (CSS px) the notes of a paginated document stand below the baseline of a full
    page's last line; 0 when they stand on it, or the document has no notes or no body text."""
    leading = line_height(runs)
    descents = Counter(round(item.bottom - item.baseline, 3) for run in runs
                       for item in run.items if item.paragraph is not None
                       and round(item.bottom - item.top, 2) == leading)
    if leading <= 0 or not descents:
        return 0.0
    descent = descents.most_common(1)[0][0]
    for page in pages:
        area = page.children[1] if len(page.children) > 1 else None
        lines = [box for box in getattr(area, "descendants", lambda: ())()
                 if type(box).__name__ == "LineBox"]
        if not lines:
            continue
        top = page.content_box_y()
        height = page.height + getattr(page, "octavo_change", 0.0)
        last = lines[-1]
        baseline = last.position_y - top + last.baseline
        full = (height + EPSILON) // leading * leading - descent
        below = baseline - full
        return below if below > DEPTH_TOLERANCE else 0.0
    return 0.0


def raise_area(style_for: Any, page_type: Any, by: float) -> None:
    """Give the footnote area of pages of `page_type` `by` CSS px more bottom margin (its
    style is computed anew for every page WeasyPrint makes)."""
    from weasyprint.css.properties import Dimension

    style = style_for.get_computed_styles().get((page_type, "@footnote"))
    if style is not None and by:
        margin = style["margin_bottom"]
        base = margin.value if getattr(margin, "unit", None) == "px" else 0.0
        style["margin_bottom"] = Dimension(base + by, "px")
