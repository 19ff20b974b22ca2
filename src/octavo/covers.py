"""Book covers: a typographic one made from the metadata in the theme's style, and checks on a given one."""

from __future__ import annotations

import hashlib
import io
import itertools
import re
import struct
import unicodedata
from collections.abc import Callable
from importlib import metadata as distributions
from pathlib import Path
from typing import Any, Protocol

from octavo.errors import BuildError, ThemeError
from octavo.model import Image, Metadata
from octavo.paths import html_problems
from octavo.themes import Theme, builtin_styles_dir, render_template
from octavo.uptodate import (
    KeptFiles,
    code_fingerprint,
    file_digest,
    local_secret,
)


class Press(Protocol):
    """Where a cover may be made while the build goes on (backends/epub/coverpress.py)."""

    def submit(self, html: str, sheet: str, theme: Theme, book_root: Path) -> bool: ...

    def result(self) -> bytes | None: ...

_PNG_HEADER = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"  # the signature, then the IHDR chunk
WIDTH, HEIGHT = 1600, 2560  # what the stores ask for: 1.6:1, over 1400 px on the short side
PAGE_CSS = "@page { size: 4in 6.4in; }"  # last, so that no theme changes it
SCALE = 400 / 72  # PDF points to pixels: 4 × 6.4 in at 400 dpi is 1600 × 2560 px
MIN_SHORT_SIDE = 1400
# Height to width. 1.4–1.8 holds every usual book shape (A5 1.41, 6×9 in 1.5, 5×8 in 1.6,
# mass-market 4.25×7 in 1.65), so only covers that stores must crop or letterbox visibly
# are warned of: square, landscape, letter-size (1.29) or a narrow strip.
RATIO_BAND = (1.4, 1.8)
TEMPLATE = "cover.html"
STYLESHEET = "cover.css"
FONT_SHEETS = ("print.css", "epub.css")  # where the theme's @font-face rules are taken from
HREF = "images/cover.png"
CACHE_FOLDER = "covers"
KEEP = 8  # covers kept in the cache: a few themes or titles tried in turn are not redone
FORMAT = "octavo-cover-1"  # changes when the cache's contents change meaning
# Title sizes, largest first: the class cover.css sizes, the characters a line of it holds
# and the most lines it takes; the first size the title fits in is used (the last takes any).
TITLE_SIZES = (("xl", 8, 2), ("l", 12, 3), ("m", 17, 4), ("s", 24, 5), ("xs", 32, 0))
SUBTITLE_WIDTH = 30
MAX_BALANCED = 16  # lines; more are filled one by one
_FONT_FACE = re.compile(r"@font-face\s*\{[^}]*\}")
_SPACE = re.compile(r"[^\S\u00a0\u2007\u202f]+")  # where a line may break: not at no-break spaces


def typographic_cover(meta: Metadata, theme: Theme, book_root: Path, cache: Path | None) -> Image:
    """A 1600 × 2560 px PNG cover: title, subtitle and authors in the theme's fonts and colours.

    Laid out by WeasyPrint and rendered by pypdfium2 (about half a second), so it is kept in
    `cache` (the book's .octavo-cache folder) under a hash of all that changes it.
    """
    return typographic_cover_later(meta, theme, book_root, cache, None)()


def typographic_cover_later(meta: Metadata, theme: Theme, book_root: Path, cache: Path | None,
                            press: Press | None) -> Callable[[], Image]:
    """The typographic cover, begun: made in `press` while the caller goes on,
    if the cache does not have it; call the result for the cover."""
    html, sheet = cover_page(meta, theme)
    key = cover_key(html, sheet, theme)
    kept = KeptFiles(cache, CACHE_FOLDER, ".png", KEEP)
    png = _cached(kept, key)
    pressed = png is None and press is not None and press.submit(html, sheet, theme, book_root)

    def finish() -> Image:
        nonlocal png
        if png is None:
            png = press.result() if pressed and press is not None else None
            if png is None:  # no press, or it failed: made here, any mistake reported here
                png = cover_png(html, sheet, theme, book_root)
            kept.put(key, png, {"width": WIDTH, "height": HEIGHT})
        return Image(source=book_root / "book.toml", href=HREF, media_type="image/png", data=png)

    return finish


