"""The press-ready pass keeps the streams it recoloured: an edit recolours only what it changed,
and the PDF is the one a pass over every stream gives."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from books import chapter, multi_chapter_book

import octavo.backends.pdf.chunks
from octavo.backends.pdf import press
from octavo.backends.pdf.pressmemo import FOLDER
from octavo.build import build
from octavo.diagnostics import Diagnostics

PRINT = '[print]\nprofile = "print"\n'
SHADES = "the print PDF has black ink only"


class Counting:
    """press._COLOUR, counting the streams it recolours."""

    def __init__(self, pattern: Any) -> None:
        self.pattern, self.streams = pattern, 0

    def sub(self, *args: Any) -> bytes:
        self.streams += 1
        return self.pattern.sub(*args)  # type: ignore[no-any-return]


def _build(root: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, list[str]]:
    """Build the PDF; the streams recoloured and the warnings."""
    counting = Counting(press._COLOUR)
    monkeypatch.setattr(press, "_COLOUR", counting)
    diagnostics = Diagnostics()
    build(root, diagnostics, jobs=2)
    monkeypatch.setattr(press, "_COLOUR", counting.pattern)
    return counting.streams, [str(w) for w in diagnostics.warnings]


@pytest.fixture()
def book(make_book, monkeypatch: pytest.MonkeyPatch) -> Path:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    monkeypatch.setattr(octavo.backends.pdf.chunks, "CHUNK_CHARS", 14000)
    return multi_chapter_book(make_book, "classic", PRINT)  # type: ignore[no-any-return]


def test_an_edit_recolours_only_the_streams_it_changed(book: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    every, warned = _build(book, monkeypatch)
    assert every > 20 and any(SHADES in w for w in warned)  # classic's ornaments are coloured
    (book / "manuscript" / "05-chapter.md").write_text(
        chapter(5).replace("A claim", "One claim"), encoding="utf-8")
    again, warned = _build(book, monkeypatch)
    assert 0 < again < every / 3, (again, every)
    assert any(SHADES in w for w in warned)  # the colours of the streams kept are told too
    pdf = book / "dist" / "chunked.pdf"
    kept = pdf.read_bytes()
    # The same book, every stream recoloured (the memo gone; the chunks still kept).
    shutil.rmtree(book / ".octavo-cache" / FOLDER)
    pdf.unlink()
    assert _build(book, monkeypatch)[0] == every
    assert pdf.read_bytes() == kept


def test_a_memo_from_elsewhere_or_damaged_is_not_used(book: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    every, _warned = _build(book, monkeypatch)
    pdf = book / "dist" / "chunked.pdf"
    made = pdf.read_bytes()
    memo = book / ".octavo-cache" / FOLDER / "streams.json"
    data = json.loads(memo.read_text(encoding="utf-8"))
    # Someone else's entries (their secret made other keys) and entries that are not entries.
    data["streams"] = {f"{n:040x}": [None, []] for n in range(3)}
    data["streams"].update({"a": "b", "c": [1, 2], "d": ["!!not base64!!", []]})
    for damaged in (json.dumps(data), "{not json", "[]"):
        memo.write_text(damaged, encoding="utf-8")
        pdf.unlink()
        assert _build(book, monkeypatch)[0] == every
        assert pdf.read_bytes() == made
