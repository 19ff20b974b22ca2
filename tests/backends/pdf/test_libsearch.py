"""The quicker library search: names the linker's cache lacks answered at once, others as before."""

from __future__ import annotations

import ctypes.util
import sys

import pytest

from octavo.backends.pdf import libsearch

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux only")


def test_a_name_the_cache_lacks_is_not_searched_and_one_it_has_is(
        monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []
    real = ctypes.util.find_library

    def recording(name: str) -> str | None:
        asked.append(name)
        return real(name)

    monkeypatch.setattr(ctypes.util, "find_library", recording)
    monkeypatch.setattr(libsearch, "_installed", [])
    libsearch.install()
    assert ctypes.util.find_library("pango-1.0-0") is None  # a Windows name, as WeasyPrint tries
    assert ctypes.util.find_library("octavo-no-such-library") is None
    assert asked == []  # no ldconfig, gcc or ld run for them
    assert ctypes.util.find_library("c") == real("c") is not None
    assert asked == ["c"]
    libsearch.install()  # once only
    assert ctypes.util.find_library("c") == real("c")
    assert asked == ["c", "c"]


def test_without_a_linker_cache_every_name_is_searched(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []
    monkeypatch.setattr(ctypes.util, "find_library", lambda name: asked.append(name))
    monkeypatch.setattr(libsearch, "_installed", [])
    monkeypatch.setattr(libsearch, "_ldconfig_cache", lambda: "")
    libsearch.install()
    ctypes.util.find_library("pango-1.0-0")
    assert asked == ["pango-1.0-0"]


def test_an_empty_linker_cache_is_no_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    import subprocess

    done = subprocess.CompletedProcess([], 0, stdout="0 libs found in cache `/etc/ld.so.cache'\n")
    monkeypatch.setattr(libsearch.subprocess, "run", lambda *args, **kwargs: done)
    assert libsearch._ldconfig_cache() == ""
