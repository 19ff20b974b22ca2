"""A catalogue of bad input: each case with the exact answer a user gets, and the same promises
for all of them: a one-line message naming the file (and line), a documented exit code, no
traceback, the manuscript untouched, dist/ holding either the previous files or complete new
ones, nothing from outside the book folder in either output, and no network connection."""

from __future__ import annotations

import hashlib
import io
import socket
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import BASIC_TOML, Result, tiny_png

SECRET = "SECRETMARKER7731"  # the text of a file outside the book folder
GOOD = "# One\n\nSome text.\n"
PDF_TOML = BASIC_TOML.replace('formats = ["epub"]', 'formats = ["epub", "pdf"]')
PREVIOUS = b"the previous, good file"


@dataclass
class Case:
    """Files to write (text may hold {secret}, the outside file's path), what the user sees."""

    files: dict[str, str | bytes]
    code: int
    message: str  # the error line (after "error: "), or a warning line when code is 0
    args: tuple[str, ...] = ()
    words: tuple[str, ...] = ()  # for builds that succeed: words the EPUB must hold
    absent: tuple[str, ...] = ()  # ... and strings it must not hold
    links: dict[str, str] = field(default_factory=dict)  # symlinks: path -> target ({secret})


def md(text: str | bytes, toml: str = BASIC_TOML) -> dict[str, str | bytes]:
    return {"book.toml": toml, "manuscript/01-one.md": text}


def pic(name: str) -> str:
    return f"# One\n\nText.\n\n![alt]({name})\n"


