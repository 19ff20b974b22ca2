"""A shelf on a Dask cluster: each book goes to a worker as bytes, its files come back as bytes.

The client packs a book folder (its inputs, never its outputs or cache) with everything outside
the files that shapes the output (the source date, the command line's choices). A worker checks
that it runs the same Octavo and WeasyPrint, unpacks the book into a folder of its own and builds
it in a fresh Python process (a build is not thread-safe, and the worker's environment must not
reach it), then returns the files. Here they land atomically, as a local build's do, with the
stamps that make the next build of an unchanged book a no-op. Dask schedules, retries a task
whose worker was lost, and balances; Octavo adds no scheduler of its own.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

from octavo.backends.scratch import dask_worker_folder
from octavo.errors import OctavoError, UsageError, one_line
from octavo.shelves.books import BUILT, FAILED, BookDone, BuildOptions
from octavo.shelves.bundles import book_files, clean_environment, environment

WORKER_TIMEOUT = 30  # seconds to wait for a first worker (one may be starting)
CONNECT_TIMEOUT = "10s"  # a scheduler answers in milliseconds; nobody there fails soon


def build_on_cluster(address: str, books: list[Path],
                     options: BuildOptions) -> Iterator[tuple[Path, BookDone]]:
    """Build `books` as tasks on the scheduler at `address`; yield each as its files land."""
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise UsageError("--cluster needs Dask's distributed scheduler: "
                         "pip install 'octavo[cluster]'") from None
    try:
        client = Client(address, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError, ValueError, TypeError) as exc:
        raise UsageError(f"--cluster {address}: cannot reach a Dask scheduler there "
                         f"({one_line(str(exc)) or type(exc).__name__})") from None
    with client:
        try:  # with no worker, the books would wait for ever
            client.wait_for_workers(1, timeout=WORKER_TIMEOUT)
        except (TimeoutError, OSError):
            raise UsageError(f"--cluster {address}: the scheduler has no workers; start some "
                             f"with: dask worker {address}") from None
        expected = environment()
        futures = {}
        for book in books:
            try:
                bundle = pack(book, options)
            except OctavoError as exc:
                yield book, BookDone(book.name, FAILED, message=one_line(exc.render(book)))
                continue
            future = client.submit(build_bundle, bundle, options, expected, pure=False,
                                   key=f"octavo-book-{book.name}-{os.urandom(4).hex()}")
            futures[future] = book
        for future in as_completed(futures):
            book = futures[future]
            try:
                result = future.result()
            except Exception as exc:  # the task itself failed (a worker lost too often)
                yield book, BookDone(book.name, FAILED,
                                     message=one_line(f"on the cluster: {type(exc).__name__}: "
                                                      f"{exc}"))
                continue
            yield book, land(book, result, options)


def pack(root: Path, options: BuildOptions) -> dict[str, Any]:
    """The book folder's inputs as bytes, by path inside it, with the build's source date."""
    from octavo.build import source_epoch
    from octavo.config import load_config
    from octavo.diagnostics import Diagnostics

    root = root.resolve()
    config = load_config(root, Diagnostics(), options.edition or "")
    skipped = {config.build.output}
    for edition in config.editions:
        skipped.add(load_config(root, Diagnostics(), edition).build.output)
    return {"name": root.name, "files": book_files(root, skipped),
            "epoch": os.environ.get("SOURCE_DATE_EPOCH", "").strip() or str(source_epoch(config))}


def build_bundle(bundle: dict[str, Any], options: BuildOptions,
                 expected: dict[str, str]) -> dict[str, Any]:
    """On a worker: unpack the book, build it in a fresh process, return its files as bytes."""
    mine = environment()
    if mine != expected:
        differ = ", ".join(f"{k} {mine[k]} (here {expected[k]})" for k in expected
                           if mine.get(k) != expected[k])
        return {"done": asdict(BookDone(bundle["name"], FAILED, message=(
            f"the worker runs another Octavo or WeasyPrint: {differ}; install the same "
            "version on every worker")))}
    # In the worker's own folder: a worker killed mid-book leaves nothing for good.
    with tempfile.TemporaryDirectory(prefix="octavo-cluster-", dir=dask_worker_folder()) as folder:
        root = Path(folder) / "book" / bundle["name"]
        scratch = Path(folder) / "scratch"  # the build process's temporary files
        scratch.mkdir()
        for name, data in bundle["files"].items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        root.mkdir(exist_ok=True)
        from distributed import get_worker, rejoin, secede

        worker = get_worker()
        spec = json.dumps({"root": str(root), "options": asdict(options),
                           "cluster": worker.scheduler.address, "where": worker.address})
        secede()  # the book's chunks are tasks too: this one waits without holding a thread
        try:
            run = subprocess.run([sys.executable, "-c", "from octavo.shelves.cluster import main; main()"],
                                 input=spec, capture_output=True, text=True,
                                 env=clean_environment(bundle["epoch"]) | {"TMPDIR": str(scratch)},
                                 check=False)
        finally:
            rejoin()
        if run.returncode != 0:
            message = (run.stderr.strip().splitlines() or ["no message"])[-1]
            return {"done": asdict(BookDone(bundle["name"], FAILED, message=one_line(
                f"its build process ended with {run.returncode}: {message}")))}
        reply = json.loads(run.stdout)
        reply["files"] = {name: (root / name).read_bytes() for name in reply["files"]}
        reply["cache"] = {name: (root / name).read_bytes() for name in reply["cache"]
                          if (root / name).is_file()}
        return reply


def main() -> None:
    """The worker's build process: build the book named on stdin, print what it wrote."""
    from octavo.shelves.books import build_book
    from octavo.themes import builtin_styles_dir
    from octavo.uptodate import CACHE_DIR, read_stamp

    channel = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)  # anything a library prints goes to stderr, never into the reply
    sys.stdout = sys.stderr
    spec = json.loads(sys.stdin.read())
    root = Path(spec["root"])
    options = BuildOptions(**{k: tuple(v) if isinstance(v, list) else v
                              for k, v in spec["options"].items()})
    done = build_book(root, options, cluster=spec["cluster"])
    files, stamps = [], {}
    if done.status != FAILED:
        names = [options.edition] if options.edition is not None else [""]
        for name in names:
            stamp = read_stamp(root, name)
            if stamp is None:
                continue
            stamps[name] = asdict(stamp)
            files += [Path(p).relative_to(root).as_posix() for p in stamp.outputs]
            if not name and options.edition is None:
                names += stamp.editions
    cache = [f"{CACHE_DIR}/{p.relative_to(root / CACHE_DIR).as_posix()}"
             for p in (root / CACHE_DIR).rglob("facts.json")]
    json.dump({"done": asdict(done), "files": files, "stamps": stamps, "cache": cache,
               "root": str(root), "builtin": str(builtin_styles_dir().resolve()),
               "where": spec["where"]}, channel)
    channel.close()


