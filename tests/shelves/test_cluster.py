"""A shelf on a Dask cluster started here: a scheduler and two workers on 127.0.0.1."""

from __future__ import annotations

import contextlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import BASIC_TOML, sample_book, write_files

from octavo.errors import UsageError
from octavo.shelves.books import FAILED, BuildOptions
from octavo.shelves.bundles import environment
from octavo.shelves.cluster import build_bundle

TOML = BASIC_TOML.replace('["epub"]', '["epub", "pdf"]')
WORDS = ("the", "press", "ink", "paper", "margin", "folio", "quire", "signature", "proof", "type",
         "leading", "measure", "spine", "gutter", "recto", "verso", "colophon", "imprint",
         "edition", "reader", "chapter")
STARTUP = 120  # seconds: the most a scheduler or worker may take to start on a loaded machine


@dataclass
class Cluster:
    address: str
    workers: list[subprocess.Popen[bytes]]
    client: object


def _wait(condition: object, what: str, limit: float = STARTUP) -> None:
    """Wait for an event (polling it), failing with `what` if it never comes."""
    deadline = time.monotonic() + limit
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def _start(folder: Path, started: list[subprocess.Popen[bytes]], *args: str) -> None:
    """Start a Dask command in its own session (so that it and its children can be killed),
    with an environment of its own: its SOURCE_DATE_EPOCH and time zone must not reach books."""
    tmp = folder / "tmp"  # the cluster's temporary folder (its workers' own are inside)
    tmp.mkdir(exist_ok=True)
    env = {**os.environ, "SOURCE_DATE_EPOCH": "0", "TZ": "Pacific/Kiritimati", "TMPDIR": str(tmp)}
    started.append(subprocess.Popen([sys.executable, "-m", *args], env=env, cwd=folder,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                    start_new_session=True))


def _scheduler(folder: Path, started: list[subprocess.Popen[bytes]]) -> str:
    """Start a scheduler on 127.0.0.1; its address, once it has written it."""
    file = folder / "scheduler.json"
    _start(folder, started, "distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port",
           "0", "--no-dashboard", "--scheduler-file", str(file))
    _wait(lambda: file.is_file() and file.stat().st_size > 0, "the scheduler")
    return str(json.loads(file.read_text())["address"])


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[Cluster]:
    """A scheduler and two single-thread workers, whose own environment differs from ours."""
    from distributed import Client

    started: list[subprocess.Popen[bytes]] = []
    try:
        address = _scheduler(tmp_path, started)
        for i in range(2):
            _start(tmp_path, started, "distributed.cli.dask_worker", address, "--nthreads", "1",
                   "--no-nanny", "--no-dashboard", "--name", f"w{i}")
        client = Client(address, timeout=STARTUP)
        client.wait_for_workers(2, timeout=STARTUP)
        yield Cluster(address, started[1:], client)
        client.close()
    finally:
        for process in started:
            _kill(process)


