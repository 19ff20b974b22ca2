"""The cover wrap: back, spine and front on one sheet with bleed, sized by the print PDF's pages.

The PDF format's companion: it renders right after the print PDF, in the same build, and reads
the page count that PDF left in the facts (base.PDF_PAGES). The spine is that count times the
printer's paper thickness (printers.py). One HTML document (the theme's coverwrap.html) holds
the three panels; everything in it is drawn at the typographic cover's scale, a front 4 in wide
(covers.py), and enlarged to the trim, so that the front is the EPUB's cover and the theme's
cover.css styles all three panels. WeasyPrint lays it out; this module places the panels and
measures what it laid out: the spine's lettering shrinks until it fits (never below
SPINE_MIN_PT: the author goes first, then the title), the description steps down a size until it
clears the barcode box, and is cut (by words, or by characters in a text without spaces) if even
the smallest size does not.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from octavo.backends.base import PDF_PAGES, RenderContext
from octavo.backends.pdf.printers import PRINTERS, Printer
from octavo.backends.pdf.settings import PrintSettings
from octavo.backends.shared import image_bytes, image_url
from octavo.errors import BuildError, ThemeError
from octavo.model import Book, Image
from octavo.paths import html_problems
from octavo.themes import Theme, builtin_styles_dir, render_template

TEMPLATE = "coverwrap.html"
STYLESHEET = "coverwrap.css"  # the theme's (its parents' first); base's when it has none
DESIGN_WIDTH = 4.0  # inches: the typographic cover is designed 4 in wide (covers.PAGE_CSS)
PT = 72  # points per inch
# The description's sizes (classes coverwrap.css sizes), largest first: the first that fits
# above the barcode box is used.
BACK_SIZES = ("xl", "l", "m", "s", "xs")
SPINE_MAX_PT = 22.0  # the largest spine lettering, as printed
SPINE_MIN_PT = 5.0  # smaller cannot be read: a spine this narrow (between the clearances) is bare
SPINE_EM = 1.3  # a line of lettering, ascenders to descenders, in ems: it must fit the spine
GAP = 0.2  # inches between the description (or the imprint) and the barcode box
IMPRINT_ROOM = 0.4  # inches: the imprint's line, when it sits above the barcode box
# Each size, the imprint moved, the spine shrunk (or its author dropped, or left bare), and
# once more to check; the spine's steps are taken in the same layouts as the back's.
MAX_LAYOUTS = len(BACK_SIZES) + 3
# More characters than this to a space: a text written without spaces (Chinese, Japanese, Thai),
# cut by characters, not by words.
CHARACTERS_PER_WORD = 20
# A "word" longer than this is no word (a text without spaces, a URL): the back breaks it
# anywhere instead of trying every hyphenation of it, which takes minutes.
LONG_WORD = 80
UNBROKEN_CSS = ".back-text { hyphens: manual; overflow-wrap: anywhere; }"
# The wraps laid out, kept in the book's cache: an edit that leaves the page count as it was
# does not lay the wrap out again. Its dates are not in the key: press_ready sets them.
CACHE_FOLDER = "cover-wraps"
CACHE_FORMAT = "octavo-wrap-1"  # changes when the cache's contents change meaning
KEEP = 4  # wraps kept: a page count going back and forth is not laid out again
# The page's dates, as the template gives them to WeasyPrint: press_ready sets them anew.
_DATED = re.compile(r'<meta name="dcterms\.(?:created|modified)" content="[^"]*" />')
_PARAGRAPH = re.compile(r"\n\s*\n")
_CHARACTER = r"\X"  # a grapheme cluster: a letter and its combining marks, an emoji sequence

# What the spine is lettered with: the title and the author(s), the title alone, nothing.
Spine = Literal["full", "title", "bare"]


@dataclass(frozen=True)
class Wrap:
    """A wrap's geometry in inches, from the sheet's top left corner."""

    printer: Printer
    paper: str
    pages: int
    trim_width: float
    trim_height: float

    @property
    def bleed(self) -> float:
        return self.printer.bleed

    @property
    def spine(self) -> float:
        return self.printer.spine_width(self.pages, self.paper)

    @property
    def width(self) -> float:
        """bleed + back + spine + front + bleed."""
        return self.bleed + self.trim_width + self.spine + self.trim_width + self.bleed

    @property
    def height(self) -> float:
        return self.bleed + self.trim_height + self.bleed

    @property
    def scale(self) -> float:
        """How much the design (a 4 in wide front) is enlarged to the trim."""
        return self.trim_width / DESIGN_WIDTH

    @property
    def lettering(self) -> float:
        """The spine lettering's largest size in points: a line of it fits between the
        clearances at each fold (at most SPINE_MAX_PT)."""
        room = max(self.spine - 2 * self.printer.spine_clearance, 0.0)
        return min(SPINE_MAX_PT, room * PT / SPINE_EM)

    @property
    def spine_text(self) -> bool:
        """Title and authors on the spine: the printer allows it at this page count, and the
        spine leaves room for type that can be read."""
        return self.printer.spine_text_allowed(self.pages) and self.lettering >= SPINE_MIN_PT

    @property
    def trim_box(self) -> tuple[float, float, float, float]:
        """The whole wrap's trim: left, top, right, bottom."""
        return self.bleed, self.bleed, self.width - self.bleed, self.height - self.bleed

    @property
    def spine_box(self) -> tuple[float, float, float, float]:
        left = self.bleed + self.trim_width
        return left, self.bleed, left + self.spine, self.height - self.bleed

    @property
    def barcode_box(self) -> tuple[float, float, float, float]:
        """Where the printer prints the ISBN barcode: the back's bottom right, inset from its
        trim edge and the spine fold."""
        width, height = self.printer.barcode
        right = self.bleed + self.trim_width - self.printer.barcode_inset
        bottom = self.height - self.bleed - self.printer.barcode_inset
        return right - width, bottom - height, right, bottom