def land(root: Path, reply: dict[str, Any], options: BuildOptions) -> BookDone:
    """Put a worker's files into the book folder, all or none, then its stamps and facts."""
    from octavo.paths import Refused, landing
    from octavo.themes import builtin_styles_dir
    from octavo.uptodate import (
        CACHE_DIR,
        Stamp,
        build_request,
        record_outputs,
        write_atomically,
        write_stamp,
    )

    data = reply["done"]
    done = BookDone(**data)
    if done.status == FAILED:
        return done
    root = root.resolve()
    partials: list[tuple[Path, Path]] = []
    try:
        for name, content in reply["files"].items():
            target = (root / name).resolve()
            if not target.is_relative_to(root):  # a worker names only files inside the book
                raise OctavoError(f"the worker sent {name!r}, outside the book folder")
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
            partial.write_bytes(content)
            partials.append((partial, target))
        for partial, target in partials:
            os.replace(partial, target)
    except (OSError, OctavoError) as exc:
        return BookDone(done.name, FAILED, message=one_line(
            f"cannot land its files: {getattr(exc, 'strerror', None) or exc}"))
    finally:
        for partial, _target in partials:
            with contextlib.suppress(OSError):
                partial.unlink(missing_ok=True)
    moved = {reply["root"]: str(root), reply["builtin"]: str(builtin_styles_dir().resolve())}
    for name, stamp in reply["stamps"].items():
        within = bool(name) and options.edition is None
        request = build_request(root, options.formats, options.theme, None, name, within)
        local = Stamp(request=request, notes=stamp["notes"], warnings=stamp["warnings"],
                      editions=stamp["editions"],
                      inputs={_moved(p, moved): d for p, d in stamp["inputs"].items()},
                      folders={_moved(p, moved): n for p, n in stamp["folders"].items()})
        record_outputs(local, (Path(_moved(p, moved)) for p in stamp["outputs"]))
        write_stamp(root, local)
    cache = root / CACHE_DIR
    for name, content in reply["cache"].items():
        # Only into the book's own cache: not through a link in it that leads out of it.
        with contextlib.suppress(OSError, Refused):
            if not (landing(cache).is_relative_to(root)
                    and landing((root / name).parent).is_relative_to(landing(cache))):
                continue
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            write_atomically(root / name, content)
    done.status = BUILT
    done.where = reply.get("where", "")
    return done


def _moved(path: str, moved: dict[str, str]) -> str:
    """A path the worker wrote, as it is here (the book folder, the built-in themes)."""
    for there, here in moved.items():
        if path == there or path.startswith(there + os.sep):
            return here + path[len(there):]
    return path
