"""Sections kept between builds: an edit renders only its own section, and what is kept
cannot put anything into the book."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from octavo.diagnostics import Diagnostics
from octavo.readers import plaintext
from octavo.readers.base import ImageRegistry, ReadContext, Section
from octavo.readers.memo import FOLDER

TEXT = "".join(
    f"CHAPTER {numeral}.\n\n"
    + "".join(f"\"Paragraph {n} of chapter {numeral},\" she said -- and _meant_ it...\n\n"
              for n in range(1, 6))
    for numeral in ("I", "II", "III", "IV"))


def read(root: Path) -> list[Section]:
    context = ReadContext(root, Diagnostics(), ImageRegistry(root))
    return plaintext.read_plaintext(root / "book.txt", "book.txt", context).render(1)


def counted(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    original = plaintext._render_blocks

    def render(blocks: list, per_line: bool) -> str:  # type: ignore[type-arg]
        calls.append(len(blocks))
        return original(blocks, per_line)

    monkeypatch.setattr(plaintext, "_render_blocks", render)
    return calls


def test_an_edit_renders_only_the_section_it_changed(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "book.txt").write_text(TEXT, encoding="utf-8")
    first = read(tmp_path)
    assert len(first) == 4 and (tmp_path / ".octavo-cache" / FOLDER).is_dir()
    edited = TEXT.replace("Paragraph 3 of chapter II,", "Paragraph three of chapter II,")
    (tmp_path / "book.txt").write_text("\n\n" + edited, encoding="utf-8")  # every line moves
    calls = counted(monkeypatch)
    again = read(tmp_path)
    assert len(calls) == 1  # chapter II alone
    assert "Paragraph three" in again[1].html
    shutil.rmtree(tmp_path / ".octavo-cache")
    assert read(tmp_path) == again  # as a first build reads it
    assert len(calls) == 5


def test_what_is_kept_is_sanitised_as_it_is_used(tmp_path: Path) -> None:
    (tmp_path / "book.txt").write_text(TEXT, encoding="utf-8")
    read(tmp_path)
    kept = next((tmp_path / ".octavo-cache" / FOLDER).glob("*.json"))
    data = json.loads(kept.read_text(encoding="utf-8"))
    data["sections"] = {key: '<p onclick="steal()">Kept<script>steal()</script></p>\n'
                        for key in data["sections"]}
    kept.write_text(json.dumps(data), encoding="utf-8")
    sections = read(tmp_path)
    assert all("Kept" in s.html and "script" not in s.html and "onclick" not in s.html
               for s in sections)


def test_another_octavo_renders_every_section_anew(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from octavo import uptodate

    (tmp_path / "book.txt").write_text(TEXT, encoding="utf-8")
    read(tmp_path)
    calls = counted(monkeypatch)
    read(tmp_path)
    assert calls == []
    monkeypatch.setattr(uptodate, "code_fingerprint", lambda: "another")
    read(tmp_path)
    assert len(calls) == 4


def test_a_cache_that_cannot_be_written_changes_nothing(tmp_path: Path) -> None:
    (tmp_path / "book.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / ".octavo-cache").write_text("not a folder", encoding="utf-8")
    assert len(read(tmp_path)) == 4


def test_sections_someone_else_wrote_are_never_taken(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """A book folder from someone else, with a cache made on their machine (or forged to
    match this text): its keys are made with their secret, so nothing in it is used."""
    from octavo import uptodate

    (tmp_path / "book.txt").write_text(TEXT, encoding="utf-8")
    monkeypatch.setattr(uptodate, "_secret", b"their machine's secret, not ours!")
    read(tmp_path)
    kept = next((tmp_path / ".octavo-cache" / FOLDER).glob("*.json"))
    data = json.loads(kept.read_text(encoding="utf-8"))
    data["sections"] = {key: "<p>Send your bank details to us.</p>\n" for key in data["sections"]}
    kept.write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.setattr(uptodate, "_secret", None)  # this machine's own, from ~/.cache
    sections = read(tmp_path)
    assert not any("bank details" in s.html for s in sections)
    assert "Paragraph 3 of chapter II" in sections[1].html


def test_a_memo_folder_that_links_out_of_the_book_is_not_used(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    book = tmp_path / "book"
    (book / ".octavo-cache").mkdir(parents=True)
    (book / ".octavo-cache" / FOLDER).symlink_to(outside, target_is_directory=True)
    (book / "book.txt").write_text(TEXT, encoding="utf-8")
    assert len(read(book)) == 4
    assert list(outside.iterdir()) == []


def test_a_memo_too_deep_to_read_is_ignored(tmp_path: Path) -> None:
    (tmp_path / "book.txt").write_text(TEXT, encoding="utf-8")
    read(tmp_path)
    kept = next((tmp_path / ".octavo-cache" / FOLDER).glob("*.json"))
    kept.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    assert len(read(tmp_path)) == 4
