"""`octavo watch` without a browser: rebuilds, the last good book on failure, path refusal."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import BASIC_TOML

from octavo.preview.server import PreviewState, clean_path
from octavo.preview.watcher import Watcher

CHAPTER = "# One\n\nThe first words.\n"


@pytest.mark.parametrize("raw, expected", [
    ("/", "/"),
    ("/book/EPUB/ch001.xhtml?x=1#top", "/book/EPUB/ch001.xhtml"),
    ("/book/EPUB/a%20b.xhtml", "/book/EPUB/a b.xhtml"),
    ("/../book.toml", None),
    ("/%2e%2e/etc/hostname", None),
    ("/%2E%2e/etc/hostname", None),
    ("/%2e%2e%2fbook.toml", None),
    ("/book/..%5c..%5cbook.toml", None),
    ("/..\\book.toml", None),
    ("/%252e%252e/book.toml", None),
    ("/./book.toml", None),
    ("/%00", None),
    ("book.toml", None),
    ("http://127.0.0.1/book.toml", None),
    ("/%ff", None),
])
def test_clean_path(raw: str, expected: str | None) -> None:
    assert clean_path(raw) == expected


def test_a_spread_named_by_a_digit_that_is_not_ascii_is_not_found(tmp_path: Path) -> None:
    # "²".isdigit() is true and int("²") raised: the server dropped the connection.
    from weasyprint import HTML

    from octavo.preview.server import _lookup
    from octavo.preview.snapshot import Snapshot
    from octavo.preview.spreads import Spreads

    snapshot = Snapshot(generation=1, title="T", spreads=Spreads(HTML(string="<p>A page.</p>").write_pdf()))
    found = _lookup(snapshot, "/spreads/0.png")
    assert found is not None and found.startswith(b"\x89PNG")
    for name in ("²", "١", "0²", "-1", ""):
        assert _lookup(snapshot, f"/spreads/{name}.png") is None, name


def test_a_failed_rebuild_keeps_the_last_good_book(make_book: Callable[..., Path]) -> None:
    root = make_book({"book.toml": BASIC_TOML, "manuscript/01.md": CHAPTER})
    state = PreviewState()
    watcher = Watcher(root, state, say=lambda line: None)
    assert watcher.rebuild()
    snapshot, view = state.view()
    assert snapshot is not None and view["generation"] == 1 and view["error"] is None
    assert snapshot.title == "A Test Book" and snapshot.spreads is None  # EPUB only
    assert [entry.title for entry in snapshot.toc] == ["One"]
    chapter = snapshot.members[snapshot.toc[0].href].decode()
    assert "The first words." in chapter
    epub = (root / "dist" / "a-test-book.epub").read_bytes()

    (root / "book.toml").write_text(BASIC_TOML.replace('title = "A Test Book"', "title = ["))
    assert not watcher.rebuild()
    snapshot, view = state.view()
    assert view["generation"] == 1 and snapshot is not None  # the last good book
    assert str(view["error"]).startswith("book.toml:")
    assert (root / "dist" / "a-test-book.epub").read_bytes() == epub

    (root / "book.toml").write_text(BASIC_TOML)
    assert watcher.rebuild()
    assert state.view()[1]["generation"] == 2 and state.view()[1]["error"] is None


def test_a_saved_chapter_is_rebuilt(make_book: Callable[..., Path]) -> None:
    root = make_book({"book.toml": BASIC_TOML, "manuscript/01.md": CHAPTER})
    with _watching(root) as (state, watcher):
        _wait(lambda: state.view()[1]["generation"] == 1 and watcher.listening.is_set())
        (root / "manuscript" / "01.md").write_text(CHAPTER + "\nWords added later.\n")
        _wait(lambda: state.view()[1]["generation"] == 2)
        snapshot = state.view()[0]
        assert snapshot is not None
        assert "Words added later." in snapshot.members[snapshot.spine[-1].href].decode()


@contextlib.contextmanager
def _watching(root: Path) -> Iterator[tuple[PreviewState, Watcher]]:
    """A Watcher running on `root` in a thread; it must stop when told to."""
    state = PreviewState()
    stop = threading.Event()
    watcher = Watcher(root, state, say=lambda line: None)
    thread = threading.Thread(target=watcher.run, args=(stop,), daemon=True)
    thread.start()
    try:
        yield state, watcher
    finally:
        stop.set()
        thread.join(30)
    assert not thread.is_alive()


def _wait(condition: Callable[[], bool], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)  # a poll, not a wait for something to happen


def test_a_manuscript_folder_made_later_is_watched(tmp_path: Path) -> None:
    root = tmp_path / "book"
    root.mkdir()
    (root / "book.toml").write_text(BASIC_TOML)
    with _watching(root) as (state, watcher):
        _wait(lambda: state.view()[1]["error"] is not None and watcher.listening.is_set())
        (root / "manuscript").mkdir()
        (root / "manuscript" / "01.md").write_text(CHAPTER)
        _wait(lambda: state.view()[1]["generation"] == 1)


def test_a_port_that_cannot_be_used_is_one_line(make_book: Callable[..., Path], octavo) -> None:  # type: ignore[no-untyped-def]
    root = make_book({"book.toml": BASIC_TOML, "manuscript/01.md": CHAPTER})
    result = octavo("watch", root, "--port", "99999")
    assert result.code == 2 and "Traceback" not in result.err
    assert result.err.startswith("error: cannot serve the preview on 127.0.0.1:99999")


# Ctrl-C landing where the first build's imports make a dataclass's methods: in code that
# `exec()` runs from source text, which CPython then counts as never caught (see CtrlC).
_CTRL_C_IN_EXEC = """\
import sys
from pathlib import Path

