"""Reads and validates book.toml: every problem is collected, then reported at once."""

from __future__ import annotations

import datetime as dt
import difflib
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from octavo.backends import FORMATS
from octavo.diagnostics import Diagnostics
from octavo.errors import ConfigError, OctavoError
from octavo.paths import Refused, inside, regular_file
from octavo.shelves.editions import NAME as EDITION_NAME
from octavo.shelves.editions import TABLE as EDITIONS
from octavo.shelves.editions import overlay, preset
from octavo.text import has_xml_invalid, normalise_identifier, read_toml, xml_safe

CONFIG_NAME = "book.toml"
DEFAULT_THEME = "classic"

BOOK_KEYS = (
    "title", "subtitle", "authors", "language", "identifier", "publisher", "date",
    "description", "subjects", "rights", "series", "series_index", "cover", "colophon",
)
BUILD_KEYS = ("manuscript", "output", "theme", "formats", "detect_headings", "chapter_pattern")
# book.toml's own tables; each output format may add one of its own (the PDF's [print]).
SECTIONS = {"book": BOOK_KEYS, "build": BUILD_KEYS}

_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


@dataclass(frozen=True)
class BuildSettings:
    """Where the manuscript is, where files go, which theme and which formats."""

    manuscript: Path
    output: Path
    theme: str = DEFAULT_THEME
    formats: tuple[str, ...] = field(default_factory=lambda: tuple(FORMATS))
    detect_headings: bool = True  # plain text: find chapter and part headings
    chapter_pattern: str | None = None  # plain text: a regular expression for chapter headings


@dataclass(frozen=True)
class Config:
    """A validated book.toml (or the defaults when there is none)."""

    root: Path
    source: Path | None  # the book.toml read, or None
    book: dict[str, Any]  # validated [book] values, keys as in BOOK_KEYS
    build: BuildSettings
    # Each output format's own settings, read from its table ([print] for "pdf"), by format.
    settings: dict[str, Any] = field(default_factory=dict)
    editions: tuple[str, ...] = ()  # the [editions.NAME] tables' names, in book.toml's order
    edition: str = ""  # the edition these settings are for; "": the book as book.toml's top sets it
    # The top-level [book] title: every edition's files are named after it (<slug>-<edition>).
    main_title: str | None = None

    @property
    def title(self) -> str | None:
        return self.book.get("title")


MAX_SERIES_INDEX = 9999
# A title, subtitle, series, publisher or name is set on the cover and the title page: a
# 100 KB title took six minutes and made a 605-page PDF of one sentence, 10,000 authors a
# minute and more. Stores take 200 characters for a title; these bounds leave room to spare.
MAX_LINE = 1_000
MAX_AUTHORS = 100
COVER_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".tif", ".tiff", ".bmp")


