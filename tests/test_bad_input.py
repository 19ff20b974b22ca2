"""A catalogue of bad input: each case with the exact answer a user gets, and the same promises
for all of them: a one-line message naming the file (and line), a documented exit code, no
traceback, the manuscript untouched, dist/ holding either the previous files or complete new
ones, nothing from outside the book folder in either output, and no network connection."""

from __future__ import annotations

import base64
import hashlib
import io
import os
import re
import socket
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import BASIC_TOML, Result, body_text, spine_documents, tiny_png

SECRET = "SECRETMARKER7731"  # the text of a file outside the book folder
GOOD = "# One\n\nSome text.\n"
PDF_TOML = BASIC_TOML.replace('formats = ["epub"]', 'formats = ["epub", "pdf"]')
PREVIOUS = b"the previous, good file"


@dataclass
class Case:
    """Files to write (text may hold {secret}, the outside file's path), what the user sees."""

    files: dict[str, str | bytes]
    code: int
    message: str  # the error line (after "error: "), or the warning lines when code is 0
    args: tuple[str, ...] = ()
    words: tuple[str, ...] = ()  # for builds that succeed: words the chapters must hold, whole
    absent: tuple[str, ...] = ()  # ... strings no file of the EPUB may hold
    text: tuple[str, ...] = ()  # ... strings the chapters' text must hold (U+FFFD, say)
    css: tuple[str, ...] = ()  # ... strings the EPUB's stylesheet must hold
    opf: tuple[str, ...] = ()  # ... strings its package document must hold
    links: dict[str, str] = field(default_factory=dict)  # symlinks: path -> target ({secret})
    fifos: tuple[str, ...] = ()  # named pipes to make (a read of one would block for ever)
    folders: tuple[str, ...] = ()  # empty folders to make


def md(text: str | bytes, toml: str = BASIC_TOML) -> dict[str, str | bytes]:
    return {"book.toml": toml, "manuscript/01-one.md": text}


def pic(name: str) -> str:
    return f"# One\n\nText.\n\n![alt]({name})\n"


