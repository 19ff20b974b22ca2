"""`octavo proof`: a contact sheet with the opening spread of every chapter."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from conftest import BASIC_TOML, Result
from PIL import Image


def test_proof_sheets_show_every_opening(make_book: Callable[..., Path],
                                         octavo: Callable[..., Result]) -> None:
    chapters = {f"manuscript/{n:02d}-c.md": f"# Chapter Number {n}\n\nText of {n}.\n"
                for n in range(1, 15)}
    root = make_book({"book.toml": BASIC_TOML, **chapters})
    result = octavo("proof", root)
    assert result.code == 0, result.err
    sheets = sorted((root / "dist" / "proof").glob("*.png"))
    assert [s.name for s in sheets] == ["openings-01.png", "openings-02.png"]  # 12 per sheet
    assert f"wrote {sheets[0]}" in result.out or "wrote dist/proof/openings-01.png" in result.out
    first = Image.open(sheets[0])
    # three spreads of two 6 × 9 in pages at 54 dpi across, four rows down
    assert first.size == (3 * (2 * 324 + 24) + 24, 4 * (486 + 28 + 24) + 24)
    second = Image.open(sheets[1])
    assert second.size[1] == 486 + 28 + 24 + 24  # the last two openings: one row
    # every opening page (the right of each spread) is a white page with dark text on it; the
    # grey labels under the spreads do not count
    grey = first.convert("L")
    for n in range(12):
        x, y = 24 + (n % 3) * (2 * 324 + 24) + 324, 24 + (n // 3) * (486 + 28 + 24)
        page = grey.crop((x + 2, y + 2, x + 324 - 2, y + 486 - 2))
        dark = sum(page.histogram()[:128])
        assert page.getextrema()[1] == 255 and 100 < dark < 0.2 * 320 * 482, n


def test_a_pdf_in_dist_the_build_did_not_write_is_built_again(make_book: Callable[..., Path],
                                                              octavo: Callable[..., Result]) -> None:
    # Another book's PDF copied over this one's, newer than every input: its file time says
    # nothing of what it holds. The proof shows this book's openings, built again.
    chapters = {f"manuscript/{n:02d}-c.md": f"# Chapter Number {n}\n\nText of {n}.\n"
                for n in range(1, 4)}
    root = make_book({"book.toml": BASIC_TOML, **chapters})
    assert octavo("build", root, "--format", "pdf").code == 0
    other = make_book({"book.toml": BASIC_TOML, "manuscript/01-c.md": "# Elsewhere\n\nOther.\n"},
                      name="other")
    assert octavo("build", other, "--format", "pdf").code == 0
    pdf, foreign = next((root / "dist").glob("*.pdf")), next((other / "dist").glob("*.pdf"))
    pdf.write_bytes(foreign.read_bytes())
    result = octavo("proof", root)
    assert result.code == 0, result.err
    assert pdf.read_bytes() != foreign.read_bytes()  # built again
    sheets = sorted((root / "dist" / "proof").glob("*.png"))
    assert len(sheets) == 1 and Image.open(sheets[0]).size[1] == 486 + 28 + 24 + 24  # 3 openings


def test_a_proof_folder_that_links_out_is_refused(make_book: Callable[..., Path],
                                                  octavo: Callable[..., Result],
                                                  tmp_path: Path) -> None:
    root = make_book({"book.toml": BASIC_TOML, "manuscript/01-c.md": "# One\n\nText.\n"})
    outside = tmp_path / "outside"
    outside.mkdir()
    (root / "dist").mkdir(exist_ok=True)
    (root / "dist" / "proof").symlink_to(outside, target_is_directory=True)
    result = octavo("proof", root)
    assert result.code != 0 and "Traceback" not in result.err
    assert "proof: refused: a link to a folder outside the output folder" in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert list(outside.iterdir()) == []
    # A sheet that is a link to a file outside is replaced, not written through.
    (root / "dist" / "proof").unlink()
    (root / "dist" / "proof").mkdir()
    victim = outside / "victim.png"
    victim.write_bytes(b"VICTIM")
    (root / "dist" / "proof" / "openings-01.png").symlink_to(victim)
    assert octavo("proof", root).code == 0
    assert victim.read_bytes() == b"VICTIM"
    assert Image.open(root / "dist" / "proof" / "openings-01.png").size[0] > 0
