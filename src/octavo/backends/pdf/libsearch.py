"""A quicker `ctypes.util.find_library` for Octavo's commands, which WeasyPrint's import leans on.

WeasyPrint asks cffi for each of its libraries under names from every platform
("libpango-1.0-0", "pango-1.0-0", ... "libpango-1.0.so.0"). On Linux cffi hands each name it
cannot open to `find_library`, which runs ldconfig, then gcc, then ld to look for it: a quarter
of a second per WeasyPrint import, spent on names no Linux has. Installed, `find_library`
answers None at once for a name that the ldconfig cache (read once) does not hold, and asks the
real one otherwise; only a library that ldconfig does not know and gcc would find is missed,
and WeasyPrint then opens it under its file name ("libpango-1.0.so.0") as it would anyway.
"""

from __future__ import annotations

import ctypes.util
import os
import shutil
import subprocess
import sys
from collections.abc import Callable

_installed: list[Callable[[str], str | None]] = []


def install() -> None:
    """Put the quicker search in place, on Linux, for the rest of the process (once)."""
    if _installed or not sys.platform.startswith("linux"):
        return
    original = ctypes.util.find_library
    listing: list[str] = []

    def find_library(name: str) -> str | None:
        if not listing:
            listing.append(_ldconfig_cache())
        if listing[0] and f"lib{name}." not in listing[0]:
            return None
        return original(name)

    _installed.append(original)
    ctypes.util.find_library = find_library


def _ldconfig_cache() -> str:
    """`ldconfig -p`: every library the dynamic linker's cache knows; "" if it cannot be read
    (then every name is looked for as before)."""
    ldconfig = shutil.which("ldconfig") or next(
        (path for path in ("/sbin/ldconfig", "/usr/sbin/ldconfig") if os.path.exists(path)), None)
    if ldconfig is None:
        return ""
    try:
        listing = subprocess.run([ldconfig, "-p"], capture_output=True, text=True, timeout=10,
                                 env={**os.environ, "LC_ALL": "C"}, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return ""
    return listing if "=>" in listing else ""  # "0 libs found in cache": no cache to go by