def load_config(root: Path, diagnostics: Diagnostics, edition: str = "") -> Config:
    """Read `root/book.toml` if there is one; raise ConfigError listing every problem.

    With an `edition`, its [editions.NAME] tables (over its preset) are read over the top ones.
    """
    path = root / CONFIG_NAME
    if path.exists() or path.is_symlink():
        try:
            regular_file(path, root)
        except (Refused, FileNotFoundError) as exc:
            reason = "a link to nothing" if isinstance(exc, FileNotFoundError) else str(exc)
            raise ConfigError([OctavoError(reason, CONFIG_NAME)]) from None
    else:
        if edition:
            raise ConfigError([OctavoError(f"no edition {edition!r}: there is no book.toml",
                                           CONFIG_NAME)])
        problems: list[OctavoError] = []  # the default folders, links out of the book
        build = _build_settings(root, {}, CONFIG_NAME, problems)
        if problems:
            raise ConfigError(problems)
        return Config(root=root, source=None, book={}, build=build,
                      settings=_format_settings({}, CONFIG_NAME, []))
    shown = CONFIG_NAME  # messages name files relative to the book folder
    try:
        data = read_toml(path, shown)
    except OctavoError as exc:
        raise ConfigError([exc]) from None

    problems: list[OctavoError] = []
    sections = {**SECTIONS, **{b.settings.table: b.settings.keys for b in FORMATS.values()
                               if b.settings is not None}}
    top_book = data.get("book")
    main_title = top_book.get("title") if isinstance(top_book, dict) else None
    editions = _editions(data.pop(EDITIONS, {}), sections, shown, problems)
    if edition:
        if edition not in editions:
            known = ", ".join(editions) or "none"
            raise ConfigError([OctavoError(f"no edition {edition!r} in book.toml (its editions: "
                                           f"{known})", shown)])
        data = overlay(data, preset(edition), editions[edition])
    tables: dict[str, dict[str, Any]] = {}
    for section, value in data.items():
        if section not in sections:
            _unknown(section, sections, "", shown, diagnostics)
        elif not isinstance(value, dict):
            problems.append(OctavoError(f"[{section}] must be a table", shown))
        else:
            tables[section] = value
            for key in value:
                if key not in sections[section]:
                    _unknown(key, sections[section], f"[{section}] ", shown, diagnostics)

    book = _book(tables.get("book", {}), root, shown, problems, diagnostics)
    build = _build_settings(root, tables.get("build", {}), shown, problems)
    settings = _format_settings(tables, shown, problems)
    if problems:
        raise ConfigError([_named_in(p, edition, editions.get(edition, {})) for p in problems])
    return Config(root=root, source=path, book=book, build=build, settings=settings,
                  editions=tuple(editions), edition=edition,
                  main_title=main_title.strip() if isinstance(main_title, str) else None)


def _named_in(problem: OctavoError, edition: str, tables: dict[str, Any]) -> OctavoError:
    """A problem with a key the edition's own table sets, named where it is written:
    "[editions.NAME.build] output", not "[build] output"."""
    match = re.match(r"\[(\w+)\] ([\w.]+)", problem.message)
    if not edition or match is None:
        return problem
    section, key = match.group(1), match.group(2).split(".")[0]
    if not isinstance(tables.get(section), dict) or key not in tables[section]:
        return problem
    problem.message = f"[{EDITIONS}.{edition}.{section}]" + problem.message[len(section) + 2:]
    return problem


def _editions(data: Any, sections: dict[str, Any], shown: str,
              problems: list[OctavoError]) -> dict[str, dict[str, Any]]:
    """The [editions.NAME] tables, by name: each a table of book.toml's own tables."""
    if not isinstance(data, dict):
        problems.append(OctavoError(f"[{EDITIONS}] must hold tables, e.g. "
                                    f"[{EDITIONS}.large-print.print]", shown))
        return {}
    editions: dict[str, dict[str, Any]] = {}
    for name, tables in data.items():
        where = f"[{EDITIONS}.{name}]"
        if not EDITION_NAME.match(name) or name == "main" or name.split("-")[-1] == "cover":
            problems.append(OctavoError(
                f"{where}: {name!r} is not an edition name (lower-case letters, digits and '-', "
                "as in large-print, not main nor ending in cover; it names the files)", shown))
        elif not isinstance(tables, dict):
            problems.append(OctavoError(f"{where} must be a table", shown))
        elif bad := [k for k, v in tables.items() if k not in sections or not isinstance(v, dict)]:
            close = difflib.get_close_matches(bad[0], list(sections), n=1)
            hint = f"; did you mean [{EDITIONS}.{name}.{close[0]}]?" if close else ""
            problems.append(OctavoError(
                f"{where} {bad[0]}: an edition holds only tables read over book.toml's own "
                f"({', '.join(f'[{EDITIONS}.{name}.{s}]' for s in sections)}){hint}", shown))
        else:
            editions[name] = tables
    return editions


def _format_settings(tables: dict[str, dict[str, Any]], shown: str,
                     problems: list[OctavoError]) -> dict[str, Any]:
    """Each output format's settings, read by the format from its own table."""
    settings: dict[str, Any] = {}
    for name, declared in FORMATS.items():
        table = declared.settings.table if declared.settings is not None else ""

        def problem(key: str, message: str, table: str = table) -> None:
            problems.append(OctavoError(f"[{table}] {key}: {message}", shown))

        settings[name] = declared.read_settings(tables.get(table, {}), problem)
    return settings


