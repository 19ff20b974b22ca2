"""Themes: every built-in one builds clean with its fonts; overrides, variables, extends, wheel."""

from __future__ import annotations

import base64
import io
import os
import random
import re
import shutil
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import jinja2
import pytest
from conftest import REPO, epubcheck, tiny_png
from pypdf import PdfReader

from octavo.errors import ThemeError
from octavo.model import Chapter, Image, Metadata, Part
from octavo.themes import (
    builtin_styles_dir,
    epub_css_problems,
    list_themes,
    load_theme,
    plain,
    render_template,
)

THEMES = [t.name for t in list_themes(REPO)]
GENERIC = {"serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui", "inherit"}


def build(octavo, root: Path, *args: str) -> Path:  # type: ignore[no-untyped-def]
    result = octavo("build", root, "-q", *args)
    assert result.code == 0, result.err
    return root / "dist"


def epub_css(epub: Path) -> str:
    with zipfile.ZipFile(epub) as zf:
        return zf.read("EPUB/style.css").decode("utf-8")


def test_three_characterful_themes_at_least() -> None:
    assert {"classic", "modern", "nonfiction"} <= set(THEMES)
    for name in THEMES:
        theme = load_theme(name, REPO)
        assert theme.description, name
        if name != "base":
            assert theme.layers[-1].name == "base" and list((theme.folders[0] / "fonts").glob("*.*tf"))
            assert any(p.name.startswith(("OFL", "LICENSE")) for p in (theme.folders[0] / "fonts").iterdir())


@pytest.fixture(scope="module")
def sample_builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from octavo.cli import main

    found = {}
    mp = pytest.MonkeyPatch()
    mp.setenv("SOURCE_DATE_EPOCH", "1767225600")
    try:
        for name in THEMES:
            out = tmp_path_factory.mktemp(name)
            assert main(["build", str(REPO), "--theme", name, "--out", str(out), "-q"]) == 0
            found[name] = out
    finally:
        mp.undo()
    return found


@pytest.mark.parametrize("name", THEMES)
def test_sample_builds_clean_in_every_theme(sample_builds: dict[str, Path], name: str) -> None:
    epub = sample_builds[name] / "the-quiet-press.epub"
    assert epubcheck(epub) == []
    css = epub_css(epub)
    assert epub_css_problems(css) == []
    with zipfile.ZipFile(epub) as zf:
        members = set(zf.namelist())
    declared = set()
    for face in re.findall(r"@font-face\s*\{([^}]*)\}", css):
        family = re.search(r"font-family:\s*\"([^\"]+)\"", face)
        assert family is not None
        declared.add(family.group(1))
        for url in re.findall(r"url\(([^)]+)\)", face):
            assert f"EPUB/{url.strip(chr(39) + chr(34))}" in members, url
    # Every font the stylesheet asks for first is embedded, or the reader's own generic one.
    for families in re.findall(r"font-family:\s*([^;}]+)", css):
        first = families.split(",")[0].strip().strip('"')
        assert first in declared or first in GENERIC or name == "base", (name, families)
    if name != "base":
        assert declared and any(n.endswith((".otf", ".ttf")) for n in members)


@pytest.mark.parametrize("name", THEMES)
def test_sample_pdf_embeds_the_themes_fonts(sample_builds: dict[str, Path], name: str) -> None:
    fonts = {}
    for page in PdfReader(str(sample_builds[name] / "the-quiet-press.pdf")).pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            fonts[font["/BaseFont"]] = font
    assert fonts
    for base_font, font in fonts.items():
        if name != "base":  # base uses the machine's fonts; the others only their own
            assert "+Octavo-" in base_font, f"{base_font} is not one of the {name} theme's fonts"
        descriptors = [font.get("/FontDescriptor")] + [
            d.get_object().get("/FontDescriptor") for d in font.get("/DescendantFonts") or []]
        assert any(d is not None and any(k in d.get_object() for k in
                   ("/FontFile", "/FontFile2", "/FontFile3")) for d in descriptors), base_font


