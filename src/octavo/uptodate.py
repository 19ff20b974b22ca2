"""No-op rebuilds: a stamp in .octavo-cache/ of what the last build read and wrote."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from octavo import __version__
from octavo.errors import BuildError
from octavo.paths import Refused, abandoned, landing

CACHE_DIR = ".octavo-cache"
STAMP = "build-stamp.json"
SEAL = "seal"  # in the stamp: an HMAC of the rest with this user's secret
EDITIONS_DIR = "editions"  # .octavo-cache/editions/NAME: each edition's own cache
PACKAGE_DIR = Path(__file__).resolve().parent
EARLIEST_ZIP_TIME = 315532800  # 1980-01-01


def cache_dir(root: Path, edition: str = "") -> Path:
    """The book's cache folder (ignored by git; deleting it changes nothing but the time), or
    an edition's own inside it (its stamp, its print layout's facts and chunks).

    A cache folder that is a link out of the book is refused: a book from someone else could
    otherwise make a build write there."""
    folders = [root / CACHE_DIR]
    if edition:
        folders += [folders[0] / EDITIONS_DIR, folders[0] / EDITIONS_DIR / edition]
    for folder in folders:
        if (folder.exists() or folder.is_symlink()) and not _lands_inside(folder, root):
            raise BuildError("refused: a link to a folder outside the book folder; delete it "
                             "(it holds only a cache)", folder)
    return folders[-1]


def _lands_inside(path: Path, root: Path) -> bool:
    try:
        return landing(path).is_relative_to(landing(root))
    except Refused:  # a symlink loop
        return False


def cache_subfolder(cache: Path, name: str) -> Path | None:
    """`cache`/`name`, unless it is a link out of the cache folder: a book from someone else
    could otherwise make a build write, or prune, there."""
    folder = cache / name
    if (folder.exists() or folder.is_symlink()) and not _lands_inside(folder, cache):
        return None
    return folder


def read_cached(path: Path) -> bytes:
    """The bytes of a file of the cache, which must not be a link (OSError if it is): a book
    from someone else could link one to a file outside it, whose bytes a build would then
    put into the book's files. Nor a pipe or device, which could block the build."""
    handle = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
                     | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(handle, "rb") as kept:
        if not stat.S_ISREG(os.fstat(handle).st_mode):
            raise OSError(f"not a regular file: {path}")
        return kept.read()


def read_cached_json(path: Path) -> Any:
    """The JSON of a file of the cache, read as `read_cached` reads (OSError for a link, a pipe
    or a device: /dev/zero would fill the memory, a pipe block the build; ValueError for bad
    JSON, RecursionError too)."""
    try:
        return json.loads(read_cached(path).decode("utf-8"))
    except RecursionError:
        raise ValueError(f"nested too deeply: {path}") from None


_secret: bytes | None = None
SECRET_NAME = "cache-secret"


def local_secret() -> bytes:
    """A random key of this user's, kept outside every book (in ~/.cache/octavo), that the
    keys of the book's caches are made with: an entry someone else put in a book folder they
    give you (a chapter's text, a page of the PDF, a cover) is never taken for one of this
    machine's. Where it cannot be kept, a new one each process: the caches then never hit."""
    global _secret
    if _secret is None:
        _secret = _kept_secret() or os.urandom(32)
    return _secret


def _kept_secret() -> bytes | None:
    """The key kept in the user's cache folder, made (or a damaged one made anew) if need
    be; None where there is no such folder to keep it in."""
    import tempfile

    home = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    if not os.path.isabs(home):  # no home ("~" as is), or a relative path: not inside a book
        return None
    path = Path(home) / "octavo" / SECRET_NAME
    for _attempt in range(2):
        with contextlib.suppress(OSError):
            kept = path.read_bytes()
            if len(kept) >= 32:
                return kept
        try:  # written whole (and synced), then linked: another process reads all or none
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, scratch = tempfile.mkstemp(dir=path.parent, prefix=f".{SECRET_NAME}.")
            try:
                with os.fdopen(handle, "wb") as out:
                    out.write(os.urandom(32))
                    out.flush()
                    os.fsync(out.fileno())
                if path.exists():  # damaged (empty after a crash): replaced
                    os.replace(scratch, path)
                else:
                    with contextlib.suppress(FileExistsError):  # another process was first
                        os.link(scratch, path)
            finally:
                with contextlib.suppress(OSError):
                    os.unlink(scratch)
        except OSError:
            return None
    return None