CASES: dict[str, Case] = {
    # --- the manuscript's files
    "empty file": Case(md(""), 4, "manuscript/01-one.md: empty chapter: the file has no text"),
    "a .txt chapter of a heading over one short line": Case(
        {"book.toml": BASIC_TOML, "manuscript/01.txt": "Chapter 1\n\nThe End\n"}, 0, "",
        words=("The", "End")),
    "a file of one comment": Case(md("<!-- to do -->\n"), 4,
                                  "manuscript/01-one.md:1: empty chapter: nothing in it that a book "
                                  "sets (a comment, or HTML that is left out, is not printed)"),
    "blank lines only": Case(md("\n \n\t\n"), 4,
                             "manuscript/01-one.md: empty chapter: the file has no text"),
    "only front matter": Case(md("---\ntitle: X\n---\n"), 4,
                              "manuscript/01-one.md: empty chapter: the file has no text"),
    "heading with nothing under it (a draft)": Case(
        md("# One\n\nText.\n\n# Two\n"), 0,
        "manuscript/01-one.md:5: chapter 'Two' has only its heading (a draft)", words=("Two",)),
    "a heading of no text": Case(
        md("# One\n\nText.\n\n#\n\nUnder an empty heading.\n"), 0,
        "manuscript/01-one.md:5: a heading with no text: the chapter is named after the book or "
        "its file in the contents", words=("Under",)),
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
    "UTF-16 without a byte order mark, little-endian": Case(
        md("# One\n\nÉtude in UTF-16, unmarked.\n".encode("utf-16-le")), 0,
        "manuscript/01-one.md: not UTF-8; read as UTF-16-LE (its bytes say so; it has no byte "
        "order mark)", words=("Étude", "unmarked.")),
    "UTF-16 without a byte order mark, big-endian": Case(
        md("# One\n\nÉtude in UTF-16, unmarked.\n".encode("utf-16-be")), 0,
        "manuscript/01-one.md: not UTF-8; read as UTF-16-BE (its bytes say so; it has no byte "
        "order mark)", words=("Étude", "unmarked.")),
    "the author's HTML taking Octavo's own classes": Case(
        md('# One\n\nSeen <span class="scene-break-mark">Vanishingword</span> after.\n\n'
           '{.drop-cap}\nFloated words.\n'), 0,
        "manuscript/01-one.md:3: HTML mended for EPUB: class scene-break-mark left out of "
        "<span>: Octavo's own (its theme styles what Octavo makes with it); name yours "
        "otherwise\n"
        "manuscript/01-one.md:6: HTML mended for EPUB: class drop-cap left out of <p>: Octavo's "
        "own (its theme styles what Octavo makes with it); name yours otherwise",
        words=("Vanishingword", "Floated"), absent=('<span class="scene-break-mark"',
                                                   'class="drop-cap"')),
    "a 5 MB single line": Case(md("# One\n\n" + "word " * 1_000_000 + "last\n"), 0, "",
                               words=("last",)),
    "blockquotes nested 10,000 deep": Case(
        md("# One\n\n" + ">" * 10_000 + " deep\n"), 4,
        "manuscript/01-one.md:3: quotes or lists nested about 50 deep; Octavo would lose what "
        "is inside them"),
    "lists nested 10,000 deep": Case(
        md("# One\n\n" + "".join("  " * i + "- x\n" for i in range(0, 10_000, 50)) + "\nzebra\n"),
        0, "", words=("zebra",)),
    "emphasis and brackets 10,000 deep": Case(
        md("# One\n\n" + "*" * 10_000 + "quasar" + "*" * 10_000 + " " + "[" * 10_000 + "b\n"), 0,
        "", words=("quasar",)),
    "raw HTML nested 10,000 deep": Case(md("# One\n\n" + "<div>" * 10_000 + "deep\n"), 0, "",
                                        words=("deep",)),
    "unclosed HTML": Case(md("# One\n\n<div><p>never <em>closed\n\nNext paragraph.\n"), 0, "",
                          words=("never", "closed", "Next")),
    "malformed HTML": Case(md("# One\n\n<p <b>>odd</p></i></div> lantern <a href=>x</a>\n"), 0,
                           "manuscript/01-one.md:3: raw HTML removed: <b= on <p>\n"
                           "manuscript/01-one.md: link target (empty) is not in the book; kept "
                           "as plain text", words=("lantern",)),
    "a script element": Case(md("# One\n\nBefore.\n\n<script>alert('x')</script>\n\nAfter.\n"), 0,
                             "manuscript/01-one.md:5: raw HTML removed: <script> with what it holds",
                             words=("Before.", "After."), absent=("alert", "<script")),
    "an iframe": Case(md("# One\n\nText.\n\n<iframe src=\"https://example.org/\"></iframe>\n"), 0,
                      "manuscript/01-one.md:5: raw HTML removed: <iframe> with what it holds",
                      absent=("iframe",)),
    "an onload= attribute": Case(md("# One\n\n<p onload=\"steal()\">Text.</p>\n"), 0,
                                 "manuscript/01-one.md:3: raw HTML removed: onload= on <p>",
                                 words=("Text.",), absent=("steal",)),
    "a style element": Case(md("# One\n\nText.\n\n<style>body{display:none}</style>\n"), 0,
                            "manuscript/01-one.md:5: raw HTML removed: <style> with what it holds",
                            absent=("display:none",)),
    "inline SVG, MathML and an object's fallback": Case(
        md("# One\n\n<p>G <math><mi>Mathword</mi></math> h.</p>\n\n<p>E <svg><text>Svgword</text>"
           "</svg> f.</p>\n\n<p>I <object data=\"x\">Fallbackword</object> j.</p>\n"), 0,
        "manuscript/01-one.md:3: raw HTML removed: <math>, <mi> (the tags only: the words inside "
        "are kept)\nmanuscript/01-one.md:5: raw HTML removed: <svg>, <text> (the tags only: the "
        "words inside are kept)\nmanuscript/01-one.md:7: raw HTML removed: <object> (the tags "
        "only: the words inside are kept)",
        words=("Mathword", "Svgword", "Fallbackword"), absent=("<svg", "<math", "<object")),
    "<xmp> and <center> inside a paragraph": Case(
        md("# One\n\n<p>M <xmp>Xmpword <b>x</b></xmp> n.</p>\n\n<p>S <center>Centerword</center>"
           " t.</p>\n\n<plaintext>Plainword <i>y</i>\n"), 0,
        "manuscript/01-one.md:3: raw HTML removed: <xmp> (the tags only: the words inside are "
        "kept)\nmanuscript/01-one.md:5: raw HTML removed: <center> (the tags only: the words "
        "inside are kept)\nmanuscript/01-one.md:7: raw HTML removed: <plaintext> (the tags "
        "only: the words inside are kept)",
        words=("Xmpword", "x", "n.", "Centerword", "t.", "Plainword", "y"),
        absent=("data-line", "&lt;b", "<xmp", "<center", "<plaintext")),
    "a quotation citing a file of this machine": Case(
        md('# One\n\n<blockquote cite="file:///home/ada/notes.txt"><p>Quoted.</p></blockquote>\n'
           '\n<q cite="https://example.org/source">Kept.</q>\n'), 0, "",
        words=("Quoted.", "Kept."), absent=("file:", "/home/ada")),
    "a form": Case(md("# One\n\n<form action=\"https://x.org\"><input name=\"q\"/>Text.</form>\n"),
                   0, "manuscript/01-one.md:3: raw HTML removed: <form> (the tags only: "
                   "the words inside are kept); <input>",
                   words=("Text.",), absent=("<form", "<input")),
    "a javascript: link in Markdown": Case(
        md("# One\n\n[click](javascript:alert(1))\n"), 0,
        "manuscript/01-one.md:3: link target javascript:alert(1) is not in the book; kept as "
        "plain text", words=("click",), absent=("javascript",)),
    "a javascript: link in HTML": Case(
        md("# One\n\n<a href=\"javascript:alert(1)\">click</a> me.\n"), 0,
        "manuscript/01-one.md:3: raw HTML removed: javascript: URL on <a>",
        words=("click",), absent=("javascript:",)),
    "a link to /uri": Case(md("# One\n\nSee [harbour](/uri).\n"), 0,
                           "manuscript/01-one.md:3: link target /uri is not in the book; "
                           "kept as plain text", words=("See harbour.",), absent=("/uri",)),
    "a link to a missing chapter": Case(
        md("# One\n\nSee [meadow](other.md).\n"), 0,
        "manuscript/01-one.md:3: link target other.md is not in the book; kept as plain text",
        words=("See meadow.",), absent=("other.md",)),
    "a link to an unknown anchor": Case(
        md("# One\n\nSee [there](#nowhere).\n"), 0,
        "manuscript/01-one.md:3: link target #nowhere is not in the book; kept as plain text",
        words=("there",), absent=("#nowhere",)),
    "a link to a file outside the book": Case(
        md("# One\n\nSee [lighthouse](../../secret/secret.md).\n"), 0,
        "manuscript/01-one.md:3: link target ../../secret/secret.md is not in the book; "
        "kept as plain text", words=("See lighthouse.",), absent=("secret",)),
    "entities for characters XML cannot hold": Case(
        md("# One\n\nNul &#0; one &#x1; surrogate &#xD800; big &#x110000; end.\n"), 0, "",
        words=("Nul", "one", "surrogate", "big", "end."),
        text=("Nul \ufffd one \ufffd surrogate \ufffd big \ufffd end.",)),
    "a raw HTML comment that never closes": Case(
        md("# One\n\nText.\n\n<!-- open\n\nMore.\n"), 0,
        "manuscript/01-one.md:5: an HTML comment opens here and never closes; the rest of the "
        "file is left out", words=("Text.",)),
    "a raw <style> that never closes": Case(
        md("# One\n\nText.\n\n<style>\np { color: red }\n\n# Two\n\nLost.\n"), 0,
        "manuscript/01-one.md:5: a <style> opens here and never closes; the rest of the file is "
        "left out\nmanuscript/01-one.md:5: raw HTML removed: <style> with what it holds",
        words=("Text.",)),
    "a raw <pre> that never closes": Case(
        md("# One\n\nText.\n\n<PRE>\n\n# Two\n"), 0,
        "manuscript/01-one.md:5: a <pre> opens here and never closes; the rest of the file is "
        "set as its plain text, its Markdown not read", words=("Text.",)),
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
    "image file:// URL": Case(md(pic("file://{secret}")), 4,
                              "manuscript/01-one.md:5: image file://{secret} refused: images must "
                              "be files inside the book folder"),
    "image file:// URL in HTML": Case(
        md("# One\n\nText <img src=\"file://{secret}\" alt=\"a\"/>.\n"), 0,
        "manuscript/01-one.md:3: raw HTML removed: file: URL on <img>\n"
        "manuscript/01-one.md:3: image without a usable source removed",
        words=("Text",), absent=("file:",)),
    "a symlink pointing outside the book": Case(
        md(pic("img/link.png")), 4,
        "manuscript/01-one.md:5: image img/link.png refused: a link to a file outside the book folder",
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
        "styles/classic/extra-epub.css:1: url({secret}) refused: only files of the book and "
        "its theme are used (not an absolute path or a host)"),
    "front matter that is not YAML": Case(
        md("---\ntitle: [unclosed\n---\n# One\n\nText.\n"), 4,
        "manuscript/01-one.md:2: front matter: expected ',' or ']', but got '<stream end>'"),
    # Nesting past Python's recursion limit: the parsers recurse once per bracket opened
    "book.toml nested 100,000 lists deep": Case(
        {"book.toml": BASIC_TOML + "x = " + "[" * 100_000 + "]" * 100_000 + "\n",
         "manuscript/01-one.md": GOOD}, 3,
        "book.toml:8: lists or tables nested too deeply to read (TOML)"),
    "book.toml nested 5,000 inline tables deep": Case(
        {"book.toml": BASIC_TOML + "x = " + "{a = " * 5_000 + "1" + "}" * 5_000 + "\n",
         "manuscript/01-one.md": GOOD}, 3,
        "book.toml:8: lists or tables nested too deeply to read (TOML)"),
    "theme.toml nested 100,000 lists deep": Case(
        {**md(GOOD), "styles/classic/theme.toml":
            "[variables]\nx = " + "[" * 100_000 + "]" * 100_000 + "\n"}, 5,
        "styles/classic/theme.toml:2: lists or tables nested too deeply to read (TOML)"),
    "theme.toml not UTF-8": Case(
        {**md(GOOD), "styles/classic/theme.toml": b"[variables]\nx = '\xff'\n"}, 5,
        "styles/classic/theme.toml: cannot read: not UTF-8 text"),
    "front matter nested 20,000 lists deep": Case(
        md("---\ntitle: " + "[" * 20_000 + "]" * 20_000 + "\n---\n# One\n\nText.\n"), 4,
        "manuscript/01-one.md:2: front matter: lists or mappings nested too deeply to read"),
    "an output folder that is a file": Case(
        {"book.toml": BASIC_TOML, "manuscript/01-one.md": GOOD, "out": "a file"}, 6,
        "out: not a folder: the output folder is where the book's files go; name a folder, or "
        "one to be made", args=("--out", "{root}/out")),
    "an output file that is a folder": Case(
        {"book.toml": BASIC_TOML, "manuscript/01-one.md": GOOD,
         "dist/a-test-book.epub/keep": "x"}, 6,
        "dist: cannot write a-test-book.epub: Is a directory"),
    "an output folder inside the manuscript": Case(
        {"book.toml": BASIC_TOML, "manuscript/01-one.md": GOOD}, 6,
        "manuscript/out: the output folder must not be inside the manuscript folder",
        args=("--out", "{root}/manuscript/out")),
    "an output folder inside styles/": Case(  # octavo watch would rebuild for ever
        {"book.toml": BASIC_TOML + 'output = "styles/out"\n', "manuscript/01-one.md": GOOD}, 6,
        "styles/out: the output folder must not be inside styles/ (the themes' folder)"),
}


