"""The Markdown reader: each case in cases/ is a .md input beside its expected XHTML."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from octavo import xhtml
from octavo.diagnostics import Diagnostics
from octavo.errors import ManuscriptError
from octavo.readers.base import ImageRegistry, ReadContext
from octavo.readers.markdown import paragraphs, read_markdown

CASES = Path(__file__).parent / "cases"


def render(path: Path, root: Path | None = None) -> tuple[str, Diagnostics]:
    diagnostics = Diagnostics()
    root = root or path.parent
    context = ReadContext(root, diagnostics, ImageRegistry(root))
    doc = read_markdown(path, path.name, context)
    sections = doc.render(1)
    return "\n".join(s.html for s in sections), diagnostics


@pytest.mark.parametrize("case", sorted(CASES.glob("*.md")), ids=lambda p: p.stem)
def test_case(case: Path, update_golden: bool) -> None:
    html, _ = render(case)
    xhtml.check_well_formed(html)
    expected = case.with_suffix(".xhtml")
    if update_golden:
        expected.write_text(html + "\n", encoding="utf-8")
    assert expected.exists(), f"{expected} is missing; make it with pytest --update-golden"
    assert html + "\n" == expected.read_text(encoding="utf-8")


def test_smart_typography_and_untouched_typography() -> None:
    html, _ = render(CASES / "typography.md")
    assert "“hello”" in html and "didn’t" in html and "…" in html
    assert "\u2013" in html and "\u2014" in html
    assert "Already typographic: “quoted” — and ‘single’ … done." in html


def test_code_is_not_smartened() -> None:
    html, _ = render(CASES / "code.md")
    assert '-- "stays"...' in html.replace("&quot;", '"')
    assert "octavo build -- " in html


def test_raw_html_is_sanitised_with_warnings() -> None:
    html, diagnostics = render(CASES / "raw-html.md")
    for bad in ("<script", "onclick", "<iframe", "javascript:", "alert"):
        assert bad not in html
    assert "<em>kept</em>" in html and "a span" in html
    joined = " ".join(diagnostics.warnings)
    assert "<script>" in joined and "onclick" in joined and "<iframe>" in joined
    assert "javascript: URL" in joined


def test_scene_breaks_are_visible_without_css() -> None:
    html, _ = render(CASES / "scene-breaks.md")
    assert html.count('class="scene-break"') == 2
    assert html.count("*\u2002*\u2002*") == 2  # the mark is text, not only styling


def test_footnotes_are_epub_notes_numbered_in_the_chapter() -> None:
    html, _ = render(CASES / "footnotes.md")
    assert 'epub:type="noteref"' in html and 'href="#fn-1"' in html and 'href="#fn-2"' in html
    assert html.count('epub:type="footnote"') == 2
    assert "<em>source</em>" in html


def test_heading_attributes() -> None:
    html, _ = render(CASES / "heading-attrs.md")
    assert '<h2 id="sec" class="special">A Section</h2>' in html


def test_missing_image_names_file_and_line(tmp_path: Path) -> None:
    chapter = tmp_path / "ch.md"
    chapter.write_text("# One\n\nText.\n\n![A map](map.png)\n", encoding="utf-8")
    with pytest.raises(ManuscriptError) as info:
        render(chapter)
    assert info.value.render() == "ch.md:5: image map.png not found"


@pytest.mark.parametrize(("src", "why"), [
    ("../../outside.png", "it is outside the book folder"),
    ("/etc/hostname", "use a path relative to the chapter file"),
    ("http://example.org/a.png", "images must be files inside the book folder"),
    ("file:///etc/hostname", "images must be files inside the book folder"),
])
def test_images_outside_the_book_are_refused(tmp_path: Path, src: str, why: str) -> None:
    root = tmp_path / "book"
    (root / "manuscript").mkdir(parents=True)
    (tmp_path / "outside.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    chapter = root / "manuscript" / "ch.md"
    chapter.write_text(f"Text.\n\n![x]({src})\n", encoding="utf-8")
    with pytest.raises(ManuscriptError) as refused:
        render(chapter, root)
    assert refused.value.render() == f"ch.md:3: image {src} refused: {why}"


def test_image_becomes_a_figure_with_caption(tmp_path: Path, make_book: Callable[..., Path]) -> None:
    root = make_book({"manuscript/pics/dot.svg": '<svg xmlns="http://www.w3.org/2000/svg"/>'})
    chapter = root / "manuscript" / "ch.md"
    chapter.write_text('Text.\n\n![A dot](pics/dot.svg "The dot")\n', encoding="utf-8")
    html, _ = render(chapter, root)
    assert '<figure class="figure"><img src="images/img-0001.svg" alt="A dot"' in html
    assert "<figcaption>The dot</figcaption>" in html


def test_a_footnote_nothing_refers_to_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "ch.md"
    path.write_text("Text.[^used]\n\n[^used]: Kept.\n\n[^lost]: Never called.\n", encoding="utf-8")
    html, diagnostics = render(path)
    assert "Kept." in html
    assert diagnostics.warnings == [
        "ch.md:5: footnote [^lost] is never referred to, so it is left out"]


def test_notes_inside_notes_are_rendered_too() -> None:
    html, _ = render(CASES / "footnotes-rich.md")
    assert html.count('<aside class="footnote"') == 4
    assert "A note inside a note." in html
    assert 'id="fnref-1-2" href="#fn-1"' in html


def test_the_calls_of_a_files_later_chapters_are_numbered_in_their_chapter(
        tmp_path: Path) -> None:
    """A file of two chapters: the second's calls are 1 and 2, as its notes are (they were
    numbered through the file, 2 and 3, and so pointed at no note)."""
    path = tmp_path / "ch.md"
    path.write_text("# One\n\nFirst.[^a]\n\n[^a]: Note a.\n\n# Two\n\nTwo calls[^b][^c] here.\n\n"
                    "[^b]: Note b.\n\n[^c]: Note c.\n", encoding="utf-8")
    diagnostics = Diagnostics()
    context = ReadContext(tmp_path, diagnostics, ImageRegistry(tmp_path))
    sections = read_markdown(path, path.name, context).render(1)
    second = sections[-1].html
    assert 'href="#fn-1"' in second and 'href="#fn-2"' in second
    assert 'id="fn-1"' in second and 'id="fn-2"' in second
    assert 'href="#fn-3"' not in second and not diagnostics.warnings


def test_a_note_on_the_chapter_title_is_kept_its_call_in_the_title(tmp_path: Path) -> None:
    """The chapter's heading is not in its text (the theme sets the title): its note was
    lost with it. The call stays in the title as set; the plain title has none."""
    path = tmp_path / "ch.md"
    path.write_text("# One[^a] *and* `Two`\n\nText.[^b]\n\n# Three\n\nMore.[^c]\n\n"
                    "[^a]: Note on heading.\n\n[^b]: Note on text.\n\n[^c]: Note three.\n",
                    encoding="utf-8")
    diagnostics = Diagnostics()
    context = ReadContext(tmp_path, diagnostics, ImageRegistry(tmp_path))
    first, second = read_markdown(path, path.name, context).render(1)
    assert first.title == "One and Two"
    assert first.title_html == (
        'One<sup class="noteref-mark"><a class="noteref" role="doc-noteref" id="fnref-1" '
        'href="#fn-1" epub:type="noteref">1</a></sup> and Two')
    assert '<aside class="footnote" id="fn-1"' in first.html  # the title's note comes first
    assert first.html.index("Note on heading.") < first.html.index("Note on text.")
    assert 'href="#fn-2"' in first.html and "Note three." not in first.html
    assert (second.title, second.title_html) == ("Three", "")
    assert not diagnostics.warnings


def test_a_note_does_not_make_a_heading_alone_text(make_book: Callable[..., Path]) -> None:
    """A file holding only "Part One" is a part, with or without a note on its title."""
    from octavo.build import load_book
    from octavo.model import Part

    root = make_book({"manuscript/01.md": "# Part One[^p]\n\n[^p]: Note on part.\n",
                      "manuscript/02.md": "# Alpha\n\nA.\n"})
    _, book = load_book(root, Diagnostics())
    (part,) = book.body
    assert isinstance(part, Part) and [c.title for c in part.chapters] == ["Alpha"]
    assert part.title == "Part One" and 'href="#fn-1"' in part.title_html
    assert "Note on part." in part.html


def test_the_text_of_raw_html_removed_with_its_content_is_not_a_paragraph() -> None:
    """`octavo check` looks for each paragraph in the book: a script's text is never there."""
    from octavo.readers.markdown import paragraphs

    assert list(paragraphs("Text <script>alert(1)</script> and <b>bold</b> end.\n")) == [
        (1, "Text  and bold end.", "")]