def _book(
    data: dict[str, Any], root: Path, shown: str, problems: list[OctavoError],
    diagnostics: Diagnostics,
) -> dict[str, Any]:
    book: dict[str, Any] = {}

    def problem(key: str, message: str) -> None:
        problems.append(OctavoError(f"[book] {key}: {message}", shown))

    data = dict(data)
    for key, value in list(data.items()):
        texts = value if isinstance(value, list) else [value]
        bad = next((c for t in texts if isinstance(t, str) for c in t if has_xml_invalid(c)), None)
        if bad is None:
            continue
        if key in ("identifier", "cover"):  # a changed ISBN or path would be another one
            problem(key, f"holds the control character U+{ord(bad):04X}, which a book cannot "
                         "hold; remove it")
            del data[key]
        else:  # text: mended as in the manuscript
            diagnostics.warn(f"[book] {key}: control character U+{ord(bad):04X} removed (XML "
                             "cannot hold it)", shown)
            data[key] = [xml_safe(t) if isinstance(t, str) else t for t in value] \
                if isinstance(value, list) else xml_safe(value)

    for key in ("title", "subtitle", "publisher", "description", "rights", "series"):
        if key in data:
            value = data[key]
            if not isinstance(value, str):
                problem(key, f"must be a string, not {_type(value)}")
            elif key == "title" and not value.strip():
                problem(key, "must not be empty")
            elif key not in ("description", "rights") and len(value) > MAX_LINE:
                problem(key, _too_long(value))
            elif key in ("description", "rights"):
                book[key] = value.strip()
            else:  # one line: a title written over lines ('''...''') reads as it prints
                book[key] = one_line(value)
    if "title" not in data:
        problems.append(OctavoError('[book] title: missing; add title = "Your Title"', shown))
    if "colophon" in data:  # the copyright page's last line: your words, or none (false)
        colophon = data["colophon"]
        if colophon is False:
            book["colophon"] = ""
        elif isinstance(colophon, str) and "\n" not in colophon.strip():
            book["colophon"] = colophon.strip()
        else:
            problem("colophon", 'must be one line of text, e.g. colophon = "Set in Literata.", '
                                "or false for none")

    authors = data.get("authors")
    if authors is None:
        diagnostics.warn('[book] authors: missing; add authors = ["Your Name"]', shown)
        book["authors"] = ()
    elif isinstance(authors, str) and len(authors) > MAX_LINE:
        problem("authors", _too_long(authors))
    elif isinstance(authors, str):
        book["authors"] = (one_line(authors),)
    elif isinstance(authors, list) and all(isinstance(a, str) and a.strip() for a in authors):
        if len(authors) > MAX_AUTHORS:
            problem("authors", f"{len(authors):,} names: a book's cover and title page hold at "
                               f"most {MAX_AUTHORS}")
        elif long := next((a for a in authors if len(a) > MAX_LINE), None):
            problem("authors", _too_long(long))
        else:
            book["authors"] = tuple(one_line(a) for a in authors)
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
        elif isinstance(date, str) and _DATE.match(date.strip()) and _real_date(date.strip()):
            book["date"] = date.strip()
        else:
            problem("date", f"{date!r} is not a date like 2024-05-01")

    if "series_index" in data:
        index = data["series_index"]
        if isinstance(index, bool) or not isinstance(index, int | float):
            problem("series_index", f"must be a number, not {_type(index)}")
        elif not 0 <= index <= MAX_SERIES_INDEX:  # also NaN and infinity
            problem("series_index", f"must be a number from 0 to {MAX_SERIES_INDEX:,}")
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
            try:
                resolved = regular_file(root / cover, root)
                if resolved.suffix.lower() not in COVER_SUFFIXES:
                    problem("cover", f"{cover} must be a JPEG or PNG image")
                else:
                    book["cover"] = resolved
            except FileNotFoundError:
                problem("cover", f"{cover} does not exist")
            except Refused as exc:
                reason = str(exc).removeprefix("refused: ")
                problem("cover", f"{cover} is outside the book folder" if "outside" in reason
                        else f"{cover}: {reason}")
    return book


