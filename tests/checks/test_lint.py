"""The typography lint: each rule finds its problem at the right file and line, and only there."""

from __future__ import annotations

from pathlib import Path

from octavo.checks.lint import lint_files

CLEAN = """\
# A Clean Chapter

“Quoted,” she said. It’s fine — really — and so is this.

“A speech that runs on

“into a second paragraph,” he said.
"""

DIRTY = """\
# A Dirty Chapter

Two  spaces here.

A space before a comma , and a stop .

She said “hello and never closed it.

Then “one” and ”two”.

## Empty Section

## Next Section

Text with `code "quoted" -- here` is not linted.
"""


def lint(tmp_path: Path, **files: str) -> list[str]:
    paths = []
    for name, text in files.items():
        path = tmp_path / f"{name}.md"
        path.write_text(text, encoding="utf-8")
        paths.append((path, path.name))
    return [f"{f.where()}{f.message}" for f in lint_files(paths)]


def test_clean_text_has_no_findings(tmp_path: Path) -> None:
    assert lint(tmp_path, clean=CLEAN) == []


def test_each_rule_names_its_line(tmp_path: Path) -> None:
    found = lint(tmp_path, dirty=DIRTY)
    assert found == [
        "dirty.md:11: heading with nothing under it: add text or remove the heading",
        "dirty.md:3: double space: “Two  spaces here.”",
        "dirty.md:5: space before punctuation: “A space before a comma , and a stop .”",
        "dirty.md:7: unbalanced quotes: 1 opening, 0 closing",
        "dirty.md:9: unbalanced quotes: 1 opening, 3 closing",
    ]


def test_plain_text_is_linted_as_the_book_sets_it(tmp_path: Path) -> None:
    # The book curls the straight quotes, so only the quote that never closes is a finding.
    path = tmp_path / "old.txt"
    path.write_text('He said "yes" and left--quickly.\n\nShe said "no.\n\nThe end -- or not.\n',
                    encoding="utf-8")
    found = [f"{f.where()}{f.message}" for f in lint_files([(path, "old.txt")])]
    assert found == [
        "old.txt:3: unbalanced quotes: 1 opening, 0 closing",
        "old.txt:1: inconsistent dash styles: 1 closed em dash (—) beside 1 spaced em dash ( — )",
    ]


def test_mixed_dash_styles_across_files_name_the_rarer_style(tmp_path: Path) -> None:
    found = lint(tmp_path, a="# A\n\nOne – two – three.\n", b="# B\n\nFour — five — six — seven.\n")
    assert found == ["a.md:3: inconsistent dash styles: 2 spaced en dash ( – ) beside "
                     "3 spaced em dash ( — )"]


def test_french_keeps_its_space_before_colons(tmp_path: Path) -> None:
    path = tmp_path / "fr.md"
    path.write_text("# Un\n\nIl dit : « oui » ; puis ?\n", encoding="utf-8")
    assert lint_files([(path, "fr.md")], language="fr") == []
    assert lint_files([(path, "fr.md")], language="en") != []
