"""Reads a built PDF back: page sizes, the text of the live area and margins, fonts, openings."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from octavo.errors import CheckError
from octavo.text import letters

_ROMAN = re.compile(r"^(?=[ivxlcdm]+$)m{0,3}(cm|cd|d?c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$")


@dataclass(frozen=True)
class PdfPage:
    """One page as a reader sees it: its size in points, its text, its running head and folio."""

    index: int  # 0-based physical page
    width: float
    height: float
    body: str  # the live area's text
    margins: str  # the text above and below the live area: running head and folio

    def folio(self) -> tuple[str, int] | None:
        """The printed page number, as ("arabic", 12) or ("roman", 7), if the page has one."""
        for word in reversed(self.margins.split()):
            if word.isdigit():
                return ("arabic", int(word))
            if _ROMAN.match(word):
                return ("roman", roman_value(word))
        return None


def read_pages(path: Path, top: float, bottom: float) -> list[PdfPage]:
    """Every page of the PDF at `path`; `top` and `bottom` are the margins in inches. A file
    that is not a PDF PDFium can open is a CheckError naming it."""
    import pypdfium2

    pages = []
    try:
        document = pypdfium2.PdfDocument(str(path))
        try:
            for index in range(len(document)):
                page = document[index]
                left, low, right, high = page.get_trimbox()
                textpage = page.get_textpage()
                edge_top, edge_bottom = high - top * 72, low + bottom * 72
                body = textpage.get_text_bounded(left, edge_bottom, right, edge_top)
                head = textpage.get_text_bounded(left, edge_top, right, high)
                foot = textpage.get_text_bounded(left, low, right, edge_bottom)
                pages.append(PdfPage(index, right - left, high - low, body, f"{head}\n{foot}"))
                textpage.close()
                page.close()
        finally:
            document.close()
    except pypdfium2.PdfiumError:  # cut short, or another file in its place
        raise CheckError("not a readable PDF; build the book again", path) from None
    return pages


def unembedded_fonts(path: Path) -> list[str]:
    """The names of the fonts the PDF uses without embedding them."""
    from pypdf import PdfReader

    missing: set[str] = set()
    seen: set[int] = set()

    def visit(resources: object) -> None:
        if not hasattr(resources, "get"):
            return
        fonts = resources.get("/Font")  # type: ignore[attr-defined]
        for font in (fonts.get_object().values() if fonts is not None else []):
            font = font.get_object()
            if id(font) in seen:
                continue
            seen.add(id(font))
            if font.get("/Subtype") == "/Type3":
                continue
            described = font
            if font.get("/Subtype") == "/Type0":
                described = font["/DescendantFonts"][0].get_object()
            descriptor = described.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            if not any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                missing.add(str(font.get("/BaseFont", "?")).lstrip("/"))
        xobjects = resources.get("/XObject")  # type: ignore[attr-defined]
        for xobject in (xobjects.get_object().values() if xobjects is not None else []):
            xobject = xobject.get_object()
            if xobject.get("/Subtype") == "/Form" and "/Resources" in xobject:
                visit(xobject["/Resources"].get_object())

    for page in PdfReader(str(path)).pages:
        if "/Resources" in page:
            visit(page["/Resources"].get_object())
    return sorted(missing)


def find_openings(pages: list[PdfPage], titles: list[str], start: int = 0) -> list[int | None]:
    """The page where each title (in book order) first appears in the live area, after `start`."""
    found: list[int | None] = []
    position = start
    for title in titles:
        token = letters(title)
        index = next((p.index for p in pages[position:] if token and token in letters(p.body)),
                     None)
        found.append(index)
        if index is not None:
            position = index + 1
    return found


def contents_start(pages: list[PdfPage]) -> int | None:
    """The page where the printed contents begin (a page opening with "Contents"), if any."""
    return next((p.index for p in pages[:40] if p.body.strip().startswith("Contents")), None)


def contents_end(pages: list[PdfPage]) -> int:
    """The first page after the printed contents (0 when there are none)."""
    start = contents_start(pages)
    if start is None:
        return 0
    index = start + 1
    while index < len(pages) and _LEADER.search(pages[index].body):
        index += 1
    return index


_LEADER = re.compile(r"(?:\. ){3,}.*?(\d+|[ivxlcdm]+)\s*$", re.MULTILINE)


def roman_value(text: str) -> int:
    """"xiv" -> 14."""
    values = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}
    total = 0
    for char, following in zip(text, text[1:] + " ", strict=True):
        value = values[char]
        total += -value if values.get(following, 0) > value else value
    return total
