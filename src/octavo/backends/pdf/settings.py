"""The [print] table of book.toml: the print PDF's page geometry and conventions, validated."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from octavo.backends.base import Problem
from octavo.backends.pdf.printers import PAPERS, PRINTERS
from octavo.text import normalise_identifier

MARGIN_KEYS = ("top", "bottom", "outside")
# Trim sizes in inches (width, height).
TRIMS = {"5x8": (5.0, 8.0), "5.25x8": (5.25, 8.0), "5.5x8.5": (5.5, 8.5), "6x9": (6.0, 9.0),
         "a5": (148 / 25.4, 210 / 25.4)}
# Each trim's margins (top, bottom, outside) for a measure of 60-70 characters in the default
# type (Linux Libertine 10.5 pt): the fore-edge sets the measure with the gutter (by page count,
# always wider than the fore-edge); the head 0.625-0.75 in (the fore-edge where it fits), the foot a
# quarter deeper than the head: the classical progression head < fore-edge <= foot of the
# 2:3:4:6 canon, kept shallow enough for print-on-demand pages. README, "The print PDF".
TRIM_MARGINS = {"5x8": (0.625, 0.78125, 0.5), "5.25x8": (0.625, 0.78125, 0.5625),
                "5.5x8.5": (0.6875, 0.859375, 0.6875), "6x9": (0.75, 0.9375, 0.875),
                "a5": (0.7, 0.875, 0.75)}
INGRAMSPARK_MARGIN = 0.875  # inches, top and bottom, unless book.toml sets them
MIN_FONT_SIZE, MAX_FONT_SIZE = 6.0, 36.0  # points: a [print] font_size outside is a typo
_UNITS = {"in": 1.0, "mm": 1 / 25.4, "cm": 1 / 2.54, "pt": 1 / 72}


@dataclass(frozen=True)
class PrintSettings:
    """The print PDF's page geometry and conventions; lengths in inches."""

    width: float = 6.0
    height: float = 9.0
    top: float = TRIM_MARGINS["6x9"][0]
    bottom: float = TRIM_MARGINS["6x9"][1]
    outside: float = TRIM_MARGINS["6x9"][2]
    gutter: float | None = None  # None: from the page count (print-on-demand minimums)
    chapter_start: str = "right"  # or "any"
    profile: str = "reading"  # or "print" (no bookmarks or links; for the print shop)
    bleed: bool = False
    pdf_variant: str = ""  # the print profile claims PDF/X-4 ("" or "pdf/x-4"), or "none"
    drop_caps: bool | None = None  # None: as the theme says
    small_caps: bool | None = None  # None: as the theme says
    folio_position: str = "bottom"  # or "top" (the outside top corner)
    running_head: str = "author"  # left-hand pages: "author" or "title"
    isbn: str = ""  # the print edition's ISBN, digits only: its copyright page, the EPUB's page-list
    printer: str = "kdp"  # or "ingramspark": the cover wrap's spine, the preflight's rules
    paper: str = "white"  # or "cream": the spine's width per page
    icc_profile: str = ""  # a CMYK output profile in the book folder; "": the one Octavo ships
    font_size: float | None = None  # the body type in points; None: as the theme says
    line_height: float | None = None  # leading as a multiple of the type size; None: the theme's
    justify: bool | None = None  # False: a ragged right edge; None: as the theme says
    hyphenate: bool | None = None  # False: no word divided at a line's end; None: the theme's
    large_print: bool = False  # notes, folios and running heads no smaller than the body type


# A book's page, in inches: from a miniature's to a large art book's (print-on-demand takes
# 4 to 8.5 by 11.69). A page of 100,000 inches laid out for ever; PDF's own limit is 200.
MIN_PAGE, MAX_PAGE = 2.0, 24.0
MIN_MARGIN = 0.25  # inches: the least margin print-on-demand services take, on every side
MIN_TEXT = 1.0  # inches: the narrowest or shortest text block a page may keep