class KeptEntries:
    """What the last build made, kept in one JSON file of the book's cache (`path`, None keeps
    nothing) under `field`, by keys made with this user's own secret (`digest`): an entry
    someone else wrote into a book folder they give you is never taken. A file of another
    `stamp` (another Octavo, another recipe) is not read; entries `valid` refuses are left out.
    Only the entries this build took (`get`) or made (`put`) are written back (`save`)."""

    def __init__(self, path: Path | None, stamp: str, field: str,
                 valid: Callable[[Any], bool]) -> None:
        self.path, self.stamp, self.field = path, stamp, field
        self.secret = local_secret()
        self.old: dict[str, Any] = {}
        self.new: dict[str, Any] = {}
        with contextlib.suppress(OSError, ValueError, AttributeError):
            data = read_cached_json(path) if path is not None else None
            if isinstance(data, dict) and data.get("stamp") == stamp \
                    and isinstance(data.get(field), dict):
                self.old = {str(k): v for k, v in data[field].items() if valid(v)}

    def digest(self, *parts: bytes) -> str:
        """The key of an entry made from `parts`."""
        digest = hashlib.sha256(self.secret)
        for part in parts:
            digest.update(part + b"\0")
        return digest.hexdigest()[:40]

    def get(self, key: str) -> Any:
        """The entry as the last build kept it, or None; kept again by this build."""
        found = self.old.get(key)
        if found is not None:
            self.new[key] = found
        return found

    def put(self, key: str, value: Any) -> None:
        self.new[key] = value

    def save(self) -> None:
        """Keep this build's entries (only those), unless they are the ones kept already; a
        cache that cannot be written is no error."""
        if self.path is None or self.new == self.old:
            return
        with contextlib.suppress(OSError):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(self.path, json.dumps(
                {"stamp": self.stamp, self.field: self.new}).encode("utf-8"))


class KeptFiles:
    """`KEY.SUFFIX` files in a folder of the cache, each with `KEY.json` (its SHA-256 and what
    else the caller keeps of it); the `keep` most recently used are kept."""

    def __init__(self, cache: Path | None, name: str, suffix: str, keep: int) -> None:
        # A folder that links out of the book is not used: pruning would delete files there.
        self.folder = None if cache is None else cache_subfolder(cache, name)
        self.suffix, self.keep = suffix, keep

    def get(self, key: str) -> tuple[bytes, dict[str, Any]] | None:
        """The file kept for `key` and its facts, if both are there and agree (the hash only
        shows that: the caller checks what the bytes must be); marked as recently used."""
        if self.folder is None:
            return None
        kept, facts_path = self.folder / f"{key}{self.suffix}", self.folder / f"{key}.json"
        try:
            data = read_cached(kept)
            facts = read_cached_json(facts_path)
        except (OSError, ValueError):
            return None
        if not isinstance(facts, dict) or hashlib.sha256(data).hexdigest() != facts.get("sha256"):
            self.discard(key)
            return None
        for path in (kept, facts_path):  # recently used: kept when the folder is pruned
            with contextlib.suppress(OSError):
                os.utime(path)
        return data, facts

    def put(self, key: str, data: bytes, facts: dict[str, Any] | None = None) -> None:
        """Keep `data` (written atomically, before the facts that vouch for it); a cache that
        cannot be written is no error."""
        if self.folder is None:
            return
        vouched = {"sha256": hashlib.sha256(data).hexdigest(), **(facts or {})}
        with contextlib.suppress(OSError):
            self.folder.mkdir(parents=True, exist_ok=True)
            write_atomically(self.folder / f"{key}{self.suffix}", data)
            write_atomically(self.folder / f"{key}.json", json.dumps(vouched).encode("utf-8"))
            self._prune()

    def discard(self, key: str) -> None:
        if self.folder is None:
            return
        for path in (self.folder / f"{key}.json", self.folder / f"{key}{self.suffix}"):
            with contextlib.suppress(OSError):
                path.unlink()

    def _prune(self) -> None:
        """Remove all but the `keep` most recently used files, and what crashed writers left."""
        assert self.folder is not None
        entries = sorted(self.folder.glob(f"[!.]*{self.suffix}"), key=lambda p: p.stat().st_mtime,
                         reverse=True)
        for old in entries[self.keep:]:
            self.discard(old.stem)
        for partial in self.folder.glob(".*"):
            if abandoned(partial):
                with contextlib.suppress(OSError):
                    partial.unlink()


