"""What each print-on-demand printer asks of a paperback: paper, page counts, spine, blanks."""

from __future__ import annotations

from dataclasses import dataclass

PAPERS = ("white", "cream")


@dataclass(frozen=True)
class Printer:
    """A printer's published figures for a black-and-white perfect-bound paperback (inches)."""

    name: str
    label: str
    page_thickness: dict[str, float]  # paper -> inches per page (a leaf is two pages)
    min_pages: int
    max_pages: dict[str, int]  # paper -> the most pages it binds
    spine_text_min_pages: int  # fewer pages than this: nothing on the spine
    spine_clearance: float  # spine text this far from each fold
    bleed: float  # beyond the trim, outside, top and bottom
    interior_safe: float  # text this far from the trim (outside, top, bottom)
    cover_safe: float  # cover text this far from the trim and the folds
    barcode: tuple[float, float]  # width, height of the barcode box, bottom right of the back
    barcode_inset: float  # the box this far from the back's trim edges (right of back = spine)
    blank_run_inside: int  # the most consecutive blank pages at the start or in the middle
    blank_run_end: int  # the most consecutive blank pages at the end
    min_type_pt: float = 7.0
    min_image_dpi: int = 300

    def spine_width(self, pages: int, paper: str) -> float:
        """The spine in inches for `pages` pages (rounded up to even) on `paper`."""
        return (pages + pages % 2) * self.page_thickness[paper]

    def spine_text_allowed(self, pages: int) -> bool:
        return pages >= self.spine_text_min_pages


# Amazon KDP, "Paperback cover" (kdp.amazon.com/en_US/help/topic/G201953020): spine width = pages ×
# 0.002252 in (white) or 0.0025 in (cream); spine text only for more than 79 pages, 0.0625 in from
# each fold; bleed 0.125 in; barcode area 2 × 1.2 in at the back's bottom right. "Paperback manual
# review checklist" (kdp.amazon.com/en_US/help/topic/GYEKAVKMSE23PFTM): no more than two
# consecutive blank pages at the start or in the middle, ten at the end; text at least 7 pt.
# Page counts (kdp.amazon.com/en_US/help/topic/G201834180): 24 to 828 (white) or 776 (cream).
KDP = Printer(
    name="kdp", label="Amazon KDP",
    page_thickness={"white": 0.002252, "cream": 0.0025},
    min_pages=24, max_pages={"white": 828, "cream": 776},
    spine_text_min_pages=80, spine_clearance=0.0625,
    bleed=0.125, interior_safe=0.25, cover_safe=0.125,
    barcode=(2.0, 1.2), barcode_inset=0.25,
    blank_run_inside=2, blank_run_end=10,
)

# IngramSpark publishes no paper thickness: its cover template generator gives each book's
# spine, and is the final word. 50 lb white 444 pages per inch and 50 lb creme 400 (0.002252 and
# 0.0025 in a page) agree with the guides that quote it (e.g. cambric.pages.dev/guides/
# 5-5x8-5-ingramspark-specs). Cover art 0.25 in from the trim, the fold shifting up to 1/16 in
# (help.ingramspark.com/hc/en-us/articles/5338636202637, "Manufacturing and File Setup Tips");
# interior content 0.5 in from the trim (ingramspark.com/blog/file-requirements-for-print-books);
# spine text only from 48 pages (Lightning Source File Creation Guide v13: a 36-page template says
# "No spine text allowed"); a free barcode placed at the back's lower right when the cover has
# none (help.lightningsource.com/hc/en-us/articles/5294180976525). Page counts from the trim size
# matrix (as quoted in docs.rs/kernsetzer-model, presets::INGRAM_MIN_PAGES): 18 to 1,200 on 50 lb
# white, 1,050 on 50 lb creme. The barcode box's 3.5 × 2 in (ISBN and price) is a generous
# reading of the template; no published figure was found.
INGRAMSPARK = Printer(
    name="ingramspark", label="IngramSpark",
    page_thickness={"white": 1 / 444, "cream": 1 / 400},
    min_pages=18, max_pages={"white": 1200, "cream": 1050},
    spine_text_min_pages=48, spine_clearance=0.0625,
    bleed=0.125, interior_safe=0.5, cover_safe=0.25,
    barcode=(3.5, 2.0), barcode_inset=0.25,
    blank_run_inside=2, blank_run_end=10,
)

PRINTERS = {printer.name: printer for printer in (KDP, INGRAMSPARK)}
