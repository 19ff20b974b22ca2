"""The benchmark's PDF baseline: the book's HTML laid out by WeasyPrint in one document.

    python bench/oneshot.py BOOK_DIR GUTTER OUT.pdf

The same HTML, theme and gutter as `octavo build` uses, with no chunks, no workers, no cache.
"""

from __future__ import annotations

import sys
from pathlib import Path

from octavo.backends import RenderOptions
from octavo.backends.pdf import compose_html, render_one_shot, theme_css
from octavo.build import load_book, source_epoch
from octavo.diagnostics import Diagnostics
from octavo.themes import load_theme


def main() -> int:
    root, gutter, out = Path(sys.argv[1]).resolve(), float(sys.argv[2]), Path(sys.argv[3])
    diagnostics = Diagnostics()
    config, book = load_book(root, diagnostics)
    theme = load_theme(config.build.theme, root)
    options = RenderOptions(book_root=root, source_epoch=source_epoch(config),
                            diagnostics=diagnostics, print=config.print)
    html = compose_html(book, theme, options)
    pages, _ = render_one_shot(book, theme, out, options, html, theme_css(theme), gutter or None)
    print(f"{pages} pages, gutter {gutter:g} in (one shot)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