def add_files(digest: Any, folders: Iterable[Path]) -> None:
    """Add every file under `folders` to `digest` (a hashlib object): its path and its bytes'
    SHA-256 (a theme's fonts and images, which its stylesheets refer to)."""
    for folder in folders:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            digest.update(str(path).encode() + b"\0" + file_digest(path).encode())


def file_digest(path: Path) -> str:
    """The SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


_code: str | None = None


def code_fingerprint() -> str:
    """Octavo's version and a hash of its own files: a changed Octavo never reuses old work."""
    global _code
    if _code is None:
        digest = hashlib.sha256(__version__.encode())
        for path in sorted(PACKAGE_DIR.rglob("*")):
            if path.is_file() and path.suffix in (".py", ".html", ".toml", ".css", ".txt"):
                digest.update(str(path.relative_to(PACKAGE_DIR)).encode())
                digest.update(path.read_bytes())
        _code = digest.hexdigest()[:32]
    return _code


def weasyprint_version() -> str:
    """The installed WeasyPrint's version, from its package's metadata: known without the
    third of a second importing it takes (a build that lays nothing out here never does)."""
    from importlib import metadata

    return metadata.version("weasyprint")


def newest_input_time(book_toml: Path, manuscript: Path) -> int:
    """The newest modification time of book.toml and the manuscript's files."""
    inputs = [book_toml, *manuscript.rglob("*")]
    times = [int(p.stat().st_mtime) for p in inputs if p.is_file()]
    return max(times, default=EARLIEST_ZIP_TIME)


def listing(folder: Path) -> list[str]:
    """Every file below `folder`, as sorted relative paths (empty when it does not exist)."""
    if not folder.is_dir():
        return []
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


@dataclass
class Stamp:
    """What one build read (files and folders, by content) and wrote (files, by size and time,
    and by content for `octavo check`)."""

    request: dict[str, object]
    inputs: dict[str, str] = field(default_factory=dict)
    folders: dict[str, list[str]] = field(default_factory=dict)
    outputs: dict[str, list[Any]] = field(default_factory=dict)  # size, mtime_ns, SHA-256
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    editions: list[str] = field(default_factory=list)  # book.toml's [editions.NAME], as built

    def holds(self, request: dict[str, object]) -> bool:
        """True when the same request finds the same inputs and the outputs as they were left."""
        if request != self.request:
            return False
        for folder, names in self.folders.items():
            if listing(Path(folder)) != names:
                return False
        for name, recorded in self.outputs.items():
            try:
                info = os.stat(name)
            except OSError:
                return False
            if [info.st_size, info.st_mtime_ns] != recorded[:2]:
                return False
        try:
            return all(_digest_or_missing(Path(p)) == digest for p, digest in self.inputs.items())
        except OSError:
            return False


def build_request(root: Path, formats: Iterable[str] | None, theme: str | None,
                  out_dir: Path | None, edition: str = "", within: bool = False) -> dict[str, object]:
    """What a build was asked for, and everything outside the files that changes its output."""
    return {
        "edition": edition,
        "within": within,
        "octavo": code_fingerprint(),
        "formats": sorted(formats) if formats else None,
        "theme": theme,
        "out": str(out_dir.resolve()) if out_dir else None,
        "source_date_epoch": os.environ.get("SOURCE_DATE_EPOCH", "").strip(),
        "root": str(root.resolve()),
    }


