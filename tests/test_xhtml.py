"""Sanitising: a long chapter passes through untouched and quickly; absurd nesting is flattened."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import BASIC_TOML, epubcheck, tiny_png

from octavo import xhtml


def test_a_long_shallow_chapter_is_left_as_nh3_wrote_it() -> None:
    html = "".join(f"<p>Line <em>{n}</em> of <strong>it</strong>.<br></p>" for n in range(2000))
    cleaned = xhtml._clean(html)
    assert xhtml._depth(cleaned) == 2
    assert xhtml.sanitize(html) == cleaned


def test_nesting_deeper_than_the_limit_keeps_its_text_not_its_tags() -> None:
    for depth in (xhtml.MAX_DEPTH, xhtml.MAX_DEPTH + 1, 5 * xhtml.MAX_DEPTH):
        html = "<blockquote>" * depth + "deep words" + "</blockquote>" * depth
        out = xhtml.sanitize(html)
        assert "deep words" in out
        assert xhtml._depth(out) == min(depth, xhtml.MAX_DEPTH)
        assert (out == xhtml._clean(html)) == (depth <= xhtml.MAX_DEPTH)


def mend(html: str) -> tuple[str, list[tuple[int | None, str]]]:
    mended: list[tuple[int | None, str]] = []
    root = xhtml.parse_fragment(xhtml.sanitize(html), mended)
    return xhtml.serialize_fragment(root), mended


@pytest.mark.parametrize(("html", "expected"), [
    ("<ul><p>x</p><li>ok</li></ul>", "<ul><li><p>x</p></li><li>ok</li></ul>"),
    ("<ol>a<li>b</li>c<p>d</p><li>e</li></ol>",
     "<ol><li>a</li><li>b</li><li>c<p>d</p></li><li>e</li></ol>"),
    ("<dl><dt>t</dt><dd>d</dd><p>x</p></dl>", "<dl><dt>t</dt><dd>d</dd><dd><p>x</p></dd></dl>"),
    ("<dl><p>x</p></dl>", "<div><div><p>x</p></div></div>"),
    ("<dl><dd>d</dd><dt>t</dt></dl>", "<div><div>d</div><div>t</div></div>"),
    ("<figure><figcaption>a</figcaption><figcaption>b</figcaption></figure>",
     "<figure><figcaption>a</figcaption><div>b</div></figure>"),
    ("<figure><p>a</p><figcaption>mid</figcaption><p>b</p></figure>",
     "<figure><p>a</p><div>mid</div><p>b</p></figure>"),
    ("<details>d</details>", "<div>d</div>"),
    ("<details>before<summary>S</summary>after</details>",
     "<details><summary>S</summary>before after</details>"),
    ("<details><summary> </summary>inside</details>",  # Ace: summary-name, serious
     "<div><div> </div>inside</div>"),
    ('<details><summary><img src="a.png" alt=""/></summary>x</details>',
     '<div><div><img src="a.png" alt=""/></div>x</div>'),
    ("<p><ruby>漢</ruby></p>", "<p>漢</p>"),
    ('<img src="a.png" alt="w" width="50%">', '<img src="a.png" alt="w" style="width: 50%"/>'),
    ('<img src="a.png" alt="w" width="120px" height="3.5">',
     '<img src="a.png" alt="w" width="120"/>'),
    ('<ol start="x" reversed="no"><li>o</li></ol>', '<ol reversed="reversed"><li>o</li></ol>'),
    ('<table><tr><th scope="Row" colspan="0">h</th><td rowspan="x">d</td></tr></table>',
     '<table><tbody><tr><th scope="row">h</th><td>d</td></tr></tbody></table>'),
    ('<p><time datetime="soon">t</time> <time datetime="2024-01-02">u</time></p>',
     '<p><time>t</time> <time datetime="2024-01-02">u</time></p>'),
    ('<p lang="???" dir="sideways">x</p><p lang="en_GB" dir="RTL">y</p>',
     '<p>x</p><p lang="en-GB" dir="rtl">y</p>'),
    ('<p role="bogus" aria-hidden="maybe">x</p>', "<p>x</p>"),
    ('<p><span id="">x</span><span id="1 2">y</span></p>',
     '<p><span>x</span><span id="1-2">y</span></p>'),
    ('<p><a id="a&quot;b"></a>x<a id="c\\d"></a></p>',  # ids the PDF cannot link to
     '<p><a id="a-b"/>x<a id="c-d"/></p>'),
    ('<dl lang="fr"><dt>t</dt><dd>d<dl><dt>u</dt><dd>e</dd></dl></dd><p>x</p></dl>',
     '<dl lang="fr"><dt>t</dt><dd>d<dl><dt>u</dt><dd>e</dd></dl></dd><dd><p>x</p></dd></dl>'),
    ('<dl><dd>d<dl><dt>u</dt><dd>e</dd></dl></dd></dl>',
     "<div><div>d<dl><dt>u</dt><dd>e</dd></dl></div></div>"),
], ids=lambda value: value[:30])
def test_what_epubcheck_refuses_is_mended_keeping_the_text(html: str, expected: str) -> None:
    out, mended = mend(html)
    assert out == expected
    assert mended  # each is told


@pytest.mark.parametrize("html", [
    '<details lang="fr"><summary>S</summary>x</details>',
    '<p><ruby lang="ja">漢<rp>(</rp><rt>kan</rt><rp>)</rp></ruby></p>',
    '<figure lang="fr"><img src="a.png" alt="x"/><figcaption>c</figcaption></figure>',
    '<ol start="-3" reversed=""><li>a</li></ol>',
])
def test_valid_html_that_is_looked_at_is_left_as_it_is(html: str) -> None:
    assert mend(html) == (html, [])


def test_the_line_of_raw_html_is_told_and_then_removed() -> None:
    out, mended = mend('<ul data-line="7"><p>x</p><li>ok</li></ul>\n'
                       '<p data-line="9"><span id="a b">y</span></p>')
    assert "data-line" not in out
    assert mended == [(7, "<p> in <ul> put in a list item"),
                      (9, 'id="a b" on <span> made id="a-b"')]


def test_a_chapter_with_nothing_to_mend_is_not_searched() -> None:
    """Most chapters hold none of it: quick looks at the text spare them the query."""
    html = "".join(f'<h2 id="s{n}">S</h2><p class="x" data-line="{n}">Line <em>{n}</em>.</p>'
                   f"\n<ul>\n<li>a</li>\n<li>\n<p>b</p>\n</li>\n</ul>\n<ol>\n<li>c</li>\n</ol>"
                   f'<img src="a.png" alt="" width="10" height="20"/>'
                   f'<aside class="footnote" id="fn-{n}" role="doc-footnote"><p>N</p></aside>'
                   for n in range(200))
    assert not xhtml._may_need_mending(xhtml.sanitize(html))
    assert mend(html) == (xhtml.serialize_fragment(xhtml.parse_fragment(xhtml.sanitize(html))),
                          [])


RAW_HTML = """\
# Raw

