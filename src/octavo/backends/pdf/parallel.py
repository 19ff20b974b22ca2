"""The print PDF in chunks: laid out in parallel worker processes, cached, then joined."""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import logging
import os
import queue
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_EXCEPTION, Future, ProcessPoolExecutor, wait
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from octavo.backends.base import RenderContext
from octavo.backends.pdf.cache import FOLDER, ChunkCache, chunk_key
from octavo.backends.pdf.chunks import Chunk, SplitBook, number_contents, rewrite_contents_css, split_book
from octavo.backends.pdf.footnotes import in_text_warning
from octavo.backends.pdf.frontguess import (
    Kept,
    anchor_pages,
    body_numbers,
    contents_targets,
    full_page,
    guess_pages,
    read_kept,
    sections_kept,
)
from octavo.backends.pdf.geometry import geometry_css, gutter_for
from octavo.backends.pdf.join import Joining, JoinPress, Layer, Piece, join
from octavo.backends.pdf.margins import (
    LayerJob,
    can_draw_apart,
    group_selectors,
    page_key,
    render_layers,
)
from octavo.backends.pdf.pagestarts import numbered_starts
from octavo.backends.pdf.settings import PrintSettings
from octavo.backends.pdf.tagging import weasyprint_variant
from octavo.backends.pdf.worker import (
    ChunkAborted,
    ChunkJob,
    ChunkResult,
    body_offset,
    fork_context,
    may_fork,
    render_chunk,
    start_worker,
    worker_count,
)
from octavo.backends.scratch import for_children, remove
from octavo.diagnostics import Diagnostics
from octavo.model import Book
from octavo.themes import Theme
from octavo.uptodate import (
    add_files,
    code_fingerprint,
    read_cached,
    weasyprint_version,
    write_atomically,
)

# A layout: its page count, its gutter and where its pages start in the text, each start
# [page index in the PDF, folio, section id, characters before, first line] (pagestarts.py).
Layout = tuple[int, float, list[list[Any]]]
FRONT_ROUNDS = 4  # layouts of the front matter at most, until its contents' numbers hold
LAYER_CHUNKS = 4  # chunks whose margin boxes share a PDF: a few font subsets, not one a chunk
LAYERS = "layers-"  # begins the cache key of a PDF of margin boxes (a chunk's key is hex)
CHARS_PER_PAGE = 2000  # a novel at 6x9 in, 11 pt: the first guess at the page count (the gutter)
PAGES_RECORD = "pdf-pages.json"
LOG = logging.getLogger("octavo.pdf")


