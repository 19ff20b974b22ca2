"""Editions: [editions.NAME] tables of book.toml read over the top-level ones, and their presets."""

from __future__ import annotations

import re
from typing import Any

TABLE = "editions"
NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
LARGE_PRINT = "large-print"

# What an edition named "large-print" gets before its own tables are read, over the book's.
# From the large-print guidelines (README, "Editions"): body type of at least 16 pt (RNIB and
# the UK's Clear Print guidance: 16 pt at least; the ACB's Large Print Guidelines, 2022: 18 pt),
# every other text (notes, folios, running heads) no smaller; generous leading (ACB 1.15 and
# more, ADCET at least 1.25); a ragged right edge and no words divided at line ends (ACB,
# ADCET, Vision Australia); no decorative initials. A larger trim keeps a readable line. The
# EPUB is left out: an e-reader already sets any size, so a large-print EPUB is the same book.
PRESETS: dict[str, dict[str, dict[str, Any]]] = {
    LARGE_PRINT: {
        "build": {"formats": ["pdf"]},
        "print": {"trim": "6x9", "font_size": "16pt", "line_height": 1.4, "justify": False,
                  "hyphenate": False, "drop_caps": False, "large_print": True},
    },
}


def overlay(base: dict[str, Any], *layers: dict[str, Any]) -> dict[str, Any]:
    """`base` with each layer read over it, table by table (nested tables merged, not replaced)."""
    merged = dict(base)
    for layer in layers:
        for key, value in layer.items():
            if isinstance(value, dict) and isinstance(merged.get(key), dict):
                merged[key] = overlay(merged[key], value)
            else:
                merged[key] = value
    return merged


def preset(name: str) -> dict[str, dict[str, Any]]:
    """The built-in tables an edition of this name starts from ({} for most names)."""
    return PRESETS.get(name, {})
