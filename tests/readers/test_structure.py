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


def test_a_front_matter_title_that_yaml_reads_as_a_number_or_date_is_a_title(
        make_book: Callable[..., Path]) -> None:
    root = make_book({
        "manuscript/01-a.md": "---\ntitle: 1984\n---\nBig Brother.\n",
        "manuscript/02-b.md": "---\ntitle: 2024-05-01\n---\nA day.\n",
    })
    assert shape(root) == ["1984", "2024-05-01"]


def test_a_front_matter_title_or_type_that_is_not_text_is_refused(
        make_book: Callable[..., Path], octavo) -> None:  # type: ignore[no-untyped-def]
    # They were left out unseen: the chapter was titled by its file name ("01").
    for meta, message in (("title: [The, Storm]", "front matter title: must be text, not list"),
                          ("type: [preface]", "front matter type: must be one of")):
        root = make_book({"manuscript/01.md": f"---\n{meta}\n---\nRain.\n"})
        result = octavo("build", root)
        assert result.code != 0 and result.err.startswith(f"error: manuscript/01.md:2: {message}"), \
            result.err
