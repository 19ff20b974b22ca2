"""What a build may read: regular files inside the book folder (links judged by where they land),
and in CSS and SVG no URL but the book's own files and data:."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from octavo.errors import OctavoError


class Refused(ValueError):
    """A path the build may not read; the message says why, for `file: message`."""


def book_folder(path: Path) -> Path:
    """The book folder `path` names, resolved; an error when it is missing or not a folder."""
    try:
        root = path.resolve()
    except (RuntimeError, OSError):
        raise OctavoError("book folder not found (a symlink loop)", path) from None
    if root.is_dir():
        return root
    if root.exists():
        raise OctavoError("not a folder: give the book's folder, the one that holds book.toml "
                          "and manuscript/", path)
    raise OctavoError("book folder not found", path)


def landing(path: Path) -> Path:
    """Where `path` lands once every symlink is followed; Refused for a loop."""
    try:
        return path.resolve(strict=False)
    except (RuntimeError, OSError) as exc:  # Python 3.11 raises RuntimeError on a loop
        raise Refused("refused: a symlink loop" if "loop" in str(exc).lower()
                      else f"cannot read: {getattr(exc, 'strerror', None) or exc}") from None


def inside(path: Path, roots: tuple[Path, ...] | Path) -> Path:
    """Where `path` lands, which must be inside one of `roots`; Refused if it is not."""
    real = landing(path)
    allowed = (roots,) if isinstance(roots, Path) else roots
    if not any(real.is_relative_to(landing(root)) for root in allowed):
        raise Refused("refused: a link to a file outside the book folder" if path.is_symlink()
                      else "refused: it is outside the book folder")
    return real


def regular_file(path: Path, roots: tuple[Path, ...] | Path) -> Path:
    """Where `path` lands: a regular file inside `roots` (never a pipe, device or socket, which
    could block a read for ever); Refused otherwise, FileNotFoundError when there is none."""
    real = inside(path, roots)
    try:
        mode = real.stat().st_mode
    except FileNotFoundError:  # the caller says "not found" in its own words
        raise
    except OSError as exc:  # permission denied, a name too long ...
        raise Refused(f"cannot read: {exc.strerror or exc}") from None
    if stat.S_ISDIR(mode):
        raise Refused("is a folder, not a file")
    if not stat.S_ISREG(mode):
        raise Refused("refused: not a regular file (a pipe, device or socket could block the build)")
    return real


# --- URLs in CSS (themes, the book's own stylesheets, SVG): the book's own files and data: only.

_URL_FUNCTIONS = ("url", "src", "image-set", "-webkit-image-set", "image")


def css_urls(css: str) -> list[tuple[str, int, str]]:
    """Every URL a stylesheet refers to, as (url, line, how): url(...), src(...), image-set(...)
    and @import, found by a real CSS tokenizer (escapes such as `\\75 rl(` included)."""
    return [found for found in _css_references(css) if found[2] != "local()"]


def _css_references(css: str) -> list[tuple[str, int, str]]:
    """`css_urls`, and each local() as (what it names, line, "local()"), in one walk of the
    stylesheet's tokens (not in comments nor strings). local() means a font of the machine in
    an @font-face src and nothing anywhere else, but a custom property could carry it into one."""
    import tinycss2

    found: list[tuple[str, int, str]] = []

    def walk(tokens: list, after_import: bool = False) -> None:  # type: ignore[type-arg]
        importing = after_import
        for token in tokens:
            kind = token.type
            if kind == "url":
                found.append((token.value, token.source_line, "@import" if importing else "url()"))
            elif kind == "function":
                name = token.lower_name
                if name in _URL_FUNCTIONS:
                    strings = [t.value for t in token.arguments if t.type == "string"]
                    text = tinycss2.serialize(token.arguments).strip()
                    for url in strings or ([text] if text else []):
                        found.append((url, token.source_line, "@import" if importing else f"{name}()"))
                elif name == "local":
                    found.append((tinycss2.serialize(token.arguments).strip(), token.source_line,
                                  "local()"))
                walk(token.arguments)
            elif kind == "string" and importing:
                found.append((token.value, token.source_line, "@import"))
            elif kind in ("() block", "[] block", "{} block"):
                walk(token.content)
            if kind == "at-keyword":
                importing = token.lower_value == "import"
            elif kind == "literal" and token.value == ";" or kind == "{} block":
                importing = False

    walk(tinycss2.parse_component_value_list(css, skip_comments=True))
    return found


def refused_url(url: str) -> str | None:
    """Why a stylesheet or SVG may not use `url`, or None: only the book's own files (a relative
    path) and data: URLs are allowed."""
    value = url.strip()
    if not value or value.startswith("#") or value.lower().startswith("data:"):
        return None
    if value.startswith(("//", "/", "\\")):
        return "only files of the book and its theme are used (not an absolute path or a host)"
    scheme = value.split("/", 1)[0].split(":", 1)
    if len(scheme) == 2:
        return f"only files of the book and its theme are used (not {scheme[0].lower()}: URLs)"
    return None


def css_problems(css: str) -> list[tuple[int, str]]:
    """(line, message) for each URL in `css` that the policy refuses, for each @import and for
    each local() font (a font of the machine, which the PDF would embed: not the same book on
    every machine, and a file read from outside the book), in the order of the lines."""
    problems = []
    for url, line, how in _css_references(css):
        if how == "local()":
            problems.append((line, f"local({url}) refused: only fonts of the book and its theme "
                                   "are used (not the machine's); name the font file, e.g. "
                                   "src: url(fonts/Font.otf)"))
        elif how == "@import":
            problems.append((line, f"@import {url} refused: put the rules in the stylesheet "
                                   "itself (or extra-epub.css / extra-print.css)"))
        elif (why := refused_url(url)) is not None:
            problems.append((line, f"{how.rstrip('()')}({url}) refused: {why}"))
    return problems


def abandoned(path: Path) -> bool:
    """True for a half-written file (`.<name>.<pid>.partial`, `.<key>.<n>.<pid>.rendering`) whose
    writer is gone, killed before it could clean up: no other build will finish it."""
    parts = path.name.split(".")
    if not path.name.startswith(".") or len(parts) < 4 or not parts[-2].isdigit():
        return False
    pid = int(parts[-2])
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # alive, but another user's
        return False
    return False


# Attributes whose URL a reader fetches (links a reader follows, <a href>, are not fetched).
_FETCHED = {"src", "srcset", "poster", "data", "background", "{http://www.w3.org/1999/xlink}href"}


# What makes a page a program: an EPUB holding it must declare itself scripted (EPUBCheck
# fails it otherwise), and most e-readers run none of it.
_ACTIVE = frozenset({"script", "iframe", "frame", "frameset", "object", "embed", "applet", "form"})
_NOT_ACTIVE = "a book's pages hold no scripts, event handlers, frames, plug-ins or forms"


def html_problems(html: str, allowed: frozenset[str] = frozenset()) -> list[str]:
    """What in a page (a theme's template as rendered) would make a reader fetch something
    that is not in the book: resource URLs (but those `allowed`: the book's own images as the
    PDF names them), <link> and <style> CSS URLs, style= attributes; and what would make it
    run something: scripts, event handlers, javascript: links, frames, plug-ins, forms."""
    import lxml.html

    try:
        root = lxml.html.fromstring(html or "<div/>")
    except Exception:  # noqa: BLE001 - an unreadable page holds nothing to fetch either
        return []
    problems = []
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        tag = el.tag.rpartition("}")[2].lower()
        if tag in _ACTIVE:
            problems.append(f"<{tag}> refused: {_NOT_ACTIVE}")
        for name, value in el.attrib.items():
            if name.lower().startswith("on") or name.lower().endswith(("href", "src", "action")) \
                    and value.strip().lower().startswith("javascript:"):
                problems.append(f"<{tag} {name}=…> refused: {_NOT_ACTIVE}")
                continue
            fetched = name in _FETCHED or (name == "href" and tag in ("link", "image", "use"))
            urls = [part.strip().split(" ")[0] for part in value.split(",")] if name == "srcset" \
                else [value]
            for url in urls if fetched else []:
                if url not in allowed and (why := refused_url(url)) is not None:
                    problems.append(f"<{tag} {name}={url!r}> refused: {why}")
            if name == "style":
                problems += [message for _line, message in css_problems(f"a{{{value}}}")]
        if tag == "style":
            problems += [message for _line, message in css_problems(el.text or "")]
    return problems
