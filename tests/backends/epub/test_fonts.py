"""The EPUB's fonts: subsets holding every character the book sets, cached, renamed, valid."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from conftest import BASIC_TOML, epubcheck
from fontTools.ttLib import TTFont

from octavo.backends.epub import fonts
from octavo.backends.epub.fonts import book_characters

TEXT = "# Één\n\nThe café’s œuvre — “ŵyrd” — and *italic* and **bold** text, 1 2 3.\n"


def _fonts(epub: Path) -> dict[str, TTFont]:
    with zipfile.ZipFile(epub) as zf:
        return {name: TTFont(io.BytesIO(zf.read(name))) for name in zf.namelist()
                if name.endswith((".otf", ".ttf"))}


def _build(make_book, octavo, text: str = TEXT, theme: str = "classic") -> Path:  # type: ignore[no-untyped-def]
    root = make_book({"book.toml": BASIC_TOML + f'theme = "{theme}"\n',
                      "manuscript/01.md": text})
    result = octavo("build", root)
    assert result.code == 0, result.err
    return root / "dist" / "a-test-book.epub"


@pytest.mark.parametrize("theme", ["classic", "modern", "nonfiction"])
def test_each_font_is_a_subset_holding_every_character_set(make_book, octavo,  # type: ignore[no-untyped-def]
                                                            theme: str) -> None:
    epub = _build(make_book, octavo, theme=theme)
    styles = Path(__file__).resolve().parents[3] / "styles" / theme / "fonts"
    embedded = _fonts(epub)
    assert embedded
    for name, font in embedded.items():
        whole = TTFont(styles / Path(name).name)
        cmap = font.getBestCmap()
        assert len(cmap) < len(whole.getBestCmap()) / 3, name  # cut down
        for char in "ÉéœŒŵŴ“”’—1aZ":  # the text, and both cases of it
            if ord(char) in whole.getBestCmap():
                assert ord(char) in cmap, (name, char)
        assert font["name"].getDebugName(1).endswith(" Octavo subset")  # not the RFN
    assert epubcheck(epub) == []


def _packed(path: Path, flavor: str) -> bytes:
    font = TTFont(path)
    font.flavor = flavor
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def test_woff_and_woff2_fonts_are_cut_down_and_packed_again(make_book, octavo) -> None:  # type: ignore[no-untyped-def]
    # A theme of web fonts: HarfBuzz cannot open them; fontTools unpacks and packs them again.
    styles = Path(__file__).resolve().parents[3] / "styles" / "classic"
    regular, italic = styles / "fonts" / "LinuxLibertine-Regular.otf", \
        styles / "fonts" / "LinuxLibertine-Italic.otf"
    css = (styles / "epub.css").read_text(encoding="utf-8")
    css = css.replace("Libertine-Regular.otf)", "Libertine-Regular.woff2)").replace(
        "Libertine-Italic.otf)", "Libertine-Italic.woff)")
    root = make_book({"book.toml": BASIC_TOML, "manuscript/01.md": TEXT,
                      "styles/classic/epub.css": css,
                      "styles/classic/fonts/LinuxLibertine-Regular.woff2": _packed(regular, "woff2"),
                      "styles/classic/fonts/LinuxLibertine-Italic.woff": _packed(italic, "woff")})
    result = octavo("build", root, "--format", "epub")
    assert result.code == 0 and "cannot be read" not in result.err, result.err
    epub = root / "dist" / "a-test-book.epub"
    with zipfile.ZipFile(epub) as zf:
        for name, magic, whole in (("EPUB/fonts/LinuxLibertine-Regular.woff2", b"wOF2", regular),
                                   ("EPUB/fonts/LinuxLibertine-Italic.woff", b"wOFF", italic)):
            data = zf.read(name)
            assert data[:4] == magic  # the same format, under the same name
            font = TTFont(io.BytesIO(data))
            assert font["name"].getDebugName(1).endswith(" Octavo subset")
            cmap, every = font.getBestCmap(), TTFont(whole).getBestCmap()
            assert len(cmap) < len(every) / 3 and {ord(c) for c in "éœŵ“”—Z"} <= set(cmap)
            assert len(data) < (root / "styles" / "classic" / "fonts" / Path(name).name).stat().st_size / 3
    assert epubcheck(epub) == []


def test_subsets_keep_small_caps_and_ligatures(make_book, octavo) -> None:  # type: ignore[no-untyped-def]
    epub = _build(make_book, octavo)
    font = next(f for n, f in _fonts(epub).items() if n.endswith("Regular.otf")
                and "Mono" not in n)
    features = {r.FeatureTag for r in font["GSUB"].table.FeatureList.FeatureRecord}
    assert {"smcp", "c2sc", "liga"} <= features  # the stylesheet's small caps, the defaults
    assert "onum" not in features and "salt" not in features  # what it never asks for
    assert len(font.getGlyphOrder()) > 1.5 * len(font.getBestCmap())  # and the glyphs they reach


REGULAR = Path(__file__).resolve().parents[3] / "styles" / "classic" / "fonts" / \
    "LinuxLibertine-Regular.otf"


@pytest.mark.parametrize(("features", "onum"), [(frozenset({"onum"}), True),
                                                (frozenset(), False), (None, True)])
def test_a_subset_keeps_the_features_asked_for(features: frozenset[str] | None,
                                               onum: bool) -> None:
    cut, = fonts.subset_fonts([REGULAR.read_bytes()], "0123456789 fil", None, features)
    font = TTFont(io.BytesIO(cut))
    kept = {r.FeatureTag for r in font["GSUB"].table.FeatureList.FeatureRecord}
    assert ("onum" in kept) is onum
    assert "liga" in kept


def test_the_features_a_stylesheet_asks_for() -> None:
    css = """h3 { font-variant: small-caps; } .x { font-variant-numeric: oldstyle-nums
    tabular-nums !important } .y { font-feature-settings: "ss01" 1, 'dlig'; }
    .z { font-variant-ligatures: no-common-ligatures; font-variant: normal }"""
    assert fonts.features_asked(css) == {"smcp", "onum", "tnum", "ss01", "dlig"}
    assert fonts.features_asked(".w { font-variant-caps: all-small-caps }") == {"smcp", "c2sc"}
    assert fonts.features_asked("h2 { font: italic small-caps 1.2em/1.4 serif }") == {"smcp"}
    # What cannot be told from the stylesheet keeps every feature.
    assert fonts.features_asked(".s { font-variant-alternates: swash(fancy) }") is None
    assert fonts.features_asked(".v { font-variant-caps: var(--caps) }") is None
    assert fonts.features_asked(".f { font-feature-settings: var(--figures) }") is None
    assert fonts.features_asked(".e { font-variant-east-asian: full-width }") == {"fwid"}


def test_subsets_have_no_hints(make_book, octavo) -> None:  # type: ignore[no-untyped-def]
    for name, font in _fonts(_build(make_book, octavo)).items():
        cff = font["CFF "].cff.topDictIndex[0]
        private = cff.Private
        assert not getattr(private, "StemSnapH", None) and not getattr(private, "StdHW", None), name


def test_the_same_book_gives_the_same_bytes_and_the_cache_is_used(make_book, octavo) -> None:  # type: ignore[no-untyped-def]
    epub = _build(make_book, octavo)
    root = epub.parent.parent
    cached = root / ".octavo-cache" / fonts.FOLDER
    first, subsets = epub.read_bytes(), sorted(cached.iterdir())
    assert len(subsets) == len(_fonts(epub))
    (root / "manuscript" / "02.md").write_text("# Two\n\nCafé, again.\n")
    assert octavo("build", root).code == 0
    assert sorted(cached.iterdir()) == subsets  # no new character: every subset from the cache
    (root / "manuscript" / "02.md").unlink()
    assert octavo("build", root).code == 0
    assert epub.read_bytes() == first
    (root / "manuscript" / "02.md").write_text("# Two\n\nŁódź.\n")
    assert octavo("build", root).code == 0
    assert len(list(cached.iterdir())) == 2 * len(subsets)  # a new character: new subsets
    assert all(ord("Ł") in f.getBestCmap() for n, f in _fonts(epub).items() if "Mono" not in n)


def test_a_cache_folder_or_file_that_links_out_of_the_book_is_not_used(tmp_path: Path) -> None:
    font, characters = REGULAR.read_bytes(), "Octavo"
    outside = tmp_path / "outside"
    outside.mkdir()
    cache = tmp_path / "book" / ".octavo-cache"
    cache.mkdir(parents=True)
    (cache / fonts.FOLDER).symlink_to(outside, target_is_directory=True)
    cut, = fonts.subset_fonts([font], characters, cache)
    assert cut and list(outside.iterdir()) == []  # nothing written out there
    # A kept subset that is a link to a file outside: its bytes never reach the book.
    (cache / fonts.FOLDER).unlink()
    fonts.subset_fonts([font], characters, cache)
    kept, = (cache / fonts.FOLDER).iterdir()
    secret = outside / "secret.font"
    secret.write_bytes(b"SECRET")
    kept.unlink()
    kept.symlink_to(secret)
    assert fonts.subset_fonts([font], characters, cache) == [cut]
    assert secret.read_bytes() == b"SECRET" and not kept.is_symlink()  # replaced, not written


def test_generated_content_and_both_cases_are_kept() -> None:
    chars = book_characters(["straße Ǆ"], '.x::before { content: "\\2767"; } .y { content: "§" }')
    assert {"❧", "§", "S", "ǆ", "a", "A", "~"} <= set(chars)
    assert "\n" not in chars and chars == "".join(sorted(chars))


def test_a_font_harfbuzz_cannot_cut_is_embedded_whole_with_a_warning(  # type: ignore[no-untyped-def]
        make_book, octavo, monkeypatch: pytest.MonkeyPatch) -> None:
    # A damaged font never gets here (themes.py refuses it, tests/backends/test_fontfiles.py); a whole
    # one HarfBuzz still cannot cut down goes in as it is.
    root = make_book({"book.toml": BASIC_TOML, "manuscript/01.md": TEXT})
    whole = (Path(__file__).resolve().parents[3] / "styles/classic/fonts/LinuxLibertine-Bold.otf")

    def cut(data: bytes, *args: object) -> bytes:
        if data == whole.read_bytes():
            raise ValueError("HarfBuzz cannot cut this font down")
        return real(data, *args)  # type: ignore[arg-type]

    real = fonts._cut
    monkeypatch.setattr(fonts, "_cut", cut)
    result = octavo("build", root)
    assert result.code == 0, result.err
    assert "LinuxLibertine-Bold.otf: this font cannot be read" in result.err
    with zipfile.ZipFile(root / "dist" / "a-test-book.epub") as zf:
        assert zf.read("EPUB/fonts/LinuxLibertine-Bold.otf") == whole.read_bytes()


def test_an_escape_that_names_no_character_is_the_replacement_character() -> None:
    # chr() raised on "\110000" (past Unicode), and "\D800" (a surrogate) could not be
    # written as UTF-8: a theme's generated content stopped the build as an internal error.
    found = book_characters(["a"], 'p::before { content: "\\110000 \\D800 \\0 \\2767"; }')
    assert "\ufffd" in found and "\u2767" in found
    assert not any("\ud800" <= c <= "\udfff" for c in found)
