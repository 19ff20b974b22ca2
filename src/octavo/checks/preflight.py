"""A printer's preflight of the print PDF: each rule a function, one finding per problem and page.

The rules read the figures of the chosen printer (backends/pdf/printers.py): errors for what
it rejects, warnings for what it advises against. Every rule also states what it measured as
a fact of the report, so a clean book shows what was checked.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from octavo.backends.pdf.geometry import minimum_gutter
from octavo.backends.pdf.printers import Printer
from octavo.backends.pdf.settings import PrintSettings
from octavo.checks.findings import Finding, Report
from octavo.checks.printpdf import PlacedImage, PrintPage, PrintPdf, read_print_pdf
from octavo.model import Book
from octavo.text import relative_name

CHECK = "preflight"  # the check every finding here names
EDGE = 1.0  # points: how far a measured edge may be off (ink is found at 144 dpi; boxes round)
COVER_TOLERANCE = 0.0625  # inches: how far the cover wrap's size may be from the spine's sum


@dataclass
class Preflight:
    """What the rules are given: the printer, the book's [print] settings, the report."""

    printer: Printer
    settings: PrintSettings
    report: Report
    shown: str  # the PDF's name in messages
    images: dict[tuple[int, int], str] = field(default_factory=dict)  # pixels -> manuscript file
    cover: Path | None = None  # the cover wrap, when it exists
    cover_shown: str = ""

    def error(self, message: str, file: str | None = None) -> None:
        self.report.findings.append(Finding("error", CHECK, message, file or self.shown))

    def warning(self, message: str, file: str | None = None) -> None:
        self.report.findings.append(Finding("warning", CHECK, message, file or self.shown))

    def fact(self, check: str, result: str) -> None:
        self.report.facts.append((check, result))


Rule = Callable[[PrintPdf, Preflight], None]


def preflight(pdf: Path, job: Preflight) -> PrintPdf:
    """Run every rule on the print PDF at `pdf`; the findings and facts go to `job.report`."""
    document = read_print_pdf(pdf)
    for rule in RULES:
        rule(document, job)
    return document


def check_trim(pdf: PrintPdf, job: Preflight) -> None:
    """Every page's TrimBox (or MediaBox) is the trim; the MediaBox adds the bleed outside only."""
    settings, bleed = job.settings, job.printer.bleed if job.settings.bleed else 0.0
    sizes: dict[str, list[int]] = {}
    boxes: dict[str, list[int]] = {}
    for page in pdf.pages:
        left, bottom, right, top = page.trimmed
        width, height = (right - left) / 72, (top - bottom) / 72
        if abs(width - settings.width) * 72 > EDGE / 2 or abs(height - settings.height) * 72 > EDGE / 2:
            what = "TrimBox" if page.trim is not None else "MediaBox; no TrimBox"
            sizes.setdefault(f"{width:.4g} × {height:.4g} in (the {what})", []).append(page.number)
        if bleed and page.trim is None:
            boxes.setdefault("no TrimBox, so the printer cannot tell the trim from the bleed",
                             []).append(page.number)
            continue
        reach = _reach(page)
        wanted = {"spine": 0.0, "outside": bleed, "top": bleed, "bottom": bleed}
        if any(abs(reach[side] - wanted[side]) * 72 > EDGE / 2 for side in wanted):
            boxes.setdefault(f"the MediaBox reaches {_sides(reach)} beyond the trim",
                             []).append(page.number)
    for size, numbers in sizes.items():
        job.error(f"page size: {_pages(numbers)} {'is' if len(numbers) == 1 else 'are'} {size}; "
                  f"the trim is {settings.width:g} × {settings.height:g} in")
    want = (f"{bleed:g} in on the outside, top and bottom and none at the spine" if bleed
            else "none: without bleed the MediaBox is the trim")
    for box, numbers in boxes.items():
        job.error(f"bleed: {_pages(numbers)}: {box}; {job.printer.label} wants {want}")
    wrong_size = sum(len(numbers) for numbers in sizes.values())
    wrong_bleed = sum(len(numbers) for numbers in boxes.values())
    job.fact("trim", f"{_count(len(pdf.pages), 'page')}, "
             + (f"each {settings.width:g} × {settings.height:g} in" if not wrong_size else
                f"{wrong_size} not {settings.width:g} × {settings.height:g} in")
             + "; " + (f"bleed {bleed:g} in outside, top and bottom" if bleed else "no bleed")
             + ("" if not wrong_bleed else f", {wrong_bleed} page(s) not so"))


