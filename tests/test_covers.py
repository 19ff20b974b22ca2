"""Covers: the typographic cover of each theme, its cache, and the checks on a given cover."""

from __future__ import annotations

import hashlib
import io
import json
import struct
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pypdfium2
import pytest
from PIL import Image as Pillow
from PIL import ImageChops, ImageStat

from octavo import covers
from octavo.covers import (
    balanced_lines,
    check_cover,
    cover_page,
    cover_pdf,
    cover_problems,
    cover_size,
    title_layout,
    typographic_cover,
)
from octavo.model import Image, Metadata
from octavo.themes import builtin_styles_dir, load_theme

META = Metadata(title="The Hound of the Baskervilles", subtitle="Another Adventure of Sherlock Holmes",
                authors=("Arthur Conan Doyle", "Jane Roe"))
HOSTILE = Metadata(title="<script>&\"'", subtitle="</p><img src=x onerror=alert(1)>",
                   authors=("O'Brien & <Sons>",))


def picture(png: bytes) -> Pillow.Image:
    with Pillow.open(io.BytesIO(png)) as image:
        image.load()
        return image


def png_chunks(png: bytes) -> list[bytes]:
    """The chunk types of a PNG file, in order."""
    kinds, at = [], 8
    while at < len(png):
        (length,) = struct.unpack(">I", png[at:at + 4])
        kinds.append(png[at + 4:at + 8])
        at += 12 + length
    return kinds


