"""The command line: exit codes and one-line messages for bad input; no tracebacks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import BASIC_TOML, Result

import octavo
from octavo.cli import main

CHAPTER = "# One\n\nSome text.\n"
SOURCE = Path(octavo.__file__).resolve().parents[1]  # a PYTHONPATH that needs no current folder


def assert_one_line_error(result: Result, code: int, expected: str) -> None:
    assert result.code == code, result.err
    errors = [line for line in result.err.splitlines() if line.startswith("error:")]
    assert errors == [f"error: {expected}"], result.err
    assert "Traceback" not in result.err


def test_help_and_version(capsys: pytest.CaptureFixture[str]) -> None:
    from octavo import __version__

    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0 and capsys.readouterr().out == f"octavo {__version__}\n"
    with pytest.raises(SystemExit) as info:
        main(["--help"])
    out = capsys.readouterr().out
    assert info.value.code == 0
    for command in ("build", "check", "proof", "watch", "init", "themes", "theme"):
        assert f"    {command} " in out, command
    with pytest.raises(SystemExit) as info:
        main(["build", "--help"])
    out = capsys.readouterr().out
    assert info.value.code == 0 and "{epub,pdf,all}" in out and "BOOK_DIR" in out
    assert main([]) == 0 and "usage: octavo" in capsys.readouterr().out


def test_missing_manuscript_folder(make_book, octavo) -> None:  # type: ignore[no-untyped-def]
    root = make_book({"book.toml": BASIC_TOML})
    (root / "manuscript").rmdir()
    result = octavo("build", root)
    assert_one_line_error(result, 4,
                          "manuscript: manuscript folder not found; put your chapters there")


@pytest.mark.parametrize("toml", ['manuscript = "novel.md"\n', ""])
def test_a_manuscript_that_is_a_file(make_book, octavo, toml: str) -> None:  # type: ignore[no-untyped-def]
    # "novel.md: manuscript folder not found" of a file that was there.
    root = make_book({"book.toml": BASIC_TOML + toml, "novel.md": CHAPTER})
    (root / "manuscript").rmdir()
    if not toml:
        (root / "manuscript").write_text(CHAPTER)
    result = octavo("build", root)
    assert_one_line_error(result, 4, f"{'novel.md' if toml else 'manuscript'}: is a file, not the "
                          "manuscript folder: put it in a folder and name that ([build] "
                          "manuscript, or manuscript/)")


def test_empty_manuscript(make_book, octavo) -> None:  # type: ignore[no-untyped-def]
    root = make_book({"book.toml": BASIC_TOML})
    result = octavo("build", root)
    assert_one_line_error(result, 4, "manuscript: no chapters found: add .md, .txt or .docx files")


def test_a_draft_chapter_warns_naming_file_and_line(make_book, octavo) -> None:  # type: ignore[no-untyped-def]
    root = make_book({"book.toml": BASIC_TOML, "manuscript/01.md": CHAPTER,
                      "manuscript/02.md": "\n\n# Two\n"})
    result = octavo("build", root)
    assert result.code == 0, result.err
    assert "warning: manuscript/02.md:3: chapter 'Two' has only its heading (a draft)" in result.err
    strict = octavo("build", root, "--strict")
    assert_one_line_error(strict, 7, "1 warning(s) and --strict is on")


def test_empty_file(make_book, octavo) -> None:  # type: ignore[no-untyped-def]
    root = make_book({"book.toml": BASIC_TOML, "manuscript/01.txt": "  \n"})
    result = octavo("build", root)
    assert_one_line_error(result, 4, "manuscript/01.txt: empty chapter: the file has no text")


def test_invalid_toml_names_the_line(make_book, octavo) -> None:  # type: ignore[no-untyped-def]
    root = make_book({"book.toml": '[book]\ntitle = "A"\nauthors = [\n', "manuscript/1.md": CHAPTER})
    result = octavo("build", root)
    assert result.code == 3 and "Traceback" not in result.err
    assert "book.toml:3: " in result.err and "(TOML)" in result.err


def test_missing_cover(make_book, octavo) -> None:  # type: ignore[no-untyped-def]
    root = make_book({"book.toml": BASIC_TOML.replace('language = "en"',
                                                       'language = "en"\ncover = "cover.jpg"'),
                      "manuscript/1.md": CHAPTER})
    result = octavo("build", root)
    assert result.code == 3
    assert "book.toml: [book] cover: cover.jpg does not exist" in result.err


def test_missing_image(make_book, octavo) -> None:  # type: ignore[no-untyped-def]
    root = make_book({"book.toml": BASIC_TOML,
                      "manuscript/1.md": "# One\n\nText.\n\n![Map](map.png)\n"})
    result = octavo("build", root)
    assert_one_line_error(result, 4, "manuscript/1.md:5: image map.png not found")


def test_unreadable_files(make_book, octavo) -> None:  # type: ignore[no-untyped-def]
    root = make_book({"book.toml": BASIC_TOML, "manuscript/1.md": CHAPTER})
    (root / "manuscript" / "2.md").symlink_to(root / "nowhere.md")
    result = octavo("build", root)
    assert_one_line_error(result, 4, "manuscript/2.md: not found (a link to nothing)")
    (root / "manuscript" / "2.md").unlink()
    (root / "manuscript" / "2.md").write_bytes(b"\x00\x01binary")
    result = octavo("build", root)
    assert_one_line_error(result, 4, "manuscript/2.md: not a text file (it holds binary data)")


@pytest.mark.parametrize("command", ["build", "check", "themes", "proof", "watch"])
def test_a_book_folder_that_is_a_symlink_loop(tmp_path: Path, octavo, command: str) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    result = octavo(command, tmp_path / "a")
    assert_one_line_error(result, 1, f"{tmp_path / 'a'}: book folder not found (a symlink loop)")


def test_debug_shows_the_traceback(make_book, octavo) -> None:  # type: ignore[no-untyped-def]
    root = make_book({"book.toml": BASIC_TOML})
    result = octavo("build", root, "--debug")
    assert result.code == 4 and "Traceback" in result.err


def test_failed_build_keeps_the_last_good_file(make_book, octavo) -> None:  # type: ignore[no-untyped-def]
    root = make_book({"book.toml": BASIC_TOML, "manuscript/1.md": CHAPTER})
    assert octavo("build", root).code == 0
    epub = root / "dist" / "a-test-book.epub"
    before = epub.read_bytes()
    manuscript_before = sorted(p.name for p in (root / "manuscript").iterdir())
    (root / "manuscript" / "2.md").write_text("\n", encoding="utf-8")  # an empty file
    assert octavo("build", root).code == 4
    assert epub.read_bytes() == before
    assert sorted(p.name for p in (root / "dist").iterdir()) == ["a-test-book.epub"]
    assert sorted(p.name for p in (root / "manuscript").iterdir()) == manuscript_before + ["2.md"]


def test_failed_write_leaves_no_partial_file(make_book, octavo, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    root = make_book({"book.toml": BASIC_TOML, "manuscript/1.md": CHAPTER})
    from ebooklib import epub

    def explode(*args: object, **kwargs: object) -> None:
        Path(str(args[0])).write_bytes(b"PK half")
        raise OSError("disk full")

    monkeypatch.setattr(epub, "write_epub", explode)
    result = octavo("build", root)
    assert result.code == 6 and "disk full" in result.err
    assert list((root / "dist").iterdir()) == []


def test_no_book_toml_builds_and_says_so(make_book, octavo) -> None:  # type: ignore[no-untyped-def]
    root = make_book({"manuscript/1.md": "# The Long Night\n\nText.\n"})
    result = octavo("build", root, "--format", "epub")
    assert result.code == 0, result.err
    assert "no book.toml: title 'The Long Night' taken from the manuscript" in result.out
    assert (root / "dist" / "the-long-night.epub").is_file()


def test_python_dash_m_runs(make_book) -> None:  # type: ignore[no-untyped-def]
    root = make_book({"book.toml": BASIC_TOML, "manuscript/1.md": CHAPTER})
    env = {**os.environ, "SOURCE_DATE_EPOCH": "0"}
    done = subprocess.run([sys.executable, "-m", "octavo", "build", str(root), "--out",
                           str(root / "out")], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert "wrote " in done.stdout and (root / "out" / "a-test-book.epub").is_file()


def test_the_command_exits_quickly_yet_fully(make_book) -> None:  # type: ignore[no-untyped-def]
    """`run` ends the process without freeing its objects: the exit code, the flushed output
    and the exit handlers (temporary folders, child processes) must all still be there."""
    root = make_book({"book.toml": BASIC_TOML, "manuscript/1.md": CHAPTER})
    probe = ("import atexit, sys; from octavo.cli import run; "
             "atexit.register(lambda: print('handlers ran')); sys.argv[1:] = sys.argv[2:]; run()")
    env = {**os.environ, "SOURCE_DATE_EPOCH": "0"}
    env.pop("PYTHONUNBUFFERED", None)  # output to a pipe is buffered, as a user's is
    done = subprocess.run([sys.executable, "-c", probe, "--", "build", str(root), "--format",
                           "epub"], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert "wrote " in done.stdout and done.stdout.rstrip().endswith("handlers ran")
    failed = subprocess.run([sys.executable, "-m", "octavo", "build", str(root / "nowhere")],
                            capture_output=True, text=True, env=env)
    assert failed.returncode == 1 and failed.stderr.startswith("error: "), failed.stderr
    closed = subprocess.run(  # started with no standard output at all: Python's is None
        f'exec 1>&-; "{sys.executable}" -m octavo build "{root}" --format epub',
        shell=True, capture_output=True, text=True, env=env, executable="/bin/sh")
    assert closed.returncode == 0 and "Traceback" not in closed.stderr, closed.stderr


def test_a_reader_that_leaves_the_pipe_is_no_internal_error(make_book) -> None:  # type: ignore[no-untyped-def]
    # `octavo themes | head -1`, `octavo build | head -1`: "error: internal error:
    # BrokenPipeError" once head had left, as if Octavo had failed.
    root = make_book({"book.toml": BASIC_TOML, "manuscript/1.md": CHAPTER})
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}  # each line written as it is printed
    reader, writer = os.pipe()
    os.close(reader)  # the reader has left before the first line is written
    try:
        done = subprocess.run([sys.executable, "-m", "octavo", "themes", str(root)],
                              stdout=writer, stderr=subprocess.PIPE, text=True, env=env)
    finally:
        os.close(writer)
    assert (done.returncode, done.stderr) == (141, "")


def test_a_current_folder_that_was_deleted_is_said_so(make_book, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # With the shell's folder deleted, `octavo build /abs/book` ended in "EbookLib could not
    # write the EPUB: No such file or directory" and `octavo init` in an internal error.
    root = make_book({"book.toml": BASIC_TOML, "manuscript/1.md": CHAPTER})
    gone = tmp_path / "gone"
    gone.mkdir()
    done = subprocess.run(f'cd "{gone}" && rmdir "{gone}" && "{sys.executable}" -m octavo build '
                          f'"{root}" --format epub', shell=True, capture_output=True, text=True,
                          executable="/bin/sh", env={**os.environ, "SOURCE_DATE_EPOCH": "0",
                                                     "PYTHONPATH": str(SOURCE)})
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert done.returncode == 2 and errors == [
        "error: the current folder no longer exists (it was deleted or moved); cd into one that "
        "does"], done.stderr
    assert not (root / "dist").exists()


def test_jobs_beyond_twice_the_cpus_are_lowered_with_a_note(make_book, octavo,  # type: ignore[no-untyped-def]
                                                             monkeypatch) -> None:
    # --jobs 300 on two CPUs started 300 PDF workers: 11 GB, and no PDF after 200 s.
    from octavo.backends.pdf import worker

    monkeypatch.setattr(worker, "cpu_count", lambda: 2)
    assert worker.worker_count(300) == 4 and worker.worker_count(3) == 3
    root = make_book({"book.toml": BASIC_TOML, "manuscript/01.md": "# One\n\nText.\n"})
    result = octavo("build", root, "--jobs", "300")
    assert result.code == 0, result.err
    assert "--jobs 300 lowered to 4, twice the 2 CPUs here: more processes would only share " \
           "them" in result.out.splitlines()


@pytest.mark.parametrize("name", ["../../../outside", "big/../big", "Big"])
def test_an_edition_name_that_is_a_path_is_refused(make_book, capsys,  # type: ignore[no-untyped-def]
                                                   name: str) -> None:
    # "../../../outside" named a cache folder outside the book: the build said "refused: a
    # link to a folder outside the book folder; delete it" of the author's own folder there.
    root = make_book({"book.toml": BASIC_TOML + '\n[editions.big.print]\ntrim = "6x9"\n',
                      "manuscript/1.md": CHAPTER})
    (root / ".octavo-cache" / "editions").mkdir(parents=True)
    (root.parent / "outside").mkdir()
    with pytest.raises(SystemExit) as info:
        main(["build", str(root), "--format", "epub", "--edition", name])
    err = capsys.readouterr().err
    assert info.value.code == 2 and f"argument --edition: {name!r} is not an edition name" in err
    assert "delete it" not in err