def check_fonts(pdf: PrintPdf, job: Preflight) -> None:
    """Every font the pages use is embedded (Type 3 fonts are drawn by the PDF itself)."""
    for name, first in pdf.unembedded.items():
        job.error(f"font not embedded: {name} (first used on page {first}); "
                  f"{job.printer.label} prints only embedded fonts")
    job.fact("fonts", f"{pdf.fonts} font(s), "
             + ("every one embedded" if not pdf.unembedded
                else f"{len(pdf.unembedded)} not embedded"))


def check_type_size(pdf: PrintPdf, job: Preflight) -> None:
    """The smallest type actually set, as printed (the text matrix and CTM counted)."""
    least = job.printer.min_type_pt
    measured = [(page.smallest, page.number) for page in pdf.pages if page.smallest is not None]
    for (size, text, before), number in measured:
        if size < least - 0.005:
            after = f" (after {before!r})" if before else ""
            job.error(f"type size: page {number}: {text!r}{after} is set in {size:.3g} pt; "
                      f"{job.printer.label} asks for at least {least:g} pt")
    if not measured:
        job.fact("type", "no text")
        return
    (size, text, _before), number = min(measured, key=lambda item: (item[0][0], item[1]))
    job.fact("type", f"smallest {size:.3g} pt (page {number}, {text!r}); "
             f"at least {least:g} pt wanted")


def check_images(pdf: PrintPdf, job: Preflight) -> None:
    """Each image's resolution at the size it is placed, in both directions."""
    least = job.printer.min_image_dpi
    placed = [(image.dpi(), page.number, image) for page in pdf.pages for image in page.images]
    for dpi, number, image in placed:
        if dpi < least - 0.5:
            width, height = image.inches
            job.warning(f"image resolution: page {number}: {_image_name(image, job)} is "
                        f"{image.pixels[0]} × {image.pixels[1]} px placed at {width:.3g} × "
                        f"{height:.3g} in, {dpi:.0f} dpi; {job.printer.label} asks for "
                        f"{least} dpi")
    if not placed:
        job.fact("images", "no images")
        return
    dpi, number, image = min(placed, key=lambda item: item[0])
    job.fact("images", f"{len(placed)} placed; the lowest {dpi:.0f} dpi "
             f"({_image_name(image, job)}, page {number}); {least} dpi wanted")


def check_margins(pdf: PrintPdf, job: Preflight) -> None:
    """The inside margin against the minimum gutter for the page count; the other three
    against the printer's safe distance from the trim.

    A printer's margins are about the text area (KDP: the "inside margin"), so text is measured
    by its lines' frame, not by the ink of a glyph hanging past it (printpdf._frame): a drop
    cap's hook or an italic f at the gutter is no fault, a line or an image set into it is.
    """
    count, safe = len(pdf.pages), job.printer.interior_safe
    gutter = minimum_gutter(count)
    insides: list[tuple[float, int]] = []
    others: list[tuple[float, int]] = []
    for page in pdf.pages:
        if page.frame is None:
            continue
        distances = _margins(page)
        insides.append((distances["spine"], page.number))
        if distances["spine"] < gutter - EDGE / 72:
            job.error(f"gutter: page {page.number}: content {_inches(distances['spine'])} from "
                      f"the spine; {gutter:g} in is the least for {_count(count, 'page')}")
        near = [side for side in ("outside", "top", "bottom") if distances[side] < safe - EDGE / 72]
        others += [(distances[side], page.number) for side in ("outside", "top", "bottom")]
        if near:
            where = ", ".join(f"{_inches(distances[side])} from the {side} edge" for side in near)
            job.error(f"safe area: page {page.number}: content {where}; {job.printer.label} "
                      f"keeps content {safe:g} in inside the trim")
    if not insides:
        job.fact("margins", "no page prints anything")
        return
    inside, number = min(insides)
    job.fact("gutter", f"the least {_inches(inside)} (page {number}); {gutter:g} in wanted "
             f"for {_count(count, 'page')}")
    outer, number = min(others)
    job.fact("margins", f"outside, top and bottom the least {_inches(outer)} (page {number}); "
             f"{safe:g} in wanted")


