"""Images: checked by content, kept or converted, with alt text and captions in both outputs."""

from __future__ import annotations

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