def test_svg_math_and_object_lose_their_tags_not_their_words(tmp_path: Path) -> None:
    path = tmp_path / "ch.md"
    path.write_text('<p>E <svg viewBox="0 0 9 9"><title>Map</title><rect/><style>x{}</style>'
                    "<text>Svgword</text><text>two</text></svg> f.</p>\n\nG <math><mrow><mi>x"
                    '</mi><mo>=</mo><mn>2</mn></mrow></math> h <object data="a.swf"><param '
                    'name="a"><svg/>Fallbackword</object>.\n', encoding="utf-8")
    html, _ = render(path)
    assert html == "<p>E Map Svgword two  f.</p>\n<p>G x=2 h Fallbackword.</p>"


def test_tags_named_as_svg_or_mathml_elements_lose_only_the_tag(tmp_path: Path) -> None:
    """`<path>` or `<domain>` written as a placeholder: the sanitiser drops an element named as
    one of SVG or MathML with what it holds, and an unclosed one held the rest of the
    paragraph, lost from the book with a warning about the tag alone."""
    path = tmp_path / "ch.md"
    path.write_text("Save it to <path> and restart.\n\nReplace <domain>here</domain> now.\n\n"
                    "A <lt/> b <TEXT>c</TEXT> d.\n", encoding="utf-8")
    html, _ = render(path)
    assert html == "<p>Save it to  and restart.</p>\n<p>Replace here now.</p>\n<p>A  b c d.</p>"


