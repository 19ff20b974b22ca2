"""What WeasyPrint may read (files in the book and theme folders, data: URLs), and its logged
errors turned into a failed build."""

from __future__ import annotations

import logging
import mimetypes
import re
import sys
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path

from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from octavo.errors import BuildError
from octavo.images import short_url


class RefusedURL(FatalURLFetchingError):
    """WeasyPrint asked for something outside the book and theme folders."""


class BookFetcher(URLFetcher):
    """Fetches only `file:` URLs inside the allowed folders, and `data:` URLs; `fonts`, if
    given, makes what is read of each OpenType or TrueType file into what WeasyPrint gets."""

    def __init__(self, allowed: list[Path], fonts: Callable[[bytes], bytes] | None = None):
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False)
        self.allowed = [p.resolve() for p in allowed]
        self.fonts = fonts

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        scheme = urllib.parse.urlsplit(url).scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme != "file":
            raise RefusedURL(f"refused {url}: only files inside the book folder are used")
        path = Path(urllib.request.url2pathname(urllib.parse.urlsplit(url).path)).resolve()
        if not any(path.is_relative_to(root) for root in self.allowed):
            raise RefusedURL(f"refused {path}: it is outside the book and theme folders")
        if not path.is_file():
            raise RefusedURL(f"{path} not found")
        media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        data = path.read_bytes()
        if self.fonts is not None and path.suffix.lower() in (".otf", ".ttf"):
            data = self.fonts(data)
        return URLFetcherResponse(path.as_uri(), data, {"Content-Type": media_type})


class failures_raised:  # noqa: N801 - used as a context manager
    """Turn WeasyPrint's logged errors (a missing font or image) into a failed build."""

    def __enter__(self) -> failures_raised:
        self.records: list[logging.LogRecord] = []
        self.handler = _Collect(self.records)
        self.logger = logging.getLogger("weasyprint")
        self.logger.addHandler(self.handler)
        return self

    def __exit__(self, *exc: object) -> None:
        self.logger.removeHandler(self.handler)
        errors = [r for r in self.records if r.levelno >= logging.ERROR]
        if errors and exc[0] is None:
            raise BuildError(f"WeasyPrint: {_shortened(errors[0].getMessage())}")


def _shortened(message: str) -> str:
    """WeasyPrint's message with each data: URL cut to its start (a 500 KB image is one)."""
    return re.sub(r"data:[^\s'\"]{60,}", lambda m: short_url(m[0]), message)


class _Collect(logging.Handler):
    def __init__(self, records: list[logging.LogRecord]):
        super().__init__(logging.WARNING)
        self.records = records

    def emit(self, record: logging.LogRecord) -> None:
        swallowed = sys.exc_info()[1]
        if isinstance(swallowed, KeyboardInterrupt | SystemExit):
            # WeasyPrint logs and swallows any exception raised while it draws an SVG, Ctrl-C
            # and SIGTERM's among them: the build went on drawing (an SVG that never ends
            # kept it going for ever). They go on from here, as raised.
            raise swallowed
        self.records.append(record)
