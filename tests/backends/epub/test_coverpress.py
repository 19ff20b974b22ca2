"""The cover press: the typographic cover made in a process warmed while the manuscript is read."""

from __future__ import annotations

import multiprocessing
import zipfile
from collections.abc import Callable
from pathlib import Path

from conftest import BASIC_TOML, tiny_png

from octavo.backends.epub.coverpress import CoverPress
from octavo.build import _needs_cover_press
from octavo.config import load_config
from octavo.covers import CACHE_FOLDER, cover_png, typographic_cover, typographic_cover_later
from octavo.diagnostics import Diagnostics
from octavo.model import Metadata
from octavo.themes import load_theme

META = Metadata(title="The Quiet Press", subtitle="A Novel", authors=("Nell Marsh",))


def test_the_press_makes_the_cover_the_build_would(tmp_path: Path) -> None:
    theme = load_theme("classic", tmp_path)
    press = CoverPress(cover_png)
    try:
        pressed = typographic_cover_later(META, theme, tmp_path, None, press)()
    finally:
        press.close()
    assert pressed.data == typographic_cover(META, theme, tmp_path, None).data
    assert not press._process.is_alive()


def test_a_press_that_dies_leaves_the_cover_to_the_build(tmp_path: Path) -> None:
    theme = load_theme("modern", tmp_path)
    press = CoverPress(cover_png)
    try:
        finish = typographic_cover_later(META, theme, tmp_path, None, press)
        press._process.kill()  # killed with the page sent: nothing comes back
        press._process.join()
        cover = finish()
    finally:
        press.close()
    assert cover.data == typographic_cover(META, theme, tmp_path, None).data


def test_an_epub_only_first_build_without_a_cover_warms_a_press(
        make_book: Callable[..., Path]) -> None:
    root = make_book({"book.toml": BASIC_TOML, "manuscript/01.md": "# One\n\nText.\n"})
    config = load_config(root, Diagnostics())
    assert _needs_cover_press(root, config, None, False)
    assert not _needs_cover_press(root, config, ("epub", "pdf"), False)  # WeasyPrint is imported
    assert not _needs_cover_press(root, config, ("pdf",), False)
    cached = root / ".octavo-cache" / CACHE_FOLDER
    cached.mkdir(parents=True)
    (cached / "0123.png").write_bytes(b"")
    assert not _needs_cover_press(root, config, None, False)  # the cover is likely cached
    (cached / "0123.png").unlink()
    (root / "cover.png").write_bytes(tiny_png())
    (root / "book.toml").write_text(BASIC_TOML.replace("[build]", 'cover = "cover.png"\n\n[build]'))
    assert not _needs_cover_press(root, load_config(root, Diagnostics()), None, False)


def test_a_build_through_the_press_gives_the_same_epub_and_leaves_no_process(
        make_book: Callable[..., Path], octavo) -> None:  # type: ignore[no-untyped-def]
    root = make_book({"book.toml": BASIC_TOML, "manuscript/01.md": "# One\n\nText.\n"})
    assert octavo("build", root).code == 0
    epub = root / "dist" / "a-test-book.epub"
    first = epub.read_bytes()
    assert multiprocessing.active_children() == []
    theme = load_theme("classic", root)
    with zipfile.ZipFile(epub) as zf:
        png = zf.read("EPUB/images/cover.png")
    meta = Metadata(title="A Test Book", authors=("Ada Writer",))
    assert png == typographic_cover(meta, theme, root, None).data
    assert (root / ".octavo-cache" / CACHE_FOLDER).is_dir()  # kept for the next build
    (root / "dist" / "a-test-book.epub").unlink()
    assert octavo("build", root).code == 0  # the cover from the cache, no press
    assert epub.read_bytes() == first


def _stuck(html: str, sheet: str, theme: object, book_root: Path) -> bytes:
    import threading

    threading.Event().wait()  # never set: a press that hangs
    return b""


def test_a_press_that_hangs_is_given_up_and_stopped(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from octavo.backends.epub import coverpress

    monkeypatch.setattr(coverpress, "PATIENCE", 0.5)
    theme = load_theme("classic", tmp_path)
    press = CoverPress(_stuck)
    try:
        cover = typographic_cover_later(META, theme, tmp_path, None, press)()
    finally:
        press.close()
    assert not press._process.is_alive()
    assert cover.data == typographic_cover(META, theme, tmp_path, None).data  # made here


class _WatchingPress:
    """A press that hands back a made-up cover and notes what the EPUB held by then."""

    def __init__(self, target: Path) -> None:
        self.target, self.seen = target, b""

    def submit(self, html: str, sheet: str, theme: object, book_root: Path) -> bool:
        return True

    def result(self) -> bytes:
        self.seen = self.target.read_bytes()
        return tiny_png(1600, 2560)


def test_the_epub_is_written_while_the_cover_is_made(make_book: Callable[..., Path]) -> None:
    from octavo.backends.base import RenderContext
    from octavo.backends.epub.write import write_epub
    from octavo.build import load_book

    root = make_book({"book.toml": BASIC_TOML,
                      "manuscript/01.md": "# One\n\nText.\n", "manuscript/02.md": "# Two\n\nMore.\n"})
    _config, book = load_book(root, Diagnostics())
    target = root / "book.epub"
    press = _WatchingPress(target)
    context = RenderContext(book_root=root, source_epoch=0, cover_press=press)
    write_epub(book, load_theme("classic", root), target, context, "epub.css")
    # The press was asked last: every other member was written, fonts cut down, before it.
    for member in (b"EPUB/content.opf", b"EPUB/nav.xhtml", b"EPUB/style.css", b".otf"):
        assert member in press.seen
    with zipfile.ZipFile(target) as zf:
        assert zf.namelist()[-1] == "EPUB/images/cover.png"
        assert zf.read("EPUB/images/cover.png") == tiny_png(1600, 2560)


def test_the_press_is_forked_before_the_readers_are_imported() -> None:
    # The build forks its warm processes once book.toml is read; the readers (markdown-it,
    # lxml) are imported after, in the parent alone: the press starts 0.05 s sooner, and the
    # EPUB's cover waits on it.
    import subprocess
    import sys

    probe = ("import sys, octavo.build; "
             "print(sorted(m for m in ('octavo.readers', 'markdown_it', 'lxml.etree') "
             "if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