# --- Trust: nothing from outside gets in, nothing is written outside, never half a book, never a
# hang (issue 15). {secretdir} is the outside folder holding the secret files.
CACHE_RECORDS = ("build-stamp.json", "facts.json")
THEME_TOML = BASIC_TOML + 'theme = "evil"\n'
SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">{}</svg>'


def svg_book(svg: str, toml: str = BASIC_TOML) -> dict[str, str | bytes]:
    return {**md(pic("img/x.svg"), toml), "manuscript/img/x.svg": svg}


def css_book(css: str, sheet: str = "extra-epub.css", toml: str = BASIC_TOML) -> dict[str, str | bytes]:
    return {**md(GOOD, toml), f"styles/classic/{sheet}": css}


CASES.update({
    # themes: folders and files judged by where their links land
    "a theme folder linked out of the book": Case(
        {"book.toml": THEME_TOML, "manuscript/01-one.md": GOOD}, 5,
        "styles/evil: refused: a link to a file outside the book folder",
        links={"styles/evil": "{secretdir}"}),
    "a theme file linked out of the book": Case(
        css_book("p { color: red; }", "print.css"), 5,
        "styles/classic/extra-epub.css: refused: a link to a file outside the book folder",
        links={"styles/classic/extra-epub.css": "{secret}"}),
    "a theme file linked to another file of the book": Case(
        {**md(GOOD), "notes/shared.css": ".linkedmarker { color: red; }\n"}, 0, "",
        css=(".linkedmarker",), links={"styles/classic/extra-epub.css": "../../notes/shared.css"}),
    "a theme template linked out of the book": Case(
        md(GOOD), 5,
        "styles/classic/templates/epub/chapter.html: refused: a link to a file outside the book "
        "folder", links={"styles/classic/templates/epub/chapter.html": "{secret}"}),
    "a pipe in a theme folder": Case(
        md(GOOD), 5, "styles/classic/extra-epub.css: refused: not a regular file (a pipe, device "
                     "or socket could block the build)", fifos=("styles/classic/extra-epub.css",)),
    "a theme named with a path on the command line": Case(
        md(GOOD), 5, "theme '../../secret', which is not a theme name (a folder name in "
                     "styles/: letters, digits, '-', '_' and '.')",
        args=("--theme", "../../secret")),
    # output and manuscript folders named in book.toml
    "an output folder above the book": Case(
        md(GOOD, BASIC_TOML + 'output = "../elsewhere"\n'), 3,
        "book.toml: [build] output: ../elsewhere is outside the book folder; a book.toml may "
        "only name folders inside it (octavo build --out DIR writes elsewhere)"),
    "an absolute output folder": Case(
        md(GOOD, BASIC_TOML + 'output = "{secretdir}"\n'), 3,
        "book.toml: [build] output: {secretdir} is outside the book folder; a book.toml may "
        "only name folders inside it (octavo build --out DIR writes elsewhere)"),
    "an output folder linked out of the book": Case(
        md(GOOD, BASIC_TOML + 'output = "out"\n'), 3,
        "book.toml: [build] output: out is outside the book folder; a book.toml may only name "
        "folders inside it (octavo build --out DIR writes elsewhere)",
        links={"out": "{secretdir}"}),
    "a manuscript folder outside the book": Case(
        md(GOOD, BASIC_TOML + 'manuscript = "{secretdir}"\n'), 3,
        "book.toml: [build] manuscript: {secretdir} is outside the book folder; a book.toml "
        "may only name folders inside it"),
    # URLs in CSS: the book's own files and data: only, in any stylesheet
    "EPUB CSS importing a remote sheet": Case(
        css_book("p { color: red; }\n@import url(http://example.org/x.css);\n"), 5,
        "styles/classic/extra-epub.css:2: @import http://example.org/x.css refused: put the "
        "rules in the stylesheet itself (or extra-epub.css / extra-print.css)"),
    "EPUB CSS with a remote font": Case(
        css_book('@font-face { font-family: "X"; src: url("https://example.org/x.woff2"); }'), 5,
        "styles/classic/extra-epub.css:1: url(https://example.org/x.woff2) refused: only files "
        "of the book and its theme are used (not https: URLs)"),
    "EPUB CSS with a protocol-relative URL": Case(
        css_book("body { background: url(//example.org/x.png); }"), 5,
        "styles/classic/extra-epub.css:1: url(//example.org/x.png) refused: only files of the "
        "book and its theme are used (not an absolute path or a host)"),
    "CSS hiding url( behind an escape": Case(
        css_book("body { background: \\75 rl(http://example.org/x.png); }"), 5,
        "styles/classic/extra-epub.css:1: url(http://example.org/x.png) refused: only files of "
        "the book and its theme are used (not http: URLs)"),
    "CSS with a remote image-set": Case(
        css_book('body { background: image-set("https://example.org/x.png" 1x); }'), 5,
        "styles/classic/extra-epub.css:1: image-set(https://example.org/x.png) refused: only "
        "files of the book and its theme are used (not https: URLs)"),
    "print CSS importing a remote sheet": Case(
        css_book('@import "https://example.org/x.css";\n', "extra-print.css", PDF_TOML), 5,
        "styles/classic/extra-print.css:1: @import https://example.org/x.css refused: put the "
        "rules in the stylesheet itself (or extra-epub.css / extra-print.css)"),
    "print CSS importing an outside file": Case(
        css_book('@import url("file://{secret}");\n', "extra-print.css", PDF_TOML), 5,
        "styles/classic/extra-print.css:1: @import file://{secret} refused: put the rules in "
        "the stylesheet itself (or extra-epub.css / extra-print.css)"),
    "print CSS with a font of the machine": Case(
        css_book('@font-face { font-family: "X";\n  src: local("DejaVu Serif"); }\n'
                 'body { font-family: "X" }\n', "extra-print.css", PDF_TOML), 5,
        'styles/classic/extra-print.css:2: local("DejaVu Serif") refused: only fonts of the book '
        "and its theme are used (not the machine's); name the font file, e.g. "
        "src: url(fonts/Font.otf)"),
    "CSS naming local() in a comment and a string": Case(
        css_book('/* not src: local("DejaVu Serif") */\np::after { content: "local(x)"; }\n'), 0,
        "", words=("Some text",), css=('content: "local(x)"',)),
    "print CSS climbing out of its folder": Case(
        css_book("body { background: url(../../../secret/secret.png); }", "extra-print.css",
                 PDF_TOML), 5,
        "styles/classic: theme 'classic': url(../../../secret/secret.png) not found"),
    # SVG: no entities, no DTD of its own, no CSS that fetches
    "an SVG entity reading a file": Case(
        svg_book('<!DOCTYPE svg [<!ENTITY x SYSTEM "file://{secret}">]>'
                 + SVG.format("<text>&x;</text>")), 4,
        "manuscript/01-one.md:5: image img/x.svg refused: the SVG declares its own DTD or "
        "entities (<!DOCTYPE …>), which can read other files"),
    "an SVG with an external DTD": Case(
        svg_book('<!DOCTYPE svg SYSTEM "http://example.org/evil.dtd">' + SVG.format("")), 4,
        "manuscript/01-one.md:5: image img/x.svg refused: the SVG declares its own DTD or "
        "entities (<!DOCTYPE …>), which can read other files"),
    "an SVG whose style imports a sheet": Case(
        svg_book(SVG.format("<style>@import url(http://example.org/x.css);</style>")), 4,
        "manuscript/01-one.md:5: image img/x.svg refused: the SVG's CSS refers to another file "
        "(http://example.org/x.css)"),
    # A data: image inside an SVG is checked as an image file is, and told by its file and
    # line with its URL cut short (WeasyPrint said neither, and printed all 666 KB of it).
    "an SVG holding a damaged data: image": Case(
        svg_book(SVG.format('<image width="5" height="5" href="data:image/png;base64,AAAA"/>'),
                 PDF_TOML), 4,
        "manuscript/01-one.md:5: image img/x.svg refused: the SVG holds a damaged data: image "
        "(data:image/png;base64,AAAA)"),
    "an SVG holding a 500 KB damaged data: image": Case(
        svg_book(SVG.format('<image width="5" height="5" xlink:href="data:image/png;base64,'
                            + "QUFB" * 125_000 + '" xmlns:xlink="http://www.w3.org/1999/xlink"/>'),
                 PDF_TOML), 4,
        "manuscript/01-one.md:5: image img/x.svg refused: the SVG holds a damaged data: image "
        "(data:image/png;base64,QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQU…)"),
    "an SVG whose CSS fills with a damaged data: image": Case(
        svg_book(SVG.format('<style>rect { fill: url("data:image/gif;base64,R0lGOD") }</style>'),
                 PDF_TOML), 4,
        "manuscript/01-one.md:5: image img/x.svg refused: the SVG holds a damaged data: image "
        "(data:image/gif;base64,R0lGOD)"),
    "an SVG holding a damaged SVG data: image": Case(
        svg_book(SVG.format('<image width="5" height="5" href="data:image/svg+xml,%3Csvg"/>'),
                 PDF_TOML), 4,
        "manuscript/01-one.md:5: image img/x.svg is not a valid SVG file (Couldn't find end of "
        "Start Tag svg line 1, line 1, column 5) (in a data: image)"),
    "an SVG holding a good data: image": Case(
        svg_book(SVG.format('<image width="5" height="5" href="data:image/png;base64,'
                            + base64.b64encode(tiny_png(5, 5)).decode() + '"/>'), PDF_TOML),
        0, "", words=("Text",)),
    "an SVG filling with a remote pattern": Case(
        svg_book(SVG.format('<rect width="5" height="5" fill="url(http://example.org/p#x)"/>')), 4,
        "manuscript/01-one.md:5: image img/x.svg refused: the SVG's CSS refers to another file "
        "(http://example.org/p#x)"),
    "an SVG that loads a stylesheet": Case(
        svg_book('<?xml-stylesheet type="text/css" href="https://example.org/x.css"?>'
                 + SVG.format("")), 4,
        "manuscript/01-one.md:5: image img/x.svg refused: the SVG loads a stylesheet "
        "(<?xml-stylesheet …?>)"),
    "an SVG with the W3C's own DTD": Case(
        svg_book('<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
                 '"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">'
                 + SVG.format('<rect width="5" height="5"/>'), PDF_TOML), 0, "",
        words=("Text.",)),
    # reads that could block or loop
    "a pipe named like a chapter": Case(
        md(GOOD), 4, "manuscript/02-two.md: refused: not a regular file (a pipe, device or "
                     "socket could block the build)", fifos=("manuscript/02-two.md",)),
    "a chapter that links to itself": Case(
        md(GOOD), 4, "manuscript/02-two.md: refused: a symlink loop",
        links={"manuscript/02-two.md": "02-two.md"}),
    "a folder of chapters linked into itself": Case(
        {**md(GOOD), "manuscript/part/02-two.md": "# Two\n\nMore text.\n"}, 0, "",
        words=("More",), links={"manuscript/part/again": "."}),
    "a pipe as book.toml": Case({"manuscript/01-one.md": GOOD}, 3,
                                "book.toml: refused: not a regular file (a pipe, device or socket "
                                "could block the build)", fifos=("book.toml",)),
    "book.toml that is a folder": Case({"manuscript/01-one.md": GOOD}, 3,
                                       "book.toml: is a folder, not a file",
                                       folders=("book.toml",)),
    "book.toml linked out of the book": Case(
        {"manuscript/01-one.md": GOOD}, 3,
        "book.toml: refused: a link to a file outside the book folder",
        links={"book.toml": "{secret}"}),
    "a cover that is a pipe": Case(
        {"book.toml": BASIC_TOML.replace("[build]", 'cover = "cover.png"\n\n[build]'),
         "manuscript/01-one.md": GOOD}, 3,
        "book.toml: [book] cover: cover.png: not a regular file (a pipe, device or socket could "
        "block the build)", fifos=("cover.png",)),
    "a cover linked out of the book": Case(
        {"book.toml": BASIC_TOML.replace("[build]", 'cover = "cover.png"\n\n[build]'),
         "manuscript/01-one.md": GOOD}, 3,
        "book.toml: [book] cover: cover.png is outside the book folder",
        links={"cover.png": "{secretdir}/secret.png"}),
    "an image that is a pipe": Case(
        md(pic("img/x.png")), 4,
        "manuscript/01-one.md:5: image img/x.png refused: not a regular file (a pipe, device or "
        "socket could block the build)", fifos=("manuscript/img/x.png",)),
    "an image that links to itself": Case(
        md(pic("img/x.png")), 4, "manuscript/01-one.md:5: image img/x.png refused: a symlink loop",
        links={"manuscript/img/x.png": "x.png"}),
    "an edition's output outside the book": Case(
        {"book.toml": BASIC_TOML + '\n[editions.pocket.build]\noutput = "../../escape"\n',
         "manuscript/01-one.md": GOOD}, 3,
        "book.toml: [editions.pocket.build] output: ../../escape is outside the book folder; a "
        "book.toml may only name folders inside it (octavo build --out DIR writes elsewhere)"),
    "an edition's cover outside the book": Case(
        {"book.toml": BASIC_TOML + '\n[editions.pocket.book]\ncover = "../../etc/x.png"\n',
         "manuscript/01-one.md": GOOD}, 3,
        "book.toml: [editions.pocket.book] cover: ../../etc/x.png is outside the book folder"),
    "a chapter_pattern that backtracks without end": Case(
        {"book.toml": BASIC_TOML + 'chapter_pattern = "^(a|aa)+$"\n',
         "manuscript/01-one.txt": "x\n\n" + "a" * 60 + "b\n\nText here.\n"}, 3,
        "book.toml: [build] chapter_pattern: gave up after 2 s on manuscript/01-one.txt; the "
        "pattern backtracks without end (like (a+)+); make it simpler"),
    "a chapter_pattern whose repeats take all the memory": Case(
        {"book.toml": BASIC_TOML + 'chapter_pattern = "^(?:(?:a{1000}){1000}){1000}$"\n',
         "manuscript/01-one.txt": "One\n\nText here.\n"}, 3,
        "book.toml: [build] chapter_pattern: its {n} repeats multiply to more than 10,000 (a "
        "heading's pattern needs a few)"),
    "a chapter_pattern of one huge repeat": Case(
        {"book.toml": BASIC_TOML + 'chapter_pattern = "a{99999999}"\n',
         "manuscript/01-one.txt": "One\n\nText here.\n"}, 3,
        "book.toml: [build] chapter_pattern: its {n} repeats multiply to more than 10,000 (a "
        "heading's pattern needs a few)"),
    "a page a hundred thousand inches wide": Case(
        {"book.toml": PDF_TOML + '\n[print]\nwidth = "100000in"\n',
         "manuscript/01-one.md": GOOD}, 3,
        "book.toml: [print] width: '100000in' is not a book's page width (from 2in to 24in)"),
    "a trim the size of a field": Case(
        {"book.toml": PDF_TOML + '\n[print]\ntrim = "6000x9000"\n',
         "manuscript/01-one.md": GOOD}, 3,
        "book.toml: [print] trim: '6000x9000' is not a book's page width (from 2in to 24in)"),
    "a date in the ninety-ninth month": Case(
        md(GOOD, BASIC_TOML.replace("[build]", 'date = "2024-99"\n\n[build]')), 3,
        "book.toml: [book] date: '2024-99' is not a date like 2024-05-01"),
    "the thirty-first of February": Case(
        md(GOOD, BASIC_TOML.replace("[build]", 'date = "2024-02-31"\n\n[build]')), 3,
        "book.toml: [book] date: '2024-02-31' is not a date like 2024-05-01"),
    "a negative top margin": Case(
        {"book.toml": PDF_TOML + '\n[print]\nmargins = { top = -3 }\n',
         "manuscript/01-one.md": GOOD}, 3,
        "book.toml: [print] margins.top: must be at least 0.25in (print-on-demand minimum)"),
    "a gutter inside the margins table": Case(
        {"book.toml": PDF_TOML + '\n[print]\nmargins = { gutter = "1in" }\n',
         "manuscript/01-one.md": GOOD}, 3,
        "book.toml: [print] margins.gutter: unknown margin; margins takes top, bottom, outside "
        '(the inside margin is [print] gutter = "0.875in")'),
    "a gutter that is not a number": Case(
        {"book.toml": PDF_TOML + '\n[print]\ngutter = nan\n', "manuscript/01-one.md": GOOD}, 3,
        "book.toml: [print] gutter: nan is not a length such as \"0.75in\" or \"20mm\""),
    "a gutter below the printers' least": Case(
        {"book.toml": PDF_TOML + '\n[print]\ngutter = "-1in"\n', "manuscript/01-one.md": GOOD},
        3, "book.toml: [print] gutter: '-1in' is not a length such as \"0.75in\" or \"20mm\""),
    "a gutter as wide as the page": Case(
        {"book.toml": PDF_TOML + '\n[print]\ngutter = 5.9\n', "manuscript/01-one.md": GOOD}, 3,
        "book.toml: [print] margins: leave no room for text on the page (less than 1in across or "
        "down)"),
    "a chapter_pattern matching every paragraph": Case(
        {"book.toml": BASIC_TOML + 'chapter_pattern = ".*"\n',
         "manuscript/01-one.txt": "One\n\nTwo\n\nThree.\n"}, 3,
        "book.toml: [build] chapter_pattern: matches every paragraph of manuscript/01-one.txt, so "
        "no chapter keeps any text; make it match the heading lines only"),
    # nothing lost
    "chapters kept in a subfolder": Case(
        {**md(GOOD), "manuscript/02-part-two/01-three.md": "# Three\n\nSubfolder words.\n",
         "manuscript/02-part-two/map.png": tiny_png()}, 0, "", words=("Subfolder", "Some")),
    "UTF-8 with one stray Latin-1 line": Case(
        md("# One\n\nA naïve café, “quoted”.\n\n".encode() + b"The caf\xe9 line.\n"), 0,
        "manuscript/01-one.md: line 5 not UTF-8; read as Windows-1252 (the rest is UTF-8)",
        words=("naïve", "café", "“quoted”.")),
    "a 10 MB paragraph": Case(md("# One\n\n" + "word " * 2_100_000 + "last\n"), 0, "",
                              words=("last",)),
    "scripts the print fonts lack": Case(
        md("# One\n\nHello 中文 and مرحبا.\n", PDF_TOML), 0,
        "manuscript/01-one.md: 7 character(s) the theme's print fonts do not have: ا ب ح ر م 中 "
        "文 (U+0627, U+0628, U+062D…); the PDF would show them in another font or as empty "
        "boxes: name a font that has them in the theme's fallback_fonts (theme.toml)",
        words=("中文", "مرحبا.")),
    # book.toml values
    "a NUL in the identifier": Case(
        md(GOOD, BASIC_TOML.replace("[build]", 'identifier = "abc\\u0000def"\n\n[build]')), 3,
        "book.toml: [book] identifier: holds the control character U+0000, which a book cannot "
        "hold; remove it"),
    "a control character in an author": Case(
        md(GOOD, BASIC_TOML.replace('["Ada Writer"]', '["Ada\\u001bWriter"]')), 0,
        "book.toml: [book] authors: control character U+001B removed (XML cannot hold it)",
        opf=(">AdaWriter</dc:creator>",)),
    "a series_index of 1e308": Case(
        md(GOOD, BASIC_TOML.replace("[build]", "series_index = 1e308\n\n[build]")), 3,
        "book.toml: [book] series_index: must be a number from 0 to 9,999"),
    "a series_index that is not a number": Case(
        md(GOOD, BASIC_TOML.replace("[build]", "series_index = nan\n\n[build]")), 3,
        "book.toml: [book] series_index: must be a number from 0 to 9,999"),
    "a fallback font outside the theme": Case(
        {**md(GOOD), "styles/classic/theme.toml":
            '[theme]\nfallback_fonts = ["../../../secret/secret.png"]\n'}, 5,
        "styles/classic/theme.toml: fallback_fonts: ../../../secret/secret.png not found in "
        "the theme's folders"),
    "a file name holding a line break": Case(
        {**md(GOOD), "manuscript/02-t\nwo.md": "# Two\n"}, 0,
        "manuscript/02-t\\nwo.md:1: chapter 'Two' has only its heading (a draft)"),
    "a theme font that is not a font": Case(
        {**md(GOOD), "styles/classic/fonts/LinuxLibertine-Regular.otf": "not a font"}, 5,
        "styles/classic/fonts/LinuxLibertine-Regular.otf: not a font file (it does not start as "
        "OpenType, TrueType or WOFF files do)"),
    "a theme extending a path": Case(
        {**md(GOOD, BASIC_TOML + 'theme = "mine"\n'),
         "styles/mine/theme.toml": '[theme]\nextends = "../../secret"\n'}, 5,
        "theme 'mine' extends '../../secret', which is not a theme name (a folder name in "
        "styles/: letters, digits, '-', '_' and '.')"),
    "a theme extending a number": Case(
        {**md(GOOD, BASIC_TOML + 'theme = "mine"\n'), "styles/mine/theme.toml": "[theme]\nextends = 5\n"},
        5, 'styles/mine/theme.toml: extends: must be the name of a theme, e.g. extends = "classic"'),
    "a template reaching past the sandbox": Case(
        {**md(GOOD), "styles/classic/templates/epub/chapter.html":
            '{{ "".__class__.__mro__[1].__subclasses__() }}'}, 5,
        "styles/classic/templates/epub/chapter.html:1: template error: access to attribute "
        "'__class__' of 'str' object is unsafe."),
    "a cover template reading a file through the cover's path": Case(
        {**md(GOOD), "styles/classic/templates/epub/cover.html":
            "<section>{{ cover.source.joinpath('{secret}').read_text() }}</section>"}, 5,
        "styles/classic/templates/epub/cover.html:1: template error: 'octavo.model.Image object' "
        "has no attribute 'source'"),
    "a cover template writing a file through the cover's path": Case(
        {**md(GOOD), "styles/classic/templates/epub/cover.html":
            "<section>\n{{ cover['source'].joinpath('{secretdir}/written').write_text('x') }}"
            "</section>"}, 5,
        "styles/classic/templates/epub/cover.html:2: template error: 'octavo.model.Image object' "
        "has no attribute 'source'"),
    "a cover template printing the cover's bytes and path": Case(
        {**md(GOOD), "styles/classic/templates/epub/cover.html":
            "<section>{{ cover | string }}</section>"}, 0, "",
        absent=("PosixPath", "book.toml", "data=")),
    "a template dividing by zero": Case(
        {**md(GOOD), "styles/classic/templates/epub/chapter.html": "<section>\n{{ 1/0 }}</section>"},
        5, "styles/classic/templates/epub/chapter.html:2: template error: ZeroDivisionError: "
           "division by zero"),
    "a template looping a hundred million times": Case(
        {**md(GOOD), "styles/classic/templates/epub/chapter.html":
            "{% for i in range(100000000) %}x{% endfor %}"}, 5,
        "styles/classic/templates/epub/chapter.html:1: template error: OverflowError: Range too "
        "big. The sandbox blocks ranges larger than MAX_RANGE (100000)."),
    "a template writing a gigabyte": Case(
        {**md(GOOD), "styles/classic/templates/epub/chapter.html": '{{ "x" * 1000000000 }}'}, 5,
        "styles/classic/templates/epub/chapter.html:1: template error: a repetition of more "
        "than 1,000,000 items"),
    "a template with a script": Case(
        {**md(GOOD), "styles/classic/templates/epub/chapter.html":
            "<section>{{ chapter.html | safe }}<script>alert(1)</script></section>"}, 5,
        "styles/classic/templates/epub/chapter.html: <script> refused: a book's pages hold no "
        "scripts, event handlers, frames, plug-ins or forms"),
    "a template with an event handler": Case(
        {**md(GOOD), "styles/classic/templates/epub/titlepage.html":
            '<p onclick="steal()">{{ meta.title }}</p>'}, 5,
        "styles/classic/templates/epub/titlepage.html: <p onclick=…> refused: a book's pages "
        "hold no scripts, event handlers, frames, plug-ins or forms"),
    "a template with a javascript: link": Case(
        {**md(GOOD), "styles/classic/templates/epub/titlepage.html":
            '<p><a href=" JavaScript:go()">{{ meta.title }}</a></p>'}, 5,
        "styles/classic/templates/epub/titlepage.html: <a href=…> refused: a book's pages hold "
        "no scripts, event handlers, frames, plug-ins or forms"),
    "a template that points the e-reader at the network": Case(
        {**md(GOOD), "styles/classic/templates/epub/chapter.html":
            '<img src="https://example.org/track.png" alt=""/>{{ chapter.html | safe }}'}, 5,
        "styles/classic/templates/epub/chapter.html: <img src='https://example.org/track.png'> "
        "refused: only files of the book and its theme are used (not https: URLs)"),
    "a print template that reaches for a file": Case(
        {**md(GOOD, PDF_TOML), "styles/classic/templates/pdf/book.html":
            '<html><head><link rel="stylesheet" href="file://{secret}"/></head><body>'
            '{% for kind, item in body %}{{ item.html | safe }}{% endfor %}</body></html>'}, 5,
        "styles/classic/templates/pdf/book.html: <link href='file://{secret}'> refused: only "
        "files of the book and its theme are used (not file: URLs)"),
    "a templates folder linked out of the book": Case(
        md(GOOD), 5, "styles/classic/templates: refused: a link to a file outside the book folder",
        links={"styles/classic/templates": "{secretdir}"}),
    "dist linked out of the book": Case(
        md(GOOD), 3,
        "dist: a link to a folder outside the book folder; a build reads and writes only inside "
        "the book (octavo build --out DIR writes elsewhere)", links={"dist": "{secretdir}"}),
    "dist linked out of a book without book.toml": Case(  # the EPUB was written out there
        {"manuscript/01-one.md": GOOD}, 3,
        "dist: a link to a folder outside the book folder; a build reads and writes only inside "
        "the book (octavo build --out DIR writes elsewhere)", links={"dist": "{secretdir}"}),
    "a cache folder linked out of the book": Case(
        md(GOOD), 6, ".octavo-cache: refused: a link to a folder outside the book folder; delete "
                     "it (it holds only a cache)", links={".octavo-cache": "{secretdir}"}),
    # The cache's records read as they are written, never through a link or from a pipe: a
    # stamp linked to /dev/zero filled the memory, a pipe blocked the build for ever.
    "the cache's records linked to /dev/zero": Case(
        md(GOOD), 0, "", links={f".octavo-cache/{name}": "/dev/zero" for name in CACHE_RECORDS}),
    "the cache's records made pipes": Case(
        md(GOOD), 0, "", fifos=tuple(f".octavo-cache/{name}" for name in CACHE_RECORDS)),
    "only an empty subfolder": Case(
        {"book.toml": BASIC_TOML}, 4,
        "manuscript: no chapters found: add .md, .txt or .docx files",
        folders=("manuscript/part-one",)),
    "an inline SVG image that runs a script": Case(
        md("# One\n\nText <img src=\"data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9ImFsZXJ0KDEpIi8+\" "
           "alt=\"x\"/>.\n"), 0, "manuscript/01-one.md:3: raw HTML removed: data: URL on <img>\n"
        "manuscript/01-one.md:3: image without a usable source removed",
        words=("Text",), absent=("onload", "data:image/svg")),
    "a fallback font that is not a font": Case(
        {**md(GOOD), "styles/classic/theme.toml": '[theme]\nfallback_fonts = ["notes.txt"]\n',
         "styles/classic/notes.txt": "x"}, 5,
        "styles/classic/theme.toml: fallback_fonts: notes.txt is not a font file (.otf, .ttf, "
        ".woff, .woff2)"),
})


