"""TOML text read into data; its errors as one-line OctavoErrors naming the line."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from octavo.errors import OctavoError, unreadable

TOO_DEEP = "lists or tables nested too deeply to read (TOML)"


def read(path: Path, where: Path | str) -> dict[str, Any]:
    """The TOML file at `path` (UTF-8, a byte order mark allowed) as data, or an OctavoError
    naming it as `where` (and the line at fault)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise OctavoError(unreadable(exc), where) from None
    return parse(text, where)


def parse(text: str, where: Path | str) -> dict[str, Any]:
    """The TOML `text` of the file `where` as data, or an OctavoError with the line at fault."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise syntax_error(exc, where, text) from None
    except RecursionError:  # tomllib recurses once per [ or { opened
        raise OctavoError(TOO_DEEP, where, _too_deep_line(text)) from None


def syntax_error(exc: tomllib.TOMLDecodeError, where: Path | str, text: str) -> OctavoError:
    """tomllib's message without its position, and the line it names."""
    message = str(exc)
    line = getattr(exc, "lineno", None)
    match = re.search(r"\(at line (\d+), column \d+\)", message)
    if match:
        line = line or int(match.group(1))
        message = message[: match.start()].strip()
    elif "(at end of document)" in message:
        line = line or max(1, len(text.splitlines()))
        message = message.replace("(at end of document)", "at the end of the file").strip()
    if message == "Invalid statement":
        message = "invalid TOML syntax"
    return OctavoError(f"{message} (TOML)", where, line)


def _too_deep_line(text: str) -> int:
    """The first line by which the nesting is too deep: the fewest lines that are too deep to
    read on their own (tomllib reads in order, so a shorter start never gets deeper)."""
    lines = text.splitlines(keepends=True)
    low, high = 1, len(lines)
    while low < high:
        middle = (low + high) // 2
        try:
            tomllib.loads("".join(lines[:middle]))
        except RecursionError:
            high = middle
        except tomllib.TOMLDecodeError:  # cut off before it got too deep
            low = middle + 1
        else:
            low = middle + 1
    return low
