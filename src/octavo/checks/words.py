"""Every word of the manuscript in the EPUB and in the PDF, in order: where they part, if they do."""

from __future__ import annotations

import unicodedata
import zipfile
import zlib
from pathlib import Path

from lxml import etree

from octavo import xhtml
from octavo.checks.findings import Finding, Report
from octavo.checks.pdfread import PdfPage
from octavo.errors import CheckError
from octavo.model import Book, Chapter, Part
from octavo.readers.base import Paragraph
from octavo.readers.markdown import CODE
from octavo.text import letters


def check_words(book: Book, epub_text: str, pages: list[PdfPage], report: Report,
                manuscript: dict[str, list[Paragraph]] | None = None) -> None:
    """Every word of the book in the EPUB (its text, as `read_epub_text` gives it) and the PDF,
    in order; footnotes apart in the PDF.

    The book is what the readers made of the manuscript; `manuscript`, the paragraphs of the
    files whose reader keeps every one (by file, as `Reader.paragraphs` gives them), are
    looked for in it first: a word a reader loses is lost from both files alike.
    """
    _check_manuscript(book, manuscript or {}, report)
    everything, body, notes = [], [], []
    for item in book.items():
        title = [(item.title, w) for w in item.title.split()] if _shows_title(item) else []
        whole, main, noted = _words(item)
        everything += title + [(item.title, w) for w in whole]
        body += title + [(item.title, w) for w in main]
        notes += [(item.title, w) for w in noted]
    epub_text = letters(epub_text)
    pdf_text = letters("\n".join(p.body for p in pages))
    total = len(everything)
    for name, text, expected, window in (("EPUB", epub_text, everything, 2000),
                                         ("PDF", pdf_text, body, 8000),
                                         ("PDF footnotes", pdf_text, notes, None)):
        missing = _first_missing(expected, text, window)
        if missing is not None:
            report.findings.append(Finding("error", "words", f"{name} parts from the manuscript: "
                                           f"{missing}"))
    lost = [f for f in report.findings if f.check == "words"]
    report.facts.append(("words", f"{total:,} words in the manuscript; "
                         + ("all in the EPUB and the PDF, in order" if not lost
                            else f"{len(lost)} place(s) where the files differ")))


def _check_manuscript(book: Book, manuscript: dict[str, list[Paragraph]],
                      report: Report) -> None:
    """Each file's paragraphs in the text of the chapters made from it (in order, but a
    footnote's text may come before the place it is defined): the first lost one named."""
    texts: dict[str, list[str]] = {}
    for item in book.items():
        whole, _, _ = _words(item)
        texts.setdefault(item.source, []).append(letters(f"{item.title} {' '.join(whole)}"))
    for shown, paragraphs in manuscript.items():
        text = "".join(texts.get(shown, []))
        position = 0
        lost: list[tuple[int, str]] = []
        for line, paragraph, _problem in paragraphs:
            for piece in paragraph.split(CODE):  # inline code: the book has the code itself
                token = letters(piece)
                if not token:
                    continue
                found = text.find(token, position)
                found = text.find(token) if found < 0 else found
                if found < 0:
                    lost.append((line, paragraph))
                    break
                position = found + len(token)
        if lost:
            line, paragraph = lost[0]
            words = paragraph.replace(CODE, "code").split()
            quoted = " ".join(words[:12]) + ("…" if len(words) > 12 else "")
            more = f" ({len(lost)} paragraphs in all)" if len(lost) > 1 else ""
            report.findings.append(Finding(
                "error", "words", f"the book lost this paragraph of the manuscript, so the "
                f"EPUB and the PDF lack it too: “{quoted}”{more}", shown, line))


def _shows_title(item: Chapter | Part) -> bool:
    return isinstance(item, Part) or item.show_title


def _words(item: Chapter | Part) -> tuple[list[str], list[str], list[str]]:
    """The words of a chapter: all, outside footnotes, inside footnotes (note numbers left out)."""
    if not item.html:
        return [], [], []
    root = xhtml.fragment_root(item.html)
    for el in list(root.iter()):
        classes = (el.get("class") or "").split() if isinstance(el.tag, str) else []
        if "noteref-mark" in classes or "footnote-number" in classes:
            xhtml.remove_keeping_tail(el)
    whole = " ".join(root.itertext()).split()
    noted: list[str] = []
    for aside in list(root.iter(f"{{{xhtml.XHTML_NS}}}aside")):
        noted += " ".join(aside.itertext()).split()
        xhtml.remove_keeping_tail(aside)
    return whole, " ".join(root.itertext()).split(), noted