def _zip(members: dict[str, bytes] | list[tuple[str, bytes]]) -> bytes:
    """A zip of `members`; a list of (name, data) may name a member twice."""
    out = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        warnings.simplefilter("ignore")  # zipfile warns of a name written twice
        for name, data in members.items() if isinstance(members, dict) else members:
            archive.writestr(name, data)
    return out.getvalue()


def docx(data: bytes, name: str = "01-one.docx") -> dict[str, str | bytes]:
    return {"book.toml": BASIC_TOML, f"manuscript/{name}": data}


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504  # a compound file, as Word 97 wrote
WORD_ONLY = "# One\n\nText.\n"
WORD_TEXT = (b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
             b"<w:body><w:p><w:r><w:t>%s</w:t></w:r></w:p></w:body></w:document>")
CASES.update({
    # --- Word documents
    "a .docx that is not a zip": Case(
        docx(b"Chapter one. Some words typed in a text editor.\n"), 4,
        "manuscript/01-one.docx: not a Word document (.docx): it is not a zip file; save it from "
        "your word processor as .docx"),
    "a zip that is not a Word document": Case(
        docx(_zip({"notes.txt": b"hello"})), 4,
        "manuscript/01-one.docx: not a Word document (.docx): it has no word/document.xml"),
    "a password-protected .docx": Case(
        # Office keeps an encrypted document in a compound file with an EncryptedPackage stream.
        docx(OLE + "EncryptionInfo".encode("utf-16-le") + "EncryptedPackage".encode("utf-16-le")),
        4, "manuscript/01-one.docx: the document is password-protected; remove the password in "
           "Word (File, Info, Protect Document) and save it again"),
    "a Word 97 .doc": Case(
        docx(OLE + "WordDocument".encode("utf-16-le"), "01-one.doc"), 4,
        "manuscript/01-one.doc: a Word 97-2003 document (.doc), which Octavo cannot read; open it "
        "in Word or LibreOffice and save it as .docx"),
    "a Word 97 .doc named .docx": Case(
        docx(OLE + "WordDocument".encode("utf-16-le")), 4,
        "manuscript/01-one.docx: a Word 97-2003 document (.doc), which Octavo cannot read; open "
        "it in Word or LibreOffice and save it as .docx"),
    "a .docx zip bomb": Case(
        docx(_zip({"word/document.xml": b"\x00" * (24 * 2**20)})), 4,
        "manuscript/01-one.docx: refused: word/document.xml would unpack to 24 MB from 24 KB "
        "(a zip bomb)"),
    "a .docx of a hundred thousand empty paragraphs": Case(
        # 0.6 MB of <w:p/> squeezed to a few KB: mammoth took minutes and gigabytes on millions.
        docx(_zip({"word/document.xml": b'<w:document xmlns:w="http://schemas.openxmlformats.org/'
                                        b'wordprocessingml/2006/main"><w:body>' + b"<w:p/>" * 100_001
                                        + b"</w:body></w:document>"})), 4,
        "manuscript/01-one.docx: refused: word/document.xml holds 100,001 paragraphs (at most "
        "100,000; a novel holds a few thousand): split the document into several files"),
    "a .docx whose XML declares entities": Case(
        docx(_zip({"word/document.xml": b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY x '
                                        b'SYSTEM "file:///etc/passwd">]><w:document '
                                        b'xmlns:w="http://schemas.openxmlformats.org/'
                                        b'wordprocessingml/2006/main">&x;</w:document>'})), 4,
        "manuscript/01-one.docx: refused: word/document.xml declares a DTD, which Word never "
        "writes"),
    "a .docx whose numbering part declares a DTD": Case(
        docx(_zip({"word/document.xml": b'<w:document xmlns:w="http://schemas.openxmlformats.org/'
                                        b'wordprocessingml/2006/main"><w:body/></w:document>',
                   "word/numbering.xml": b'<?xml version="1.0"?><!DOCTYPE n [<!ENTITY a "aaaa">'
                                         b']><n>&a;</n>'})), 4,
        "manuscript/01-one.docx: refused: word/numbering.xml declares a DTD, which Word never "
        "writes"),
    "a .docx holding its text twice": Case(
        # The second copy was read, whatever Word showed of the first (Word refuses the file).
        docx(_zip([("word/document.xml", WORD_TEXT % b"Shown."),
                   ("word/document.xml", WORD_TEXT % b"Smuggled.")])), 4,
        "manuscript/01-one.docx: the document is damaged: it holds word/document.xml twice (Word "
        "would not open it either)"),
    "a .docx with damaged XML": Case(
        docx(_zip({"word/document.xml": b"<w:document><w:body>"})), 4,
        "manuscript/01-one.docx: the document is damaged: word/document.xml: Namespace prefix w "
        "on document is not defined, line 1, column 12"),
})


