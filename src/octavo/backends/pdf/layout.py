"""Lays the print book out with WeasyPrint: in chunks when it can, else in one piece.

WeasyPrint is imported where a layout is made in this process: a book laid out in chunks by
workers started ahead (worker.WarmPool) may never need it here.
"""

from __future__ import annotations

import sys
from pathlib import Path

from octavo.backends.base import PAGE_MAP, PDF_PAGES, RenderContext
from octavo.backends.initials import theme_initial_css
from octavo.backends.pdf.compose import compose_html, prepared_css, print_fonts
from octavo.backends.pdf.coverage import (
    covered_characters,
    missing_characters,
    unknown_families,
    warnings_for,
)
from octavo.backends.pdf.footnotes import in_text_warning
from octavo.backends.pdf.geometry import geometry_css, gutter_for
from octavo.backends.pdf.hyphenation import hook_hyphenation
from octavo.backends.pdf.makeup import hook_make_up
from octavo.backends.pdf.pagestarts import page_starts
from octavo.backends.pdf.parallel import Layout, render_in_chunks
from octavo.backends.pdf.settings import PrintSettings
from octavo.backends.pdf.tagging import (
    finisher,
    hook_missing_alt,
    hook_tags,
    weasyprint_variant,
)
from octavo.backends.pdf.worker import hook_folios, render_placing_notes
from octavo.backends.shared import page_map
from octavo.errors import BuildError, ThemeError
from octavo.model import Book
from octavo.themes import Theme

MAX_LAYOUTS = 4  # a gutter change can move the page count across one more threshold


def render_pdf(book: Book, theme: Theme, target: Path, context: RenderContext,
               stylesheet: str) -> None:
    """Write `book` as a print PDF at `target`: in chunks, in parallel and cached, if it can be."""
    settings: PrintSettings = context.settings
    press = None
    if settings.profile == "print":  # its colour profile checked before the layout's seconds
        from octavo.backends.pdf.press import output_profile

        press = output_profile(settings, context.book_root)
    html = compose_html(book, theme, context)
    sheet = theme.read_css(stylesheet)  # read (and its URLs checked) once
    css = prepared_css(theme, sheet) + theme_initial_css(theme, sheet, settings.line_height)
    fonts = print_fonts(theme, sheet)
    if fonts:  # a theme in the machine's own fonts (base) cannot be checked here
        covered = covered_characters(fonts, context.cache)
        for source, message in warnings_for(missing_characters(book, covered)):
            context.diagnostics.warn(message, source)
        for family in unknown_families(sheet):
            context.diagnostics.warn(f"font-family {family!r} is not one of the theme's fonts (no "
                                     "@font-face gives it): the PDF would set it in a font of "
                                     "the machine", Path("styles") / theme.name / stylesheet)
    try:
        # Joined apart, while the build writes its other files, unless the press-ready pass
        # must rewrite the joined PDF first.
        done = render_in_chunks(book, theme, target, context, html, css, MAX_LAYOUTS,
                                apart=press is None)
        if done is None:
            if context.pool is not None:  # the workers started ahead: one layout needs none
                context.pool.close()
            done = render_one_shot(book, theme, target, context, html, css)
    except Exception as exc:  # a file WeasyPrint may not read (in a worker, or here)
        urls = sys.modules.get("weasyprint.urls")  # not loaded: not one of its errors
        if urls is not None and isinstance(exc, urls.FatalURLFetchingError):
            raise BuildError(str(exc)) from None
        if isinstance(exc, OverflowError):
            raise ThemeError(f"{stylesheet} (with extra-{stylesheet}, if any) makes a length too "
                             "large to lay out, past Pango's limits (a size in millions of "
                             "points, or em sizes multiplied level by level)",
                             theme.folders[0]) from None
        raise
    pages, gutter, starts = done
    if press is not None:
        from octavo.backends.pdf.press import press_ready

        pages = press_ready(target, settings, book.metadata, context.source_epoch, press,
                            lambda message: context.diagnostics.warn(
                                message, Path("styles") / theme.name / stylesheet),
                            cache=context.cache)
    context.diagnostics.note(f"{pages} pages, gutter {gutter:g} in")
    context.facts[PAGE_MAP] = page_map(book, starts, settings.isbn)
    context.facts[PDF_PAGES] = pages  # as written, press-ready blanks included: the cover wrap's


def render_one_shot(book: Book, theme: Theme, target: Path, context: RenderContext, html: str,
                    css: str, gutter: float | None = None) -> Layout:
    """Lay the whole book out in one WeasyPrint document; (pages, gutter, page starts).

    Without a `gutter`, the layout is redone while the page count asks for a wider one.
    """
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import FatalURLFetchingError

    from octavo.backends.pdf.fetcher import BookFetcher, failures_raised

    settings: PrintSettings = context.settings
    fetcher = BookFetcher([context.book_root, *theme.folders])
    document_html = HTML(string=html, base_url=context.book_root.as_uri() + "/",
                         url_fetcher=fetcher)
    fixed = gutter is not None
    gutter = gutter if gutter is not None else gutter_for(0, settings)
    pages = 0
    hook_folios()  # notes each page's counter, for the folios of the page-list
    hook_missing_alt()
    hook_tags()
    hook_hyphenation()
    hook_make_up()
    try:
        with failures_raised():
            for _ in range(1 if fixed else MAX_LAYOUTS):
                fonts = FontConfiguration()
                # The theme first; then book.toml's page geometry and choices, which win.
                stylesheets = [
                    CSS(string=css, url_fetcher=fetcher, font_config=fonts),
                    CSS(string=geometry_css(book, settings, gutter), url_fetcher=fetcher,
                        font_config=fonts),
                ]
                document, moved = render_placing_notes(document_html, stylesheets, fonts,
                                                       fetcher, CSS)
                pages = len(document.pages)
                needed = gutter_for(pages, settings)
                if fixed or needed == gutter:
                    break
                gutter = needed
            for words in moved:
                context.diagnostics.warn(in_text_warning(words))
            variant = weasyprint_variant(settings)
            document.write_pdf(target, pdf_variant=variant or None,
                               pdf_identifier=book.metadata.identifier.encode("utf-8"),
                               pdf_version="1.7" if not variant else None,
                               finisher=finisher(variant))
    except FatalURLFetchingError as exc:
        raise BuildError(str(exc)) from None
    starts = page_starts(document)
    return pages, gutter, [[index, *start] for index, start in enumerate(starts) if start]
