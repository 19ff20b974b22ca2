"""The chunk cache: never reused across versions, themes or settings; bad entries rebuilt."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from books import multi_chapter_book, one_shot, page_texts, paragraph
from conftest import REPO

import octavo.backends.pdf.chunks
import octavo.backends.pdf.parallel
import octavo.uptodate
from octavo.backends import RenderContext
from octavo.backends.base import PAGE_MAP
from octavo.backends.pdf import STYLESHEET
from octavo.backends.pdf.cache import ChunkCache, chunk_key
from octavo.backends.pdf.layout import render_pdf
from octavo.backends.shared import page_map
from octavo.build import build, load_book, source_epoch
from octavo.diagnostics import Diagnostics
from octavo.themes import load_theme


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Chunks laid out in this process (jobs=1), by index; the front chunk is -1."""
    calls: list[int] = []
    original = octavo.backends.pdf.parallel.render_chunk

    def render_chunk(job):  # type: ignore[no-untyped-def]
        calls.append(job.index)
        return original(job)

    monkeypatch.setattr(octavo.backends.pdf.parallel, "render_chunk", render_chunk)
    monkeypatch.setattr(octavo.backends.pdf.chunks, "CHUNK_CHARS", 4000)
    return calls


@pytest.fixture
def layers(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Chunks whose margin boxes were drawn in this process (jobs=1): each one's offset."""
    calls: list[int] = []
    original = octavo.backends.pdf.parallel.render_layers

    def render_layers(jobs):  # type: ignore[no-untyped-def]
        calls.extend(offset for job in jobs for _margins, offset in job.chunks)
        return original(jobs)

    monkeypatch.setattr(octavo.backends.pdf.parallel, "render_layers", render_layers)
    return calls


def body_renders(calls: list[int]) -> int:
    return len([c for c in calls if c >= 0])


def test_entry_round_trip_and_corruption(tmp_path: Path) -> None:
    cache = ChunkCache(tmp_path)
    rendered = tmp_path / "x.pdf"
    rendered.write_bytes(b"%PDF-1.7 pages")
    key = chunk_key("html", "css")
    cache.put(key, 4, rendered, {"pages": 3, "offset": 4})
    assert cache.known_pages(key) == 3
    found = cache.get(key, 4)
    assert found is not None and found[0].read_bytes() == b"%PDF-1.7 pages"
    assert cache.get(key, 6) is None  # another first folio is another entry
    found[0].write_bytes(b"%PDF-1.7 pag")  # half-written
    assert cache.get(key, 4) is None
    assert not cache.path(key, 4).exists()  # removed, to be rendered again
    assert chunk_key("html", "css") != chunk_key("html", "css2")


def test_corrupt_or_half_written_entry_is_rebuilt(make_book, counted, layers) -> None:  # type: ignore[no-untyped-def]
    root = multi_chapter_book(make_book, "classic")
    pdf = root / "dist" / "chunked.pdf"
    build(root, Diagnostics(), jobs=1)
    first = pdf.read_bytes()
    entries = sorted((root / ".octavo-cache" / "pdf").glob("*.pdf"))
    facts = {e: json.loads(e.with_suffix(".json").read_text()) for e in entries}
    chunks = [e for e in entries if facts[e].get("margins")]  # the body's chunks
    layer = next(e for e in entries if "offset" not in facts[e])  # margin boxes (margins.py)
    chunks[0].write_bytes(chunks[0].read_bytes()[:100])  # a chunk cut short
    json_entry = chunks[1].with_suffix(".json")
    json_entry.write_text('{"pages": 3, "sha2')  # facts cut short
    layer.write_bytes(layer.read_bytes()[:-100])
    counted.clear()
    layers.clear()
    build(root, Diagnostics(), jobs=1)
    assert len(counted) == 2  # only the two damaged chunks
    assert 1 <= len(layers) <= octavo.backends.pdf.parallel.LAYER_CHUNKS  # the damaged layer
    assert pdf.read_bytes() == first


def test_deleting_the_cache_changes_nothing_but_the_time(make_book, counted) -> None:  # type: ignore[no-untyped-def]
    root = multi_chapter_book(make_book, "classic")
    pdf = root / "dist" / "chunked.pdf"
    build(root, Diagnostics(), jobs=1)
    first = pdf.read_bytes()
    counted.clear()
    build(root, Diagnostics(), jobs=1)
    assert counted == []  # all from the cache
    assert pdf.read_bytes() == first
    shutil.rmtree(root / ".octavo-cache")
    build(root, Diagnostics(), jobs=1)
    assert body_renders(counted) >= 4
    assert pdf.read_bytes() == first


def test_a_wrong_record_of_the_front_matter_changes_nothing(make_book, counted) -> None:  # type: ignore[no-untyped-def]
    root = multi_chapter_book(make_book, "classic")
    pdf = root / "dist" / "chunked.pdf"
    build(root, Diagnostics(), jobs=1)
    first = pdf.read_bytes()
    record = root / ".octavo-cache" / octavo.backends.pdf.parallel.PAGES_RECORD
    kept = json.loads(record.read_text())
    assert kept["front"]["reading"]  # the front matter's anchors, by profile
    # Another profile's, or a stale one: every contents number of the front matter wrong.
    kept["front"]["reading"] = {name: page + 40 for name, page in kept["front"]["reading"].items()}
    record.write_text(json.dumps(kept))
    pdf.unlink()
    build(root, Diagnostics(), jobs=1)
    assert pdf.read_bytes() == first


def test_a_record_of_the_pages_that_links_out_of_the_book_is_replaced(  # type: ignore[no-untyped-def]
        make_book, tmp_path: Path) -> None:
    root = multi_chapter_book(make_book, "classic")
    victim = tmp_path / "victim.json"
    victim.write_text("VICTIM")
    (root / ".octavo-cache").mkdir()
    record = root / ".octavo-cache" / octavo.backends.pdf.parallel.PAGES_RECORD
    record.symlink_to(victim)
    build(root, Diagnostics(), jobs=1)
    assert victim.read_text() == "VICTIM"
    assert not record.is_symlink() and json.loads(record.read_text())["pages"] > 20


def test_editing_one_chapter_lays_out_only_its_chunk(make_book, counted) -> None:  # type: ignore[no-untyped-def]
    root = multi_chapter_book(make_book, "classic")
    build(root, Diagnostics(), jobs=1)
    chapter = root / "manuscript" / "10-chapter.md"
    chapter.write_text(chapter.read_text().replace("Chapter 10", "Chapter Ten"))
    counted.clear()
    build(root, Diagnostics(), jobs=1)
    assert body_renders(counted) == 1
    assert "Chapter Ten" in "".join(page_texts(root / "dist" / "chunked.pdf"))


def test_a_chapter_grown_by_pages_lays_out_only_its_chunk_and_moves_later_folios(
        make_book, counted, layers) -> None:  # type: ignore[no-untyped-def]
    root = multi_chapter_book(make_book, "classic")
    build(root, Diagnostics(), jobs=1)
    before = page_texts(root / "dist" / "chunked.pdf")
    chapter = root / "manuscript" / "04-chapter.md"
    chapter.write_text(chapter.read_text() + "\n\n" + "\n\n".join(paragraph(i) for i in range(9)))
    counted.clear()
    layers.clear()
    build(root, Diagnostics(), jobs=1)
    after = page_texts(root / "dist" / "chunked.pdf")
    assert body_renders(counted) == 1  # the later chunks' pages came from the cache
    assert len(after) >= len(before) + 2
    assert layers and max(layers) > 0  # their folios drawn at their new place
    # Folios, running heads and contents numbers as a book laid out whole has them.
    whole = one_shot(root, "classic")
    assert after == page_texts(whole.pdf)
    # And the EPUB's page-list: each page's folio where it starts in the text.
    config, _book = load_book(root, Diagnostics())
    again = RenderContext(book_root=root, source_epoch=source_epoch(config),
                          settings=config.settings["pdf"], jobs=1)
    render_pdf(whole.book, load_theme("classic", root), root / "again.pdf", again,
               STYLESHEET)  # from the cache
    assert again.facts[PAGE_MAP] == page_map(whole.book, whole.starts,
                                             config.settings["pdf"].isbn)


def test_another_version_theme_or_setting_never_reuses_an_entry(make_book, counted,  # type: ignore[no-untyped-def]
                                                                monkeypatch) -> None:
    root = multi_chapter_book(make_book, "classic")
    build(root, Diagnostics(), jobs=1)
    chunks = body_renders(counted)

    counted.clear()  # another Octavo
    monkeypatch.setattr(octavo.uptodate, "_code", "another-version")
    build(root, Diagnostics(), jobs=1)
    assert body_renders(counted) == chunks

    counted.clear()  # another theme
    build(root, Diagnostics(), theme_name="modern", jobs=1)
    assert body_renders(counted) == chunks

    counted.clear()  # another setting: running heads show the title
    toml = root / "book.toml"
    toml.write_text(toml.read_text() + '[print]\nrunning_head = "title"\n')
    build(root, Diagnostics(), jobs=1)
    assert body_renders(counted) == chunks
    texts = page_texts(root / "dist" / "chunked.pdf")
    assert not any("Ada Writer" in t for t in texts[20:])


def test_a_font_changed_in_the_theme_is_a_new_entry(make_book, counted) -> None:  # type: ignore[no-untyped-def]
    root = multi_chapter_book(make_book, "classic")
    fonts = root / "styles" / "classic" / "fonts"  # the book's own copy of the body font
    fonts.mkdir(parents=True)
    body_font = fonts / "LinuxLibertine-Regular.otf"
    shutil.copy(REPO / "styles" / "classic" / "fonts" / body_font.name, body_font)
    build(root, Diagnostics(), jobs=1)
    chunks = body_renders(counted)
    # Another font in the same file: the stylesheet does not change, only the font's bytes.
    shutil.copy(REPO / "styles" / "modern" / "fonts" / "Yrsa-Regular.ttf", body_font)
    counted.clear()
    build(root, Diagnostics(), jobs=1)
    assert body_renders(counted) == chunks