def _digest(folder: Path) -> dict[str, str]:
    """The manuscript's regular files and their hashes (links and pipes are not followed)."""
    found = {}
    for parent, _dirs, files in os.walk(folder):
        for name in files:
            path = Path(parent) / name
            if path.is_file() and not path.is_symlink():
                found[str(path.relative_to(folder))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


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
            path.write_text(content.replace("{secretdir}", str(secret.parent))
                            .replace("{secret}", str(secret)), encoding="utf-8")
        elif content == b"HUGE":
            from PIL import Image

            Image.new("1", (9000, 5000)).save(path, "PNG")
        else:
            path.write_bytes(content)
    (root / "manuscript").mkdir(parents=True, exist_ok=True)
    for rel, target in case.links.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).symlink_to(target.replace("{secretdir}", str(secret.parent))
                                .replace("{secret}", str(secret)))
    for rel in case.fifos:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        os.mkfifo(root / rel)
    for rel in case.folders:
        (root / rel).mkdir(parents=True, exist_ok=True)
    epub, pdf = root / "dist" / "a-test-book.epub", root / "dist" / "a-test-book.pdf"
    previous = not epub.parent.exists()
    if previous:  # the last good build's files, which a failed build must leave as they are
        epub.parent.mkdir()
        epub.write_bytes(PREVIOUS)
        pdf.write_bytes(PREVIOUS)
    manuscript = _digest(root / "manuscript")
    args = [a.replace("{root}", str(root)) for a in case.args]

    result = octavo("build", root, *args)

    message = case.message.replace("{secretdir}", str(secret.parent)).replace("{secret}", str(secret))
    assert result.code == case.code, result.err
    assert "Traceback" not in result.err + result.out
    errors = [line for line in result.err.splitlines() if line.startswith("error:")]
    if case.code:
        assert errors == [f"error: {message}"]
        if previous:  # the last good files stay, both of them
            assert epub.read_bytes() == PREVIOUS and pdf.read_bytes() == PREVIOUS
    else:
        assert errors == []
        warnings = [line for line in result.err.splitlines() if line.startswith("warning:")]
        assert warnings == [f"warning: {line}" for line in message.splitlines()]
        _check_epub(epub, case)
    assert _digest(root / "manuscript") == manuscript
    assert sorted(p.name for p in secret.parent.iterdir()) == ["secret.md", "secret.png"]
    assert not [p for p in root.rglob("*.partial")]
    assert no_network == []


