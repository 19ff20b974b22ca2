"""Temporary files: a build leaves none behind, though WeasyPrint's copies of the fonts are
freed only when Python frees them, which a process that ends at once never does."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from conftest import sample_book

from octavo.backends.epub.coverpress import CoverPress
from octavo.backends.pdf.worker import WarmPool


def _octavo(tmp: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    """`octavo` as a user runs it (its exit skips Python's clean-up), its TMPDIR `tmp`."""
    env = {**os.environ, "TMPDIR": str(tmp)}
    return subprocess.run([sys.executable, "-m", "octavo", *map(str, args), "-q"], env=env,
                          capture_output=True, text=True, check=False)


@pytest.mark.parametrize("form", ["epub", "pdf"])
def test_a_build_leaves_nothing_in_the_temporary_folder(tmp_path: Path, form: str) -> None:
    """The EPUB's cover press and the PDF's layout each copy the theme's fonts there."""
    book = sample_book(tmp_path)
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    done = _octavo(tmp, "build", book, "--format", form)
    assert done.returncode == 0, done.stderr
    assert (book / "dist" / f"the-quiet-press.{form}").is_file()
    assert list(tmp.iterdir()) == []


def test_a_failed_build_leaves_nothing_either(tmp_path: Path) -> None:
    book = sample_book(tmp_path)
    (book / "manuscript" / "01-a-beginning.md").write_text("# One\n\n![A view](missing.png)\n")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    failed = _octavo(tmp, "build", book)
    assert failed.returncode != 0 and "missing.png" in failed.stderr
    assert list(tmp.iterdir()) == []


def test_the_command_puts_the_temporary_folder_back(tmp_path: Path, octavo,  # type: ignore[no-untyped-def]
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    monkeypatch.setenv("TMPDIR", str(tmp))
    assert octavo("build", sample_book(tmp_path), "--format", "epub", "-q").code == 0
    assert (tempfile.tempdir, os.environ["TMPDIR"]) == (str(tmp), str(tmp))
    assert list(tmp.iterdir()) == []


def _leave_a_file(*_: object) -> bytes:
    """A cover maker that leaves a temporary file behind, as WeasyPrint does."""
    handle, name = tempfile.mkstemp()
    os.close(handle)
    return name.encode()


def test_what_a_cover_press_leaves_goes_when_it_is_closed(tmp_path: Path) -> None:
    """A preview rebuilds for hours in one command: each build's press cleans up after it."""
    press = CoverPress(_leave_a_file)
    try:
        assert press.submit("", "", None, tmp_path)
        left = Path((press.result() or b"").decode())
        assert left.is_file() and left.parent != Path(tempfile.gettempdir())
    finally:
        press.close()
    assert not left.exists() and not left.parent.exists()


def _make_a_folder() -> str:
    return tempfile.mkdtemp()


def test_what_the_pdf_workers_leave_goes_when_they_are_closed() -> None:
    pool = WarmPool(2)
    try:
        left = [Path(pool.pool.submit(_make_a_folder).result()) for _ in range(4)]
        assert all(folder.is_dir() for folder in left)
        assert all(folder.parent == pool.scratch for folder in left)
    finally:
        pool.close()
    assert not any(folder.exists() for folder in left) and not pool.scratch.exists()