def read_stamp(root: Path, edition: str = "") -> Stamp | None:
    """The last build's stamp, or None when there is none or it cannot be read."""
    try:
        data = read_cached_json(cache_dir(root, edition) / STAMP)
        seal = data.pop(SEAL, "") if isinstance(data, dict) else ""
        if not (isinstance(seal, str) and hmac.compare_digest(seal.encode(), _seal(data).encode())):
            return None  # written by another user's machine (or altered): never ours
        return Stamp(**data)
    except (OSError, ValueError, TypeError):
        return None


def _seal(fields: dict[str, Any]) -> str:
    """An HMAC of a stamp's fields with this user's secret (`local_secret`). A book folder
    someone else gives you could hold a stamp that matches here (the same Octavo, a path easy
    to guess) and dist/ files of their choosing: unsealed, the build said "up to date" and
    kept their files instead of building the manuscript."""
    body = json.dumps(fields, sort_keys=True, separators=(",", ":")).encode("utf-8")
    return hmac.new(local_secret(), body, hashlib.sha256).hexdigest()


def up_to_date(root: Path, request: dict[str, object]) -> Stamp | None:
    """The last build's stamp if building again would write exactly the files already there."""
    stamp = read_stamp(root, str(request.get("edition") or ""))
    if stamp is None or not stamp.holds(request):
        return None
    return stamp


def write_stamp(root: Path, stamp: Stamp) -> None:
    """Record a finished build (atomically); a stamp that cannot be written is no error."""
    folder = cache_dir(root, str(stamp.request.get("edition") or ""))
    with contextlib.suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True)
        fields = json.loads(json.dumps(stamp.__dict__))  # sealed as read_stamp will see them
        write_atomically(folder / STAMP, json.dumps({**fields, SEAL: _seal(fields)},
                                                    indent=1).encode("utf-8"))


def write_atomically(path: Path, data: bytes) -> None:
    """Write `path` whole or not at all: a dot-file beside it first, then renamed over it (a
    reader never sees half a file; a crashed writer's `.NAME.PID.partial` is left to prune).

    A link at `path` is replaced, not written through (the book may come from anyone: its
    cache could link to a file outside it), and so is one where the dot-file goes: that is
    made anew, never opened through a link."""
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    with contextlib.suppress(FileNotFoundError):
        partial.unlink()
    handle = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0),
                     0o666)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(partial, path)
    except BaseException:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise


def forget(root: Path, edition: str = "") -> None:
    """Remove the stamp, so that the next build runs in full."""
    with contextlib.suppress(OSError):
        (cache_dir(root, edition) / STAMP).unlink()


def record_inputs(stamp: Stamp, files: Iterable[Path], folders: Iterable[Path]) -> None:
    """Add the files a build read (hashed) and the folders whose listing it depends on."""
    for path in files:
        with contextlib.suppress(OSError):
            stamp.inputs[str(path.resolve())] = _digest_or_missing(path)
    for folder in folders:
        stamp.folders[str(folder.resolve())] = listing(folder)


def record_outputs(stamp: Stamp, files: Iterable[Path]) -> None:
    """Add the files a build wrote, by size and modification time (a no-op build compares
    those) and by SHA-256 (`octavo check` compares that: a millisecond or two a megabyte)."""
    for path in files:
        info = path.stat()
        stamp.outputs[str(path)] = [info.st_size, info.st_mtime_ns, file_digest(path)]


def changed_outputs(root: Path, files: Iterable[Path]) -> list[Path]:
    """Those of `files` that the last build of the book in `root` wrote and that no longer
    hold what it wrote: changed, replaced or removed since. A file it did not write, or did
    not record by content, is not judged."""
    stamp = read_stamp(root)
    if stamp is None:
        return []
    changed = []
    for path in files:
        recorded = stamp.outputs.get(str(path))
        if not isinstance(recorded, list) or len(recorded) < 3:
            continue
        try:
            same = file_digest(path) == recorded[2]
        except OSError:
            same = False
        if not same:
            changed.append(path)
    return changed


def _digest_or_missing(path: Path) -> str:
    """A file's digest, or "missing" (a book.toml added later must be noticed too)."""
    return file_digest(path) if path.is_file() else "missing"