def render_in_chunks(book: Book, theme: Theme, target: Path, context: RenderContext,
                     html: str, theme_css: str, max_layouts: int,
                     apart: bool = False) -> Layout | None:
    """Write the PDF from chunks; its Layout, or None if this book is laid out whole.

    `apart`: the chunks are joined in a process of their own, which the build waits for
    (`context.finish`) once it has written its other files; the Layout is known before.

    A book lays out in chunks when its chapters open on right-hand pages and its stylesheet
    numbers the contents only with target-counter(attr(...), page): then each chunk is
    independent but for its first folio, which the workers agree on as they go.
    """
    settings: PrintSettings = context.settings
    if settings.chapter_start != "right":
        return None
    rewritten = rewrite_contents_css(theme_css)
    if rewritten is None:
        return None
    css, attributes = rewritten
    split = split_book(html, book, attributes)
    if split is None or len(split.body) < 2:  # a short book: one layout is quicker
        return None
    root = context.cache
    # A folder per profile: building one (octavo check's print profile) keeps the other's.
    cache = ChunkCache(root, FOLDER if settings.profile == "reading" else f"{FOLDER}-{settings.profile}")
    variant = weasyprint_variant(settings)  # enters every chunk's key
    identifier = book.metadata.identifier.encode("utf-8")
    environment = _environment(book, theme, variant, identifier)
    record = _last_record(root)
    gutter = gutter_for(_guess_pages(record, split, settings.width, settings.height), settings)
    layered = can_draw_apart(css)
    with _Runner(context, theme, split, cache, variant, identifier, layered) as runner:
        runner.hint = _front_hint(record, settings.profile)
        runner.kept = read_kept(_by_profile(record, "sections", settings.profile))
        runner.wrap, runner.last_pages = (book, theme), _last_pages(record) or 0
        for _ in range(max_layouts):
            sheets = (css, geometry_css(book, settings, gutter))
            base = chunk_key(environment, *sheets)
            started = time.perf_counter()
            body = runner.body(base, sheets)
            laid_out = time.perf_counter()
            front = runner.front(base, sheets, body)
            LOG.debug("gutter %g: body %.2f s (%s), front %.2f s", gutter, laid_out - started,
                      ", ".join(f"{p.facts.seconds:.1f}" for p in body),
                      time.perf_counter() - laid_out)
            pieces = [Piece(front.pdf, front.facts), *body]
            total = _first_pages(pieces)[-1]
            needed = gutter_for(total, settings)
            if needed == gutter:
                break
            gutter = needed
        pieces = [pieces[0], *runner.with_layers(pieces[1:])]
        for words in dict.fromkeys(w for piece in pieces for w in piece.facts.in_text):
            context.diagnostics.warn(in_text_warning(words))
        # The pieces are the cache's files (they outlive this block) unless it cannot be written.
        apart = apart and context.finish is not None and cache.folder is not None \
            and may_fork()
        if not apart:
            started = time.perf_counter()
            # The press has the kept chunks open: it joins them while this process waits;
            # here if there is none (nothing may fork while the workers run).
            pages = _first_pages(pieces)[-1]
            joined = Joining.in_press(pieces, target, pages, runner.press) \
                if runner.press is not None else None
            if joined is not None:
                joined.wait()
            else:
                pages = join(pieces, target)
            LOG.debug("joined %d chunks in %.2f s", len(pieces), time.perf_counter() - started)
    if apart:  # the press forked before the workers, or a process forked once they are gone
        joining = Joining.start(pieces, target, _first_pages(pieces)[-1], runner.press)
        context.finish.append(joining)  # type: ignore[union-attr]
        pages = joining.pages
    cache.prune()
    with contextlib.suppress(OSError):
        fronts = record.get("front") if isinstance(record.get("front"), dict) else {}
        sections = record.get("sections") if isinstance(record.get("sections"), dict) else {}
        # Written anew, never through a link the book's cache may hold (to a file outside).
        write_atomically(root / PAGES_RECORD, json.dumps({"pages": pages, "front": {
            **fronts, settings.profile: {
                name: page + 1 for name, (page, _x, _y) in front.facts.anchors.items()}},
            "sections": {**sections, settings.profile: runner.sections}}).encode("utf-8"))
    starts = [[first + index, *start]
              for piece, first in zip(pieces, _first_pages(pieces), strict=False)
              for index, start in enumerate(numbered_starts(piece.facts.starts, piece.facts.offset)
                                            if piece.layer is not None else piece.facts.starts)
              if start]
    return pages, gutter, starts


