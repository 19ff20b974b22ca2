"""Joins the chunks' PDFs into one book: blank versos, one outline, every anchor, one tag tree."""

from __future__ import annotations

import contextlib
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from octavo.backends.pdf.worker import ChunkResult

# For each page of a piece: the PDF and the page in it of its margin boxes (None: it has none).
Layer = list["tuple[Path, int] | None"]


@dataclass(frozen=True)
class Piece:
    """A chunk's PDF and its facts; `right` when it must open on a right-hand page; `layer`:
    for each of its pages, the page of margin boxes laid over it (margins.py)."""

    pdf: Path
    facts: ChunkResult
    right: bool = True
    layer: Layer | None = None


def join(parts: list[Piece], target: Path, ahead: dict[Path, Any] | None = None) -> int:
    """Write the chunks as one PDF at `target`; returns its page count. `ahead`: chunks'
    PDFs opened before, by path (`JoinPress`), used unless their file has changed since.

    The first chunk (the front matter) gives the document its catalogue, metadata and
    identifier. A chunk that opens on a right-hand page after one that ended on a right-hand
    page gets the blank verso the one-shot layout has there. Anchors become one table of named
    destinations (a chunk's links to another chunk name their target, as WeasyPrint's links
    do), the bookmarks of all chunks make one outline, nested as WeasyPrint nests them, and
    the chunks' structure trees (the reading PDF is tagged) one tree.
    """
    import pikepdf

    from octavo.backends.pdf.subsets import unique_subset_tags
    from octavo.backends.pdf.tagging import merge_structure

    ahead = ahead if ahead is not None else {}
    opened = [_opened_ahead(ahead, part.pdf) or pikepdf.open(part.pdf) for part in parts]
    layers: dict[Path, pikepdf.Pdf] = {}  # open until the book is saved: it copies their streams
    pdf = opened[0]
    starts = [0]
    for part, source in zip(parts[1:], opened[1:], strict=True):
        if part.right and len(pdf.pages) % 2 == 1:
            _add_blank(pdf)
        starts.append(len(pdf.pages))
        with warnings.catch_warnings():  # named destinations are made anew below
            warnings.simplefilter("ignore")
            pdf.pages.extend(source.pages)
        if part.layer is not None:
            for path in {found[0] for found in part.layer if found is not None} - set(layers):
                layers[path] = _opened_ahead(ahead, path) or pikepdf.open(path)
            _lay_over(pdf, starts[-1], [None if found is None else _layer_page(layers, *found)
                                        for found in part.layer])
    pages = list(pdf.pages)
    _destinations(pdf, pages, parts, starts)
    _outline(pdf, parts, starts)
    merge_structure(pdf, opened, starts, [part.facts.pages for part in parts])
    unique_subset_tags(pdf)  # two chunks' subsets of a font may share a tag
    # The chunks' objects in object streams, as WeasyPrint writes them (the tags' thousands
    # of small dictionaries: half the file), and the XMP packet as it was written.
    pdf.save(target, deterministic_id=True, fix_metadata_version=False,
             object_stream_mode=pikepdf.ObjectStreamMode.generate)
    count = len(pages)
    for source in [*opened, *layers.values(), *(unused for unused, _file in ahead.values())]:
        source.close()
    return count


def _opened_ahead(ahead: dict[Path, Any], path: Path) -> Any:
    """The PDF at `path` as opened ahead, if it was and its file is still the one opened."""
    found = ahead.pop(path, None)
    if found is None:
        return None
    pdf, opened = found
    try:
        same = _identity(path) == opened
    except OSError:
        same = False
    if not same:
        pdf.close()
        return None
    return pdf


def _identity(path: Path) -> tuple[int, int, int]:
    """What tells a file from another put in its place: its inode, size and modified time."""
    stat = path.stat()
    return stat.st_ino, stat.st_size, stat.st_mtime_ns


