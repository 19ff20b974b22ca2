"""The check's report: one line per finding as text, valid UTF-8 JSON, whatever a name holds."""

from __future__ import annotations

import json

from octavo.checks.findings import Finding, Report


def odd_report() -> Report:
    """Findings in files named with a line break, a quotation mark, a control character, an
    escape sequence and a byte that is not UTF-8 (as os.listdir gives it: a lone surrogate)."""
    report = Report('Title "q"')
    report.facts.append(("build", "built again: dist/a\nb.epub was not what the build wrote"))
    report.findings += [
        Finding("warning", "typography", "double space: “a  b”", 'manuscript/01-a"b\nc.md', 3),
        Finding("warning", "typography", "double space: “c  d”",
                "manuscript/02-\udcff\x01.md", 3),
        Finding("error", "words", "lost: \x1b[31mred", "manuscript/03.md"),
    ]
    return report


def test_every_finding_is_one_line_of_text_with_no_control_characters() -> None:
    text = odd_report().to_text()
    lines = text.splitlines()
    assert len(lines) == 6
    assert lines[2] == 'warning: manuscript/01-a"b\\nc.md:3: double space: “a  b”'
    assert lines[3] == "warning: manuscript/02-\\udcff\\x01.md:3: double space: “c  d”"
    assert lines[4] == "error: manuscript/03.md: lost: \\x1b[31mred"
    assert not any(c in text for c in "\x1b\x01\udcff")


def test_the_json_report_is_utf8_any_json_reader_takes_and_keeps_each_name() -> None:
    report = odd_report()
    out = report.to_json().encode("utf-8")  # a lone surrogate could not be encoded: no JSON
    data = json.loads(out)
    assert [f["file"] for f in data["findings"]] == [f.file for f in report.findings]
    assert data["book"] == 'Title "q"' and data["errors"] == 1 and data["warnings"] == 2