def test_old_raw_text_elements_and_center_keep_their_words_in_paragraphs(tmp_path: Path) -> None:
    """An <xmp>'s content is raw text to an HTML parser: its tags, and the line Octavo marks
    them with, were printed as text; a block that ends a paragraph left the words after it
    directly in the chapter's section."""
    path = tmp_path / "ch.md"
    path.write_text("<p>M <xmp>Xmpword <b>x</b></xmp> n.</p>\n\n<p>S <center>Centerword</center>"
                    " t.</p>\n\n<p>L <listing>Listword</listing> o.</p>\n\n<center>Alone</center>\n",
                    encoding="utf-8")
    html, _ = render(path)
    assert html == ("<p>M <code>Xmpword <b>x</b></code> n.</p>\n"
                    "<p>S </p><div>Centerword</div><p>t.</p>\n<p/>\n"
                    "<p>L <code>Listword</code> o.</p>\n<div>Alone</div>")


def test_the_words_of_raw_html_blocks_are_paragraphs() -> None:
    """`octavo check` looks for each paragraph in the book: a block of raw HTML's words too,
    read apart from the sanitiser, so that what it drops from them is seen to be lost."""
    assert list(paragraphs("<p>G <math><mi>Mathword</mi></math> h.</p>\n\n<div><script>x()"
                           "</script><!-- note -->Kept <b>here</b></div>\n")) == [
        (1, "G Mathword h.", ""), (3, "Kept here", "")]


