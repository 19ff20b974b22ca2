"""The build: config and manuscript into a Book, then each backend into dist/, atomically."""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from octavo.backends import FORMATS, RenderContext
from octavo.backends.epub.coverpress import CoverPress
from octavo.config import Config, load_config, stable_identifier
from octavo.covers import CACHE_FOLDER, check_cover, cover_png
from octavo.diagnostics import Diagnostics
from octavo.errors import BuildError, OctavoError
from octavo.model import DEFAULT_COLOPHON, Book, Image, Metadata
from octavo.paths import abandoned, book_folder
from octavo.text import slugify, xml_safe
from octavo.themes import Theme, load_theme
from octavo.uptodate import (
    Stamp,
    build_request,
    cache_dir,
    forget,
    listing,
    newest_input_time,
    read_cached_json,
    record_inputs,
    record_outputs,
    write_atomically,
    write_stamp,
)

FACTS = "facts.json"  # in the cache folder: what the last build to land left (RenderContext.facts)
LAST_EPOCH = 253402300799  # 9999-12-31T23:59:59Z: the last time a book's date can print


@dataclass(frozen=True)
class Output:
    """A file the build wrote."""

    format: str  # the format's name, or its companion's ("cover-wrap")
    path: Path
    seconds: float


def load_book(root: Path, diagnostics: Diagnostics, edition: str = "",
              before_reading: Callable[[Config], None] | None = None) -> tuple[Config, Book]:
    """Read book.toml (for `edition`, its tables over the top ones) and the manuscript into a
    Book, transforms applied; `before_reading` is given the config before the manuscript is read."""
    config = load_config(root, diagnostics, edition)
    if before_reading is not None:
        before_reading(config)
    # Imported once the warm processes are forked (a cover press needs none of it): the
    # press starts 0.05 s sooner, and the EPUB waits on it.
    from octavo.readers.base import ImageRegistry, ReadContext
    from octavo.readers.manuscript import read_manuscript
    from octavo.transforms import apply_transforms

    images = ImageRegistry(root, diagnostics=diagnostics)
    context = ReadContext(root=root, diagnostics=diagnostics, images=images,
                          detect_headings=config.build.detect_headings,
                          chapter_pattern=config.build.chapter_pattern, book_title=config.title)
    manuscript = read_manuscript(config.build.manuscript, context)
    diagnostics.note(f"read {manuscript.summary}")
    title = config.title
    if title is None:
        if manuscript.first_heading:
            title = manuscript.first_heading
            diagnostics.note(f"no book.toml: title {title!r} taken from the manuscript")
        else:
            title = root.resolve().name
            diagnostics.note(f"no book.toml: title {title!r} taken from the folder name")
    metadata = _metadata(config, xml_safe(title), manuscript.offered, diagnostics)
    book = Book(
        metadata=metadata,
        front=manuscript.front,
        body=manuscript.body,
        back=manuscript.back,
        images=manuscript.images,
        cover=_cover(config, diagnostics),
    )
    return config, apply_transforms(book, diagnostics)


def build(
    root: Path,
    diagnostics: Diagnostics,
    formats: tuple[str, ...] | None = None,
    theme_name: str | None = None,
    out_dir: Path | None = None,
    jobs: int | None = None,
    progress: bool = False,
    edition: str = "",
    within: bool = False,
    cluster: str | None = None,
) -> list[Output]:
    """Build the book in `root` (or one of its editions); each file replaces the old one only
    once it is complete. `within`: build only those `formats` the edition asks for itself."""
    root = book_folder(root)
    request = build_request(root, formats, theme_name, out_dir, edition, within)
    forget(root, edition)
    with contextlib.ExitStack() as stack:
        press: list[CoverPress] = []
        pool: list[Any] = []

        def warm(config: Config) -> None:
            """Start, as the book is read, the processes that will need a second to start."""
            if _needs_cover_press(root, config, formats, within):
                try:
                    press.append(CoverPress(cover_png))
                except Exception:  # no process to be had here: the cover is made in this one
                    return
                stack.callback(press[0].close)
            elif cluster is None and (workers := _pdf_workers(root, config, formats, within,
                                                              jobs, edition)) > 1:
                from octavo.backends.pdf.join import JoinPress
                from octavo.backends.pdf.worker import WarmPool

                try:  # the join's process first, while this one has no thread to fork with
                    join_press = JoinPress()
                except Exception:  # no process to be had here: the PDF forks its own
                    join_press = None
                try:
                    pool.append(WarmPool(workers, join_press))
                except Exception:  # no processes to be had here: the PDF starts its own
                    if join_press is not None:
                        join_press.close()
                    return
                stack.callback(pool[0].close)

        config, book = load_book(root, diagnostics, edition, warm)
        return _build(root, request, config, book, diagnostics, formats, theme_name, out_dir,
                      jobs, progress, edition, within, cluster, press[0] if press else None,
                      pool[0] if pool else None)