class _Runner:
    """Runs chunk jobs: in worker processes, or in this one with a single worker (or a lone
    chunk of a book laid out on a cluster)."""

    def __init__(self, context: RenderContext, theme: Theme, split: SplitBook, cache: ChunkCache,
                 variant: str, identifier: bytes, layered: bool = False):
        self.context, self.split, self.cache, self.layered = context, split, cache, layered
        self.allowed = (context.book_root, *theme.folders)
        self.variant, self.identifier = variant, identifier
        self.workers = min(worker_count(context.jobs), len(split.body))
        self.pool: ProcessPoolExecutor | None = None
        self.stack = contextlib.ExitStack()
        self.chapters = sum(c.chapters for c in split.body)
        self.bar: Any = None
        self.hint: dict[str, int] = {}  # the last build's pages of the front matter's anchors
        self.kept: dict[str, Kept] = {}  # the last build's sections (frontguess.py)
        self.sections: dict[str, list[Any]] = {}  # this build's, for the next
        # The front matter being laid out on a guess at the body's pages: (key, job, future).
        self.guess: tuple[str, ChunkJob, Future[ChunkResult]] | None = None
        # Margin boxes being drawn on that guess: their keys, and what waits for them.
        self.ahead: tuple[set[str], Callable[[], dict[str, tuple[Path, int]]]] | None = None
        self.press: JoinPress | None = None  # the join's process, started with the workers
        # The book and theme of the cover wrap, laid out ahead on a guess (`_wrap_ahead`), and
        # the last build's page count the guess starts from.
        self.wrap: tuple[Book, Theme] | None = None
        self.last_pages = 0

    def __enter__(self) -> _Runner:
        self.work = self._work_dir()
        n = len(self.split.body)
        self.remote: Any = None
        if self.context.cluster is not None:  # the chunks go to the cluster's workers
            from octavo.backends.pdf.remote import RemoteChunks

            self.counts = [-1] * n
            self.condition = threading.Condition()  # for a lone chunk laid out right here
            self.queue = None
            self.remote = self.stack.enter_context(
                RemoteChunks(self.context.cluster, self.context.book_root))
        elif self._warm(n):
            pass  # the workers started as the book was read
        elif self.workers > 1:
            context = fork_context()
            self.counts: Any = context.Array("i", n, lock=False)
            self.condition: Any = context.Condition()
            self.queue: Any = context.Queue()
            scratch = for_children()
            self.stack.callback(remove, scratch)  # once the workers have ended
            self.pool = self.stack.enter_context(ProcessPoolExecutor(
                self.workers, mp_context=context, initializer=start_worker,
                initargs=(self.counts, self.condition, self.queue, scratch)))
        else:
            self.counts = [-1] * n
            self.condition = threading.Condition()
            self.queue = None
        self.here = False  # whether this process is ready to lay a chunk out (`_here`)
        if self.context.progress and sys.stderr.isatty():
            from tqdm import tqdm

            self.bar = self.stack.enter_context(tqdm(
                total=self.chapters, unit="chapter", desc="PDF", leave=False, file=sys.stderr,
                bar_format="{desc} {bar} {n_fmt}/{total_fmt} chapters, {postfix} [{elapsed}]"))
            self.bar.set_postfix_str("0 pages")
        self.pages_done = 0
        self.layers: Callable[[], list[Layer]] | None = None
        return self

    def _warm(self, chunks: int) -> bool:
        """Take the workers the build started ahead (context.pool), if they fit; else end
        them (no worker may outlive the runner: the join forks once they are gone)."""
        warm = self.context.pool
        if warm is None or warm.taken:
            return False
        warm.taken = True
        if self.workers < 2 or warm.workers != self.workers or chunks > len(warm.counts):
            warm.close()
            return False
        for index in range(chunks):  # as a new array is: no chunk laid out yet
            warm.counts[index] = 0
        self.counts, self.condition, self.queue = warm.counts, warm.condition, warm.queue
        self.pool = self.stack.enter_context(warm.pool)
        self.press = warm.join_press
        return True

    def _open_ahead(self, paths: list[Path]) -> None:
        """Have the join press open these PDFs of the cache's while the workers lay out."""
        if self.press is not None:
            self.press.open(paths)

    def _here(self) -> None:
        """Make this process ready to lay a chunk out itself (WeasyPrint's hooks), once."""
        if not self.here:
            start_worker(self.counts, self.condition, None)
            self.here = True

    def __exit__(self, *exc: object) -> None:
        self._take_guess("")  # a guess still out: its file goes once it is written
        self.stack.close()

    def _work_dir(self) -> Path:
        if self.cache.folder is not None:
            with contextlib.suppress(OSError):
                self.cache.folder.mkdir(parents=True, exist_ok=True)
                return self.cache.folder
        self.cache.folder = None  # a folder we cannot write: no cache this time
        return Path(self.stack.enter_context(tempfile.TemporaryDirectory(prefix="octavo-")))

    def body(self, base: str, sheets: tuple[str, str]) -> list[Piece]:
        """Every body chunk's PDF and facts, from the cache or laid out, with its folios."""
        chunks = self.split.body
        keys = [chunk_key(base, chunk.html) for chunk in chunks]
        if self.layered:
            return self._layered_body(base, keys, sheets)
        known = [self.cache.known_pages(key) for key in keys]
        for i, pages in enumerate(known):
            self.counts[i] = -1 if pages is None else pages
        done: dict[int, tuple[Path, ChunkResult]] = {}
        first_wave = [i for i, pages in enumerate(known) if pages is None]
        for i, found in self._run([(i, keys[i], chunks[i], None) for i in first_wave], sheets):
            done[i] = found
        counts = [self.counts[i] for i in range(len(chunks))]
        offsets = [body_offset(0, counts[:i]) for i in range(len(chunks))]
        second_wave = []
        for i, key in enumerate(keys):
            if i in done:
                continue
            hit = self._cached(key, offsets[i])
            if hit is not None:
                done[i] = hit
                self._progress(chunks[i].chapters, hit[1].pages)
            else:
                second_wave.append((i, key, chunks[i], offsets[i]))
        for i, found in self._run(second_wave, sheets):
            done[i] = found
        return [Piece(*done[i]) for i in range(len(chunks))]

    def _layered_body(self, base: str, keys: list[str], sheets: tuple[str, str]) -> list[Piece]:
        """Every body chunk laid out as if it opened the book (from the cache, or anew), then
        its margin boxes drawn where it falls (margins.py): a chunk before it that grew moves
        its folios, not its pages.

        When fewer chunks are to be laid out than there are workers (an edit), each is cut
        into its chapters (`Chunk.by_chapter`), laid out side by side, which the cache then keeps:
        the next edit there lays out one chapter."""
        chunks = self.split.body
        done: dict[int, list[tuple[Path, ChunkResult] | None]] = {}
        todo = [i for i, key in enumerate(keys) if not self._from_cache(i, [key], [chunks[i]], done)]
        pieces = {i: chunks[i].by_chapter() if self.pool is not None else [chunks[i]] for i in todo}
        piece_keys = {i: [chunk_key(base, piece.html) for piece in pieces[i]] for i in todo}
        todo = [i for i in todo  # a chunk whose pieces are all kept is taken as them
                if len(pieces[i]) == 1 or not self._from_cache(i, piece_keys[i], pieces[i], done)]
        self._open_ahead([found[0] for i in sorted(done) for found in done[i] if found])
        jobs: list[tuple[int, str, Chunk, int]] = []
        spare = itertools.count(len(chunks))  # job numbers for pieces: past the shared counts
        owners: dict[int, tuple[int, int]] = {}  # a piece's job -> its chunk and place in it
        for i in todo:
            # Whole unless a piece is kept or the workers would wait for this chunk.
            if len(pieces[i]) == 1 or (not any(done[i]) and len(todo) >= self.workers):
                jobs.append((i, keys[i], chunks[i], 0))
                owners[i] = (i, 0)
                done[i] = [None]
                continue
            for place, (key, piece) in enumerate(zip(piece_keys[i], pieces[i], strict=True)):
                if done[i][place] is None:
                    number = next(spare)
                    jobs.append((number, key, piece, 0))
                    owners[number] = (i, place)
        shape = [(i, chunk, found) for i in range(len(chunks))
                 for chunk, found in zip([chunks[i]] if len(done[i]) == 1 else pieces[i], done[i],
                                         strict=True)]
        then = None
        if self.pool is not None and 0 < len(jobs) < self.workers:  # a worker would wait
            # Once the chunks are with the workers: they are the longest wait, the guess's
            # front matter, margin boxes and cover wrap fill what is left.
            def then() -> None:
                self._guess_front(base, sheets, shape)
        for number, found in self._run(jobs, sheets, then):
            i, place = owners[number]
            done[i][place] = found
        laid = [(i, *found) for i in range(len(chunks)) for found in done[i] if found is not None]
        targets = contents_targets(self.split.front.html, self.split.link_attributes)
        per_page = full_page([facts for _i, _path, facts in laid])
        self.sections = {}
        for (_i, chunk, _found), (_i, _path, facts) in zip(shape, laid, strict=True):
            self.sections.update(sections_kept(chunk, facts, targets, per_page))
        counts = [facts.pages for _i, _path, facts in laid]
        offsets = [body_offset(0, counts[:n]) for n in range(len(laid))]
        self.layers = self._layers(base, [(facts.margins, offsets[n], i)
                                          for n, (i, _path, facts) in enumerate(laid)], sheets)
        return [Piece(path, replace(facts, offset=offsets[n]))
                for n, (_i, path, facts) in enumerate(laid)]

    def _from_cache(self, index: int, keys: list[str], chunks: list[Chunk],
                    done: dict[int, list[tuple[Path, ChunkResult] | None]]) -> bool:
        """Body chunk `index` as these chunks (itself, or its pieces), each from the cache if
        there (in `done`, None if not); whether all of them were."""
        done[index] = []
        for key, chunk in zip(keys, chunks, strict=True):
            hit = self._cached(key, 0)
            done[index].append(hit)
            if hit is not None:
                self._progress(chunk.chapters, hit[1].pages)
        return all(done[index])

    def with_layers(self, body: list[Piece]) -> list[Piece]:
        """The body's chunks with their margin boxes, once drawn (the workers draw them while
        this process lays out the front matter)."""
        if self.layers is None:
            return body
        found = self.layers()
        return [replace(piece, layer=layer) for piece, layer in zip(body, found, strict=True)]

    def _layers(self, base: str, wanted: list[tuple[list[Any], int, int]],
                sheets: tuple[str, str]) -> Callable[[], list[Layer]]:
        """Each piece's margin boxes at its offset, when the function returned is called: for
        each of its pages, a PDF and the page in it to lay over it (None: it has none).
        `wanted`: each piece's margins, its offset and its body chunk.

        A page's margin boxes are kept by what they are drawn from (`page_key`), in whichever
        layer PDF holds them: an edit that moves no folio draws none again, and one that moves
        the later folios by two pages draws those pages whose running heads change with them.
        The pages not kept are drawn (but those being drawn ahead, on a guess at the folios:
        `_guess_front`), those of LAYER_CHUNKS chunks in a PDF (sharing its font subsets)."""
        keys = self._page_keys(base, wanted, sheets)
        layers, missing = self._kept_layers(keys)
        self._open_ahead(list(dict.fromkeys(found[0] for layer in layers for found in layer
                                            if found is not None)))
        ahead, self.ahead = self.ahead, None
        drawn = self._draw(wanted, keys, missing, sheets, ahead[0] if ahead else set())

        def collect() -> list[Layer]:
            at = {**(ahead[1]() if ahead else {}), **drawn()}
            for n, pages in enumerate(missing):
                for page in pages:
                    layers[n][page] = at[keys[n][page]]
            return layers

        return collect

    def _page_keys(self, base: str, wanted: list[tuple[list[Any], int, int]],
                   sheets: tuple[str, str]) -> list[list[str]]:
        """Each page's key of its margin boxes (`page_key`); "" for a page without any."""
        prefix = chunk_key(base, self.split.empty)
        selectors = group_selectors("\n".join(sheets))
        return [[chunk_key(prefix, page_key(margins, offset, selectors))
                 if margins.get("drawn", True)
                 else "" for margins in pages] for pages, offset, _chunk in wanted]

    def _kept_layers(self, keys: list[list[str]]) -> tuple[list[Layer], list[list[int]]]:
        """Each piece's pages whose margin boxes are kept, as their layers; and for each
        piece the pages that are not."""
        kept = self.cache.kept_in(LAYERS, "pages")
        checked: dict[str, tuple[Path, list[Any]] | None] = {}  # kept layers, read once
        layers: list[Layer] = [[None] * len(piece_keys) for piece_keys in keys]
        missing: list[list[int]] = [[] for _ in keys]
        for n, piece_keys in enumerate(keys):
            for page, key in enumerate(piece_keys):
                if not key:
                    continue
                entry, place = kept.get(key, ("", 0))
                if entry and entry not in checked:
                    hit = self.cache.get(entry, 0)
                    listed = hit[1].get("pages") if hit is not None else None
                    checked[entry] = (hit[0], listed) if hit and isinstance(listed, list) else None
                found = checked.get(entry)
                if found is not None and place < len(found[1]) and found[1][place] == key:
                    layers[n][page] = (found[0], place)
                else:
                    missing[n].append(page)
        return layers, missing

    def _draw(self, wanted: list[tuple[list[Any], int, int]], keys: list[list[str]],
              missing: list[list[int]], sheets: tuple[str, str],
              skip: set[str]) -> Callable[[], dict[str, tuple[Path, int]]]:
        """Draw the `missing` pages' margin boxes (but those whose keys are in `skip`) in the
        workers; the function returned waits for them, keeps them, and says where each key's
        page is."""
        todo = [[page for page in pages if keys[n][page] not in skip]
                for n, pages in enumerate(missing)]
        jobs: list[tuple[str, list[str], LayerJob]] = []
        for start in range(0, len(self.split.body), LAYER_CHUNKS):
            group = [n for n, (*_w, chunk) in enumerate(wanted)
                     if start <= chunk < start + LAYER_CHUNKS and todo[n]]
            if not group:
                continue
            drawn = [keys[n][page] for n in group for page in todo[n]]
            key = LAYERS + chunk_key(*drawn)
            jobs.append((key, drawn, LayerJob(
                chunks=[([wanted[n][0][page] for page in todo[n]], wanted[n][1]) for n in group],
                html=self.split.empty, base_url=self.context.book_root.as_uri() + "/",
                stylesheets=sheets, allowed=self.allowed,
                target=self.work / f".{key}.{os.getpid()}.rendering")))
        batches: list[list[tuple[str, list[str], LayerJob]]] = []
        futures: list[Future[None]] = []
        if not jobs:  # every page's margins kept: nothing to draw, no WeasyPrint here
            pass
        elif self.pool is not None:  # a batch per worker: its sheets read once
            batches = [batch for w in range(self.workers) if (batch := jobs[w::self.workers])]
            futures = [self.pool.submit(render_layers, [job for *_r, job in batch])
                       for batch in batches]
        else:
            self._here()
            batches, futures = [jobs], [Future()]
            futures[0].set_result(render_layers([job for *_r, job in jobs]))

        def collect() -> dict[str, tuple[Path, int]]:
            at: dict[str, tuple[Path, int]] = {}
            for batch, future in zip(batches, futures, strict=True):
                future.result()
                for key, drawn, job in batch:
                    path = self.cache.put(key, 0, job.target, {"pages": drawn})
                    at.update((page, (path, place)) for place, page in enumerate(drawn))
            return at

        return collect

    def front(self, base: str, sheets: tuple[str, str], body: list[Piece]) -> Piece:
        """The front matter, its contents numbered from where the body's chapters fell.

        The contents' entries for the front matter itself are known once it is laid out: it is
        laid out again until they stay as they are (FRONT_ROUNDS times at most). It starts
        from the last build's (`self.hint`), which usually are the answer: one layout."""
        numbers = body_numbers([(piece.facts.pages, anchor_pages(piece.facts)) for piece in body])
        html = self._front_html(self.hint, numbers)
        for _ in range(FRONT_ROUNDS):
            pdf, facts = self._single(base, html, sheets)
            again = self._front_html({name: page + 1 for name, page in anchor_pages(facts).items()},
                                     numbers)
            if again == html:
                break
            html = again
        return Piece(pdf, facts, right=False)

    def _front_html(self, own: dict[str, int], body: dict[str, tuple[int, bool]]) -> str:
        """The front matter, its contents numbered: its own entries from `own`, the body's
        from `body`."""
        numbers = {**{name: (page, True) for name, page in own.items()}, **body}
        return number_contents(self.split.front.html, numbers, self.split.link_attributes)

    def _guess_front(self, base: str, sheets: tuple[str, str],
                     shape: list[tuple[int, Chunk, tuple[Path, ChunkResult] | None]]) -> None:
        """Lay the front matter out on an idle worker, its contents numbered from a guess at
        the pages of the body's chunks being laid out (`shape`: each chunk's place in the body,
        the chunk, its layout if known); then draw the margin boxes of the chunks laid out
        already at the folios the guess gives them. Nothing if a chunk's pages cannot be
        guessed or the guess is kept already."""
        shapes = []
        for _i, chunk, found in shape:
            guessed = guess_pages(chunk, self.kept) if found is None else (
                found[1].pages, anchor_pages(found[1]))
            if guessed is None:
                return
            shapes.append(guessed)
        html = self._front_html(self.hint, body_numbers(shapes))
        key = chunk_key(base, html)
        if self.pool is None or self.cache.get(key, 0) is not None:
            return
        job = self._job(-1, key, Chunk(html, chapters=0), 0, sheets)
        self.guess = (key, job, self.pool.submit(render_chunk, job))
        LOG.debug("front matter laid out ahead, on a guess at %d pages", sum(p for p, _a in shapes))
        offsets = [body_offset(0, [pages for pages, _a in shapes[:n]]) for n in range(len(shapes))]
        wanted = [(found[1].margins, offsets[n], i)
                  for n, (i, _chunk, found) in enumerate(shape) if found is not None]
        keys = self._page_keys(base, wanted, sheets)
        _kept, missing = self._kept_layers(keys)
        ahead = {keys[n][page] for n, pages in enumerate(missing) for page in pages}
        if ahead:
            self.ahead = (ahead, self._draw(wanted, keys, missing, sheets, set()))
        grown = [(pages, chunk) for (pages, _a), (_i, chunk, found) in zip(shapes, shape, strict=True)
                 if found is None]
        if all(name in self.kept for _p, chunk in grown for name in chunk.ids):
            self._wrap_ahead(self.last_pages + sum(
                pages - sum(self.kept[name].span for name in chunk.ids) for pages, chunk in grown))

    def _wrap_ahead(self, pages: int) -> None:
        """Lay the cover wrap out on a worker for the page count the guess gives (`pages`),
        into the cache, where the build looks for it once the PDF is done."""
        if self.wrap is None or self.pool is None or self.last_pages <= 0 or pages <= 0:
            return
        from octavo.backends.pdf.coverwrap import keep_wrap

        book, theme = self.wrap
        context = replace(self.context, diagnostics=Diagnostics(), facts={}, pool=None,
                          finish=None, cover_press=None)
        self.pool.submit(keep_wrap, book, theme, context, pages)
        LOG.debug("cover wrap laid out ahead, for %d pages", pages)

    def _take_guess(self, key: str) -> tuple[Path, ChunkResult] | None:
        """The front matter laid out ahead, if it was laid out as `key` (then kept); a wrong
        guess is dropped (its file removed once written)."""
        if self.guess is None:
            return None
        guessed, job, future = self.guess
        self.guess = None
        if guessed == key:
            with contextlib.suppress(Exception):  # laid out again here, where its error shows
                result = future.result()
                LOG.debug("the guess at the front matter's numbers held")
                return self._keep(key, job, result), result
        elif not future.cancel():
            future.add_done_callback(lambda _f: job.target.unlink(missing_ok=True))
        job.target.unlink(missing_ok=True)
        return None

    def _single(self, base: str, html: str, sheets: tuple[str, str]) -> tuple[Path, ChunkResult]:
        key = chunk_key(base, html)
        hit = self._take_guess(key) or self._cached(key, 0)
        if hit is not None:
            return hit
        chunk = Chunk(html, chapters=0)
        return next(iter(self._run([(-1, key, chunk, 0)], sheets)))[1]

    def _job(self, index: int, key: str, chunk: Chunk, offset: int | None,
             sheets: tuple[str, str]) -> ChunkJob:
        return ChunkJob(index=index, html=chunk.html, layered=self.layered and index >= 0,
                        base_url=self.context.book_root.as_uri() + "/", stylesheets=sheets,
                        allowed=self.allowed, target=self.work / f".{key}.{index}.{os.getpid()}.rendering",
                        identifier=self.identifier, variant=self.variant, offset=offset)

    def _run(self, jobs: list[tuple[int, str, Chunk, int | None]], sheets: tuple[str, str],
             then: Callable[[], None] | None = None
             ) -> Iterator[tuple[int, tuple[Path, ChunkResult]]]:
        """Lay out `jobs` (index, key, chunk, offset), cache each, yield (index, (pdf, facts));
        `then` (given only with a pool) is called once the jobs are handed to the workers,
        before they are waited for (what it submits queues behind them)."""
        made = [(index, key, chunk, self._job(index, key, chunk, offset, sheets))
                for index, key, chunk, offset in jobs]
        if self.remote is not None and len(made) > 1:
            for index, result in self.remote.run([job for *_rest, job in made], self.counts):
                key, chunk = next((k, c) for i, k, c, _job in made if i == index)
                self._progress(chunk.chapters, result.pages)
                job = next(j for i, _k, _c, j in made if i == index)
                yield index, (self._keep(key, job, result), result)
            return
        if self.pool is None:  # one worker, or a lone chunk for a cluster: laid out here
            self._here()
            for index, key, chunk, job in made:
                result = render_chunk(job)
                self._progress(chunk.chapters, result.pages)
                yield index, (self._keep(key, job, result), result)
            return
        futures: dict[Future[ChunkResult], tuple[int, str, Chunk, ChunkJob]] = {
            self.pool.submit(render_chunk, job): (index, key, chunk, job)
            for index, key, chunk, job in made}
        by_index = {index: chunk for index, _key, chunk, _job in made}
        pending = set(futures)
        try:
            if then is not None:
                then()
            while pending:
                finished, pending = wait(pending, timeout=0.1, return_when=FIRST_EXCEPTION)
                self._drain(by_index)
                failed = [f for f in finished if f.exception() is not None]
                if failed:
                    errors = [f.exception() for f in failed]
                    raise next((e for e in errors if not isinstance(e, ChunkAborted)), errors[0])  # type: ignore[misc]
        except BaseException:  # a chunk failed, or Ctrl-C: no worker may wait for the rest
            for future in pending:
                future.cancel()
            self._abort([index for index, _key, _chunk, _job in made])
            raise
        self._drain(by_index)
        for future, (index, key, _chunk, job) in futures.items():
            result = future.result()
            yield index, (self._keep(key, job, result), result)

    def _abort(self, indexes: list[int]) -> None:
        """Mark the chunks not laid out yet as failed: a worker waiting for their page counts
        (to number its own pages) gives up instead of waiting for a chunk that never comes.

        Without the condition's lock: a Ctrl-C may have broken it mid-wait, and the workers
        look at the counts every WAIT_STEP anyway."""
        for index in indexes:  # a chunk's piece (numbered past the counts) has none
            if 0 <= index < len(self.counts) and self.counts[index] == -1:
                self.counts[index] = -2

    def _cached(self, key: str, offset: int) -> tuple[Path, ChunkResult] | None:
        """A chunk from the cache, if there and whole: an entry whose facts do not read (a
        damaged file) is removed, to be laid out again."""
        hit = self.cache.get(key, offset)
        if hit is None:
            return None
        try:
            return hit[0], _facts(hit[1])
        except (LookupError, TypeError, ValueError, AttributeError):
            self.cache.discard(key, offset)
            return None

    def _keep(self, key: str, job: ChunkJob, result: ChunkResult) -> Path:
        return self.cache.put(key, result.offset, job.target, asdict(result))

    def _drain(self, by_index: dict[int, Chunk]) -> None:
        while True:
            try:
                index, pages = self.queue.get_nowait()
            except queue.Empty:
                return
            chunk = by_index.get(index)
            self._progress(chunk.chapters if chunk else 0, pages)

    def _progress(self, chapters: int, pages: int) -> None:
        self.pages_done += pages
        if self.bar is not None:
            self.bar.update(chapters)
            self.bar.set_postfix_str(f"{self.pages_done} pages")


