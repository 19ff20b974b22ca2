"""Book -> Book steps run after reading: titles filled in, chapters numbered, ids assigned."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

from octavo.highlight import highlight_fragment
from octavo.model import Book, Chapter, Part
from octavo.readers import stem_title

Transform = Callable[[Book], Book]


def fill_titles(book: Book) -> Book:
    """Untitled chapters take the book title (a one-chapter book) or their file's name."""
    single = len(book.chapters()) == 1

    def fix(chapter: Chapter) -> Chapter:
        if chapter.title:
            return chapter
        title = book.metadata.title if single else stem_title(Path(chapter.source))
        return dataclasses.replace(chapter, title=title)

    return _map_chapters(book, fix)


def number_chapters(book: Book) -> Book:
    """Body chapters are numbered 1, 2, 3 ... across parts; matter is not numbered."""
    count = 0

    def number(chapter: Chapter) -> Chapter:
        nonlocal count
        if chapter.kind != "chapter":
            return chapter
        count += 1
        return dataclasses.replace(chapter, number=count)

    return _map_chapters(book, number)


def assign_ids(book: Book) -> Book:
    """Chapters become ch001, ch002 ... in reading order; parts part01, part02 ..."""
    count = 0

    def name(chapter: Chapter) -> Chapter:
        nonlocal count
        count += 1
        return dataclasses.replace(chapter, id=f"ch{count:03d}")

    book = _map_chapters(book, name)
    parts = iter(range(1, len(book.body) + 1))
    body = tuple(
        dataclasses.replace(item, id=f"part{next(parts):02d}") if isinstance(item, Part) else item
        for item in book.body
    )
    return dataclasses.replace(book, body=body)


def highlight_code(book: Book) -> Book:
    """Fenced code with a language (```python) gets Pygments token spans; themes colour them."""
    return _map_chapters(book, lambda c: dataclasses.replace(c, html=highlight_fragment(c.html)))


TRANSFORMS: tuple[Transform, ...] = (fill_titles, number_chapters, assign_ids, highlight_code)


def apply_transforms(book: Book, transforms: tuple[Transform, ...] = TRANSFORMS) -> Book:
    """Run each transform in order."""
    for transform in transforms:
        book = transform(book)
    return book


def _map_chapters(book: Book, fn: Callable[[Chapter], Chapter]) -> Book:
    """Apply `fn` to every chapter in reading order, keeping the book's shape."""
    front = tuple(fn(c) for c in book.front)
    body: list[Chapter | Part] = []
    for item in book.body:
        if isinstance(item, Part):
            body.append(dataclasses.replace(item, chapters=tuple(fn(c) for c in item.chapters)))
        else:
            body.append(fn(item))
    back = tuple(fn(c) for c in book.back)
    return dataclasses.replace(book, front=front, body=tuple(body), back=back)
