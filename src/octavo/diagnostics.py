"""Collects the warnings a build reports, so they can be printed, counted and made fatal."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from octavo.errors import one_line


@dataclass
class Diagnostics:
    """Warnings gathered during one build, each as `file:line: message`."""

    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    shown: int = 0  # how many warnings have been printed already

    def warn(self, message: str, path: Path | str | None = None, line: int | None = None) -> None:
        """Record a warning about `path` (and `line`), once."""
        where = "" if path is None else f"{one_line(str(path))}{'' if line is None else f':{line}'}: "
        text = f"{where}{message}"
        if text not in self.warnings:
            self.warnings.append(text)

    def repeat(self, warnings: list[str]) -> None:
        """Record warnings as an earlier build gave them (`file:line: message`), once."""
        self.warnings.extend(text for text in warnings if text not in self.warnings)

    def note(self, message: str) -> None:
        """Record something the build found that the user should see (not a problem)."""
        self.notes.append(message)
