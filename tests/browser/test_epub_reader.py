"""The built EPUB opens in a real reading engine: epub.js (from npm) in headless chromium."""

from __future__ import annotations

import functools
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from browsing import NODE_MODULES, copy_sample_book, launch_browser, missing
from PIL import Image, ImageDraw

from octavo.build import build
from octavo.diagnostics import Diagnostics

pytestmark = pytest.mark.slow  # the long tier: -m 'not slow' leaves it out

READER = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>epub.js</title>
<script src="jszip.min.js"></script><script src="epub.min.js"></script></head>
<body><div id="viewer" style="width: 600px; height: 800px"></div></body></html>
"""


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base's name
        pass


@pytest.fixture(scope="module")
def reader_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A local server with epub.js, JSZip and the sample book's EPUB, given a cover."""
    scripts = [NODE_MODULES / "epubjs" / "dist" / "epub.min.js",
               NODE_MODULES / "jszip" / "dist" / "jszip.min.js"]
    if not all(script.is_file() for script in scripts):
        missing("epub.js is not installed: npm ci --prefix tests/browser")
    root = copy_sample_book(tmp_path_factory.mktemp("reader") / "book")
    cover = Image.new("RGB", (600, 900), "#26313b")
    ImageDraw.Draw(cover).rectangle((60, 300, 540, 420), fill="#f2e9d8")
    cover.save(root / "cover.png")
    toml = (root / "book.toml").read_text(encoding="utf-8")
    (root / "book.toml").write_text(toml.replace("[book]\n", '[book]\ncover = "cover.png"\n', 1),
                                    encoding="utf-8")
    outputs = build(root, Diagnostics(), formats=("epub",))
    site = tmp_path_factory.mktemp("site")
    shutil.copy2(outputs[0].path, site / "book.epub")
    for script in scripts:
        shutil.copy2(script, site / script.name)
    (site / "index.html").write_text(READER, encoding="utf-8")
    server = ThreadingHTTPServer(("127.0.0.1", 0),
                                 functools.partial(_Quiet, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def reader(reader_url: str) -> Iterator[Any]:
    with launch_browser() as browser:
        page = browser.new_page(viewport={"width": 800, "height": 900})
        page.set_default_timeout(30_000)
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(reader_url)
        page.evaluate("""async () => {
            window.book = ePub("/book.epub");
            await window.book.opened;
            window.rendition = window.book.renderTo("viewer", {width: 600, height: 800});
        }""")
        yield page
        assert errors == [], errors


def _display(page: Any, href: str) -> Any:
    """Show `href` in the reader; the frame epub.js rendered it in."""
    page.evaluate("href => window.rendition.display(href)", href)
    page.wait_for_function("() => window.rendition.getContents().length > 0")
    return page.frame_locator("#viewer iframe")


def test_the_reader_shows_the_first_chapter(reader: Any) -> None:
    from playwright.sync_api import expect

    toc = reader.evaluate("async () => (await window.book.loaded.navigation).toc.map(function flat(i)"
                          " { return [{label: i.label.trim(), href: i.href}]"
                          ".concat((i.subitems || []).flatMap(flat)); }).flat()")
    first = next(item for item in toc if item["label"] == "The Drawer")
    frame = _display(reader, first["href"])
    expect(frame.locator("h1")).to_have_text("The Drawer")
    expect(frame.locator("body")).to_contain_text("Nell Ashby kept her novel in the bottom drawer")


def test_the_readers_contents_list_every_chapter(reader: Any) -> None:
    labels = reader.evaluate("async () => (await window.book.loaded.navigation).toc.map(function flat(i)"
                             " { return [i.label.trim()].concat((i.subitems || []).flatMap(flat)); })"
                             ".flat()")
    assert labels == ["Dedication", "Part One: The Manuscript", "The Drawer",
                      "What the Book Knows About Itself", "Part Two: The Book", "The First Build",
                      "A Copy for the Shelf", "Afterword"]
    spine = reader.evaluate("() => window.book.spine.spineItems.map(i => i.href)")
    assert spine[0] == "cover.xhtml"
    assert {"ch001.xhtml", "ch002.xhtml", "ch003.xhtml", "ch004.xhtml", "ch005.xhtml",
            "ch006.xhtml"} <= set(spine)


def test_the_cover_and_an_image_display(reader: Any) -> None:
    cover_url = reader.evaluate("() => window.book.coverUrl()")
    assert cover_url
    _display(reader, "cover.xhtml")
    reader.wait_for_function("""() => {
        const doc = window.rendition.getContents()[0].document;
        const img = doc.querySelector('img, image');
        return img && (img.naturalWidth > 0 || (img.getBBox && img.getBBox().width > 0));
    }""", timeout=30_000)
    figure = reader.evaluate("""async () => {
        for (const item of window.book.spine.spineItems) {
            const doc = await item.load(window.book.load.bind(window.book));
            if (doc.querySelector('figure img')) return item.href;
        }
    }""")
    assert figure  # the sample book's press, drawn in SVG
    _display(reader, figure)
    reader.wait_for_function("""() => {
        const doc = window.rendition.getContents()[0].document;
        const img = doc.querySelector('figure img');
        return img && img.complete && img.naturalWidth > 0;
    }""", timeout=30_000)
    alt = reader.evaluate("() => window.rendition.getContents()[0].document"
                          ".querySelector('figure img').alt")
    assert alt == "A hand press, drawn in a few lines"