def read_epub_text(epub: Path) -> str:
    """The text of the EPUB's spine documents, in reading order; a CheckError naming the file
    when it cannot be read as an EPUB (cut short, or another file in its place)."""
    try:
        return _epub_text(epub)
    except (OSError, zipfile.BadZipFile, zlib.error, etree.XMLSyntaxError, KeyError, TypeError,
            ValueError, EOFError):
        raise CheckError("not a readable EPUB; build the book again", epub) from None


def _epub_text(epub: Path) -> str:
    with zipfile.ZipFile(epub) as zf:
        opf_name = next((n for n in zf.namelist() if n.endswith(".opf")), None)
        if opf_name is None:
            raise ValueError("no package document")
        opf = etree.fromstring(zf.read(opf_name), xhtml.xml_parser())
        ns = {"opf": "http://www.idpf.org/2007/opf"}
        hrefs = {i.get("id"): i.get("href") for i in opf.iterfind(".//opf:manifest/opf:item", ns)}
        base = opf_name.rsplit("/", 1)[0] + "/" if "/" in opf_name else ""
        texts = []
        for ref in opf.iterfind(".//opf:spine/opf:itemref", ns):
            doc = etree.fromstring(zf.read(base + hrefs[ref.get("idref")]), xhtml.xml_parser())
            texts.append(" ".join(doc.itertext()))
        return "\n".join(texts)


def _first_missing(expected: list[tuple[str, str]], stream: str, window: int | None = None) -> str | None:
    """None when every word is in `stream` in order; else where the two part, with context.

    With a `window`, each word must come within that many letters of the one before (a
    page's running head, folio and footnotes lie between); a word whose first letter is
    elsewhere (a drop cap is drawn before the chapter title) is found without it. Words of
    a right-to-left script in a run are found in any order: a PDF gives them as they stand
    on the line, right to left, the last first.
    """
    position = 0
    index = 0
    while index < len(expected):
        end = _rtl_run_end(expected, index)
        width = None if window is None else window + sum(len(w) for _, w in expected[index:end])
        found = position
        for offset, (_, word) in enumerate(expected[index:end]):
            after = _find_word(letters(word), stream, position, width)
            if after is None:
                chapter = expected[index + offset][0]
                context = " ".join(w for _, w in expected[max(0, index + offset - 4):
                                                          index + offset + 5])
                return (f"in {chapter!r}, word {word!r} is missing or out of order, near "
                        f"“{context}”")
            found = max(found, after)
        position, index = found, end
    return None


def _find_word(token: str, stream: str, position: int, window: int | None) -> int | None:
    """Where `token` ends in `stream` after `position` (within `window` letters, if given);
    None when it is not there."""
    if not token:
        return position
    if len(token) == 1:  # "A" or "I": only just here, or it is a drop cap drawn elsewhere
        found = stream.find(token, position, position + 3)
        return found + 1 if found >= 0 else position
    end = None if window is None else position + window + len(token)
    found, length = stream.find(token, position, end), len(token)
    cut = stream.find(token[1:], position, end)
    if cut >= 0 and (found < 0 or cut < found):
        found, length = cut, len(token) - 1
    return None if found < 0 else found + length


def _rtl_run_end(expected: list[tuple[str, str]], index: int) -> int:
    """The end of the run of right-to-left words (and the numbers and marks among them) that
    starts at `index`; `index + 1` when the word there is not right to left."""
    if _direction(expected[index][1]) != "R":
        return index + 1
    end = index + 1
    while end < len(expected) and _direction(expected[end][1]) in ("R", ""):
        end += 1
    return end


def _direction(word: str) -> str:
    """"L" for a word with a left-to-right letter, "R" for one of right-to-left letters
    only, "" for one of neither (a number, a mark)."""
    kinds = {unicodedata.bidirectional(c) for c in word}
    return "L" if "L" in kinds else "R" if kinds & {"R", "AL"} else ""
