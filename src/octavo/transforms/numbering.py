"""Titles filled in, chapters numbered, ids assigned: the steps that name the book's parts."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

from octavo.diagnostics import Diagnostics
from octavo.model import Book, Chapter, Part
from octavo.readers.manuscript import stem_title


def fill_titles(book: Book, diagnostics: Diagnostics) -> Book:
    """Untitled chapters take the book title (a one-chapter book) or their file's name."""
    single = len(book.chapters()) == 1

    def fix(chapter: Chapter) -> Chapter:
        if chapter.title:
            return chapter
        title = book.metadata.title if single else stem_title(Path(chapter.source))
        return dataclasses.replace(chapter, title=title)

    return map_chapters(book, fix)


def number_chapters(book: Book, diagnostics: Diagnostics) -> Book:
    """Body chapters are numbered 1, 2, 3 ... across parts; matter is not numbered."""
    count = 0

    def number(chapter: Chapter) -> Chapter:
        nonlocal count
        if chapter.kind != "chapter":
            return chapter
        count += 1
        return dataclasses.replace(chapter, number=count)

    return map_chapters(book, number)


def assign_ids(book: Book, diagnostics: Diagnostics) -> Book:
    """Chapters become ch001, ch002 ... in reading order; parts part01, part02 ..."""
    count = 0

    def name(chapter: Chapter) -> Chapter:
        nonlocal count
        count += 1
        return dataclasses.replace(chapter, id=f"ch{count:03d}")

    book = map_chapters(book, name)
    parts = iter(range(1, len(book.body) + 1))
    body = tuple(
        dataclasses.replace(item, id=f"part{next(parts):02d}") if isinstance(item, Part) else item
        for item in book.body
    )
    return dataclasses.replace(book, body=body)


def map_chapters(book: Book, fn: Callable[[Chapter], Chapter]) -> Book:
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