def _facts(data: dict[str, Any]) -> ChunkResult:
    """A cached chunk's facts, as its JSON has them; an error if they do not read as such."""
    for margins in data.get("margins") or []:
        page_key(margins, 1, {})  # every page's margins are there, each part of its kind
    return ChunkResult(
        pages=int(data["pages"]), offset=int(data["offset"]),
        anchors={k: (int(v[0]), float(v[1]), float(v[2])) for k, v in data["anchors"].items()},
        bookmarks=[(int(p), int(level), str(label), float(x), float(y), str(state))
                   for p, level, label, x, y, state in data["bookmarks"]],
        starts=list(data.get("starts") or []),
        in_text=[str(words) for words in data.get("in_text") or []],
        margins=list(data.get("margins") or []),
    )


def _first_pages(pieces: list[Piece]) -> list[int]:
    """Where each piece starts in the joined book, then its page count: each right-opening
    chunk after an odd count gets a blank verso, as `join` gives it."""
    firsts, total = [], 0
    for piece in pieces:
        if piece.right and total % 2 == 1:
            total += 1
        firsts.append(total)
        total += piece.facts.pages
    return [*firsts, total]


def _environment(book: Book, theme: Theme, variant: str, identifier: bytes) -> str:
    """What changes every chunk's pages besides its HTML and the stylesheets."""
    digest = hashlib.sha256()
    for part in (code_fingerprint(), weasyprint_version(), variant, identifier.decode()):
        digest.update(part.encode("utf-8") + b"\0")
    add_files(digest, theme.folders)  # fonts and images the theme's CSS refers to
    for image in book.images:
        data = image.data if image.data is not None else image.source.read_bytes()
        digest.update(image.href.encode() + hashlib.sha256(data).digest())
    return digest.hexdigest()


