"""Books the tests build: a many-chapter book that lays out in chunks, its pages' text, and the
same book laid out in one piece."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium

TEXT = ("the quiet press kept its letters in drawers of oak and every night the printer "
        "set a page by hand while the town slept and the river ran under the bridge")
WORDS = TEXT.split(" ")


def paragraph(seed: int, length: int = 90) -> str:
    return " ".join(WORDS[(seed * 7 + i * 3) % len(WORDS)] for i in range(length)).capitalize() + "."


def chapter(n: int) -> str:
    paragraphs = [paragraph(n * 10 + i, 60 + (n * 13 + i * 17) % 80) for i in range(8 + n % 5)]
    paragraphs.insert(3, "* * *")
    paragraphs[1] += f" A claim of chapter {n}.[^a]"
    text = f"# Chapter {n}: {WORDS[n % len(WORDS)].title()}\n\n" + "\n\n".join(paragraphs)
    if n == 3:
        text += "\n\nSee [the last chapter](14-chapter.md) and [the preface](01-preface.md).\n"
    return text + f"\n\n[^a]: The note of chapter {n}.\n"


def multi_chapter_book(make_book, theme: str, extra_toml: str = "") -> Path:  # type: ignore[no-untyped-def]
    files = {
        "book.toml": ('[book]\ntitle = "Chunked"\nauthors = ["Ada Writer"]\nlanguage = "en"\n'
                      f'[build]\nformats = ["pdf"]\ntheme = "{theme}"\n' + extra_toml),
        "manuscript/00-dedication.md": "---\ntype: dedication\n---\n\nFor the printers.\n",
        "manuscript/01-preface.md": "---\ntype: preface\n---\n\n# Preface\n\n"
                                    + "\n\n".join(paragraph(i) for i in range(12)),
        "manuscript/02-part-one.md": "---\ntype: part\n---\n\n# Part One\n",
        "manuscript/08-part-two.md": "---\ntype: part\n---\n\n# Part Two\n",
        "manuscript/15-afterword.md": "---\ntype: afterword\n---\n\n# Afterword\n\n"
                                      + paragraph(99),
    }
    for n in (*range(3, 8), *range(9, 15)):
        files[f"manuscript/{n:02d}-chapter.md"] = chapter(n)
    return make_book(files)


def page_texts(path: Path) -> list[str]:
    document = pdfium.PdfDocument(path)
    try:
        return [document[i].get_textpage().get_text_range() for i in range(len(document))]
    finally:
        document.close()


@dataclass
class OneShot:
    """A book laid out whole, in one WeasyPrint document."""

    pdf: Path
    pages: int
    starts: list  # type: ignore[type-arg]
    book: Any
    context: Any  # the RenderContext it was laid out with


def one_shot(root: Path, theme_name: str) -> OneShot:
    """The book at `root` laid out whole, in one WeasyPrint document, at root/one-shot.pdf."""
    from octavo.backends import RenderContext
    from octavo.backends.pdf import STYLESHEET
    from octavo.backends.pdf.compose import compose_html, theme_css
    from octavo.backends.pdf.layout import render_one_shot
    from octavo.build import load_book, source_epoch
    from octavo.diagnostics import Diagnostics
    from octavo.themes import load_theme

    diagnostics = Diagnostics()
    config, book = load_book(root, diagnostics)
    theme = load_theme(theme_name, root)
    context = RenderContext(book_root=root, source_epoch=source_epoch(config),
                            diagnostics=diagnostics, settings=config.settings["pdf"])
    target = root / "one-shot.pdf"
    pages, _gutter, starts = render_one_shot(book, theme, target, context,
                                             compose_html(book, theme, context),
                                             theme_css(theme, STYLESHEET))
    return OneShot(target, pages, starts, book, context)