def cover_pdf(meta: Metadata, theme: Theme, book_root: Path) -> bytes:
    """The typographic cover as the one-page PDF that is rendered to the PNG."""
    html, sheet = cover_page(meta, theme)
    return layout(html, sheet, theme, book_root)


def cover_page(meta: Metadata, theme: Theme) -> tuple[str, str]:
    """The cover's HTML (the theme's cover.html) and its stylesheet, as read (url()s relative)."""
    size, title_lines = title_layout(meta.title)
    templates = theme.templates()
    html = render_template(templates, TEMPLATE, meta=meta, title_size=size, title_lines=title_lines,
                           subtitle_lines=balanced_lines(meta.subtitle, SUBTITLE_WIDTH))
    problems = html_problems(html)
    if problems:  # a theme's own template reaching for the network or another file
        where = templates.get_template(TEMPLATE).filename
        raise ThemeError(problems[0], Path(where) if where else TEMPLATE)
    return html, "\n".join((_font_faces(theme), _cover_css(theme), PAGE_CSS))


def cover_png(html: str, sheet: str, theme: Theme, book_root: Path) -> bytes:
    """The cover's page laid out and rendered: the PNG's bytes."""
    return rasterize(layout(html, sheet, theme, book_root, to_render=True))


def layout(html: str, sheet: str, theme: Theme, book_root: Path, *,
           to_render: bool = False) -> bytes:
    """Lay the cover page out with WeasyPrint; the PDF's bytes. `to_render`: a PDF made only
    to be rendered, its fonts whole and its streams not compressed (0.05 s to write, where
    subsetting the fonts and compressing take 0.3 s; the same picture, but its text cannot
    be read back: small capitals have no Unicode in whole fonts)."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import FatalURLFetchingError

    from octavo.backends.pdf.compose import prepared_css
    from octavo.backends.pdf.fetcher import BookFetcher, failures_raised

    fetcher = BookFetcher([book_root, *theme.folders],
                          fonts=_cut_to(cover_characters(html, sheet)) if to_render else None)
    fonts = FontConfiguration()
    try:
        with failures_raised():
            css = CSS(string=prepared_css(theme, sheet), url_fetcher=fetcher, font_config=fonts)
            page = HTML(string=html, base_url=book_root.resolve().as_uri() + "/", url_fetcher=fetcher)
            document = page.render(stylesheets=[css], font_config=fonts)
            cover = document.copy(document.pages[:1])
            pdf = cover.write_pdf(full_fonts=to_render, uncompressed_pdf=to_render)
            if to_render and any(_collection(font) for font in cover.fonts.values()):
                return cover.write_pdf()  # a collection embedded whole draws its first face
            return pdf
    except FatalURLFetchingError as exc:
        raise BuildError(f"cover: {exc}") from None


# What WeasyPrint may set on a cover that neither its page nor its stylesheet spells out:
# the default quotation marks (open-quote), the hyphen and the ellipsis it adds.
_GENERATED = "\u201c\u201d\u2018\u2019\u00ab\u00bb\u2039\u203a\u201e\u201a\u2010\u2026"


def cover_characters(html: str, sheet: str) -> str:
    """Every character the cover may set: those of its page (tags and attributes too, for
    attr()) and of its stylesheet (escapes read), composed and decomposed, in both cases."""
    from html import unescape

    from octavo.backends.epub.fonts import book_characters, css_unescape

    text = unescape(html) + css_unescape(sheet) + _GENERATED
    return book_characters([text, unicodedata.normalize("NFC", text),
                            unicodedata.normalize("NFD", text)], "")


def _cut_to(characters: str) -> Callable[[bytes], bytes]:
    """What makes a theme's font file into one with only `characters` (HarfBuzz; every
    feature, name and hint kept): the cover's picture is the same pixels, and WeasyPrint
    reads the widths of the few glyphs kept rather than of thousands (0.08 s less a cover).
    A font HarfBuzz cannot cut (a collection, a damaged file) is given whole."""

    def cut(data: bytes) -> bytes:
        if data[:4] not in (b"\x00\x01\x00\x00", b"OTTO", b"true"):
            return data
        try:
            import uharfbuzz as hb

            from octavo.backends.epub.fonts import subset_input

            face = hb.Face(data)
            subset = hb.subset(face, subset_input(characters, None, hints=True)) \
                if face.glyph_count else None
            return subset.blob.data if subset is not None and subset.blob.data else data
        except Exception:  # noqa: BLE001 - given whole, WeasyPrint reports what it finds
            return data

    return cut


def _collection(font: Any) -> bool:
    """Whether a font WeasyPrint embeds is one face of a collection (.ttc): embedded whole,
    the collection loses which face was meant, and the PDF is drawn in its first."""
    return bytes(font.file_content[:4]) == b"ttcf"


def rasterize(pdf: bytes) -> bytes:
    """The PDF's first page as a 1600 × 2560 px RGB PNG with no metadata (the same bytes each time)."""
    import pypdfium2
    from PIL import Image as Pillow

    document = pypdfium2.PdfDocument(pdf)
    try:
        # Drawn as RGB on white (rev_byteorder: PDFium's BGR reversed as it draws), so Pillow
        # takes the pixels in one copy, without swapping channels or converting (0.03 s less).
        bitmap = document[0].render(scale=SCALE, fill_color=(255, 255, 255, 255),
                                    may_draw_forms=False, rev_byteorder=True)
        picture = bitmap.to_pil()
        if picture.mode != "RGB":  # a PDFium that keeps its own byte order
            picture = picture.convert("RGB")
    finally:
        document.close()
    if picture.size != (WIDTH, HEIGHT):  # a rounding pixel short or over
        picture = picture.resize((WIDTH, HEIGHT), Pillow.Resampling.LANCZOS)
    out = io.BytesIO()
    # zlib's run-length strategy (compress_type 3, Z_RLE): a cover is long runs of one colour,
    # which it packs as well as level 6's default strategy (0.5 % smaller) in 60 % of the time.
    picture.save(out, format="PNG", compress_level=6, compress_type=3)
    return out.getvalue()