def _wanted(config: Config, formats: tuple[str, ...] | None, within: bool) -> tuple[str, ...]:
    """The formats this build writes: those asked for, else book.toml's; `within`: only
    those of the asked for that the edition writes itself."""
    if within and formats:
        return tuple(name for name in formats if name in config.build.formats)
    return tuple(formats or config.build.formats)


def _pdf_workers(root: Path, config: Config, formats: tuple[str, ...] | None, within: bool,
                 jobs: int | None, edition: str) -> int:
    """How many PDF workers to start as the book is read (backends/pdf/worker.WarmPool): as
    many as the PDF will use, when it is wanted and laid out in chunks (it was last time, or
    the manuscript is long enough for two); else 0."""
    wanted = _wanted(config, formats, within)
    if "pdf" not in wanted:
        return 0
    from octavo.backends.pdf.chunks import CHUNK_CHARS
    from octavo.backends.pdf.parallel import PAGES_RECORD
    from octavo.backends.pdf.worker import may_fork, worker_count

    workers = worker_count(jobs)
    if workers < 2 or not may_fork():
        return 0
    if (cache_dir(root, edition) / PAGES_RECORD).is_file():
        return workers
    with contextlib.suppress(OSError):
        size = sum(p.stat().st_size for p in config.build.manuscript.rglob("*") if p.is_file())
        return workers if size >= 2 * CHUNK_CHARS else 0
    return 0


def _needs_cover_press(root: Path, config: Config, formats: tuple[str, ...] | None,
                       within: bool) -> bool:
    """Whether a build should warm a cover press (backends/epub/coverpress.py) as it reads: it
    writes the EPUB but not the PDF (which imports WeasyPrint anyway), the book gives no cover,
    and no cover is cached yet (a first build)."""
    wanted = _wanted(config, formats, within)
    if "epub" not in wanted or "pdf" in wanted or config.book.get("cover") is not None:
        return False
    from octavo.backends.pdf.worker import may_fork

    if not may_fork():
        return False
    cached = cache_dir(root) / CACHE_FOLDER
    return not (cached.is_dir() and any(cached.glob("*.png")))


