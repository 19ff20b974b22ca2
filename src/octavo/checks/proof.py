"""`octavo proof`: the first spread of every chapter, rendered with pdfium, as PNG contact sheets."""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

from octavo.backends import FORMATS
from octavo.backends.pdf.settings import PrintSettings
from octavo.build import book_folder, build, load_book
from octavo.checks import needs_build
from octavo.checks.pdfread import contents_end, find_openings, read_pages
from octavo.diagnostics import Diagnostics
from octavo.errors import BuildError
from octavo.model import Part
from octavo.text import slugify
from octavo.uptodate import cache_subfolder, changed_outputs, write_atomically

if TYPE_CHECKING:
    from PIL.Image import Image as PilImage
    from pypdfium2 import PdfDocument

SCALE = 0.75  # pdfium renders 72 dpi at scale 1; a 6 × 9 in page becomes 324 × 486 pixels
PER_ROW = 3
ROWS = 4
GAP = 24
LABEL = 28


def proof(root: Path, diagnostics: Diagnostics, out_dir: Path | None = None) -> list[Path]:
    """Write dist/proof/openings-NN.png: each chapter's opening spread, labelled; return them."""
    import pypdfium2
    from PIL import Image, ImageDraw, ImageFont

    root = book_folder(root)
    config, book = load_book(root, diagnostics)
    out = (out_dir or config.build.output).resolve()
    pdf = FORMATS["pdf"].target(out, slugify(book.metadata.title))
    # A PDF in dist/ that is not the one the last build wrote (replaced, cut short) is built
    # again, as `octavo check` and `octavo build` do: its file times vouch for nothing.
    if changed_outputs(root, [pdf]) or needs_build(config, [pdf]):
        build(root, diagnostics, formats=("pdf",), out_dir=out_dir)
    printed: PrintSettings = config.settings["pdf"]
    pages = read_pages(pdf, printed.top, printed.bottom)
    items = [item for item in book.items() if isinstance(item, Part) or item.show_title]
    openings = find_openings(pages, [item.title for item in items], start=contents_end(pages))
    spreads = [(item.title, index) for item, index in zip(items, openings, strict=True)
               if index is not None]

    # A proof folder that links out of the output folder is refused, as a cache folder that
    # links out of the book is: a book from someone else could make this write there.
    folder = cache_subfolder(out, "proof")
    if folder is None:
        raise BuildError("refused: a link to a folder outside the output folder; delete it "
                         "(it holds only proof sheets)", out / "proof")
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("openings-*.png"):
        old.unlink()
    document = pypdfium2.PdfDocument(str(pdf))
    font = ImageFont.load_default(size=15)
    page_w, page_h = round(pages[0].width * SCALE), round(pages[0].height * SCALE)
    cell_w, cell_h = 2 * page_w + GAP, page_h + LABEL + GAP
    sheets: list[Path] = []
    try:
        for start in range(0, len(spreads), PER_ROW * ROWS):
            batch = spreads[start:start + PER_ROW * ROWS]
            rows = (len(batch) + PER_ROW - 1) // PER_ROW
            sheet = Image.new("RGB", (PER_ROW * cell_w + GAP, rows * cell_h + GAP), "#d8d8d8")
            draw = ImageDraw.Draw(sheet)
            for n, (title, index) in enumerate(batch):
                x = GAP + (n % PER_ROW) * cell_w
                y = GAP + (n // PER_ROW) * cell_h
                paste_spread(sheet, document, spread_of(index), (x, y), (page_w, page_h), SCALE)
                draw.text((x, y + page_h + 6), f"{title[:48]}  (sheet {index + 1})", fill="#222222",
                          font=font)
            path = folder / f"openings-{start // (PER_ROW * ROWS) + 1:02d}.png"
            png = io.BytesIO()
            sheet.save(png, format="PNG", optimize=True)
            write_atomically(path, png.getvalue())  # a link there is replaced, not written through
            sheets.append(path)
    finally:
        document.close()
    return sheets


def spread_of(index: int) -> int:
    """The left-hand (verso) page index of the spread that shows page `index`; page 0 is a recto."""
    return index - 1 if index % 2 == 0 else index


def paste_spread(sheet: PilImage, document: PdfDocument, left: int, at: tuple[int, int],
                 page_size: tuple[int, int], scale: float) -> None:
    """Draw pages `left` and `left + 1` side by side at `at`, each outlined; a missing page stays blank."""
    from PIL import ImageDraw

    draw = ImageDraw.Draw(sheet)
    page_w, page_h = page_size
    for side, page_index in enumerate((left, left + 1)):
        box = (at[0] + side * page_w, at[1])
        if 0 <= page_index < len(document):
            bitmap = document[page_index].render(scale=scale).to_pil()
            sheet.paste(bitmap.resize((page_w, page_h)), box)
        draw.rectangle((box[0], box[1], box[0] + page_w - 1, box[1] + page_h - 1), outline="#888888")
