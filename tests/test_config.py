"""book.toml: validation collects every problem, names key, file and line."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import BASIC_TOML

from octavo.config import load_config, stable_identifier
from octavo.diagnostics import Diagnostics
from octavo.errors import ConfigError
from octavo.text import normalise_identifier


def write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "book.toml").write_text(text, encoding="utf-8")
    return tmp_path


def test_full_book_table_is_read(tmp_path: Path) -> None:
    root = write(tmp_path, """
[book]
title = "Night Train"
subtitle = "A Novel"
authors = ["A. Writer", "B. Writer"]
language = "en-GB"
identifier = "978-0-306-40615-7"
publisher = "Small Press"
date = 2024-05-01
description = "A journey."
subjects = ["Fiction"]
rights = "All rights reserved."
series = "Journeys"
series_index = 2

[build]
theme = "classic"
formats = ["epub"]
""")
    config = load_config(root, Diagnostics())
    assert config.book["identifier"] == "urn:isbn:9780306406157"
    assert config.book["authors"] == ("A. Writer", "B. Writer")
    assert config.book["date"] == "2024-05-01"
    assert config.book["series_index"] == 2
    assert config.build.formats == ("epub",)


def test_a_title_written_over_lines_reads_as_one_line(tmp_path: Path) -> None:
    # A multi-line TOML string or a stray tab reached the EPUB's metadata, the running heads
    # and the cover as written; the no-break space an author puts in a name stays.
    root = write(tmp_path, r'''
[book]
title = """The Long
   Title\tof It"""
subtitle = "One  and\nTwo"
authors = ["Mr.\u00a0Smith\n", "A.\u2028Writer"]
description = """First line.
Second line."""
''')
    book = load_config(root, Diagnostics()).book
    assert book["title"] == "The Long Title of It"
    assert book["subtitle"] == "One and Two"
    assert book["authors"] == ("Mr.\u00a0Smith", "A. Writer")
    assert book["description"] == "First line.\nSecond line."


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    root = write(tmp_path, """
[book]
title = 42
authors = "fine as one name"
language = "not a language!"
identifier = "isbn:978-0-306-40615-8"
series_index = "two"
cover = "missing.jpg"