<ul><p>x</p><li>ok</li></ul>

<dl><p>x</p></dl>

<figure><figcaption>a</figcaption><figcaption>b</figcaption></figure>

<details>d</details>

<img src="images/a.png" alt="w" width="50%">

<ol start="x"><li>o</li></ol>

<time datetime="soon">t</time>

<p lang="???" dir="sideways">x</p>

<span id="">x</span>

<span id="1 2">x</span>

<p role="doc-pullquote bogus note">x</p>

{role="doc-epigraph note"}
> q
"""


def test_raw_html_that_epubcheck_refuses_is_mended_and_told_by_line(
        make_book: Callable[..., Path], octavo) -> None:
    root = make_book({"book.toml": BASIC_TOML, "manuscript/01.md": RAW_HTML,
                      "manuscript/images/a.png": tiny_png()})
    result = octavo("build", root, "--format", "epub")
    assert result.code == 0, result.err
    assert epubcheck(root / "dist" / "a-test-book.epub") == []
    told = [line for line in result.err.splitlines() if "HTML mended" in line]
    assert [line.split(":")[2] for line in told] == [
        "3", "5", "5", "7", "9", "11", "13", "15", "17", "17", "19", "21", "23", "26"]
    assert told[5] == ('warning: manuscript/01.md:11: HTML mended for EPUB: width="50%" on <img> '
                       'made style="width: 50%"')
    # ARIA lets a role name fallbacks after it; EPUBCheck refuses a role of more than one word
    assert told[-2:] == [
        'warning: manuscript/01.md:23: HTML mended for EPUB: role="doc-pullquote bogus note" on '
        '<p> made role="doc-pullquote": EPUBCheck takes one role, the first it knows (note '
        "left out; bogus unknown)",
        'warning: manuscript/01.md:26: HTML mended for EPUB: role="doc-epigraph note" on '
        '<blockquote> made role="doc-epigraph": EPUBCheck takes one role, the first it knows '
        "(note left out)"]


def test_octavos_own_classes_are_left_out_of_what_the_author_wrote() -> None:
    # An author's <span class="scene-break-mark"> was hidden by the theme (display: none) and
    # its words lost; a <p class="drop-cap"> floated over the chapter heading.
    html = ('<p data-line="3">Seen <span data-line="3" class="scene-break-mark mine">kept</span>'
            '</p><p data-line="5" class="drop-cap">Para.</p><p data-line="7" class="toc-entry '
            'verse small-caps">V</p><div class="scene-break"><p class="scene-break-mark">*</p>'
            '</div>')
    out, mended = mend(html)
    assert out == ('<p>Seen <span class="mine">kept</span></p><p>Para.</p>'
                   '<p class="verse small-caps">V</p>'  # the author's own kept
                   '<div class="scene-break"><p class="scene-break-mark">*</p></div>')  # Octavo's
    assert [line for line, _ in mended] == [3, 5, 7]
    assert mended[0][1] == ("class scene-break-mark left out of <span>: Octavo's own (its theme "
                            "styles what Octavo makes with it); name yours otherwise")



def test_an_id_the_pdf_cannot_link_to_is_mended() -> None:
    # A Word bookmark named 'a"b' (or 'a\b') kept its name as the id: WeasyPrint finds no
    # anchor for a link to it, and the PDF build failed ("No anchor #ch001-a"b").
    import logging

    from weasyprint import HTML

    ids = [xhtml.as_id(written) for written in ('Scene "one"', "back\\slash")]
    assert ids == ["Scene-one", "back-slash"]
    page = "".join(f'<p id="{i}">x</p><a href="#{i}">to {i}</a>' for i in ids)
    lost: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: lost.append(record.getMessage())  # type: ignore[method-assign]
    logging.getLogger("weasyprint").addHandler(handler)
    try:
        HTML(string=page).write_pdf()
    finally:
        logging.getLogger("weasyprint").removeHandler(handler)
    assert not [message for message in lost if "anchor" in message]
