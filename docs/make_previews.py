"""Renders the README's theme previews: the sample book's first chapter spread in each theme.

Run from the repository root: .venv/bin/python docs/make_previews.py [--dpi 50]
It builds the sample book in every built-in theme, finds the first chapter whose opening
(a right-hand page) faces a page of text, renders that spread with pdftoppm and joins the two
pages side by side into docs/previews/<theme>.png.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image
from pypdf import PdfReader

from octavo.cli import main as octavo
from octavo.themes import list_themes

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "previews"


def opening_spread(pdf: Path) -> tuple[int, int]:
    """0-based (left, right) page indexes: a chapter's opening page and the page it faces.

    The first chapter inside a part whose facing page is full of text; failing that, the first
    chapter's opening page and the page after it.
    """
    reader = PdfReader(str(pdf))
    starts: list[tuple[int, int]] = []  # (depth, page)

    def walk(items: list, depth: int) -> None:  # type: ignore[type-arg]
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                starts.append((depth, reader.get_destination_page_number(item)))

    walk(reader.outline, 0)
    texts = [page.extract_text() or "" for page in reader.pages]
    chapters = sorted(page for depth, page in starts if depth > 0)
    for start in chapters:
        if start % 2 == 0 and len(texts[start - 1].split()) > 60:
            return start - 1, start
    return chapters[0], chapters[0] + 1


def render(pdf: Path, pages: tuple[int, int], dpi: int, target: Path) -> None:
    """The two pages side by side on a grey ground, as a small palette PNG."""
    with tempfile.TemporaryDirectory() as scratch:
        images = []
        for index in pages:
            prefix = Path(scratch) / f"p{index}"
            subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", str(index + 1),
                            "-l", str(index + 1), "-singlefile", str(pdf), str(prefix)],
                           check=True)
            images.append(Image.open(f"{prefix}.png").convert("RGB"))
        gap, margin = 2, 10
        width = sum(i.width for i in images) + gap + 2 * margin
        height = max(i.height for i in images) + 2 * margin
        spread = Image.new("RGB", (width, height), (200, 200, 196))
        x = margin
        for image in images:
            spread.paste(image, (x, margin))
            x += image.width + gap
        spread.quantize(colors=64).save(target, optimize=True)


def main(argv: list[str] | None = None) -> int:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--dpi", type=int, default=50)
    options = args.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        for theme in list_themes(ROOT):
            out = Path(scratch) / theme.name
            if octavo(["build", str(ROOT), "--format", "pdf", "--theme", theme.name,
                       "--out", str(out), "-q"]) != 0:
                return 1
            pdf = next(out.glob("*.pdf"))
            pages = opening_spread(pdf)
            target = OUT / f"{theme.name}.png"
            render(pdf, pages, options.dpi, target)
            print(f"{target.relative_to(ROOT)}: pages {pages[0] + 1}-{pages[1] + 1}, "
                  f"{target.stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