def _build_settings(
    root: Path, data: dict[str, Any], shown: str | Path, problems: list[OctavoError]
) -> BuildSettings:
    def path_value(key: str, default: str) -> Path:
        value = data.get(key, default)
        if not isinstance(value, str) or not value.strip():
            problems.append(OctavoError(f"[build] {key}: must be a folder path", shown))
            return root / default
        elsewhere = " (octavo build --out DIR writes elsewhere)" if key == "output" else ""
        try:
            return inside(root / value, root)
        except Refused as exc:
            if "outside" not in str(exc):  # a symlink loop: the folder is nowhere
                problems.append(OctavoError(str(exc).removeprefix("refused: "), root / value))
            elif key not in data:  # no book.toml names it: the folder is a link out of the book
                problems.append(OctavoError(
                    "a link to a folder outside the book folder; a build reads and writes only "
                    f"inside the book{elsewhere}", root / value))
            else:
                problems.append(OctavoError(
                    f"[build] {key}: {value} is outside the book folder; a book.toml may only "
                    f"name folders inside it{elsewhere}", shown))
            return root / default  # not resolved: a loop there is the problem just told

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
        import regex  # only for a book that sets one: it takes 25 ms to import

        try:
            if _repeats(str(pattern)) > MAX_REPEATS:
                problems.append(OctavoError(
                    f"[build] chapter_pattern: its {{n}} repeats multiply to more than "
                    f"{MAX_REPEATS:,} (a heading's pattern needs a few)", shown))
                pattern = None
            else:
                regex.compile(str(pattern), regex.V0)
        except regex.error as exc:
            problems.append(OctavoError(
                f"[build] chapter_pattern: not a regular expression ({exc})", shown))
            pattern = None
    return BuildSettings(manuscript, output, theme, tuple(dict.fromkeys(formats)),
                         detect, str(pattern) if pattern is not None else None)


# How many copies of its parts a chapter pattern's {n} repeats may make, nested or not: the
# regex module unrolls them as it compiles, 300 MB for a{1000} repeated 1000 times, and
# a{99999999} takes all the memory there is. A heading pattern needs a few dozen.
MAX_REPEATS = 10_000


def _repeats(pattern: str) -> int:
    """The product of a pattern's {n}, {n,} and {n,m} counts (the larger of each pair): an
    upper bound on how far they can multiply the pattern when nested."""
    product = 1
    for low, high in re.findall(r"(?<!\\)\{(\d+)(?:,(\d*))?\}", pattern):
        product *= max(1, int(low), int(high or 0))
        if product > MAX_REPEATS:
            break
    return product


# Line breaks, tabs and runs of spaces; not the no-break and other fixed spaces a title may
# hold on purpose (Mr.\u00a0Smith).
_BREAKING_SPACE = re.compile(r"[ \t\n\r\f\v\x85\u2028\u2029]+")


def _real_date(text: str) -> bool:
    """Whether "2024", "2024-05" or "2024-05-01" names a real year, month or day ("2024-99"
    and "2024-02-31" do not; EPUBCheck rejects them in the package's dc:date)."""
    parts = [int(p) for p in text.split("-")] + [1, 1]
    try:
        dt.date(*parts[:3])
    except ValueError:
        return False
    return True


def one_line(text: str) -> str:
    """Text of book.toml as one line: each run of breaking white space a single space."""
    return _BREAKING_SPACE.sub(" ", text).strip()


def stable_identifier(title: str, authors: tuple[str, ...]) -> str:
    """A UUID derived from title and authors, the same on every build."""
    key = "octavo:" + title.strip().casefold() + "|" + "|".join(a.casefold() for a in authors)
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, key)}"


def _unknown(key: str, known: Any, prefix: str, shown: str, diagnostics: Diagnostics) -> None:
    close = difflib.get_close_matches(key, list(known), n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    diagnostics.warn(f"{prefix}unknown key {key!r} ignored{hint}", shown)


def _too_long(value: str) -> str:
    return (f"{len(value):,} characters: at most {MAX_LINE:,} fit the cover and the title page "
            "(a store takes 200 for a title; put more in description)")


def _type(value: Any) -> str:
    return {str: "a string", int: "a number", float: "a number", bool: "true/false",
            list: "a list", dict: "a table"}.get(type(value), type(value).__name__)
