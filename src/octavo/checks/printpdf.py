"""Reads a print PDF as a printer's preflight sees it: boxes, ink, type sizes, images, fonts."""

from __future__ import annotations

import ctypes
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from octavo.backends.pdf.subsets import FONT_PROGRAMS, font_descriptor

Rect = tuple[float, float, float, float]  # left, bottom, right, top, in points
Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
SCALE = 2  # the pages are rendered at 144 dpi to find where ink lands (half a point a pixel)
MAX_NESTING = 12  # forms inside forms deeper than this are not followed
# Ems: how much of a glyph's ink past its advance is taken for overhang where pdfium does not give
# the advance apart (_text_spans). An italic f hangs about a fifth of an em past it (2.2 pt in a
# novel's 10.5 pt italic), a roman f or an italic d less; a quarter em covers them and is under
# 3 pt in body type: too little to hide a line set into the margin.
OVERHANG = 0.25


@dataclass(frozen=True)
class PlacedImage:
    """An image as drawn on a page: its XObject name, its pixels and its placed size in inches."""

    name: str
    pixels: tuple[int, int]
    inches: tuple[float, float]

    def dpi(self) -> float:
        """The effective resolution: the lower of the two directions."""
        width, height = self.inches
        return min(self.pixels[0] / width if width else math.inf,
                   self.pixels[1] / height if height else math.inf)


@dataclass(frozen=True)
class PrintPage:
    """One page: its boxes, where its ink lies, its smallest type, its images and links."""

    number: int  # 1-based, as a printer's report names it; odd numbers are recto pages
    media: Rect
    trim: Rect | None  # None when the page has no TrimBox
    ink: Rect | None  # the bounds of everything that prints; None for a blank page
    # Where the content is set, as a printer's margins are measured: left and right, the lines of
    # text by their frame (not the ink of a drop cap's hook or an italic's overhang) and all else
    # by its ink; top and bottom, the ink. None for a blank page.
    frame: Rect | None
    # The smallest type size on the page, the first text set in it and the words before that.
    smallest: tuple[float, str, str] | None
    images: tuple[PlacedImage, ...] = ()
    annotations: int = 0

    @property
    def recto(self) -> bool:
        return self.number % 2 == 1

    @property
    def trimmed(self) -> Rect:
        """The TrimBox, or the MediaBox when there is none."""
        return self.trim if self.trim is not None else self.media


@dataclass
class PrintPdf:
    """The whole file: its pages, whether it has an outline, and its fonts not embedded."""

    path: Path
    pages: list[PrintPage] = field(default_factory=list)
    outline: int = 0  # top-level bookmarks
    fonts: int = 0  # fonts used
    unembedded: dict[str, int] = field(default_factory=dict)  # font name -> first page using it


def read_print_pdf(path: Path) -> PrintPdf:
    """Read every page of the PDF at `path` (pikepdf for its objects, pdfium for what prints)."""
    import pikepdf
    import pypdfium2

    result = PrintPdf(path)
    embedded: dict[Any, bool] = {}  # each font used (its object number, else its name)
    with pikepdf.open(path) as pdf:
        outlines = pdf.Root.get("/Outlines")
        if outlines is not None and "/First" in outlines:
            result.outline = _count_siblings(outlines.First)
        document = pypdfium2.PdfDocument(str(path))
        try:
            for index, page in enumerate(pdf.pages):
                images: list[PlacedImage] = []
                fonts: list[tuple[Any, str]] = []
                _walk(page.obj, _resources(page.obj), IDENTITY, images, fonts, 0)
                for font, name in fonts:
                    key = font.objgen if font.is_indirect else name
                    if key not in embedded:
                        embedded[key] = _embedded(font)
                        if not embedded[key]:
                            result.unembedded.setdefault(name, index + 1)
                rendered = document[index]
                textpage = rendered.get_textpage()
                try:
                    ink, smallest = _ink(rendered), _smallest_type(textpage)
                    frame = _frame(rendered, textpage, ink)  # last: it hides the page's text
                finally:
                    textpage.close()
                    rendered.close()
                result.pages.append(PrintPage(
                    number=index + 1, media=_rect(page.mediabox),
                    trim=_rect(page.obj.TrimBox) if "/TrimBox" in page.obj else None,
                    ink=ink, frame=frame, smallest=smallest, images=tuple(images),
                    annotations=len(page.obj.get("/Annots", ()))))
        finally:
            document.close()
    result.fonts = len(embedded)
    return result


def _count_siblings(item: Any) -> int:
    count, seen = 0, set()
    while item is not None and item.objgen not in seen and count < 10_000:
        seen.add(item.objgen)
        count += 1
        item = item.get("/Next")
    return count


def _rect(box: Any) -> Rect:
    left, bottom, right, top = (float(v) for v in box)
    return min(left, right), min(bottom, top), max(left, right), max(bottom, top)


