"""The print page's geometry: the gutter by page count, page size, margins and running heads."""

from __future__ import annotations

from octavo.backends.pdf.settings import PrintSettings
from octavo.model import Book

BLEED = 0.125  # inches, what KDP asks for
LARGE_PRINT_SIZE = 16.0  # points: large_print without a font_size
# Hyphenation: words of 6 letters or more, at least 3 letters before and after the break, and a
# word divided only when the line would otherwise be left this much short of the measure (less
# is taken up by justifying the line a little looser). hyphenation.py adds what CSS cannot say:
# no third hyphenated line in a row, no hyphen at the foot of a right-hand page.
HYPHENATE_LIMIT_CHARS = "6 3 3"
HYPHENATE_LIMIT_ZONE = "12%"


def minimum_gutter(pages: int) -> float:
    """The print-on-demand minimum inside margin, in inches, for a book of `pages` pages."""
    for limit, inches in ((150, 0.375), (300, 0.5), (500, 0.625), (700, 0.75)):
        if pages <= limit:
            return inches
    return 0.875


def gutter_for(pages: int, settings: PrintSettings) -> float:
    """The inside margin: as configured, else the POD minimum, always wider than the outside."""
    if settings.gutter is not None:
        return settings.gutter
    return max(minimum_gutter(pages), settings.outside + 0.125)


def geometry_css(book: Book, settings: PrintSettings, gutter: float) -> str:
    """The page size, mirrored margins and the left running head, from the settings."""
    meta = book.metadata
    left = meta.title if settings.running_head == "title" or not meta.authors else ", ".join(
        meta.authors)
    bleed = BLEED if settings.profile == "print" and settings.bleed else 0
    # book.toml's trim and margins win over a stylesheet's, `!important` ones included (the
    # printer gets the trim it was told, and the gutter the page count asks for).
    lines = [
        "@page {",
        f"  size: {settings.width:g}in {settings.height:g}in !important;",
        f"  margin-top: {settings.top:g}in !important; margin-bottom: {settings.bottom:g}in !important;",
        f"  bleed: {bleed:g}in !important; marks: none !important;",
        "}",
        f"@page :left {{ margin-left: {settings.outside:g}in !important; "
        f"margin-right: {gutter:g}in !important; }}",
        f"@page :right {{ margin-left: {gutter:g}in !important; "
        f"margin-right: {settings.outside:g}in !important; }}",
        f"@page :left {{ @top-left {{ content: {_css_string(left)}; }} }}",
        # A note called again, or from inside another note, shows its number without a new call.
        ".footnote.nested::footnote-call { content: none; }",
        "sup.noteref-mark.repeat { font-size: 7pt; vertical-align: super; line-height: 0; }",
    ]
    if settings.chapter_start == "any":
        lines.append("html .chapter, html .part { break-before: page !important; }")
    if settings.folio_position == "top":
        lines += [
            "@page :left { @top-left { content: counter(page) '\\2003' "
            f"{_css_string(left)}; }} @bottom-center {{ content: none; }} }}",
            "@page :right { @top-right { content: string(chapter-title) '\\2003' counter(page); }"
            " @bottom-center { content: none; } }",
        ]
    if settings.profile == "print":
        lines.append("h1, h2, h3, h4, h5, h6 { bookmark-level: none !important; }")
    return "\n".join(lines + type_css(settings)) + "\n"


def type_css(settings: PrintSettings) -> list[str]:
    """[print] font_size, line_height, justify, hyphenate and large_print as CSS rules."""
    # The theme's variables are filled in when its sheet is read: these rules set the same
    # properties (html's font-size and line-height) after it.
    lines = []
    if settings.font_size is not None:
        lines.append(f"html {{ font-size: {settings.font_size:g}pt; }}")
    if settings.line_height is not None:
        lines.append(f"html, .scene-break {{ line-height: {settings.line_height:g}; }}")
    if settings.justify is False:
        lines.append("html, .footnote { text-align: left; }")
    if settings.hyphenate is False:
        lines.append("html, html * { hyphens: manual !important; }")
    else:
        lines.append(f"html {{ hyphenate-limit-chars: {HYPHENATE_LIMIT_CHARS}; "
                     f"hyphenate-limit-zone: {HYPHENATE_LIMIT_ZONE}; }}")
    if settings.large_print:
        size = settings.font_size or LARGE_PRINT_SIZE
        # Nothing smaller than the body: notes, folios, running heads, the copyright page,
        # code and tables; headings grow with it, so they still stand above the text.
        lines += [
            f"@page {{ @top-left {{ font-size: {size:g}pt !important; }}"
            f" @top-right {{ font-size: {size:g}pt !important; }}"
            f" @bottom-center {{ font-size: {size:g}pt !important; }} }}",
            ".footnote, .copyright-page, pre, table, figcaption, .toc-entry "
            f"{{ font-size: {size:g}pt !important; line-height: 1.3 !important; }}",
            "code, kbd, samp, pre code, blockquote, .epigraph, .epigraph * "
            "{ font-size: 1em !important; }",
            # A note's call is a raised numeral: three quarters of the type, not 7 pt.
            ".footnote::footnote-call, sup.noteref-mark.repeat "
            f"{{ font-size: {size * 0.75:.1f}pt !important; }}",
            f"h1.chapter-title {{ font-size: {size * 1.5:.1f}pt !important; }}",
            f"h1.part-title, .toc h1.toc-title {{ font-size: {size * 1.6:.1f}pt !important; }}",
            f"h1.book-title {{ font-size: {max(26, size * 1.8):.1f}pt !important; }}",
            f".book-subtitle, .book-authors, .half-title-text {{ font-size: {size:g}pt "
            "!important; }",
        ]
    return lines


def _css_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    return f'"{escaped}"'