[build]
formats = ["mobi"]
""")
    with pytest.raises(ConfigError) as info:
        load_config(root, Diagnostics())
    text = str(info.value)
    for key in ("title", "language", "identifier", "series_index", "cover", "formats"):
        assert key in text
    assert len(info.value.problems) == 6
    assert all(line.startswith(str(root / "book.toml")) or line.startswith("book.toml")
               for line in text.splitlines())


@pytest.mark.parametrize(("key", "value", "message"), [
    ("title", '"' + "Long " * 20_000 + '"', "[book] title: 100,000 characters: at most 1,000"),
    ("subtitle", '"' + "x" * 1001 + '"', "[book] subtitle: 1,001 characters: at most 1,000"),
    ("authors", "[" + ", ".join(f'"Author {n}"' for n in range(10_000)) + "]",
     "[book] authors: 10,000 names: a book's cover and title page hold at most 100"),
    ("authors", '["' + "A" * 5000 + '"]', "[book] authors: 5,000 characters: at most 1,000"),
])
def test_a_title_or_names_too_long_to_set_are_refused(tmp_path: Path, key: str, value: str,
                                                      message: str) -> None:
    # A 100 KB title built for six minutes into a 605-page PDF of one sentence.
    values = {"title": '"T"', "authors": '["A"]', "language": '"en"', key: value}
    root = write(tmp_path, "[book]\n" + "".join(f"{k} = {v}\n" for k, v in values.items()))
    with pytest.raises(ConfigError) as info:
        load_config(root, Diagnostics())
    assert len(info.value.problems) == 1 and message in info.value.problems[0].message


@pytest.mark.parametrize("toml", [True, False])
@pytest.mark.parametrize("folder", ["dist", "manuscript"])
def test_a_book_folder_that_is_a_symlink_loop_is_named(tmp_path: Path, folder: str,
                                                       toml: bool) -> None:
    # An internal error (RuntimeError: Symlink loop) before, with book.toml or without.
    if toml:
        write(tmp_path, BASIC_TOML)
    (tmp_path / folder).symlink_to(folder)
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path, Diagnostics())
    assert [p.render(tmp_path) for p in info.value.problems] == [f"{folder}: a symlink loop"]


def test_toml_syntax_error_names_the_line(tmp_path: Path) -> None:
    root = write(tmp_path, '[book]\ntitle = "ok"\nauthors = ["x"\nlanguage = "en"\n')
    with pytest.raises(ConfigError) as info:
        load_config(root, Diagnostics())
    assert "book.toml:4:" in str(info.value) or "book.toml:3:" in str(info.value)


def test_unknown_key_is_a_warning_with_a_suggestion(tmp_path: Path) -> None:
    root = write(tmp_path, '[book]\ntitle = "x"\nauthor = ["y"]\nlanguage = "en"\n')
    diagnostics = Diagnostics()
    load_config(root, diagnostics)
    assert any("'author'" in w and "did you mean 'authors'" in w for w in diagnostics.warnings)


def test_no_book_toml_gives_defaults(tmp_path: Path) -> None:
    config = load_config(tmp_path, Diagnostics())
    assert config.source is None and config.title is None
    assert config.build.manuscript == (tmp_path / "manuscript").resolve()


@pytest.mark.parametrize(("given", "expected"), [
    ("0-306-40615-2", "urn:isbn:0306406152"),
    ("ISBN:978 0 306 40615 7", "urn:isbn:9780306406157"),
    ("urn:uuid:1234", "urn:uuid:1234"),
    ("https://example.org/book", "https://example.org/book"),
])
def test_identifiers(given: str, expected: str) -> None:
    assert normalise_identifier(given) == expected


def test_bad_isbn_checksum_is_refused() -> None:
    with pytest.raises(ValueError, match="check digit"):
        normalise_identifier("978-0-306-40615-8")


def test_stable_identifier_is_stable_and_distinct() -> None:
    one = stable_identifier("Title", ("A",))
    assert one == stable_identifier("Title", ("A",))
    assert one != stable_identifier("Title", ("B",))
    assert one.startswith("urn:uuid:")


@pytest.mark.parametrize(("setting", "line"), [("", "Made with Octavo."),
                                               ('colophon = "Set in Literata by hand."\n',
                                                "Set in Literata by hand."),
                                               ("colophon = false\n", None)])
def test_the_colophon_line_is_a_setting(make_book, octavo, setting: str,  # type: ignore[no-untyped-def]
                                        line: str | None) -> None:
    import zipfile

    from books import page_texts

    root = make_book({"book.toml": BASIC_TOML.replace("[book]\n", f"[book]\n{setting}"),
                      "manuscript/01-one.md": "# One\n\nText one.\n"})
    result = octavo("build", root, "--format", "all")
    assert result.code == 0, result.err
    with zipfile.ZipFile(root / "dist" / "a-test-book.epub") as zf:
        epub = "".join(zf.read(n).decode() for n in zf.namelist() if n.endswith(".xhtml"))
    pdf = " ".join(page_texts(root / "dist" / "a-test-book.pdf"))
    for text in (epub, pdf):
        if line is None:
            assert "Made with Octavo" not in text and 'class="colophon"' not in text
        else:
            assert line in text


def test_a_colophon_of_two_lines_or_a_number_is_refused(make_book, octavo) -> None:  # type: ignore[no-untyped-def]
    for value in ('"""one\ntwo"""', "3"):
        root = make_book({"book.toml": BASIC_TOML.replace("[book]\n", f"[book]\ncolophon = {value}\n"),
                          "manuscript/01-one.md": "# One\n\nText.\n"}, name=f"b{len(value)}")
        result = octavo("build", root)
        assert result.code != 0 and "[book] colophon: must be one line of text" in result.err