def test_themes_look_different(sample_builds: dict[str, Path]) -> None:
    sheets = {name: epub_css(out / "the-quiet-press.epub") for name, out in sample_builds.items()}
    assert "\\2767" in sheets["classic"] and "#7a2418" in sheets["classic"]
    assert "Inter" in " ".join(p.name for p in (builtin_styles_dir() / "modern" / "fonts").iterdir())
    assert ".hl-k" in sheets["nonfiction"]
    with zipfile.ZipFile(sample_builds["modern"] / "the-quiet-press.epub") as zf:
        chapter = zf.read("EPUB/ch003.xhtml").decode()
    assert "chapter-number" in chapter and "opening-left" in chapter
    with zipfile.ZipFile(sample_builds["classic"] / "the-quiet-press.epub") as zf:
        chapter = zf.read("EPUB/ch003.xhtml").decode()
    assert "drop-caps" in chapter and "chapter-number" not in chapter
    assert '<span class="hl-' in chapter  # the toml block is highlighted in every theme


def test_unsafe_epub_css_is_caught() -> None:
    for css in ("p { display: flex }", "div { display:inline-grid; }", "@page { margin: 0 }",
                "p { position: fixed; }", "p { -webkit-hyphens: auto }", "img { height: 50vh }",
                "p { width: 10vmin }", "p { color: var(--x) }"):
        assert epub_css_problems(css), css
    assert epub_css_problems("/* display: flex */ p { hyphens: auto; margin: 1.5em }") == []


def test_unsafe_user_css_is_a_warning(make_book, octavo) -> None:  # type: ignore[no-untyped-def]
    root = make_book({"manuscript/1.md": "# One\n\nText.\n",
                      "styles/classic/extra-epub.css": "p { display: flex; }\n"})
    result = octavo("build", root, "--format", "epub")
    assert result.code == 0 and "flex or grid" in result.err


def test_book_styles_win_file_by_file(make_book, octavo) -> None:  # type: ignore[no-untyped-def]
    builtin = (builtin_styles_dir() / "classic" / "epub.css").read_text()
    root = make_book({"manuscript/1.md": "# One\n\nText.\n",
                      "styles/classic/epub.css": builtin + "\n.from-the-book { color: red; }\n",
                      "styles/classic/extra-epub.css": ".extra-last { color: blue; }\n",
                      "styles/classic/theme.toml": '[variables]\naccent = "#123456"\n'})
    css = epub_css(build(octavo, root, "--format", "epub") / "one.epub")
    assert css.count(".from-the-book") == 1  # the book's copy won; the built-in one is not there
    assert css.count("@font-face") == builtin.count("@font-face")
    assert css.index("/* base/epub.css */") < css.index(".from-the-book") < css.index(".extra-last")
    assert "#123456" in css and "#7a2418" not in css  # one variable changed, the rest kept
    assert "\\2767" in css


def test_book_template_override_and_sandbox(make_book, octavo) -> None:  # type: ignore[no-untyped-def]
    root = make_book({"manuscript/1.md": "# One\n\nText.\n",
                      "styles/classic/templates/epub/chapter.html":
                      '<section id="{{ chapter.id }}"><p class="mine">{{ chapter.title }}'
                      '&amp; {{ "<b>" }}</p>{{ chapter.html | safe }}</section>\n'})
    with zipfile.ZipFile(build(octavo, root, "--format", "epub") / "one.epub") as zf:
        chapter = zf.read("EPUB/ch001.xhtml").decode()
    assert 'class="mine"' in chapter and "&lt;b&gt;" in chapter  # autoescaped
    (root / "styles/classic/templates/epub/chapter.html").write_text(
        "{{ chapter.__class__.__init__.__globals__ }}")
    result = octavo("build", root, "--format", "epub")
    assert result.code == ThemeError.exit_code and "template error" in result.err
    assert "Traceback" not in result.err


@pytest.mark.parametrize("expression", [
    "p.read_text()", "p.joinpath('written').write_text('x')", "p.parent", "p.home()",
    "p['read_text']()", "(p | attr('write_text'))('x')", "f.read()", "f.write('x')", "m.system",
    "m.getcwd()", "t('/etc/hostname')"])
def test_the_sandbox_refuses_paths_files_and_modules(tmp_path: Path, expression: str) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET")
    env = load_theme("classic", REPO).templates()
    with secret.open("r+") as file, pytest.raises(jinja2.sandbox.SecurityError):
        env.from_string("{{ " + expression + " }}").render(p=secret, f=file, m=os, t=Path)
    assert sorted(tmp_path.iterdir()) == [secret] and secret.read_text() == "SECRET"


