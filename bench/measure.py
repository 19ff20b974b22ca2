"""Characters per line in built PDFs: each trim preset and theme, for the README's figures.

.venv/bin/python bench/measure.py [BOOK_DIR] [--themes classic,modern,nonfiction]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

TRIMS = ("5x8", "5.25x8", "5.5x8.5", "6x9", "a5")


def line_lengths(pdf: Path) -> list[int]:
    """The characters of each full body line (justified, so as long as the measure)."""
    import pypdfium2 as pdfium

    lengths = []
    for page in pdfium.PdfDocument(str(pdf)):
        text = page.get_textpage().get_text_range()
        lines = [ln.rstrip() for ln in text.replace("\r", "").split("\n")]
        lengths += [len(ln) for ln in lines]
    if not lengths:
        return []
    full = sorted(lengths)[int(len(lengths) * 0.9)]  # the measure: most long lines fill it
    return [n for n in lengths if n >= 0.85 * full]


def measure(book: Path, theme: str, trim: str, work: Path) -> tuple[float, int, int]:
    """Mean and 98th-percentile characters per full line, and pages, of `book` at `trim`."""
    folder = work / f"{theme}-{trim}"
    shutil.copytree(book, folder, ignore=shutil.ignore_patterns("dist", ".octavo-cache", ".venv",
                                                                 "src", "tests", ".git"))
    toml = folder / "book.toml"
    text = toml.read_text(encoding="utf-8") if toml.exists() else '[book]\ntitle = "Book"\n'
    toml.write_text(text + f'\n[print]\ntrim = "{trim}"\n', encoding="utf-8")
    subprocess.run([sys.executable, "-m", "octavo", "build", str(folder), "--format", "pdf",
                    "--theme", theme, "--out", str(folder / "out")], check=True,
                   capture_output=True)
    pdf = next((folder / "out").glob("*.pdf"))
    lengths = line_lengths(pdf)
    import pypdfium2 as pdfium

    longest = sorted(lengths)[int(len(lengths) * 0.98)]  # a merged line of the contents aside
    return statistics.mean(lengths), longest, len(pdfium.PdfDocument(str(pdf)))


def main() -> None:
    """Print a table: theme, trim, mean and longest characters per line, pages."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("book", nargs="?", default=".")
    parser.add_argument("--themes", default="classic,modern,nonfiction")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        print("| theme | trim | characters per line (mean) | longest | pages |")
        print("| --- | --- | --- | --- | --- |")
        for theme in args.themes.split(","):
            for trim in TRIMS:
                mean, longest, pages = measure(Path(args.book), theme, trim, Path(tmp))
                print(f"| {theme} | {trim} | {mean:.1f} | {longest} | {pages} |", flush=True)


if __name__ == "__main__":
    main()
