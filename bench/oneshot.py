"""The benchmark's PDF baseline: the book's HTML laid out by WeasyPrint in one document.

    python bench/oneshot.py BOOK_DIR GUTTER OUT.pdf

The same HTML, theme and gutter as `octavo build` uses, with no chunks, no workers, no cache.
"""

from __future__ import annotations

import sys
from pathlib import Path

from octavo.backends import RenderContext
from octavo.backends.pdf import STYLESHEET
from octavo.backends.pdf.compose import compose_html, theme_css
from octavo.backends.pdf.layout import render_one_shot
from octavo.build import load_book, source_epoch
from octavo.diagnostics import Diagnostics
from octavo.themes import load_theme


def main() -> int:
    root, gutter, out = Path(sys.argv[1]).resolve(), float(sys.argv[2]), Path(sys.argv[3])
    diagnostics = Diagnostics()
    config, book = load_book(root, diagnostics)
    theme = load_theme(config.build.theme, root)
    context = RenderContext(book_root=root, source_epoch=source_epoch(config),
                            diagnostics=diagnostics, settings=config.settings["pdf"])
    html = compose_html(book, theme, context)
    pages, _, _ = render_one_shot(book, theme, out, context, html, theme_css(theme, STYLESHEET),
                               gutter or None)
    print(f"{pages} pages, gutter {gutter:g} in (one shot)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