CASES: dict[str, Case] = {
    # --- the manuscript's files
    "empty file": Case(md(""), 4, "manuscript/01-one.md: empty chapter: the file has no text"),
    "blank lines only": Case(md("\n \n\t\n"), 4,
                             "manuscript/01-one.md: empty chapter: the file has no text"),
    "only front matter": Case(md("---\ntitle: X\n---\n"), 4,
                              "manuscript/01-one.md: empty chapter: the file has no text"),
    "heading with nothing under it": Case(
        md("# One\n\nText.\n\n# Two\n"), 4,
        "manuscript/01-one.md:5: empty chapter 'Two': a heading with no text under it"),
    "binary file named .md": Case(md(tiny_png()), 4,
                                  "manuscript/01-one.md: not a text file (it holds binary data)"),
    "Word document named .md": Case(md(b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 40), 4,
                                    "manuscript/01-one.md: not a text file (it holds binary data)"),
    "NUL and control characters": Case(
        md("# One\n\n" + "Plain words. " * 20 + "Bell\x07 nul\x00 escape\x1b end.\n"), 0,
        "manuscript/01-one.md: control characters removed (XML cannot hold them)",
        words=("Bell", "nul", "escape", "end.")),
    "invalid UTF-8 in the middle": Case(
        md(b"# One\n\nThe caf\xe9 was open. " + b"Fine words. " * 30 + b"\n"),
        0, "manuscript/01-one.md: not UTF-8; read as Windows-1252", words=("café",)),
    "UTF-16 with a byte order mark": Case(
        md("# One\n\nÉtude in UTF-16.\n".encode("utf-16")), 0,
        "manuscript/01-one.md: not UTF-8; read as UTF-16 (its byte order mark says so)",
        words=("Étude", "UTF-16.")),
    "a 5 MB single line": Case(md("# One\n\n" + "word " * 1_000_000 + "last\n"), 0, "",
                               words=("last",)),
    "blockquotes nested 10,000 deep": Case(
        md("# One\n\n" + ">" * 10_000 + " deep\n"), 4,
        "manuscript/01-one.md:3: quotes or lists nested about 50 deep; Octavo would lose what "
        "is inside them"),
    "lists nested 10,000 deep": Case(
        md("# One\n\n" + "".join("  " * i + "- x\n" for i in range(0, 10_000, 50)) + "\nend\n"),
        0, "", words=("end",)),
    "emphasis and brackets 10,000 deep": Case(
        md("# One\n\n" + "*" * 10_000 + "a" + "*" * 10_000 + " " + "[" * 10_000 + "b\n"), 0, "",
        words=("a",)),
    "raw HTML nested 10,000 deep": Case(md("# One\n\n" + "<div>" * 10_000 + "deep\n"), 0, "",
                                        words=("deep",)),
    "unclosed HTML": Case(md("# One\n\n<div><p>never <em>closed\n\nNext paragraph.\n"), 0, "",
                          words=("never", "closed", "Next")),
    "malformed HTML": Case(md("# One\n\n<p <b>>odd</p></i></div> text <a href=>x</a>\n"), 0, "",
                           words=("text",)),
    "a script element": Case(md("# One\n\nBefore.\n\n<script>alert('x')</script>\n\nAfter.\n"), 0,
                             "manuscript/01-one.md:5: raw HTML removed: <script>",
                             words=("Before.", "After."), absent=("alert", "<script")),
    "an iframe": Case(md("# One\n\nText.\n\n<iframe src=\"https://example.org/\"></iframe>\n"), 0,
                      "manuscript/01-one.md:5: raw HTML removed: <iframe>", absent=("iframe",)),
    "an onload= attribute": Case(md("# One\n\n<p onload=\"steal()\">Text.</p>\n"), 0,
                                 "manuscript/01-one.md:3: raw HTML removed: onload= on <p>",
                                 words=("Text.",), absent=("steal",)),
    "a style element": Case(md("# One\n\nText.\n\n<style>body{display:none}</style>\n"), 0,
                            "manuscript/01-one.md:5: raw HTML removed: <style>",
                            absent=("display:none",)),
    "a form": Case(md("# One\n\n<form action=\"https://x.org\"><input name=\"q\"/>Text.</form>\n"),
                   0, "manuscript/01-one.md:3: raw HTML removed: <form>, <input>",
                   words=("Text.",), absent=("<form", "<input")),
    "a javascript: link in Markdown": Case(md("# One\n\n[click](javascript:alert(1))\n"), 0, "",
                                           words=("click",), absent=('href="javascript',)),
    "a javascript: link in HTML": Case(
        md("# One\n\n<a href=\"javascript:alert(1)\">click</a> me.\n"), 0,
        "manuscript/01-one.md:3: raw HTML removed: javascript: URL on <a>",
        words=("click",), absent=("javascript:",)),
    "a link to /uri": Case(md("# One\n\nSee [this](/uri).\n"), 0,
                           "manuscript/01-one.md:3: link target /uri is not in the book; "
                           "kept as plain text", words=("this",), absent=("/uri",)),
    "a link to a missing chapter": Case(
        md("# One\n\nSee [that](other.md).\n"), 0,
        "manuscript/01-one.md:3: link target other.md is not in the book; kept as plain text",
        words=("that",), absent=("other.md",)),
    "a link to an unknown anchor": Case(
        md("# One\n\nSee [there](#nowhere).\n"), 0,
        "manuscript/01-one.md:3: link target #nowhere is not in the book; kept as plain text",
        words=("there",), absent=("#nowhere",)),
    "a link to a file outside the book": Case(
        md("# One\n\nSee [it](../../secret/secret.md).\n"), 0,
        "manuscript/01-one.md:3: link target ../../secret/secret.md is not in the book; "
        "kept as plain text", words=("it",), absent=("secret",)),
    "entities for characters XML cannot hold": Case(
        md("# One\n\nNul &#0; one &#x1; surrogate &#xD800; big &#x110000; end.\n"), 0, "",
        words=("Nul", "one", "surrogate", "big", "end.")),
    "a raw HTML comment that never closes": Case(
        md("# One\n\nText.\n\n<!-- open\n\nMore.\n"), 0,
        "manuscript/01-one.md:5: an HTML comment opens here and never closes; the rest of the "
        "file is left out", words=("Text.",)),
    "a footnote nothing calls": Case(
        md("# One\n\nText.\n\n[^x]: Lost note.\n"), 0,
        "manuscript/01-one.md:5: footnote [^x] is never referred to, so it is left out"),
    # --- images
    "image ../../etc/passwd": Case(
        md(pic("../../etc/passwd")), 4,
        "manuscript/01-one.md:5: image ../../etc/passwd refused: it is outside the book folder"),
    "image with an absolute path": Case(
        md(pic("{secret}")), 4,
        "manuscript/01-one.md:5: image {secret} refused: use a path relative to the chapter file"),
    "image file:// URL": Case(md(pic("file://{secret}")), 0, "", words=("alt",),
                              absent=('src="file:',)),
    "image file:// URL in HTML": Case(
        md("# One\n\nText <img src=\"file://{secret}\" alt=\"a\"/>.\n"), 0,
        "manuscript/01-one.md:3: raw HTML removed: file: URL on <img>",
        words=("Text",), absent=("file:",)),
    "a symlink pointing outside the book": Case(
        md(pic("img/link.png")), 4,
        "manuscript/01-one.md:5: image img/link.png refused: it is outside the book folder",
        links={"manuscript/img/link.png": "{secret}"}),
    "a chapter that is a symlink outside": Case(
        {"book.toml": BASIC_TOML, "manuscript/01-one.md": GOOD}, 4,
        "manuscript/02-two.md: refused: a link to a file outside the book folder",
        links={"manuscript/02-two.md": "{secret}"}),
    "an image that is not an image": Case(
        {**md(pic("img/x.png")), "manuscript/img/x.png": "just text"}, 4,
        "manuscript/01-one.md:5: image img/x.png is not an image (or it is damaged)"),
    "a huge image": Case(
        {**md(pic("img/huge.png")), "manuscript/img/huge.png": b"HUGE"}, 4,
        "manuscript/01-one.md:5: image img/huge.png is too large (9000×5000 pixels); "
        "scale it below 40 million pixels"),
    "a remote image URL": Case(
        md(pic("https://example.org/x.png")), 4,
        "manuscript/01-one.md:5: image https://example.org/x.png refused: "
        "images must be files inside the book folder"),
    "a remote image in HTML": Case(
        md("# One\n\nText <img src=\"http://example.org/x.png\" alt=\"a\"/>.\n"), 4,
        "manuscript/01-one.md:3: image http://example.org/x.png refused: "
        "images must be files inside the book folder"),
    "a missing image": Case(md(pic("img/gone.png")), 4,
                            "manuscript/01-one.md:5: image img/gone.png not found"),
    "an image of an unknown type": Case(
        {**md(pic("img/x.psd")), "manuscript/img/x.psd": b"8BPS"}, 4,
        "manuscript/01-one.md:5: image img/x.psd refused: .psd is not an image type; "
        "use PNG, JPEG, GIF or SVG"),
    "an SVG that fetches a file": Case(
        {**md(pic("img/x.svg")), "manuscript/img/x.svg":
            '<svg xmlns="http://www.w3.org/2000/svg"><image href="file://{secret}"/></svg>'}, 4,
        "manuscript/01-one.md:5: image img/x.svg refused: the SVG refers to another file "
        "(file://{secret})"),
    # --- book.toml and the command line
    "book.toml that is not TOML": Case(
        {"book.toml": "[book\ntitle = 'x'\n", "manuscript/01-one.md": GOOD}, 3,
        "book.toml:1: Expected ']' at the end of a table declaration (TOML)"),
    "book.toml without a title": Case(
        {"book.toml": "[book]\nauthors = ['A']\nlanguage = 'en'\n", "manuscript/01-one.md": GOOD},
        3, "book.toml: [book] title: missing; add title = \"Your Title\""),
    "authors of the wrong type": Case(
        {"book.toml": BASIC_TOML.replace('["Ada Writer"]', '42'),
         "manuscript/01-one.md": GOOD}, 3,
        "book.toml: [book] authors: must be a list of names, e.g. authors = [\"Jane Doe\"]"),
    "a cover outside the book": Case(
        {"book.toml": BASIC_TOML.replace("[build]", "cover = \"../../secret/secret.png\"\n\n[build]"),
         "manuscript/01-one.md": GOOD}, 3,
        "book.toml: [book] cover: ../../secret/secret.png is outside the book folder"),
    "an unknown theme in book.toml": Case(
        {"book.toml": BASIC_TOML + "theme = \"nope\"\n", "manuscript/01-one.md": GOOD}, 5,
        "theme 'nope' not found (looked in styles/nope and the built-in themes; "
        "available: base, classic, modern, nonfiction)"),
    "an unknown theme on the command line": Case(
        {"book.toml": BASIC_TOML, "manuscript/01-one.md": GOOD}, 5,
        "theme 'nope' not found (looked in styles/nope and the built-in themes; "
        "available: base, classic, modern, nonfiction)",
        args=("--theme", "nope")),
    "a theme stylesheet pointing outside": Case(
        {"book.toml": BASIC_TOML, "manuscript/01-one.md": GOOD,
         "styles/classic/extra-epub.css": "@font-face { src: url({secret}); }"}, 5,
        "styles/classic: theme 'classic': url({secret}) not found"),
    "front matter that is not YAML": Case(
        md("---\ntitle: [unclosed\n---\n# One\n\nText.\n"), 4,
        "manuscript/01-one.md:2: front matter: expected ',' or ']', but got '<stream end>'"),
    "an output folder that is a file": Case(
        {"book.toml": BASIC_TOML, "manuscript/01-one.md": GOOD, "out": "a file"}, 6,
        "out: cannot create output folder: File exists", args=("--out", "{root}/out")),
    "an output file that is a folder": Case(
        {"book.toml": BASIC_TOML, "manuscript/01-one.md": GOOD,
         "dist/a-test-book.epub/keep": "x"}, 6,
        "dist: cannot write a-test-book.epub: Is a directory"),
    "an output folder inside the manuscript": Case(
        {"book.toml": BASIC_TOML, "manuscript/01-one.md": GOOD}, 6,
        "manuscript/out: the output folder must not be inside the manuscript folder",
        args=("--out", "{root}/manuscript/out")),
}