def test_templates_get_plain_data_only(tmp_path: Path) -> None:
    cover = Image(source=tmp_path / "cover.png", href="images/cover.png", media_type="image/png",
                  data=b"\x89PNG")
    chapter = Chapter(title="One", html="<p>x</p>", source="manuscript/01.md", id="ch001")
    seen = plain({"cover": cover, "body": [("part", Part(title="I", chapters=(chapter,)))],
                  "meta": Metadata(title="T", authors=("A",))})
    assert isinstance(seen, dict)
    assert seen["cover"].href == "images/cover.png" and not hasattr(seen["cover"], "source")
    assert not hasattr(seen["cover"], "data") and str(tmp_path) not in repr(seen)
    assert not hasattr(plain(Image(tmp_path, "images/c.png", "image/png")), "data")
    assert seen["body"][0][1].chapters[0].title == "One" and seen["meta"].authors == ("A",)
    for live in (tmp_path, os, open, b"bytes"):
        with pytest.raises(TypeError):
            plain(live)
    (tmp_path / "styles/classic/templates/epub").mkdir(parents=True)
    (tmp_path / "styles/classic/templates/epub/cover.html").write_text(
        "<section>\n{{ cover.source.joinpath('written').write_text('x') }}</section>")
    env = load_theme("classic", tmp_path).templates()
    with pytest.raises(ThemeError, match="cover.html:2: template error: 'octavo.model.Image "
                                         "object' has no attribute 'source'"):
        render_template(env, "epub/cover.html", cover=cover, meta=Metadata(title="T"))
    assert not (tmp_path / "written").exists()


def test_a_book_theme_extends_a_builtin_one(make_book, octavo) -> None:  # type: ignore[no-untyped-def]
    root = make_book({"manuscript/1.md": "# One\n\nText.\n",
                      "book.toml": '[book]\ntitle = "One"\n[build]\ntheme = "mine"\n',
                      "styles/mine/theme.toml": '[theme]\ndescription = "Mine"\nextends = "classic"\n'
                                                '[variables]\naccent = "#00aa00"\n',
                      "styles/mine/epub.css": ".mine { color: var(--accent); }\n"})
    css = epub_css(build(octavo, root, "--format", "epub") / "one.epub")
    assert css.index("classic/epub.css") < css.index(".mine { color: #00aa00; }")
    assert "LinuxLibertine-Regular.otf" in css
    result = octavo("themes", root)
    line = next(x for x in result.out.splitlines() if " mine " in x)
    assert line.startswith("*") and "styles/, extends classic" in line and "Mine" in line


def test_variables_fallbacks_and_errors(tmp_path: Path) -> None:
    theme = load_theme("classic", tmp_path)
    assert theme.fill_variables("a { b: var(--accent); c: var(--nope, 2px) }") == \
        "a { b: #7a2418; c: 2px }"
    assert theme.fill_variables(":root { --accent: red } a { b: var(--accent) }").endswith("b: red }")
    with pytest.raises(ThemeError, match="--nope"):
        theme.fill_variables("a { b: var(--nope) }")
    assert theme.classes() == ["drop-caps", "small-caps", "opening-centred"]


@pytest.mark.parametrize(("value", "why"), [
    ("1em; } body { background: url(https://tracker.example/p.png) } x { color: red",
     "may not hold ; { } or @"),
    ("1em } @font-face { src: url(file:///etc/passwd) }", "closed but not opened"),
    ("calc(1em + 2px", "left open"),
    ("1em /* the rest of the stylesheet", "comment"),
    ("u\\72l(file:///etc/passwd)", "not file: URLs"),
    ('local("DejaVu Serif")', "not the machine's"),  # a var() could carry it into a src
])
def test_a_variable_cannot_write_rules_of_its_own(make_book, octavo, value: str, why: str) -> None:  # type: ignore[no-untyped-def]
    """A manifest variable is put into the stylesheets as it is: it must be one CSS value,
    passing the stylesheets' own URL check."""
    root = make_book({"manuscript/1.md": "# One\n\nText.\n",
                      "styles/classic/theme.toml": f"[variables]\nparagraph-indent = '{value}'\n"})
    result = octavo("build", root, "--format", "epub")
    assert result.code == ThemeError.exit_code, result.err
    line = result.err.strip()
    assert line.count("\n") == 0 and "styles/classic/theme.toml" in line, line
    assert "[variables] paragraph-indent" in line and why in line, line
    assert not (root / "dist").exists()


