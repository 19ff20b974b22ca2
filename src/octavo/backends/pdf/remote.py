"""A long book's PDF chunks as Dask tasks: each laid out on any worker, its folios agreed there.

A chunk's pages do not depend on its first folio (every chunk opens on a right-hand page), only
its folios do: the task lays the chunk out in a fresh process, publishes its page count in a
Dask Variable, waits (seceded from the worker's threads) for the earlier chunks' counts, and
hands the process its offset; the PDF comes back as bytes. The book's files travel once, as the
result of a task holding them (made again if lost), and are unpacked on each worker that lays a
chunk out.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import shutil
import struct
import subprocess
import sys
import tempfile
import threading
import warnings
from collections.abc import Iterator
from concurrent.futures import CancelledError
from dataclasses import replace
from pathlib import Path
from typing import IO, Any

from octavo.backends.pdf.worker import ChunkAborted, ChunkJob, ChunkResult, body_offset
from octavo.backends.scratch import dask_worker_folder, temporary_files
from octavo.errors import BuildError
from octavo.uptodate import write_atomically

FAILED = -2  # a chunk's Variable when it failed: the chunks after it give up waiting
KEPT_PROCESSES = 2  # idle layout processes a worker process keeps warm
KEPT_BOOKS = 8  # unpacked books a worker process keeps for their next chunks


class RemoteChunks:
    """The book process's side: scatter the book, submit its chunk jobs, collect their PDFs."""

    def __init__(self, address: str, root: Path):
        self.address, self.root = address, root.resolve()
        self.prefix = f"octavo-chunk-{os.urandom(6).hex()}"

    def __enter__(self) -> RemoteChunks:
        from distributed import Client

        from octavo.shelves.bundles import book_files, environment
        from octavo.themes import builtin_styles_dir

        self.client = Client(self.address, timeout="30s")
        files = book_files(self.root, set())
        digest = hashlib.sha256()
        for name, data in files.items():
            digest.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
        # The files are a task's result, not scattered data: the scheduler keeps the task and
        # makes them again when every worker that held them is lost. Scattered data cannot be
        # made again, and even broadcast it may be left on one worker alone (the scheduler's
        # memory manager drops the copies no task there needs): that worker's death would
        # cancel every chunk still to come.
        with warnings.catch_warnings():  # a book with images makes a "large graph": as meant
            warnings.simplefilter("ignore", UserWarning)
            self.bundle = self.client.submit(book_files_of, files, key=f"{self.prefix}-files",
                                             pure=False)
        builtin = builtin_styles_dir().resolve()
        self.sources = {"root": str(self.root), "builtin": str(builtin),
                        "name": self.root.name, "digest": digest.hexdigest()}
        self.expected = environment()
        self.published: set[int] = set()
        return self

    def __exit__(self, *exc: object) -> None:
        from distributed import Variable

        for index in self.published:
            with contextlib.suppress(Exception):
                Variable(f"{self.prefix}-{index}", client=self.client).delete()
        self.client.close()

    def _publish(self, index: int, pages: int) -> None:
        from distributed import Variable

        Variable(f"{self.prefix}-{index}", client=self.client).set(pages)
        self.published.add(index)

    def run(self, jobs: list[ChunkJob], counts: list[int]) -> Iterator[tuple[int, ChunkResult]]:
        """Lay `jobs` out on the cluster; note each page count in `counts`; yield results."""
        from distributed import as_completed

        for index, pages in enumerate(counts):  # known from the cache: no chunk waits for them
            if pages >= 0:
                self._publish(index, pages)
        # Earlier chunks first (Dask runs higher priorities first): later ones wait for them.
        futures = {self.client.submit(lay_out_chunk, job, self.bundle, self.prefix,
                                      self.expected, self.sources, pure=False,
                                      priority=len(jobs) - position): job
                   for position, job in enumerate(jobs)}
        self.published.update(job.index for job in jobs if job.index >= 0)
        pending = set(futures)
        try:
            for future in as_completed(futures):
                pending.discard(future)
                job = futures[future]
                try:
                    result, pdf = future.result()
                except CancelledError as exc:  # cancelled on the scheduler
                    raise BuildError(f"the cluster lost a chunk's task ({exc}); build again") from None
                write_atomically(job.target, pdf)  # never through a link the cache holds
                if job.index >= 0:
                    counts[job.index] = result.pages
                yield job.index, result
        except BaseException:  # no chunk may wait for one that never comes
            for future in pending:
                job = futures[future]
                if job.index >= 0:
                    with contextlib.suppress(Exception):
                        self._publish(job.index, FAILED)
                future.cancel()
            raise


def book_files_of(files: dict[str, bytes]) -> dict[str, bytes]:
    """A Dask task: the book's files, as sent (a task, so that the scheduler can redo it)."""
    return files


