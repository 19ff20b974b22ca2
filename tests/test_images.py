"""Images: checked by content, kept or converted, with alt text and captions in both outputs."""

from __future__ import annotations

import base64
import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import BASIC_TOML, epubcheck, spine_documents, tiny_png
from PIL import Image as Pillow

from octavo.errors import ManuscriptError
from octavo.images import load_image

SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20" viewBox="0 0 40 20">'
       '<rect width="40" height="20" fill="#357"/></svg>')


def picture(fmt: str, mode: str = "RGB", size: tuple[int, int] = (40, 30)) -> bytes:
    out = io.BytesIO()
    Pillow.new(mode, size, "#a33" if mode == "RGB" else 128).save(out, fmt)
    return out.getvalue()


CHAPTER = """\
# Pictures

![A red square](img/a.png "The PNG caption")

![A JPEG](img/b.jpg "The JPEG caption")

An inline GIF ![small gif](img/c.gif) in a sentence.

![A vector](img/d.svg "The SVG caption")

![A WebP photo](img/e.webp "The WebP caption")
"""


@pytest.fixture
def picture_book(make_book: Callable[..., Path]) -> Path:
    return make_book({
        "book.toml": BASIC_TOML.replace('formats = ["epub"]', 'formats = ["epub", "pdf"]'),
        "manuscript/01-pictures.md": CHAPTER,
        "manuscript/img/a.png": tiny_png(),
        "manuscript/img/b.jpg": picture("JPEG"),
        "manuscript/img/c.gif": picture("GIF", "L"),
        "manuscript/img/d.svg": SVG,
        "manuscript/img/e.webp": picture("WEBP"),
    })


def test_every_kind_of_image_reaches_both_outputs(picture_book: Path, octavo) -> None:
    result = octavo("build", picture_book)
    assert result.code == 0, result.err
    epub = picture_book / "dist" / "a-test-book.epub"
    assert epubcheck(epub) == []
    with zipfile.ZipFile(epub) as zf:
        images = sorted(n for n in zf.namelist() if "/images/img-" in n)
        assert "EPUB/images/cover.png" in zf.namelist()  # the typographic cover
        webp = Pillow.open(io.BytesIO(zf.read(images[-1])))
        assert webp.format == "JPEG"  # no transparency: a photo stays a photo
    assert [Path(n).name for n in images] == [
        "img-0001.png", "img-0002.jpg", "img-0003.gif", "img-0004.svg", "img-0005.jpg"]
    _, doc = next(d for d in spine_documents(epub) if d[0].endswith("ch001.xhtml"))
    ns = {"x": "http://www.w3.org/1999/xhtml"}
    alts = [img.get("alt") for img in doc.iterfind(".//x:img", ns)]
    assert alts == ["A red square", "A JPEG", "small gif", "A vector", "A WebP photo"]
    captions = [c.text for c in doc.iterfind(".//x:figure/x:figcaption", ns)]
    assert captions == ["The PNG caption", "The JPEG caption", "The SVG caption",
                        "The WebP caption"]
    assert "WEBP image converted to JPG" in result.out

    from pypdf import PdfReader

    pdf = PdfReader(picture_book / "dist" / "a-test-book.pdf")
    raster = sum(len(page.images) for page in pdf.pages)
    assert raster >= 4  # PNG, JPEG, GIF, WebP (the SVG is drawn as vectors)
    text = " ".join(page.extract_text() for page in pdf.pages)
    for caption in ("The PNG caption", "The SVG caption", "The WebP caption"):
        assert caption in text


def test_webp_with_transparency_becomes_png(tmp_path: Path) -> None:
    path = tmp_path / "x.webp"
    path.write_bytes(picture("WEBP", "RGBA"))
    image, note = load_image(path, "img-0001", "ch.md", 3, "x.webp")
    assert image.href == "images/img-0001.png" and image.media_type == "image/png"
    assert image.data is not None and Pillow.open(io.BytesIO(image.data)).mode == "RGBA"
    assert "converted to PNG" in note


def test_a_png_named_jpg_is_stored_as_what_it_is(tmp_path: Path) -> None:
    path = tmp_path / "photo.jpg"
    path.write_bytes(tiny_png())
    image, _ = load_image(path, "img-0001", "ch.md", 3, "photo.jpg")
    assert (image.href, image.media_type) == ("images/img-0001.png", "image/png")


