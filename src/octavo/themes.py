"""Finds a theme's files on a search path: the book's styles/, the built-in theme, its parents."""

from __future__ import annotations

import dataclasses
import functools
import io
import os
import re
import shutil
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any

import jinja2
import jinja2.sandbox

from octavo.backends.fontfiles import font_problem
from octavo.errors import OctavoError, ThemeError, UsageError, unreadable
from octavo.paths import Refused, css_problems, css_urls, inside, landing, regular_file
from octavo.text import read_toml

PACKAGE_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = PACKAGE_DIR / "templates"
MANIFEST = "theme.toml"
# url(...): quoted, a URL may hold ")" and spaces (`url("Map (old).png")`); bare, neither.
_URL = re.compile(r"""url\(\s*(?:"([^"]+)"|'([^']+)'|([^'"()\s]+))\s*\)""")
_VAR = re.compile(r"var\(\s*--([A-Za-z0-9_-]+)\s*(?:,\s*([^()]*(?:\([^()]*\)[^()]*)*))?\)")
_ROOT = re.compile(r":root\s*\{([^}]*)\}")
_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_CUSTOM = re.compile(r"--([A-Za-z0-9_-]+)\s*:\s*([^;]+)")
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_THEME_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")  # as [build] theme allows
FONT_TYPES = {
    ".otf": "font/otf",
    ".ttf": "font/ttf",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
}
# What blanks or crashes e-readers: flex/grid layout, @page, fixed positioning, the prefixed
# hyphenation property and viewport units (each: a pattern, and what to say).
EPUB_UNSAFE = (
    (re.compile(r"display\s*:\s*(inline-)?(flex|grid)\b", re.I), "flex or grid layout"),
    (re.compile(r"\b(grid-template|flex-flow|flex-direction)\b", re.I), "flex or grid layout"),
    (re.compile(r"@page\b", re.I), "@page"),
    (re.compile(r"position\s*:\s*fixed\b", re.I), "position: fixed"),
    (re.compile(r"-webkit-hyphens\b", re.I), "-webkit-hyphens"),
    (re.compile(r"(?<![\w-])\d*\.?\d+(vw|vh|vmin|vmax)\b", re.I), "viewport units"),
    (re.compile(r"var\(", re.I), "var(), which many e-readers ignore"),
)
# Manifest variables that switch a feature on or pick a style: they become classes on the
# book's pages (drop-caps, small-caps, opening-<style>), not CSS values.
CLASS_VARIABLES = ("drop-caps", "small-caps", "chapter-opening")
Variable = str | bool


def builtin_styles_dir() -> Path:
    """Where the built-in themes are: inside the installed package, or the source tree's styles/."""
    packaged = PACKAGE_DIR / "styles"
    if packaged.is_dir():
        return packaged
    return PACKAGE_DIR.parent.parent / "styles"


@dataclass(frozen=True)
class Layer:
    """One theme of an `extends` chain: the book's styles/<name>, then the built-in folder."""

    name: str
    folders: tuple[Path, ...]