def _last_record(root: Path) -> dict[str, Any]:
    """What the last build recorded (PAGES_RECORD): its page count, and its front matter's
    anchors by profile (the contents' own page numbers); {} if there is nothing to read."""
    with contextlib.suppress(OSError, ValueError):
        record = json.loads(read_cached(root / PAGES_RECORD).decode("utf-8"))
        return record if isinstance(record, dict) else {}
    return {}


def _front_hint(record: dict[str, Any], profile: str) -> dict[str, int]:
    """Where the last build of this profile had its front matter's anchors."""
    with contextlib.suppress(KeyError, ValueError, TypeError, AttributeError):
        return {str(name): int(page) for name, page in _by_profile(record, "front", profile).items()}
    return {}


def _by_profile(record: dict[str, Any], field: str, profile: str) -> Any:
    """The record's `field` for the profile; None if it has none."""
    found = record.get(field)
    return found.get(profile) if isinstance(found, dict) else None


def _last_pages(record: dict[str, Any]) -> int | None:
    """The last build's page count, if the record has one."""
    with contextlib.suppress(ValueError, TypeError, KeyError):
        return int(record["pages"])
    return None


def _guess_pages(record: dict[str, Any], split: SplitBook, width: float, height: float) -> int:
    """The last build's page count, or one from the length of the text."""
    last = _last_pages(record)
    if last is not None:
        return last
    per_page = CHARS_PER_PAGE * (width * height) / 54
    return int(split.text_chars / per_page) + 10