def wrap_for(settings: PrintSettings, pages: int) -> Wrap:
    """The wrap of a book of `pages` pages printed as [print] says."""
    return Wrap(printer=PRINTERS[settings.printer], paper=settings.paper, pages=pages,
                trim_width=settings.width, trim_height=settings.height)


def render_wrap(book: Book, theme: Theme, target: Path, context: RenderContext) -> None:
    """Write the cover wrap at `target` for the print PDF this build just made, press-ready
    (its colours in the output profile's CMYK, with the output intent; dates from the build's
    epoch)."""
    from octavo.backends.pdf.press import output_profile, press_ready

    settings: PrintSettings = context.settings
    pages = context.facts.get(PDF_PAGES)
    if not isinstance(pages, int) or pages < 1:
        raise BuildError("the cover wrap needs the print PDF's page count; build the PDF")
    profile = output_profile(settings, context.book_root)  # checked before the layout
    target.write_bytes(_kept_wrap(book, theme, context, pages))
    press_ready(target, settings, book.metadata, context.source_epoch, profile, cover=True)


def keep_wrap(book: Book, theme: Theme, context: RenderContext, pages: int) -> None:
    """In a PDF worker: lay the wrap out for a guessed page count and keep it in the cache
    (with its warnings), so that the build finds it there if the guess holds. A mistake is
    left for the build to report, when it lays the wrap out itself."""
    with contextlib.suppress(Exception):
        _kept_wrap(book, theme, context, pages)


def _kept_wrap(book: Book, theme: Theme, context: RenderContext, pages: int) -> bytes:
    """`wrap_pdf`'s bytes, from the book's cache if nothing they are made from changed, with
    the warnings it gave then; else laid out, and kept."""
    from octavo.uptodate import KeptFiles

    kept = KeptFiles(context.cache, CACHE_FOLDER, ".pdf", KEEP)
    key = _wrap_key(book, theme, context, pages)
    found = kept.get(key)
    if found is not None:
        data, facts = found
        warned = facts.get("warnings")
        if isinstance(warned, list) and all(isinstance(text, str) for text in warned):
            context.diagnostics.repeat(warned)
            return data
    before = list(context.diagnostics.warnings)
    data = wrap_pdf(book, theme, context, pages)
    kept.put(key, data, {"warnings": [text for text in context.diagnostics.warnings
                                      if text not in before]})
    return data


