"""The `octavo` command line: parse arguments, run a command, turn errors into exit codes."""

from __future__ import annotations

import argparse
import atexit
import contextlib
import os
import select
import sys
import threading
import time
import traceback
from collections.abc import Sequence
from pathlib import Path

from octavo import __version__
from octavo.backends import FORMATS, endings
from octavo.backends.pdf import libsearch
from octavo.backends.pdf.printers import PRINTERS
from octavo.backends.scratch import temporary_files
from octavo.diagnostics import Diagnostics
from octavo.errors import (
    CheckError,
    OctavoError,
    StrictError,
    UsageError,
    landing_or_self,
    one_line,
)
from octavo.paths import book_folder

INTERNAL_ERROR = 70
PIPE_GONE = 141  # as a shell reports a command that SIGPIPE ended (128 + 13)


def parser() -> argparse.ArgumentParser:
    """The argument parser for every subcommand."""
    top = argparse.ArgumentParser(
        prog="octavo",
        description="Turn a manuscript of plain files into an EPUB 3 and a print-ready PDF.",
    )
    top.add_argument("--version", action="version", version=f"octavo {__version__}")
    commands = top.add_subparsers(dest="command", metavar="COMMAND")

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    common.add_argument("--strict", action="store_true", help="treat warnings as errors")
    common.add_argument("-q", "--quiet", action="store_true", help="print only problems")
    book = argparse.ArgumentParser(add_help=False)
    book.add_argument("book_dir", nargs="?", default=".", type=Path, metavar="BOOK_DIR",
                      help="the book folder (default: the current folder)")

    build = commands.add_parser(
        "build", parents=[common, book], help="build the EPUB and PDF",
        description="Build the book in BOOK_DIR into its output folder, with every edition "
                    "book.toml names; or, when BOOK_DIR is a shelf (a folder of book folders, or "
                    "one with a shelf.toml), every book on it.")
    build.add_argument("--format", choices=(*FORMATS, "all"), default=None,
                       help="which file to build (default: [build] formats, or all)")
    build.add_argument("--theme", metavar="NAME", help="use this theme instead of book.toml's")
    build.add_argument("--out", type=Path, metavar="DIR",
                       help="write here instead of BOOK_DIR/dist")
    build.add_argument("--jobs", "-j", type=_jobs, metavar="N", default=None,
                       help="lay out the PDF in N processes (default: one per CPU, at most 4); "
                            "for a shelf, build N books at once (default: one per CPU); never "
                            "more than twice the CPUs")
    build.add_argument("--edition", type=_edition, metavar="NAME",
                       help="build only this edition ([editions.NAME] in book.toml)")
    build.add_argument("--cluster", metavar="tcp://HOST:PORT",
                       help="build the shelf's books on this Dask scheduler's workers "
                            "(pip install 'octavo[cluster]')")
    build.set_defaults(run=run_build)

    check = commands.add_parser(
        "check", parents=[common, book], help="check the EPUB, the PDF and the manuscript",
        description="Build BOOK_DIR if needed, then check its EPUB (EPUBCheck), its PDF (fonts, "
                    "page size, contents), every word in both, and the manuscript's typography; "
                    "with --printer, the printer's preflight of the print PDF.")
    check.add_argument("--out", type=Path, metavar="DIR", help="the output folder to check")
    check.add_argument("--json", action="store_true", help="print the findings as JSON")
    check.add_argument("--printer", nargs="?", const=True, choices=tuple(PRINTERS),
                       metavar="PRINTER",
                       help="also run this printer's preflight of the print PDF: "
                            f"{', '.join(PRINTERS)} (alone: book.toml's [print] printer)")
    check.set_defaults(run=run_check)

    proof = commands.add_parser(
        "proof", parents=[common, book], help="render the opening spreads of every chapter to PNG",
        description="Build BOOK_DIR's PDF if needed and put a contact sheet of each chapter's "
                    "first spread in dist/proof/.")
    proof.add_argument("--out", type=Path, metavar="DIR", help="the output folder")
    proof.set_defaults(run=run_proof)

    watch = commands.add_parser(
        "watch", parents=[common, book], help="rebuild on every save and preview the book",
        description="Build BOOK_DIR, then rebuild it whenever book.toml, manuscript/ or styles/ "
                    "change, and serve a preview page on 127.0.0.1 that reloads itself. "
                    "Ctrl-C stops it.")
    watch.add_argument("--port", type=int, default=0,
                       help="the preview page's port (default: a free one)")
    watch.add_argument("--theme", metavar="NAME", help="use this theme instead of book.toml's")
    watch.add_argument("--out", type=Path, metavar="DIR",
                       help="write here instead of BOOK_DIR/dist")
    watch.set_defaults(run=run_watch)

    init = commands.add_parser("init", parents=[common], help="make a new book folder",
                               description="Make a new book folder in DIR, ready to build.")
    init.add_argument("book_dir", type=Path, metavar="DIR", help="the new book's folder")
    init.add_argument("--title", help="the book's title (default: from the folder's name)")
    init.add_argument("--author", help="the author's name")
    init.set_defaults(run=run_init)

    imports = commands.add_parser(
        "import", parents=[common], help="make a book folder from a Word document",
        description="Make a new book folder from FILE.docx: book.toml from the document's "
                    "title and author, one Markdown file per chapter, its pictures in "
                    "manuscript/images/.")
    imports.add_argument("source", type=Path, metavar="FILE.docx", help="the Word document")
    imports.add_argument("book_dir", nargs="?", default=None, type=Path, metavar="BOOK_DIR",
                         help="the new book's folder (default: named after the title)")
    imports.set_defaults(run=run_import)

    themes = commands.add_parser("themes", parents=[common, book], help="list the themes",
                                 description="List the themes a book can use.")
    themes.set_defaults(run=run_themes)

    theme = commands.add_parser("theme", help="work with a theme",
                                description="Work with a theme.")
    actions = theme.add_subparsers(dest="action", metavar="ACTION", required=True)
    copy = actions.add_parser("copy", parents=[common], help="copy a built-in theme to edit",
                              description="Put an editable copy of a built-in theme into "
                                          "BOOK_DIR/styles/NAME.")
    copy.add_argument("name", metavar="NAME", help="the built-in theme (see octavo themes)")
    copy.add_argument("book_dir", nargs="?", default=".", type=Path, metavar="BOOK_DIR",
                      help="the book folder (default: the current folder)")
    copy.set_defaults(run=run_theme_copy)
    return top