def title_layout(title: str) -> tuple[str, list[str]]:
    """The title's size class and its lines: the largest size it fits in, lines balanced."""
    words = _words(title)
    longest = max(map(_width, words), default=0)
    for size, width, most in TITLE_SIZES[:-1]:
        if longest <= width and len(_greedy_lines(words, width)) <= most:
            return size, balanced_lines(title, width)
    return TITLE_SIZES[-1][0], balanced_lines(title, TITLE_SIZES[-1][1])


def balanced_lines(text: str, width: int) -> list[str]:
    """`text` in the fewest lines of at most `width` characters (a longer word alone on its
    line), as even in length as they can be: no word left alone on the last line if avoidable."""
    words = _words(text)
    if not words:
        return []
    greedy = _greedy_lines(words, width)
    count = len(greedy)
    if count > MAX_BALANCED:  # a wall of text, not a title: balancing it would take long
        return greedy
    ends = list(itertools.accumulate((_width(w) + 1 for w in words), initial=0))
    target = (ends[-1] - 1) / count
    # best[(lines, end)]: the least cost of words[:end] in that many lines, and where they break.
    best: dict[tuple[int, int], tuple[float, tuple[int, ...]]] = {(0, 0): (0.0, ())}
    for line in range(1, count + 1):
        for end in range(line, len(words) + 1):
            for start in range(end - 1, line - 2, -1):  # the line grows leftwards
                length = ends[end] - ends[start] - 1
                if length > width and end - start > 1:
                    break
                before = best.get((line - 1, start))
                if before is None:
                    continue
                cost = before[0] + (length - target) ** 2
                if (line, end) not in best or cost < best[(line, end)][0]:
                    best[(line, end)] = (cost, (*before[1], end))
    breaks = (0, *best[(count, len(words))][1])
    return [" ".join(words[a:b]) for a, b in itertools.pairwise(breaks)]


def _words(text: str) -> list[str]:
    return [word for word in _SPACE.split(text.strip()) if word]


def _greedy_lines(words: list[str], width: int) -> list[str]:
    """The words filling lines of at most `width` characters one by one (the fewest lines)."""
    lines: list[list[str]] = [[]]
    length = -1
    for word in words:
        if lines[-1] and length + 1 + _width(word) > width:
            lines.append([])
            length = -1
        lines[-1].append(word)
        length += 1 + _width(word)
    return [" ".join(line) for line in lines]


def _width(text: str) -> int:
    """A line's length in characters: wide (CJK) ones count two, combining marks none."""
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1
               for c in text)