def _wrap_key(book: Book, theme: Theme, context: RenderContext, pages: int) -> str:
    """A hash of what the wrap is laid out from: the book's facts and cover, the [print]
    settings, the page count, the theme's files and its page as the template gives it,
    Octavo and WeasyPrint; with this user's secret (uptodate.local_secret).

    The date is left out where it goes only into the page's dates, which press_ready sets:
    a theme's template that prints it elsewhere puts it into the key."""
    from octavo.covers import cover_page
    from octavo.uptodate import add_files, code_fingerprint, local_secret, weasyprint_version

    wrap = wrap_for(context.settings, pages)
    page = wrap_html(book, theme, wrap, context.source_epoch, BACK_SIZES[0],
                     [p.strip() for p in _PARAGRAPH.split(book.metadata.description) if p.strip()],
                     cover_page(book.metadata, theme)[0])
    page = _DATED.sub("", page)
    digest = hashlib.sha256(local_secret())
    for part in (CACHE_FORMAT, code_fingerprint(), weasyprint_version(), repr(book.metadata),
                 repr(context.settings), str(pages), str(context.book_root.resolve()), page):
        digest.update(part.encode("utf-8") + b"\0")
    if book.cover is not None:
        digest.update(hashlib.sha256(image_bytes(book.cover)).digest())
    add_files(digest, dict.fromkeys((*theme.folders, builtin_styles_dir())))
    return digest.hexdigest()[:40]


