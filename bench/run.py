"""The build benchmark: builds three books side by side in one run and prints the table.

    python bench/run.py [--books long,sample,scale] [--jobs N] [--keep DIR]

Books: jack-sheppard.txt from ../shared/corpus (the long novel), the sample book at the
repository root (short), and an 800,000-word book in 60 files made from the corpus's text into
a temporary folder (the scale case). Each measurement is a separate `octavo build` process; its
wall time, CPU time (with its worker processes) and the peak memory of its largest process are
read with getrusage(RUSAGE_CHILDREN) in a small wrapper process. The PDF baseline is a one-shot
WeasyPrint render of the same book HTML, with the same theme and gutter, as a whole command too.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
CORPUS = REPO.parent / "shared" / "corpus"
if not CORPUS.is_dir():
    CORPUS = Path("/work/shared/corpus")
OCTAVO = [sys.executable, "-m", "octavo"]
SCALE_WORDS = 800_000
SCALE_FILES = 60
REPEATS = 5  # runs of each build under a second (the cold EPUB, pandoc's): their median is shown


@dataclass
class Run:
    """One measured command."""

    wall: float
    cpu: float
    rss_mb: float
    out: str = ""
    code: int = 0
    walls: tuple[float, ...] = ()  # every run's wall time, when this is the median of several


@dataclass
class BookResult:
    name: str
    runs: dict[str, Run] = field(default_factory=dict)
    pages: int = 0
    gutter: float = 0.0
    untouched: bool = False
    epub_bytes: int = 0


def measure_child(argv: list[str]) -> None:
    """Run argv; print its wall, CPU and the peak RSS of its largest process as JSON."""
    started = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True)
    wall = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({"wall": wall, "cpu": usage.ru_utime + usage.ru_stime,
                      "rss_mb": usage.ru_maxrss / 1024, "code": done.returncode,
                      "out": done.stdout + done.stderr}))


def measure(argv: list[str], cwd: Path | None = None) -> Run:
    """`argv` in a fresh wrapper process, so that its getrusage holds this command alone."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600"}
    done = subprocess.run([sys.executable, __file__, "--measure", "--", *argv],
                          capture_output=True, text=True, cwd=cwd, env=env)
    data = json.loads(done.stdout.strip().splitlines()[-1])
    run = Run(data["wall"], data["cpu"], data["rss_mb"], data["out"], data["code"])
    if run.code != 0:
        raise SystemExit(f"failed ({run.code}): {' '.join(argv)}\n{run.out}")
    return run


