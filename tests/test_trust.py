"""Beside the bad-input catalogue: never half a book, nothing left behind, one answer per mistake,
and fonts for what the theme's fonts cannot print."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import BASIC_TOML, REPO

from octavo.backends import FORMATS, Backend, RenderContext, register
from octavo.backends.pdf.cache import ChunkCache
from octavo.model import Book
from octavo.themes import Theme

PDF_TOML = BASIC_TOML.replace('formats = ["epub"]', 'formats = ["epub", "pdf"]')
PREVIOUS = b"the previous, good file"
SENTENCE = "The river ran on past the mill while the miller counted his sacks of grain. "


def long_book(make_book, chapters: int = 12) -> Path:  # type: ignore[no-untyped-def]
    """A book long enough that its PDF is laid out in several chunks, for several seconds."""
    files: dict[str, str | bytes] = {"book.toml": PDF_TOML}
    for n in range(1, chapters + 1):
        paragraphs = "\n\n".join(SENTENCE * 12 for _ in range(12))
        files[f"manuscript/{n:02d}-chapter.md"] = f"# Chapter {n}\n\n{paragraphs}\n"
    return make_book(files)


def with_previous_files(root: Path) -> tuple[Path, Path]:
    epub, pdf = root / "dist" / "a-test-book.epub", root / "dist" / "a-test-book.pdf"
    epub.parent.mkdir(exist_ok=True)
    epub.write_bytes(PREVIOUS)
    pdf.write_bytes(PREVIOUS)
    return epub, pdf


def interrupted(book: Book, theme: Theme, target: Path, context: RenderContext) -> None:
    target.write_bytes(b"half a file")
    raise KeyboardInterrupt  # Ctrl-C while this format is being written


@pytest.fixture
def a_format_interrupted() -> Iterator[None]:
    register(Backend(name="stops", suffix=".stops", media_type="text/plain", render=interrupted))
    yield
    del FORMATS["stops"]


def test_ctrl_c_after_the_epub_leaves_both_old_files(make_book, octavo, a_format_interrupted) -> None:  # type: ignore[no-untyped-def]
    root = make_book({"book.toml": BASIC_TOML.replace('["epub"]', '["epub", "stops"]'),
                      "manuscript/01-one.md": "# One\n\nSome text.\n"})
    epub, _pdf = with_previous_files(root)
    result = octavo("build", root)
    assert result.code == 130 and result.err.strip() == "interrupted"
    assert epub.read_bytes() == PREVIOUS  # the new EPUB was complete, but not its companion
    assert sorted(p.name for p in (root / "dist").iterdir()) == ["a-test-book.epub",
                                                                 "a-test-book.pdf"]


@pytest.mark.slow
def test_kill_9_during_the_pdf_then_a_clean_rebuild(make_book) -> None:  # type: ignore[no-untyped-def]
    root = long_book(make_book)
    epub, pdf = with_previous_files(root)
    command = [sys.executable, "-m", "octavo", "build", str(root), "--jobs", "1"]
    run = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 300  # a generous bound for a busy machine, not a wait
        # The event: the EPUB is complete (as a partial file) and the PDF is being laid out.
        while not any((root / "dist").glob(".a-test-book.epub.*.partial")):
            assert run.poll() is None, "the build ended before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.005)
        assert run.poll() is None
        run.send_signal(signal.SIGKILL)
    finally:
        run.wait()
    assert epub.read_bytes() == PREVIOUS and pdf.read_bytes() == PREVIOUS
    assert list((root / "dist").glob(".*.partial"))  # what the killed build left behind

    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert epub.read_bytes()[:2] == b"PK" and pdf.read_bytes()[:5] == b"%PDF-"
    assert not list((root / "dist").glob(".*"))
    assert not list((root / ".octavo-cache").rglob("*.rendering"))


def dead_pid() -> int:
    """The process id of a process that has ended."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_files_of_a_killed_build_are_removed_and_a_running_one_s_kept(make_book, octavo) -> None:  # type: ignore[no-untyped-def]
    root = make_book({"book.toml": BASIC_TOML, "manuscript/01-one.md": "# One\n\nText.\n"})
    (root / "dist").mkdir()
    killed = root / "dist" / f".a-test-book.epub.{dead_pid()}.partial"
    running = root / "dist" / f".a-test-book.epub.{os.getppid()}.partial"
    killed.write_bytes(b"half")
    running.write_bytes(b"half")
    assert octavo("build", root).code == 0
    assert not killed.exists() and running.exists()


def test_chunks_a_killed_build_was_rendering_are_removed(tmp_path: Path) -> None:
    cache = ChunkCache(tmp_path)
    assert cache.folder is not None
    cache.folder.mkdir(parents=True)
    killed = cache.folder / f".abc.3.{dead_pid()}.rendering"
    running = cache.folder / f".abc.4.{os.getppid()}.rendering"
    killed.write_bytes(b"half")
    running.write_bytes(b"half")
    cache.prune()
    assert not killed.exists() and running.exists()


@pytest.mark.parametrize("command", ["build", "check", "proof", "themes"])
def test_a_file_for_a_book_folder_gets_one_answer(make_book, octavo, command: str) -> None:  # type: ignore[no-untyped-def]
    root = make_book({"book.toml": BASIC_TOML, "manuscript/01-one.md": "# One\n\nText.\n"})
    result = octavo(command, root / "book.toml")
    assert result.code == 1
    assert result.err.strip() == (f"error: {root / 'book.toml'}: not a folder: give the book's "
                                  "folder, the one that holds book.toml and manuscript/")


def test_a_source_date_after_the_year_9999_is_refused(make_book, octavo, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    root = make_book({"book.toml": BASIC_TOML, "manuscript/01-one.md": "# One\n\nText.\n"})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "99999999999999")
    result = octavo("build", root)
    assert result.code == 1
    assert result.err.strip() == ("error: SOURCE_DATE_EPOCH='99999999999999' is after the year "
                                  "9999; give the seconds since 1970 of a real date")


def test_fallback_fonts_print_what_the_theme_fonts_lack(make_book, octavo) -> None:  # type: ignore[no-untyped-def]
    from pypdf import PdfReader

    root = make_book({"book.toml": PDF_TOML,
                      "manuscript/01-one.md": "# One\n\nIt cost ₹100, or ₿1, they said.\n"})
    result = octavo("build", root)
    assert result.code == 0, result.err
    assert ("warning: manuscript/01-one.md: 2 character(s) the theme's print fonts do not have: "
            "₹ ₿ (U+20B9, U+20BF…)") in result.err

    fonts = root / "styles" / "classic" / "fonts"
    fonts.mkdir(parents=True)
    shutil.copy(REPO / "styles" / "modern" / "fonts" / "Inter-SemiBold.otf", fonts)
    (root / "styles" / "classic" / "theme.toml").write_text(
        '[theme]\nfallback_fonts = ["fonts/Inter-SemiBold.otf"]\n', encoding="utf-8")
    result = octavo("build", root)
    assert result.code == 0, result.err
    assert "character(s)" not in result.err
    reader = PdfReader(root / "dist" / "a-test-book.pdf")
    names = {str(font.get_object()["/BaseFont"]).split("+")[-1]
             for page in reader.pages for font in (page["/Resources"].get("/Font") or {}).values()}
    assert any(n.startswith("Octavo-Fallback") for n in names) and "Octavo-Serif" in names
    import pypdfium2

    document = pypdfium2.PdfDocument(root / "dist" / "a-test-book.pdf")
    text = "".join(page.get_textpage().get_text_range() for page in document)
    document.close()
    assert "₹100" in text and "₿1" in text
