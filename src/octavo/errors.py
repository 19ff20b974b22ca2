"""Octavo's error hierarchy: each class carries its exit code, each message says where."""

from __future__ import annotations

import os
from pathlib import Path


class OctavoError(Exception):
    """A problem the user can fix; printed as one line per problem, without a traceback."""

    exit_code = 1

    def __init__(self, message: str, path: Path | str | None = None, line: int | None = None):
        self.message = message
        self.path = path
        self.line = line
        super().__init__(self.render())

    def render(self, base: Path | None = None) -> str:
        """The message as `file:line: message`, the file shown relative to `base` if inside it."""
        if self.path is None:
            return self.message
        where = str(self.path)
        if base is not None and isinstance(self.path, Path) and self.path.is_absolute():
            # As written (a link is named where it is), else where it lands.
            for candidate in (Path(os.path.normpath(self.path)), landing_or_self(self.path)):
                if candidate.is_relative_to(base) and candidate != base:
                    where = str(candidate.relative_to(base))
                    break
        if self.line is not None:
            where += f":{self.line}"
        return f"{one_line(where)}: {self.message}"


def one_line(text: str) -> str:
    """`text` with line breaks and other control characters shown as escapes (a file name may
    hold them), so that a message stays one line."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def unreadable(exc: OSError | UnicodeDecodeError) -> str:
    """Why a text file could not be read, as a message: `cannot read: not UTF-8 text`."""
    if isinstance(exc, UnicodeDecodeError):
        return "cannot read: not UTF-8 text"
    return f"cannot read: {exc.strerror or exc}"


def landing_or_self(path: Path) -> Path:
    """Where `path` lands once its links are followed; `path` itself for a symlink loop."""
    try:
        return path.resolve()
    except (RuntimeError, OSError):  # a symlink loop
        return path


class UsageError(OctavoError):
    """The command line asked for something that does not exist."""

    exit_code = 2


class ConfigError(OctavoError):
    """book.toml is invalid; may hold several problems, reported together."""

    exit_code = 3

    def __init__(self, problems: list[OctavoError]):
        self.problems = problems
        super().__init__("\n".join(p.render() for p in problems))

    def render(self, base: Path | None = None) -> str:
        return "\n".join(p.render(base) for p in self.problems)


class ManuscriptError(OctavoError):
    """The manuscript is missing, empty, unreadable or refers to something that is not there."""

    exit_code = 4


class ThemeError(OctavoError):
    """The theme cannot be found or is incomplete."""

    exit_code = 5


class BuildError(OctavoError):
    """A backend failed to write its file."""

    exit_code = 6


class StrictError(OctavoError):
    """Warnings were reported and --strict makes them fatal."""

    exit_code = 7


class CheckError(OctavoError):
    """`octavo check` found errors in the built files."""

    exit_code = 8
