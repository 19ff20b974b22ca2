"""The corpus novels as Word documents, made at test time from the plain-text build by
python-docx and by pandoc (when installed): every word, italic and title arrives."""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import CORPUS, XHTML, body_text, letters_in_order, spine_documents
from test_corpus import NOVELS, story_words

pytestmark = pytest.mark.slow


def chapter_docs(epub: Path) -> list[tuple[str, object]]:
    """The EPUB's chapters and part pages (a part's title page may hold text), in order."""
    return [(n, d) for n, d in spine_documents(epub)
            if n.rsplit("/", 1)[-1].startswith(("ch", "part"))]


def as_word(epub: Path, target: Path) -> None:
    """One .docx holding the EPUB's parts and chapters: a part's title in Heading 1 and its
    chapters' in Heading 2 (Heading 1 in a book without parts), paragraphs with italic runs."""
    from docx import Document

    docs = chapter_docs(epub)
    parts = any(d.find(f".//{XHTML}h1[@class='part-title']") is not None for _, d in docs)
    document = Document()
    for _, doc in docs:
        section = doc.find(f".//{XHTML}section")
        heading = section.find(f".//{XHTML}h1")
        if heading is not None:  # a title page or dedication shows none: its text runs on
            level = 1 if not parts or heading.get("class") == "part-title" else 2
            document.add_heading("".join(heading.itertext()), level=level)
        for block in section.iter(f"{XHTML}p"):
            if "footnote-number" in (block.get("class") or "") or "scene-break-mark" in \
                    (block.get("class") or ""):
                continue
            _add_runs(document.add_paragraph(), block, italic=False)
    document.save(str(target))


def _add_runs(paragraph: Any, element: Any, italic: bool) -> None:
    """The element's text as runs: italic inside <em>, a line break for each <br/>."""
    italic = italic or element.tag == f"{XHTML}em"
    paragraph.add_run(element.text or "").italic = italic
    for child in element:
        if child.tag == f"{XHTML}br":
            paragraph.add_run().add_break()
        else:
            _add_runs(paragraph, child, italic)
        paragraph.add_run(child.tail or "").italic = italic


def as_word_by_pandoc(epub: Path, target: Path) -> None:
    """The EPUB's parts and chapters through pandoc (HTML in, .docx out), with a part's title
    one heading level above its chapters' as a writer's outline has it."""
    import subprocess

    from lxml import etree

    docs = chapter_docs(epub)
    parts = any(d.find(f".//{XHTML}h1[@class='part-title']") is not None for _, d in docs)
    body = []
    for _, doc in docs:
        section = doc.find(f".//{XHTML}section")
        for element in section.iter():  # pandoc's HTML reader skips an EPUB's title pages
            for name in [n for n in element.attrib if n.startswith("{http://www.idpf.org/")]:
                del element.attrib[name]
        for heading in section.iter(f"{XHTML}h1"):
            if parts and heading.get("class") != "part-title":
                heading.tag = f"{XHTML}h2"
        body.append(etree.tostring(section, encoding="unicode"))
    html = target.with_suffix(".html")
    html.write_text(f'<html xmlns="http://www.w3.org/1999/xhtml"><body>{"".join(body)}'
                    "</body></html>", encoding="utf-8")
    subprocess.run(["pandoc", "-f", "html", "-t", "docx", "-o", str(target), str(html)],
                   check=True, timeout=300)
    html.unlink()


MAKERS = {"python-docx": as_word, "pandoc": as_word_by_pandoc}


@pytest.mark.parametrize("maker", sorted(MAKERS))
@pytest.mark.parametrize("name", sorted(NOVELS))
def test_novel_as_word_keeps_every_word_italic_and_title(name: str, maker: str, make_book, octavo) -> None:  # type: ignore[no-untyped-def]
    if not (CORPUS / name).exists():
        pytest.skip("needs ../shared/corpus")
    if maker == "pandoc" and shutil.which("pandoc") is None:
        pytest.skip("needs pandoc")
    text_book = make_book({}, name="text")
    shutil.copy(CORPUS / name, text_book / "manuscript" / name)
    assert octavo("build", text_book, "--format", "epub").code == 0
    text_epub = next((text_book / "dist").glob("*.epub"))
    word_book = make_book({}, name="word")
    MAKERS[maker](text_epub, word_book / "manuscript" / "novel.docx")
    started = time.perf_counter()
    result = octavo("build", word_book, "--format", "epub")
    seconds = time.perf_counter() - started
    assert result.code == 0, result.err
    word_epub = next((word_book / "dist").glob("*.epub"))
    text = " ".join(body_text(doc) for _, doc in chapter_docs(word_epub))
    assert letters_in_order(story_words(name, NOVELS[name][1]), text) is None

    def facts(epub: Path) -> tuple[list[str], list[str]]:
        """The part and chapter titles in reading order, and the words set in italics (pandoc
        writes an italic verse a run per line, so Word holds five italics where the text had one)."""
        docs = chapter_docs(epub)
        titles = [f"{h.get('class')}: {''.join(h.itertext())}" for _, d in docs
                  for h in d.iter(f"{XHTML}h1")]
        return titles, [w for _, d in docs for em in d.iter(f"{XHTML}em")
                        for w in " ".join(em.itertext()).split()]

    titles, italics = facts(word_epub)
    text_titles, text_italics = facts(text_epub)
    # The text before the first heading (the transcriber's note, the title page) is a chapter
    # named after the file, as in Markdown; the plain-text reader knows it for a title page.
    assert titles == ["chapter-title: Novel", *text_titles]
    assert italics == text_italics
    print(f"{name} by {maker}: {len(titles)} part and chapter titles, italic words "
          f"{len(text_italics)}/{len(italics)}, {seconds:.1f} s")
