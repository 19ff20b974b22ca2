"""The guess at a body's pages from the last build's: what is kept, and what it gives."""

from __future__ import annotations

from octavo.backends.pdf.chunks import Chunk, Section
from octavo.backends.pdf.frontguess import (
    Kept,
    body_numbers,
    contents_targets,
    full_page,
    guess_pages,
    read_kept,
    sections_kept,
)
from octavo.backends.pdf.worker import ChunkResult


def chunk(*sections: tuple[str, int]) -> Chunk:
    return Chunk("", chapters=len(sections), ids=[name for name, _l in sections],
                 sections=[Section("", letters, False, letters) for _n, letters in sections])


def start(section: str, before: int) -> list[object]:
    return [[1, "decimal"], section, before, "a line"]


def laid_out() -> ChunkResult:
    """Two chapters: ch1 on pages 0-4 (its last page holds 300 characters, then a blank
    verso), ch2 on pages 6-8; 1,000 characters on a full page."""
    starts = [start("ch1", 0), start("ch1", 600), start("ch1", 1600), start("ch1", 2600),
              start("ch1", 3600), None, start("ch2", 0), start("ch2", 700), start("ch2", 1700)]
    return ChunkResult(pages=9, offset=0, starts=starts,
                       anchors={"ch1": (0, 72, 600), "ch1-fn": (2, 72, 100), "ch2": (6, 72, 600)})


def test_a_laid_out_chunk_keeps_each_section_s_pages_and_last_page() -> None:
    kept = read_kept(sections_kept(chunk(("ch1", 3900), ("ch2", 2000)), laid_out(),
                                   {"ch1", "ch2"}, 1234))
    assert kept["ch1"] == Kept(3900, 6, {"ch1": 0}, 5, 300, 1000)
    # Three pages: its middle one is its only full page.
    assert kept["ch2"] == Kept(2000, 4, {"ch2": 0}, 3, 300, 1000)
    assert full_page([laid_out()]) == 1000
    # A section whose start is not an anchor cannot be kept.
    assert sections_kept(chunk(("ch1", 3900), ("other", 2000)), laid_out(), set(), 1000) == {}


def test_a_section_of_the_same_length_keeps_its_pages() -> None:
    kept = {"ch1": Kept(3900, 6, {"ch1": 0}, 5, 300, 1000),
            "ch2": Kept(2000, 4, {"ch2": 0, "ch2-x": 1}, 3, 300, 1000)}
    assert guess_pages(chunk(("ch1", 3900), ("ch2", 2000)), kept) == (10, {"ch1": 0, "ch2": 6,
                                                                         "ch2-x": 7})


def test_a_section_that_grew_or_shrank_gains_or_loses_pages_from_its_last() -> None:
    kept = {"ch1": Kept(3900, 6, {"ch1": 0}, 5, 300, 1000)}
    assert guess_pages(chunk(("ch1", 4500)), kept) == (6, {"ch1": 0})  # 900 on its last page
    assert guess_pages(chunk(("ch1", 4700)), kept) == (6, {"ch1": 0})  # a sixth: 6, even
    assert guess_pages(chunk(("ch1", 6000)), kept) == (8, {"ch1": 0})  # 2,400 more: 7 pages
    assert guess_pages(chunk(("ch1", 3500)), kept) == (4, {"ch1": 0})  # its last page gone
    assert guess_pages(chunk(("ch1", 10)), kept) == (2, {"ch1": 0})  # one page at least


def test_a_section_not_kept_cannot_be_guessed() -> None:
    assert guess_pages(chunk(("new", 100)), {}) is None
    broken = {"ch1": Kept(3900, 6, {}, 5, 300, 0)}  # no full page to go by
    assert guess_pages(chunk(("ch1", 4000)), broken) is None


def test_a_damaged_record_keeps_what_reads() -> None:
    record = {"ch1": [3900, 6, {"ch1": 0}, 5, 300, 1000], "ch2": [1, 2], "ch3": "text",
              "ch4": [1, 2, {"a": "b"}, 1, 1, 1]}
    assert set(read_kept(record)) == {"ch1"}
    assert read_kept(["not", "a", "dict"]) == {}


def test_the_body_s_numbers_open_each_chunk_on_a_right_hand_page() -> None:
    numbers = body_numbers([(5, {"a": 0, "b": 3}), (4, {"c": 0}), (2, {"d": 1})])
    assert numbers == {"a": (1, False), "b": (4, False), "c": (7, False), "d": (12, False)}


def test_the_contents_targets_are_the_ids_its_links_point_at() -> None:
    front = ('<html><body><nav><a href="#ch1">One</a><a data-to="ch2">Two</a>'
             '<a href="https://example.com">Out</a></nav></body></html>')
    assert contents_targets(front, ["href", "data-to"]) >= {"ch1", "ch2"}
