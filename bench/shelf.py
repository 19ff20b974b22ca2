"""The shelf benchmark: the corpus books as a shelf, built here and on a Dask cluster, compared.

    python bench/shelf.py [--workers N] [--keep DIR]

The shelf: jack-sheppard.txt, katrine.txt and finale.txt from ../shared/corpus, each in a book
folder of its own, and the sample book with two editions (large-print and a 5.5x8.5 in
hardcover). It is built cold twice, from two copies: once with `octavo build SHELF` (every book in
parallel on this machine's CPUs), once with `octavo build SHELF --cluster` on a Dask scheduler
and N single-thread workers started here on 127.0.0.1 (Dask's own `dask scheduler` and
`dask worker` commands). The table gives each book's time in both, whether every file is
byte-identical, then the no-op rebuilds, and the sample's editions with their page counts.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus"
EPOCH = "1767225600"
EDITIONS = """
[editions.large-print.book]
subtitle = "Large Print Edition"

[editions.hardcover.print]
trim = "5.5x8.5"
[editions.hardcover.build]
formats = ["pdf"]
"""


def make_shelf(folder: Path) -> None:
    for name, title, author in (("jack-sheppard", "Jack Sheppard", "William Harrison Ainsworth"),
                                ("katrine", "Katrine", "Elinor Macartney Lane"),
                                ("finale", "Finale", "Unknown")):
        (folder / name / "manuscript").mkdir(parents=True)
        shutil.copy(CORPUS / f"{name}.txt", folder / name / "manuscript")
        (folder / name / "book.toml").write_text(
            f'[book]\ntitle = "{title}"\nauthors = ["{author}"]\nlanguage = "en"\n')
    shutil.copytree(REPO / "manuscript", folder / "sample" / "manuscript")
    (folder / "sample" / "book.toml").write_text((REPO / "book.toml").read_text() + EDITIONS)


def octavo(*args: str) -> tuple[float, str]:
    started = time.perf_counter()
    run = subprocess.run([sys.executable, "-m", "octavo", *args], capture_output=True, text=True,
                         env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH}, check=False)
    if run.returncode != 0:
        sys.exit(f"octavo {' '.join(args)} failed:\n{run.stdout}{run.stderr}")
    return time.perf_counter() - started, run.stdout


def per_book(out: str) -> dict[str, float]:
    return {m.group(1): float(m.group(2))
            for m in re.finditer(r"^built\s+(\S+): .*?\((\d+\.\d+) s", out, re.M)}


def start_cluster(folder: Path, workers: int) -> tuple[str, list[subprocess.Popen[bytes]]]:
    file = folder / "scheduler.json"
    started = []

    def start(*args: str) -> None:
        started.append(subprocess.Popen(
            [sys.executable, "-m", *args], cwd=folder, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, start_new_session=True))

    start("distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port", "0",
          "--no-dashboard", "--scheduler-file", str(file))
    while not (file.is_file() and file.stat().st_size):
        time.sleep(0.05)
    address = json.loads(file.read_text())["address"]
    for i in range(workers):
        start("distributed.cli.dask_worker", address, "--nthreads", "1", "--no-nanny",
              "--no-dashboard", "--name", f"w{i}")
    from distributed import Client

    with Client(address) as client:
        client.wait_for_workers(workers, timeout=120)
    return address, started


def pages(path: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(path).pages)


def main() -> int:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--workers", type=int, default=2)
    options.add_argument("--keep", type=Path, help="build in this folder and keep it")
    args = options.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="octavo-shelf-"))
    folder.mkdir(parents=True, exist_ok=True)
    here, there = folder / "here", folder / "there"
    make_shelf(here)
    shutil.copytree(here, there)
    local_seconds, local_out = octavo("build", str(here))
    address, processes = start_cluster(folder, args.workers)
    try:
        cluster_seconds, cluster_out = octavo("build", str(there), "--cluster", address)
        noop_cluster, _ = octavo("build", str(there), "--cluster", address)
    finally:
        for process in processes:
            os.killpg(process.pid, signal.SIGKILL)
    noop_local, _ = octavo("build", str(here))
    local, remote = per_book(local_out), per_book(cluster_out)
    print(f"Shelf of {len(local)} books; this machine: {os.cpu_count()} CPUs; cluster: "
          f"{args.workers} single-thread Dask workers on 127.0.0.1\n")
    print("| book | files | local s | cluster s | identical bytes |")
    print("| --- | --- | --- | --- | --- |")
    identical_all = True
    for book in sorted(local):
        files = sorted(p.relative_to(here / book) for p in (here / book / "dist").iterdir())
        same = all((here / book / f).read_bytes() == (there / book / f).read_bytes()
                   for f in files)
        identical_all &= same
        print(f"| {book} | {len(files)} | {local[book]:.2f} | {remote.get(book, 0):.2f} | "
              f"{'yes' if same else 'NO'} |")
    print(f"| whole shelf (wall) | | {local_seconds:.2f} | {cluster_seconds:.2f} | "
          f"{'yes' if identical_all else 'NO'} |")
    print(f"| nothing changed (wall) | | {noop_local:.2f} | {noop_cluster:.2f} | |\n")
    print("| sample edition | file | trim | pages | cover wrap |")
    print("| --- | --- | --- | --- | --- |")
    from pypdf import PdfReader

    for edition, suffix in (("main", ""), ("large-print", "-large-print"),
                            ("hardcover", "-hardcover")):
        pdf = here / "sample" / "dist" / f"the-quiet-press{suffix}.pdf"
        wrap = here / "sample" / "dist" / f"the-quiet-press{suffix}-cover.pdf"
        box = PdfReader(pdf).pages[0].mediabox
        cover = PdfReader(wrap).pages[0].mediabox
        print(f"| {edition} | {pdf.name} | {float(box.width) / 72:g} × {float(box.height) / 72:g}"
              f" in | {pages(pdf)} | {float(cover.width) / 72:.3f} × "
              f"{float(cover.height) / 72:.3f} in |")
    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)
    return 0 if identical_all else 1


if __name__ == "__main__":
    sys.exit(main())