def check_page_count(pdf: PrintPdf, job: Preflight) -> None:
    """An even number of pages, within what the printer binds on the book's paper."""
    count, printer, paper = len(pdf.pages), job.printer, job.settings.paper
    most = printer.max_pages[paper]
    if count % 2:
        job.error(f"page count: {_count(count, 'page')}, an odd number; a leaf has two pages: end the "
                  "book on a blank page or take one out")
    if count < printer.min_pages:
        job.error(f"page count: {_count(count, 'page')}; {printer.label} binds at least "
                  f"{printer.min_pages}")
    elif count > most:
        job.error(f"page count: {count} pages; {printer.label} binds at most {most} on "
                  f"{paper} paper")
    job.fact("pages", f"{_count(count, 'page')} ({'odd' if count % 2 else 'even'}); "
             f"{printer.label} binds {printer.min_pages}–{most} on {paper} paper")


def check_print_profile(pdf: PrintPdf, job: Preflight) -> None:
    """No links or other annotations, and no bookmarks: they mean nothing on paper."""
    annotated = [page.number for page in pdf.pages if page.annotations]
    total = sum(page.annotations for page in pdf.pages)
    if annotated:
        job.warning(f"links: {total} link(s) or other annotation(s) on {_pages(annotated)}; a "
                    'print PDF has none ([print] profile = "print")')
    if pdf.outline:
        job.warning(f"bookmarks: the PDF has an outline ({pdf.outline} top-level bookmark(s)); "
                    'a print PDF has none ([print] profile = "print")')
    job.fact("profile", f"{total} link(s), {pdf.outline} bookmark(s)")


def check_blank_pages(pdf: PrintPdf, job: Preflight) -> None:
    """Runs of blank pages (nothing prints on them): a few at most, a few more at the end."""
    runs = _runs([page.number for page in pdf.pages if page.ink is None])
    last = len(pdf.pages)
    for first, end in runs:
        at_end = end == last
        limit = job.printer.blank_run_end if at_end else job.printer.blank_run_inside
        length = end - first + 1
        if length > limit:
            where = "at the end" if at_end else "at the start or in the middle"
            job.error(f"blank pages: pages {first}–{end}, {length} blank pages in a row; "
                      f"{job.printer.label} allows {limit} {where}")
    blanks = sum(end - first + 1 for first, end in runs)
    if not runs:
        job.fact("blanks", "no blank pages")
        return
    first, end = max(runs, key=lambda run: run[1] - run[0])
    job.fact("blanks", f"{blanks} blank page(s); the longest run {end - first + 1} "
             f"({_pages(range(first, end + 1))})")


def check_spine(pdf: PrintPdf, job: Preflight) -> None:
    """The spine's width as a fact; the cover wrap's size against it, when there is one."""
    printer, settings, count = job.printer, job.settings, len(pdf.pages)
    spine = printer.spine_width(count, settings.paper)
    text = ("text allowed" if printer.spine_text_allowed(count)
            else f"no text (under {printer.spine_text_min_pages} pages)")
    job.fact("spine", f"{spine:.4f} in ({spine * 25.4:.2f} mm) for {_count(count, 'page')} of "
             f"{settings.paper} paper; {text}")
    if job.cover is None:
        job.fact("cover", "no cover wrap to measure")
        return
    size = _cover_size(job.cover)
    if size is None:
        job.error("cover: not a PDF with a page (it cannot be measured)", job.cover_shown)
        return
    width, height = size
    bleed = printer.bleed
    wanted = (2 * settings.width + spine + 2 * bleed, settings.height + 2 * bleed)
    wrong = False
    for what, size, want in (("width", width, wanted[0]), ("height", height, wanted[1])):
        if abs(size - want) > COVER_TOLERANCE:
            wrong = True
            sum_of = (f"2 × {settings.width:g} in trim + {spine:.4f} in spine + 2 × {bleed:g} "
                      "in bleed" if what == "width" else
                      f"{settings.height:g} in trim + 2 × {bleed:g} in bleed")
            job.error(f"cover {what}: {size:.4f} in; {want:.4f} in wanted ({sum_of}, for "
                      f"{count} pages)", job.cover_shown)
    job.fact("cover", f"{job.cover_shown}: {width:.4f} × {height:.4f} in"
             + ("; NOT the trim, spine and bleed" if wrong else "; fits the spine"))