def _font_faces(theme: Theme) -> str:
    """The theme's @font-face rules, from its print stylesheet (or its EPUB one)."""
    for name in FONT_SHEETS:
        if _has_sheet(theme, name):
            return "\n".join(_FONT_FACE.findall(theme.read_css(name)))
    return ""


def _cover_css(theme: Theme) -> str:
    """The theme's cover.css (its parents' first); a theme that has none gets base's."""
    if _has_sheet(theme, STYLESHEET):
        return theme.read_css(STYLESHEET)
    default = builtin_styles_dir() / "base" / STYLESHEET
    return theme.fill_variables(default.read_text(encoding="utf-8"), default)


def _has_sheet(theme: Theme, name: str) -> bool:
    return any(not path.name.startswith("extra-") for path in theme.sources(name))


def cover_key(html: str, sheet: str, theme: Theme) -> str:
    """A hash of everything that changes the cover's pixels: its page, stylesheet and the
    files that refers to (fonts), the theme's fallback fonts, Octavo's code and the versions
    of WeasyPrint, pypdfium2 and Pillow. (Fonts of the machine a theme names are not in it.)"""
    digest = hashlib.sha256(local_secret())
    files = [*theme.css_resources(sheet).values(), *theme.fallback_fonts]
    parts = [FORMAT, html, sheet, code_fingerprint(), *map(_version, ("weasyprint", "pypdfium2", "pillow")),
             *(f"{path.name}:{file_digest(path)}" for path in files)]
    for part in parts:
        digest.update(part.encode("utf-8") + b"\0")
    return digest.hexdigest()[:40]


def _version(distribution: str) -> str:
    try:
        return distributions.version(distribution)
    except distributions.PackageNotFoundError:
        return ""


def _cached(kept: KeptFiles, key: str) -> bytes | None:
    """The cached PNG for `key` if it is there and whole (its facts vouch for its hash)."""
    found = kept.get(key)
    if found is None:
        return None
    data = found[0]
    # The cache is in the book folder, which may come from anyone: the hash only shows the two
    # files agree, so the bytes must also be a PNG of the cover's size (its IHDR says so).
    if data[:16] != _PNG_HEADER or struct.unpack(">II", data[16:24]) != (WIDTH, HEIGHT):
        kept.discard(key)
        return None
    return data


def cover_problems(width: int, height: int) -> list[str]:
    """What the stores will object to in a cover of this pixel size, one message each."""
    size = f"{width}×{height} px"
    problems = []
    if min(width, height) < MIN_SHORT_SIDE:
        problems.append(f"cover is {size}; stores want at least {MIN_SHORT_SIDE} px on the short "
                        f"side ({WIDTH}×{HEIGHT} is best)")
    ratio = height / width if width > 0 else float("inf")
    low, high = RATIO_BAND
    if not low <= ratio <= high:
        shape = "landscape" if ratio < 1 else "wider than a book" if ratio < low else "narrower than a book"
        problems.append(f"cover is {size}, {ratio:.2f}:1 ({shape}); stores show "
                        f"covers at about 1.6:1 and crop or letterbox others ({WIDTH}×{HEIGHT} is best)")
    return problems


def cover_size(image: Image) -> tuple[int, int] | None:
    """A raster cover's size in pixels as shown (EXIF rotation applied); None for an SVG
    (it has no pixel size) or what Pillow cannot read."""
    if image.media_type == "image/svg+xml":
        return None
    from PIL import Image as Pillow
    from PIL import UnidentifiedImageError

    try:
        data = image.data if image.data is not None else image.source.read_bytes()
        with Pillow.open(io.BytesIO(data)) as probe:
            width, height = probe.size
            # A PNG's EXIF may follow its pixels: Pillow decodes them all to look (a twentieth
            # of a second for a cover); one without an eXIf chunk has none to find.
            exif = probe.format != "PNG" or b"eXIf" in data
            turned = exif and probe.getexif().get(0x0112) in (5, 6, 7, 8)  # a quarter turn
    except (UnidentifiedImageError, OSError):
        return None
    return (height, width) if turned else (width, height)


def check_cover(image: Image) -> list[str]:
    """`cover_problems` for a given cover image (none for an SVG)."""
    size = cover_size(image)
    return cover_problems(*size) if size is not None else []