def _check_epub(epub: Path, case: Case) -> None:
    """The new EPUB is whole; its chapters hold the case's words (whole words, in the order
    given) and text; no file in it holds what must be absent, or the secret."""
    from octavo.text import words

    data = epub.read_bytes()
    assert data != PREVIOUS
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert zf.namelist()[0] == "mimetype"
        assert zf.testzip() is None
        everything = "\n".join(zf.read(n).decode("utf-8", "replace") for n in zf.namelist()
                               if n.endswith((".xhtml", ".css", ".opf", ".ncx")))
        css = "\n".join(zf.read(n).decode("utf-8") for n in zf.namelist() if n.endswith(".css"))
        opf = "\n".join(zf.read(n).decode("utf-8") for n in zf.namelist() if n.endswith(".opf"))
    chapters = " ".join(body_text(doc) for name, doc in spine_documents(epub)
                        if re.fullmatch(r"ch\d+\.xhtml", name.rsplit("/", 1)[-1]))
    assert SECRET not in everything
    tokens = " " + " ".join(words(chapters)) + " "
    for word in case.words:
        assert " " + " ".join(words(word)) + " " in tokens, word
    for piece in case.text:
        assert piece in chapters, piece
    for piece in case.css:
        assert piece in css, piece
    for piece in case.opf:
        assert piece in opf, piece
    for piece in case.absent:
        assert piece not in everything, piece