def median_of(times: int, argv: list[str], before: Callable[[], None]) -> Run:
    """`argv` measured `times` times, `before` each (a cold build cleans the book first); the
    run of median wall time, holding every run's. A build under a second is as long as a
    moment's noise on a shared machine: one run of it says little, the median of five more."""
    runs = []
    for _ in range(times):
        before()
        runs.append(measure(argv))
    middle = sorted(runs, key=lambda run: run.wall)[times // 2]
    return dataclasses.replace(middle, walls=tuple(run.wall for run in runs))


def long_novel(folder: Path) -> tuple[Path, Path]:
    root = folder / "long-novel"
    (root / "manuscript").mkdir(parents=True)
    shutil.copy(CORPUS / "jack-sheppard.txt", root / "manuscript" / "jack-sheppard.txt")
    (root / "book.toml").write_text('[book]\ntitle = "Jack Sheppard"\n'
                                    'authors = ["William Harrison Ainsworth"]\nlanguage = "en"\n')
    return root, root / "manuscript" / "jack-sheppard.txt"


def sample(folder: Path) -> tuple[Path, Path]:
    root = folder / "sample"
    shutil.copytree(REPO / "manuscript", root / "manuscript")
    shutil.copy(REPO / "book.toml", root / "book.toml")
    return root, root / "manuscript" / "03-what-the-book-knows.md"


def scale(folder: Path) -> tuple[Path, Path]:
    """800,000 words in 60 Markdown chapters, cut from the corpus's paragraphs in turn."""
    root = folder / "scale"
    (root / "manuscript").mkdir(parents=True)
    paragraphs = []
    for path in sorted(CORPUS.glob("*.txt")):
        text = path.read_bytes().decode("utf-8", errors="replace")
        for block in re.split(r"\n\s*\n", text):
            words = block.split()
            if len(words) >= 20 and not any(w.isupper() and len(w) > 3 for w in words[:3]):
                paragraphs.append(" ".join(words).replace("*", "").replace("_", "")
                                  .replace("#", "").replace("[", "(").replace("]", ")")
                                  .replace("<", "(").replace(">", ")"))
    per_file = SCALE_WORDS // SCALE_FILES
    index = 0
    for number in range(1, SCALE_FILES + 1):
        body, count = [], 0
        while count < per_file:
            paragraph = paragraphs[index % len(paragraphs)]
            index += 1
            body.append(paragraph)
            count += len(paragraph.split())
        (root / "manuscript" / f"{number:02d}-chapter.md").write_text(
            f"# Chapter {number}\n\n" + "\n\n".join(body) + "\n", encoding="utf-8")
    (root / "book.toml").write_text('[book]\ntitle = "The Scale Case"\n'
                                    'authors = ["Octavo Bench"]\nlanguage = "en"\n')
    return root, root / "manuscript" / f"{SCALE_FILES // 2:02d}-chapter.md"


BOOKS = {"long": ("long novel (jack-sheppard.txt)", long_novel),
         "sample": ("sample book", sample),
         "scale": ("800,000 words, 60 files", scale)}


def edit(path: Path) -> None:
    """Change one word in the middle of a chapter, as a writer's small edit does: in the
    file's bytes, so that a file in another encoding (the novel is ISO-8859-1) keeps it."""
    data = path.read_bytes()
    at = data.find(b" the ", len(data) // 2)
    path.write_bytes(data[:at] + b" The " + data[at + 5:])


def lengthen(path: Path) -> None:
    """Make the chapter in the middle of the file about two pages longer (4,000 characters):
    the paragraph there written out again until it is, as a writer's new scene is."""
    data = path.read_bytes()
    blank = re.compile(rb"\r?\n[ \t]*\r?\n")  # Gutenberg's texts end their lines in CRLF
    middle = len(data) // 2
    start = max((m.end() for m in blank.finditer(data, 0, middle)), default=0)
    after = blank.search(data, middle)
    end = after.start() if after else len(data)
    gap = after.group() if after else b"\n\n"
    paragraph = data[start:end]
    added = gap.join([paragraph] * (4000 // max(1, len(paragraph)) + 1))
    path.write_bytes(data[:end] + gap + added + data[end:])


def clean(root: Path) -> None:
    for name in (".octavo-cache", "dist"):
        shutil.rmtree(root / name, ignore_errors=True)


def bench_book(key: str, folder: Path, jobs: str | None) -> BookResult:
    name, make = BOOKS[key]
    root, chapter = make(folder)
    result = BookResult(name)
    extra = ["--jobs", jobs] if jobs else []
    epub_argv = [*OCTAVO, "build", str(root), "--format", "epub"]
    result.runs["epub cold"] = median_of(REPEATS, epub_argv, lambda: clean(root))
    epub = next((root / "dist").glob("*.epub"))
    result.epub_bytes = epub.stat().st_size
    if key == "long":  # the same, for a book that brings its own cover (most published ones)
        with zipfile.ZipFile(epub) as zf:
            (root / "cover.png").write_bytes(zf.read("EPUB/images/cover.png"))
        toml = (root / "book.toml").read_text()
        (root / "book.toml").write_text(toml.replace("[book]\n", '[book]\ncover = "cover.png"\n'))
        try:
            result.runs["epub cold, own cover"] = median_of(REPEATS, epub_argv, lambda: clean(root))
        finally:
            (root / "book.toml").write_text(toml)
            (root / "cover.png").unlink()
    clean(root)
    pdf = measure([*OCTAVO, "build", str(root), "--format", "pdf", *extra])
    result.runs["pdf cold"] = pdf
    if key == "long" and not jobs:  # the scaling: the same on one worker
        clean(root)
        result.runs["pdf cold, 1 worker"] = measure(
            [*OCTAVO, "build", str(root), "--format", "pdf", "--jobs", "1"])
    found = re.search(r"(\d+) pages, gutter ([\d.]+) in", pdf.out)
    if found:
        result.pages, result.gutter = int(found.group(1)), float(found.group(2))
    result.runs["pdf one-shot"] = measure([sys.executable, str(BENCH / "oneshot.py"), str(root),
                                           str(result.gutter), str(folder / f"{key}-one.pdf")])
    result.runs["both cold"] = Run(
        result.runs["epub cold"].wall + pdf.wall, result.runs["epub cold"].cpu + pdf.cpu,
        max(result.runs["epub cold"].rss_mb, pdf.rss_mb))
    measure([*OCTAVO, "build", str(root), *extra])  # both files, so the cache and stamp match
    edit(chapter)
    result.runs["both after edit"] = measure([*OCTAVO, "build", str(root), *extra])
    before = {p.name: p.stat().st_mtime_ns for p in (root / "dist").iterdir()}
    result.runs["both no-op"] = measure([*OCTAVO, "build", str(root), *extra])
    after = {p.name: p.stat().st_mtime_ns for p in (root / "dist").iterdir()}
    result.untouched = before == after and "up to date" in result.runs["both no-op"].out
    lengthen(chapter)
    result.runs["both after a chapter grew 2 pages"] = measure(
        [*OCTAVO, "build", str(root), *extra])
    if shutil.which("pandoc"):
        source = sorted((root / "manuscript").glob("*.*"))
        result.runs["pandoc epub"] = median_of(
            REPEATS, ["pandoc", "-o", str(folder / f"{key}.epub"), *map(str, source)], lambda: None)
    return result


def verdict(ok: bool) -> str:
    return "met" if ok else "not met"


def spread(run: Run) -> str:
    """ ", median of 5 (0.61–0.74)" for a run measured several times; "" for one run."""
    if len(run.walls) < 2:
        return ""
    return f", median of {len(run.walls)} ({min(run.walls):.2f}–{max(run.walls):.2f})"


def table(results: list[BookResult]) -> str:
    lines = ["| book | build | wall s | CPU s | CPU/wall | peak RSS MB (largest process) | pages "
             "| pages/s |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for book in results:
        for label, run in book.runs.items():
            pages = book.pages if "pdf" in label or "both" in label else 0
            rate = f"{pages / run.wall:.1f}" if pages and run.wall and "no-op" not in label else ""
            lines.append(f"| {book.name} | {label} | {run.wall:.2f} | {run.cpu:.2f} | "
                         f"{run.cpu / run.wall:.2f} | {run.rss_mb:.0f} | {pages or ''} | {rate} |")
    lines += ["", "| target | book | measured | verdict |", "| --- | --- | --- | --- |"]
    for book in results:
        r = book.runs
        epub = r["epub cold"].wall
        speedup = r["pdf one-shot"].wall / r["pdf cold"].wall
        edit_ratio = r["both after edit"].wall / r["both cold"].wall
        grew = r["both after a chapter grew 2 pages"].wall / r["both cold"].wall
        noop = r["both no-op"].wall
        peak = max(run.rss_mb for run in r.values())
        if book.name.startswith("long"):
            lines.append(f"| EPUB cold ≤ 0.7 s | {book.name} | {epub:.2f} s{spread(r['epub cold'])} | "
                         f"{verdict(epub <= 0.7)} |")
            if "epub cold, own cover" in r:
                own = r["epub cold, own cover"].wall
                lines.append(f"| EPUB cold ≤ 0.7 s, the book's own cover | {book.name} | "
                             f"{own:.2f} s{spread(r['epub cold, own cover'])} | {verdict(own <= 0.7)} |")
            if "pandoc epub" in r:
                ratio = r["pandoc epub"].wall / epub
                lines.append(f"| EPUB ≥ 10× faster than pandoc | {book.name} | {ratio:.1f}× (pandoc "
                             f"{r['pandoc epub'].wall:.2f} s{spread(r['pandoc epub'])}) | "
                             f"{verdict(ratio >= 10)} |")
            else:
                lines.append(f"| EPUB ≥ 10× faster than pandoc | {book.name} | pandoc not "
                             "installed | n/a |")
            size = book.epub_bytes / 1000
            lines.append(f"| EPUB ≤ 700 KB (fonts subset) | {book.name} | {size:.0f} KB | "
                         f"{verdict(size <= 700)} |")
        lines.append(f"| PDF cold ≥ 1.9× one-shot | {book.name} | {speedup:.2f}× | "
                     f"{verdict(speedup >= 1.9)} |")
        lines.append(f"| edit one word ≤ 15 % of cold (EPUB + PDF) | {book.name} | "
                     f"{edit_ratio * 100:.0f} % | {verdict(edit_ratio <= 0.15)} |")
        lines.append(f"| a chapter two pages longer ≤ 15 % of cold (EPUB + PDF) | {book.name} | "
                     f"{grew * 100:.0f} % | {verdict(grew <= 0.15)} |")
        lines.append(f"| nothing changed ≤ 0.3 s, files untouched | {book.name} | {noop:.2f} s, "
                     f"{'untouched' if book.untouched else 'TOUCHED'} | "
                     f"{verdict(noop <= 0.3 and book.untouched)} |")
        # The one-worker run (for the scaling) lays the chunks out in the process that holds
        # the book: its memory is shown beside the target, not counted in it.
        octavo_peak = max(run.rss_mb for label, run in r.items()
                          if label not in ("pdf one-shot", "pandoc epub", "pdf cold, 1 worker"))
        single = (f", --jobs 1: {r['pdf cold, 1 worker'].rss_mb:.0f} MB"
                  if "pdf cold, 1 worker" in r else "")
        lines.append(f"| peak memory ≤ 200 MB per process | {book.name} | {octavo_peak:.0f} MB "
                     f"(one-shot: {r['pdf one-shot'].rss_mb:.0f} MB{single}) | "
                     f"{verdict(octavo_peak <= 200)} |")
        del peak
    lines += scaling(results)
    return "\n".join(lines)


def scaling(results: list[BookResult]) -> list[str]:
    """The PDF's scaling with CPUs, from the long novel on one worker and on this machine's:
    the serial share by Amdahl's law from the two times, and the times it predicts for more."""
    lines: list[str] = []
    for book in results:
        r = book.runs
        if "pdf cold, 1 worker" not in r:
            continue
        cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
        workers = min(4, cpus or 1)  # as octavo's worker_count: the CPUs it may use, at most 4
        one, many = r["pdf cold, 1 worker"].wall, r["pdf cold"].wall
        serial = 0.0 if workers == 1 else (many / one - 1 / workers) / (1 - 1 / workers)
        serial = min(1.0, max(0.0, serial))
        lines += ["", f"PDF scaling, {book.name}: {one:.2f} s on 1 worker, {many:.2f} s on "
                  f"{workers} ({one / many:.2f}×); serial share by Amdahl's law {serial:.0%}; "
                  "predicted: " + ", ".join(
                      f"{n} CPUs {one * (serial + (1 - serial) / n):.1f} s "
                      f"({1 / (serial + (1 - serial) / n):.2f}×)" for n in (4, 8, 16))]
    return lines


def compile_octavo() -> None:
    """Octavo's modules compiled to bytecode, as an installed Octavo has them (pip compiles a
    package as it installs it). An editable install never gets them where
    PYTHONDONTWRITEBYTECODE=1 is set, as on the machines here: each `octavo build` would then
    compile Octavo's hundred modules from source, 0.15-0.2 s that no user waits for."""
    import compileall

    compileall.compile_dir(REPO / "src", quiet=1)


def main() -> int:
    if len(sys.argv) > 2 and sys.argv[1] == "--measure":
        measure_child(sys.argv[3:])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--books", default="long,sample,scale",
                        help="which books, comma-separated: long, sample, scale")
    parser.add_argument("--jobs", help="passed to octavo build --jobs")
    parser.add_argument("--keep", type=Path, help="build in this folder and keep it")
    args = parser.parse_args()
    compile_octavo()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="octavo-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    results = []
    try:
        for key in args.books.split(","):
            print(f"benchmarking the {BOOKS[key][0]} ...", file=sys.stderr, flush=True)
            results.append(bench_book(key, folder, args.jobs))
            print(f"  load average {os.getloadavg()[0]:.1f}", file=sys.stderr, flush=True)
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end\n")
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
