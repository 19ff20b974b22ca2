"""The format table: a new output format is one module and one row, declared where it lives.

A throwaway plain-text format, declared in this file and registered, is built through the
command line, book.toml and the no-op stamp with no edit anywhere in Octavo.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import BASIC_TOML

from octavo.backends import FORMATS, Backend, RenderContext, register
from octavo.backends.base import Problem, Settings
from octavo.model import Book
from octavo.themes import Theme


def read_text_settings(data: dict[str, Any], problem: Problem) -> int:
    width = data.get("width", 72)
    if isinstance(width, bool) or not isinstance(width, int) or width < 20:
        problem("width", "must be a whole number of columns, 20 or more")
        return 72
    return width


def render_text(book: Book, theme: Theme, target: Path, context: RenderContext) -> None:
    """The book as plain text, wrapped at [text] width, every chapter under its title."""
    from lxml import html

    lines = [book.metadata.title.upper(), ""]
    for chapter in book.chapters():
        lines += [chapter.title, ""]
        for block in html.fragment_fromstring(chapter.html, create_parent="div"):
            lines += textwrap.wrap(" ".join(block.text_content().split()), context.settings)
            lines.append("")
    target.write_text("\n".join(lines), encoding="utf-8")


TEXT = Backend(name="text", suffix=".txt", media_type="text/plain", render=render_text,
               settings=Settings(table="text", keys=("width",), read=read_text_settings))


@pytest.fixture
def text_format() -> Iterator[Backend]:
    register(TEXT)
    yield TEXT
    del FORMATS["text"]


def test_a_format_registered_from_outside_is_built(make_book, octavo, text_format) -> None:  # type: ignore[no-untyped-def]
    toml = BASIC_TOML.replace('formats = ["epub"]', 'formats = ["epub", "text"]')
    root = make_book({"book.toml": toml + "\n[text]\nwidth = 30\n",
                      "manuscript/01-one.md": "# The Start\n\nThe quick brown fox jumps over "
                                              "the lazy dog, twice in one long line.\n"})
    result = octavo("build", root)
    assert result.code == 0, result.err
    text = (root / "dist" / "a-test-book.txt").read_text(encoding="utf-8")
    assert text.startswith("A TEST BOOK\n\nThe Start\n\nThe quick brown fox jumps over\n")
    assert max(len(line) for line in text.splitlines()) <= 30
    assert (root / "dist" / "a-test-book.epub").is_file()
    assert "wrote dist/a-test-book.txt" in result.out.replace(str(root) + "/", "")

    again = octavo("build", root)
    assert again.code == 0 and again.out.startswith("up to date")


def test_the_command_line_and_book_toml_know_the_new_format(make_book, octavo, text_format) -> None:  # type: ignore[no-untyped-def]
    root = make_book({"book.toml": BASIC_TOML + "\n[text]\nwidht = 40\n",
                      "manuscript/01-one.md": "# One\n\nWords here.\n"})
    result = octavo("build", root, "--format", "text")
    assert result.code == 0, result.err
    assert "[text] unknown key 'widht' ignored; did you mean 'width'?" in result.err
    assert sorted(p.name for p in (root / "dist").iterdir()) == ["a-test-book.txt"]

    (root / "book.toml").write_text(BASIC_TOML + "\n[text]\nwidth = 5\n", encoding="utf-8")
    bad = octavo("build", root, "--format", "text")
    assert bad.code == 3
    assert bad.err.strip() == ("error: book.toml: [text] width: must be a whole number of "
                               "columns, 20 or more")


def test_without_the_row_the_format_is_unknown(make_book, octavo) -> None:  # type: ignore[no-untyped-def]
    root = make_book({"book.toml": BASIC_TOML, "manuscript/01-one.md": "# One\n\nWords.\n"})
    assert "text" not in FORMATS
    with pytest.raises(SystemExit) as usage:
        octavo("build", root, "--format", "text")
    assert usage.value.code == 2
    (root / "book.toml").write_text(BASIC_TOML.replace('["epub"]', '["text"]'), encoding="utf-8")
    result = octavo("build", root)
    assert result.code == 3
    assert "[build] formats: must be a list drawn from ['epub', 'pdf']" in result.err


def test_each_format_declares_its_file_and_settings() -> None:
    assert list(FORMATS) == ["epub", "pdf"]
    assert [(b.suffix, b.stylesheet) for b in FORMATS.values()] == [(".epub", "epub.css"),
                                                                     (".pdf", "print.css")]
    pdf = FORMATS["pdf"]
    assert pdf.settings is not None and pdf.settings.table == "print"
    problems: list[tuple[str, str]] = []
    settings = pdf.read_settings({"trim": "5x8", "bleed": "yes"}, lambda k, m: problems.append((k, m)))
    assert (settings.width, settings.height) == (5.0, 8.0)
    assert problems == [("bleed", "must be true or false")]
    epub = FORMATS["epub"]
    assert epub.settings is not None and epub.settings.table == "accessibility"
    problems.clear()
    settings = epub.read_settings({"features": ["tableOfContents", "alternativText"]},
                                  lambda k, m: problems.append((k, m)))
    assert problems == [("features", "'alternativText' is not a value of this property "
                                     '(did you mean "alternativeText"?)')]
    assert epub.read_settings({}, lambda k, m: None).features is None  # Octavo decides
    assert pdf.leaves == ("page-map",) and epub.leaves == ()  # the PDF renders first
