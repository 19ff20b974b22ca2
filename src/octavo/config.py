"""Reads and validates book.toml: every problem is collected, then reported at once."""

from __future__ import annotations

import datetime as dt
import difflib
import re
import tomllib
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from octavo.diagnostics import Diagnostics
from octavo.errors import ConfigError, OctavoError

CONFIG_NAME = "book.toml"
FORMATS = ("epub", "pdf")
DEFAULT_THEME = "classic"

BOOK_KEYS = (
    "title", "subtitle", "authors", "language", "identifier", "publisher", "date",
    "description", "subjects", "rights", "series", "series_index", "cover",
)
BUILD_KEYS = ("manuscript", "output", "theme", "formats", "detect_headings", "chapter_pattern")
PRINT_KEYS = (
    "trim", "width", "height", "margins", "gutter", "chapter_start", "profile", "bleed",
    "pdf_variant", "drop_caps", "small_caps", "folio_position", "running_head",
)
MARGIN_KEYS = ("top", "bottom", "outside")
# Trim sizes in inches (width, height).
TRIMS = {"5x8": (5.0, 8.0), "5.25x8": (5.25, 8.0), "5.5x8.5": (5.5, 8.5), "6x9": (6.0, 9.0),
         "a5": (148 / 25.4, 210 / 25.4)}
_UNITS = {"in": 1.0, "mm": 1 / 25.4, "cm": 1 / 2.54, "pt": 1 / 72}
SECTIONS = {"book": BOOK_KEYS, "build": BUILD_KEYS, "print": PRINT_KEYS}

_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


@dataclass(frozen=True)
class BuildSettings:
    """Where the manuscript is, where files go, which theme and which formats."""

    manuscript: Path
    output: Path
    theme: str = DEFAULT_THEME
    formats: tuple[str, ...] = FORMATS
    detect_headings: bool = True  # plain text: find chapter and part headings
    chapter_pattern: str | None = None  # plain text: a regular expression for chapter headings


@dataclass(frozen=True)
class PrintSettings:
    """The print PDF's page geometry and conventions; lengths in inches."""

    width: float = 6.0
    height: float = 9.0
    top: float = 0.75
    bottom: float = 0.75
    outside: float = 0.5
    gutter: float | None = None  # None: from the page count (print-on-demand minimums)
    chapter_start: str = "right"  # or "any"
    profile: str = "reading"  # or "print" (no bookmarks or links; for the print shop)
    bleed: bool = False
    pdf_variant: str = ""  # "" or "pdf/x-4"
    drop_caps: bool | None = None  # None: as the theme says
    small_caps: bool | None = None  # None: as the theme says
    folio_position: str = "bottom"  # or "top" (the outside top corner)
    running_head: str = "author"  # left-hand pages: "author" or "title"


@dataclass(frozen=True)
class Config:
    """A validated book.toml (or the defaults when there is none)."""

    root: Path
    source: Path | None  # the book.toml read, or None
    book: dict[str, Any]  # validated [book] values, keys as in BOOK_KEYS
    build: BuildSettings
    print: PrintSettings = field(default_factory=PrintSettings)

    @property
    def title(self) -> str | None:
        return self.book.get("title")


COVER_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".tif", ".tiff", ".bmp")


def load_config(root: Path, diagnostics: Diagnostics) -> Config:
    """Read `root/book.toml` if there is one; raise ConfigError listing every problem."""
    path = root / CONFIG_NAME
    if not path.is_file():
        return Config(root=root, source=None, book={},
                      build=_build_settings(root, {}, CONFIG_NAME, []))
    shown = CONFIG_NAME  # messages name files relative to the book folder
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([OctavoError(f"cannot read: {_reason(exc)}", shown)]) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([_syntax_error(exc, shown, text)]) from None

    problems: list[OctavoError] = []
    for section, value in data.items():
        if section not in SECTIONS:
            _unknown(section, SECTIONS, "", shown, diagnostics)
        elif not isinstance(value, dict):
            problems.append(OctavoError(f"[{section}] must be a table", shown))
    book_data = data.get("book", {}) if isinstance(data.get("book"), dict) else {}
    build_data = data.get("build", {}) if isinstance(data.get("build"), dict) else {}
    print_data = data.get("print", {}) if isinstance(data.get("print"), dict) else {}
    for section, values in (("book", book_data), ("build", build_data), ("print", print_data)):
        for key in values:
            if key not in SECTIONS[section]:
                _unknown(key, SECTIONS[section], f"[{section}] ", shown, diagnostics)

    book = _book(book_data, root, shown, problems, diagnostics)
    build = _build_settings(root, build_data, shown, problems)
    settings = _print_settings(print_data, shown, problems)
    if problems:
        raise ConfigError(problems)
    return Config(root=root, source=path, book=book, build=build, print=settings)