def pdf_text(pdf: bytes) -> str:
    """The text of the PDF's first page, without spaces (letter-spaced words come out spaced)."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        text = document[0].get_textpage().get_text_range()
    finally:
        document.close()
    return "".join(text.split())


@pytest.mark.parametrize("name", ["base", "classic", "modern", "nonfiction"])
def test_each_theme_makes_a_designed_cover(name: str, tmp_path: Path) -> None:
    cover = typographic_cover(META, load_theme(name, tmp_path), tmp_path, None)
    assert (cover.href, cover.media_type, cover.source) == ("images/cover.png", "image/png",
                                                            tmp_path / "book.toml")
    assert cover.data is not None
    image = picture(cover.data)
    assert (image.format, image.mode, image.size) == ("PNG", "RGB", (1600, 2560))
    assert ImageStat.Stat(image.convert("L")).stddev[0] > 8  # type on a background, not blank
    # No timestamps or other metadata: the same cover is the same bytes.
    assert set(png_chunks(cover.data)) == {b"IHDR", b"IDAT", b"IEND"}


def test_a_cover_is_the_same_bytes_each_time(tmp_path: Path) -> None:
    theme = load_theme("classic", tmp_path)
    first = typographic_cover(META, theme, tmp_path, None)
    assert typographic_cover(META, theme, tmp_path, None).data == first.data


@pytest.mark.parametrize("name", ["classic", "modern"])
def test_the_cover_is_rendered_from_whole_fonts_to_the_same_pixels(name: str, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch
                                                                  ) -> None:
    # The PNG is rendered from a PDF that keeps its fonts as given and its streams uncompressed
    # (quicker to write): the picture of the subset, compressed PDF; only the edges of a few
    # glyphs differ, by the hints that WeasyPrint's subsetting drops.
    theme = load_theme(name, tmp_path)
    html, sheet = cover_page(META, theme)
    rendered: list[bytes] = []
    rasterize = covers.rasterize
    monkeypatch.setattr(covers, "rasterize", lambda pdf: rendered.append(pdf) or rasterize(pdf))
    typographic_cover(META, theme, tmp_path, None)
    [quick] = rendered
    packed = covers.layout(html, sheet, theme, tmp_path)
    assert b"/FlateDecode" not in quick and b"/FlateDecode" in packed  # the quick path is taken
    difference = ImageChops.difference(picture(covers.rasterize(quick)),
                                       picture(covers.rasterize(packed))).convert("L")
    assert ImageStat.Stat(difference).mean[0] < 0.5
    assert sum(difference.histogram()[100:]) < 0.002 * 1600 * 2560  # no word missing or moved


@pytest.mark.parametrize("name", ["base", "classic", "modern", "nonfiction"])
def test_the_cover_drawn_from_fonts_cut_to_its_characters_is_the_same_picture(
        name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # HarfBuzz cuts the theme's fonts to the cover's characters before WeasyPrint reads them
    # (it then reads the widths of a few glyphs, not thousands): the same pixels as whole
    # fonts, with ligatures, accents written both ways, quotes, capitals (the authors are set
    # uppercase) and the theme's generated ornament.
    meta = Metadata(title="Ffion\u2019s \u201cO\u0308l\u00e7\u00fc\u201d \u2014 affluent fjords",
                    subtitle="Na\u00efve Caf\u00e9s\u2026 & Co.", authors=("Zo\u00eb \u00c5str\u00f6m",))
    theme = load_theme(name, tmp_path)
    html, sheet = cover_page(meta, theme)
    sheet += '\n.cover-title::after { content: "\\2767  " attr(lang) " \u00a7"; }'
    cut = covers.rasterize(covers.layout(html, sheet, theme, tmp_path, to_render=True))
    monkeypatch.setattr(covers, "_cut_to", lambda characters: lambda data: data)
    whole = covers.rasterize(covers.layout(html, sheet, theme, tmp_path, to_render=True))
    assert picture(cut).tobytes() == picture(whole).tobytes()


def test_the_cover_characters_hold_what_the_page_and_its_css_may_set() -> None:
    found = covers.cover_characters('<p lang="\u00e9s">Caf\u00e9 &amp; \u00df &#x2766;</p>',
                                    'p::before { content: "\\2767 \u00bf"; }')
    for char in "C\u00c9\u00e9e\u0301&\u00df\u2766\u2767\u00bf\u201c\u2019\u2026\u2010~":
        assert char in found, char


def test_a_font_harfbuzz_cannot_cut_is_given_whole() -> None:
    cut = covers._cut_to("abc")
    assert cut(b"wOF2 not cut here") == b"wOF2 not cut here"
    assert cut(b"OTTO damaged") == b"OTTO damaged"
    regular = (builtin_styles_dir() / "classic" / "fonts" / "LinuxLibertine-Regular.otf").read_bytes()
    assert 0 < len(cut(regular)) < len(regular) // 5


def test_a_face_of_a_font_collection_is_rendered_as_meant(tmp_path: Path) -> None:
    # A collection (.ttc, here named .ttf as macOS's system fonts may be) embedded whole loses
    # which of its faces was meant: the cover falls back to a subset PDF for it.
    from fontTools.ttLib import TTCollection, TTFont

    fonts = builtin_styles_dir() / "modern" / "fonts"
    second = TTFont(fonts / "Yrsa-Bold.ttf")
    for record in second["name"].names:
        if record.nameID in (1, 4, 6, 16):
            record.string = "Other Face"
    collection = TTCollection()
    collection.fonts = [TTFont(fonts / "JetBrainsMono-Regular.ttf"), second]
    (tmp_path / "styles" / "classic" / "fonts").mkdir(parents=True)
    collection.save(str(tmp_path / "styles" / "classic" / "fonts" / "pair.ttf"))
    theme = load_theme("classic", tmp_path)
    sheet = "@font-face { font-family: T; src: url(fonts/pair.ttf); }\n" + covers.PAGE_CSS
    html = '<html><body><h1 style="font-family: T; font-size: 60pt">Hamburgefonstiv</h1></body></html>'
    quick, packed = (picture(covers.rasterize(covers.layout(html, sheet, theme, tmp_path,
                                                            to_render=to_render)))
                     for to_render in (True, False))
    assert ImageStat.Stat(ImageChops.difference(quick, packed).convert("L")).mean[0] < 0.5


@pytest.mark.parametrize("name", ["classic", "modern"])
def test_the_title_subtitle_and_authors_are_laid_out(name: str, tmp_path: Path) -> None:
    text = pdf_text(cover_pdf(META, load_theme(name, tmp_path), tmp_path)).casefold()
    for words in (META.title, META.subtitle, *META.authors):
        assert "".join(words.split()).casefold() in text, (words, text)


def test_a_hostile_title_is_text(tmp_path: Path) -> None:
    theme = load_theme("classic", tmp_path)
    html, _ = cover_page(HOSTILE, theme)
    assert "<script>" not in html and "&lt;script&gt;&amp;&#34;&#39;" in html
    assert "<img" not in html and "&lt;Sons&gt;" in html
    text = pdf_text(cover_pdf(HOSTILE, theme, tmp_path))
    for words in (HOSTILE.title, HOSTILE.subtitle, *HOSTILE.authors):
        assert "".join(words.split()).upper() in text.upper(), (words, text)
    cover = typographic_cover(HOSTILE, theme, tmp_path, None)
    assert cover.data is not None and picture(cover.data).size == (1600, 2560)


def test_the_cache_is_used_and_verified(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    theme, cache = load_theme("modern", tmp_path), tmp_path / ".octavo-cache"
    first = typographic_cover(META, theme, tmp_path, cache)
    [png] = list((cache / "covers").glob("*.png"))
    assert png.read_bytes() == first.data and png.with_suffix(".json").is_file()
    assert not [p for p in (cache / "covers").iterdir() if p.name.startswith(".")]

    def no_layout(*args: object, **options: object) -> bytes:
        raise AssertionError("laid out again")

    layout = covers.layout
    monkeypatch.setattr(covers, "layout", no_layout)
    assert typographic_cover(META, theme, tmp_path, cache).data == first.data  # from the cache
    with pytest.raises(AssertionError, match="laid out again"):  # another title: another key
        typographic_cover(Metadata(title="Another Book"), theme, tmp_path, cache)
    with pytest.raises(AssertionError, match="laid out again"):  # another theme: another key
        typographic_cover(META, load_theme("classic", tmp_path), tmp_path, cache)

    png.write_bytes(first.data[:-100])  # a damaged entry is not used, but made again
    with pytest.raises(AssertionError, match="laid out again"):
        typographic_cover(META, theme, tmp_path, cache)
    # A forged entry (the book folder is anyone's): its hash agrees, but it is no cover PNG.
    forged = b"GIF89a" + bytes(200)
    png.write_bytes(forged)
    png.with_suffix(".json").write_text(json.dumps({"sha256": hashlib.sha256(forged).hexdigest()}))
    with pytest.raises(AssertionError, match="laid out again"):
        typographic_cover(META, theme, tmp_path, cache)
    monkeypatch.setattr(covers, "layout", layout)
    assert typographic_cover(META, theme, tmp_path, cache).data == first.data
    assert png.read_bytes() == first.data


def test_the_cache_keeps_a_few_covers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(covers, "rasterize", lambda pdf: b"png")
    monkeypatch.setattr(covers, "layout", lambda *args, **options: b"pdf")
    theme, cache = load_theme("base", tmp_path), tmp_path / ".octavo-cache"
    for number in range(covers.KEEP + 3):
        typographic_cover(Metadata(title=f"Volume {number}"), theme, tmp_path, cache)
    assert len(list((cache / "covers").glob("*.png"))) == covers.KEEP


def test_a_cache_that_cannot_be_written_is_no_error(tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder would be")
    cover = typographic_cover(META, load_theme("base", tmp_path), tmp_path, blocked)
    assert cover.data is not None and picture(cover.data).size == (1600, 2560)


def test_a_cache_folder_linked_elsewhere_is_not_used(tmp_path: Path) -> None:
    cache, elsewhere = tmp_path / "book" / ".octavo-cache", tmp_path / "elsewhere"
    cache.mkdir(parents=True)
    elsewhere.mkdir()
    (cache / "covers").symlink_to(elsewhere)
    typographic_cover(META, load_theme("base", tmp_path), tmp_path / "book", cache)
    assert list(elsewhere.iterdir()) == []


def test_a_book_restyles_its_cover(make_book: Callable[..., Path]) -> None:
    root = make_book({"styles/classic/extra-cover.css": "@page { background: #00ff00; }\n"
                                                        ".cover { border: none; }\n"})
    cover = typographic_cover(META, load_theme("classic", root), root, None)
    assert cover.data is not None
    assert picture(cover.data).getpixel((20, 20)) == (0, 255, 0)


def test_a_theme_without_a_cover_stylesheet_gets_base_s(make_book: Callable[..., Path]) -> None:
    root = make_book({"styles/mine/print.css": "body { color: #222; }\n"})  # extends nothing
    theme = load_theme("mine", root)
    assert theme.sources("cover.css") == []
    cover = typographic_cover(META, theme, root, None)
    assert cover.data is not None and picture(cover.data).size == (1600, 2560)


def test_the_cover_modules_import_no_layout_engine() -> None:
    code = "import sys, octavo.covers; print(sorted({'weasyprint', 'pypdfium2', 'PIL'} & set(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_title_lines_are_balanced() -> None:
    assert balanced_lines("The Hound of the Baskervilles", 14) == ["The Hound", "of the", "Baskervilles"]
    assert balanced_lines("A Tale of Two Cities", 12) == ["A Tale of", "Two Cities"]
    assert balanced_lines("Mr.\u00a0Smith Goes to Washington", 12) == ["Mr.\u00a0Smith", "Goes to",
                                                                        "Washington"]
    assert balanced_lines("Supercalifragilistic", 5) == ["Supercalifragilistic"]
    assert balanced_lines("  ", 10) == []
    wall = balanced_lines("word " * 5000, 32)  # a wall of text: filled line by line, quickly
    assert len(wall) == 834 and max(map(len, wall)) <= 32


def test_short_titles_are_set_large() -> None:
    assert title_layout("Dune") == ("xl", ["Dune"])
    assert title_layout("The Quiet Press") == ("l", ["The Quiet", "Press"])
    size, lines = title_layout(" ".join(["words"] * 60))
    assert size == "xs" and len(lines) > 5


@pytest.mark.parametrize(("size", "expected"), [
    ((1600, 2560), []),
    ((1400, 2240), []),
    ((1600, 2240), []),  # 1.4:1, the shortest allowed
    ((1000, 1600), ["cover is 1000×1600 px; stores want at least 1400 px on the short side "
                    "(1600×2560 is best)"]),
    ((1600, 1600), ["cover is 1600×1600 px, 1.00:1 (wider than a book); stores show covers at "
                    "about 1.6:1 and crop or letterbox others (1600×2560 is best)"]),
    ((1600, 2900), ["cover is 1600×2900 px, 1.81:1 (narrower than a book); stores show covers at "
                    "about 1.6:1 and crop or letterbox others (1600×2560 is best)"]),
])
def test_a_given_cover_is_checked(size: tuple[int, int], expected: list[str]) -> None:
    assert cover_problems(*size) == expected


def test_a_small_landscape_cover_has_two_problems() -> None:
    problems = cover_problems(1200, 800)
    assert len(problems) == 2 and "1200×800 px" in problems[0] and "landscape" in problems[1]


def test_a_cover_image_is_measured(tmp_path: Path) -> None:
    path = tmp_path / "cover.png"
    Pillow.new("RGB", (1000, 1600), "#357").save(path)
    on_disk = Image(source=path, href="images/cover.png", media_type="image/png")
    assert cover_size(on_disk) == (1000, 1600) and len(check_cover(on_disk)) == 1

    turned = io.BytesIO()  # stored landscape, shown upright: EXIF orientation 6
    exif = Pillow.Exif()
    exif[0x0112] = 6
    Pillow.new("RGB", (2560, 1600), "#357").save(turned, "JPEG", exif=exif)
    photo = Image(source=path, href="images/cover.jpg", media_type="image/jpeg", data=turned.getvalue())
    assert cover_size(photo) == (1600, 2560) and check_cover(photo) == []

    svg = Image(source=path, href="images/cover.svg", media_type="image/svg+xml", data=b"<svg/>")
    assert cover_size(svg) is None and check_cover(svg) == []


def test_a_png_cover_is_turned_by_its_exif_and_not_decoded_without_one(
        tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    exif = Pillow.Exif()
    exif[0x0112] = 6
    turned = io.BytesIO()
    Pillow.new("RGB", (2560, 1600), "#357").save(turned, "PNG", exif=exif)
    png = Image(source=tmp_path / "c.png", href="images/cover.png", media_type="image/png",
                data=turned.getvalue())
    assert cover_size(png) == (1600, 2560)
    plain = io.BytesIO()
    Pillow.new("RGB", (1000, 1600), "#357").save(plain, "PNG")
    from PIL import ImageFile

    decoded: list[int] = []
    load = ImageFile.ImageFile.load
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda self: decoded.append(1) or load(self))
    assert cover_size(Image(source=tmp_path / "p.png", href="images/cover.png",
                            media_type="image/png", data=plain.getvalue())) == (1000, 1600)
    assert decoded == []


def test_a_book_without_a_cover_gets_one_in_its_epub(make_book, octavo) -> None:  # type: ignore[no-untyped-def]
    import zipfile

    from conftest import BASIC_TOML, epubcheck

    root = make_book({"book.toml": BASIC_TOML, "manuscript/01.md": "# One\n\nText.\n"})
    assert octavo("build", root).code == 0
    epub = root / "dist" / "a-test-book.epub"
    with zipfile.ZipFile(epub) as zf:
        opf = zf.read("EPUB/content.opf").decode()
        page = zf.read("EPUB/cover.xhtml").decode()
        png = Pillow.open(io.BytesIO(zf.read("EPUB/images/cover.png")))
    assert png.size == (1600, 2560)
    assert 'properties="cover-image"' in opf and '<itemref idref="cover"' in opf
    assert 'role="doc-cover"' in page and 'alt="Cover: A Test Book, by Ada Writer"' in page
    assert epubcheck(epub) == []


def test_a_small_cover_of_ones_own_is_a_warning(make_book, octavo) -> None:  # type: ignore[no-untyped-def]
    from conftest import BASIC_TOML, tiny_png

    toml = BASIC_TOML.replace('language = "en"', 'language = "en"\ncover = "cover.png"')
    root = make_book({"book.toml": toml, "cover.png": tiny_png(600, 900),
                      "manuscript/01.md": "# One\n\nText.\n"})
    result = octavo("build", root)
    assert result.code == 0, result.err
    assert result.err.strip() == ("warning: book.toml: [book] cover: cover is 600×900 px; stores "
                                  "want at least 1400 px on the short side (1600×2560 is best)")
