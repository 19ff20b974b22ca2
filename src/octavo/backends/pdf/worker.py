"""Lays out one chunk of the print book with WeasyPrint, in a worker process, and writes its PDF."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from octavo.backends.scratch import for_children, remove, use

WAIT_STEP = 0.2  # seconds between looks at whether a worker should give up waiting


class ChunkAborted(Exception):
    """An earlier chunk failed, so this one's page numbers can never be known."""


@dataclass(frozen=True)
class ChunkJob:
    """What a worker needs to lay out and write one chunk."""

    index: int  # in the shared page counts; -1 for a chunk laid out on its own (the front)
    html: str
    base_url: str
    stylesheets: tuple[str, ...]  # the theme's print.css, then the page geometry
    allowed: tuple[Path, ...]  # the folders WeasyPrint may read
    target: Path  # where the PDF goes
    identifier: bytes
    variant: str = ""
    offset: int | None = 0  # added to every folio; None: known once the earlier chunks are laid out
    pages_before: int = 0  # for an unknown offset: pages of the body before the shared counts
    layered: bool = False  # margin boxes kept apart, for a layer drawn at its place (margins.py)


@dataclass
class ChunkResult:
    """A chunk's PDF and what the join needs to know about its pages (PDF coordinates)."""

    pages: int
    offset: int
    anchors: dict[str, tuple[int, float, float]] = field(default_factory=dict)
    bookmarks: list[tuple[int, int, str, float, float, str]] = field(default_factory=list)
    starts: list[list[Any] | None] = field(default_factory=list)  # pagestarts.page_starts
    in_text: list[str] = field(default_factory=list)  # notes too long for a page, set in the text
    margins: list[dict[str, Any]] = field(default_factory=list)  # a layered chunk's, margins.py
    seconds: float = 0.0


# Set in each worker by `start_worker`: the page counts of the chunks laid out so far (-1:
# not yet, -2: failed), the condition that announces a new count, and the progress queue; on a
# cluster, "ask" instead: (this chunk's page count) -> its offset (cluster.py).
_shared: dict[str, Any] = {}


def start_worker(counts: Any, condition: Any, progress: Any,
                 scratch: Path | None = None) -> None:
    """Initialise a worker process: remember the shared state, hook the folio counter (and
    the error WeasyPrint logs for an image without alt text, see tagging.py, and its line
    breaking, see hyphenation.py, and its pagination, see makeup.py); put its temporary files
    into `scratch`, which the parent removes (scratch.py)."""
    from octavo.backends.pdf.hyphenation import hook_hyphenation
    from octavo.backends.pdf.makeup import hook_make_up
    from octavo.backends.pdf.tagging import hook_missing_alt, hook_tags

    if scratch is not None:
        use(scratch)
    _shared.update(counts=counts, condition=condition, progress=progress)
    hook_folios()
    hook_missing_alt()
    hook_tags()
    hook_hyphenation()
    hook_make_up()


def render_chunk(job: ChunkJob) -> ChunkResult:
    """Lay out `job`'s HTML, learn its folio offset, write its PDF; report progress."""
    started = time.perf_counter()
    try:
        result = _render(job)
    except BaseException:
        _publish(job.index, -2)
        raise
    result.seconds = time.perf_counter() - started
    progress = _shared.get("progress")
    if progress is not None:
        progress.put((job.index, result.pages))
    return result


def _render(job: ChunkJob) -> ChunkResult:
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import FatalURLFetchingError

    from octavo.backends.pdf.fetcher import BookFetcher, failures_raised
    from octavo.errors import BuildError

    try:
        return _lay_out(job, HTML, CSS, FontConfiguration, BookFetcher, failures_raised)
    except FatalURLFetchingError as exc:
        raise BuildError(str(exc)) from None