def test_a_call_of_a_footnote_never_defined_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "ch.md"
    path.write_text("Text[^nope] and \\[^escaped] and `[^code]`.\n\nA paragraph\nof two lines"
                    "[^late] and [^ok].\n\n[^ok]: Defined.\n", encoding="utf-8")
    html, diagnostics = render(path)
    assert "Text[^nope]" in html  # printed as written, as the warning says
    assert diagnostics.warnings == [
        "ch.md:1: footnote [^nope] is never defined (no line [^nope]: ...), so the call is "
        "printed as written",
        "ch.md:4: footnote [^late] is never defined (no line [^late]: ...), so the call is "
        "printed as written"]


def test_every_heading_gets_a_valid_id_and_bad_ids_are_mended(tmp_path: Path) -> None:
    """EPUBCheck refuses `id=""` and an id with a space: a title of no letters ("???", an
    emoji) gets "section", an author's id with white space gets hyphens, an empty one goes."""
    path = tmp_path / "ch.md"
    path.write_text('# One\n\n## ???\n\n## 😀\n\n## W {id="a b"}\n\n## E {id=""}\n\n'
                    '`code`{id=" "}\n', encoding="utf-8")
    html, diagnostics = render(path)
    assert re.findall(r"<h2[^>]*>", html) == [
        '<h2 id="section">', '<h2 id="section-1">', '<h2 id="a-b">', '<h2 id="e">']
    assert 'id=""' not in html and 'id=" "' not in html
    assert diagnostics.warnings == [
        'ch.md:7: the id "a b" holds white space, which an id may not; made "a-b"',
        "ch.md:9: an empty id is left out",
        "ch.md:11: an empty id is left out"]


def test_a_footnote_defined_twice_is_reported_at_the_definition_left_out(tmp_path: Path) -> None:
    path = tmp_path / "ch.md"
    path.write_text("Note[^a] and [^b].\n\n[^a]: Note A first.\n\n[^b]: B.\n\n"
                    "[^a]: Note A second definition.\n\n[^c]: C one.\n\n[^c]: C two.\n",
                    encoding="utf-8")
    html, diagnostics = render(path)
    assert "Note A second definition." in html and "Note A first." not in html
    assert diagnostics.warnings == [
        "ch.md:9: footnote [^c] is never referred to, so it is left out",
        "ch.md:3: footnote [^a] is defined again on line 7, and that definition is used: "
        "this one is left out"]


def test_a_byte_order_mark_inside_the_file_hides_no_heading_and_stays_out(tmp_path: Path) -> None:
    """Files joined end to end keep each one's mark, U+FEFF. At a line's start it must not
    hide a heading (nor a list, a quote, a note's definition) nor stay in the text; inside a
    line it is a zero-width no-break space, written as the word joiner U+2060 that means the
    same. A file joined to one whose last line had no line end: its heading is told."""
    path = tmp_path / "joined.md"
    path.write_text("\ufeff# Chapter One\n\nIt rained.\n\n\ufeff# Chapter Two\n\n"
                    "\ufeffIt rained on the\n\ufeffsecond[^1], said Ma\ufeffry.\n\n"
                    "\ufeff- A list\n\n\ufeff> A quote\n\n\ufeff[^1]: A note.\n\n"
                    "The end.\ufeff# Chapter Three\n", encoding="utf-8")
    diagnostics = Diagnostics()
    context = ReadContext(tmp_path, diagnostics, ImageRegistry(tmp_path))
    sections = read_markdown(path, path.name, context).render(1)
    assert [s.title for s in sections] == ["Chapter One", "Chapter Two"]
    html = "\n".join(s.html for s in sections)
    assert "\ufeff" not in html
    assert "<p>It rained on the\nsecond" in html and "said Ma\u2060ry.</p>" in html
    assert "<ul>\n<li>A list</li>\n</ul>" in html and "<p>A quote</p>\n</blockquote>" in html
    assert 'role="doc-footnote"' in html and "<p>A note.</p>" in html
    assert "<p>The end.\u2060# Chapter Three</p>" in html  # every word kept, as written
    assert diagnostics.warnings == [
        "joined.md:16: a byte order mark (U+FEFF) inside the line, before \"# Chapter Three\": "
        "a file joined here to one whose last line had no line end? Put the heading on a line "
        "of its own"]
    assert [text for _, text, _ in paragraphs(path.read_text(encoding="utf-8-sig"))] == [
        "Chapter One", "It rained.", "Chapter Two", "It rained on the second, said Ma\u2060ry.",
        "A list", "A quote", "The end.\u2060# Chapter Three", "A note."]