def _build(root: Path, request: Any, config: Config, book: Book, diagnostics: Diagnostics,
           formats: tuple[str, ...] | None, theme_name: str | None, out_dir: Path | None,
           jobs: int | None, progress: bool, edition: str, within: bool, cluster: str | None,
           press: CoverPress | None, pool: Any = None) -> list[Output]:
    """Build the book, read, into its files (`build`'s second half)."""
    theme = load_theme(theme_name or config.build.theme, root)
    out = (out_dir or config.build.output).resolve()
    if out == config.build.manuscript or out.is_relative_to(config.build.manuscript):
        raise BuildError("the output folder must not be inside the manuscript folder", out)
    # `octavo watch` watches styles/ too: files written there would set off build after build
    # (and a folder of themes is no place for a book's files).
    styles = (root / "styles").resolve()
    if out.is_relative_to(styles):
        raise BuildError("the output folder must not be inside styles/ (the themes' folder)", out)
    if out.exists() and not out.is_dir():  # mkdir said only "File exists"
        raise BuildError("not a folder: the output folder is where the book's files go; name a "
                         "folder, or one to be made", out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BuildError(f"cannot create output folder: {exc.strerror}", out) from None
    epoch = source_epoch(config)
    slug = edition_slug(config, book.metadata.title)
    _remove_abandoned(out)
    # Every format is written to a partial file first; only when all are complete do they
    # replace the old files together, so dist/ never holds a new EPUB beside an old PDF.
    written: list[tuple[Output, Path]] = []
    finish: list[Any] = []  # what the formats left running (the PDF's join): waited for
    facts = _last_facts(root, edition)
    wanted = _wanted(config, formats, within)
    try:
        # A format that leaves facts for others (the PDF's page map) renders before them.
        for name in sorted(wanted, key=lambda name: not FORMATS[name].leaves):
            backend = FORMATS[name]
            context = RenderContext(book_root=root, source_epoch=epoch, diagnostics=diagnostics,
                                    settings=config.settings.get(name), jobs=jobs,
                                    progress=progress, facts=facts, edition=edition,
                                    cluster=cluster, cover_press=press, finish=finish,
                                    pool=pool if name == "pdf" else None)
            # The format's own file, then its companions (the PDF's cover wrap), which see
            # what it left in this build's facts (the page count): partial files all.
            parts = [(name, backend.render, backend.target(out, slug)),
                     *((c.name, c.render, c.target(out, slug)) for c in backend.companions)]
            for part, render, target in parts:
                started = time.perf_counter()
                partial = out / f".{target.name}.{os.getpid()}.partial"
                written.append((Output(part, target, 0.0), partial))
                try:
                    partial.unlink(missing_ok=True)  # never written through a link left there
                    render(book, theme, partial, context)
                except OSError as exc:
                    raise BuildError(f"cannot write {target.name}: {exc.strerror or exc}",
                                     out) from None
                written[-1] = (Output(part, target, time.perf_counter() - started), partial)
        while finish:
            finish.pop(0).wait()
        for output, partial in written:
            try:
                os.replace(partial, output.path)
            except OSError as exc:
                raise BuildError(f"cannot write {output.path.name}: {exc.strerror or exc}",
                                 out) from None
    finally:
        for running in finish:  # the build failed: nothing may still write a partial file
            running.stop()
        for _output, partial in written:
            with contextlib.suppress(OSError):
                partial.unlink(missing_ok=True)
    order = [part for name in wanted
             for part in (name, *(c.name for c in FORMATS[name].companions))]
    outputs = sorted((output for output, _partial in written),
                     key=lambda output: order.index(output.format))
    _keep_facts(root, facts, edition)
    _stamp(root, request, config, book, theme, outputs, diagnostics)
    return outputs


def edition_slug(config: Config, title: str) -> str:
    """What the build's files are named after: the title's slug, then the edition's name."""
    if not config.edition:
        return slugify(title)
    return f"{slugify(config.main_title or title)}-{config.edition}"


def _last_facts(root: Path, edition: str) -> dict[str, Any]:
    """What the last build to land left for later ones (the print layout's page map)."""
    with contextlib.suppress(OSError, ValueError):
        facts = read_cached_json(cache_dir(root, edition) / FACTS)
        if isinstance(facts, dict):
            return facts
    return {}


def _keep_facts(root: Path, facts: dict[str, Any], edition: str) -> None:
    """Keep this build's facts, now that its files have landed (if the cache can be written)."""
    if not facts:
        return
    folder = cache_dir(root, edition)
    with contextlib.suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True)
        write_atomically(folder / FACTS, json.dumps(facts).encode("utf-8"))


def _remove_abandoned(out: Path) -> None:
    """Partial files of a build that was killed (kill -9) before it could remove them."""
    with contextlib.suppress(OSError):
        for path in out.glob(".*.partial"):
            if abandoned(path):
                with contextlib.suppress(OSError):
                    path.unlink()