def _digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.is_symlink()}


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Any attempt to open a connection is recorded (and fails)."""
    attempts: list[object] = []

    def refuse(self: socket.socket, address: object) -> None:
        attempts.append(address)
        raise OSError("network use in a build")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    return attempts


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input(name: str, tmp_path: Path, octavo: Callable[..., Result],
                   no_network: list[object]) -> None:
    case = CASES[name]
    secret = tmp_path / "secret" / "secret.md"
    secret.parent.mkdir()
    secret.write_text(SECRET)
    (secret.parent / "secret.png").write_bytes(tiny_png())
    root = tmp_path / "book"
    for rel, content in case.files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            path.write_text(content.replace("{secret}", str(secret)), encoding="utf-8")
        elif content == b"HUGE":
            from PIL import Image

            Image.new("1", (9000, 5000)).save(path, "PNG")
        else:
            path.write_bytes(content)
    (root / "manuscript").mkdir(parents=True, exist_ok=True)
    for rel, target in case.links.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).symlink_to(target.replace("{secret}", str(secret)))
    epub = root / "dist" / "a-test-book.epub"
    if not epub.parent.exists():
        epub.parent.mkdir()
        epub.write_bytes(PREVIOUS)
    manuscript = _digest(root / "manuscript")
    args = [a.replace("{root}", str(root)) for a in case.args]

    result = octavo("build", root, *args)

    message = case.message.replace("{secret}", str(secret))
    assert result.code == case.code, result.err
    assert "Traceback" not in result.err + result.out
    errors = [line for line in result.err.splitlines() if line.startswith("error:")]
    if case.code:
        assert errors == [f"error: {message}"]
        if epub.is_file():
            assert epub.read_bytes() == PREVIOUS  # the last good file stays
    else:
        assert errors == []
        if message:
            assert f"warning: {message}" in result.err.splitlines()
        _check_epub(epub, case)
    assert _digest(root / "manuscript") == manuscript
    assert not [p for p in root.rglob("*.partial")]
    assert no_network == []


def _check_epub(epub: Path, case: Case) -> None:
    from octavo.text import words

    data = epub.read_bytes()
    assert data != PREVIOUS
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert zf.namelist()[0] == "mimetype"
        assert zf.testzip() is None
        text = "\n".join(zf.read(n).decode("utf-8", "replace") for n in zf.namelist()
                         if n.endswith((".xhtml", ".css", ".opf", ".ncx")))
    assert SECRET not in text
    found = set(words(text))
    for word in case.words:
        assert word in found or word in text, word
    for piece in case.absent:
        assert piece not in text, piece


def test_the_catalogue_is_long_enough() -> None:
    assert len(CASES) + 3 >= 40  # plus the three tests below


def test_nothing_from_outside_reaches_the_pdf(make_book, octavo, tmp_path: Path,  # type: ignore[no-untyped-def]
                                              no_network: list[object]) -> None:
    secret = tmp_path / "secret.css"
    secret.write_text(f'body::after {{ content: "{SECRET}"; }}')
    root = make_book({
        "book.toml": PDF_TOML,
        "manuscript/01-one.md": GOOD + f"\n<link rel=\"stylesheet\" href=\"{secret}\"/>\n",
        "styles/classic/extra-print.css": f"@import url(\"{secret.as_uri()}\");\n"
                                          "@import url(\"https://example.org/x.css\");\n",
    })
    result = octavo("build", root)
    assert result.code == 0, result.err
    from pypdf import PdfReader

    text = " ".join(p.extract_text() for p in PdfReader(root / "dist" / "a-test-book.pdf").pages)
    assert SECRET not in text and "ome text." in text  # after the drop cap
    assert no_network == []


def test_two_builds_at_once_into_one_dist(make_book) -> None:  # type: ignore[no-untyped-def]
    import os
    import subprocess
    import sys

    root = make_book({"book.toml": BASIC_TOML, "manuscript/01-one.md": GOOD * 50})
    env = {**os.environ, "SOURCE_DATE_EPOCH": "0"}
    runs = [subprocess.Popen([sys.executable, "-m", "octavo", "build", str(root)], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(3)]
    for run in runs:
        out, err = run.communicate(timeout=300)
        assert run.returncode == 0, err
    assert sorted(p.name for p in (root / "dist").iterdir()) == ["a-test-book.epub"]
    with zipfile.ZipFile(root / "dist" / "a-test-book.epub") as zf:
        assert zf.testzip() is None


def test_strict_makes_a_warning_fatal(make_book, octavo) -> None:  # type: ignore[no-untyped-def]
    root = make_book(md("# One\n\nSee [this](/uri).\n"))
    result = octavo("build", root, "--strict")
    assert result.code == 7
    assert result.err.splitlines()[-1] == "error: 1 warning(s) and --strict is on"