from octavo.preview import watcher

def run(self, stop):
    exec("import os, signal\\nos.kill(os.getpid(), signal.SIGINT)\\nfor _ in range(10**6): pass")
    raise AssertionError("Ctrl-C did not interrupt")

watcher.Watcher.run = run
sys.exit(watcher.watch(Path(sys.argv[1]), say=lambda line: print(line, flush=True)))
"""


def test_ctrl_c_in_code_run_by_exec_still_stops_cleanly(make_book: Callable[..., Path],
                                                       tmp_path: Path) -> None:
    root = make_book({"book.toml": BASIC_TOML, "manuscript/01.md": CHAPTER})
    (tmp_path / "ctrl_c_in_exec.py").write_text(_CTRL_C_IN_EXEC, encoding="utf-8")
    # Run with -m, as `python -m octavo` runs: a script's sys.exit() exits at once, unmarked.
    done = subprocess.run([sys.executable, "-m", "ctrl_c_in_exec", str(root)], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr  # not -2: killed by SIGINT after returning 0
    assert done.stdout.splitlines()[-1] == "stopped" and "Traceback" not in done.stderr


def test_a_change_no_event_reported_is_built_at_the_next_rescan(
        make_book: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    import watchfiles

    def deaf(*paths: object, stop_event: threading.Event, **options: object) -> Iterator[set]:
        while not stop_event.is_set():  # a watch that misses every change: timeouts only
            stop_event.wait(0.05)
            yield set()

    monkeypatch.setattr(watchfiles, "watch", deaf)
    root = make_book({"book.toml": BASIC_TOML, "manuscript/01.md": CHAPTER})
    with _watching(root) as (state, watcher):
        _wait(lambda: state.view()[1]["generation"] == 1 and watcher.listening.is_set())
        (root / "manuscript" / "01.md").write_text(CHAPTER + "\nMissed by the watch.\n")
        _wait(lambda: state.view()[1]["generation"] == 2)


def test_a_line_said_is_written_whole_so_ctrl_c_cannot_split_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C raises between two writes, never inside one: a line and its newline written
    apart left the next line ("stopped") glued to the end of this one."""
    from octavo.preview import watcher

    class Stdout:
        def __init__(self) -> None:
            self.writes: list[str] = []

        def write(self, text: str) -> int:
            self.writes.append(text)
            return len(text)

        def flush(self) -> None:
            pass

    stdout = Stdout()
    monkeypatch.setattr(sys, "stdout", stdout)
    watcher._say("watching book.toml, manuscript/ and styles/; press Ctrl-C to stop")
    assert stdout.writes == ["watching book.toml, manuscript/ and styles/; press Ctrl-C to stop\n"]