def _stamp(root: Path, request: dict[str, object], config: Config, book: Book, theme: Theme,
           outputs: list[Output], diagnostics: Diagnostics) -> None:
    """Record what this build read and wrote, so that an unchanged book is not built again."""
    stamp = Stamp(request=request, notes=list(diagnostics.notes),
                  warnings=list(diagnostics.warnings), editions=list(config.editions))
    manuscript = config.build.manuscript
    files = [root / "book.toml", *(manuscript / name for name in listing(manuscript)),
             *(image.source for image in book.images)]
    if book.cover is not None:
        files.append(book.cover.source)
    printed = config.settings.get("pdf")
    if getattr(printed, "icc_profile", ""):  # the print profile's output intent
        files.append(root / printed.icc_profile)
    folders = [manuscript, root / "styles", *theme.folders]
    files += [folder / name for folder in theme.folders for name in listing(folder)]
    record_inputs(stamp, files, folders)
    record_outputs(stamp, (output.path for output in outputs))
    write_stamp(root, stamp)


def source_epoch(config: Config) -> int:
    """SOURCE_DATE_EPOCH if set, else the newest modification time of the book's inputs."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if value:
        try:
            seconds = max(0, int(value))
        except ValueError:
            raise OctavoError(f"SOURCE_DATE_EPOCH={value!r} is not a number of seconds") from None
        if seconds > LAST_EPOCH:
            raise OctavoError(f"SOURCE_DATE_EPOCH={value!r} is after the year 9999; give the "
                              "seconds since 1970 of a real date")
        return seconds
    return newest_input_time(config.root / "book.toml", config.build.manuscript)


def _metadata(config: Config, title: str, offered: dict[str, Any] | None = None,
              diagnostics: Diagnostics | None = None) -> Metadata:
    """The book's metadata: book.toml's values, and for what it leaves unset, what the
    manuscript says of itself (`offered`: a Gutenberg header, the source's title page)."""
    book = config.book
    offered = offered or {}
    authors = tuple(xml_safe(a) for a in book.get("authors", ()))
    text = {k: xml_safe(str(book.get(k, ""))) for k in
            ("subtitle", "publisher", "date", "description", "rights", "series")}
    taken = []
    if not authors and offered.get("book_authors"):
        authors = tuple(xml_safe(str(a)) for a in offered["book_authors"])
        taken.append(f"author {', '.join(authors)!r}")
    for key in ("subtitle", "date"):
        if not text[key] and offered.get(f"book_{key}"):
            text[key] = xml_safe(str(offered[f"book_{key}"]))
            taken.append(f"{key} {text[key]!r}")
    if taken and diagnostics is not None:
        diagnostics.note(f"{' and '.join(taken)} taken from the manuscript (book.toml wins: set "
                         "them there to change them)")
    if diagnostics is not None:
        _warn_overruled(book, offered, diagnostics)
    return Metadata(
        title=title,
        authors=authors,
        contributors=tuple((xml_safe(str(name)), str(role))
                           for name, role in offered.get("book_contributors", ())),
        language=book.get("language", "en"),
        identifier=book.get("identifier") or stable_identifier(title, authors),
        subjects=tuple(xml_safe(s) for s in book.get("subjects", ())),
        series_index=book.get("series_index"),
        colophon=xml_safe(book.get("colophon", DEFAULT_COLOPHON)),
        **text,
    )


def _warn_overruled(book: dict[str, Any], offered: dict[str, Any],
                    diagnostics: Diagnostics) -> None:
    """Say so when the manuscript's own title page printed an author or subtitle that
    book.toml overrules: those words are in neither output (the title page is Octavo's). A
    note, not a warning: "W. H. Ainsworth" for "William Harrison Ainsworth" is a choice."""
    wanted = {"author": ", ".join(map(str, book.get("authors", ()))),
              "subtitle": str(book.get("subtitle", ""))}
    for what, printed in offered.get("book_printed", ()):
        if printed and wanted[what] and _plain(printed) != _plain(wanted[what]):
            diagnostics.note(f"book.toml gives the {what} {wanted[what]!r}: the manuscript's "
                             f"title page prints {printed!r}, which is left out")


def _plain(text: str) -> str:
    return " ".join(text.split()).casefold()


def _cover(config: Config, diagnostics: Diagnostics) -> Image | None:
    path = config.book.get("cover")
    if path is None:
        return None
    from octavo.images import load_image

    image, note = load_image(path, "cover", "book.toml", None, path.name)
    if note:
        diagnostics.note(f"book.toml: cover: {note}")
    for problem in check_cover(image):
        diagnostics.warn(f"[book] cover: {problem}", "book.toml")
    return image