class JoinPress:
    """A process forked before the book is read (when the build has no thread yet), which
    imports pikepdf and opens the chunks' PDFs as the build learns which it keeps from the
    cache; then joins the book's chunks, as `Joining` does, without those seconds."""

    def __init__(self) -> None:
        from octavo.backends.pdf.worker import fork_context

        context = fork_context()
        self._parent, child = context.Pipe()
        self._process: Any = context.Process(target=_serve, args=(child,), daemon=True,
                                             name="octavo-join")
        self._process.start()
        child.close()
        self._sent = False

    def open(self, paths: list[Path]) -> None:
        """Have these PDFs opened now, for the join to come (nothing if the press is gone)."""
        if not self._sent and paths:
            with contextlib.suppress(OSError, ValueError):
                self._parent.send(("open", paths))

    def take(self, parts: list[Piece], target: Path) -> tuple[Any, Any] | None:
        """Send the join; the connection its result comes back on and the process, or None
        if the press cannot take it (the caller joins in a process of its own)."""
        if self._sent or not self._process.is_alive():
            return None
        try:
            self._parent.send(("join", parts, target))
        except (OSError, ValueError):
            return None
        self._sent = True
        return self._parent, self._process

    def close(self) -> None:
        """End the press, joined or not."""
        self._parent.close()
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()


def _serve(connection: Any) -> None:
    """In the press: open the PDFs named, until the join comes; then join and answer."""
    ahead: dict[Path, Any] = {}
    try:
        import pikepdf

        from octavo.backends.pdf import subsets, tagging  # noqa: F401  (the join's imports)

        while True:
            kind, *args = connection.recv()
            if kind == "open":
                for path in args[0]:
                    if path in ahead:
                        continue
                    with contextlib.suppress(Exception):  # the join opens it, and says why
                        identity = _identity(path)
                        ahead[path] = (pikepdf.open(path), identity)
            elif kind == "join":
                parts, target = args
                _join_apart(parts, target, connection, ahead)
                return
    except (EOFError, OSError):  # the build ended without a join for the press
        return


class Joining:
    """`join` in a process of its own (forked), while this one writes the build's other files."""

    def __init__(self, pages: int, connection: Any, process: Any) -> None:
        """A join under way in `process`, whose result comes on `connection`."""
        self.pages = pages
        self._parent, self._process = connection, process

    @classmethod
    def start(cls, parts: list[Piece], target: Path, pages: int,
              press: JoinPress | None = None) -> Joining:
        """The join in `press` if it can take it; else in a process forked now."""
        taken = press.take(parts, target) if press is not None else None
        return cls(pages, *(taken if taken is not None else _fork_join(parts, target)))

    @classmethod
    def in_press(cls, parts: list[Piece], target: Path, pages: int,
                 press: JoinPress) -> Joining | None:
        """The join in the press; None, and nothing forked, if the press cannot take it."""
        taken = press.take(parts, target)
        return cls(pages, *taken) if taken is not None else None

    def wait(self) -> None:
        """Wait for the PDF to be joined; BuildError if it could not be."""
        from octavo.errors import BuildError

        try:
            status, detail = self._parent.recv()
        except (EOFError, OSError):
            status, detail = "failed", f"the process ended (exit code {self._process.exitcode})"
        finally:
            self._parent.close()
            self._process.join()
        if status != "ok" or detail != self.pages:
            raise BuildError(f"cannot join the PDF's chunks: {detail}")

    def stop(self) -> None:
        """End the join, if it still runs (the build failed elsewhere)."""
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()


def _fork_join(parts: list[Piece], target: Path) -> tuple[Any, Any]:
    """A process forked to join the chunks: the connection its result comes on, and it."""
    from octavo.backends.pdf.worker import fork_context

    context = fork_context()
    parent, child = context.Pipe(duplex=False)
    process = context.Process(target=_join_apart, args=(parts, target, child), daemon=True,
                              name="octavo-join")
    process.start()
    child.close()
    return parent, process


def _join_apart(parts: list[Piece], target: Path, connection: Any,
                ahead: dict[Path, Any] | None = None) -> None:
    try:
        connection.send(("ok", join(parts, target, ahead)))
    except BaseException as exc:  # the build reports it, and lands no file
        connection.send(("failed", " ".join(str(exc).split()) or type(exc).__name__))
    finally:
        connection.close()


def _layer_page(layers: dict[Path, Any], path: Path, index: int) -> object:
    """Page `index` of a kept layer of margin boxes. One that lacks it (its facts altered
    since it was written) is removed from the cache, so that the next build draws it anew."""
    pages = layers[path].pages
    if not 0 <= index < len(pages):
        for damaged in (path.with_suffix(".json"), path):
            damaged.unlink(missing_ok=True)
        raise ValueError(f"a kept page of margin boxes is missing from {path.name} (removed "
                         "from the cache: build again)")
    return pages[index]


