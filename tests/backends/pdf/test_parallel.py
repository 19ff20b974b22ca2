"""A parallel, a cached and a one-shot build of one book give the same pages, page by page."""

from __future__ import annotations

import json
import shutil
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
from books import chapter, multi_chapter_book, one_shot, page_texts
from pypdf import PdfReader

import octavo.backends.pdf.chunks
from octavo.backends.pdf.press import output_profile, press_ready
from octavo.build import build
from octavo.diagnostics import Diagnostics


def outline(path: Path) -> list[tuple[str, int]]:
    reader = PdfReader(str(path))
    found: list[tuple[str, int]] = []

    def walk(items: list) -> None:  # type: ignore[type-arg]
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                found.append((item.title, reader.get_destination_page_number(item)))

    walk(reader.outline)
    return found


def links(path: Path) -> list[list[tuple[str, int]]]:
    """Per page, each internal link's target page."""
    reader = PdfReader(str(path))
    names = reader.named_destinations
    result = []
    for page in reader.pages:
        found = []
        for annotation in page.get("/Annots") or []:
            dest = annotation.get_object().get("/Dest")
            if dest is not None:
                found.append((str(dest), reader.get_destination_page_number(names[str(dest)])))
        result.append(sorted(found))
    return result


PRINT_SHOP = '[print]\nprofile = "print"\nbleed = true\ntrim = "5x8"\n'


@pytest.mark.parametrize(("theme", "extra_toml"), [("classic", ""), ("modern", ""),
                                                   ("classic", PRINT_SHOP)])
def test_parallel_cached_and_one_shot_builds_match_page_by_page(
        make_book, monkeypatch, theme: str, extra_toml: str) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(octavo.backends.pdf.chunks, "CHUNK_CHARS", 4000)
    root = multi_chapter_book(make_book, theme, extra_toml)
    pdf = root / "dist" / "chunked.pdf"

    build(root, Diagnostics(), jobs=2)
    parallel = root / "parallel.pdf"
    shutil.copy(pdf, parallel)
    cached = root / ".octavo-cache" / ("pdf-print" if extra_toml else "pdf")
    assert len(list(cached.glob("*.pdf"))) >= 4  # really in chunks (each profile its own cache)

    pdf.unlink()
    build(root, Diagnostics(), jobs=2)  # every chunk from the cache
    assert pdf.read_bytes() == parallel.read_bytes()

    whole = one_shot(root, theme)
    pages = whole.pages
    if extra_toml:  # the print shop's file made press-ready as the build makes it
        settings = whole.context.settings
        pages = press_ready(whole.pdf, settings, whole.book.metadata, whole.context.source_epoch,
                            output_profile(settings, root))

    expected, actual = page_texts(whole.pdf), page_texts(parallel)
    assert len(actual) == len(expected) == pages
    for number, (want, got) in enumerate(zip(expected, actual, strict=True), start=1):
        assert got == want, f"page {number} differs"
    assert "Chapter 14" in "".join(actual) and "Contents" in "".join(actual)
    assert outline(parallel) == outline(whole.pdf)
    assert links(parallel) == links(whole.pdf)
    if extra_toml:  # the print shop's file: no outline, no links, every page box as one-shot's
        assert outline(parallel) == [] and not any(links(parallel))
        boxes = [[list(p[b]) for b in ("/MediaBox", "/TrimBox", "/BleedBox")]
                 for p in PdfReader(str(whole.pdf)).pages]
        assert [[list(p[b]) for b in ("/MediaBox", "/TrimBox", "/BleedBox")]
                for p in PdfReader(str(parallel)).pages] == boxes
    else:
        assert any(page for page in links(parallel))  # the contents, cross-chapter links