def lay_out_chunk(job: ChunkJob, files: dict[str, bytes], prefix: str, expected: dict[str, str],
                  sources: dict[str, str]) -> tuple[ChunkResult, bytes]:
    """A Dask task: lay out one chunk on this worker, its folios from the earlier chunks."""
    from distributed import Variable, rejoin, secede

    from octavo.shelves.bundles import environment
    from octavo.themes import builtin_styles_dir

    if environment() != expected:
        raise BuildError("a worker runs another Octavo or WeasyPrint than this machine; install "
                         "the same version on every worker")
    root = _unpacked(files, sources)
    builtin = builtin_styles_dir().resolve()
    moved = [(Path(sources["root"]).as_uri(), root.as_uri()),
             (Path(sources["builtin"]).as_uri(), builtin.as_uri()),
             (sources["root"], str(root)), (sources["builtin"], str(builtin))]

    def move(text: str) -> str:
        for there, here in moved:
            text = text.replace(there, here)
        return text

    handle, name = tempfile.mkstemp(prefix="octavo-chunk-", suffix=".pdf",
                                    dir=dask_worker_folder())
    os.close(handle)
    target = Path(name)
    job = replace(job, html=move(job.html), base_url=move(job.base_url),
                  stylesheets=tuple(move(css) for css in job.stylesheets),
                  allowed=tuple(Path(move(str(p))) for p in job.allowed), target=target)
    process: subprocess.Popen[bytes] | None = _chunk_process(_layout_environment())
    assert process is not None and process.stdin is not None and process.stdout is not None
    try:
        _send(process.stdin, job)
        while True:
            kind, value = _receive(process.stdout)
            if kind == "pages":
                Variable(f"{prefix}-{job.index}").set(value)
                secede()  # waiting is no work: the worker may run other tasks meanwhile
                try:
                    earlier = [Variable(f"{prefix}-{i}").get() for i in range(job.index)]
                finally:
                    rejoin()
                if FAILED in earlier:
                    raise ChunkAborted(f"chunk {job.index}: an earlier chunk failed")
                _send(process.stdin, body_offset(job.pages_before, earlier))
            elif kind == "done":
                pdf = target.read_bytes()
                _release(process)
                process = None
                return value, pdf
            else:
                raise BuildError(value)
    finally:
        if process is not None:  # failed, or interrupted mid-chunk: not used again
            process.kill()
            process.wait()
        target.unlink(missing_ok=True)


_unpacked_books: dict[str, Path] = {}
# Layout processes kept warm between chunks, per worker process (a local build's pool workers
# also lay out many chunks each): the imports, fontconfig and font caches are paid once.
_idle: list[subprocess.Popen[bytes]] = []
_idle_lock = threading.Lock()


def _layout_environment() -> dict[str, str]:
    """A layout process's environment: its temporary files (WeasyPrint's copies of the fonts)
    in the worker's folder, which goes with the worker."""
    from octavo.shelves.bundles import clean_environment

    env = clean_environment(None)
    folder = dask_worker_folder()
    if folder is not None:
        env["TMPDIR"] = folder
    return env


def _chunk_process(env: dict[str, str]) -> subprocess.Popen[bytes]:
    """An idle layout process of this worker's, or a new one."""
    with _idle_lock:
        while _idle:
            process = _idle.pop()
            if process.poll() is None:
                return process
    return subprocess.Popen(
        [sys.executable, "-c", "from octavo.backends.pdf.remote import main; main()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)


def _release(process: subprocess.Popen[bytes]) -> None:
    """Keep a layout process that finished its chunk for the next one (a few at most: a burst
    of chunks waiting for their folios may have started more than the worker keeps busy)."""
    with _idle_lock:
        if len(_idle) < KEPT_PROCESSES:
            _idle.append(process)
            return
    process.kill()
    process.wait()


def _unpacked(files: dict[str, bytes], sources: dict[str, str]) -> Path:
    """The book's files in a folder of this worker's, written once per book and process."""
    with _idle_lock:
        root = _unpacked_books.pop(sources["digest"], None)
        if root is None:
            folder = tempfile.mkdtemp(prefix="octavo-book-", dir=dask_worker_folder())
            root = Path(folder) / sources["name"]
            for name, data in files.items():
                path = root / name
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
            root.mkdir(exist_ok=True)
        _unpacked_books[sources["digest"]] = root  # the most recently used last
        while len(_unpacked_books) > KEPT_BOOKS:  # a worker that builds a press's every book
            oldest = next(iter(_unpacked_books))
            shutil.rmtree(_unpacked_books.pop(oldest).parent, ignore_errors=True)
    return root


def main() -> None:
    """A layout process: lay out each job read from stdin, asking for its offset."""
    from octavo.backends.pdf import worker

    channel = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything a library prints goes to stderr, never into the channel
    sys.stdout = sys.stderr
    replies = sys.stdin.buffer
    job: ChunkJob | None = None

    def ask(pages: int) -> int:
        _send(channel, ("pages", pages))
        return int(_receive(replies))

    worker.start_worker(None, None, None)
    worker._shared["ask"] = ask
    with temporary_files():  # its own; the worker's folder holds them if it is killed
        while True:  # one chunk after another, until the worker closes the pipe
            try:
                job = _receive(replies)
            except BuildError:
                return
            try:
                result = worker.render_chunk(job)
            except Exception as exc:
                message = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
                _send(channel, ("error", str(message)))
            else:
                _send(channel, ("done", result))


def _send(stream: IO[bytes], value: Any) -> None:
    data = pickle.dumps(value)
    stream.write(struct.pack("!I", len(data)) + data)
    stream.flush()


def _receive(stream: IO[bytes]) -> Any:
    header = stream.read(4)
    if len(header) < 4:
        raise BuildError("a chunk's layout process ended early")
    (size,) = struct.unpack("!I", header)
    return pickle.loads(stream.read(size))