def test_a_mended_attribute_in_braces_is_told_with_its_line(tmp_path: Path) -> None:
    """What EPUBCheck refuses in a block's or a code span's attributes is mended, and told with
    the file and the line of what it is on, as raw HTML's and ids' mendings are."""
    path = tmp_path / "ch.md"
    path.write_text('# One\n\n{lang="en_GB" dir="sideways"}\nPara.\n\n{role="bogus"}\n'
                    '> Quote.\n\n{start="x"}\n1. One\n\nSay `x`{dir="up"} now.\n', encoding="utf-8")
    html, diagnostics = render(path)
    assert "data-line" not in html
    assert '<p lang="en-GB">Para.</p>' in html and "<blockquote>" in html and "<ol>" in html
    assert diagnostics.warnings == [
        'ch.md:4: HTML mended for EPUB: lang="en_GB" on <p> made lang="en-GB"',
        'ch.md:4: HTML mended for EPUB: dir="sideways" on <p> is not valid; left out',
        'ch.md:7: HTML mended for EPUB: role="bogus" on <blockquote> is not valid; left out',
        'ch.md:10: HTML mended for EPUB: start="x" on <ol> is not valid; left out',
        'ch.md:12: HTML mended for EPUB: dir="up" on <code> is not valid; left out']


def test_a_heading_of_only_a_picture_is_titled_by_its_alt_text(tmp_path: Path) -> None:
    """`# ![Old map](map.png)` was titled "![Old map](map.png)", the Markdown as written, in
    the chapter, the contents and the PDF; the picture, missing or not, went without a word."""
    path = tmp_path / "ch.md"
    path.write_text("# ![Old map](map.png)\n\nBody.\n\n# Star ![*](s.png) two\n\nB.\n",
                    encoding="utf-8")
    diagnostics = Diagnostics()
    context = ReadContext(tmp_path, diagnostics, ImageRegistry(tmp_path))
    sections = read_markdown(path, "ch.md", context).render(1)
    assert [s.title for s in sections] == ["Old map", "Star * two"]
    assert diagnostics.warnings == [
        f"ch.md:{line}: image {name} in a chapter heading is left out (a title is text; its "
        "alt text stays in it)" for line, name in ((1, "map.png"), (5, "s.png"))]


def test_a_notes_backlink_leads_to_its_call_in_the_same_chapter(tmp_path: Path) -> None:
    """A note called in two chapters of one file: the second chapter's call is the note's
    second in the file (`fnref-2-2`), but its backlink led to `#fnref-2`, a call of another
    chapter (or of none: then "link target #fnref-2 is not in the book", of a link the
    author never wrote)."""
    path = tmp_path / "ch.md"
    path.write_text("# One\n\nCall[^a] in one.\n\n# Two\n\nFirst[^b] then[^a] again.\n\n"
                    "[^a]: Note A.\n\n[^b]: Note B.\n", encoding="utf-8")
    diagnostics = Diagnostics()
    context = ReadContext(tmp_path, diagnostics, ImageRegistry(tmp_path))
    _, two = read_markdown(path, "ch.md", context).render(1)
    calls = re.findall(r'role="doc-noteref" id="([^"]+)"', two.html)
    backlinks = re.findall(r'role="doc-backlink" href="#([^"]+)"', two.html)
    assert calls == backlinks == ["fnref-1", "fnref-2-2"]


