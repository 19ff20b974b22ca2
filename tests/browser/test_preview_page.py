"""`octavo watch` end to end: its preview page in headless chromium, and what its server refuses."""

from __future__ import annotations

import http.client
import io
import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pikepdf
import pytest
from browsing import Watch, copy_sample_book, launch_browser

pytestmark = pytest.mark.slow  # the long tier: -m 'not slow' leaves it out

WAIT = 90_000  # ms: a rebuild of the sample book (EPUB and PDF) on a busy two-core machine


@pytest.fixture(scope="module")
def watching(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Watch]:
    root = copy_sample_book(tmp_path_factory.mktemp("watch") / "book")
    watch = Watch(root)
    yield watch
    watch.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with launch_browser() as browser:
        yield browser


@pytest.fixture
def page(browser: Any, watching: Watch) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    context.set_default_timeout(30_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(watching.url)
    yield page
    context.close()
    assert errors == [], errors


def _book_shown(page: Any) -> None:
    from playwright.sync_api import expect

    expect(page.locator(".toc a").first).to_be_visible(timeout=WAIT)


def test_contents_next_previous_and_screen_sizes(page: Any, watching: Watch) -> None:
    from playwright.sync_api import expect

    _book_shown(page)
    expect(page.locator("header h1")).to_have_text("The Quiet Press")
    links = page.locator(".toc a")
    titles = links.all_inner_texts()
    assert titles == ["Dedication", "Part One: The Manuscript", "The Drawer",
                      "What the Book Knows About Itself", "Part Two: The Book", "The First Build",
                      "A Copy for the Shelf", "Afterword"]
    chapter = page.frame_locator("#chapter")
    for n, title in enumerate(titles):
        links.nth(n).click()
        expect(links.nth(n)).to_have_attribute("aria-current", "page")
        href = links.nth(n).get_attribute("data-href")
        page.wait_for_function(
            "([frame, path]) => frame.contentDocument.location.pathname === path"
            " && frame.contentDocument.readyState === 'complete'",
            arg=[page.query_selector("#chapter"), f"/book/{href}"])
        shown = page.frame(url=re.compile("/book/" + re.escape(href) + "$"))
        assert shown.title() and (shown.title() == title or title.startswith(shown.title()))
        assert shown.locator("body").inner_text().strip()
        assert page.url.endswith(f"#c={href}")
    # The chapter shows with the EPUB's own stylesheet and fonts.
    links.nth(2).click()
    expect(chapter.locator("h1")).to_have_text("The Drawer")
    family = chapter.locator("p").first.evaluate("p => getComputedStyle(p).fontFamily")
    assert family.startswith('"Octavo Serif"')
    drawer = page.frame(url=re.compile(r"/book/EPUB/ch002\.xhtml$"))
    loaded = drawer.evaluate("async () => { await document.fonts.ready; return [...document.fonts]"
                             ".filter(f => f.status === 'loaded').map(f => f.family); }")
    assert any("Octavo Serif" in name for name in loaded), loaded
    # Next and Previous walk the spine.
    position = page.locator("#position")
    before = position.inner_text()
    page.click("#next")
    expect(chapter.locator("h1")).to_have_text("What the Book Knows About Itself")
    page.click("#prev")
    expect(chapter.locator("h1")).to_have_text("The Drawer")
    expect(position).to_have_text(before)
    # Phone and tablet screens, at their CSS sizes (the frame is scaled to fit the window).
    size = "e => [e.clientWidth, e.clientHeight]"
    assert page.eval_on_selector("#chapter", size) == [390, 844]
    page.click("[data-device=tablet]")
    assert page.eval_on_selector("#chapter", size) == [820, 1180]
    page.click("[data-device=phone]")
    assert page.eval_on_selector("#chapter", size) == [390, 844]
    # The print PDF beside it, as page spreads.
    spread = page.locator(".spreads img").first
    expect(spread).to_be_visible()
    page.wait_for_function("() => document.querySelector('.spreads img').naturalWidth > 0")
    # One spread per pair of pages after the first, which stands alone: as many as the PDF
    # shown (the snapshot's, from its download link) has pages for.
    status, pdf = _get(watching.url, page.locator(".downloads a", has_text="PDF").get_attribute("href"))
    assert status == 200
    with pikepdf.open(io.BytesIO(pdf)) as opened:
        pages = len(opened.pages)
    assert page.locator(".spreads img").count() == pages // 2 + 1
    # Choosing a chapter brings its opening spread into view.
    openings = page.evaluate("async () => (await fetch('/openings.json')).json()")
    assert openings["EPUB/ch002.xhtml"] < openings["EPUB/ch004.xhtml"] < openings["EPUB/ch006.xhtml"]
    page.click(".toc a[data-href='EPUB/ch004.xhtml']")
    expect(page.locator(".spreads figure").nth(openings["EPUB/ch004.xhtml"])).to_be_in_viewport()
    # The downloads are the built files.
    assert page.locator(".downloads a").all_inner_texts() == ["EPUB", "PDF"]


def test_an_edit_appears_in_place_and_a_broken_book_toml_shows_its_error(
        page: Any, watching: Watch) -> None:
    from playwright.sync_api import expect

    _book_shown(page)
    page.click("text=The Drawer")
    chapter = page.frame_locator("#chapter")
    expect(chapter.locator("h1")).to_have_text("The Drawer")
    frame = page.frame(url=re.compile(r"/book/EPUB/ch002\.xhtml$"))
    frame.evaluate("() => window.scrollTo(0, 400)")
    assert frame.evaluate("() => window.scrollY") == 400

    drawer = watching.root / "manuscript" / "02-the-drawer.md"
    text = drawer.read_text(encoding="utf-8")
    drawer.write_text(text.replace("# The Drawer\n", "# The Drawer\n\nA sentence the watcher "
                                   "must show, unasked.\n", 1), encoding="utf-8")
    # No reload from here: the page notices the rebuild and reloads itself.
    expect(chapter.locator("body")).to_contain_text("A sentence the watcher must show, unasked.",
                                                    timeout=WAIT)
    assert page.url.endswith("#c=EPUB/ch002.xhtml")  # the same chapter
    frame = page.frame(url=re.compile(r"/book/EPUB/ch002\.xhtml$"))
    page.wait_for_function("f => f.contentWindow.scrollY === 400",
                           arg=page.query_selector("#chapter"))  # and the same place in it
    expect(page.locator("#error")).to_be_hidden()

    book_toml = watching.root / "book.toml"
    good = book_toml.read_text(encoding="utf-8")
    book_toml.write_text(good.replace('authors = ["The Octavo Team"]', "authors = [", 1),
                         encoding="utf-8")
    banner = page.locator("#error")
    expect(banner).to_be_visible(timeout=WAIT)
    expect(banner).to_contain_text("book.toml:")
    expect(banner).to_contain_text("(TOML)")
    # The last good book stays.
    expect(chapter.locator("body")).to_contain_text("A sentence the watcher must show, unasked.")
    watching.wait_for_err("error: book.toml:")

    book_toml.write_text(good.replace("The Quiet Press", "The Quieter Press", 1), encoding="utf-8")
    expect(page.locator("header h1")).to_have_text("The Quieter Press", timeout=WAIT)
    expect(banner).to_be_hidden()
    expect(chapter.locator("h1")).to_have_text("The Drawer")


REFUSED = [
    "/../book.toml",
    "/%2e%2e/etc/hostname",
    "/%2e%2e%2fbook.toml",
    "/%2E%2E/%2E%2E/etc/hostname",
    "/book/../book.toml",
    "/book/%2e%2e/%2e%2e/book.toml",
    "/book/EPUB/..%2f..%2fbook.toml",
    "/book/EPUB/%2e%2e/%2e%2e/%2e%2e/etc/hostname",
    "/%252e%252e/book.toml",
    "/..\\book.toml",
    "/book/EPUB\\..\\..\\book.toml",
    "/book.toml",
    "/manuscript/02-the-drawer.md",
    "//etc/hostname",
    "/etc/hostname",
    "/download/../book.toml",
    "/spreads/../book.toml",
    "/spreads/-1.png",
    "/book/mimetype",
    "/%00/book.toml",
]


def _get(url: str, path: str, host: str | None = None) -> tuple[int, bytes]:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.putrequest("GET", path, skip_host=host is not None)
        if host is not None:
            connection.putheader("Host", host)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@pytest.mark.parametrize("path", REFUSED)
def test_paths_outside_the_allow_list_are_refused(watching: Watch, path: str) -> None:
    status, body = _get(watching.url, path)
    assert status in (403, 404), (path, status)
    assert b"title" not in body and b"Drawer" not in body
    assert Path("/etc/hostname").read_bytes().strip() not in body


def test_what_the_page_needs_is_served(watching: Watch) -> None:
    deadline = time.monotonic() + 120  # the first build may still be running: wait for it
    while json.loads(_get(watching.url, "/state.json")[1])["generation"] < 1:
        assert time.monotonic() < deadline, "the first build never finished"
        time.sleep(0.1)
    for path in ("/", "/state.json", "/preview.css", "/preview.js", "/book/EPUB/style.css",
                 "/book/EPUB/ch002.xhtml", "/book/EPUB/images/img-0001.svg",
                 "/book/EPUB/fonts/LinuxLibertine-Regular.otf", "/spreads/0.png"):
        status, body = _get(watching.url, path)
        assert status == 200 and body, path
    # Another host name (DNS rebinding) is refused, even for the page itself.
    assert _get(watching.url, "/", host="attacker.example")[0] == 403


def test_ctrl_c_stops_cleanly(tmp_path: Path) -> None:
    """Its own `octavo watch`: the module's is shared, and this test must not end it for the
    tests that run after it, whatever their order."""
    watching = Watch(copy_sample_book(tmp_path / "book"))
    try:
        code = watching.interrupt()
    finally:
        watching.stop()
    assert code == 0, "".join(watching.out + watching.err)
    err = "".join(watching.err)
    assert "Traceback" not in err and "preview server" not in err, err
    assert watching.out[-1].strip() == "stopped"
