"""The typography benchmark: builds (or reads) books in every built-in theme and prints the
figures a book designer looks at, beside the thresholds of issue 16, with a verdict each.

    python bench/typography.py [--books jack,katrine,sample] [--themes classic,modern,nonfiction]
                               [--keep DIR] [--jobs N]

Books: the two corpus novels (jack-sheppard.txt, katrine.txt from ../shared/corpus), each copied
into a temporary book folder with a book.toml, and the sample book at the repository root. Each
PDF is built by `octavo build --format pdf --theme T` in its own process (its wall time is
shown); with --keep, the PDFs stay in DIR and a later run with the same DIR reads them instead
of building again (delete DIR to measure new code). The figures come from
`octavo.checks.typeset`, which reads the PDF's lines from pdfium's character boxes inside the
live area (running heads and folios left out).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from octavo.checks.typeset import Typesetting, manuscript_words, measure, read_lines
from octavo.config import load_config
from octavo.diagnostics import Diagnostics

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
CORPUS = REPO.parent / "shared" / "corpus"
if not CORPUS.is_dir():
    CORPUS = Path("/work/shared/corpus")
THEMES = ("classic", "modern", "nonfiction")
NOVELS = {"jack": ("jack-sheppard.txt", "Jack Sheppard", "William Harrison Ainsworth"),
          "katrine": ("katrine.txt", "Katrine", "Elinor Macartney Lane")}

# Issue 16's thresholds: (label, test on the figures, shown threshold).
MAX_SHARE = 0.06  # hyphenated body lines in a novel
MAX_RUN = 2
MEASURE = (60, 70)  # mean characters per full line


def book_folder(key: str, folder: Path) -> Path:
    """A book folder for `key`: a corpus novel copied with a book.toml, or the sample book."""
    root = folder / key
    if root.exists():
        return root
    if key == "sample":
        shutil.copytree(REPO / "manuscript", root / "manuscript")
        shutil.copy(REPO / "book.toml", root / "book.toml")
        return root
    name, title, author = NOVELS[key]
    (root / "manuscript").mkdir(parents=True)
    shutil.copy(CORPUS / name, root / "manuscript" / name)
    (root / "book.toml").write_text(f'[book]\ntitle = "{title}"\nauthors = ["{author}"]\n'
                                    'language = "en"\n', encoding="utf-8")
    return root


def build(root: Path, theme: str, out: Path, jobs: str | None) -> float | None:
    """Build `root`'s PDF in `theme` into `out` unless it is there; the build's wall seconds."""
    if any(out.glob("*.pdf")):
        return None
    argv = [sys.executable, "-m", "octavo", "build", str(root), "--format", "pdf",
            "--theme", theme, "--out", str(out)]
    if jobs:
        argv += ["--jobs", jobs]
    started = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"failed: {' '.join(argv)}\n{done.stdout}{done.stderr}")
    return time.perf_counter() - started


def figures(root: Path, out: Path) -> Typesetting:
    """The typesetting figures of the PDF in `out`, built from the book at `root`."""
    settings = load_config(root, Diagnostics()).settings["pdf"]
    pdf = next(p for p in sorted(out.glob("*.pdf")) if not p.name.endswith("-cover.pdf"))
    text = "\n".join(_read(p) for p in sorted((root / "manuscript").rglob("*")) if p.is_file())
    return measure(read_lines(pdf, settings.top, settings.bottom), manuscript_words(text))


def _read(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def verdicts(novel: bool, result: Typesetting) -> list[tuple[str, str, str, bool | None]]:
    """(figure, value, threshold, passed: None when there is no threshold) for one PDF."""
    share = result.hyphenated_share
    return [
        ("hyphenated lines", f"{share:.1%} ({result.hyphenated:,}/{result.body_lines:,})",
         f"< {MAX_SHARE:.0%} (novels)", share < MAX_SHARE if novel else None),
        ("longest run", str(result.longest_run), f"≤ {MAX_RUN}", result.longest_run <= MAX_RUN),
        ("runs of 3+", str(result.runs_of_three), "0", result.runs_of_three == 0),
        ("hyphen at a recto's foot", str(result.foot_hyphens), "0", result.foot_hyphens == 0),
        ("chars a line, mean/max", f"{result.mean_chars:.1f}/{result.max_chars}",
         f"{MEASURE[0]}–{MEASURE[1]}", MEASURE[0] <= result.mean_chars <= MEASURE[1]),
        ("loose lines (> 0.5 em spaces)", f"{result.loose_lines:,}", "—", None),
        ("short last pages", _listed(result.short_last_pages), "0", not result.short_last_pages),
        ("blank pages", f"{result.blank_pages}/{result.pages}", "—", None),
        ("facing depth mismatches", _listed(result.depth_mismatches), "0",
         not result.depth_mismatches),
        ("openings off the line grid", f"{_listed(result.openings_off_grid)}/{result.openings}",
         "0", not result.openings_off_grid),
        ("lines openings' text starts on", str(result.opening_starts), "≤ 2 (titles of 3+ lines)",
         result.opening_starts <= 2),
    ]


def _listed(numbers: list[int]) -> str:
    shown = ", ".join(f"p. {n}" for n in numbers[:2])
    return f"{len(numbers)}" + (f" ({shown}{', …' if len(numbers) > 2 else ''})" if numbers
                                else "")


def _cell(value: str, passed: bool | None) -> str:
    return value if passed is None else f"{value} {'✓' if passed else '✗'}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--books", default="jack,katrine,sample")
    parser.add_argument("--themes", default=",".join(THEMES))
    parser.add_argument("--keep", type=Path, help="keep the books and PDFs here (and reuse them)")
    parser.add_argument("--jobs", help="passed to octavo build")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="octavo-typography-"))
    folder.mkdir(parents=True, exist_ok=True)
    labels = [label for label, *_ in verdicts(True, Typesetting())]
    thresholds = [threshold for _, _, threshold, _ in verdicts(True, Typesetting())]
    rows = ["| book | theme | build s | " + " | ".join(labels) + " |",
            "| --- | --- | ---: |" + " --- |" * len(labels),
            "| *threshold* | | | " + " | ".join(thresholds) + " |"]
    failed = 0
    try:
        for key in args.books.split(","):
            root = book_folder(key, folder / "books")
            for theme in args.themes.split(","):
                out = folder / "pdf" / f"{key}-{theme}"
                seconds = build(root, theme, out, args.jobs)
                result = figures(root, out)
                cells = []
                for _label, value, _threshold, passed in verdicts(key != "sample", result):
                    failed += passed is False
                    cells.append(_cell(value, passed))
                built = f"{seconds:.1f}" if seconds else "read"
                rows.append(f"| {key} | {theme} | {built} | " + " | ".join(cells) + " |")
                print(f"{key} in {theme}: measured", flush=True, file=sys.stderr)
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    print("\n".join(rows))
    print(f"\n{failed} figure(s) outside the thresholds")
    return 0


if __name__ == "__main__":
    sys.exit(main())
