"""Ace by DAISY on Octavo's EPUBs: no violations in any built-in theme, on the sample and the
corpus novels; and `octavo check` runs it when it is installed and says so when it is not."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import CORPUS, REPO

from octavo.checks.ace import check_ace, read_report
from octavo.checks.findings import Report

ACE = REPO / "tests" / "ace" / "node_modules" / ".bin" / "ace-cli"
CHROMIUM = Path("/usr/bin/chromium")
THEMES = sorted(p.name for p in (REPO / "styles").iterdir() if (p / "theme.toml").is_file())
# What Ace may list as missing: a certifier's credential and report exist only for a book
# that an outside body has certified.
MAY_BE_MISSING = {"a11y:certifierCredential", "a11y:certifierReport"}


def missing(reason: str) -> None:
    """Skip with the reason; in CI (CI=true) fail instead, since .ci/run installs Ace."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason}; .ci/run installs it, so CI may not skip these tests")
    pytest.skip(reason)


@pytest.fixture
def ace(monkeypatch: pytest.MonkeyPatch) -> None:
    if not ACE.exists():
        missing("Ace by DAISY is not installed: npm ci --prefix tests/ace --ignore-scripts")
    if not CHROMIUM.exists():
        missing(f"{CHROMIUM} not found: apt-get install chromium")
    monkeypatch.setenv("OCTAVO_ACE", str(ACE))


def ace_verdict(epub: Path) -> tuple[str, list[str]]:
    """Ace's fact line and its findings, for an assertion message."""
    report = Report("book")
    check_ace(epub, report)
    fact = dict(report.facts)["ace"]
    return fact, [f"{f.where()}{f.message}" for f in report.findings]


def assert_passes(epub: Path) -> None:
    fact, findings = ace_verdict(epub)
    assert findings == [] and ": pass, 0 violation(s)" in fact, (fact, findings[:5])
    declared_missing = set(fact.partition("metadata not declared: ")[2].split(", ")) - {""}
    assert declared_missing <= MAY_BE_MISSING, fact


@pytest.mark.slow
@pytest.mark.parametrize("theme", THEMES)
def test_sample_passes_ace_in_every_theme(ace, theme: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from octavo.cli import main

    shutil.copy2(REPO / "book.toml", tmp_path / "book.toml")
    shutil.copytree(REPO / "manuscript", tmp_path / "manuscript")
    assert main(["build", str(tmp_path), "--theme", theme]) == 0
    assert_passes(tmp_path / "dist" / "the-quiet-press.epub")


@pytest.mark.slow
@pytest.mark.parametrize("name", ["jack-sheppard.txt", "katrine.txt"])
def test_corpus_novels_pass_ace_in_every_theme(ace, name: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from octavo.cli import main

    if not (CORPUS / name).exists():
        pytest.skip("needs ../shared/corpus")
    (tmp_path / "manuscript").mkdir()
    shutil.copy(CORPUS / name, tmp_path / "manuscript" / name)
    assert main(["build", str(tmp_path)]) == 0  # the print edition gives the page-list
    epub = next((tmp_path / "dist").glob("*.epub"))
    for theme in THEMES:
        assert main(["build", str(tmp_path), "--format", "epub", "--theme", theme]) == 0
        assert b'epub:type="page-list"' in _member(epub, "EPUB/nav.xhtml"), theme
        assert_passes(epub)


def _member(epub: Path, name: str) -> bytes:
    import zipfile

    with zipfile.ZipFile(epub) as zf:
        return zf.read(name)


def test_check_says_when_ace_is_not_installed(monkeypatch: pytest.MonkeyPatch,
                                              tmp_path: Path) -> None:
    monkeypatch.delenv("OCTAVO_ACE", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))  # no ace, no ace-cli
    report = Report("book")
    check_ace(tmp_path / "book.epub", report)
    assert report.findings == []
    assert dict(report.facts)["ace"].startswith("skipped: Ace by DAISY is not installed; "
                                                "install it with `npm install -g @daisy/ace-cli`")


@pytest.mark.parametrize(("named", "why"), [
    ('npx "ace', 'OCTAVO_ACE is not a command (no closing quotation): npx "ace'),
    ("/no/such/ace --x", "OCTAVO_ACE names /no/such/ace, which is not a program found here"),
], ids=["unclosed quote", "no such program"])
def test_an_ace_named_wrong_is_said_so(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                       named: str, why: str) -> None:
    """An unclosed quotation mark in OCTAVO_ACE was an internal error; a program not found
    was "not installed ... or name it in OCTAVO_ACE", to someone who had named it."""
    monkeypatch.setenv("OCTAVO_ACE", named)
    report = Report("book")
    check_ace(tmp_path / "book.epub", report)
    assert report.findings == []
    assert report.facts == [("ace", f"skipped: {why}")]


def test_ace_violations_become_findings() -> None:
    data = {
        "earl:assertedBy": {"doap:release": {"doap:revision": "1.4.6"}},
        "earl:result": {"earl:outcome": "fail"},
        "a11y-metadata": {"missing": ["schema:accessMode"]},
        "assertions": [{"earl:testSubject": {"url": "ch001.xhtml"}, "assertions": [
            {"earl:test": {"dct:title": "image-alt", "earl:impact": "critical"},
             "earl:result": {"dct:description": "Images must have alternate text"}},
            {"earl:test": {"dct:title": "epub-type-has-matching-role", "earl:impact": "moderate"},
             "earl:result": {"dct:description": "ARIA role should be used"}},
        ]}],
    }
    report = Report("book")
    read_report(data, report)
    assert [(f.level, f.file, f.message) for f in report.findings] == [
        ("error", "ch001.xhtml", "image-alt: Images must have alternate text (critical)"),
        ("warning", "ch001.xhtml",
         "epub-type-has-matching-role: ARIA role should be used (moderate)"),
    ]
    assert report.facts == [("ace", "Ace 1.4.6: fail, 2 violation(s); metadata not declared: "
                                    "schema:accessMode")]


def test_an_ace_description_of_many_lines_is_one_finding_line() -> None:
    """axe gives each reason a rule failed a line of its own: the finding stays one line."""
    data = {"assertions": [{"earl:testSubject": {"url": "ch001.xhtml"}, "assertions": [
        {"earl:test": {"dct:title": "link-name", "earl:impact": "serious"},
         "earl:result": {"dct:description": "Element is in tab order and does not have "
                                            "accessible text\n\nElement has no title attribute"}},
    ]}]}
    report = Report("book")
    read_report(data, report)
    assert [f.message for f in report.findings] == [
        "link-name: Element is in tab order and does not have accessible text; "
        "Element has no title attribute (serious)"]
    assert len(report.to_text().splitlines()) == 4
