"""`octavo init`: a new book that builds at once, and never over an existing one."""

from __future__ import annotations

import tomllib
from pathlib import Path

from conftest import epubcheck

from octavo.errors import BuildError


def test_init_then_build_in_an_empty_folder(octavo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    book = tmp_path / "my-first-novel"
    result = octavo("init", book)
    assert result.code == 0, result.err
    assert {p.relative_to(book).as_posix() for p in book.rglob("*") if p.is_file()} == {
        "book.toml", ".gitignore", "manuscript/01-chapter-one.md", "styles/README.md"}
    config = tomllib.loads((book / "book.toml").read_text())
    assert config["book"]["title"] == "My First Novel" and config["build"]["theme"] == "classic"
    assert "dist/" in (book / ".gitignore").read_text()
    assert ".octavo-cache/" in (book / ".gitignore").read_text()
    built = octavo("build", book)
    assert built.code == 0, built.err
    assert built.err == ""  # no warnings from a fresh book
    assert epubcheck(book / "dist" / "my-first-novel.epub") == []
    assert (book / "dist" / "my-first-novel.pdf").stat().st_size > 10_000


def test_init_refuses_to_overwrite_a_book(octavo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    book = tmp_path / "book"
    assert octavo("init", book, "--title", 'A "Quoted" Title', "--author", "Ada").code == 0
    assert tomllib.loads((book / "book.toml").read_text())["book"]["title"] == 'A "Quoted" Title'
    (book / "book.toml").write_text("# mine\n")
    again = octavo("init", book)
    assert again.code == BuildError.exit_code and "never overwrites" in again.err
    assert (book / "book.toml").read_text() == "# mine\n"
    other = tmp_path / "other"
    (other / "manuscript").mkdir(parents=True)
    (other / "manuscript" / "1.md").write_text("Mine.\n")
    assert octavo("init", other).code == BuildError.exit_code
    assert not (other / "book.toml").exists()