@dataclass(frozen=True)
class Theme:
    """A theme: its layers (itself first, then what it extends) and its merged manifest."""

    name: str
    layers: tuple[Layer, ...]
    description: str = ""
    variables: dict[str, Variable] = field(default_factory=dict)
    roots: tuple[Path, ...] = ()  # where its files may land: the book folder, the built-in themes
    fallback_fonts: tuple[Path, ...] = ()  # fonts for the characters its own fonts lack (print)

    @property
    def folders(self) -> tuple[Path, ...]:
        """Every folder searched, first match wins: the theme's, then its parents'."""
        return tuple(folder for layer in self.layers for folder in layer.folders)

    def find(self, relative: str) -> Path | None:
        """The first file named `relative` on the search path (never above its folder)."""
        for folder in self.folders:
            lexical = Path(os.path.normpath(folder / relative))
            if not lexical.is_relative_to(folder):
                continue
            candidate = lexical.resolve()
            roots = self.roots or (folder,)
            if any(candidate.is_relative_to(root) for root in roots) and candidate.is_file():
                return candidate
        return None

    def sources(self, name: str) -> list[Path]:
        """The sheets that make stylesheet `name`, applied in this order.

        Each layer contributes its first match (the book's copy beats the built-in one), the
        theme it extends before it; then any `extra-<name>` on the search path.
        """
        found = []
        for layer in reversed(self.layers):
            path = next((f / name for f in layer.folders if (f / name).is_file()), None)
            if path is not None:
                found.append(path)
        extra = self.find(f"extra-{name}")
        if extra is not None:
            found.append(extra)
        return found

    def read_css(self, name: str) -> str:
        """Stylesheet `name` with the theme's variables filled in (e-readers lack var())."""
        sources = self.sources(name)
        if not any(not p.name.startswith("extra-") for p in sources):
            raise ThemeError(f"theme {self.name!r} has no {name}", self.folders[0])
        texts = [_read_sheet(p) for p in sources]
        css = "\n".join(f"/* {_sheet_label(p)} */\n" + text for p, text in zip(sources, texts, strict=True))
        return self.fill_variables(css, sources[-1])

    def fill_variables(self, css: str, where: Path | None = None) -> str:
        """`css` with each var(--name) replaced by its value: the manifest's, then `:root`."""
        values = {k: v for k, v in self.variables.items() if isinstance(v, str)}
        for block in _ROOT.findall(_COMMENT.sub("", css)):
            values.update((k, v.strip()) for k, v in _CUSTOM.findall(block))

        def replace(match: re.Match[str], depth: int = 0) -> str:
            name, fallback = match.group(1), match.group(2)
            value = values.get(name, fallback)
            if value is None:
                raise ThemeError(f"theme {self.name!r}: var(--{name}) has no value; set it in "
                                 f"{MANIFEST} [variables]", where)
            if depth > 8:
                raise ThemeError(f"theme {self.name!r}: var(--{name}) refers to itself", where)
            return _VAR.sub(lambda m: replace(m, depth + 1), value.strip())

        # Comments are kept as they are: they may mention var(--name) to explain it.
        pieces = _COMMENT.split(css)
        comments = _COMMENT.findall(css) + [""]
        return "".join(_VAR.sub(replace, p) + c for p, c in zip(pieces, comments, strict=True))

    def classes(self) -> list[str]:
        """The classes the manifest's switches put on the pages: drop-caps, opening-centred..."""
        found = []
        for name in CLASS_VARIABLES:
            value = self.variables.get(name)
            if value is True:
                found.append(name)
            elif isinstance(value, str) and value:
                found.append(f"opening-{value}" if name == "chapter-opening" else f"{name}-{value}")
        return found

    def rewrite_urls(self, css: str, new_url: Callable[[str, Path], str]) -> str:
        """`css` with each url(...) to a theme file replaced by `new_url(url, path)`."""
        resources = self.css_resources(css)

        def replace(match: re.Match[str]) -> str:
            url = _url_in(match)
            return f"url({new_url(url, resources[url])})" if url in resources else match.group(0)

        return _URL.sub(replace, css)

    def css_resources(self, css: str) -> dict[str, Path]:
        """Files a stylesheet refers to with url(...), found on the search path."""
        from octavo.images import theme_image_problem

        found: dict[str, Path] = {}
        for url in map(_url_in, _URL.finditer(css)):
            if url.startswith(("data:", "#")) or ":" in url.split("/")[0]:
                continue
            path = self.find(url)
            if path is None:
                raise ThemeError(f"theme {self.name!r}: url({url}) not found", self.folders[0])
            if path.suffix.lower() in FONT_TYPES:
                check_font_file(path)
            elif path.suffix.lower() == ".svg":
                _check_theme_svg(path)
            elif (problem := theme_image_problem(path)) is not None:
                raise ThemeError(problem, path)
            found[url] = path
        return found

    def templates(self) -> jinja2.Environment:
        """A Jinja2 environment over the theme's templates, then Octavo's defaults.

        Sandboxed, since templates may come from the user's own styles/ folder, and
        autoescaped, since everything put in them is text.
        """
        folders = [str(f / "templates") for f in self.folders if (f / "templates").is_dir()]
        folders.append(str(TEMPLATES_DIR))
        env = _Sandbox(
            loader=jinja2.FileSystemLoader(folders),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        from octavo.transforms.headings import keep_together, names_its_number

        env.filters["keep_together"] = keep_together  # a title's last two words on one line
        env.tests["numbered"] = names_its_number  # a title that says its number itself
        return env


def _url_in(match: re.Match[str]) -> str:
    """The URL a match of _URL holds, quoted or bare."""
    return next(group for group in match.groups() if group)


def epub_css_problems(css: str) -> list[str]:
    """What in an EPUB stylesheet is known to blank or crash e-readers, one line each."""
    text = _COMMENT.sub("", css)
    problems = []
    for pattern, what in EPUB_UNSAFE:
        for match in pattern.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            problems.append(f"line {line}: {what} ({match.group(0).strip()})")
    return problems


def render_template(env: jinja2.Environment, name: str, **context: object) -> str:
    """Render template `name`; a template's mistake (or a sandbox refusal) is a ThemeError
    naming the template file, and its line when the mistake is in its own expressions."""
    try:
        return env.get_template(name).render({key: plain(value) for key, value in context.items()})
    except jinja2.TemplateSyntaxError as exc:
        raise ThemeError(f"template error: {exc.message}", exc.filename or name, exc.lineno) from None
    except (jinja2.TemplateError, jinja2.sandbox.SecurityError) as exc:
        raise ThemeError(f"template error: {exc}", *_template_line(exc, name)) from None
    except (ArithmeticError, TypeError, ValueError, LookupError, AttributeError,
            RecursionError, MemoryError) as exc:
        # The template's own expressions ({{ 1/0 }}, range() past the sandbox's limit): its
        # mistake, told as one, not as a fault of Octavo's.
        raise ThemeError(f"template error: {type(exc).__name__}: {exc}",
                         *_template_line(exc, name)) from None


def _template_line(exc: BaseException, name: str) -> tuple[Path | str, int | None]:
    """The template file and line the error was raised in (Jinja2 maps its frames to them)."""
    where: tuple[Path | str, int | None] = (name, None)
    trace = exc.__traceback__
    while trace is not None:
        filename = trace.tb_frame.f_code.co_filename
        if filename.endswith(".html"):
            where = (Path(filename), trace.tb_lineno)
        trace = trace.tb_next
    return where


def plain(value: object) -> object:
    """`value` as a template may see it: text, numbers, tuples and dicts of them, and the
    model's objects as copies without their files (an Image's `source` is a Path, whose
    methods read and write any file) or bytes. Anything else is Octavo's mistake."""
    if value is None or isinstance(value, str | int | float):  # Markup is a str
        return value
    if isinstance(value, tuple | list):
        return tuple(plain(item) for item in value)
    if isinstance(value, dict):
        return {plain(key): plain(item) for key, item in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        view = _view(type(value))
        return view(**{f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(view)})
    raise TypeError(f"a {type(value).__name__} is not plain data for a template")


_FILES = (PurePath, bytes)  # what a model field may hold that a template must not get


@functools.cache
def _view(kind: type) -> type:
    """A frozen dataclass named like the model class `kind`, of its fields that hold no path
    or bytes: `{{ cover.source }}` is then an undefined attribute of an 'octavo.model.Image'."""
    hints = typing.get_type_hints(kind)
    names = [f.name for f in dataclasses.fields(kind)
             if not any(isinstance(t, type) and issubclass(t, _FILES)
                        for t in (hints[f.name], *typing.get_args(hints[f.name])))]
    view = dataclasses.make_dataclass(kind.__name__, names, frozen=True)
    view.__module__ = kind.__module__
    return view


# What a template must never touch, however it reaches it: these read, write or run things.
_LIVE = (PurePath, io.IOBase, types.ModuleType, os.DirEntry)


class _Sandbox(jinja2.sandbox.SandboxedEnvironment):
    """Jinja2's sandbox, with repetition bounded: `{{ "x" * 1000000000 }}` in a theme's
    template wrote a gigabyte into the book after 44 s. Templates get plain data only (see
    `plain`); paths, files and modules are refused besides, should one ever reach them."""

    intercepted_binops = frozenset(["*", "**"])

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if isinstance(obj, _LIVE) or isinstance(value, _LIVE):
            return False
        return bool(super().is_safe_attribute(obj, attr, value))

    def is_safe_callable(self, obj: Any) -> bool:
        if (isinstance(obj, _LIVE) or isinstance(getattr(obj, "__self__", None), _LIVE)
                or isinstance(obj, type) and issubclass(obj, _LIVE)):
            return False
        return bool(super().is_safe_callable(obj))

    def call_binop(self, context: jinja2.runtime.Context, operator: str, left: Any,
                   right: Any) -> Any:
        if operator == "*" and _repeated(left, right) > MAX_REPEAT:
            raise jinja2.sandbox.SecurityError(f"a repetition of more than {MAX_REPEAT:,} items")
        if operator == "**" and isinstance(right, int) and abs(right) > MAX_POWER:
            raise jinja2.sandbox.SecurityError(f"a power over {MAX_POWER}")
        return super().call_binop(context, operator, left, right)


def _repeated(left: Any, right: Any) -> int:
    """How many items a `*` makes of a string or list (0 for numbers)."""
    for items, times in ((left, right), (right, left)):
        if isinstance(items, str | list | tuple) and isinstance(times, int):
            return len(items) * times
    return 0


MAX_REPEAT = 1_000_000  # characters or items a template's `*` may make
MAX_POWER = 1000


@dataclass(frozen=True)
class ThemeInfo:
    """A theme as `octavo themes` lists it."""

    name: str
    description: str
    origin: str  # "built-in", "styles/" (the book's own), or "styles/ + built-in"
    extends: str = ""


def load_theme(name: str, book_root: Path) -> Theme:
    """Build the search path for theme `name`: book styles/, built-in, then what it extends."""
    layers: list[Layer] = []
    seen: set[str] = set()
    manifests: list[dict[str, object]] = []
    current: str | None = name
    while current:
        if not _THEME_NAME.fullmatch(current) or ".." in current:
            where = f"theme {layers[-1].name!r} extends" if layers else "theme"
            raise ThemeError(f"{where} {current!r}, which is not a theme name (a folder name in "
                             "styles/: letters, digits, '-', '_' and '.')")
        if current in seen:
            raise ThemeError(f"theme {current!r} extends itself")
        seen.add(current)
        present = _theme_folders(current, book_root)
        if not present:
            if current == name:
                available = ", ".join(t.name for t in list_themes(book_root))
                raise ThemeError(f"theme {name!r} not found (looked in styles/{name} and the "
                                 f"built-in themes; available: {available})")
            raise ThemeError(f"theme {layers[-1].name!r} extends {current!r}, which is not found")
        layers.append(Layer(current, tuple(present)))
        # The built-in manifest first, the book's copy over it, key by key.
        merged = _merge([read_manifest(folder) for folder in reversed(present)])
        manifests.append(merged)
        extends = merged.get("extends")
        if extends is not None and not isinstance(extends, str):  # extends = 5: not "no parent"
            where = next((f / MANIFEST for f in present if (f / MANIFEST).is_file()), present[0])
            raise ThemeError('extends: must be the name of a theme, e.g. extends = "classic"', where)
        current = extends if extends else None
    variables: dict[str, Variable] = {}
    for manifest in reversed(manifests):  # the theme's own values win over its parents'
        variables.update(_variables(manifest, layers[0].folders[0]))
    description = next((str(m["description"]) for m in manifests if m.get("description")), "")
    theme = Theme(name=name, layers=tuple(layers), description=description, variables=variables,
                  roots=(book_root.resolve(), builtin_styles_dir().resolve()))
    fallbacks = next((m["fallback_fonts"] for m in manifests if "fallback_fonts" in m), [])
    return dataclasses.replace(theme, fallback_fonts=_fallback_fonts(theme, fallbacks))


def _fallback_fonts(theme: Theme, names: object) -> tuple[Path, ...]:
    """[theme] fallback_fonts: font files on the theme's search path, for what its fonts lack."""
    where = theme.folders[0] / MANIFEST
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise ThemeError('fallback_fonts: must be a list of font files, e.g. '
                         '["fonts/NotoSansArabic-Regular.ttf"]', where)
    found = []
    for name in names:
        path = theme.find(name)
        if path is None:
            raise ThemeError(f"fallback_fonts: {name} not found in the theme's folders", where)
        if path.suffix.lower() not in FONT_TYPES:
            raise ThemeError(f"fallback_fonts: {name} is not a font file "
                             f"({', '.join(FONT_TYPES)})", where)
        check_font_file(path)
        found.append(path)
    return tuple(found)


def list_themes(book_root: Path) -> list[ThemeInfo]:
    """Every theme a book can use: its own styles/ folders and the built-in ones."""
    found: dict[str, ThemeInfo] = {}
    for origin, base in (("built-in", builtin_styles_dir()), ("book", book_root / "styles")):
        if not base.is_dir() or (origin == "book" and base.resolve() == builtin_styles_dir().resolve()):
            continue  # Octavo's own repository: its styles/ are the built-in themes
        for folder in sorted(base.iterdir()):
            if not folder.is_dir() or not _is_theme(folder):
                continue
            if origin == "book" and not landing(folder).is_relative_to(landing(book_root)):
                continue  # a link out of the book is not a theme of this book
            manifest = read_manifest(folder)
            name = folder.name
            if origin == "book" and name in found:
                old = found[name]
                found[name] = ThemeInfo(name, str(manifest.get("description") or old.description),
                                        "styles/ + built-in", old.extends)
                continue
            found[name] = ThemeInfo(name, str(manifest.get("description", "")),
                                    origin if origin == "built-in" else "styles/",
                                    str(manifest.get("extends", "")))
    return sorted(found.values(), key=lambda t: t.name)


def copy_theme(name: str, book_root: Path) -> Path:
    """Copy built-in theme `name` into the book's styles/, to edit; never over an existing one."""
    source = builtin_styles_dir() / name
    if not _NAME.match(name) or not source.is_dir():
        available = ", ".join(p.name for p in sorted(builtin_styles_dir().iterdir()) if p.is_dir())
        raise ThemeError(f"no built-in theme {name!r} (available: {available})")
    styles = book_root / "styles"
    target = styles / name
    for folder in (styles, target):
        _refuse_link_out(folder, book_root)
    if (styles.exists() or styles.is_symlink()) and not styles.is_dir():
        raise UsageError("not a folder: a book keeps its themes in the folder styles/; rename "
                         "or remove this file, then copy the theme again", styles)
    if target.exists() or target.is_symlink():  # a link to nothing is there too
        raise ThemeError("already exists; remove it or rename it first to copy afresh", target)
    try:
        shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    except FileExistsError:  # made meanwhile, by someone else: theirs, left as it is
        raise ThemeError("already exists; remove it or rename it first to copy afresh",
                         target) from None
    except OSError as exc:  # no room, no permission: no half-copied theme is left behind
        shutil.rmtree(target, ignore_errors=True)
        reason = exc.strerror or "some of its files could not be copied"
        raise OctavoError(f"cannot copy the theme here: {reason}", target) from None
    return target


def _refuse_link_out(folder: Path, book_root: Path) -> None:
    """A ThemeError naming `folder` (styles/ or the theme's folder in it) when it is a link that
    lands outside the book folder: `octavo theme copy` writes only inside the book."""
    try:
        real = landing(folder)
    except Refused as exc:  # a symlink loop
        raise ThemeError(str(exc), folder) from None
    if not real.is_relative_to(landing(book_root)):
        raise ThemeError("refused: a link to a folder outside the book folder; octavo theme copy "
                         "writes only inside the book", folder)


def read_manifest(folder: Path) -> dict[str, object]:
    """The `[theme]` table of folder/theme.toml (with `[variables]` inside), or {}."""
    path = folder / MANIFEST
    if not path.is_file():
        return {}
    try:
        data = read_toml(path, path)
    except OctavoError as exc:
        raise ThemeError(exc.message, path, exc.line) from None
    theme = data.get("theme", {})
    if not isinstance(theme, dict):
        raise ThemeError("[theme] must be a table", path)
    result = dict(theme)
    if "variables" in data:
        result["variables"] = data["variables"]
    return result


def _theme_folders(name: str, book_root: Path) -> list[Path]:
    folders: list[Path] = []
    own = book_root / "styles" / name
    if own.is_dir() or own.is_symlink():
        _check_inside(own, book_root)
    for folder in (own, builtin_styles_dir() / name):
        if folder.is_dir() and folder.resolve() not in folders:
            folders.append(folder.resolve())
    return folders


def _check_inside(folder: Path, book_root: Path) -> None:
    """The book's own theme folder, and everything in it, must be regular files and folders
    that land inside the book folder, links followed: a theme cannot bring in outside files."""
    _landing_inside(folder, book_root, file=False)
    seen = {landing(folder)}
    for parent, dirs, files in os.walk(folder, followlinks=True):
        for name in list(dirs):
            real = _landing_inside(Path(parent) / name, book_root, file=False)
            if real in seen:
                dirs.remove(name)  # a folder linked into itself: once is enough
            seen.add(real)
        for name in files:
            _landing_inside(Path(parent) / name, book_root, file=True)


def _landing_inside(path: Path, book_root: Path, file: bool) -> Path:
    try:
        return regular_file(path, book_root) if file else inside(path, book_root)
    except Refused as exc:
        raise ThemeError(str(exc), path) from None
    except FileNotFoundError:
        raise ThemeError("a link to nothing", path) from None


def _is_theme(folder: Path) -> bool:
    """A theme folder holds a manifest or a stylesheet (whichever formats it styles)."""
    return (folder / MANIFEST).is_file() or any(p.is_file() for p in folder.glob("*.css"))


def _merge(manifests: list[dict[str, object]]) -> dict[str, object]:
    merged: dict[str, object] = {}
    variables: dict[str, object] = {}
    for manifest in manifests:
        merged.update({k: v for k, v in manifest.items() if k != "variables"})
        if isinstance(manifest.get("variables"), dict):
            variables.update(manifest["variables"])  # type: ignore[arg-type]
    merged["variables"] = variables
    return merged


def _variables(manifest: dict[str, object], where: Path) -> dict[str, Variable]:
    raw = manifest.get("variables", {})
    result: dict[str, Variable] = {}
    for key, value in (raw.items() if isinstance(raw, dict) else ()):
        if not isinstance(value, str | bool):
            raise ThemeError(f"[variables] {key}: must be a string or true/false", where / MANIFEST)
        if isinstance(value, str) and (problem := _not_a_value(value)) is not None:
            raise ThemeError(f"[variables] {key}: {problem}", where / MANIFEST)
        result[str(key)] = value
    return result


def _not_a_value(value: str) -> str | None:
    """Why a manifest variable is not one CSS value, or None. Its text is put into the
    stylesheets as it is: a `;` or a brace would let it write rules of its own (and URLs that
    the stylesheets' own check never saw), an open comment or bracket swallow the rules after
    it."""
    import tinycss2

    tokens = tinycss2.parse_component_value_list(value)
    for token in tokens:
        if token.type == "error":
            return f"not a CSS value (a bracket or string closed but not opened, or left open): {value!r}"
        if token.type == "{} block" or token.type == "at-keyword" \
                or token.type == "literal" and token.value == ";":
            return f"not a CSS value (it may not hold ; {{ }} or @): {value!r}"
        if token.type == "comment":
            return f"not a CSS value (it may not hold a comment): {value!r}"
    # Put where the stylesheets have it, the value must leave the declaration after it whole.
    probe = [d for d in tinycss2.parse_blocks_contents(f"a: {value}; b: c") if d.type != "whitespace"]
    if [getattr(d, "lower_name", None) for d in probe] != ["a", "b"]:
        return f"not a CSS value (a bracket or string left open): {value!r}"
    if problems := _sheet_problems(value):
        return problems[0][1]
    return None


def check_font_file(path: Path) -> None:
    """A theme's font file must be one HarfBuzz, fontTools and WeasyPrint can read (see
    backends/fontfiles.py), else a ThemeError naming it. Octavo's own fonts are not read again at each
    build: tests/backends/test_fontfiles.py checks them."""
    if path.is_relative_to(_builtin_fonts_root()):
        return
    problem = font_problem(path)
    if problem is not None:
        raise ThemeError(problem, path)


def _check_theme_svg(path: Path) -> None:
    """An SVG a stylesheet draws must pass the manuscript's SVG checks (no scripts, no other
    files, no <use> loop or bomb: one drawn as a page background hung the PDF for ever)."""
    from octavo.images import check_svg

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ThemeError(f"cannot read: {exc.strerror}", path) from None
    check_svg(data, lambda reason: ThemeError(f"SVG {reason}", path))


@functools.cache
def _builtin_fonts_root() -> Path:
    return builtin_styles_dir().resolve()


def _read_sheet(path: Path) -> str:
    """A stylesheet's text, once every URL in it passes the policy (the book's own files and
    data: only; no @import, no local()); else a ThemeError naming the file and line. Checked
    once for each text in a process: a build reads a sheet up to three times (for the cover's
    fonts, the EPUB and the cover), and `octavo watch` checks an edited sheet again. A byte
    order mark (Windows Notepad saves UTF-8 with one) is left out: joined after the sheets
    before it, it made the first rule's selector another one, and the rule was dropped."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ThemeError(unreadable(exc), path) from None
    problems = _sheet_problems(text)
    if problems:
        line, message = problems[0]
        raise ThemeError(message, path, line)
    return text


@functools.lru_cache(maxsize=64)
def _sheet_problems(text: str) -> tuple[tuple[int, str], ...]:
    """`css_problems` of a stylesheet's text, then its data: images' (checked as an SVG's
    are), in the order of the lines; kept by the text itself."""
    from octavo.images import data_image_problem

    images = [(line, why) for url, line, _how in css_urls(text)
              if (why := data_image_problem(url)) is not None]
    found = [*css_problems(text), *images, *_size_problems(text), *_data_font_problems(text)]
    return tuple(sorted(found, key=lambda problem: problem[0]))


def _data_font_problems(css: str) -> list[tuple[int, str]]:
    """(line, message) for each data: URL in an @font-face's src that is not a whole font, as
    a font file must be (check_font_file): one cut short, or a picture, was passed over by
    WeasyPrint without a word, and the PDF set in a font of the machine instead."""
    import tinycss2

    from octavo.backends.fontfiles import font_data_problem
    from octavo.images import data_url_bytes, short_url

    found = []
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True):
        if rule.type != "at-rule" or rule.lower_at_keyword != "font-face" or not rule.content:
            continue
        for url, line, _how in css_urls(tinycss2.serialize(rule.content)):
            if not url.strip().lower().startswith("data:"):
                continue
            decoded = data_url_bytes(url)
            why = font_data_problem(decoded[1]) if decoded else "not a font (a damaged data: URL)"
            if why is not None:
                found.append((rule.source_line + line - 1, f"data: font {short_url(url)}: {why}"))
    return found


# Lengths no book has: past them WeasyPrint's text layout (Pango) overflows, `font-size: 1e9px`
# failing the PDF with an internal error. `text-indent: -9999px`, the old hiding trick, is 104 in.
_POINTS = {"pt": 1, "pc": 12, "px": 0.75, "in": 72, "cm": 72 / 2.54, "mm": 72 / 25.4, "q": 18 / 25.4}
_RELATIVE = frozenset({"em", "rem", "ex", "rex", "ch", "rch", "cap", "rcap", "ic", "ric", "lh",
                       "rlh", "vw", "vh", "vi", "vb", "vmin", "vmax"})
MAX_INCHES = 1_000
MAX_TIMES = 1_000  # em, vw, ...: a thousand times the type or the page; 100,000 %


def _size_problems(css: str) -> list[tuple[int, str]]:
    """(line, message) for each length in `css` over MAX_INCHES, or MAX_TIMES its unit."""
    import tinycss2

    found = []

    def walk(tokens: list) -> None:  # type: ignore[type-arg]
        for token in tokens:
            if token.type == "dimension" and token.lower_unit in _POINTS:
                too_large = abs(token.value) * _POINTS[token.lower_unit] > MAX_INCHES * 72
            elif token.type == "dimension" and token.lower_unit in _RELATIVE:
                too_large = abs(token.value) > MAX_TIMES
            else:
                too_large = token.type == "percentage" and abs(token.value) > MAX_TIMES * 100
            if too_large:
                found.append((token.source_line, f"{tinycss2.serialize([token])} refused: a length "
                                                 f"over {MAX_INCHES:,} inches (or {MAX_TIMES:,} "
                                                 "em) is too large to lay out"))
            walk(getattr(token, "arguments", None) or getattr(token, "content", None) or [])

    walk(tinycss2.parse_component_value_list(css, skip_comments=True))
    return found


def _sheet_label(path: Path) -> str:
    """A sheet's name for the comment above it: theme folder and file, no full path."""
    return f"{path.parent.name}/{path.name}".replace("*/", "*_/")
