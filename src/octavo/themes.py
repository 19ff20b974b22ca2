"""Finds a theme's files on a search path: the book's styles/, the built-in theme, its parents."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import jinja2
import jinja2.sandbox

from octavo.errors import ThemeError

PACKAGE_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = PACKAGE_DIR / "templates"
_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")
FONT_TYPES = {
    ".otf": "font/otf",
    ".ttf": "font/ttf",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
}


def builtin_styles_dir() -> Path:
    """Where the built-in themes are: inside the installed package, or the source tree's styles/."""
    packaged = PACKAGE_DIR / "styles"
    if packaged.is_dir():
        return packaged
    return PACKAGE_DIR.parent.parent / "styles"


@dataclass(frozen=True)
class Theme:
    """A theme: its name and the folders searched for its files, first match wins."""

    name: str
    folders: tuple[Path, ...]
    description: str = ""

    def find(self, relative: str) -> Path | None:
        """The first file named `relative` on the search path."""
        for folder in self.folders:
            candidate = (folder / relative).resolve()
            if candidate.is_relative_to(folder.resolve()) and candidate.is_file():
                return candidate
        return None

    def read_css(self, name: str) -> str:
        """A stylesheet of the theme, followed by any `extra-<name>` the user added."""
        path = self.find(name)
        if path is None:
            raise ThemeError(f"theme {self.name!r} has no {name}", self.folders[0])
        css = path.read_text(encoding="utf-8")
        extra = self.find(f"extra-{name}")
        if extra is not None:
            css += "\n/* " + extra.name + " */\n" + extra.read_text(encoding="utf-8")
        return css

    def rewrite_urls(self, css: str, new_url: Callable[[str, Path], str]) -> str:
        """`css` with each url(...) to a theme file replaced by `new_url(url, path)`."""
        resources = self.css_resources(css)

        def replace(match: re.Match[str]) -> str:
            url = match.group(2)
            return f"url({new_url(url, resources[url])})" if url in resources else match.group(0)

        return _URL.sub(replace, css)

    def css_resources(self, css: str) -> dict[str, Path]:
        """Files a stylesheet refers to with url(...), found on the search path."""
        found: dict[str, Path] = {}
        for _, url in _URL.findall(css):
            if url.startswith(("data:", "#")) or ":" in url.split("/")[0]:
                continue
            path = self.find(url)
            if path is None:
                raise ThemeError(f"theme {self.name!r}: url({url}) not found", self.folders[0])
            found[url] = path
        return found

    def templates(self) -> jinja2.Environment:
        """A Jinja2 environment over the theme's templates, then Octavo's defaults.

        Sandboxed, since templates may come from the user's own styles/ folder, and
        autoescaped, since everything put in them is text.
        """
        folders = [str(f / "templates") for f in self.folders if (f / "templates").is_dir()]
        folders.append(str(TEMPLATES_DIR))
        return jinja2.sandbox.SandboxedEnvironment(
            loader=jinja2.FileSystemLoader(folders),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )


def load_theme(name: str, book_root: Path) -> Theme:
    """Build the search path for theme `name`: book styles/, built-in, then what it extends."""
    folders: list[Path] = []
    description = ""
    seen: set[str] = set()
    current: str | None = name
    while current:
        if current in seen:
            raise ThemeError(f"theme {current!r} extends itself")
        seen.add(current)
        candidates = [book_root / "styles" / current, builtin_styles_dir() / current]
        present = []
        for folder in candidates:
            resolved = folder.resolve()
            if folder.is_dir() and resolved not in folders:
                present.append(resolved)
        if not present:
            if current == name:
                raise ThemeError(
                    f"theme {name!r} not found (looked in styles/{name} and the built-in themes)"
                )
            raise ThemeError(f"theme {name!r} extends {current!r}, which is not found")
        folders.extend(present)
        manifest = _manifest(present)
        description = description or str(manifest.get("description", ""))
        extends = manifest.get("extends")
        current = extends if isinstance(extends, str) and extends else None
    return Theme(name=name, folders=tuple(folders), description=description)


def _manifest(folders: list[Path]) -> dict[str, object]:
    for folder in folders:
        path = folder / "theme.toml"
        if path.is_file():
            try:
                data = tomllib.loads(path.read_text(encoding="utf-8"))
            except tomllib.TOMLDecodeError as exc:
                raise ThemeError(f"invalid TOML: {exc}", path) from None
            theme = data.get("theme", data)
            return theme if isinstance(theme, dict) else {}
    return {}