def run() -> None:
    """The `octavo` command: `main`, then an exit that does not free the build's objects.

    A build leaves a million small objects (tokens, trees, strings) that Python frees one by
    one as it exits: 0.15 s of a one-second EPUB build, for nothing. Once the exit handlers
    (temporary folders, child processes) have run and the output is flushed, the process ends
    at once. A command that leaves a thread running exits the usual way, waiting for it."""
    endings.install()  # SIGTERM ends it as Ctrl-C does; what it forks dies with it
    code = main()
    if threading.active_count() > 1:
        sys.exit(code)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe: nothing to flush to
            if stream is not None:  # None: started with the stream closed
                stream.flush()
    os._exit(code)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    args = parser().parse_args(argv)
    if not getattr(args, "command", None):
        parser().print_help()
        return 0
    diagnostics = Diagnostics()
    libsearch.install()  # WeasyPrint's import, a quarter of a second quicker
    with temporary_files():  # what WeasyPrint and the workers leave goes with the command
        return _run(args, diagnostics)


def _run(args: argparse.Namespace, diagnostics: Diagnostics) -> int:
    """Run the parsed command; errors reported in one line (a traceback with --debug)."""
    try:
        _check_current_folder()
        code: int = args.run(args, diagnostics)
    except OctavoError as exc:
        _print_warnings(diagnostics)
        book_dir = getattr(args, "book_dir", None)
        base = landing_or_self(Path(book_dir)) if book_dir is not None else None
        for line in exc.render(base).splitlines():
            print(f"error: {line}", file=sys.stderr)
        if args.debug:
            traceback.print_exc()
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError as exc:
        if not _stdout_gone():  # a pipe of our own processes: a bug of ours
            return _internal_error(exc, args, diagnostics)
        _quiet_stdout()
        return PIPE_GONE
    except Exception as exc:  # a bug of ours: say so in one line unless --debug
        return _internal_error(exc, args, diagnostics)
    return code


def _check_current_folder() -> None:
    """Refuse to start in a current folder that was deleted (or moved) under the shell: every
    relative path fails then, even inside libraries (EbookLib's relpath), as "not found" or as
    an internal error, whatever folder the command was given."""
    try:
        os.getcwd()
    except FileNotFoundError:
        raise UsageError("the current folder no longer exists (it was deleted or moved); cd "
                         "into one that does") from None


def _internal_error(exc: Exception, args: argparse.Namespace, diagnostics: Diagnostics) -> int:
    """A bug of ours, said in one line (a traceback with --debug)."""
    _print_warnings(diagnostics)
    if args.debug:
        traceback.print_exc()
    else:
        print(f"error: internal error: {type(exc).__name__}: {exc} "
              "(run with --debug for details)", file=sys.stderr)
    return INTERNAL_ERROR


