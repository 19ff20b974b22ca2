"""The EPUB's typographic cover made in a process of its own, which imports WeasyPrint while
the manuscript is read.

An EPUB-only build that must make its cover spends most of a second importing WeasyPrint,
pypdfium2 and Pillow, then half a second laying the cover out and rendering it, all before the
book is written. A press is forked before the manuscript is read: it imports them meanwhile,
then makes the one cover it is sent while the parent writes the chapters. The parent makes the
cover itself when the press fails (a theme's mistake is then reported as it always is).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from octavo.backends.scratch import for_children, remove, use

# What makes the cover's PNG from its page: (html, stylesheet, theme, book folder) -> bytes.
Maker = Callable[[str, str, Any, Path], bytes]
PATIENCE = 60.0  # seconds a cover may take (it takes under one)


class CoverPress:
    """One forked process that makes one typographic cover with `make` (covers.cover_png)."""

    def __init__(self, make: Maker) -> None:
        from octavo.backends.pdf.worker import fork_context

        context = fork_context()
        self._scratch = for_children()  # WeasyPrint's copies of the fonts, and so on
        self._parent, child = context.Pipe()
        self._process: Any = context.Process(target=_serve, args=(child, make, self._scratch),
                                             daemon=True, name="octavo-cover")
        try:
            self._process.start()
        except BaseException:
            remove(self._scratch)
            raise
        child.close()
        self._sent = False

    def submit(self, html: str, sheet: str, theme: Any, book_root: Path) -> bool:
        """Send the cover's page to be made; False if the press cannot take it."""
        if self._sent or not self._process.is_alive():
            return False
        try:
            self._parent.send((html, sheet, theme, book_root))
        except (OSError, ValueError):
            return False
        self._sent = True
        return True

    def result(self) -> bytes | None:
        """The cover's PNG, once made; None if the press failed or is still at it after
        PATIENCE seconds (the caller makes it)."""
        if not self._sent:
            return None
        with contextlib.suppress(EOFError, OSError):
            if not wait([self._parent, self._process.sentinel], timeout=PATIENCE):
                return None  # stuck (a lock the fork copied, held): close() ends it
            if self._parent.poll():
                status, png = self._parent.recv()
                if status == "ok" and isinstance(png, bytes):
                    return png
        return None

    def close(self) -> None:
        """Stop the press, whether or not it made a cover."""
        self._parent.close()
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()
        remove(self._scratch)


def _serve(connection: Connection, make: Maker, scratch: Path) -> None:
    """In the press: import what a cover needs, make the one cover sent, send its PNG back."""
    use(scratch)
    try:
        import pypdfium2  # noqa: F401
        import weasyprint  # noqa: F401
        from PIL import PngImagePlugin  # noqa: F401

        html, sheet, theme, book_root = connection.recv()
        connection.send(("ok", make(html, sheet, theme, book_root)))
    except BaseException:  # the parent makes the cover itself, and reports what went wrong
        with contextlib.suppress(OSError, ValueError):
            connection.send(("failed", None))
    finally:
        connection.close()