def _lay_over(pdf: object, first: int, layer: list[object | None]) -> None:
    """Lay each page of `layer` (None: a page without margin boxes) over the book's pages from
    `first` on, marked as an artifact (a folio or running head is not the text, PDF/UA 7.8)."""
    import pikepdf

    assert isinstance(pdf, pikepdf.Pdf)
    for index, source in enumerate(layer):
        if source is None:
            continue
        assert isinstance(source, pikepdf.Page)
        page = pdf.pages[first + index]
        form = source.as_form_xobject()
        form.BBox = source.mediabox  # not the trim: a margin box may paint into the bleed
        form = pdf.copy_foreign(form)
        # The pages of a chunk share one resource dictionary: each gets its own, which names
        # its own margins only.
        resources = pikepdf.Dictionary(page.obj.get("/Resources", pikepdf.Dictionary()))
        resources.XObject = pikepdf.Dictionary(resources.get("/XObject", pikepdf.Dictionary()))
        page.obj.Resources = resources
        name = page.add_resource(form, pikepdf.Name.XObject, pikepdf.Name("/OctavoMargins"))
        page.contents_add(pdf.make_stream(b"q"), prepend=True)
        page.contents_add(pdf.make_stream(b"Q /Artifact BMC q " + name.unparse() + b" Do Q EMC"))


def _add_blank(pdf: object) -> None:
    import pikepdf

    assert isinstance(pdf, pikepdf.Pdf)
    last = pdf.pages[-1].obj
    blank = pikepdf.Dictionary(Type=pikepdf.Name.Page, MediaBox=last.MediaBox,
                               Resources=pikepdf.Dictionary(),
                               Contents=pdf.make_stream(b""))
    for box in ("/TrimBox", "/BleedBox"):
        if box in last:
            blank[box] = last[box]
    pdf.pages.append(pikepdf.Page(blank))


def _destinations(pdf: object, pages: list[object], parts: list[Piece], starts: list[int]) -> None:
    import pikepdf

    assert isinstance(pdf, pikepdf.Pdf)
    names: dict[str, object] = {}
    for part, start in zip(parts, starts, strict=True):
        for name, (page, x, y) in part.facts.anchors.items():
            if name not in names:  # as WeasyPrint does: the first anchor of a name wins
                names[name] = pikepdf.Array([pages[start + page].obj,  # type: ignore[attr-defined]
                                             pikepdf.Name.XYZ, x, y, 0])
    if "/Names" in pdf.Root:
        del pdf.Root.Names
    if not names:
        return
    flat = pikepdf.Array()
    for name in sorted(names):
        flat.append(pikepdf.String(name))
        flat.append(names[name])
    pdf.Root.Names = pikepdf.Dictionary(Dests=pdf.make_indirect(pikepdf.Dictionary(Names=flat)))


def _outline(pdf: object, parts: list[Piece], starts: list[int]) -> None:
    import pikepdf

    assert isinstance(pdf, pikepdf.Pdf)
    marks = [(start + page, level, label, x, y, state)
             for part, start in zip(parts, starts, strict=True)
             for page, level, label, x, y, state in part.facts.bookmarks]
    with pdf.open_outline() as outline:
        outline.root.clear()
        for item in bookmark_tree(marks):
            outline.root.append(_item(item))
    if not marks and "/Outlines" in pdf.Root:
        del pdf.Root.Outlines


Tree = tuple[str, int, float, float, str, list]  # type: ignore[type-arg]


def bookmark_tree(marks: list[tuple[int, int, str, float, float, str]]) -> list[Tree]:
    """Bookmarks (page, level, label, x, y, state) nested as WeasyPrint nests them."""
    root: list[Tree] = []
    skipped: list[int] = []
    last_by_depth: list[list[Tree]] = [root]
    previous = 0
    for page, level, label, x, y, state in marks:
        if level > previous:
            skipped.append(level - previous - 1)
        else:
            temp = level
            while temp < previous:
                temp += 1 + skipped.pop()
            if temp > previous:
                skipped.append(temp - previous - 1)
        previous = level
        depth = level - sum(skipped)
        children: list[Tree] = []
        last_by_depth[depth - 1].append((label, page, x, y, state, children))
        del last_by_depth[depth:]
        last_by_depth.append(children)
    return root


def _item(tree: Tree) -> object:
    import pikepdf

    label, page, x, y, state, children = tree
    item = pikepdf.OutlineItem(label, page, "XYZ", left=x, top=y, zoom=0)
    item.is_closed = state == "closed"
    item.children.extend(_item(child) for child in children)
    return item