def _book(
    data: dict[str, Any], root: Path, shown: str, problems: list[OctavoError],
    diagnostics: Diagnostics,
) -> dict[str, Any]:
    book: dict[str, Any] = {}

    def problem(key: str, message: str) -> None:
        problems.append(OctavoError(f"[book] {key}: {message}", shown))

    for key in ("title", "subtitle", "publisher", "description", "rights", "series"):
        if key in data:
            value = data[key]
            if not isinstance(value, str):
                problem(key, f"must be a string, not {_type(value)}")
            elif key == "title" and not value.strip():
                problem(key, "must not be empty")
            else:
                book[key] = value.strip()
    if "title" not in data:
        problems.append(OctavoError('[book] title: missing; add title = "Your Title"', shown))

    authors = data.get("authors")
    if authors is None:
        diagnostics.warn('[book] authors: missing; add authors = ["Your Name"]', shown)
        book["authors"] = ()
    elif isinstance(authors, str):
        book["authors"] = (authors.strip(),)
    elif isinstance(authors, list) and all(isinstance(a, str) and a.strip() for a in authors):
        book["authors"] = tuple(a.strip() for a in authors)
    else:
        problem("authors", 'must be a list of names, e.g. authors = ["Jane Doe"]')

    language = data.get("language")
    if language is None:
        diagnostics.warn('[book] language: missing; assuming "en"', shown)
        book["language"] = "en"
    elif not isinstance(language, str) or not _LANGUAGE.match(language):
        problem("language", f'{language!r} is not a BCP 47 language tag such as "en" or "en-GB"')
    else:
        book["language"] = language

    subjects = data.get("subjects", [])
    if isinstance(subjects, str):
        subjects = [subjects]
    if isinstance(subjects, list) and all(isinstance(s, str) for s in subjects):
        book["subjects"] = tuple(s.strip() for s in subjects if s.strip())
    else:
        problem("subjects", "must be a list of strings")

    if "date" in data:
        date = data["date"]
        if isinstance(date, dt.datetime):
            book["date"] = date.date().isoformat()
        elif isinstance(date, dt.date):
            book["date"] = date.isoformat()
        elif isinstance(date, str) and _DATE.match(date.strip()):
            book["date"] = date.strip()
        else:
            problem("date", f"{date!r} is not a date like 2024-05-01")

    if "series_index" in data:
        index = data["series_index"]
        if isinstance(index, bool) or not isinstance(index, int | float):
            problem("series_index", f"must be a number, not {_type(index)}")
        else:
            book["series_index"] = index

    if "identifier" in data:
        identifier = data["identifier"]
        if not isinstance(identifier, str) or not identifier.strip():
            problem("identifier", "must be a non-empty string (an ISBN, a URN or a URL)")
        else:
            try:
                book["identifier"] = normalise_identifier(identifier)
            except ValueError as exc:
                problem("identifier", str(exc))

    if "cover" in data:
        cover = data["cover"]
        if not isinstance(cover, str) or not cover.strip():
            problem("cover", "must be the path of an image, e.g. cover = \"cover.jpg\"")
        else:
            resolved = (root / cover).resolve()
            if not resolved.is_relative_to(root.resolve()):
                problem("cover", f"{cover} is outside the book folder")
            elif not resolved.is_file():
                problem("cover", f"{cover} does not exist")
            elif resolved.suffix.lower() not in COVER_SUFFIXES:
                problem("cover", f"{cover} must be a JPEG or PNG image")
            else:
                book["cover"] = resolved
    return book


def _build_settings(
    root: Path, data: dict[str, Any], shown: str | Path, problems: list[OctavoError]
) -> BuildSettings:
    def path_value(key: str, default: str) -> Path:
        value = data.get(key, default)
        if not isinstance(value, str) or not value.strip():
            problems.append(OctavoError(f"[build] {key}: must be a folder path", shown))
            return root / default
        return (root / value).resolve()

    manuscript = path_value("manuscript", "manuscript")
    output = path_value("output", "dist")
    theme = data.get("theme", DEFAULT_THEME)
    if not isinstance(theme, str) or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", theme):
        problems.append(OctavoError(f"[build] theme: {theme!r} is not a theme name", shown))
        theme = DEFAULT_THEME
    formats = data.get("formats", list(FORMATS))
    if isinstance(formats, str):
        formats = [formats]
    if not isinstance(formats, list) or not formats or any(f not in FORMATS for f in formats):
        problems.append(
            OctavoError(f"[build] formats: must be a list drawn from {list(FORMATS)}", shown)
        )
        formats = list(FORMATS)
    detect = data.get("detect_headings", True)
    if not isinstance(detect, bool):
        problems.append(OctavoError("[build] detect_headings: must be true or false", shown))
        detect = True
    pattern = data.get("chapter_pattern")
    if pattern is not None:
        try:
            re.compile(str(pattern))
        except re.error as exc:
            problems.append(OctavoError(
                f"[build] chapter_pattern: not a regular expression ({exc})", shown))
            pattern = None
    return BuildSettings(manuscript, output, theme, tuple(dict.fromkeys(formats)),
                         detect, str(pattern) if pattern is not None else None)