def _kill(process: subprocess.Popen[bytes]) -> None:
    """Kill a process and every process it started (its session's group)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _small_shelf(folder: Path) -> Path:
    for name in ("alpha", "beta", "gamma"):
        write_files(folder / name, {
            "book.toml": TOML.replace("A Test Book", name.title()),
            "manuscript/01.md": f"# One\n\n{name.title()} opens.\n",
            "manuscript/02.md": f"# Two\n\n{name.title()} closes — “quoted”.\n"})
    return folder


def _long_book(folder: Path) -> Path:
    """A book long enough to be laid out in several chunks (each about 40,000 characters)."""
    rng = random.Random(19)
    files = {"book.toml": TOML.replace("A Test Book", "A Long Book")}
    for n in range(1, 9):
        paragraphs = [" ".join(rng.choice(WORDS) for _ in range(110)).capitalize() + "."
                      for _ in range(14)]
        files[f"manuscript/{n:02}.md"] = f"# Chapter {n}\n\n" + "\n\n".join(paragraphs) + "\n"
    return write_files(folder, files)


def _files(shelf: Path) -> dict[str, bytes]:
    return {str(p.relative_to(shelf)): p.read_bytes() for p in sorted(shelf.glob("*/dist/*"))}


def test_a_shelf_on_the_cluster_is_byte_identical_to_a_local_build(
        cluster: Cluster, tmp_path: Path, octavo) -> None:  # type: ignore[no-untyped-def]
    here = _small_shelf(tmp_path / "here")
    there = shutil.copytree(here, tmp_path / "there")
    assert octavo("build", here, "-q").code == 0
    result = octavo("build", there, "--cluster", cluster.address)
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert [line.split()[0] for line in lines[:3]] == ["built"] * 3, result.out
    assert all(" on tcp://127.0.0.1:" in line for line in lines[:3])
    local, remote = _files(here), _files(there)
    assert len(local) == 9 and local == remote  # EPUB, PDF and cover wrap of each
    # What the books left on the workers is in the workers' own folders, which go with them.
    assert [p.name for p in (tmp_path / "tmp").iterdir()] == ["dask-scratch-space"]
    # The stamps came back too: a local build of the shelf built on the cluster does nothing.
    again = octavo("build", there)
    assert "3 book(s): 0 built, 3 up to date" in again.out


@pytest.mark.slow
def test_a_worker_killed_mid_build_and_the_build_still_finishes(
        cluster: Cluster, tmp_path: Path, octavo) -> None:  # type: ignore[no-untyped-def]
    from distributed import Client

    here = tmp_path / "here"
    _long_book(here / "long")
    sample_book(here)  # here/book
    there = shutil.copytree(here, tmp_path / "there")
    assert octavo("build", here, "-q").code == 0
    assert len(list((here / "long" / ".octavo-cache" / "pdf").glob("*.pdf"))) >= 3  # chunked

    import threading

    outcome: dict[str, object] = {}
    thread = threading.Thread(target=lambda: outcome.update(
        result=octavo("build", there, "--cluster", cluster.address)))
    thread.start()
    watcher = Client(cluster.address, timeout=STARTUP)
    victim: dict[str, str] = {}

    def a_chunk_is_laid_out() -> bool:  # a worker is laying out one of the long book's chunks
        # Its name is looked up at once: a worker seen in `processing` may have left the
        # scheduler's list by a later call (a nanny restarting it), and is then looked for anew.
        workers = watcher.scheduler_info()["workers"]
        for worker, keys in watcher.processing().items():
            if any(str(k).startswith("lay_out_chunk") for k in keys) and worker in workers:
                victim["name"] = str(workers[worker]["name"])
                return True
        return not thread.is_alive()

    _wait(a_chunk_is_laid_out, "a chunk task on a worker")
    assert victim, "the build finished before any chunk task was seen"
    _kill(cluster.workers[int(victim["name"][1:])])
    thread.join()
    watcher.close()
    result = outcome["result"]
    assert result.code == 0, result.err  # type: ignore[attr-defined]
    assert "2 book(s): 2 built" in result.out  # type: ignore[attr-defined]
    assert _files(here) == _files(there)
    # The killed worker's unpacked books and chunks were in its own folder, which the next
    # worker started beside it removes.
    assert [p.name for p in (tmp_path / "tmp").iterdir()] == ["dask-scratch-space"]


@pytest.mark.slow
def test_the_books_files_lost_with_every_worker_that_held_them_are_made_again(
        cluster: Cluster, tmp_path: Path, octavo) -> None:  # type: ignore[no-untyped-def]
    """The book's files are lost mid-build (every worker holding them killed) while this
    process, the book's, goes on: a new worker makes them again and lays out the chunks."""
    import threading

    from distributed import Client

    from octavo.shelves.books import BUILT, build_book

    here = _long_book(tmp_path / "here")
    there = shutil.copytree(here, tmp_path / "there")
    assert octavo("build", here, "-q").code == 0
    outcome: dict[str, object] = {}
    thread = threading.Thread(target=lambda: outcome.update(
        done=build_book(there, BuildOptions(), cluster=cluster.address)))
    thread.start()
    watcher = Client(cluster.address, timeout=STARTUP)
    holders: list[str] = []

    def the_files_are_held_and_a_chunk_laid_out() -> bool:
        laying_out = any(str(k).startswith("lay_out_chunk")
                         for keys in watcher.processing().values() for k in keys)
        held = [w for key, where in watcher.who_has().items() if str(key).endswith("-files")
                for w in where]
        holders[:] = held
        return (laying_out and bool(held)) or not thread.is_alive()

    extra: list[subprocess.Popen[bytes]] = []
    try:
        _wait(the_files_are_held_and_a_chunk_laid_out, "the book's files on a worker")
        assert holders, "the build finished before its files were seen on a worker"
        names = {w: str(info["name"]) for w, info in watcher.scheduler_info()["workers"].items()}
        _start(tmp_path, extra, "distributed.cli.dask_worker", cluster.address, "--nthreads",
               "1", "--no-nanny", "--no-dashboard", "--name", "w9")
        for holder in holders:  # the files are left on no worker at all
            _kill(cluster.workers[int(names[holder][1:])])
        thread.join()
    finally:
        watcher.close()
        for process in extra:
            _kill(process)
    done = outcome["done"]
    assert done.status == BUILT, done.message  # type: ignore[attr-defined]
    assert {p.name: p.read_bytes() for p in (there / "dist").iterdir()} == \
        {p.name: p.read_bytes() for p in (here / "dist").iterdir()}


