"""Files kept in the book's cache beside the facts that vouch for them."""

from __future__ import annotations

import json
import os
from pathlib import Path

from octavo.keptfiles import KeptFiles


def test_a_file_is_given_back_with_its_facts_and_a_tampered_one_is_dropped(tmp_path: Path) -> None:
    kept = KeptFiles(tmp_path, "things", ".bin", keep=2)
    kept.put("a", b"alpha", {"note": "first"})
    found = kept.get("a")
    assert found is not None and found[0] == b"alpha" and found[1]["note"] == "first"
    (tmp_path / "things" / "a.bin").write_bytes(b"forged")  # the facts no longer agree
    assert kept.get("a") is None
    assert list((tmp_path / "things").iterdir()) == []


def test_only_the_most_recently_used_are_kept(tmp_path: Path) -> None:
    kept = KeptFiles(tmp_path, "things", ".bin", keep=2)
    for age, key in enumerate(("old", "older", "oldest")):
        kept.put(key, key.encode())
        for path in (tmp_path / "things").glob(f"{key}.*"):
            os.utime(path, (1000 - age, 1000 - age))
    kept.put("new", b"new")
    assert sorted(p.name for p in (tmp_path / "things").glob("*.bin")) == ["new.bin", "old.bin"]
    assert json.loads((tmp_path / "things" / "new.json").read_text())["sha256"]


def test_a_folder_that_links_out_of_the_cache_is_not_used(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / "things").symlink_to(outside, target_is_directory=True)
    kept = KeptFiles(tmp_path / "cache", "things", ".bin", keep=1)
    kept.put("a", b"alpha")
    assert kept.get("a") is None and list(outside.iterdir()) == []