@pytest.mark.parametrize(("name", "content", "message"), [
    ("fake.png", b"this is not a picture at all", "is not an image (or it is damaged)"),
    ("broken.png", tiny_png()[:-30] + b"x" * 30, "is damaged"),
    ("notes.txt", b"hello", "refused: .txt is not an image type"),
    ("huge.png", None, "is too large (8000\u00d76000 pixels)"),
    ("bad.svg", b"<svg><rect></svg>", "is not a valid SVG file"),
    ("html.svg", b"<html xmlns='http://www.w3.org/1999/xhtml'/>", "is not an SVG image"),
    ("script.svg", SVG.replace("<rect", "<script>alert(1)</script><rect").encode(),
     "refused: the SVG holds <script>"),
    ("onload.svg", SVG.replace("<svg ", "<svg onload='x()' ").encode(),
     "refused: the SVG runs a script (onload=)"),
    ("leak.svg", SVG.replace("<rect", "<image href='file:///etc/hostname'/><rect").encode(),
     "refused: the SVG refers to another file (file:///etc/hostname)"),
    ("remote.svg", SVG.replace(
        "<rect", "<image xmlns:xlink='http://www.w3.org/1999/xlink' "
                 "xlink:href='https://example.org/x.png'/><rect").encode(),
     "refused: the SVG refers to another file (https://example.org/x.png)"),
    ("comment-split-import.svg", SVG.replace(
        "<rect", '<style><!-- x -->@import url("http://evil.example/x.css");</style><rect').encode(),
     "refused: the SVG's CSS refers to another file (http://evil.example/x.css)"),
    ("comment-split-url.svg", SVG.replace(
        "<rect", "<style>rect{fill:url(<!---->http://evil.example/p.svg#g)}</style><rect").encode(),
     "refused: the SVG's CSS refers to another file (http://evil.example/p.svg#g)"),
    ("pi-split-import.svg", SVG.replace(
        "<rect", "<style>@im<?x y?>port 'http://evil.example/x.css';</style><rect").encode(),
     "refused: the SVG's CSS refers to another file (http://evil.example/x.css)"),
    ("set-href.svg", SVG.replace(
        "<rect", "<image href='#a'><set attributeName='href' to=' http://evil.example/t.png'/>"
                 "</image><rect").encode(),
     "refused: the SVG's <set> sets href to another file (http://evil.example/t.png)"),
    ("animate-href.svg", SVG.replace(
        "<rect", "<image><animate attributeName='xlink:href' dur='1s' "
                 "values='#a;file:///etc/passwd;#b'/></image><rect").encode(),
     "refused: the SVG's <animate> sets href to another file (file:///etc/passwd)"),
    ("animate-from.svg", SVG.replace(
        "<rect", "<image><animate attributeName='href' from='t.png' to='#a'/></image><rect").encode(),
     "refused: the SVG's <animate> sets href to another file (t.png)"),
    ("zero-sized-emf.png", b"\x01\x00\x00\x00l\x00\x00\x00" + bytes(32) + b" EMF" + bytes(64),
     "is not an image (or it is damaged)"),  # was "internal error: ZeroDivisionError"
    ("animate-data-list.svg", SVG.replace(
        "<rect", "<image><animate attributeName='href' values='data:image/png;x.png'/></image>"
                 "<rect").encode(),
     "refused: the SVG's <animate> sets href to another file (x.png)"),
])
def test_bad_images_are_refused_naming_file_and_line(
        tmp_path: Path, name: str, content: bytes | None, message: str) -> None:
    path = tmp_path / name
    if content is None:
        Pillow.new("1", (8000, 6000)).save(path, "PNG")
    else:
        path.write_bytes(content)
    with pytest.raises(ManuscriptError) as caught:
        load_image(path, "img-0001", "manuscript/ch.md", 7, f"img/{name}")
    assert caught.value.render().startswith(f"manuscript/ch.md:7: image img/{name} {message}")


def test_svg_styles_and_animations_within_the_drawing_are_kept() -> None:
    from octavo.images import check_svg

    def refuse(reason: str) -> Exception:
        raise AssertionError(reason)

    check_svg(SVG.replace("<rect", "<style><!-- a note -->rect{fill:url(#g)}</style><image href="
                          "'#a'><set attributeName='href' to='#b'/><animate attributeName="
                          "'xlink:href' values='#a;#b;' dur='2s'/><animate attributeName='x' "
                          "values='0;10'/></image><rect").encode(), refuse)


def test_moving_images_are_told_apart(tmp_path: Path) -> None:
    from octavo.images import is_animated
    from octavo.model import Image

    def svg(body: str) -> Image:
        path = tmp_path / f"{len(body)}.svg"
        path.write_text(f'<svg xmlns="http://www.w3.org/2000/svg">{body}</svg>')
        return Image(path, "images/a.svg", "image/svg+xml")

    assert is_animated(svg('<circle r="5"><animate attributeName="r" dur="1s"/></circle>'))
    assert is_animated(svg("<style>circle { animation: spin 1s infinite; }</style>"))
    assert not is_animated(svg('<circle r="5" fill="red"/>'))
    png = tmp_path / "still.png"
    png.write_bytes(tiny_png())
    assert not is_animated(Image(png, "images/still.png", "image/png"))