def test_a_worker_with_another_octavo_refuses_the_book(tmp_path: Path) -> None:
    reply = build_bundle({"name": "book", "files": {}, "epoch": "0"}, BuildOptions(),
                         {**environment(), "octavo": "0123456789abcdef"})
    assert reply["done"]["status"] == FAILED
    assert "the worker runs another Octavo or WeasyPrint: octavo" in reply["done"]["message"]


def test_a_workers_cache_files_never_land_through_a_link_out_of_the_book(tmp_path: Path) -> None:
    from dataclasses import asdict

    from octavo.shelves.books import BUILT, BookDone
    from octavo.shelves.cluster import land

    root, outside = tmp_path / "book", tmp_path / "outside"
    (root / ".octavo-cache").mkdir(parents=True)
    outside.mkdir()
    (root / ".octavo-cache" / "pdf").symlink_to(outside, target_is_directory=True)
    reply = {"done": asdict(BookDone("book", BUILT)), "files": {}, "stamps": {},
             "root": "/worker/book", "builtin": "/worker/styles",
             "cache": {".octavo-cache/pdf/chunk.pdf": b"%PDF", ".octavo-cache/kept.json": b"{}"}}
    assert land(root, reply, BuildOptions()).status == BUILT
    assert list(outside.iterdir()) == []
    assert (root / ".octavo-cache" / "kept.json").read_bytes() == b"{}"  # the cache's own: kept


@pytest.mark.parametrize("where", ["shelf", "shelf/alpha"])  # a book alone: a shelf of one
def test_no_scheduler_there_is_one_line(tmp_path: Path, octavo, where: str) -> None:  # type: ignore[no-untyped-def]
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    shelf = _small_shelf(tmp_path / "shelf")
    result = octavo("build", tmp_path / where, "--cluster", f"tcp://127.0.0.1:{port}")
    assert result.code == UsageError.exit_code
    assert result.err.startswith(f"error: --cluster tcp://127.0.0.1:{port}: cannot reach a Dask "
                                 "scheduler there")
    assert "Traceback" not in result.err and not list(shelf.glob("*/dist"))


@pytest.mark.slow
def test_a_scheduler_without_workers_is_one_line(tmp_path: Path, octavo) -> None:  # type: ignore[no-untyped-def]
    started: list[subprocess.Popen[bytes]] = []
    try:
        address = _scheduler(tmp_path, started)
        shelf = _small_shelf(tmp_path / "shelf")
        result = octavo("build", shelf, "--cluster", address)
    finally:
        for process in started:
            _kill(process)
    assert result.code == UsageError.exit_code
    assert result.err == (f"error: --cluster {address}: the scheduler has no workers; start some "
                          f"with: dask worker {address}\n")