def manuscript_images(book: Book, root: Path) -> dict[tuple[int, int], str]:
    """The book's raster images by their size in pixels, which the PDF keeps: each named by its
    file (relative to `root`), so that a finding names the picture the writer placed."""
    from PIL import Image as Pillow
    from PIL import UnidentifiedImageError

    names: dict[tuple[int, int], list[str]] = {}
    for image in book.images:
        if image.media_type == "image/svg+xml":
            continue
        name = relative_name(image.source, root) if image.data is None else image.href
        try:
            with Pillow.open(io.BytesIO(image.data) if image.data is not None
                             else image.source) as picture:
                size = picture.size
        except (OSError, UnidentifiedImageError):
            continue
        if name not in names.setdefault(size, []):
            names[size].append(name)
    return {size: " or ".join(found) for size, found in names.items()}


RULES: tuple[Rule, ...] = (check_trim, check_fonts, check_type_size, check_images,
                           check_margins, check_page_count, check_print_profile,
                           check_blank_pages, check_spine)


def _reach(page: PrintPage) -> dict[str, float]:
    """How far the MediaBox reaches beyond the trim on each side, in inches."""
    media, trim = page.media, page.trimmed
    left, right = (trim[0] - media[0]) / 72, (media[2] - trim[2]) / 72
    spine, outside = (left, right) if page.recto else (right, left)
    return {"spine": spine, "outside": outside, "top": (media[3] - trim[3]) / 72,
            "bottom": (trim[1] - media[1]) / 72}


def _margins(page: PrintPage) -> dict[str, float]:
    """How far the content lies from each edge of the trim, in inches (negative: in the bleed):
    at the sides the text's frame or else the ink, above and below the ink (PrintPage.frame)."""
    assert page.frame is not None
    trim, frame = page.trimmed, page.frame
    left, right = (frame[0] - trim[0]) / 72, (trim[2] - frame[2]) / 72
    spine, outside = (left, right) if page.recto else (right, left)
    return {"spine": spine, "outside": outside, "top": (trim[3] - frame[3]) / 72,
            "bottom": (frame[1] - trim[1]) / 72}


def _sides(reach: dict[str, float]) -> str:
    """"0.125 in at the spine, 0.125 in outside, top and bottom"."""
    groups: dict[str, list[str]] = {}
    for side, inches in reach.items():
        groups.setdefault(f"{inches:.4g} in", []).append(
            "at the spine" if side == "spine" else side)
    return ", ".join(f"{amount} {_and(sides)}" for amount, sides in groups.items())


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def _inches(value: float) -> str:
    """A measured distance, to the hundredth of an inch (the ink is found to 1/144 in)."""
    return f"{value:.2f} in" if value >= 0 else f"{-value:.2f} in past the trim"


def _image_name(image: PlacedImage, job: Preflight) -> str:
    return job.images.get(image.pixels) or f"image {image.name}"


def _runs(numbers: list[int]) -> list[tuple[int, int]]:
    """[3, 4, 5, 9] -> [(3, 5), (9, 9)]."""
    runs: list[tuple[int, int]] = []
    for number in numbers:
        if runs and runs[-1][1] == number - 1:
            runs[-1] = (runs[-1][0], number)
        else:
            runs.append((number, number))
    return runs


def _pages(numbers: Iterable[int], most: int = 6) -> str:
    """"page 3", "pages 1–27", "pages 1, 3, 5, … (14 pages)"."""
    listed = list(numbers)
    runs = _runs(listed)
    if len(listed) == 1:
        return f"page {listed[0]}"
    shown = [f"{a}" if a == b else f"{a}–{b}" for a, b in runs[:most]]
    more = f", … ({len(listed)} pages)" if len(runs) > most else ""
    return "pages " + ", ".join(shown) + more


def _cover_size(path: Path) -> tuple[float, float] | None:
    """The size of the cover wrap's first page (its MediaBox) in inches; None if unreadable."""
    import pikepdf

    try:
        with pikepdf.open(path) as pdf:
            left, bottom, right, top = (float(v) for v in pdf.pages[0].obj.MediaBox)
    except (pikepdf.PdfError, OSError, IndexError, AttributeError, ValueError):
        return None
    return abs(right - left) / 72, abs(top - bottom) / 72
