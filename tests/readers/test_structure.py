"""How files and headings become chapters and parts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from octavo.build import load_book
from octavo.diagnostics import Diagnostics
from octavo.model import Part


def shape(root: Path) -> list[object]:
    _, book = load_book(root, Diagnostics())
    return [(i.title, [c.title for c in i.chapters]) if isinstance(i, Part) else i.title
            for i in book.body]


def test_one_file_splits_at_its_headings(make_book: Callable[..., Path]) -> None:
    root = make_book({"manuscript/book.md": "# One\n\nA.\n\n## Sub\n\nB.\n\n# Two\n\nC.\n"})
    assert shape(root) == ["One", "Two"]


def test_one_file_with_parts(make_book: Callable[..., Path]) -> None:
    text = ("# Part One\n\n## Alpha\n\nA.\n\n## Beta\n\nB.\n\n"
            "# Part Two\n\n## Gamma\n\nC.\n\n### A section\n\nD.\n")
    root = make_book({"manuscript/book.md": text})
    assert shape(root) == [("Part One", ["Alpha", "Beta"]), ("Part Two", ["Gamma"])]


def test_files_opening_at_level_two_with_a_part_above(make_book: Callable[..., Path]) -> None:
    root = make_book({
        "manuscript/01.md": "## Prologue-ish\n\nA.\n",
        "manuscript/02.md": "# The First Part\n\n## Alpha\n\nB.\n",
        "manuscript/03.md": "## Beta\n\nC.\n",
    })
    assert shape(root) == ["Prologue-ish", ("The First Part", ["Alpha", "Beta"])]


def test_natural_order_and_front_back_matter(make_book: Callable[..., Path]) -> None:
    root = make_book({
        "manuscript/10-last.md": "# Last\n\nZ.\n",
        "manuscript/2-first.md": "# First\n\nA.\n",
        "manuscript/0-dedication.md": "For you.\n",
        "manuscript/99-acknowledgments.md": "Thanks.\n",
    })
    _, book = load_book(root, Diagnostics())
    assert [c.title for c in book.body] == ["First", "Last"]
    assert [(c.kind, c.title, c.show_title) for c in book.front] == [
        ("dedication", "Dedication", False)]
    assert [c.kind for c in book.back] == ["acknowledgements"]
    assert [c.number for c in book.body] == [1, 2]


def test_headingless_file_takes_its_title_from_front_matter_or_name(
        make_book: Callable[..., Path]) -> None:
    root = make_book({
        "manuscript/01-the-storm.txt": "Rain.\n",
        "manuscript/02-calm.md": "---\ntitle: After the Storm\n---\nSun.\n",
    })
    assert shape(root) == ["The storm", "After the Storm"]
