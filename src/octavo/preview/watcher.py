"""`octavo watch`: rebuild the book on every save and keep the preview page's book current."""

from __future__ import annotations

import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path

from octavo.backends.pdf.settings import PrintSettings
from octavo.build import book_folder, build
from octavo.config import load_config
from octavo.diagnostics import Diagnostics
from octavo.errors import OctavoError
from octavo.preview.server import PreviewServer, PreviewState
from octavo.preview.snapshot import take_snapshot

Fingerprint = frozenset[tuple[str, int, int]]
RESCAN_SECONDS = 1.0  # with no event for this long, the inputs are compared anyway


def _say(line: str) -> None:
    """The line and its newline in one write: `print` writes them apart, and a Ctrl-C between
    the two left "stopped" on the end of the line before it."""
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


class Watcher:
    """Builds the book in `root` whenever its inputs change and publishes each good build."""

    def __init__(self, root: Path, state: PreviewState, out_dir: Path | None = None,
                 theme_name: str | None = None, debug: bool = False,
                 say: Callable[[str], None] = _say) -> None:
        self.root = root.resolve()
        self.state = state
        self.out_dir = out_dir
        self.theme_name = theme_name
        self.debug = debug
        self.say = say
        self.generation = 0
        self.listening = threading.Event()  # set while the operating system's watch is in place

    def inputs(self) -> list[Path]:
        """What to watch: book.toml, the manuscript folder and the book's styles/."""
        manuscript = self.root / "manuscript"
        extra: list[Path] = []
        try:
            config = load_config(self.root, Diagnostics())
            manuscript = config.build.manuscript
            cover = config.book.get("cover")
            if isinstance(cover, Path) and not cover.is_relative_to(manuscript):
                extra.append(cover)
        except OctavoError:
            pass
        paths = [self.root / "book.toml", manuscript, self.root / "styles", *extra]
        return [path for path in paths if path.exists()]

    def fingerprint(self) -> Fingerprint:
        """Every watched file's name, size and time: a change missed between watchers shows here."""
        seen = set()
        for path in self.inputs():
            for file in [path] if path.is_file() else path.rglob("*"):
                try:
                    info = file.stat()
                except OSError:
                    continue
                seen.add((str(file), info.st_mtime_ns, info.st_size))
        return frozenset(seen)

    def rebuild(self) -> bool:
        """Build once; publish the result or the error. True if the build succeeded."""
        self.state.started()
        diagnostics = Diagnostics()
        started = time.perf_counter()
        try:
            outputs = build(self.root, diagnostics, theme_name=self.theme_name, out_dir=self.out_dir)
            files = {output.format: (output.path.name, output.path.read_bytes()) for output in outputs}
            self.generation += 1
            printed: PrintSettings = load_config(self.root, Diagnostics()).settings["pdf"]
            snapshot = take_snapshot(self.generation, self.state.title, files.get("epub"),
                                     files.get("pdf"), (printed.top, printed.bottom))
        except OctavoError as exc:
            message = exc.render(self.root)
            self.state.fail(message)
            for line in message.splitlines():
                print(f"error: {line}", file=sys.stderr, flush=True)
            return False
        except Exception as exc:  # a bug of ours: keep watching, say so in one line
            message = f"internal error: {type(exc).__name__}: {exc}"
            self.state.fail(message)
            print(f"error: {message}", file=sys.stderr, flush=True)
            if self.debug:
                traceback.print_exc()
            return False
        self.state.publish(snapshot)
        for warning in diagnostics.warnings:
            print(f"warning: {warning}", file=sys.stderr, flush=True)
        names = ", ".join(name for name, _ in files.values())
        self.say(f"built {names} in {time.perf_counter() - started:.1f} s")
        return True

    def changes(self, stop: threading.Event) -> Iterator[set[tuple[object, str]]]:
        """Batches of changes to the inputs, as the file-watching library reports them, and an
        empty batch every RESCAN_SECONDS without one (the caller compares fingerprints then,
        so a change made before the operating system's watch began is not lost).

        `listening` is set once a watch is in place. The watcher is made anew after book.toml
        changes (it may name another manuscript folder, and an editor that saves by renaming
        leaves the old file's watch behind).
        """
        import watchfiles

        while not stop.is_set():
            self.listening.clear()
            paths = self.inputs()
            # No manuscript folder yet: watch the book folder itself (not its subfolders) until
            # one appears, then watch anew.
            complete = _has_manuscript(paths)
            for batch in watchfiles.watch(*(paths if complete else [self.root]), recursive=complete,
                                          stop_event=stop, raise_interrupt=True,
                                          yield_on_timeout=True,
                                          rust_timeout=int(RESCAN_SECONDS * 1000)):
                self.listening.set()  # the watch exists: it has waited, or seen a change
                yield batch
                if not complete and (batch or _has_manuscript(self.inputs())):
                    break
                if any(Path(path).name == "book.toml" for _, path in batch):
                    break

    def run(self, stop: threading.Event) -> None:
        """Build, then rebuild after every change until `stop` is set (or Ctrl-C)."""
        built = self.fingerprint()
        self.rebuild()
        for _batch in self.changes(stop):
            while True:  # build until the inputs stand still
                before = self.fingerprint()
                if before == built:
                    break
                self.say("change seen: rebuilding")
                self.rebuild()
                built = before


def _has_manuscript(paths: list[Path]) -> bool:
    return any(path.is_dir() and path.name != "styles" for path in paths)


class CtrlC(KeyboardInterrupt):
    """Ctrl-C while watching, raised instead of KeyboardInterrupt itself.

    CPython (since 3.8; seen on 3.11) marks a KeyboardInterrupt that leaves code run by
    `exec()` or `eval()` of source text as never caught and, once `python -m octavo` has
    returned, kills itself with SIGINT: caught or not, the exit code is lost. `dataclasses` and
    `namedtuple` make their methods so, at import: Ctrl-C during the first build's imports
    ended `octavo watch`, which had stopped cleanly, by signal. The mark is for that exact
    type, not for a subclass, which stops everything that KeyboardInterrupt stops.
    """


def _ctrl_c(signum: int, frame: object) -> None:
    raise CtrlC


def watch(root: Path, port: int = 0, out_dir: Path | None = None, theme_name: str | None = None,
          debug: bool = False, say: Callable[[str], None] = _say) -> int:
    """Serve the preview page and rebuild on change until Ctrl-C; return the exit code."""
    root = book_folder(root)
    state = PreviewState(title=root.name)
    server = PreviewServer(state, port)
    thread = threading.Thread(target=server.serve_forever, name="preview", daemon=True)
    thread.start()
    stop = threading.Event()
    # Python's own Ctrl-C handler replaced, not one set by others or SIGINT ignored (a job in
    # the background); only the main thread may set a handler, and only it is interrupted.
    ours = threading.current_thread() is threading.main_thread() and \
        signal.getsignal(signal.SIGINT) is signal.default_int_handler
    try:
        if ours:  # before the first line: the cue that Ctrl-C now stops cleanly
            signal.signal(signal.SIGINT, _ctrl_c)
        say(f"previewing on {server.url}")
        say("watching book.toml, manuscript/ and styles/; press Ctrl-C to stop")
        Watcher(root, state, out_dir, theme_name, debug, say).run(stop)
    except KeyboardInterrupt:  # CtrlC, or watchfiles' own KeyboardInterrupt for it
        pass
    finally:
        try:
            stop.set()
            server.shutdown()
            server.server_close()
        finally:
            if ours:
                signal.signal(signal.SIGINT, signal.default_int_handler)
    say("stopped")
    return 0