def _resources(page: Any) -> Any:
    """A page's resources, inherited from the page tree when the page has none of its own."""
    node, depth = page, 0
    while node is not None and depth < 64:
        if "/Resources" in node:
            return node.Resources
        node, depth = node.get("/Parent"), depth + 1
    return None


def _walk(stream: Any, resources: Any, ctm: Matrix, images: list[PlacedImage],
          fonts: list[tuple[Any, str]], depth: int) -> None:
    """Follow a content stream: the CTM through q/Q/cm, the fonts of Tf, the images of Do."""
    import pikepdf

    stack: list[Matrix] = []
    try:
        instructions = pikepdf.parse_content_stream(stream, "q Q cm Tf Do BI ID EI")
    except pikepdf.PdfError:
        return
    for instruction in instructions:
        if isinstance(instruction, pikepdf.ContentStreamInlineImage):
            image = instruction.iimage
            images.append(PlacedImage("(inline)", (int(image.width), int(image.height)),
                                      _placed(ctm)))
            continue
        operator, operands = str(instruction.operator), instruction.operands
        if operator == "q":
            stack.append(ctm)
        elif operator == "Q":
            ctm = stack.pop() if stack else ctm
        elif operator == "cm" and len(operands) == 6:
            ctm = _multiply(tuple(float(v) for v in operands), ctm)  # type: ignore[arg-type]
        elif operator == "Tf" and operands:
            font = _resource(resources, "/Font", operands[0])
            if font is not None:
                fonts.append((font, str(font.get("/BaseFont", operands[0])).lstrip("/")))
        elif operator == "Do" and operands:
            xobject = _resource(resources, "/XObject", operands[0])
            if xobject is None:
                continue
            subtype = xobject.get("/Subtype")
            if subtype == "/Image":
                images.append(PlacedImage(str(operands[0]).lstrip("/"),
                                          (int(xobject.get("/Width", 0)),
                                           int(xobject.get("/Height", 0))), _placed(ctm)))
            elif subtype == "/Form" and depth < MAX_NESTING:
                matrix = tuple(float(v) for v in xobject.get("/Matrix", IDENTITY))
                _walk(xobject, xobject.get("/Resources", resources),
                      _multiply(matrix, ctm), images, fonts, depth + 1)  # type: ignore[arg-type]


def _resource(resources: Any, kind: str, name: Any) -> Any:
    if resources is None:
        return None
    table = resources.get(kind)
    return table.get(str(name)) if table is not None else None


def _multiply(m: Matrix, n: Matrix) -> Matrix:
    """m × n, as PDF composes matrices (cm: the new CTM is the operand times the old one)."""
    return (m[0] * n[0] + m[1] * n[2], m[0] * n[1] + m[1] * n[3],
            m[2] * n[0] + m[3] * n[2], m[2] * n[1] + m[3] * n[3],
            m[4] * n[0] + m[5] * n[2] + n[4], m[4] * n[1] + m[5] * n[3] + n[5])


def _placed(ctm: Matrix) -> tuple[float, float]:
    """The size in inches of the unit square (an image) drawn under `ctm`."""
    return math.hypot(ctm[0], ctm[1]) / 72, math.hypot(ctm[2], ctm[3]) / 72


def _embedded(font: Any) -> bool:
    """True for a font whose program is in the file (or a Type 3 font, drawn by the PDF)."""
    if font.get("/Subtype") == "/Type3":
        return True
    descriptor = font_descriptor(font)
    return descriptor is not None and any(key in descriptor for key in FONT_PROGRAMS)


def _ink(page: Any) -> Rect | None:
    """Where anything prints on the page (text, images, drawings), in PDF points; None if blank.

    The page is rendered (annotations left out) and the bounds of every pixel that is not
    white are taken: white text or a white box prints nothing, and is not counted.
    """
    bitmap = page.render(scale=SCALE, grayscale=True, draw_annots=False, may_draw_forms=False)
    image = bitmap.to_pil()
    box = image.point(lambda value: 255 if value < 255 else 0).getbbox()
    if box is None:
        return None
    left, bottom, _right, top = page.get_cropbox()
    x0, y0, x1, y1 = box
    return (left + x0 / SCALE, top - y1 / SCALE, left + x1 / SCALE, top - y0 / SCALE)


