"""The reader table: a file is read by the reader of its suffix, and messages and the lint follow it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import BASIC_TOML, spine_documents

import octavo.readers
from octavo.checks.lint import lint_files
from octavo.readers import READERS, reader_for, suffixes_named
from octavo.readers.base import Paragraph, ReadContext, Reader, Section, SourceDoc, read_text_file


def read_shouting(path: Path, shown: str, context: ReadContext) -> SourceDoc:
    """A throwaway format: each line is a paragraph, set in capitals."""
    lines = read_text_file(path, shown, context.diagnostics).split("\n")
    html = "".join(f"<p>{line.upper()}</p>" for line in lines if line.strip())

    def render(level: int) -> list[Section]:
        return [Section(None, "", html, 1, bool(html))]

    return SourceDoc(path=path, shown=shown, meta={}, headings=[], render=render)


def shouting_paragraphs(text: str) -> Iterator[Paragraph]:
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            yield number, line.upper(), ""


SHOUT = Reader(name="shouting", suffixes=(".shout",), read=read_shouting,
               paragraphs=shouting_paragraphs)


@pytest.fixture
def shouting(monkeypatch: pytest.MonkeyPatch) -> Reader:
    monkeypatch.setattr(octavo.readers, "READERS", (*READERS, SHOUT))
    return SHOUT


def test_readers_by_suffix() -> None:
    assert reader_for(Path("01-a.md")).name == "Markdown"
    assert reader_for(Path("01-a.MARKDOWN")).name == "Markdown"
    assert reader_for(Path("book.txt")).name == "plain text"
    assert reader_for(Path("notes.rtf")) is None
    assert reader_for(Path("Draft.docx")).name == "Word"
    assert suffixes_named() == ".md, .txt or .docx"


def test_a_new_reader_is_one_row(make_book, octavo, shouting) -> None:  # type: ignore[no-untyped-def]
    root = make_book({"book.toml": BASIC_TOML, "manuscript/01-one.shout": "quiet words\n",
                      "manuscript/02-two.rtf": "{\\rtf1 not read}"})
    result = octavo("build", root)
    assert result.code == 0, result.err
    assert "manuscript/02-two.rtf: ignored: not a .md, .txt, .docx or .shout file" in result.err
    text = " ".join(" ".join(doc.itertext()) for _, doc in
                    spine_documents(root / "dist" / "a-test-book.epub"))
    assert "QUIET WORDS" in text


def test_the_lint_reads_as_the_reader_does(tmp_path: Path, shouting) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "one.shout"
    path.write_text("first line\nsaid \"so\" she\n", encoding="utf-8")
    findings = lint_files([(path, "one.shout")])
    assert [(f.line, f.message.split(":")[0]) for f in findings] == [(2, "straight quote left over")]
    assert "SAID" in findings[0].message  # the text as the reader sets it