def test_a_note_called_in_an_images_alt_text_is_kept(tmp_path: Path) -> None:
    """`![Map[^1]](map.png)`: alt text is plain, so the call vanished, and the note with it,
    without a word; it is set after the picture."""
    from conftest import tiny_png

    (tmp_path / "map.png").write_bytes(tiny_png())
    path = tmp_path / "ch.md"
    path.write_text("See ![Map[^s]](map.png) here.\n\n![Coast[^s]](map.png)\n\n[^s]: Source.\n",
                    encoding="utf-8")
    html, diagnostics = render(path)
    assert 'alt="Map"/><sup class="noteref-mark">' in html
    assert 'alt="Coast"/><sup class="noteref-mark">' in html
    assert html.count('<aside class="footnote"') == 1 and "Source." in html
    assert diagnostics.warnings == []


def test_a_link_whose_address_the_sanitiser_drops_is_reported(tmp_path: Path) -> None:
    """A web address with a space in its host, or a port too large, is dropped by the
    sanitiser: the link became an <a> leading nowhere, without a word."""
    path = tmp_path / "ch.md"
    path.write_text("A [sp](<https://exa mple.com>) and [port](http://x.com:99999/) b.\n",
                    encoding="utf-8")
    html, diagnostics = render(path)
    assert html == "<p>A sp and port b.</p>"
    assert diagnostics.warnings == [
        f"ch.md:1: link target {href} is not in the book; kept as plain text"
        for href in ("https://exa%20mple.com", "http://x.com:99999/")]


def test_a_link_with_no_text_is_told_and_given_words(tmp_path: Path) -> None:
    """`[](https://…)` made a link a screen reader names by nothing (Ace: link-name, serious)
    and that print shows as nothing: a web address becomes its own words, an empty link into
    the book is left out; each is told with its line."""
    path = tmp_path / "ch.md"
    path.write_text("# One\n\nSee [](https://example.com) and\n\n[](mailto:a@b.org) or "
                    "[](#one).\n", encoding="utf-8")
    html, diagnostics = render(path)
    assert '<a href="https://example.com">https://example.com</a>' in html
    assert '<a href="mailto:a@b.org">a@b.org</a>' in html
    assert "or ." in html and 'href="#one"' not in html
    assert [w.split(":", 2)[:2] for w in diagnostics.warnings] == [["ch.md", "3"],
                                                                   ["ch.md", "5"],
                                                                   ["ch.md", "5"]]
    assert "link to https://example.com has no text" in diagnostics.warnings[0]


def test_a_link_named_by_its_picture_or_a_label_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "ch.md"
    path.write_text('A <a href="https://example.com" aria-label="Site"></a> b.\n',
                    encoding="utf-8")
    html, diagnostics = render(path)
    assert diagnostics.warnings == [] and ">Site<" not in html


def test_a_link_hidden_from_screen_readers_is_shown_to_them(tmp_path: Path) -> None:
    """aria-hidden around a link hid it from a screen reader while the keyboard reached it
    (Ace: aria-hidden-focus, serious), with no word from the build."""
    path = tmp_path / "ch.md"
    path.write_text('# One\n\nA <span aria-hidden="true"><a href="https://example.com">site'
                    '</a></span>, <a href="https://example.org" aria-hidden="true">org</a>'
                    ' and <span aria-hidden="true">*</span>.\n', encoding="utf-8")
    html, diagnostics = render(path)
    assert html.count("aria-hidden") == 1 and '<span aria-hidden="true">*</span>' in html
    assert diagnostics.warnings == [
        f'ch.md:3: aria-hidden="true" removed from <{tag}>: it hid a link from screen readers '
        "that the keyboard still reaches" for tag in ("span", "a")]
