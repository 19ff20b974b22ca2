"""Image alt text: a missing one is a warning naming file and line; decorative images say so."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import BASIC_TOML, XHTML, spine_documents, tiny_png
from lxml import etree

from octavo.diagnostics import Diagnostics
from octavo.readers.base import ImageRegistry, ReadContext
from octavo.readers.markdown import read_markdown

CHAPTER = "manuscript/02-harbour.md"
MARKDOWN_HINT = ("describe it (![what it shows](images/map.png)) or mark it decorative with "
                 "{.decorative}")
HTML_HINT = ('describe it (<img src="images/map.png" alt="what it shows">) or mark it '
             'decorative with alt="" role="presentation"')


def read(make_book: Callable[..., Path], text: str) -> tuple[list[etree._Element], list[str]]:
    """The images of a chapter as the book holds them, and the warnings it gave."""
    root = make_book({CHAPTER: text, "manuscript/images/map.png": tiny_png()})
    diagnostics = Diagnostics()
    context = ReadContext(root, diagnostics, ImageRegistry(root))
    doc = read_markdown(root / CHAPTER, CHAPTER, context)
    html = "".join(section.html for section in doc.render(1))
    tree = etree.fromstring(f"<div>{html}</div>")
    return list(tree.iter("img")), diagnostics.warnings


@pytest.mark.parametrize("image", ["![](images/map.png)", "![ \t ](images/map.png)"],
                         ids=["no alt", "blank alt"])
def test_markdown_image_without_alt_text_warns_with_file_and_line(
        make_book: Callable[..., Path], image: str) -> None:
    images, warnings = read(make_book, f"# One\n\nText.\n\n{image}\n")
    assert warnings == [f"{CHAPTER}:5: image images/map.png has no alt text: {MARKDOWN_HINT}"]
    assert [img.get("alt") for img in images] == [""]


@pytest.mark.parametrize("image", ['<img src="images/map.png">', '<img src="images/map.png" alt="">',
                                   '<img src="images/map.png" alt="  " role="img">'],
                         ids=["no alt", "empty alt", "blank alt, other role"])
def test_raw_html_image_without_alt_text_warns_with_file_and_line(
        make_book: Callable[..., Path], image: str) -> None:
    images, warnings = read(make_book, f"# One\n\nText.\n\nA map: {image} and more.\n")
    assert warnings == [f"{CHAPTER}:5: image images/map.png has no alt text: {HTML_HINT}"]
    assert [img.get("alt") for img in images] == [""]


def test_each_image_without_alt_text_is_reported_on_its_line(
        make_book: Callable[..., Path]) -> None:
    _, warnings = read(make_book, "# One\n\n![](images/map.png)\n\nText.\n\n"
                                  'Inline <img src="images/map.png"/>.\n')
    assert warnings == [f"{CHAPTER}:3: image images/map.png has no alt text: {MARKDOWN_HINT}",
                        f"{CHAPTER}:7: image images/map.png has no alt text: {HTML_HINT}"]


@pytest.mark.parametrize("image", [
    "![](images/map.png){.decorative}",
    "![an ornament](images/map.png){.decorative}",  # decorative wins: its alt text is dropped
    "![](images/map.png){ .decorative }",
    '<img src="images/map.png" alt="" role="presentation">',
    '<img src="images/map.png" role="presentation"/>',
], ids=["markdown", "markdown with alt text", "markdown, spaced", "html", "html without alt"])
def test_a_decorative_image_has_empty_alt_and_presentation_role(
        make_book: Callable[..., Path], image: str) -> None:
    images, warnings = read(make_book, f"# One\n\nText.\n\n{image}\n")
    assert warnings == []
    assert [dict(img.attrib) for img in images] == [
        {"src": "images/img-0001.png", "alt": "", "role": "presentation"}]


def test_the_decorative_mark_keeps_other_classes_and_leaves_no_class_of_its_own(
        make_book: Callable[..., Path]) -> None:
    images, warnings = read(make_book, "# One\n\nText ![](images/map.png){.wide .decorative} "
                                       "and ![A map](images/map.png){.decorative}.\n")
    assert warnings == []
    assert [(img.get("class"), img.get("alt"), img.get("role")) for img in images] == [
        ("wide", "", "presentation"), (None, "", "presentation")]


@pytest.mark.parametrize("image", ["![A map of the harbour](images/map.png)",
                                   '<img src="images/map.png" alt="A map of the harbour">'])
def test_an_image_with_alt_text_is_not_reported(make_book: Callable[..., Path],
                                                image: str) -> None:
    images, warnings = read(make_book, f"# One\n\nText.\n\n{image}\n")
    assert warnings == []
    assert [(img.get("alt"), img.get("role")) for img in images] == [
        ("A map of the harbour", None)]


def test_strict_refuses_a_missing_alt_text_and_the_epub_keeps_decorative_images(
        make_book: Callable[..., Path], octavo) -> None:  # type: ignore[no-untyped-def]
    root = make_book({"book.toml": BASIC_TOML, "manuscript/images/map.png": tiny_png(),
                      CHAPTER: "# One\n\nText.\n\n![](images/map.png){.decorative}\n\n"
                               "![](images/map.png)\n"})
    warning = f"{CHAPTER}:7: image images/map.png has no alt text: {MARKDOWN_HINT}"
    strict = octavo("build", root, "--strict")
    assert strict.code == 7
    assert warning in strict.err
    result = octavo("build", root)
    assert result.code == 0, result.err
    assert result.err.strip() == f"warning: {warning}"
    images = [img for name, doc in spine_documents(root / "dist" / "a-test-book.epub")
              if not name.endswith("cover.xhtml") for img in doc.iter(f"{XHTML}img")]
    assert [(img.get("alt"), img.get("role")) for img in images] == [
        ("", "presentation"), ("", None)]


@pytest.mark.parametrize("image", ["![map.png](images/map.png)", "![IMG_0412.JPG](images/map.png)",
                                   '<img src="images/map.png" alt=" map.png ">'],
                         ids=["its own name", "a camera's name", "raw HTML"])
def test_alt_text_that_is_a_file_name_is_no_description(
        make_book: Callable[..., Path], image: str) -> None:
    """A file name for alt text describes nothing (WCAG F30), yet the image counted as
    described and the EPUB claimed alternativeText and WCAG conformance."""
    images, warnings = read(make_book, f"# One\n\nText.\n\n{image}\n")
    assert len(warnings) == 1 and warnings[0].startswith(
        f"{CHAPTER}:5: image images/map.png has a file name for alt text (")
    assert [img.get("alt") for img in images] == [""]


def test_alt_text_that_names_a_file_among_words_is_a_description(
        make_book: Callable[..., Path]) -> None:
    images, warnings = read(make_book, "# One\n\n![The harbour, from map.png](images/map.png)\n")
    assert warnings == []
    assert [img.get("alt") for img in images] == ["The harbour, from map.png"]