def read_print_settings(data: dict[str, Any], problem: Problem) -> PrintSettings:
    """PrintSettings from the [print] table's values; each bad value is reported to `problem`."""
    values: dict[str, Any] = {}

    def length(key: str, value: Any) -> float | None:
        try:
            return parse_length(value)
        except ValueError:
            problem(key, f"{value!r} is not a length such as \"0.75in\" or \"20mm\"")
            return None

    trim = data.get("trim")
    if trim is not None:
        key = str(trim).lower().replace(" ", "").replace("×", "x")
        if key in TRIMS:
            values["width"], values["height"] = TRIMS[key]
            values["top"], values["bottom"], values["outside"] = TRIM_MARGINS[key]
        elif re.fullmatch(r"\d+(\.\d+)?x\d+(\.\d+)?", key):
            values["width"], values["height"] = (float(v) for v in key.split("x"))
        else:
            problem("trim", f"{trim!r} is not one of {', '.join(TRIMS)} or WIDTHxHEIGHT in inches")
    for key in ("width", "height"):
        if key in data and (value := length(key, data[key])) is not None:
            values[key] = value
    margins = data.get("margins", {})
    if not isinstance(margins, dict):
        problem("margins", 'must be a table, e.g. margins = { top = "0.75in" }')
        margins = {}
    for key, value in margins.items():
        if key not in MARGIN_KEYS:
            problem(f"margins.{key}", f"unknown margin; margins takes {', '.join(MARGIN_KEYS)} "
                                      '(the inside margin is [print] gutter = "0.875in")')
        elif (inches := length(f"margins.{key}", value)) is not None:
            values[key] = inches
    gutter = data.get("gutter", "auto")
    if gutter != "auto" and (inches := length("gutter", gutter)) is not None:
        values["gutter"] = inches
    choices = {"chapter_start": ("right", "any"), "profile": ("reading", "print"),
               "pdf_variant": ("", "pdf/x-4", "none"), "folio_position": ("bottom", "top"),
               "running_head": ("author", "title"), "printer": tuple(PRINTERS),
               "paper": PAPERS}
    for key, allowed in choices.items():
        if key in data:
            if data[key] not in allowed:
                problem(key, f"must be one of {', '.join(repr(a) for a in allowed)}")
            else:
                values[key] = data[key]
    if "font_size" in data:
        size = data["font_size"]
        try:
            points = size if isinstance(size, int | float) and not isinstance(size, bool) \
                else parse_length(size) * 72
        except ValueError:
            points = None
        if points is None or not MIN_FONT_SIZE <= points <= MAX_FONT_SIZE:
            problem("font_size", f"{size!r} is not a type size from {MIN_FONT_SIZE:g}pt to "
                                 f"{MAX_FONT_SIZE:g}pt, such as \"11pt\"")
        else:
            values["font_size"] = round(float(points), 2)
    if "line_height" in data:
        leading = data["line_height"]
        if isinstance(leading, bool) or not isinstance(leading, int | float) \
                or not 1 <= leading <= 3:
            problem("line_height", f"{leading!r} is not a multiple of the type size from 1 to 3, "
                                   "such as 1.4")
        else:
            values["line_height"] = float(leading)
    for key in ("bleed", "drop_caps", "small_caps", "justify", "hyphenate", "large_print"):
        if key in data:
            if not isinstance(data[key], bool):
                problem(key, "must be true or false")
            else:
                values[key] = data[key]
    if "isbn" in data:
        isbn = data["isbn"]
        try:
            urn = normalise_identifier(str(isbn)) if isinstance(isbn, str | int) else ""
        except ValueError as exc:
            problem("isbn", str(exc))
        else:
            if urn.startswith("urn:isbn:"):
                values["isbn"] = urn.removeprefix("urn:isbn:")
            else:
                problem("isbn", f"{isbn!r} is not an ISBN (13 digits, or 10)")
    if "icc_profile" in data:
        if not isinstance(data["icc_profile"], str) or not data["icc_profile"].strip():
            problem("icc_profile", 'must be the path of an .icc file in the book folder')
        else:
            values["icc_profile"] = data["icc_profile"].strip()
    if values.get("printer") == "ingramspark":
        # IngramSpark wants everything, folios and running heads too, 0.5 in inside the trim:
        # deeper top and bottom margins put the heads and folios there (0.75 in leaves 0.43).
        for key in ("top", "bottom"):
            if key not in margins:
                values[key] = INGRAMSPARK_MARGIN
    settings = PrintSettings(**values)
    for key, size in (("width", settings.width), ("height", settings.height)):
        if not MIN_PAGE <= size <= MAX_PAGE:  # NaN too
            given = key if key in data else "trim"
            problem(given, f"{data[given]!r} is not a book's page {key} (from {MIN_PAGE:g}in to "
                           f"{MAX_PAGE:g}in)")
            return PrintSettings()
    for key in MARGIN_KEYS:  # a negative top margin set the first lines above the page
        if getattr(settings, key) < MIN_MARGIN:
            problem(f"margins.{key}", f"must be at least {MIN_MARGIN:g}in (print-on-demand minimum)")
    if settings.gutter is not None and settings.gutter < MIN_MARGIN:
        problem("gutter", f'must be at least {MIN_MARGIN:g}in, or "auto" (from the page count)')
    inside = settings.gutter if settings.gutter is not None else MIN_MARGIN
    if settings.width - settings.outside - inside < MIN_TEXT \
            or settings.height - settings.top - settings.bottom < MIN_TEXT:
        problem("margins", f"leave no room for text on the page (less than {MIN_TEXT:g}in across "
                           "or down)")
    return settings


def parse_length(value: Any) -> float:
    """A length in inches from "0.75in", "20mm", "1.5cm", "54pt" or a number of inches."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if not math.isfinite(value):  # nan or inf in TOML
            raise ValueError(value)
        return float(value)
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(in|mm|cm|pt)\s*", str(value))
    if not match:
        raise ValueError(value)
    return float(match.group(1)) * _UNITS[match.group(2)]