def test_missing_theme_and_loops(tmp_path: Path) -> None:
    with pytest.raises(ThemeError, match="available: base, classic"):
        load_theme("nope", tmp_path)
    (tmp_path / "styles/a").mkdir(parents=True)
    (tmp_path / "styles/a/theme.toml").write_text('[theme]\nextends = "a"\n')
    with pytest.raises(ThemeError, match="extends itself"):
        load_theme("a", tmp_path)


@pytest.mark.parametrize("where", ["empty", "repo"])
def test_themes_command_lists_each_with_origin(octavo, tmp_path: Path, where: str) -> None:  # type: ignore[no-untyped-def]
    result = octavo("themes", tmp_path if where == "empty" else REPO)
    assert result.code == 0
    for name in THEMES:
        line = next(x for x in result.out.splitlines() if x[2:].startswith(name + " "))
        assert load_theme(name, REPO).description in line
        assert f"{name} " in line and "built-in" in line and "styles/" not in line


def test_themes_command_escapes_control_characters(octavo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # A theme.toml's description set the terminal's title (an escape sequence), raw.
    (tmp_path / "styles/odd").mkdir(parents=True)
    (tmp_path / "styles/odd/theme.toml").write_text(
        '[theme]\nextends = "classic"\ndescription = "Plain \\u001b]0;pwned\\u0007 words"\n')
    result = octavo("themes", tmp_path)
    assert result.code == 0, result.err
    assert "\x1b" not in result.out and "\x07" not in result.out
    assert "Plain \\x1b]0;pwned\\x07 words" in result.out


def test_theme_copy_then_edit_wins(make_book, octavo) -> None:  # type: ignore[no-untyped-def]
    root = make_book({"manuscript/1.md": "# One\n\nText.\n"})
    assert octavo("theme", "copy", "modern", root).code == 0
    copied = root / "styles" / "modern"
    assert (copied / "fonts" / "OFL.txt").is_file() and (copied / "theme.toml").is_file()
    again = octavo("theme", "copy", "modern", root)
    assert again.code == ThemeError.exit_code and "already exists" in again.err
    assert octavo("theme", "copy", "nope", root).code == ThemeError.exit_code
    sheet = copied / "epub.css"
    sheet.write_text(sheet.read_text() + "\n.edited-copy { margin: 0; }\n")
    css = epub_css(build(octavo, root, "--format", "epub", "--theme", "modern") / "one.epub")
    assert ".edited-copy" in css and "styles/ + built-in" in octavo("themes", root).out


def test_build_theme_option_overrides_book_toml(make_book, octavo) -> None:  # type: ignore[no-untyped-def]
    root = make_book({"manuscript/1.md": "# One\n\nText.\n",
                      "book.toml": '[book]\ntitle = "One"\n[build]\ntheme = "classic"\n'})
    assert "Yrsa" in epub_css(build(octavo, root, "--format", "epub", "--theme", "modern") / "one.epub")
    assert "Libertine" in epub_css(build(octavo, root, "--format", "epub") / "one.epub")


def test_wheel_ships_every_theme_file_and_works(tmp_path: Path) -> None:
    source = tmp_path / "src"
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(
        ".venv", ".git", "dist", "__pycache__", ".pytest_cache", ".ruff_cache", "*.egg-info"))
    subprocess.run([sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", str(tmp_path)],
                   cwd=source, check=True, capture_output=True)
    wheel = next(tmp_path.glob("octavo-*.whl"))
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        zf.extractall(tmp_path / "site")
    theme_files = [p.relative_to(REPO / "styles").as_posix()
                   for p in (REPO / "styles").rglob("*") if p.is_file()]
    assert len(theme_files) > 20
    missing = [f for f in theme_files if f"octavo/styles/{f}" not in names]
    assert missing == []
    assert "octavo/skeleton/book.toml" in names and "octavo/skeleton/gitignore.txt" in names
    # The unpacked wheel, first on the path, finds its own themes and skeleton.
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "site")}
    listed = subprocess.run([sys.executable, "-m", "octavo", "themes", str(tmp_path)], env=env,
                            capture_output=True, text=True, check=True)
    assert all(name in listed.stdout for name in THEMES)
    made = subprocess.run([sys.executable, "-c", "import octavo.themes as t; print(t.builtin_styles_dir())"],
                          env=env, capture_output=True, text=True, check=True)
    assert made.stdout.strip() == str(tmp_path / "site" / "octavo" / "styles")
    init = subprocess.run([sys.executable, "-m", "octavo", "init", str(tmp_path / "new")], env=env,
                          capture_output=True, text=True)
    assert init.returncode == 0, init.stderr
    assert (tmp_path / "new" / ".gitignore").is_file()


