"""The print PDF as page spreads for the preview page: PNGs rendered with pdfium, on demand."""

from __future__ import annotations

import io
import tempfile
import threading
from pathlib import Path

from octavo.checks.pdfread import PdfPage, contents_end, read_pages
from octavo.checks.proof import paste_spread
from octavo.text import letters

SCALE = 1.0  # pdfium renders 72 dpi at scale 1: a 6 × 9 in spread becomes 864 × 648 pixels

# pdfium is not thread-safe: the preview server's threads take turns.
_PDFIUM = threading.Lock()


class Spreads:
    """A PDF held in memory; spread n shows pages 2n-1 and 2n (spread 0: the first page alone)."""

    def __init__(self, pdf: bytes, margins: tuple[float, float] = (0.75, 0.75)):
        import pypdfium2

        self._pdf = pdf
        self._margins = margins  # top and bottom, in inches: where running heads and folios are
        self._cache: dict[int, bytes] = {}
        self._openings: dict[tuple[str, ...], list[int | None]] = {}
        with _PDFIUM:
            document = pypdfium2.PdfDocument(pdf)
            try:
                self.pages = len(document)
                width, height = document.get_page_size(0) if self.pages else (0.0, 0.0)
            finally:
                document.close()
        self.page_size = (round(width * SCALE), round(height * SCALE))

    def __len__(self) -> int:
        return self.pages // 2 + 1 if self.pages else 0

    def png(self, number: int) -> bytes:
        """Spread `number` as a PNG; rendered once, then kept."""
        import pypdfium2
        from PIL import Image

        if not 0 <= number < len(self):
            raise IndexError(number)
        with _PDFIUM:
            if number not in self._cache:
                page_w, page_h = self.page_size
                sheet = Image.new("RGB", (2 * page_w, page_h), "#e9e7e3")
                document = pypdfium2.PdfDocument(self._pdf)
                try:
                    paste_spread(sheet, document, 2 * number - 1, (0, 0), self.page_size, SCALE)
                finally:
                    document.close()
                out = io.BytesIO()
                sheet.save(out, format="PNG")
                self._cache[number] = out.getvalue()
            return self._cache[number]

    def openings(self, titles: list[str]) -> list[int | None]:
        """The spread each title (in book order) opens on, as octavo proof finds it; found once."""
        key = tuple(titles)
        with _PDFIUM:
            if key not in self._openings:
                with tempfile.TemporaryDirectory(prefix="octavo-preview-") as folder:
                    path = Path(folder) / "book.pdf"
                    path.write_bytes(self._pdf)
                    pages = read_pages(path, *self._margins)
                found = _openings(pages, titles, start=contents_end(pages))
                self._openings[key] = [None if i is None else (i + 1) // 2 for i in found]
            return self._openings[key]


def _openings(pages: list[PdfPage], titles: list[str], start: int) -> list[int | None]:
    """The page each title opens, in book order: a page whose text begins with the title.

    Unlike `find_openings`, a title met in running text (a chapter that talks about the
    dedication) does not count; a few letters may come first ("Chapter 4" above a title).
    """
    found: list[int | None] = []
    position = start
    for title in titles:
        token = letters(title)
        index = next((page.index for page in pages[position:]
                      if token and _opens_with(page.body, token)), None)
        found.append(index)
        if index is not None:
            position = index + 1
    return found


def _opens_with(body: str, token: str, before: int = 24) -> bool:
    """Whether the text of a page holds the title `token` (its letters) on lines of its own
    (one or more: a long title wraps), after lines of at most `before` letters (a drop cap,
    "Chapter 4"). A line of running text that begins with the title's words is not one."""
    lines = [line for line in map(letters, body.splitlines()) if line]
    seen = 0
    for first, line in enumerate(lines):
        joined = ""
        for following in lines[first:]:
            joined += following
            if joined == token:
                return True
            if not token.startswith(joined):
                break
        seen += len(line)
        if seen > before:
            return False
    return False
