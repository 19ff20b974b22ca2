"""Real manuscripts from ../shared/corpus: what a user expects of each."""

from __future__ import annotations

import shutil

import pytest
from conftest import CORPUS, epubcheck, spine_documents

FINALE = CORPUS / "finale.txt"


@pytest.mark.skipif(not FINALE.exists(), reason="needs ../shared/corpus")
def test_finale_alone_builds_one_chapter_with_every_word_untouched(make_book, octavo) -> None:  # type: ignore[no-untyped-def]
    root = make_book({}, name="finale-book")
    shutil.copy(FINALE, root / "manuscript" / "finale.txt")
    result = octavo("build", root, "--format", "epub")
    assert result.code == 0, result.err
    assert "read 1 chapter from 1 file" in result.out
    epub = root / "dist" / "finale-book.epub"
    assert epubcheck(epub) == []
    chapters = [doc for name, doc in spine_documents(epub) if name.endswith("ch001.xhtml")]
    assert len(chapters) == 1
    assert not any(name.endswith("ch002.xhtml") for name, _ in spine_documents(epub))
    ns = {"x": "http://www.w3.org/1999/xhtml"}
    paragraphs = chapters[0].findall(".//x:section/x:p", ns)
    text = " ".join(body_text_of(p) for p in paragraphs)
    assert text.split() == FINALE.read_text(encoding="utf-8").split()


def body_text_of(element) -> str:  # type: ignore[no-untyped-def]
    return "".join(element.itertext())