def test_a_title_that_says_its_number_gets_no_label_in_either_file(make_book, octavo) -> None:  # type: ignore[no-untyped-def]
    """A theme with chapter numbers ("Chapter 2" above the title) leaves the label out where
    the title already says it ("Chapter I: The Storm"): it would say it twice."""
    root = make_book({
        "book.toml": '[book]\ntitle = "Labels"\nauthors = ["A. Writer"]\nlanguage = "en"\n\n'
                     '[build]\ntheme = "nonfiction"\n',
        "manuscript/01.md": "# Chapter I: The Storm\n\nRain fell.\n",
        "manuscript/02.md": "# The Calm\n\nThe sun came out.\n",
    })
    out = build(octavo, root)
    with zipfile.ZipFile(out / "labels.epub") as zf:
        pages = [zf.read(name).decode() for name in sorted(zf.namelist())
                 if re.search(r"ch\d+\.xhtml$", name)]
    storm = next(page for page in pages if "The Storm" in page)
    calm = next(page for page in pages if "The Calm" in page)
    assert "chapter-number" not in storm and "chapter-number" in calm
    text = " ".join(page.extract_text() for page in PdfReader(out / "labels.pdf").pages)
    assert "Chapter 2" in re.sub(r"\s+", " ", text) and "Chapter 1" not in text


@pytest.mark.parametrize("theme", ["classic", "nonfiction"])
def test_a_table_wider_than_the_page_keeps_every_word_in_the_pdf(make_book, octavo,  # type: ignore[no-untyped-def]
                                                                 theme: str) -> None:
    """Twelve columns on a 5.5 in page: the last six fell off its edge, and only `check` saw it."""
    cells = [f"Population{i}" for i in range(12)]
    table = ("| " + " | ".join(f"Heading{i}" for i in range(12)) + " |\n" + "|---" * 12 + "|\n"
             + "| " + " | ".join(cells) + " |\n")
    root = make_book({"book.toml": f'[book]\ntitle = "T"\nauthors = ["A"]\nlanguage = "en"\n'
                                   f'[build]\nformats = ["pdf"]\ntheme = "{theme}"\n',
                      "manuscript/01.md": f"# One\n\nBefore.\n\n{table}\nAfter.\n"})
    import pypdfium2

    pdf = pypdfium2.PdfDocument(build(octavo, root) / "t.pdf")
    text = "".join("".join(page.get_textpage().get_text_bounded().split()) for page in pdf)
    for word in (*(f"Heading{i}" for i in range(12)), *cells, "After."):
        assert word in text, word


def _cut_short(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:100 * 1024])