def test_ctrl_c_while_chunks_are_laid_out_ends_the_build(make_book) -> None:  # type: ignore[no-untyped-def]
    """A worker waits for the chunks before it to number its pages: when the build is stopped,
    it must not wait for chunks that will never be laid out (the build hung)."""
    import os
    import signal
    import subprocess
    import sys
    import time

    root = multi_chapter_book(make_book, "classic")
    build = subprocess.Popen([sys.executable, "-m", "octavo", "build", str(root), "--jobs", "2"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env={**os.environ, "SOURCE_DATE_EPOCH": "1767225600"})
    cache = root / ".octavo-cache" / "pdf"
    deadline = time.monotonic() + 120
    while not (cache.is_dir() and any(p.name.endswith(".rendering") for p in cache.iterdir())):
        assert build.poll() is None and time.monotonic() < deadline, build.communicate()
        time.sleep(0.02)  # until a worker is laying out a chunk
    build.send_signal(signal.SIGINT)
    out, err = build.communicate(timeout=120)  # it hung here, waiting for a cancelled chunk
    assert build.returncode == 130, out + err
    assert "interrupted" in err and "Traceback" not in err


def test_the_join_in_a_process_of_its_own_gives_the_same_bytes(make_book, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A build joins the chunks in a forked process while it writes its other files (the
    EPUB, the cover wrap): the PDF is the one a join in the build's own process makes."""
    import multiprocessing

    from octavo.backends.pdf import parallel
    from octavo.uptodate import forget

    monkeypatch.setattr(octavo.backends.pdf.chunks, "CHUNK_CHARS", 4000)
    root = multi_chapter_book(make_book, "classic")
    pdf = root / "dist" / "chunked.pdf"
    build(root, Diagnostics(), formats=("pdf", "epub"), jobs=2)
    apart = pdf.read_bytes()
    assert multiprocessing.active_children() == []
    monkeypatch.setattr(parallel, "may_fork", lambda: False)
    forget(root)
    pdf.unlink()
    build(root, Diagnostics(), formats=("pdf", "epub"), jobs=2)  # every chunk from the cache
    assert pdf.read_bytes() == apart


def test_a_join_that_fails_lands_no_file(make_book, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    import multiprocessing

    from octavo.backends.pdf import join
    from octavo.cli import main

    monkeypatch.setattr(octavo.backends.pdf.chunks, "CHUNK_CHARS", 4000)
    root = multi_chapter_book(make_book, "classic")
    assert main(["build", str(root), "-q", "--format", "all"]) == 0
    dist = root / "dist"
    before = {p.name: p.read_bytes() for p in dist.iterdir()}
    (root / "manuscript" / "05-chapter.md").write_text(chapter(5) + "\nOne more line.\n",
                                                       encoding="utf-8")

    def fail(*args: object) -> int:
        raise OSError("disk full\nwhile writing")

    monkeypatch.setattr(join, "join", fail)  # the forked process has it too
    capsys.readouterr()
    assert main(["build", str(root), "--format", "all"]) != 0
    said = capsys.readouterr()
    assert "cannot join the PDF's chunks: disk full while writing" in said.err
    assert "Traceback" not in said.err
    assert {p.name: p.read_bytes() for p in dist.iterdir()} == before  # no partial file either
    assert multiprocessing.active_children() == []


def test_an_edited_chunk_is_cut_between_the_workers(make_book, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """One chunk edited (two workers): it is laid out in pieces, a chapter each, which the
    cache keeps; the book is the one laid out whole, page by page, folios and contents too.
    A page's margin boxes are drawn again only when they change (not when its chunk is cut)."""
    from octavo.backends.pdf import parallel

    monkeypatch.setattr(octavo.backends.pdf.chunks, "CHUNK_CHARS", 14000)
    root = multi_chapter_book(make_book, "classic")
    pdf = root / "dist" / "chunked.pdf"
    build(root, Diagnostics(), jobs=2)
    laid_out: list[list[str]] = []
    drawn: list[int] = []  # the pages in each PDF of margin boxes drawn here
    ready_here: list[int] = []  # this process made ready to lay out (it imports WeasyPrint)
    run, layer_job, here = parallel._Runner._run, parallel.LayerJob, parallel._Runner._here
    monkeypatch.setattr(parallel._Runner, "_here",
                        lambda self: ready_here.append(1) or here(self))

    def spy(self, jobs, sheets, *then):  # type: ignore[no-untyped-def]
        laid_out.append([",".join(chunk.ids) for _i, _k, chunk, _o in jobs if chunk.chapters])
        return run(self, jobs, sheets, *then)

    monkeypatch.setattr(parallel._Runner, "_run", spy)
    monkeypatch.setattr(parallel, "LayerJob", lambda **fields: drawn.append(
        sum(len(pages) for pages, _offset in fields["chunks"])) or layer_job(**fields))

    def check(text: str) -> None:
        laid_out.clear()
        drawn.clear()
        ready_here.clear()
        (root / "manuscript" / "05-chapter.md").write_text(text, encoding="utf-8")
        build(root, Diagnostics(), jobs=2)
        whole = one_shot(root, "classic")
        expected, actual = page_texts(whole.pdf), page_texts(pdf)
        assert len(actual) == len(expected) == whole.pages
        for number, (want, got) in enumerate(zip(expected, actual, strict=True), start=1):
            assert got == want, f"page {number} differs"
        assert outline(pdf) == outline(whole.pdf) and links(pdf) == links(whole.pdf)

    check(chapter(5).replace("A claim", "One claim"))  # a word: the pages do not move
    edited = laid_out[0]
    assert len(edited) >= 2 and all(ids.count("ch") == 1 for ids in edited), laid_out
    assert drawn == [] and ready_here == []  # the margins are those the chunk had whole
    check(chapter(5).replace("A claim", "Two claims"))  # the pieces are kept
    assert laid_out[0] == ["ch005"] and drawn == [] and ready_here == []
    check(chapter(5) + "\n\n" + "\n\n".join(f"An added paragraph {i}, " + "more words " * 60
                                              for i in range(6)))  # later folios move
    assert laid_out[0] == ["ch005"] and sum(drawn) > 0


GROWN = chapter(5) + "\n\n" + "\n\n".join("A paragraph more, " + "and words " * 60
                                             for _ in range(12))


@pytest.mark.parametrize("right", [True, False])
def test_the_front_matter_is_laid_out_on_a_guess_at_the_pages(
        make_book, monkeypatch, tmp_path, right: bool) -> None:  # type: ignore[no-untyped-def]
    """A chapter grows (its chunk's other chapters kept): the later chapters' numbers in the
    contents are guessed while it is laid out. A right guess (the pages the chapter gets, from
    a copy of the book built first) lays the front matter out on the other worker, and the
    later chunks' margin boxes, meanwhile: only the chapter's own are drawn after it. A guess
    two pages over is not used, and leaves no file behind. Either way, the book is the one
    built without a guess."""
    from octavo.backends.pdf import frontguess, parallel

    monkeypatch.setattr(octavo.backends.pdf.chunks, "CHUNK_CHARS", 14000)
    root = multi_chapter_book(make_book, "classic")
    build(root, Diagnostics(), jobs=2)
    (root / "manuscript" / "05-chapter.md").write_text(chapter(5) + "\nA line more.\n",
                                                       encoding="utf-8")
    build(root, Diagnostics(), jobs=2)  # chunk 5 cut into its chapters, which are kept
    twin = tmp_path / "twin"
    shutil.copytree(root, twin)
    (twin / "manuscript" / "05-chapter.md").write_text(GROWN, encoding="utf-8")
    build(twin, Diagnostics(), jobs=2)
    record = json.loads((twin / ".octavo-cache" / parallel.PAGES_RECORD).read_text("utf-8"))
    truth = frontguess.read_kept(record["sections"]["reading"])

    def guess(chunk, kept):  # type: ignore[no-untyped-def]
        pages = sum(truth[name].span for name in chunk.ids) + (0 if right else 2)
        return pages, frontguess.guess_pages(chunk, kept)[1]  # type: ignore[index]

    monkeypatch.setattr(parallel, "guess_pages", guess)
    laid_out: list[int] = []  # the chapters of each layout run here
    drawn: list[int] = []  # the pages of each drawing of margin boxes
    run, draw, layer_job = parallel._Runner._run, parallel._Runner._draw, parallel.LayerJob
    pages: list[int] = []
    monkeypatch.setattr(parallel._Runner, "_run", lambda self, jobs, sheets, *then: laid_out.append(
        sum(chunk.chapters for _i, _k, chunk, _o in jobs)) or run(self, jobs, sheets, *then))
    submitted: list[str] = []  # what goes to the workers, in order: function and chunk
    submit = ProcessPoolExecutor.submit

    def spy_submit(self, fn, *args, **kwargs):  # type: ignore[no-untyped-def]
        submitted.append(f"{fn.__name__}:{getattr(args[0], 'index', '') if args else ''}")
        return submit(self, fn, *args, **kwargs)

    monkeypatch.setattr(ProcessPoolExecutor, "submit", spy_submit)
    monkeypatch.setattr(parallel, "LayerJob", lambda **fields: pages.append(
        sum(len(p) for p, _offset in fields["chunks"])) or layer_job(**fields))

    def spy_draw(self, *args):  # type: ignore[no-untyped-def]
        pages.clear()
        found = draw(self, *args)
        drawn.append(sum(pages))
        return found

    monkeypatch.setattr(parallel._Runner, "_draw", spy_draw)
    from octavo.backends.pdf import coverwrap

    wraps: list[int] = []  # the cover wraps laid out in this process (not in a worker)
    wrap_pdf = coverwrap.wrap_pdf
    monkeypatch.setattr(coverwrap, "wrap_pdf", lambda book, theme, context, pages: wraps.append(
        pages) or wrap_pdf(book, theme, context, pages))
    (root / "manuscript" / "05-chapter.md").write_text(GROWN, encoding="utf-8")
    build(root, Diagnostics(), jobs=2)
    chapter_pages = truth["ch005"].pages
    # The chapter goes to a worker first: the longest wait; the guess's front matter, margin
    # boxes and cover wrap queue behind it, for the other worker.
    sent = [name for name in submitted if name != "int:"]
    assert sent[0].startswith("render_chunk:") and sent[0] != "render_chunk:-1", sent
    assert "render_chunk:-1" in sent[1:], sent
    if right:  # the chapter alone laid out; drawn after it: its own margin boxes
        assert laid_out == [1] and len(drawn) == 2 and 0 < drawn[1] <= chapter_pages, drawn
    else:  # the front matter laid out too, once the chapter was
        assert laid_out == [1, 0] and drawn[1] > chapter_pages, drawn
    # The page count moves: the cover wrap is laid out on a worker for the guessed count, and
    # found in the cache if the guess was right (else laid out here).
    assert wraps == ([] if right else [len(PdfReader(str(root / "dist" / "chunked.pdf")).pages)])
    assert page_texts(root / "dist" / "chunked.pdf") == page_texts(twin / "dist" / "chunked.pdf")
    assert outline(root / "dist" / "chunked.pdf") == outline(twin / "dist" / "chunked.pdf")
    assert not list((root / ".octavo-cache").rglob("*.rendering"))


def _refuse_to_lay_out(job):  # type: ignore[no-untyped-def]
    """A worker's layout that fails as a book's own error does (a module function: pickled)."""
    from octavo.errors import BuildError

    raise BuildError("this chapter cannot be laid out")


def test_a_piece_that_fails_says_why(make_book, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Pieces are numbered past the chunks' shared page counts: a failed one must not turn the
    book's own error into an internal one when the others are called off."""
    from octavo.backends.pdf import parallel
    from octavo.errors import BuildError

    monkeypatch.setattr(octavo.backends.pdf.chunks, "CHUNK_CHARS", 14000)
    root = multi_chapter_book(make_book, "classic")
    build(root, Diagnostics(), jobs=2)
    (root / "manuscript" / "05-chapter.md").write_text(chapter(5) + "\nA line more.\n",
                                                       encoding="utf-8")
    monkeypatch.setattr(parallel, "render_chunk", _refuse_to_lay_out)
    with pytest.raises(BuildError, match="this chapter cannot be laid out"):
        build(root, Diagnostics(), jobs=2)


def test_a_damaged_chunk_record_is_laid_out_again(make_book, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A kept chunk whose facts have lost part of a page's margins (its PDF whole): the chunk
    is laid out again, not the build failed (and every build after it)."""
    import json

    monkeypatch.setattr(octavo.backends.pdf.chunks, "CHUNK_CHARS", 14000)
    root = multi_chapter_book(make_book, "classic")
    pdf = root / "dist" / "chunked.pdf"
    build(root, Diagnostics(), jobs=2)
    first = pdf.read_bytes()
    for facts_path in (root / ".octavo-cache" / "pdf").glob("*.json"):
        facts = json.loads(facts_path.read_text(encoding="utf-8"))
        if facts.get("margins"):
            del facts["margins"][0]["strings"]
            facts_path.write_text(json.dumps(facts), encoding="utf-8")
    pdf.unlink()
    build(root, Diagnostics(), jobs=2)
    assert pdf.read_bytes() == first


def test_a_kept_layer_that_lacks_a_page_it_lists_is_drawn_again(make_book, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A layer's facts altered to list a page its PDF lacks: that build says so, and the next
    draws the layer anew."""
    import json

    from octavo.backends.pdf.parallel import LAYERS
    from octavo.errors import BuildError

    monkeypatch.setattr(octavo.backends.pdf.chunks, "CHUNK_CHARS", 14000)
    root = multi_chapter_book(make_book, "classic")
    pdf = root / "dist" / "chunked.pdf"
    build(root, Diagnostics(), jobs=2)
    first = pdf.read_bytes()
    facts_path = next((root / ".octavo-cache" / "pdf").glob(f"{LAYERS}*.json"))
    facts = json.loads(facts_path.read_text(encoding="utf-8"))
    facts["pages"].append(facts["pages"][0])  # its first page listed again, past its last
    facts_path.write_text(json.dumps(facts), encoding="utf-8")
    pdf.unlink()
    with pytest.raises(BuildError, match="missing from .* build again"):
        build(root, Diagnostics(), jobs=2)
    build(root, Diagnostics(), jobs=2)
    assert pdf.read_bytes() == first


def test_the_workers_start_as_the_book_is_read(make_book, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A book laid out in chunks: its workers are started before the manuscript is read (they
    import WeasyPrint meanwhile), and the layout takes them rather than start its own. A
    short book, an EPUB alone, and --jobs 1 start none; a build that fails as the book is
    read leaves none running."""
    import multiprocessing

    import octavo.readers.manuscript
    from octavo.backends.pdf import parallel, worker
    from octavo.errors import OctavoError

    monkeypatch.setattr(octavo.backends.pdf.chunks, "CHUNK_CHARS", 14000)
    started: list[int] = []  # the workers started ahead, at each start
    read_after: list[int] = []  # how many were started when a manuscript was read
    own: list[int] = []  # the pools the layout started itself
    warm_init, read, executor = worker.WarmPool.__init__, octavo.readers.manuscript.read_manuscript, \
        parallel.ProcessPoolExecutor

    def start(self, workers, *rest):  # type: ignore[no-untyped-def]
        started.append(workers)
        warm_init(self, workers, *rest)

    monkeypatch.setattr(worker.WarmPool, "__init__", start)
    monkeypatch.setattr(octavo.readers.manuscript, "read_manuscript",
                        lambda *args: read_after.append(len(started)) or read(*args))
    monkeypatch.setattr(parallel, "ProcessPoolExecutor",
                        lambda *args, **kw: own.append(1) or executor(*args, **kw))
    root = multi_chapter_book(make_book, "classic")
    build(root, Diagnostics(), jobs=2)
    assert started == [2] and read_after == [1] and own == []
    assert multiprocessing.active_children() == []

    (root / "manuscript" / "05-chapter.md").write_text(chapter(5) + "\nOne more line.\n",
                                                       encoding="utf-8")
    build(root, Diagnostics(), jobs=1)
    build(root, Diagnostics(), jobs=2, formats=("epub",))
    short = make_book({"book.toml": '[book]\ntitle = "Short"\n[build]\nformats = ["pdf"]\n',
                       "manuscript/01.md": "# One\n\nA page.\n"}, name="short")
    build(short, Diagnostics(), jobs=2)
    assert started == [2]

    (root / "manuscript" / "09-chapter.md").write_bytes(b"\x00" * 400)  # not text
    with pytest.raises(OctavoError, match="not a text file"):
        build(root, Diagnostics(), jobs=2)
    assert started == [2, 2] and multiprocessing.active_children() == []


@pytest.mark.parametrize("profile", ["reading", "print"])
def test_the_join_press_opens_the_kept_chunks_while_the_workers_lay_out(
        make_book, monkeypatch, tmp_path, profile: str) -> None:  # type: ignore[no-untyped-def]
    """An edit: the join's process, forked with the workers, opens the chunks kept in the
    cache while the edited one is laid out, and the join takes them as opened; in the print
    profile too, whose press-ready pass waits for the join. A chunk's file replaced after it
    was opened is opened anew."""
    from octavo.backends.pdf import join

    monkeypatch.setattr(octavo.backends.pdf.chunks, "CHUNK_CHARS", 14000)
    root = multi_chapter_book(make_book, "classic",
                              '[print]\nprofile = "print"\n' if profile == "print" else "")
    build(root, Diagnostics(), jobs=2)
    log = tmp_path / "taken.txt"  # written by the join's process (forked: the spy goes along)
    opened_ahead = join._opened_ahead

    def spy(ahead, path):  # type: ignore[no-untyped-def]
        found = opened_ahead(ahead, path)
        with log.open("a", encoding="utf-8") as out:
            out.write(f"{'ahead' if found is not None else 'now'} {path.name}\n")
        return found

    monkeypatch.setattr(join, "_opened_ahead", spy)
    (root / "manuscript" / "05-chapter.md").write_text(chapter(5).replace("A claim", "One claim"),
                                                       encoding="utf-8")
    build(root, Diagnostics(), jobs=2)
    taken = [line.split()[0] for line in log.read_text("utf-8").splitlines()]
    assert taken.count("ahead") >= 4 and taken.count("now") >= 1, taken  # the edited one: now

    pdf = tmp_path / "piece.pdf"
    shutil.copy(next((root / "dist").glob("*.pdf")), pdf)
    import pikepdf

    kept = pikepdf.open(pdf)
    assert opened_ahead({pdf: (kept, join._identity(pdf))}, pdf) is kept  # the same file: taken
    kept.close()
    ahead = {pdf: (pikepdf.open(pdf), join._identity(pdf))}
    replaced = tmp_path / "new.pdf"
    shutil.copy(pdf, replaced)
    replaced.replace(pdf)  # another file now: what was opened is not it
    assert opened_ahead(ahead, pdf) is None and ahead == {}
