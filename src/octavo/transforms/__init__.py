"""Book -> Book steps run after reading, in the order of one table (as markdown-it's rules).

Each step is `step(book, diagnostics) -> book`, in a module named for what it does.
"""

from __future__ import annotations

from collections.abc import Callable

from octavo.diagnostics import Diagnostics
from octavo.model import Book
from octavo.transforms.highlight import highlight_code
from octavo.transforms.ids import unique_ids
from octavo.transforms.links import resolve_links
from octavo.transforms.numbering import assign_ids, fill_titles, number_chapters

Transform = Callable[[Book, Diagnostics], Book]

TRANSFORMS: tuple[Transform, ...] = (
    fill_titles,  # untitled chapters: the book title or the file name
    number_chapters,  # body chapters 1, 2, 3 ... across parts
    assign_ids,  # ch001, part01 ...: file names and link targets
    unique_ids,  # a chapter's footnote ids step aside for the author's, which links name
    highlight_code,  # fenced code with a language: Pygments token spans
    resolve_links,  # links between chapters, needing the ids; bad ones reported
)


def apply_transforms(book: Book, diagnostics: Diagnostics,
                     transforms: tuple[Transform, ...] = TRANSFORMS) -> Book:
    """Run each transform in order."""
    for transform in transforms:
        book = transform(book, diagnostics)
    return book