def _stdout_gone() -> bool:
    """Whether the standard output is a pipe whose reader has left (`octavo themes | head -1`):
    then a broken pipe is the reader's doing, no error of ours. Linux and macOS poll such a
    pipe's write end as an error."""
    try:
        poller = select.poll()
        poller.register(sys.stdout.fileno(), select.POLLOUT)
        return any(events & select.POLLERR for _fd, events in poller.poll(0))
    except (AttributeError, OSError, ValueError):  # no poll here, or no real stdout (a test's)
        return False


def _quiet_stdout() -> None:
    """Send what is still to be written to nowhere, so that the exit's flush raises nothing."""
    with contextlib.suppress(AttributeError, OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def run_build(args: argparse.Namespace, diagnostics: Diagnostics) -> int:
    """`octavo build`: write the book's files (every edition's) and say what was written."""
    from octavo.shelves.shelf import is_shelf

    started = time.perf_counter()
    formats = None if args.format in (None, "all") else (args.format,)
    if args.format == "all":
        formats = tuple(FORMATS)
    if args.jobs is not None:
        from octavo.backends.pdf.worker import cpu_count, most_jobs

        if args.jobs > most_jobs():
            if not args.quiet:
                print(f"--jobs {args.jobs} lowered to {most_jobs()}, twice the {cpu_count()} "
                      f"CPU{'s' * (cpu_count() != 1)} here: more processes would only share them")
            args.jobs = most_jobs()
    root = book_folder(Path(args.book_dir))
    if args.cluster is not None or is_shelf(root):
        return run_shelf(args, diagnostics, formats)
    from octavo.shelves.alleditions import build_editions

    for done in build_editions(root, formats, args.theme, args.out, args.jobs,
                               progress=not args.quiet, edition=args.edition):
        diagnostics.warnings.extend(w for w in done.diagnostics.warnings
                                    if w not in diagnostics.warnings)
        _print_warnings(diagnostics)
        if args.quiet:
            continue
        label = f"[{done.edition}] " if done.edition else ""
        if done.up_to_date:
            names = ", ".join(_shown(p) for p in done.kept) or "no file for this --format"
            print(f"{label}up to date: {names} (nothing changed since the last build)")
            continue
        for note in done.diagnostics.notes:
            print(f"{label}{note}")
        for output in done.outputs:
            size = output.path.stat().st_size
            print(f"wrote {_shown(output.path)} ({_size(size)}, {output.seconds:.2f} s)")
    if not args.quiet:
        print(f"done in {time.perf_counter() - started:.2f} s"
              + (f", {len(diagnostics.warnings)} warning(s)" if diagnostics.warnings else ""))
    if args.strict and diagnostics.warnings:
        raise StrictError(f"{len(diagnostics.warnings)} warning(s) and --strict is on")
    return 0


def run_shelf(args: argparse.Namespace, diagnostics: Diagnostics,
              formats: tuple[str, ...] | None) -> int:
    """`octavo build SHELF`: every book on the shelf, a line each, on this machine's CPUs or on a
    Dask cluster; exit 1 when any book failed."""
    from octavo.build import book_folder
    from octavo.shelves.shelf import build_shelf, is_shelf, shelf_books

    if args.out is not None:
        raise UsageError("--out names one book's output folder; a shelf's books each write to "
                         "their own")
    root = book_folder(Path(args.book_dir))
    books = shelf_books(root) if is_shelf(root) else [root]  # --cluster: a book is a shelf of one
    report = build_shelf(books, formats=formats, theme=args.theme, edition=args.edition,
                         jobs=args.jobs, cluster=args.cluster,
                         show=None if args.quiet else print)
    for done in report.books:
        for warning in done.warnings:
            print(f"warning: {done.name}: {warning}", file=sys.stderr)
    for line in report.failures():
        print(f"error: {line}", file=sys.stderr)
    print(report.summary())
    if report.failed:
        return 1
    if args.strict and report.warnings:
        raise StrictError(f"{report.warnings} warning(s) and --strict is on")
    return 0


def run_check(args: argparse.Namespace, diagnostics: Diagnostics) -> int:
    """`octavo check`: print the report; fail on errors (and, with --strict, on warnings)."""
    from octavo.checks import BOOK_PRINTER, check

    printer = BOOK_PRINTER if args.printer is True else args.printer
    report = check(args.book_dir, diagnostics, out_dir=args.out, printer=printer)
    diagnostics.shown = len(diagnostics.warnings)  # the report lists them
    print(report.to_json() if args.json else report.to_text())
    if report.errors():
        raise CheckError(f"{len(report.errors())} error(s) found")
    if args.strict and report.warnings():
        raise StrictError(f"{len(report.warnings())} warning(s) and --strict is on")
    return 0


def run_proof(args: argparse.Namespace, diagnostics: Diagnostics) -> int:
    """`octavo proof`: the opening spread of each chapter, as PNG contact sheets."""
    from octavo.checks.proof import proof

    sheets = proof(args.book_dir, diagnostics, out_dir=args.out)
    _print_warnings(diagnostics)
    if not args.quiet:
        for sheet in sheets:
            print(f"wrote {_shown(sheet)}")
    return 0


def run_watch(args: argparse.Namespace, diagnostics: Diagnostics) -> int:
    """`octavo watch`: serve the preview page and rebuild on change until Ctrl-C."""
    from octavo.preview.watcher import watch

    return watch(args.book_dir, port=args.port, out_dir=args.out, theme_name=args.theme,
                 debug=args.debug)


def run_init(args: argparse.Namespace, diagnostics: Diagnostics) -> int:
    """`octavo init DIR`: a new book folder with a first chapter."""
    from octavo.scaffold import init_book

    written = init_book(args.book_dir, args.title, args.author)
    if not args.quiet:
        for path in written:
            print(f"wrote {_shown(path)}")
        print(f"ready: cd {_shown(args.book_dir)} && octavo build")
    return 0


def run_import(args: argparse.Namespace, diagnostics: Diagnostics) -> int:
    """`octavo import FILE.docx [BOOK_DIR]`: a book folder of Markdown from a Word document."""
    from octavo.importer import import_word

    written = import_word(args.source, args.book_dir, diagnostics)
    _print_warnings(diagnostics)
    if not args.quiet:
        chapters = [p for p in written if p.suffix == ".md" and p.parent.name == "manuscript"]
        for note in diagnostics.notes:
            print(note)
        print(f"wrote {len(chapters)} chapter file(s), "
              f"{sum(1 for p in written if p.parent.name == 'images')} image(s) and book.toml "
              f"into {_shown(written[0].parent)}")
        print(f"ready: cd {_shown(written[0].parent)} && octavo build")
    if args.strict and diagnostics.warnings:
        raise StrictError(f"{len(diagnostics.warnings)} warning(s) and --strict is on")
    return 0


def run_themes(args: argparse.Namespace, diagnostics: Diagnostics) -> int:
    """`octavo themes`: each theme, where it comes from, and what it looks like in a line."""
    from octavo.build import book_folder
    from octavo.themes import list_themes

    book_folder(args.book_dir)
    current = _book_theme(args.book_dir)
    themes = list_themes(args.book_dir)
    # A theme's folder name and theme.toml are the author's text: shown with control
    # characters escaped, so that none reaches the terminal as a command.
    rows = [(one_line(t.name), one_line(t.origin + (f", extends {t.extends}" if t.extends else "")),
             one_line(t.description)) for t in themes]
    name_width = max(len(r[0]) for r in rows) + 2
    origin_width = max(len(r[1]) for r in rows) + 2
    for name, origin, description in rows:
        mark = "*" if name == current else " "
        print(f"{mark} {name:<{name_width}}{origin:<{origin_width}}{description}".rstrip())
    if current and not args.quiet:
        print("* the theme book.toml chooses; octavo build --theme NAME tries another")
    return 0


def run_theme_copy(args: argparse.Namespace, diagnostics: Diagnostics) -> int:
    """`octavo theme copy NAME`: an editable copy of a built-in theme in the book's styles/."""
    from octavo.build import book_folder
    from octavo.themes import copy_theme

    book_folder(args.book_dir)  # a folder that is there, as `octavo themes` asks
    target = copy_theme(args.name, args.book_dir)
    if not args.quiet:
        print(f"copied theme {args.name!r} to {_shown(target)}; its files now win over the "
              "built-in ones, file by file")
    return 0


def _jobs(value: str) -> int:
    try:
        jobs = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number") from None
    if jobs < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return jobs


def _edition(value: str) -> str:
    """An edition's name as book.toml's [editions.NAME] may give it: "../x" names no edition,
    and would have named a cache folder outside the book."""
    from octavo.shelves.editions import NAME

    if value and not NAME.match(value):
        raise argparse.ArgumentTypeError(f"{value!r} is not an edition name (lower-case letters, "
                                         "digits and '-', as in large-print)")
    return value


def _book_theme(root: Path) -> str | None:
    """The theme book.toml chooses, or None when it cannot be read."""
    from octavo.config import load_config

    try:
        return load_config(root, Diagnostics()).build.theme
    except OctavoError:
        return None


def _print_warnings(diagnostics: Diagnostics) -> None:
    for warning in diagnostics.warnings[diagnostics.shown :]:
        print(f"warning: {warning}", file=sys.stderr)
    diagnostics.shown = len(diagnostics.warnings)


def _shown(path: Path) -> str:
    """A path as the command line prints it: relative to the current folder when inside it."""
    from octavo.text import relative_name

    return relative_name(path, Path.cwd())


def _size(size: int) -> str:
    return f"{size / 1024:.0f} KB" if size < 1024 * 1024 else f"{size / 1024 / 1024:.1f} MB"