def use_bomb(levels: int, attribute: str = "href") -> str:
    """`levels` groups, each drawing the one below ten times: 10**(levels - 1) rectangles."""
    groups = ['<g id="l0"><rect width="1" height="1"/></g>'] + [
        f'<g id="l{n}">' + f'<use {attribute}="#l{n - 1}"/>' * 10 + "</g>" for n in range(1, levels)]
    return ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
            f'width="10" height="10"><defs>{"".join(groups)}</defs>'
            f'<use {attribute}="#l{levels - 1}"/></svg>')


def uses_svg(body: str) -> str:
    return ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
            f'width="10" height="10">{body}</svg>')


BOMB = ("refused: the SVG's <use> elements draw over 20,000 copies (uses of uses multiply), "
        "which no reader or printer finishes; draw it with fewer uses, or save it as PNG")


def cycle(use: str) -> str:
    return (f"refused: the SVG's {use} shows itself (the element it is in, directly or through "
            "other uses), so it never finishes drawing")


@pytest.mark.parametrize(("svg", "message"), [
    (use_bomb(11), BOMB),  # the reviewer's bomb: 10**10 rectangles
    (use_bomb(6, "xlink:href"), BOMB),  # 100,000
    (uses_svg('<defs><path id="m" d="M0 0h1"/></defs>' + '<use href="#m"/>' * 20_001), BOMB),
    (uses_svg('<g id="a"><use href="#a"/></g>'), cycle('<use href="#a">')),
    (uses_svg('<g id="a"><use xlink:href="#b"/></g><g id="b"><rect/><use xlink:href="#a"/></g>'),
     cycle('<use xlink:href="#a">')),
    (uses_svg('<use href="#b"/><g id="a"><g id="b"><use href="#a"/></g></g>'),
     cycle('<use href="#a">')),  # reached through a use from outside, closed on an ancestor
], ids=["bomb-href", "bomb-xlink", "one-over-the-limit", "uses-itself", "cycle-through-another",
        "cycle-from-outside"])
def test_svg_use_bombs_and_cycles_are_refused_naming_file_and_line(
        make_book: Callable[..., Path], octavo, svg: str, message: str) -> None:
    root = make_book({"book.toml": BASIC_TOML,
                      "manuscript/01-one.md": "# One\n\nText.\n\n![A picture](img/x.svg)\n",
                      "manuscript/img/x.svg": svg})
    result = octavo("build", root)
    assert result.code == 4
    assert result.err.strip() == f"error: manuscript/01-one.md:5: image img/x.svg {message}"
    assert not (root / "dist" / "a-test-book.epub").exists()


def test_an_svg_that_uses_itself_stops_the_pdf_naming_the_chapter(
        make_book: Callable[..., Path], octavo) -> None:
    """Refused as the chapter is read, before layout: not WeasyPrint's "Failed to render SVG"
    (nor, for a bomb, a build that never ends)."""
    root = make_book({"book.toml": BASIC_TOML,
                      "manuscript/01-one.md": "# One\n\nText.\n\n![A picture](img/x.svg)\n",
                      "manuscript/img/x.svg": uses_svg('<g id="a"><use href="#a"/></g>')})
    result = octavo("build", root, "--format", "pdf")
    assert result.code == 4, result.err
    assert result.err.strip() == ("error: manuscript/01-one.md:5: image img/x.svg "
                                  + cycle('<use href="#a">'))


def test_svg_uses_within_the_limit_are_kept(make_book: Callable[..., Path], octavo) -> None:
    """Real drawings use <use> a lot (a glyph per letter, a symbol per tree on a map): 20,000
    copies, a symbol used through another, or a use of a missing id, all build."""
    symbols = ('<defs><symbol id="tree"><path d="M0 0h1"/><path d="M0 1h1"/></symbol>'
               '<g id="grove"><use xlink:href="#tree"/><use href="#tree" x="2"/></g></defs>')
    drawings = {
        "many.svg": uses_svg('<defs><path id="m" d="M0 0h1"/></defs>' + '<use href="#m"/>' * 20_000),
        "grove.svg": uses_svg(symbols + '<use href="#grove"/>' * 100 + '<use href="#none"/>'),
        "nested.svg": use_bomb(4),  # 1,000 rectangles in 3,211 copied elements
    }
    chapter = "# One\n\nText.\n\n" + "".join(f"![{n}](img/{n})\n\n" for n in drawings)
    root = make_book({"book.toml": BASIC_TOML, "manuscript/01-one.md": chapter,
                      **{f"manuscript/img/{n}": svg for n, svg in drawings.items()}})
    result = octavo("build", root)
    assert result.code == 0, result.err
    with zipfile.ZipFile(root / "dist" / "a-test-book.epub") as zf:
        kept = sorted(n for n in zf.namelist() if n.endswith(".svg"))
        assert len(kept) == 3
        assert zf.read(kept[0]).count(b"<use") == 20_000


