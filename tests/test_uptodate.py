"""No-op rebuilds: nothing changed, nothing touched; any change to an input builds again."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import BASIC_TOML

from octavo.cli import main
from octavo.uptodate import KeptFiles

TOML = BASIC_TOML.replace('["epub"]', '["epub", "pdf"]')


def mtimes(root: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in (root / "dist").iterdir()}


@pytest.fixture
def built(make_book, octavo) -> Path:  # type: ignore[no-untyped-def]
    root = make_book({"book.toml": TOML, "manuscript/01-one.md": "# One\n\nText one.\n",
                      "manuscript/02-two.md": "# Two\n\nText two.\n"})
    result = octavo("build", root)
    assert result.code == 0, result.err
    return root


def test_nothing_changed_touches_nothing(built: Path, octavo) -> None:  # type: ignore[no-untyped-def]
    before = mtimes(built)
    result = octavo("build", built)
    assert result.code == 0 and "up to date" in result.out
    assert mtimes(built) == before
    # Quick by construction, not by a clock: the no-op loads none of the heavy libraries.
    probe = ("import sys; from octavo.cli import main; code = main(['build', sys.argv[1]]); "
             "print(code, sorted(m for m in ('ebooklib', 'weasyprint', 'markdown_it', 'lxml', "
             "'jinja2', 'PIL') if m in sys.modules))")
    run = subprocess.run([sys.executable, "-c", probe, str(built)], capture_output=True, text=True,
                         env={**os.environ, "SOURCE_DATE_EPOCH": "1767225600"}, timeout=120)
    assert run.stdout.splitlines()[-1] == "0 []", run.stdout + run.stderr


@pytest.mark.parametrize("change", ["edit", "new chapter", "book.toml", "theme", "output gone",
                                    "output touched", "another format", "another theme"])
def test_any_change_builds_again(built: Path, octavo, change: str) -> None:  # type: ignore[no-untyped-def]
    args: list[str | Path] = ["build", built]
    if change == "edit":
        (built / "manuscript" / "02-two.md").write_text("# Two\n\nText two, edited.\n")
    elif change == "new chapter":
        (built / "manuscript" / "03-three.md").write_text("# Three\n\nText three.\n")
    elif change == "book.toml":
        (built / "book.toml").write_text(TOML.replace("A Test Book", "A Test Book") + "\n# x\n")
    elif change == "theme":
        (built / "styles" / "classic").mkdir(parents=True)
        (built / "styles" / "classic" / "extra-epub.css").write_text("p { margin: 0; }\n")
    elif change == "output gone":
        (built / "dist" / "a-test-book.epub").unlink()
    elif change == "output touched":
        os.utime(built / "dist" / "a-test-book.pdf", (1, 1))
    elif change == "another format":
        args += ["--format", "epub"]
    elif change == "another theme":
        args += ["--theme", "modern"]
    result = octavo(*args)
    assert result.code == 0, result.err
    assert "up to date" not in result.out and "wrote" in result.out


def test_no_op_repeats_warnings_and_strict_still_fails(make_book, octavo) -> None:  # type: ignore[no-untyped-def]
    root = make_book({"book.toml": TOML, "manuscript/01-one.md": "# One\n\nText -- one.\n\n"
                      "<script>x</script>\n"})
    first = octavo("build", root)
    assert first.code == 0 and "warning" in first.err
    again = octavo("build", root, "--strict")
    assert "up to date" in again.out and again.err.count("warning") >= 1
    assert again.code == 7


def test_progress_is_quiet_off_a_terminal_and_with_quiet(make_book, octavo, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from books import multi_chapter_book

    monkeypatch.setattr("octavo.backends.pdf.chunks.CHUNK_CHARS", 4000)
    root = multi_chapter_book(make_book, "classic")
    result = octavo("build", root, "--jobs", "1")  # captured: not a terminal
    assert result.code == 0 and "chapters" not in result.err and "\r" not in result.err

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    for quiet in (False, True):
        terminal = Terminal()
        monkeypatch.setattr(sys, "stderr", terminal)
        (root / "manuscript" / "03-chapter.md").write_text(f"# Changed\n\nNow {quiet}.\n")
        args = ["build", str(root), "--jobs", "1"] + (["--quiet"] if quiet else [])
        assert main(args) == 0
        shown = terminal.getvalue()
        if quiet:
            assert shown == ""
        else:
            assert "chapters" in shown and "pages" in shown


def test_the_caches_secret_is_kept_for_this_user_alone(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import stat

    from octavo import uptodate

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(uptodate, "_secret", None)
    first = uptodate.local_secret()
    kept = tmp_path / "cache" / "octavo" / uptodate.SECRET_NAME
    assert kept.read_bytes() == first and len(first) == 32
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    monkeypatch.setattr(uptodate, "_secret", None)
    assert uptodate.local_secret() == first  # the next build's, the same
    assert list(kept.parent.iterdir()) == [kept]  # no scratch file left
    # Where it cannot be kept: a new one each process (the caches then never hit).
    monkeypatch.setenv("XDG_CACHE_HOME", str(kept))  # a file, not a folder
    monkeypatch.setattr(uptodate, "_secret", None)
    one = uptodate.local_secret()
    monkeypatch.setattr(uptodate, "_secret", None)
    assert one != uptodate.local_secret() and first not in (one,)


def test_a_chunk_cached_with_another_secret_is_not_found(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from octavo import uptodate
    from octavo.backends.pdf.cache import chunk_key

    ours = chunk_key("html", "css")
    monkeypatch.setattr(uptodate, "_secret", b"someone else's" * 3)
    assert chunk_key("html", "css") != ours


def test_a_damaged_secret_is_made_anew_and_none_is_kept_in_a_relative_folder(
        tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from octavo import uptodate

    kept = tmp_path / "cache" / "octavo" / uptodate.SECRET_NAME
    kept.parent.mkdir(parents=True)
    kept.write_bytes(b"")  # a crash while it was written
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(uptodate, "_secret", None)
    made = uptodate.local_secret()
    assert kept.read_bytes() == made and len(made) == 32
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CACHE_HOME", "relative")  # would land in the book folder run from
    monkeypatch.setattr(uptodate, "_secret", None)
    assert len(uptodate.local_secret()) == 32 and not (tmp_path / "relative").exists()


def test_a_chunk_cache_that_links_out_of_the_book_is_not_pruned(tmp_path: Path) -> None:
    from octavo.backends.pdf.cache import ChunkCache

    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "precious.pdf").write_bytes(b"%PDF")
    os.utime(outside / "precious.pdf", (0, 0))  # old enough to be pruned
    cache = tmp_path / "book" / ".octavo-cache"
    cache.mkdir(parents=True)
    (cache / "pdf").symlink_to(outside, target_is_directory=True)
    chunks = ChunkCache(cache)
    assert chunks.folder is None
    chunks.prune()
    assert (outside / "precious.pdf").exists()


def test_a_file_is_given_back_with_its_facts_and_a_tampered_one_is_dropped(tmp_path: Path) -> None:
    kept = KeptFiles(tmp_path, "things", ".bin", keep=2)
    kept.put("a", b"alpha", {"note": "first"})
    found = kept.get("a")
    assert found is not None and found[0] == b"alpha" and found[1]["note"] == "first"
    (tmp_path / "things" / "a.bin").write_bytes(b"forged")  # the facts no longer agree
    assert kept.get("a") is None
    assert list((tmp_path / "things").iterdir()) == []


def test_only_the_most_recently_used_are_kept(tmp_path: Path) -> None:
    kept = KeptFiles(tmp_path, "things", ".bin", keep=2)
    for age, key in enumerate(("old", "older", "oldest")):
        kept.put(key, key.encode())
        for path in (tmp_path / "things").glob(f"{key}.*"):
            os.utime(path, (1000 - age, 1000 - age))
    kept.put("new", b"new")
    assert sorted(p.name for p in (tmp_path / "things").glob("*.bin")) == ["new.bin", "old.bin"]
    assert json.loads((tmp_path / "things" / "new.json").read_text())["sha256"]


def test_a_folder_that_links_out_of_the_cache_is_not_used(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / "things").symlink_to(outside, target_is_directory=True)
    kept = KeptFiles(tmp_path / "cache", "things", ".bin", keep=1)
    kept.put("a", b"alpha")
    assert kept.get("a") is None and list(outside.iterdir()) == []


def test_a_cache_file_that_links_out_is_replaced_never_written_through(tmp_path: Path) -> None:
    from octavo.uptodate import read_cached, write_atomically

    victim = tmp_path / "victim.json"
    victim.write_text("VICTIM")
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "record.json").symlink_to(victim)
    with pytest.raises(OSError):  # a link is not read either
        read_cached(cache / "record.json")
    # Where the dot-file goes, a link left there is not written through either.
    (cache / f".record.json.{os.getpid()}.partial").symlink_to(tmp_path / "planted")
    write_atomically(cache / "record.json", b"{}")
    assert victim.read_text() == "VICTIM" and not (tmp_path / "planted").exists()
    assert not (cache / "record.json").is_symlink() and read_cached(cache / "record.json") == b"{}"
    assert sorted(p.name for p in cache.iterdir()) == ["record.json"]


def test_changed_outputs_compares_what_the_build_wrote(make_book, octavo) -> None:  # type: ignore[no-untyped-def]
    from octavo.uptodate import changed_outputs

    root = make_book({"book.toml": BASIC_TOML, "manuscript/01-one.md": "# One\n\nText one.\n"})
    assert octavo("build", root).code == 0
    epub, other = root / "dist" / "a-test-book.epub", root / "dist" / "notes.txt"
    other.write_text("not written by the build")
    assert changed_outputs(root, [epub, other]) == []  # a file the build did not write: not judged
    os.utime(epub, (1, 1))
    assert changed_outputs(root, [epub]) == []  # touched, but the same bytes
    data = epub.read_bytes()
    epub.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))  # the same size, one bit changed
    assert changed_outputs(root, [epub]) == [epub]
    epub.unlink()
    assert changed_outputs(root, [epub]) == [epub]


def test_a_stamp_written_on_another_machine_never_holds(make_book, octavo, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # A book folder someone sends: their stamp matches here (the same Octavo, the same path),
    # and their dist/ file is not what the manuscript builds, yet of the size and time the
    # stamp records. It must be built, not kept as "up to date".
    from octavo import uptodate

    root = make_book({"book.toml": BASIC_TOML, "manuscript/01-one.md": "# One\n\nText one.\n"})
    ours = uptodate.local_secret()
    monkeypatch.setattr(uptodate, "_secret", b"the sender's own secret, not ours")
    assert octavo("build", root).code == 0
    epub = root / "dist" / "a-test-book.epub"
    info, data = epub.stat(), epub.read_bytes()
    planted = data[:-1] + bytes([data[-1] ^ 1])
    epub.write_bytes(planted)
    os.utime(epub, ns=(info.st_atime_ns, info.st_mtime_ns))
    monkeypatch.setattr(uptodate, "_secret", ours)
    result = octavo("build", root)
    assert result.code == 0 and "up to date" not in result.out and "wrote" in result.out
    assert epub.read_bytes() != planted
    assert "up to date" in octavo("build", root).out  # our own stamp holds
    # Ours, but altered (here: where the outputs go): not taken either.
    stamp_file = root / uptodate.CACHE_DIR / uptodate.STAMP
    stamp = json.loads(stamp_file.read_text())
    stamp["outputs"] = {str(root / "elsewhere.epub"): [1, 1, "0" * 64]}
    stamp_file.write_text(json.dumps(stamp))
    assert uptodate.read_stamp(root) is None
