"""The print PDF as page spreads for the preview page: PNGs rendered with pdfium, on demand."""

from __future__ import annotations

import io
import threading

from octavo.proof import paste_spread

SCALE = 1.0  # pdfium renders 72 dpi at scale 1: a 6 × 9 in spread becomes 864 × 648 pixels

# pdfium is not thread-safe: the preview server's threads take turns.
_PDFIUM = threading.Lock()


class Spreads:
    """A PDF held in memory; spread n shows pages 2n-1 and 2n (spread 0: the first page alone)."""

    def __init__(self, pdf: bytes):
        import pypdfium2

        self._pdf = pdf
        self._cache: dict[int, bytes] = {}
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