def _frame(page: Any, textpage: Any, ink: Rect | None) -> Rect | None:
    """Where the page's content is set, in PDF points: left and right, each line of text from its
    first character's origin to where its last one's advance ends, and everything else (images,
    rules, drawings) by its ink; top and bottom, the ink's. None for a blank page.

    A printer's margins are about the text area: a drop cap's hook or an italic f hangs a few
    points past the frame in every typeset book, and is not content in the margin. What is not
    text is found by rendering the page again with its text made invisible; the page is changed
    in memory only, and nothing is read from it after this.
    """
    import pypdfium2.raw as pdfium_c

    if ink is None:
        return None
    spans = list(_text_spans(textpage, pdfium_c))
    if not spans:
        return ink
    for text in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_TEXT,), max_depth=MAX_NESTING):
        pdfium_c.FPDFTextObj_SetTextRenderMode(text.raw, pdfium_c.FPDF_TEXTRENDERMODE_INVISIBLE)
    rest = _ink(page)
    if rest is not None:
        spans.append((rest[0], rest[2]))
    return (min(left for left, _right in spans), ink[1],
            max(right for _left, right in spans), ink[3])


def _text_spans(textpage: Any, pdfium_c: Any) -> Iterator[tuple[float, float]]:
    """Each visible character's place in its line, left and right, in points: from its origin to
    where its advance ends, so that a line's span is from its first character's origin to its
    last one's advance: the text frame.

    pdfium's loose box is the advance's box joined with the glyph's ink box: where it reaches past
    the ink on the right, its right edge is the advance's end. Where the ink reaches further (an
    italic f), pdfium does not give the advance apart, and up to OVERHANG em of that ink is taken
    for overhang. A rotated character is taken by its ink.
    """
    x, y = ctypes.c_double(), ctypes.c_double()
    for index, _char, size in _char_sizes(textpage, pdfium_c):
        left, _bottom, right, _top = textpage.get_charbox(index)
        angle = pdfium_c.FPDFText_GetCharAngle(textpage, index)
        if abs(angle) > 0.01 or not pdfium_c.FPDFText_GetCharOrigin(textpage, index, x, y):
            yield left, right
            continue
        advance_end = textpage.get_charbox(index, loose=True)[2]
        yield x.value, (advance_end if advance_end > right + 0.01
                        else max(x.value, right - OVERHANG * size))


def _visible_chars(textpage: Any, pdfium_c: Any) -> Iterator[tuple[int, str]]:
    """The characters that print: no whitespace, none pdfium adds (line ends), no invisible
    text."""
    for index in range(textpage.count_chars()):
        char = chr(pdfium_c.FPDFText_GetUnicode(textpage, index))
        if not char.strip() or pdfium_c.FPDFText_IsGenerated(textpage, index) == 1:
            continue
        text_object = pdfium_c.FPDFText_GetTextObject(textpage, index)
        if text_object and pdfium_c.FPDFTextObj_GetTextRenderMode(text_object) == \
                pdfium_c.FPDF_TEXTRENDERMODE_INVISIBLE:
            continue
        yield index, char


def _smallest_type(textpage: Any) -> tuple[float, str, str] | None:
    """The smallest size of visible type on the page, in points, the first text set in it and
    the few words before that text (a footnote call is one character, hard to find alone).

    pdfium gives each character's font size (the Tf operand) and its matrix, text matrix and
    CTM together: the size a reader sees is the font size times the matrix's vertical scale.
    Whitespace, characters pdfium adds (line ends) and invisible text are skipped.
    """
    import pypdfium2.raw as pdfium_c

    sizes = list(_char_sizes(textpage, pdfium_c))
    if not sizes:
        return None
    smallest = min(size for _index, _char, size in sizes)
    text, first = _run(sizes, smallest)
    words = _join(sizes[max(0, first - 40):first]).split()
    before = " ".join(words[1 if first > 40 else 0:][-4:])  # no word cut at its start
    return smallest, text, before


def _char_sizes(textpage: Any, pdfium_c: Any) -> Iterator[tuple[int, str, float]]:
    matrix = pdfium_c.FS_MATRIX()
    for index, char in _visible_chars(textpage, pdfium_c):
        if not pdfium_c.FPDFText_GetMatrix(textpage, index, matrix):
            continue
        size = pdfium_c.FPDFText_GetFontSize(textpage, index) * math.hypot(matrix.c, matrix.d)
        yield index, char, round(size, 2)


def _run(sizes: list[tuple[int, str, float]], size: float, most: int = 40) -> tuple[str, int]:
    """The first run of characters set in `size`, and its position in `sizes`."""
    first = next(position for position, (_i, _c, char_size) in enumerate(sizes)
                 if char_size == size)
    end = first
    while end < len(sizes) and sizes[end][2] == size:
        end += 1
    text = _join(sizes[first:end])
    return (text if len(text) <= most else text[:most - 1] + "…"), first


def _join(chars: list[tuple[int, str, float]]) -> str:
    """Characters as text: a space where pdfium saw whitespace between them."""
    text, last = "", None
    for index, char, _size in chars:
        if last is not None and index > last + 1:
            # A word hyphenated at a line's end (WeasyPrint hyphenates with U+2010) is one word.
            text = text[:-1] if text.endswith(("\u2010", "\u00ad")) else text + " "
        text, last = text + char, index
    return text