def test_an_accented_name_is_found_however_it_is_spelt_and_named_as_written(
        make_book: Callable[..., Path], octavo) -> None:  # type: ignore[no-untyped-def]
    """macOS writes é in a file name as e and an accent (NFD); an author types it as one
    character (NFC). A missing image is named as written, not percent-encoded."""
    root = make_book({"book.toml": BASIC_TOML,
                      "manuscript/01.md": "# One\n\n![A cup](images/café.png)\n",
                      "manuscript/images/cafe\u0301.png": tiny_png()})
    assert octavo("build", root, "-q").code == 0
    with zipfile.ZipFile(next((root / "dist").glob("*.epub"))) as zf:
        assert zf.read("EPUB/images/img-0001.png") == tiny_png()
    (root / "manuscript" / "01.md").write_text("# One\n\n![A view](images/zoë.png)\n")
    result = octavo("build", root)
    assert result.code == ManuscriptError.exit_code
    assert result.err.splitlines()[-1] == \
        "error: manuscript/01.md:3: image images/zoë.png not found"


def test_a_file_name_with_a_hash_or_question_mark_is_found(
        make_book: Callable[..., Path], octavo) -> None:  # type: ignore[no-untyped-def]
    """`Fig #1.png` was "not found", named in full by the message, though it was there: the
    `#` was taken for a fragment. A name no file has still loses its fragment or query."""
    root = make_book({"book.toml": BASIC_TOML,
                      "manuscript/01.md": "# One\n\n![A](<images/Fig #1.png>)\n\n"
                                          "![B](images/why%3F.png)\n\n![C](images/c.png#x)\n",
                      "manuscript/images/Fig #1.png": tiny_png(1, 1),
                      "manuscript/images/why?.png": tiny_png(2, 2),
                      "manuscript/images/c.png": tiny_png(3, 3)})
    result = octavo("build", root, "--format", "epub")
    assert result.code == 0, result.err
    with zipfile.ZipFile(next((root / "dist").glob("*.epub"))) as zf:
        kept = [zf.read(f"EPUB/images/img-000{n}.png") for n in (1, 2, 3)]
    assert kept == [tiny_png(1, 1), tiny_png(2, 2), tiny_png(3, 3)]


@pytest.mark.parametrize("scheme", ["data", "DATA", "Data"])
def test_an_svgs_embedded_picture_is_kept_whatever_the_case_of_its_scheme(
        tmp_path: Path, scheme: str) -> None:
    path = tmp_path / "inline.svg"
    png = base64.b64encode(tiny_png(2, 2)).decode()
    path.write_text(SVG.replace("<rect", f"<image href='{scheme}:image/png;base64,{png}'/>"
                                         "<rect"), encoding="utf-8")
    image, _ = load_image(path, "img-0001", "ch.md", 3, "inline.svg")
    assert image.media_type == "image/svg+xml"


def test_the_same_picture_in_several_files_is_one_image_of_the_book(
        make_book: Callable[..., Path], octavo) -> None:  # type: ignore[no-untyped-def]
    """An ornament copied beside each chapter was stored once per file: the EPUB held the same
    bytes many times. Identical pictures are one file, every use pointing at it; a picture
    named for what it is not (a PNG named .dat) is still refused, though its bytes are kept."""
    files: dict[str, str | bytes] = {"book.toml": BASIC_TOML}
    for n in (1, 2, 3):
        files[f"manuscript/0{n}.md"] = f"# {n}\n\n![Ornament](ornament-{n}.png)\n\n" \
                                       "![Other](other.png)\n"
        files[f"manuscript/ornament-{n}.png"] = tiny_png(4, 4)
    files["manuscript/other.png"] = tiny_png(5, 5)
    root = make_book(files)
    result = octavo("build", root, "--format", "epub")
    assert result.code == 0, result.err
    epub = next((root / "dist").glob("*.epub"))
    with zipfile.ZipFile(epub) as zf:
        kept = sorted(n for n in zf.namelist() if "/images/img-" in n)
        assert [zf.read(n) for n in kept] == [tiny_png(4, 4), tiny_png(5, 5)]
    srcs = [img.get("src") for _, doc in spine_documents(epub)
            for img in doc.iter("{http://www.w3.org/1999/xhtml}img") if "img-" in img.get("src")]
    assert srcs == ["images/img-0001.png", "images/img-0002.png"] * 3
    assert epubcheck(epub) == []
    (root / "manuscript/01.md").write_text("# 1\n\n![Ornament](ornament.dat)\n")
    (root / "manuscript/ornament.dat").write_bytes(tiny_png(4, 4))
    result = octavo("build", root, "--format", "epub")
    assert result.code != 0 and "ornament.dat refused" in result.err