def _written_over(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[8000:9000] = random.Random(1).randbytes(1000)  # in its 'CFF ' table, near the start
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(("damage", "reason"), [
    (_cut_short, "the file is cut short: its 'CFF ' table would end at byte 467,778, the file at "
                 "byte 102,400"),
    (_written_over, "its 'CFF ' table is damaged: it does not match its checksum and cannot be "
                    "read"),
])
def test_a_damaged_theme_font_is_one_line_naming_it(make_book, octavo, damage, reason) -> None:  # type: ignore[no-untyped-def]
    root = make_book({"manuscript/1.md": "# One\n\nText.\n"})
    assert octavo("theme", "copy", "classic", root).code == 0
    damage(root / "styles/classic/fonts/LinuxLibertine-Regular.otf")
    result = octavo("build", root, "--format", "epub")
    assert result.code == ThemeError.exit_code
    assert result.err.splitlines() == [
        f"error: styles/classic/fonts/LinuxLibertine-Regular.otf: not a usable font ({reason}); "
        "replace it with a good copy of the font"]
    assert not (root / "dist" / "one.epub").exists()


def test_a_damaged_fallback_font_is_refused_naming_it(tmp_path: Path) -> None:
    fonts = tmp_path / "styles/classic"
    fonts.mkdir(parents=True)
    font = builtin_styles_dir() / "classic/fonts/LinuxLibertineMono-Regular.otf"
    (fonts / "fallback.otf").write_bytes(font.read_bytes()[:50_000])
    (fonts / "theme.toml").write_text('[theme]\nfallback_fonts = ["fallback.otf"]\n')
    with pytest.raises(ThemeError) as caught:
        load_theme("classic", tmp_path)
    assert caught.value.render(tmp_path).startswith(
        "styles/classic/fallback.otf: not a usable font (the file is cut short")


@pytest.mark.parametrize(("case", "code", "message"), [
    ("styles is a file", 2, "styles: not a folder: a book keeps its themes in the folder styles/; "
                            "rename or remove this file, then copy the theme again"),
    ("a link to nothing in its place", ThemeError.exit_code,
     "styles/classic: already exists; remove it or rename it first to copy afresh"),
    ("styles is a link out of the book", ThemeError.exit_code,
     "styles: refused: a link to a folder outside the book folder; octavo theme copy writes only "
     "inside the book"),
    ("its folder is a link out of the book", ThemeError.exit_code,
     "styles/classic: refused: a link to a folder outside the book folder; octavo theme copy "
     "writes only inside the book"),
    ("the book folder is a file", 1, "book.toml: not a folder: give the book's folder, the one "
                                     "that holds book.toml and manuscript/"),
    ("no room left", 1, "styles/classic: cannot copy the theme here: No space left on device"),
])
def test_theme_copy_where_it_cannot_go_is_one_line(make_book, octavo, monkeypatch, case: str,  # type: ignore[no-untyped-def]
                                                   code: int, message: str) -> None:
    root = make_book({"manuscript/1.md": "# One\n\nText.\n", "book.toml": "[book]\n"})
    outside = root.parent / "outside"
    outside.mkdir()
    book = "."
    if case == "styles is a file":
        (root / "styles").write_text("notes\n")
    elif case == "a link to nothing in its place":
        (root / "styles").mkdir()
        (root / "styles" / "classic").symlink_to(root / "nowhere")
    elif case == "styles is a link out of the book":
        (root / "styles").symlink_to(outside, target_is_directory=True)
    elif case == "its folder is a link out of the book":
        (root / "styles").mkdir()
        (root / "styles" / "classic").symlink_to(outside / "classic", target_is_directory=True)
    elif case == "the book folder is a file":
        book = "book.toml"
    else:
        def full(source: Path, target: Path, **options: object) -> None:
            Path(target).mkdir(parents=True)
            (Path(target) / "epub.css").write_text("half")
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(shutil, "copytree", full)
    monkeypatch.chdir(root)  # the messages name the files as the command line does
    result = octavo("theme", "copy", "classic", book)
    assert result.code == code
    assert result.err.splitlines() == [f"error: {message}"]
    assert not (root / "styles" / "classic" / "epub.css").exists()  # nothing half copied
    assert list(outside.iterdir()) == []  # nothing written outside the book


def _use_bomb() -> str:
    """Ten levels of ten <use> each: 10^10 copies, which WeasyPrint drew for ever."""
    levels = "".join(f'<g id="l{n}">' + f'<use href="#l{n - 1}"/>' * 10 + "</g>" for n in range(1, 11))
    return ('<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"><defs>'
            f'<rect id="l0" width="1" height="1"/>{levels}</defs><use href="#l10"/></svg>')


@pytest.mark.parametrize(("form", "sheet"), [("epub", "extra-epub.css"), ("pdf", "extra-print.css")])
def test_an_svg_a_theme_draws_is_checked_as_a_manuscripts_is(make_book, octavo,  # type: ignore[no-untyped-def]
                                                             form: str, sheet: str) -> None:
    root = make_book({"manuscript/1.md": "# One\n\nText.\n",
                      "styles/classic/bomb.svg": _use_bomb(),
                      f"styles/classic/{sheet}": "body { background: url(bomb.svg); }\n"})
    result = octavo("build", root, "--format", form)
    assert result.code == ThemeError.exit_code, result.err
    assert result.err.strip().startswith("error: ") and result.err.count("\n") == 1
    assert "styles/classic/bomb.svg: SVG refused: the SVG's <use> elements draw over" in result.err
    assert not list(root.glob("dist/*"))


def _data_url(media_type: str, data: bytes) -> str:
    return f"data:{media_type};base64,{base64.b64encode(data).decode()}"


def _huge_png() -> bytes:
    """A PNG of 100 million pixels, 100 KB as a file."""
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", 10_000, 10_000, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b"")


@pytest.mark.parametrize(("sheet", "image", "why"), [
    ("print.css", ("image/svg+xml", _use_bomb().encode()), "draw over 20,000 copies"),
    ("epub.css", ("image/svg+xml", _use_bomb().encode()), "draw over 20,000 copies"),
    ("print.css", ("image/png", _huge_png()), "holds a data: image too large"),
    ("print.css", ("image/png", b"not a picture"), "damaged data: image"),
])
def test_a_data_image_a_stylesheet_draws_is_checked_as_an_svgs_is(
        tmp_path: Path, sheet: str, image: tuple[str, bytes], why: str) -> None:
    """A use bomb in a data: URL, as a page's background, kept the PDF drawing for ever; a
    huge or damaged PNG failed the PDF without naming the stylesheet."""
    folder = tmp_path / "styles" / "classic"
    folder.mkdir(parents=True)
    (folder / f"extra-{sheet}").write_text(f"p {{ color: red }}\n\nbody {{ background: "
                                           f"url({_data_url(*image)}) }}\n")
    with pytest.raises(ThemeError, match=re.escape(why)) as refused:
        load_theme("classic", tmp_path).read_css(sheet)
    assert refused.value.path == folder / f"extra-{sheet}" and refused.value.line == 3


def _jpeg() -> bytes:
    from PIL import Image as Pillow

    out = io.BytesIO()
    Pillow.new("RGB", (4, 4)).save(out, "JPEG")
    return out.getvalue()


@pytest.mark.parametrize(("data", "why"), [
    (b"not a picture", "is not an image (or it is damaged)"),
    (b"", "is not an image (or it is damaged)"),
    (_huge_png(), "is too large"),
    (_jpeg(), "is a JPEG image named .png: save it as PNG, or rename it"),
    (tiny_png(), None),
])
def test_a_picture_a_theme_draws_is_checked(tmp_path: Path, data: bytes, why: str | None) -> None:
    """A text file or a JPEG named .png went into the EPUB as it was (EPUBCheck: PKG-021,
    OPF-029), and failed the PDF as "WeasyPrint: Failed to load image at 'file:///…': "."""
    folder = tmp_path / "styles" / "classic"
    folder.mkdir(parents=True)
    (folder / "mark.png").write_bytes(data)
    theme = load_theme("classic", tmp_path)
    if why is None:
        assert theme.css_resources("a { background: url(mark.png) }") == {"mark.png": folder / "mark.png"}
        return
    with pytest.raises(ThemeError, match=re.escape(why)) as refused:
        theme.css_resources("a { background: url(mark.png) }")
    assert refused.value.path == folder / "mark.png"


def test_a_quoted_url_with_brackets_or_spaces_is_a_theme_file(tmp_path: Path) -> None:
    """`url("a(b).png")` was missed: the EPUB left the file out (EPUBCheck RSC-007), and a
    use bomb named `b(1).svg` went unchecked."""
    folder = tmp_path / "styles" / "classic"
    folder.mkdir(parents=True)
    for name in ("a(b).png", "my map (old).png"):
        (folder / name).write_bytes(tiny_png())
    theme = load_theme("classic", tmp_path)
    css = "a { background: url(\"a(b).png\") }\nb { background: url( 'my map (old).png' ) }\n"
    assert theme.css_resources(css) == {"a(b).png": folder / "a(b).png",
                                        "my map (old).png": folder / "my map (old).png"}
    assert theme.rewrite_urls(css, lambda url, _path: f"{len(url)}.png") == \
        "a { background: url(8.png) }\nb { background: url(16.png) }\n"
    (folder / "b(1).svg").write_text(_use_bomb())
    with pytest.raises(ThemeError, match="draw over 20,000 copies"):
        theme.css_resources("a { background: url('b(1).svg') }")


def test_a_data_image_in_a_variable_is_checked_too(tmp_path: Path) -> None:
    folder = tmp_path / "styles" / "classic"
    folder.mkdir(parents=True)
    bomb = _data_url("image/svg+xml", _use_bomb().encode())
    (folder / "theme.toml").write_text(f'[variables]\naccent = "url({bomb})"\n')
    with pytest.raises(ThemeError, match="accent: refused: the SVG's <use> elements draw over"):
        load_theme("classic", tmp_path)


@pytest.mark.parametrize(("length", "kept"), [
    ("1e9px", False), ("720000pt", False), ("2000em", False), ("-5000vw", False),
    ("200000%", False), ("-9999px", True), ("1000em", True), ("3e2in", True), ("90deg", True),
])
def test_a_length_too_large_to_lay_out_is_refused(tmp_path: Path, length: str, kept: bool) -> None:
    """`font-size: 1e9px` made WeasyPrint's text layout overflow: an internal error."""
    folder = tmp_path / "styles" / "classic"
    folder.mkdir(parents=True)
    (folder / "extra-print.css").write_text(f"p {{ color: red }}\np {{ margin: calc(1em + {length}) }}\n")
    theme = load_theme("classic", tmp_path)
    if kept:
        assert length in theme.read_css("print.css")
        return
    with pytest.raises(ThemeError, match="refused: a length over 1,000 inches") as refused:
        theme.read_css("print.css")
    assert refused.value.line == 2 and refused.value.path == folder / "extra-print.css"


@pytest.mark.parametrize(("cut", "why"), [
    (20_000, "not a usable font (the file is cut short"),
    (0, "not a font file"),
    (None, None),
])
def test_a_data_font_is_checked_as_a_font_file_is(tmp_path: Path, cut: int | None,
                                                  why: str | None) -> None:
    """A font cut short, or a picture, in a data: URL was passed over by WeasyPrint without a
    word: the PDF was set in a font of the machine instead."""
    font = (REPO / "styles" / "classic" / "fonts" / "LinuxLibertine-Regular.otf").read_bytes()
    data = font if cut is None else font[:cut] if cut else tiny_png()
    folder = tmp_path / "styles" / "classic"
    folder.mkdir(parents=True)
    (folder / "extra-print.css").write_text(
        "p { color: red }\n@font-face {\n  font-family: Mine;\n"
        f"  src: url({_data_url('font/otf', data)});\n}}\np {{ font-family: Mine }}\n")
    theme = load_theme("classic", tmp_path)
    if why is None:
        assert "Mine" in theme.read_css("print.css")
        return
    with pytest.raises(ThemeError, match=re.escape(why)) as refused:
        theme.read_css("print.css")
    assert refused.value.line == 4 and "data: font data:font/otf;base64," in refused.value.message


def test_a_byte_order_mark_hides_no_rule_nor_variable(tmp_path: Path) -> None:
    """Windows Notepad saves UTF-8 with a byte order mark: joined after the sheets before it,
    it made the first rule's selector `\\ufeffp`, and the rule was dropped without a word;
    theme.toml was "invalid TOML" at line 1, column 1, though book.toml reads with one."""
    folder = tmp_path / "styles" / "classic"
    folder.mkdir(parents=True)
    (folder / "extra-print.css").write_text("\ufeffp { color: red }\n", encoding="utf-8")
    (folder / "theme.toml").write_text('\ufeff[variables]\naccent = "#335c81"\n', encoding="utf-8")
    theme = load_theme("classic", tmp_path)
    assert theme.variables["accent"] == "#335c81"
    css = theme.read_css("print.css")
    assert "\ufeff" not in css and "\np { color: red }" in css


def test_a_theme_toml_not_in_utf8_is_named(make_book, octavo) -> None:  # type: ignore[no-untyped-def]
    """A theme.toml saved in Latin-1 was an internal error (UnicodeDecodeError)."""
    root = make_book({"manuscript/1.md": "# One\n\nText.\n",
                      "styles/classic/theme.toml": '[variables]\naccent = "caf\xe9"\n'.encode("latin-1")})
    result = octavo("build", root, "--format", "epub")
    assert result.code == ThemeError.exit_code, result.err
    assert result.err.strip() == "error: styles/classic/theme.toml: cannot read: not UTF-8 text"


def test_a_theme_svg_edited_in_one_session_is_checked_again(tmp_path: Path) -> None:
    """`octavo watch` reads the theme again at each rebuild: an SVG made a bomb meanwhile is
    refused then, not passed on the strength of what it held before."""
    folder = tmp_path / "styles" / "classic"
    folder.mkdir(parents=True)
    svg = folder / "mark.svg"
    svg.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9">'
                   '<rect width="1" height="1"/></svg>')
    theme = load_theme("classic", tmp_path)
    assert theme.css_resources("a { background: url(mark.svg); }") == {"mark.svg": svg}
    svg.write_text(_use_bomb())
    with pytest.raises(ThemeError, match="draw over 20,000 copies"):
        theme.css_resources("a { background: url(mark.svg); }")
