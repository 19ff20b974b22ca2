"""Ace by DAISY, the accessibility checker stores use, run on the EPUB when it is installed.

Ace is a Node program (`npm install -g @daisy/ace-cli`, run with a Chromium it drives through
Puppeteer). It is looked for as OCTAVO_ACE, then `ace` and `ace-cli` on the PATH; without it
the check says it was skipped and how to install it.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import tempfile
from pathlib import Path

from octavo.checks.findings import Finding, Report
from octavo.errors import one_line

TIMEOUT = 900  # seconds: a long novel takes Ace about a minute
CHROMIUMS = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
# Ace's impacts: serious and critical ones fail the book, as they fail it in Ace.
ERRORS = ("critical", "serious")
INSTALL = ("install it with `npm install -g @daisy/ace-cli` (needs Node.js and Chromium) or "
           "name it in OCTAVO_ACE")


def ace_command() -> list[str] | str:
    """The command that runs Ace here, or why there is none (a sentence)."""
    named = os.environ.get("OCTAVO_ACE", "")
    try:
        command = shlex.split(named)  # "npx ace" is a command too
    except ValueError as exc:  # an unclosed quotation mark
        return f"OCTAVO_ACE is not a command ({str(exc).lower()}): {one_line(named)}"
    if command:
        return command if shutil.which(command[0]) else \
            f"OCTAVO_ACE names {one_line(command[0])}, which is not a program found here"
    found = shutil.which("ace") or shutil.which("ace-cli")
    return [found] if found else f"Ace by DAISY is not installed; {INSTALL}"


def check_ace(epub: Path, report: Report) -> None:
    """Run Ace on `epub`; its violations become findings, its verdict a fact."""
    command = ace_command()
    if isinstance(command, str):
        report.facts.append(("ace", f"skipped: {command}"))
        return
    environment = dict(os.environ)
    if "PUPPETEER_EXECUTABLE_PATH" not in environment:  # Puppeteer's own browser is optional
        chromium = next((c for c in CHROMIUMS if Path(c).is_file()), None)
        if chromium:
            environment["PUPPETEER_EXECUTABLE_PATH"] = chromium
    with tempfile.TemporaryDirectory(prefix="octavo-ace-") as scratch:
        try:
            run = subprocess.run([*command, "--silent", "--force", "--outdir", scratch,
                                  str(epub)], capture_output=True, text=True,
                                 timeout=TIMEOUT, env=environment, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            report.findings.append(Finding("error", "ace", f"Ace could not run: {exc}"))
            return
        try:
            data = json.loads((Path(scratch) / "report.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            last = (run.stderr or run.stdout).strip().splitlines()[-1:] or ["no report"]
            report.findings.append(Finding("error", "ace", f"Ace failed: {last[0][:300]}"))
            return
    read_report(data, report)


def read_report(data: dict, report: Report) -> None:
    """Findings and a fact from Ace's report.json."""
    violations = 0
    for document in data.get("assertions") or ():
        where = (document.get("earl:testSubject") or {}).get("url")
        for assertion in document.get("assertions") or ():
            test = assertion.get("earl:test") or {}
            impact = str(test.get("earl:impact", "moderate"))
            title = str(test.get("dct:title", "rule"))
            description = description_line(str((assertion.get("earl:result") or {}).get(
                "dct:description", "")))
            violations += 1
            report.findings.append(Finding("error" if impact in ERRORS else "warning", "ace",
                                           f"{title}: {description} ({impact})".strip(),
                                           where))
    outcome = (data.get("earl:result") or {}).get("earl:outcome", "unknown")
    missing = (data.get("a11y-metadata") or {}).get("missing") or []
    version = ((data.get("earl:assertedBy") or {}).get("doap:release") or {}).get(
        "doap:revision", "")
    fact = f"Ace {version}: {outcome}, {violations} violation(s)".replace("Ace :", "Ace:")
    if missing:
        fact += f"; metadata not declared: {', '.join(missing)}"
    report.facts.append(("ace", fact))


def description_line(description: str) -> str:
    """Ace's description on one line: axe lists each reason a rule failed on a line of its
    own ("Element does not have text...\naria-label attribute does not exist..."), which
    would break the report's one line per finding."""
    return "; ".join(line.strip() for line in description.splitlines() if line.strip())
