"""`octavo init`: a new book that builds at once, and never over an existing one."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from conftest import epubcheck

from octavo.errors import BuildError, UsageError


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


HELD = "which a book cannot hold; remove it"


@pytest.mark.parametrize(("option", "value", "message"), [
    ("--title", "\x01\x02", f"the title holds the control character U+0001, {HELD}"),
    ("--title", "Red \x1b[31mAlert", f"the title holds the control character U+001B, {HELD}"),
    ("--title", "A\x00B", f"the title holds the control character U+0000, {HELD}"),
    # a Latin-1 "é" on the command line, which Python keeps as a lone surrogate
    ("--title", "Caf\udce9", "the title holds the byte 0xE9, which is not UTF-8; remove it"),
    ("--title", "   ", "the title must not be empty"),
    ("--author", "Jo\x07e", f"the author's name holds the control character U+0007, {HELD}"),
    ("--author", " ", "the author's name must not be empty"),
    ("--title", "Long " * 400, "the title is 2,000 characters long; at most 1,000"),
])
def test_init_refuses_a_title_or_author_the_build_would_refuse(  # type: ignore[no-untyped-def]
        octavo, tmp_path: Path, option: str, value: str, message: str) -> None:
    book = tmp_path / "book"
    result = octavo("init", book, option, value)
    assert (result.code, result.err) == (UsageError.exit_code, f"error: {book}: {message}\n")
    assert not book.exists()


def test_init_leaves_control_characters_of_the_folder_name_out_of_the_title(  # type: ignore[no-untyped-def]
        octavo, tmp_path: Path) -> None:
    book = tmp_path / "my\x1bnovel"
    assert octavo("init", book).code == 0
    assert tomllib.loads((book / "book.toml").read_text())["book"]["title"] == "Mynovel"


@pytest.mark.parametrize("taken", ["dist", "manuscript", ""])
def test_init_refuses_a_file_where_a_folder_goes_before_writing_anything(  # type: ignore[no-untyped-def]
        octavo, tmp_path: Path, taken: str) -> None:
    book = tmp_path / "book"
    if taken:
        book.mkdir()
    (book / taken if taken else book).write_text("mine\n")
    result = octavo("init", book)
    assert result.code == BuildError.exit_code
    assert result.err.count("\n") == 1 and "a file stands where the book's folder goes" in result.err
    assert (book / taken if taken else book).read_text() == "mine\n"
    assert not taken or not (book / "book.toml").exists()  # no half book left behind


def test_init_writes_a_title_with_delete_that_the_build_reads(octavo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # JSON leaves U+007F unescaped, which TOML refuses: "book.toml:5: Illegal character '\x7f'".
    from octavo.config import load_config
    from octavo.diagnostics import Diagnostics

    book = tmp_path / "book"
    assert octavo("init", book, "--title", "A\x7fB", "--author", "C\x7fD").code == 0
    config = load_config(book, Diagnostics())
    assert (config.title, config.book["authors"]) == ("A\x7fB", ("C\x7fD",))


@pytest.mark.parametrize(("name", "kind", "points_to"), [
    ("book.toml", "file", "elsewhere/book.toml"),  # a link to nothing yet
    (".gitignore", "file", "elsewhere/ignored"),
    ("manuscript", "folder", "elsewhere"),  # an empty folder outside the book
    ("styles", "folder", "elsewhere"),
    ("dist", "folder", "elsewhere"),
])
def test_init_never_writes_through_a_link(  # type: ignore[no-untyped-def]
        octavo, tmp_path: Path, name: str, kind: str, points_to: str) -> None:
    book, elsewhere = tmp_path / "book", tmp_path / "elsewhere"
    book.mkdir()
    elsewhere.mkdir()
    (book / name).symlink_to(tmp_path / points_to)
    result = octavo("init", book)
    assert (result.code, result.err) == (BuildError.exit_code, (
        f"error: {name}: refused: a link stands where the book's {kind} goes; "
        "octavo init never writes through a link\n"))
    assert list(elsewhere.iterdir()) == []
    assert sorted(p.name for p in book.iterdir()) == [name]  # nothing written in the book