def _print_settings(
    data: dict[str, Any], shown: str, problems: list[OctavoError]
) -> PrintSettings:
    values: dict[str, Any] = {}

    def problem(key: str, message: str) -> None:
        problems.append(OctavoError(f"[print] {key}: {message}", shown))

    def length(key: str, value: Any) -> float | None:
        try:
            return parse_length(value)
        except ValueError:
            problem(key, f"{value!r} is not a length such as \"0.75in\" or \"20mm\"")
            return None

    trim = data.get("trim")
    if trim is not None:
        key = str(trim).lower().replace(" ", "").replace("×", "x")
        if key in TRIMS:
            values["width"], values["height"] = TRIMS[key]
        elif re.fullmatch(r"\d+(\.\d+)?x\d+(\.\d+)?", key):
            values["width"], values["height"] = (float(v) for v in key.split("x"))
        else:
            problem("trim", f"{trim!r} is not one of {', '.join(TRIMS)} or WIDTHxHEIGHT in inches")
    for key in ("width", "height"):
        if key in data and (value := length(key, data[key])) is not None:
            values[key] = value
    margins = data.get("margins", {})
    if not isinstance(margins, dict):
        problem("margins", 'must be a table, e.g. margins = { top = "0.75in" }')
        margins = {}
    for key, value in margins.items():
        if key not in MARGIN_KEYS:
            problem(f"margins.{key}", f"unknown margin; use {', '.join(MARGIN_KEYS)} and gutter")
        elif (inches := length(f"margins.{key}", value)) is not None:
            values[key] = inches
    gutter = data.get("gutter", "auto")
    if gutter != "auto" and (inches := length("gutter", gutter)) is not None:
        values["gutter"] = inches
    choices = {"chapter_start": ("right", "any"), "profile": ("reading", "print"),
               "pdf_variant": ("", "pdf/x-4"), "folio_position": ("bottom", "top"),
               "running_head": ("author", "title")}
    for key, allowed in choices.items():
        if key in data:
            if data[key] not in allowed:
                problem(key, f"must be one of {', '.join(repr(a) for a in allowed)}")
            else:
                values[key] = data[key]
    for key in ("bleed", "drop_caps", "small_caps"):
        if key in data:
            if not isinstance(data[key], bool):
                problem(key, "must be true or false")
            else:
                values[key] = data[key]
    settings = PrintSettings(**values)
    if settings.outside < 0.25:
        problem("margins.outside", "must be at least 0.25in (print-on-demand minimum)")
    if settings.width <= 2 * settings.outside or settings.height <= settings.top + settings.bottom:
        problem("margins", "leave no room for text on the page")
    return settings


def parse_length(value: Any) -> float:
    """A length in inches from "0.75in", "20mm", "1.5cm", "54pt" or a number of inches."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(in|mm|cm|pt)\s*", str(value))
    if not match:
        raise ValueError(value)
    return float(match.group(1)) * _UNITS[match.group(2)]


def normalise_identifier(value: str) -> str:
    """An ISBN becomes `urn:isbn:<digits>` (checksum verified); anything else is kept."""
    value = value.strip()
    bare = value[5:] if value.lower().startswith("isbn:") else value
    bare = bare[9:] if bare.lower().startswith("urn:isbn:") else bare
    digits = re.sub(r"[\s-]", "", bare).upper()
    if re.fullmatch(r"\d{13}|\d{9}[\dX]", digits):
        if not _isbn_ok(digits):
            raise ValueError(f"{value} looks like an ISBN but its check digit is wrong")
        return f"urn:isbn:{digits}"
    if value.lower().startswith(("isbn:", "urn:isbn:")):
        raise ValueError(f"{value} is not a valid ISBN-10 or ISBN-13")
    return value


def stable_identifier(title: str, authors: tuple[str, ...]) -> str:
    """A UUID derived from title and authors, the same on every build."""
    key = "octavo:" + title.strip().casefold() + "|" + "|".join(a.casefold() for a in authors)
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, key)}"


def _isbn_ok(digits: str) -> bool:
    if len(digits) == 13:
        total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(digits))
        return total % 10 == 0
    total = sum((10 - i) * (10 if d == "X" else int(d)) for i, d in enumerate(digits))
    return total % 11 == 0


def _syntax_error(exc: tomllib.TOMLDecodeError, shown: str, text: str) -> OctavoError:
    message = str(exc)
    line = getattr(exc, "lineno", None)
    match = re.search(r"\(at line (\d+), column \d+\)", message)
    if match:
        line = line or int(match.group(1))
        message = message[: match.start()].strip()
    elif "(at end of document)" in message:
        line = line or max(1, len(text.splitlines()))
        message = message.replace("(at end of document)", "at the end of the file").strip()
    if message == "Invalid statement":
        message = "invalid TOML syntax"
    return OctavoError(f"{message} (TOML)", shown, line)


def _unknown(key: str, known: Any, prefix: str, shown: str, diagnostics: Diagnostics) -> None:
    close = difflib.get_close_matches(key, list(known), n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    diagnostics.warn(f"{prefix}unknown key {key!r} ignored{hint}", shown)


def _type(value: Any) -> str:
    return {str: "a string", int: "a number", float: "a number", bool: "true/false",
            list: "a list", dict: "a table"}.get(type(value), type(value).__name__)


def _reason(exc: Exception) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return "not UTF-8 text"
    return getattr(exc, "strerror", None) or str(exc)
