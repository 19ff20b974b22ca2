"""What `octavo check` found: one finding per problem, with its file and line, as text or JSON."""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import asdict, dataclass, field

from octavo.errors import one_line

# A lone surrogate: a byte of a file name that is not UTF-8 (Python's surrogateescape).
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class Finding:
    """One problem: an error (the book is wrong) or a warning (it may look wrong)."""

    level: str  # "error" or "warning"
    check: str  # "epubcheck", "words", "pdf", "typography", "build"
    message: str
    file: str | None = None
    line: int | None = None

    def where(self) -> str:
        if self.file is None:
            return ""
        file = one_line(self.file)  # a file name may hold a line break or an escape sequence
        return f"{file}:{self.line}: " if self.line is not None else f"{file}: "


@dataclass
class Report:
    """The findings of one check, and the facts it measured (what passed, and how much)."""

    book: str
    facts: list[tuple[str, str]] = field(default_factory=list)  # (check, what was measured)
    findings: list[Finding] = field(default_factory=list)

    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "error"]

    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "warning"]

    def to_json(self) -> str:
        """The report as JSON; a file name's bytes that are not UTF-8 are written as \\u
        escapes, so that the output stays UTF-8 that any JSON reader takes."""
        return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps({
            "book": self.book,
            "facts": [{"check": c, "result": r} for c, r in self.facts],
            "findings": [asdict(f) for f in self.findings],
            "errors": len(self.errors()),
            "warnings": len(self.warnings()),
        }, indent=2, ensure_ascii=False))

    def to_text(self, per_kind: int = 3) -> str:
        """A short report: the facts, then the findings, grouped when one kind repeats."""
        lines = [f"octavo check: {one_line(self.book)}"]
        lines += [f"  {check:<10} {one_line(result)}" for check, result in self.facts]
        kinds = Counter((f.level, f.check, _kind(f.message)) for f in self.findings)
        shown: Counter[tuple[str, str, str]] = Counter()
        for finding in self.findings:
            key = (finding.level, finding.check, _kind(finding.message))
            shown[key] += 1
            if shown[key] <= per_kind:
                lines.append(f"{finding.level}: {finding.where()}{one_line(finding.message)}")
            elif shown[key] == per_kind + 1:
                lines.append(f"{finding.level}: ... and {kinds[key] - per_kind} more: "
                             f"{_kind(finding.message)} (--json lists them all)")
        lines.append(f"{len(self.errors())} error(s), {len(self.warnings())} warning(s)")
        return "\n".join(lines)


def _kind(message: str) -> str:
    """The kind of a message: its words before the first colon."""
    return message.split(":", 1)[0]