def _lay_out(job: ChunkJob, HTML: Any, CSS: Any, FontConfiguration: Any, BookFetcher: Any,  # noqa: N803
             failures_raised: Any) -> ChunkResult:

    fetcher = BookFetcher(list(job.allowed))
    fonts = FontConfiguration()
    state: dict[str, Any] = {"offset": job.offset, "job": job, "layered": job.layered}
    with failures_raised():
        stylesheets = [CSS(string=css, url_fetcher=fetcher, font_config=fonts)
                       for css in job.stylesheets]
        document_html = HTML(string=job.html, base_url=job.base_url, url_fetcher=fetcher)
        _folio_state.update(state)
        try:
            document, result_notes = render_placing_notes(document_html, stylesheets, fonts,
                                                          fetcher, CSS)
        finally:
            offset = _folio_state.get("offset")
            announced = _folio_state.get("announced", False)
            _folio_state.clear()
        if not announced:  # the hook did not run: announce the page count now
            offset = _wait_for_offset(job, len(document.pages))
        result = _describe(document, offset)
        from octavo.backends.pdf.pagestarts import page_starts
        from octavo.backends.pdf.tagging import finisher

        result.starts = page_starts(document, front=job.index < 0, numbered=not job.layered)
        result.in_text = result_notes
        _keep_links_out(document, result)
        if job.layered:
            from octavo.backends.pdf.margins import take_margins

            result.margins = take_margins(document)
        document.write_pdf(job.target, pdf_variant=job.variant or None,
                           pdf_identifier=job.identifier,
                           pdf_version="1.7" if not job.variant else None,
                           finisher=finisher(job.variant))
    return result


def render_placing_notes(document_html: Any, stylesheets: list[Any], fonts: Any, fetcher: Any,
                         CSS: Any) -> tuple[Any, list[str]]:  # noqa: N803
    """The document laid out; a footnote too long for a page (footnotes.Unplaceable) is set in
    the text where it is called, and the document laid out again. With the first words of
    each such note."""
    from octavo.backends.pdf.footnotes import Unplaceable, in_text_css

    moved: dict[str, str] = {}
    while True:
        try:
            return document_html.render(stylesheets=stylesheets, font_config=fonts), list(
                moved.values())
        except Unplaceable as unplaceable:
            fresh = {key: words for key, words in unplaceable.notes.items() if key not in moved}
            if not fresh:  # the theme's CSS keeps them floating: say which, not a traceback
                from octavo.errors import BuildError

                raise BuildError("footnotes longer than a page, which the theme's stylesheet "
                                 "keeps at the foot of the page: " + "; ".join(
                                     f'"{words}"' for words in unplaceable.notes.values())
                                 ) from None
            moved.update(fresh)
            stylesheets = [*stylesheets, CSS(string=in_text_css(list(fresh)),
                                             url_fetcher=fetcher, font_config=fonts)]


def _describe(document: Any, offset: int) -> ChunkResult:
    """The chunk's anchors, bookmarks and links, with positions as the PDF has them."""
    scale = 0.75  # CSS px to PDF points, as WeasyPrint writes them
    result = ChunkResult(pages=len(document.pages), offset=offset)
    for number, page in enumerate(document.pages):
        height = page.height * scale
        for name, (x, y, _w, _h) in page.anchors.items():
            result.anchors.setdefault(name, (number, x * scale, height - y * scale))
        for level, label, (x, y), state in page.bookmarks:
            result.bookmarks.append((number, level, label, x * scale, height - y * scale,
                                     state))
    return result


def _keep_links_out(document: Any, result: ChunkResult) -> None:
    """Keep the links to anchors in other chunks: WeasyPrint drops a link to an anchor it does
    not have, so each such anchor is named on the chunk's first page. WeasyPrint writes (and
    tags) the link with the anchor's name as its destination; the join names every anchor
    where it really is (`result.anchors`, which these are not in)."""
    if not document.pages:
        return
    names = document.pages[0].anchors
    for page in document.pages:
        for kind, target, _rect, _box in page.links:
            if kind == "internal" and target not in result.anchors:
                names.setdefault(target, (0, 0, 0, 0))


# The folio hook: WeasyPrint makes the margin boxes (running heads, folios) once every page is
# laid out. A chunk's folios are its own page numbers plus the pages before it, which are known
# only when the earlier chunks are laid out: the hook waits for them at that moment.
_folio_state: dict[str, Any] = {}


def hook_folios() -> None:
    """Hook WeasyPrint's margin boxes: folios offset by the chunk, page counters noted."""
    import weasyprint.layout as layout

    from octavo.backends.pdf.pagestarts import COUNTER_ATTRIBUTE

    if getattr(layout.make_margin_boxes, "octavo_hook", False):
        return
    original = layout.make_margin_boxes

    def make_margin_boxes(context: Any, page: Any, state: Any) -> Any:
        """WeasyPrint's, with the page counter moved on by the chunk's offset (and noted on
        the page, for its folio in the EPUB's page-list)."""
        if _folio_state:
            if not _folio_state.get("announced"):
                pages = len(context.page_maker) - 1
                _folio_state["offset"] = _wait_for_offset(_folio_state["job"], pages)
                _folio_state["announced"] = True
            offset = _folio_state["offset"]
            if offset:
                counters = dict(state[1])
                page_counter = list(counters.get("page", [0]))
                page_counter[-1] += offset
                counters["page"] = page_counter
                state = (state[0], counters, *state[2:])
        with contextlib.suppress(KeyError, IndexError, TypeError):
            setattr(page, COUNTER_ATTRIBUTE, state[1]["page"][-1])
        if _folio_state.get("layered"):
            from octavo.backends.pdf.margins import recorded

            return recorded(original, context, page, state)
        return original(context, page, state)

    make_margin_boxes.octavo_hook = True  # type: ignore[attr-defined]
    layout.make_margin_boxes = make_margin_boxes


