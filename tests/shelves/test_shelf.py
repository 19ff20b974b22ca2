"""Shelves: every book folder built in parallel, a line each, a summary, failures alone."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import BASIC_TOML, write_files

from octavo.errors import ConfigError, UsageError
from octavo.shelves.shelf import is_shelf, shelf_books


def _book(root: Path, title: str, chapters: int = 2) -> Path:
    files = {"book.toml": BASIC_TOML.replace("A Test Book", title)}
    for n in range(1, chapters + 1):
        files[f"manuscript/{n:02}.md"] = f"# Chapter {n}\n\n{title} says {n}.\n"
    return write_files(root, files)


@pytest.fixture
def shelf(tmp_path: Path) -> Path:
    """A folder of three book folders, and one folder that is no book."""
    folder = tmp_path / "shelf"
    _book(folder / "alpha", "Alpha")
    _book(folder / "beta", "Beta")
    _book(folder / "gamma", "Gamma", chapters=1)
    (folder / "notes").mkdir()
    (folder / "notes" / "todo.txt").write_text("not a book")
    return folder


def test_a_shelf_builds_every_book_a_line_each(shelf: Path, octavo) -> None:  # type: ignore[no-untyped-def]
    result = octavo("build", shelf)
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert [line.split()[0] for line in lines[:3]] == ["built"] * 3
    assert {line.split()[1] for line in lines[:3]} == {"alpha:", "beta:", "gamma:"}
    assert "alpha.epub" in result.out
    assert lines[-1].startswith("3 book(s): 3 built, 0 up to date, 0 failed, 0 warning(s) in")
    for name in ("alpha", "beta", "gamma"):
        assert (shelf / name / "dist" / f"{name}.epub").is_file()
    assert not (shelf / "notes" / "dist").exists()


def test_an_unchanged_book_costs_nothing(shelf: Path, octavo, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    assert octavo("build", shelf).code == 0
    (shelf / "beta" / "manuscript" / "01.md").write_text("# Chapter 1\n\nBeta changed.\n")
    before = {p: p.stat().st_mtime_ns for p in shelf.glob("*/dist/*")}
    built: list[str] = []
    from octavo.shelves import shelf as shelving

    original = shelving._build_locally
    monkeypatch.setattr(shelving, "_build_locally",
                        lambda books, *a: (built.extend(b.name for b in books),
                                           original(books, *a))[1])
    result = octavo("build", shelf)
    assert result.code == 0, result.err
    assert built == ["beta"]  # the others were never handed to a process
    assert "up to date  alpha: alpha.epub (nothing changed)" in result.out
    assert "3 book(s): 1 built, 2 up to date, 0 failed" in result.out
    after = {p: p.stat().st_mtime_ns for p in shelf.glob("*/dist/*")}
    assert {p.parent.parent.name for p in after if after[p] != before[p]} == {"beta"}


def test_a_failed_book_fails_alone_with_its_message(shelf: Path, octavo) -> None:  # type: ignore[no-untyped-def]
    (shelf / "beta" / "book.toml").write_text('[book]\ntitle = "Beta"\nlanguage = 7\n')
    result = octavo("build", shelf)
    assert result.code == 1
    assert "error: beta: book.toml: [book] language: 7 is not a BCP 47" in result.err
    assert "Traceback" not in result.err + result.out
    assert "failed      beta: book.toml: [book] language" in result.out
    assert (shelf / "alpha" / "dist" / "alpha.epub").is_file()
    assert "3 book(s): 2 built, 0 up to date, 1 failed" in result.out


def test_shelf_toml_lists_the_books_in_its_order(tmp_path: Path, octavo) -> None:  # type: ignore[no-untyped-def]
    shelf = tmp_path / "press"
    _book(shelf / "titles" / "one", "One")
    _book(shelf / "titles" / "two", "Two")
    _book(shelf / "drafts" / "three", "Three")
    (shelf / "shelf.toml").write_text('books = ["titles/two", "titles/one"]\n')
    assert is_shelf(shelf)
    assert shelf_books(shelf) == [shelf / "titles" / "two", shelf / "titles" / "one"]
    # One folder named two ways is one book (built twice at once, the two builds clashed).
    (shelf / "shelf.toml").write_text('books = ["titles/two", "titles/one", "./titles/two", '
                                      '"drafts/../titles/one"]\n')
    assert shelf_books(shelf) == [shelf / "titles" / "two", shelf / "titles" / "one"]
    result = octavo("build", shelf, "-q")
    assert result.code == 0, result.err
    assert not (shelf / "drafts" / "three" / "dist").exists()
    assert result.out.startswith("2 book(s): 2 built")


@pytest.mark.parametrize(("toml", "message"), [
    ('books = ["../elsewhere"]\n', "shelf.toml: books: ../elsewhere is outside the shelf's folder"),
    ('books = ["missing"]\n', "shelf.toml: books: missing is not a folder"),
    ('books = "one"\n', "shelf.toml: books: must list the shelf's book folders"),
    ('books = [\n', "shelf.toml:1: Invalid value at the end of the file (TOML)"),
    (b'books = ["\xff"]\n', "shelf.toml: cannot read: not UTF-8 text"),
    ("books = " + "[" * 100_000 + "]" * 100_000 + "\n",
     "shelf.toml:1: lists or tables nested too deeply to read (TOML)"),
])
def test_a_bad_shelf_toml_is_one_line(tmp_path: Path, octavo, toml: str | bytes, message: str) -> None:  # type: ignore[no-untyped-def]
    shelf = tmp_path / "press"
    _book(tmp_path / "elsewhere", "Elsewhere")
    write_files(shelf, {"shelf.toml": toml})
    result = octavo("build", shelf)
    assert result.code == ConfigError.exit_code, result.err
    assert message in result.err and "Traceback" not in result.err
    assert not (tmp_path / "elsewhere" / "dist").exists()


def test_a_linked_book_outside_a_shelf_without_shelf_toml_is_refused(tmp_path: Path, octavo) -> None:  # type: ignore[no-untyped-def]
    # As shelf.toml naming it is: its dist/ and cache were written out there.
    shelf = tmp_path / "press"
    _book(shelf / "one", "One")
    _book(tmp_path / "elsewhere", "Elsewhere")
    (shelf / "two").symlink_to(tmp_path / "elsewhere")
    result = octavo("build", shelf)
    assert result.code == ConfigError.exit_code, result.err
    assert result.err.strip().splitlines() == [
        "error: two: a link to a book folder outside the shelf; a shelf builds the books inside it "
        "(list it in shelf.toml from inside, or move it in)"]
    assert not (tmp_path / "elsewhere" / "dist").exists() and not (shelf / "one" / "dist").exists()
    (shelf / "three").symlink_to(shelf / "one")  # a link to a book of the shelf: that book
    (shelf / "two").unlink()
    assert shelf_books(shelf) == [shelf / "one"]
    result = octavo("build", shelf, "-q")
    assert result.code == 0 and result.out.startswith("1 book(s): 1 built"), result.out


def test_a_book_folder_is_not_a_shelf(shelf: Path, tmp_path: Path, octavo) -> None:  # type: ignore[no-untyped-def]
    assert is_shelf(shelf) and not is_shelf(shelf / "alpha") and not is_shelf(tmp_path / "none")
    assert octavo("build", shelf, "--out", tmp_path / "out").code == UsageError.exit_code


def test_an_edition_asked_of_a_shelf_skips_the_books_without_it(shelf: Path, octavo) -> None:  # type: ignore[no-untyped-def]
    toml = (shelf / "beta" / "book.toml").read_text()
    (shelf / "beta" / "book.toml").write_text(toml + '[editions.large-print.book]\n'
                                              'subtitle = "Large Print"\n')
    result = octavo("build", shelf, "--edition", "large-print", "--format", "pdf")
    assert result.code == 0, result.err
    assert "skipped     alpha: no edition 'large-print'" in result.out
    assert (shelf / "beta" / "dist" / "beta-large-print.pdf").is_file()
    assert not (shelf / "alpha" / "dist").exists()
    assert "3 book(s): 1 built, 0 up to date, 0 failed, 2 without the edition" in result.out


def test_no_more_books_at_once_than_books_or_twice_the_cpus(shelf: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # --jobs was taken as asked: --jobs 300 on two CPUs was 300 processes at once.
    from octavo.backends.pdf import worker
    from octavo.shelves import shelf as shelving

    at_once: list[int] = []

    def counted(books, options, workers, pdf_jobs):  # type: ignore[no-untyped-def]
        at_once.append(workers)
        raise StopIteration  # no book built: the number was all this test wanted

    monkeypatch.setattr(shelving, "_build_locally", counted)
    for cpus in (64, 1):
        monkeypatch.setattr(worker, "cpu_count", lambda cpus=cpus: cpus)
        with pytest.raises(StopIteration):
            shelving.build_shelf(shelving.shelf_books(shelf), jobs=300)
    assert at_once == [3, 2]  # the three books; then twice the one CPU


def test_a_book_folder_named_with_control_characters_prints_one_line_each(  # type: ignore[no-untyped-def]
        tmp_path: Path, octavo) -> None:
    # The name was printed as it is: a line break made a forged "error:" line of its own, and
    # an escape sequence reached the terminal.
    shelf = tmp_path / "shelf"
    name = "evil\nerror: \x1b[31mforged"
    write_files(shelf / name, {"book.toml": '[book]\ntitle = "Evil"\nlanguage = 7\n',
                               "manuscript/01.md": "# One\n\nText.\n"})
    result = octavo("build", shelf, "--format", "epub")
    assert result.code == 1
    assert "\x1b" not in result.out + result.err
    assert [line for line in result.err.splitlines() if line.startswith("error:")] == [
        "error: evil\\nerror: \\x1b[31mforged: book.toml: [book] language: 7 is not a BCP 47 "
        'language tag such as "en" or "en-GB"']
