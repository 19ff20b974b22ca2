"""Helpers for the browser tests: Debian's chromium through Playwright, the sample book, servers."""

from __future__ import annotations

import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
CHROMIUM = Path(os.environ.get("OCTAVO_CHROMIUM", "/usr/bin/chromium"))
NODE_MODULES = HERE / "node_modules"
# A quiet, offline headless chromium: no sandbox (CI runs as root), no GPU, no phoning home.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def missing(reason: str) -> None:
    """Skip with the reason; in CI (CI=true) fail instead, since CI installs everything."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason}; .ci/run installs it, so CI may not skip these tests")
    pytest.skip(reason)


@contextmanager
def launch_browser() -> Iterator[Any]:
    """Debian's chromium driven by Playwright (never a browser Playwright downloads)."""
    if not CHROMIUM.exists():
        missing(f"{CHROMIUM} not found: apt-get install chromium")
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        missing("playwright is not installed: pip install -e '.[test]'")
    expect.set_options(timeout=20_000)  # two cores, shared with the rest of the suite
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def copy_sample_book(target: Path) -> Path:
    """The repository's sample book (book.toml, manuscript/, styles/) copied to `target`."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy2(REPO / "book.toml", target / "book.toml")
    shutil.copytree(REPO / "manuscript", target / "manuscript")
    shutil.copytree(REPO / "styles", target / "styles")
    return target


class Watch:
    """`octavo watch` running on a book folder in a subprocess, its output collected."""

    def __init__(self, root: Path) -> None:
        self.root = root
        env = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600", "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "octavo", "watch", str(root), "--port", "0"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
            stdin=subprocess.DEVNULL)
        self.out: list[str] = []
        self.err: list[str] = []
        self._lines: queue.Queue[str] = queue.Queue()
        self._readers = [
            threading.Thread(target=self._read, args=(self.process.stdout, self.out, True),
                             daemon=True),
            threading.Thread(target=self._read, args=(self.process.stderr, self.err, False),
                             daemon=True)]
        for reader in self._readers:
            reader.start()
        self.url = self._wait_for_url()

    def _read(self, stream: Any, lines: list[str], announce: bool) -> None:
        for line in stream:
            lines.append(line)
            if announce:
                self._lines.put(line)

    def _wait_for_url(self, timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self._lines.get(timeout=0.5)
            except queue.Empty:
                if self.process.poll() is not None:
                    break
                continue
            if line.startswith("previewing on "):
                return line.split()[-1]
        self.stop()
        raise AssertionError("octavo watch did not start:\n" + "".join(self.out + self.err))

    def interrupt(self, timeout: float = 60) -> int:
        """Ctrl-C, as a terminal sends it; the exit code, once all it printed has been read."""
        self.process.send_signal(signal.SIGINT)
        code = self.process.wait(timeout)
        for reader in self._readers:  # the pipes are at their end: the readers finish
            reader.join(timeout)
        return code

    def wait_for_err(self, text: str, timeout: float = 60) -> None:
        """Until a line holding `text` has been read from the process's standard error."""
        deadline = time.monotonic() + timeout
        while not any(text in line for line in self.err):
            assert time.monotonic() < deadline, f"no {text!r} in:\n" + "".join(self.err)
            assert self.process.poll() is None or any(r.is_alive() for r in self._readers)
            time.sleep(0.05)  # a poll of the reader's list, not a wait for the event itself

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