def _publish(index: int, pages: int) -> None:
    counts, condition = _shared.get("counts"), _shared.get("condition")
    if counts is None or not 0 <= index < len(counts):  # the front; a chunk's piece (layered)
        return
    with condition:
        counts[index] = pages
        condition.notify_all()


def _wait_for_offset(job: ChunkJob, pages: int) -> int:
    """Announce this chunk's page count; wait for the earlier chunks' to number its pages."""
    if job.offset is not None:
        _publish(job.index, pages)
        return job.offset
    ask = _shared.get("ask")
    if ask is not None:  # a chunk laid out on a cluster: the task that runs it knows
        return int(ask(pages))
    counts, condition = _shared["counts"], _shared["condition"]
    with condition:
        counts[job.index] = pages
        condition.notify_all()
        while True:
            earlier = counts[: job.index]
            if any(c == -2 for c in earlier):
                raise ChunkAborted(f"chunk {job.index}: an earlier chunk failed")
            if all(c >= 0 for c in earlier):
                break
            condition.wait(WAIT_STEP)
    return body_offset(job.pages_before, list(earlier))


def body_offset(pages_before: int, counts: list[int]) -> int:
    """The pages of the body before a chunk: each chunk opens on a right-hand (odd) page."""
    total = pages_before
    for count in counts:
        total += count + count % 2
    return total


def cpu_count() -> int:
    """The CPUs this process may run on."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
               else os.cpu_count() or 1)


def most_jobs() -> int:
    """The most processes `--jobs` may start: layout is CPU work, and more processes than
    twice the CPUs only share them, each holding its own WeasyPrint and book (--jobs 300 on
    two CPUs took 11 GB and did not finish)."""
    return 2 * cpu_count()


def worker_count(jobs: int | None) -> int:
    """How many worker processes: as asked, at most most_jobs(); else one per CPU, at most 4."""
    if jobs is not None:
        return max(1, min(jobs, most_jobs()))
    return min(4, cpu_count())


def may_fork() -> bool:
    """Whether this process may fork one of its own: a daemonic process (a pool's worker) may
    have no children, and where there is no fork a new interpreter imports all again."""
    return "fork" in multiprocessing.get_all_start_methods() \
        and not multiprocessing.current_process().daemon


class WarmPool:
    """Worker processes started before the manuscript is read (`build` starts them when the
    PDF is wanted): each imports WeasyPrint in `start_worker` while this process reads, so
    the first chunk is laid out as soon as it is cut, and this process may never import it.
    The PDF's runner takes them (parallel.py); `close` ends them if it does not, and the join's
    process (`join_press`) that `build` forked just before them."""

    CAPACITY = 4096  # the chunks and pieces whose page counts the workers share

    def __init__(self, workers: int, join_press: Any = None) -> None:
        from concurrent.futures import ProcessPoolExecutor

        # The join's process (join.JoinPress), forked before this pool starts any thread.
        self.join_press = join_press
        context = fork_context()
        self.workers = workers
        self.counts: Any = context.Array("i", self.CAPACITY, lock=False)
        self.condition: Any = context.Condition()
        self.queue: Any = context.Queue()
        self.scratch = for_children()
        self.pool = ProcessPoolExecutor(
            workers, mp_context=context, initializer=start_worker,
            initargs=(self.counts, self.condition, self.queue, self.scratch))
        self.taken = False  # by a runner, which shuts them down when it is done
        self.pool.submit(int)  # the processes start now, not when the first chunk is sent

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)
        remove(self.scratch)
        if self.join_press is not None:
            self.join_press.close()


def fork_context() -> multiprocessing.context.BaseContext:
    """Fork where there is fork (workers start warm, no re-import); spawn elsewhere."""
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")
