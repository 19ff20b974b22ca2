"""How the command ends: SIGTERM as Ctrl-C does, and nothing it forked outliving it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from books import multi_chapter_book

LIMIT = 120  # seconds: a bound for a busy machine, never a wait


def _laying_out(make_book, tmp: Path) -> tuple[subprocess.Popen[str], Path]:  # type: ignore[no-untyped-def]
    """A chunked PDF build as a user runs it, its TMPDIR `tmp`, once a worker lays a chunk out."""
    root = multi_chapter_book(make_book, "classic")
    build = subprocess.Popen([sys.executable, "-m", "octavo", "build", str(root), "--jobs", "2"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env={**os.environ, "TMPDIR": str(tmp)})
    cache = root / ".octavo-cache" / "pdf"
    deadline = time.monotonic() + LIMIT
    while not (cache.is_dir() and any(p.name.endswith(".rendering") for p in cache.iterdir())):
        assert build.poll() is None and time.monotonic() < deadline, build.communicate()
        time.sleep(0.02)  # until a worker is laying out a chunk
    return build, root


def _children(pid: int) -> list[int]:
    """The processes whose parent is `pid`, from /proc."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # it ended meanwhile
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has ended; nobody here may reap it


def test_sigterm_ends_a_build_as_ctrl_c_does(make_book, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """`kill`, a service manager or a CI's timeout: the workers stop, the temporary files go."""
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    build, _ = _laying_out(make_book, tmp)
    workers = _children(build.pid)
    assert workers and any(tmp.iterdir())
    build.send_signal(signal.SIGTERM)
    out, err = build.communicate(timeout=LIMIT)
    assert build.returncode == 143, out + err
    assert "Traceback" not in err
    assert list(tmp.iterdir()) == []
    assert not [pid for pid in workers if _alive(pid)]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the kernel's parent-death signal")
def test_what_a_build_forked_dies_with_it(make_book, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """kill -9, or the out-of-memory killer: the workers and the join's press went on waiting
    for ever, on pipes that their siblings hold open."""
    build, _ = _laying_out(make_book, tmp_path)
    forked = _children(build.pid)
    assert len(forked) >= 2  # two workers and the join's press
    build.kill()
    build.communicate(timeout=LIMIT)
    deadline = time.monotonic() + LIMIT
    while [pid for pid in forked if _alive(pid)]:
        assert time.monotonic() < deadline, [pid for pid in forked if _alive(pid)]
        time.sleep(0.05)  # until the kernel has ended them
