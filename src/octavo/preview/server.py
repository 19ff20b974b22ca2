"""The preview page's web server: loopback only, and only the files of the current snapshot."""

from __future__ import annotations

import json
import mimetypes
import sys
import threading
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from urllib.parse import unquote

import jinja2

from octavo.backends import FORMATS
from octavo.errors import UsageError
from octavo.preview.snapshot import Snapshot

HOST = "127.0.0.1"
_ASSETS = ("preview.css", "preview.js")
_TYPES = {".xhtml": "application/xhtml+xml", ".css": "text/css", ".js": "text/javascript",
          ".svg": "image/svg+xml", ".otf": "font/otf", ".ttf": "font/ttf", ".woff": "font/woff",
          ".woff2": "font/woff2", ".ncx": "application/x-dtbncx+xml", ".opf": "application/oebps-package+xml",
          ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
          ".xml": "application/xml"}
# The book's own documents may not run scripts, whatever reached them.
_BOOK_POLICY = "default-src 'self' data:; script-src 'none'; style-src 'self' 'unsafe-inline'"
_PAGE_POLICY = "default-src 'self'; img-src 'self' data:; style-src 'self'; frame-src 'self'"


class PreviewState:
    """What the watcher tells the page: the last good snapshot, and the last build's error."""

    def __init__(self, title: str = "") -> None:
        self._lock = threading.Lock()
        self.title = title
        self.snapshot: Snapshot | None = None
        self.error: str | None = None
        self.building = False
        self.built_at: float | None = None

    def started(self) -> None:
        with self._lock:
            self.building = True

    def publish(self, snapshot: Snapshot) -> None:
        """A rebuild succeeded: show its book."""
        with self._lock:
            self.snapshot, self.error, self.building = snapshot, None, False
            self.title = snapshot.title
            self.built_at = time.time()

    def fail(self, message: str) -> None:
        """A rebuild failed: keep the last good book, show why."""
        with self._lock:
            self.error, self.building = message, False

    def view(self) -> tuple[Snapshot | None, dict[str, object]]:
        """The current snapshot and the state as the page polls it, taken together."""
        with self._lock:
            snapshot = self.snapshot
            return snapshot, {
                "generation": snapshot.generation if snapshot else 0,
                "error": self.error,
                "building": self.building,
                "title": self.title,
                "built_at": self.built_at,
            }


class PreviewServer(ThreadingHTTPServer):
    """Serves the preview page for `state` on 127.0.0.1:`port` (0: a free port)."""

    daemon_threads = True

    def __init__(self, state: PreviewState, port: int = 0) -> None:
        self.state = state
        try:
            super().__init__((HOST, port), PreviewHandler)
        except (OSError, OverflowError) as exc:
            reason = getattr(exc, "strerror", None) or exc
            raise UsageError(f"cannot serve the preview on {HOST}:{port}: {reason}") from None
        environment = jinja2.Environment(
            loader=jinja2.PackageLoader("octavo", "templates/preview"), autoescape=True)
        self.page = environment.get_template("page.html")
        folder = resources.files("octavo") / "templates" / "preview"
        self.assets = {name: (folder / name).read_bytes() for name in _ASSETS}

    def handle_error(self, request: object, client_address: object) -> None:
        """A browser that leaves mid-answer (a reload) is no error; anything else is one line."""
        error = sys.exc_info()[1]
        if not isinstance(error, ConnectionError):
            print(f"error: preview server: {type(error).__name__}: {error}", file=sys.stderr,
                  flush=True)

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}/"


def clean_path(raw: str) -> str | None:
    """The request's path, percent-decoded, or None if it tries to leave where it points.

    Refused: `.` or `..` segments (also as %2e), encoded slashes or backslashes, double
    encoding, NUL, and anything that is not an absolute path.
    """
    path = raw.split("?", 1)[0].split("#", 1)[0]
    lowered = path.lower()
    if not path.startswith("/") or "\\" in path or any(c in lowered for c in ("%2f", "%5c", "%00")):
        return None
    try:
        decoded = unquote(path, errors="strict")
    except UnicodeDecodeError:
        return None
    if "%" in decoded or "\\" in decoded or "\x00" in decoded:
        return None
    if any(segment in (".", "..") for segment in decoded.split("/")[1:]):
        return None
    return decoded


class PreviewHandler(BaseHTTPRequestHandler):
    """Answers GET and HEAD from an allow-list; never reads a file by the request's path."""

    server: PreviewServer
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self._answer(body=True)

    def do_HEAD(self) -> None:
        self._answer(body=False)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base's name
        pass  # the terminal shows builds, not requests

    def _answer(self, body: bool) -> None:
        host = self.headers.get("Host")
        if host is not None and host not in (f"{HOST}:{self.server.port}",
                                             f"localhost:{self.server.port}"):
            return self._send(HTTPStatus.FORBIDDEN, b"forbidden\n", "text/plain", body)
        path = clean_path(self.path)
        if path is None:
            return self._send(HTTPStatus.FORBIDDEN, b"forbidden\n", "text/plain", body)
        snapshot, state = self.server.state.view()
        if path == "/":
            page = self.server.page.render(snapshot=snapshot, state=state, data=json.dumps({
                "generation": state["generation"],
                "spine": [[e.href, e.title] for e in snapshot.spine] if snapshot else [],
            }))
            return self._send(HTTPStatus.OK, page.encode(), "text/html; charset=utf-8", body,
                              _PAGE_POLICY)
        if path == "/state.json":
            return self._send(HTTPStatus.OK, json.dumps(state).encode(), "application/json", body)
        if path == "/openings.json":
            openings = snapshot.openings() if snapshot else {}
            return self._send(HTTPStatus.OK, json.dumps(openings).encode(), "application/json", body)
        if path[1:] in self.server.assets:
            return self._send(HTTPStatus.OK, self.server.assets[path[1:]], _type(path), body)
        if snapshot is not None:
            found = _lookup(snapshot, path)
            if found is not None:
                return self._send(HTTPStatus.OK, found, _type(path), body, _BOOK_POLICY)
        return self._send(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain", body)

    def _send(self, status: HTTPStatus, data: bytes, content_type: str, body: bool,
              policy: str | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        if policy:
            self.send_header("Content-Security-Policy", policy)
        self.end_headers()
        if body:
            self.wfile.write(data)


def _lookup(snapshot: Snapshot, path: str) -> bytes | None:
    """The bytes an allow-listed path names in the snapshot, or None."""
    if path.startswith("/book/"):
        return snapshot.members.get(path[len("/book/"):])
    if path.startswith("/download/"):
        return snapshot.downloads().get(path[len("/download/"):])
    if path.startswith("/spreads/") and path.endswith(".png") and snapshot.spreads is not None:
        number = path[len("/spreads/"):-len(".png")]
        # ASCII digits only: "²".isdigit() is true, and int("²") raised in the server.
        if number.isascii() and number.isdigit() and int(number) < len(snapshot.spreads):
            return snapshot.spreads.png(int(number))
    return None


def _type(path: str) -> str:
    suffix = path[path.rfind("."):].lower() if "." in path.rsplit("/", 1)[-1] else ""
    built = next((b.media_type for b in FORMATS.values() if b.suffix == suffix), None)
    return _TYPES.get(suffix) or built or mimetypes.guess_type(path)[0] or "application/octet-stream"