def wrap_pdf(book: Book, theme: Theme, context: RenderContext, pages: int) -> bytes:
    """The cover wrap of `book` at `pages` pages, as PDF bytes (the same bytes each time)."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import FatalURLFetchingError

    from octavo.backends.pdf.compose import prepared_css
    from octavo.backends.pdf.fetcher import BookFetcher, failures_raised
    from octavo.covers import cover_page

    settings: PrintSettings = context.settings
    wrap = wrap_for(settings, pages)
    meta = book.metadata
    cover = book.cover
    front_html, cover_sheet = cover_page(meta, theme)
    if cover is not None:
        _check_resolution(cover, wrap, context)
    description = [p.strip() for p in _PARAGRAPH.split(meta.description) if p.strip()]
    back_size = 0  # in BACK_SIZES
    imprint_above = False  # the publisher's name above the barcode box, not beside it
    spine: Spine = "full" if wrap.spine_text else "bare"
    spine_pt = wrap.lettering
    long_word = any(len(word) > LONG_WORD for p in description for word in p.split())
    fetcher = BookFetcher([context.book_root, *theme.folders])
    fonts = FontConfiguration()
    base_url = context.book_root.resolve().as_uri() + "/"
    try:
        with failures_raised():
            css = cover_sheet + "\n" + _wrap_css(theme) + ("\n" + UNBROKEN_CSS if long_word else "")
            sheet = CSS(string=prepared_css(theme, css), url_fetcher=fetcher, font_config=fonts)

            def lay_out(paragraphs: list[str]) -> Any:
                html = wrap_html(book, theme, wrap, context.source_epoch,
                                 BACK_SIZES[back_size], paragraphs, front_html, imprint_above,
                                 spine)
                geometry = CSS(string=geometry_css(wrap, spine_pt, imprint_above),
                               url_fetcher=fetcher, font_config=fonts)
                return HTML(string=html, base_url=base_url, url_fetcher=fetcher).render(
                    stylesheets=[sheet, geometry], font_config=fonts)

            for _ in range(MAX_LAYOUTS):
                document = lay_out(description)
                again = False
                if not imprint_above and _shrink(document, "back-imprint"):
                    imprint_above = again = True
                elif _overflows(document, "back-safe", "back-text") \
                        and back_size < len(BACK_SIZES) - 1:
                    back_size += 1
                    again = True
                if spine != "bare" and (fit := _fit(document, "spine-text")) is not None:
                    shrink, smallest = fit
                    if spine_pt * shrink * smallest < SPINE_MIN_PT:
                        # Too small to read: the title alone, if it fits at SPINE_MIN_PT or
                        # more (as large as the spine allows), else nothing.
                        title = _fit(document, "spine-text", "spine-title", grow=True) \
                            if spine == "full" and meta.authors else None
                        size = 0.0 if title is None else \
                            min(spine_pt * title[0], wrap.lettering)
                        spine = "title" if title and size * title[1] >= SPINE_MIN_PT else "bare"
                        spine_pt = size if spine == "title" else spine_pt
                        again = True
                    elif shrink < 1:
                        spine_pt *= shrink
                        again = True
                if not again:
                    break
            else:  # the last change is not laid out yet
                document = lay_out(description)
            if spine != ("full" if wrap.spine_text else "bare"):
                context.diagnostics.warn(_spine_warning(spine, len(meta.authors)), "book.toml")
            if _overflows(document, "back-safe", "back-text"):
                # Even the smallest size runs into the barcode box: keep the most words (or
                # characters) that fit (text clipped from view would still be there, under the
                # barcode).
                by, units = _units(description)
                total = sum(len(u) for u in units)
                fits, over = 0, total
                while over - fits > 1:
                    middle = (fits + over) // 2
                    if _overflows(lay_out(_cut(units, middle, by)), "back-safe", "back-text"):
                        over = middle
                    else:
                        fits = middle
                document = lay_out(_cut(units, fits, by))
                context.diagnostics.warn(
                    f"the description is too long for the back cover: its first {fits} of "
                    f"{total} {by} fit; shorten it", "book.toml")
            return document.write_pdf(pdf_identifier=meta.identifier.encode("utf-8"),
                                      pdf_version="1.7", finisher=_boxes(wrap))
    except FatalURLFetchingError as exc:
        raise BuildError(f"cover wrap: {exc}") from None


def wrap_html(book: Book, theme: Theme, wrap: Wrap, epoch: int, back_size: str,
              description: list[str], front_page: str, imprint_above: bool = False,
              spine: Spine = "full") -> str:
    """The wrap's HTML: the theme's coverwrap.html, the front the typographic cover's body (or
    the book's cover image); the spine lettered as `spine` says, where the wrap allows it."""
    from markupsafe import Markup

    meta = book.metadata
    image = image_url(book.cover) if book.cover is not None else ""
    templates = theme.templates()
    stamp = dt.datetime.fromtimestamp(epoch, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    html = render_template(
        templates, TEMPLATE, meta=meta, stamp=stamp, printer=wrap.printer.name,
        description=description, back_size=back_size,
        spine_text=wrap.spine_text and spine != "bare",
        authors=" & ".join(meta.authors) if spine == "full" else "", cover_image=image,
        imprint_above=imprint_above,
        front=Markup(_body(front_page)))  # the theme's own cover.html, as rendered
    problems = html_problems(html, allowed=frozenset({image} if image else ()))
    if problems:  # a theme's own template reaching for the network or another file
        where = templates.get_template(TEMPLATE).filename
        raise ThemeError(problems[0], Path(where) if where else TEMPLATE)
    return html


def geometry_css(wrap: Wrap, spine_pt: float, imprint_above: bool = False) -> str:
    """Where the panels, the spine's lettering and the barcode box go (last: the printer's
    figures win over the theme's). In the design's inches, but the page, which is the sheet.
    The imprint (the publisher) sits left of the barcode box, or above it if it is crowded
    there."""
    scale = wrap.scale
    printer = wrap.printer

    def at(inches: float) -> str:
        return f"{inches / scale:.5f}in"

    spine_left, top, spine_right, bottom = wrap.spine_box
    length = wrap.trim_height - 2 * printer.cover_safe  # the lettering runs down the spine
    thickness = max(wrap.spine - 2 * printer.spine_clearance, 0.0)
    bar_left, bar_top, bar_right, bar_bottom = wrap.barcode_box
    safe = printer.cover_safe
    foot = max(safe, printer.barcode_inset)  # the imprint's foot, from the trim's
    imprint_width = bar_left - GAP - wrap.bleed - safe  # left of the barcode box
    text_bottom = bar_top - GAP  # the description's foot, from the sheet's top
    if imprint_above:
        foot = bottom - bar_top + GAP
        imprint_width = wrap.trim_width - 2 * safe
        text_bottom -= IMPRINT_ROOM
    return f"""
@page {{ size: {wrap.width:.6f}in {wrap.height:.6f}in; margin: 0; }}
html, body {{ margin: 0; padding: 0; }}
.wrap {{ position: absolute; left: 0; top: 0; width: {at(wrap.width)}; height: {at(wrap.height)};
         margin: 0; transform-origin: 0 0; transform: scale({scale:.6f}); }}
.wrap-ground {{ position: absolute; left: {at(wrap.bleed)}; top: {at(wrap.bleed)};
                width: {at(wrap.width - 2 * wrap.bleed)}; height: {at(wrap.trim_height)};
                margin: 0; padding: 0; overflow: visible; }}
.wrap-back, .wrap-spine, .wrap-front {{ position: absolute; top: {at(top)};
    height: {at(bottom - top)}; margin: 0; padding: 0; box-sizing: border-box; }}
.wrap-back {{ left: {at(wrap.bleed)}; width: {at(wrap.trim_width)}; }}
.wrap-spine {{ left: {at(spine_left)}; width: {at(spine_right - spine_left)}; }}
.wrap-front {{ left: {at(spine_right)}; width: {at(wrap.trim_width)}; }}
.back-safe {{ position: absolute; left: {at(safe)}; top: {at(safe)};
    width: {at(wrap.trim_width - 2 * safe)}; height: {at(max(text_bottom - top - safe, 0.0))};
    margin: 0; overflow: hidden; box-sizing: border-box; }}
.back-imprint {{ position: absolute; left: {at(safe)}; bottom: {at(foot)};
    width: {at(max(imprint_width, 0.0))}; margin: 0; white-space: nowrap; overflow: hidden;
    box-sizing: border-box; }}
.spine-text {{ position: absolute; left: {at((wrap.spine - length) / 2)};
    top: {at((bottom - top - thickness) / 2)}; width: {at(length)}; height: {at(thickness)};
    margin: 0; padding-top: 0; padding-bottom: 0; border: none; box-sizing: border-box;
    font-size: {spine_pt / scale:.4f}pt; line-height: {at(thickness)}; white-space: nowrap;
    overflow: visible; transform: rotate(90deg); transform-origin: 50% 50%; }}
.front-image {{ position: absolute; left: 0; top: {at(-wrap.bleed)};
    width: {at(wrap.trim_width + wrap.bleed)}; height: {at(wrap.height)}; margin: 0;
    object-fit: cover; object-position: 50% 50%; }}
.wrap-barcode {{ position: absolute; left: {at(bar_left)}; top: {at(bar_top)};
    width: {at(bar_right - bar_left)}; height: {at(bar_bottom - bar_top)}; margin: 0;
    padding: 0; background: #fff; transform: none; }}
.wrap-barcode::before, .wrap-barcode::after {{ content: none; }}
"""


def _wrap_css(theme: Theme) -> str:
    """The theme's coverwrap.css (its parents' first); a theme that has none gets base's."""
    if any(not path.name.startswith("extra-") for path in theme.sources(STYLESHEET)):
        return theme.read_css(STYLESHEET)
    default = builtin_styles_dir() / "base" / STYLESHEET
    return theme.fill_variables(default.read_text(encoding="utf-8"), default)


def _body(page: str) -> str:
    """What is inside the <body> of a rendered page (the typographic cover's)."""
    import lxml.html

    body = lxml.html.document_fromstring(page).body
    return (body.text or "") + "".join(lxml.html.tostring(child, encoding="unicode")
                                       for child in body)


def _spine_warning(spine: Spine, authors: int) -> str:
    """What the wrap says when the spine could not hold all its lettering at SPINE_MIN_PT."""
    at = f"{SPINE_MIN_PT:g} pt"
    if spine == "title":
        who, are = ("the authors", "are") if authors > 1 else ("the author", "is")
        return f"[book] authors: the spine is too narrow for the title and {who} at {at}: " \
               f"{who} {are} left off the spine"
    return f"[book] title: the spine is too narrow for the title at {at}: the spine is left " \
           "bare; a shorter title fits"


def _units(paragraphs: list[str]) -> tuple[str, list[list[str]]]:
    """What the description is cut by ("words" or "characters") and the paragraphs in them:
    words, or characters (grapheme clusters) in a text with few spaces (Chinese, Japanese,
    Thai)."""
    import regex

    words = [p.split() for p in paragraphs]
    characters = [regex.findall(_CHARACTER, p) for p in paragraphs]
    if sum(map(len, characters)) > CHARACTERS_PER_WORD * sum(map(len, words)):
        return "characters", characters
    return "words", words


def _cut(paragraphs: list[list[str]], count: int, by: str) -> list[str]:
    """The first `count` units (words or characters, as `by` says) of the paragraphs, an
    ellipsis after the last."""
    joiner, ellipsis = (" ", " …") if by == "words" else ("", "…")
    kept: list[str] = []
    for units in paragraphs:
        if count <= 0:
            break
        text = joiner.join(units[:count])
        kept.append(text.rstrip() + ellipsis if len(units) > count else text)
        count -= len(units)
    if kept and count <= 0 and not kept[-1].endswith("…") and len(kept) < len(paragraphs):
        kept[-1] += ellipsis
    return kept


def _check_resolution(cover: Image, wrap: Wrap, context: RenderContext) -> None:
    """Warn when the cover image has fewer pixels than the printer wants over the front."""
    from octavo.covers import cover_size

    size = cover_size(cover)
    if size is None:  # an SVG: it scales
        return
    width, height = wrap.trim_width + wrap.bleed, wrap.height  # the front and its bleed
    dpi = min(size[0] / width, size[1] / height)  # it covers the panel: the tighter side wins
    wanted = wrap.printer.min_image_dpi
    if dpi < wanted:
        context.diagnostics.warn(
            f"[book] cover: {size[0]}×{size[1]} px prints at {dpi:.0f} dpi on the cover wrap's "
            f"{width:g} × {height:g} in front; {wrap.printer.label} wants {wanted} dpi "
            f"({round(width * wanted)}×{round(height * wanted)} px)", "book.toml")


def _boxes(wrap: Wrap) -> Any:
    """A WeasyPrint finisher: the TrimBox at the wrap's trim, the BleedBox and MediaBox the
    whole sheet."""
    import pydyf

    left, top, right, bottom = (round(v * PT, 4) for v in wrap.trim_box)
    width, height = round(wrap.width * PT, 4), round(wrap.height * PT, 4)

    def finish(document: Any, pdf: Any) -> None:
        for obj in pdf.objects:
            if isinstance(obj, pydyf.Dictionary) and obj.get("Type") == "/Page":
                obj["MediaBox"] = pydyf.Array([0, 0, width, height])
                obj["BleedBox"] = pydyf.Array([0, 0, width, height])
                obj["TrimBox"] = pydyf.Array([left, height - bottom, right, height - top])

    return finish


def _boxes_of(document: Any, name: str) -> list[Any]:
    """The laid-out boxes of the elements with class `name`."""
    found = []
    for box in document.pages[0]._page_box.descendants(placeholders=True):
        element = getattr(box, "element", None)
        if element is not None and hasattr(element, "get") \
                and name in (element.get("class") or "").split() and not _generated(box):
            found.append(box)
    return found


def _generated(box: Any) -> bool:
    return bool(getattr(box, "pseudo_type", None))


def _overflows(document: Any, container: str, content: str) -> bool:
    """True when the `content` box runs past the foot of its `container` box."""
    outer, inner = _boxes_of(document, container), _boxes_of(document, content)
    if not outer or not inner:
        return False
    limit = outer[0].content_box_y() + outer[0].height
    return inner[0].position_y + inner[0].margin_height() > limit + 0.5


def _shrink(document: Any, name: str) -> float | None:
    """How much the one line of the element with class `name` must shrink to fit its box's
    width (None: it fits, or there is none)."""
    fit = _fit(document, name)
    return None if fit is None or fit[0] >= 1 else fit[0]


def _fit(document: Any, name: str, part: str | None = None,
         grow: bool = False) -> tuple[float, float] | None:
    """The one line of the element with class `name` (or only its `part`, a class inside it):
    how much its text must be scaled to fit the element's width (1 when it fits, unless `grow`:
    then more than 1 when there is room), and its smallest type as a share of the element's
    font size. None when there is no such text."""
    from weasyprint.formatting_structure import boxes

    found = _boxes_of(document, name)
    if not found:
        return None
    box = found[0]
    inside = set(box.descendants(placeholders=True))
    within = [b for b in _boxes_of(document, part) if b in inside] if part else [box]
    texts = [b for outer in within for b in outer.descendants(placeholders=True)
             if isinstance(b, boxes.TextBox) and b.text.strip()]
    if not texts:
        return None
    smallest = min(b.style["font_size"] for b in texts) / box.style["font_size"]
    extent = max(b.position_x + b.width for b in texts) - min(b.position_x for b in texts)
    if extent <= box.width + 0.5 and not grow:
        return 1.0, smallest
    return box.width / extent * 0.98, smallest