def test_nothing_from_outside_reaches_the_pdf(make_book, octavo, tmp_path: Path,  # type: ignore[no-untyped-def]
                                              no_network: list[object]) -> None:
    """A manuscript's raw HTML cannot pull a stylesheet into the PDF (the print CSS cases are in
    the catalogue: any URL but the book's own files stops the build, naming file and line)."""
    secret = tmp_path / "secret.css"
    secret.write_text(f'body::after {{ content: "{SECRET}"; }}')
    root = make_book({
        "book.toml": PDF_TOML,
        "manuscript/01-one.md": GOOD + f"\n<link rel=\"stylesheet\" href=\"{secret}\"/>\n"
                                       f"<style>@import url(\"{secret.as_uri()}\");</style>\n",
    })
    result = octavo("build", root)
    assert result.code == 0, result.err
    assert "manuscript/01-one.md:5: raw HTML removed: <style> with what it holds; <link>" \
        in result.err
    from pypdf import PdfReader

    text = " ".join(p.extract_text() for p in PdfReader(root / "dist" / "a-test-book.pdf").pages)
    assert SECRET not in text and "ome text." in text  # after the drop cap
    assert no_network == []


# Run in each build process: a format that waits, inside the build, until every build has
# reached it, so that the builds really are at work at the same time when they land their files.
MEETING = """
import sys, time
from pathlib import Path
from octavo.backends import Backend, register
from octavo.cli import main

room, builds = Path(sys.argv[2]), int(sys.argv[3])

def meet(book, theme, target, context):
    (room / str(time.monotonic_ns())).touch()
    deadline = time.monotonic() + 120
    while len(list(room.iterdir())) < builds:
        assert time.monotonic() < deadline, "the other builds never came"
        time.sleep(0.01)
    target.write_text("met")

register(Backend(name="meet", suffix=".met", media_type="text/plain", render=meet))
sys.exit(main(["build", sys.argv[1]]))
"""


def test_builds_at_once_into_one_dist(make_book, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import subprocess
    import sys

    root = make_book({"book.toml": BASIC_TOML.replace('["epub"]', '["epub", "meet"]'),
                      "manuscript/01-one.md": GOOD * 50})
    room = tmp_path / "room"
    room.mkdir()
    env = {**os.environ, "SOURCE_DATE_EPOCH": "0"}
    runs = [subprocess.Popen([sys.executable, "-c", MEETING, str(root), str(room), "3"], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(3)]
    for run in runs:
        out, err = run.communicate(timeout=300)
        assert run.returncode == 0, err
    assert len(list(room.iterdir())) == 3  # all three were writing at once
    assert sorted(p.name for p in (root / "dist").iterdir()) == ["a-test-book.epub",
                                                                 "a-test-book.met"]
    with zipfile.ZipFile(root / "dist" / "a-test-book.epub") as zf:
        assert zf.testzip() is None


def test_strict_makes_a_warning_fatal(make_book, octavo) -> None:  # type: ignore[no-untyped-def]
    root = make_book(md("# One\n\nSee [this](/uri).\n"))
    result = octavo("build", root, "--strict")
    assert result.code == 7
    assert result.err.splitlines()[-1] == "error: 1 warning(s) and --strict is on"
