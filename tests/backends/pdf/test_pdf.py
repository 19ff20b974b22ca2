"""The print PDF: trim, fonts, TOC numbers, openings, running heads, words, profiles, safety."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import (
    BASIC_TOML,
    CORPUS,
    REPO,
    letters_in_order,
    markdown_words,
    pdf_fragments,
    pdf_margin_texts,
    pdf_text,
    sample_book,
)
from pypdf import PdfReader

from octavo.backends.pdf.geometry import gutter_for, minimum_gutter
from octavo.backends.pdf.settings import PrintSettings
from octavo.text import natural_key

PT = 72  # points per inch


def build_sample(out: Path, extra_toml: str = "") -> Path:
    from octavo.cli import main

    book = sample_book(out, extra_toml)
    mp = pytest.MonkeyPatch()
    mp.setenv("SOURCE_DATE_EPOCH", "1767225600")
    try:
        assert main(["build", str(book), "--format", "pdf", "-q"]) == 0
    finally:
        mp.undo()
    return book / "dist" / "the-quiet-press.pdf"


@pytest.fixture(scope="module")
def sample_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_sample(tmp_path_factory.mktemp("pdf"))


@pytest.fixture(scope="module")
def print_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_sample(tmp_path_factory.mktemp("print"),
                        '\n[print]\nprofile = "print"\nbleed = true\ntrim = "5x8"\n')


def page_texts(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(str(path)).pages]


def folio(text: str) -> str | None:
    """The page number printed at the foot of a page (its last line), if any."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if lines and re.fullmatch(r"\d+|[ivxlc]+", lines[-1]):
        return lines[-1]
    return None


def outline_pages(path: Path) -> dict[str, int]:
    """Bookmark title -> 0-based page index."""
    reader = PdfReader(str(path))
    found: dict[str, int] = {}

    def walk(items: list) -> None:  # type: ignore[type-arg]
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                found[item.title] = reader.get_destination_page_number(item)

    walk(reader.outline)
    return found


def test_page_size_is_the_trim(sample_pdf: Path, print_pdf: Path) -> None:
    for page in PdfReader(str(sample_pdf)).pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == (6 * PT, 9 * PT)
    for page in PdfReader(str(print_pdf)).pages:
        trim = page.trimbox
        assert (round(float(trim.width), 2), round(float(trim.height), 2)) == (5 * PT, 8 * PT)
        assert float(page.mediabox.width) == pytest.approx((5 + 0.125) * PT)  # no bleed at the spine


def test_every_font_is_embedded_and_ours(sample_pdf: Path) -> None:
    fonts = {}
    for page in PdfReader(str(sample_pdf)).pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            fonts[font["/BaseFont"]] = font
    assert fonts
    for name, font in fonts.items():
        assert "+Octavo-" in name, f"{name} is not one of the theme's fonts"
        descriptors = [font.get("/FontDescriptor")]
        for descendant in font.get("/DescendantFonts") or []:
            descriptors.append(descendant.get_object().get("/FontDescriptor"))
        assert any(d is not None and any(k in d.get_object() for k in
                   ("/FontFile", "/FontFile2", "/FontFile3")) for d in descriptors), name


def test_toc_numbers_are_the_real_pages(sample_pdf: Path) -> None:
    texts = page_texts(sample_pdf)
    starts = outline_pages(sample_pdf)
    # The offset between PDF page index and arabic folio, from any page that prints one.
    offsets = {i - int(f) for i, t in enumerate(texts) if (f := folio(t)) and f.isdigit()}
    assert len(offsets) == 1
    offset = offsets.pop()
    toc = next(t for t in texts if t.startswith("Contents"))
    entries = re.findall(r"^(.+?)[ .]*\.\s*(\d+)$", toc, re.MULTILINE)
    assert len(entries) >= 6
    for title, number in entries:
        title = re.sub(r"\s+", " ", title).strip(" .")
        page = next(v for k, v in starts.items()  # a title's last words: a no-break space
                    if re.sub(r"\s+", " ", k).casefold() == title.casefold())
        assert int(number) == page - offset, title


def test_chapters_start_on_odd_pages_without_heads(sample_pdf: Path) -> None:
    texts = page_texts(sample_pdf)
    margins = pdf_margin_texts(sample_pdf)
    starts = outline_pages(sample_pdf)
    offset = next(i - int(f) for i, t in enumerate(texts) if (f := folio(t)) and f.isdigit())
    for title, index in starts.items():
        if title == "Contents":
            continue
        assert index % 2 == 0, f"{title} starts on a left-hand page"  # index 0 is page 1
        if index > offset:
            assert (index - offset) % 2 == 1
        assert re.fullmatch(r"\d*", margins[index]), f"a running head on {title}'s opening"
    blanks = [t for t in texts if not t.strip()]
    assert blanks, "the sample should have blank versos"  # and they carry nothing at all
    live = pdf_fragments(sample_pdf)
    for index in range(1, len(texts)):
        if not live[index]:
            assert not margins[index], f"page {index + 1} is blank but has a head or folio"


def test_running_heads_on_other_pages(sample_pdf: Path) -> None:
    texts = page_texts(sample_pdf)
    starts = outline_pages(sample_pdf)
    drawer = starts["The Drawer"]
    assert "The Octavo Team" in texts[drawer + 1]  # a left-hand page: the author
    assert "The Drawer" in texts[drawer + 2]  # a right-hand page: the chapter title


def test_front_matter_folios_are_roman_and_body_starts_at_1(sample_pdf: Path) -> None:
    texts = page_texts(sample_pdf)
    folios = [folio(t) for t in texts]
    toc_index = next(i for i, t in enumerate(texts) if t.startswith("Contents"))
    assert folios[toc_index] == ["i", "ii", "iii", "iv", "v", "vi", "vii"][toc_index]
    arabic = [(i, int(f)) for i, f in enumerate(folios) if f and f.isdigit()]
    body_start = arabic[0][0] - (arabic[0][1] - 1)  # the sheet that page 1 is
    assert body_start % 2 == 0  # a right-hand page (the first sheet is one)
    last_roman = max(i for i, f in enumerate(folios) if f and not f.isdigit())
    assert last_roman < body_start
    assert all(not texts[i].strip() for i in range(last_roman + 1, body_start))  # blank versos
    assert texts[body_start].strip()  # page 1 itself is the body's first page, not a blank
    assert all(number == i - body_start + 1 for i, number in arabic)  # and folios run on


def test_every_word_of_the_sample_is_in_the_pdf(sample_pdf: Path) -> None:
    files = sorted((REPO / "manuscript").glob("*.md"), key=lambda p: natural_key(p.name))
    sources = [f.read_text(encoding="utf-8") for f in files]
    text = pdf_text(sample_pdf)
    # Footnotes sit where they are called in print, so they are checked as their own sequence.
    for part in ("body", "notes"):
        expected = [w for source in sources for w in markdown_words(source, part)]
        assert expected
        assert letters_in_order(expected, text) is None, part


@pytest.mark.skipif(not (CORPUS / "finale.txt").exists(), reason="needs ../shared/corpus")
def test_every_word_of_finale_is_in_the_pdf(make_book, octavo) -> None:  # type: ignore[no-untyped-def]
    root = make_book({}, name="finale")
    shutil.copy(CORPUS / "finale.txt", root / "manuscript")
    assert octavo("build", root, "--format", "pdf").code == 0
    text = pdf_text(root / "dist" / "finale.pdf")
    expected = (CORPUS / "finale.txt").read_text(encoding="utf-8").split()
    assert letters_in_order(expected, text) is None


def test_footnotes_sit_at_the_foot_of_their_page(sample_pdf: Path) -> None:
    pages = [" ".join("".join(page).split()) for page in pdf_fragments(sample_pdf)]
    note = next(i for i, page in enumerate(pages) if "Left to themselves, computers" in page)
    assert "leading zero" in pages[note]  # the call is on the same page
    assert pages[note].rstrip().endswith("what you meant all along.")


def test_reading_profile_has_outline_and_links(sample_pdf: Path) -> None:
    reader = PdfReader(str(sample_pdf))
    assert len(reader.outline) >= 3
    annotations = [a for p in reader.pages for a in (p.get("/Annots") or [])]
    assert annotations
    assert reader.trailer["/Root"].get("/Lang") == "en"
    assert reader.metadata.title == "The Quiet Press"
    assert reader.metadata.author == "The Octavo Team"


def test_print_profile_has_no_outline_and_no_links(print_pdf: Path) -> None:
    reader = PdfReader(str(print_pdf))
    assert reader.outline == []
    assert not [a for p in reader.pages for a in (p.get("/Annots") or [])]


def test_gutter_follows_the_page_count() -> None:
    assert [minimum_gutter(n) for n in (24, 150, 151, 300, 301, 500, 501, 700, 701, 828)] == [
        0.375, 0.375, 0.5, 0.5, 0.625, 0.625, 0.75, 0.75, 0.875, 0.875]
    narrow = PrintSettings(outside=0.25)
    assert gutter_for(100, narrow) == 0.375 and gutter_for(200, narrow) == 0.5
    assert gutter_for(100, PrintSettings()) > PrintSettings().outside
    assert gutter_for(999, PrintSettings(gutter=1.0)) == 1.0


def test_layout_is_redone_when_the_gutter_grows(make_book, octavo) -> None:  # type: ignore[no-untyped-def]
    paragraph = "Word " * 120 + "\n\n"
    files = {f"manuscript/{n:02d}.md": f"# Chapter {n}\n\n" + paragraph * 6 for n in range(1, 40)}
    files["book.toml"] = ('[book]\ntitle = "Long"\nauthors = ["A"]\nlanguage = "en"\n'
                          '[print]\nmargins = { outside = "0.25in" }\ntrim = "5x8"\n')
    root = make_book(files)
    result = octavo("build", root, "--format", "pdf")
    assert result.code == 0, result.err
    pdf = root / "dist" / "long.pdf"
    pages = len(PdfReader(str(pdf)).pages)
    assert pages > 150 and minimum_gutter(pages) > minimum_gutter(pages // 2)  # it did grow
    inside_margins = text_margins(pdf, range(pages // 2, pages // 2 + 6))
    assert inside_margins == {round(minimum_gutter(pages) * PT)}  # measured, rectos and versos
    first = PdfReader(str(pdf)).pages[0]
    assert first.mediabox.width == 5 * PT


def text_margins(pdf: Path, sheets: range) -> set[int]:
    """The inside margin of each sheet, in points, measured from where its text lies: the left
    edge of the text on a right-hand page (even index), the right edge on a left-hand one."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    found = set()
    try:
        for index in sheets:
            page = document[index]
            width, height = page.get_size()
            text = page.get_textpage()
            boxes = [text.get_charbox(i) for i in range(text.count_chars())]
            body = [b for b in boxes if 0.2 * height < b[1] < 0.8 * height and b[2] > b[0]]
            if not body:  # a blank verso
                continue
            if index % 2 == 0:
                found.add(round(min(b[0] for b in body)))
            else:
                found.add(round(width - max(b[2] for b in body)))
    finally:
        document.close()
    return found


@pytest.mark.parametrize("src", ["../outside.png", "file:///etc/hostname",
                                 "http://127.0.0.1:9/x.png"])
def test_outside_images_never_reach_the_pdf(make_book, octavo, src: str) -> None:  # type: ignore[no-untyped-def]
    from conftest import tiny_png

    root = make_book({"manuscript/1.md": f"# One\n\nText.\n\n![x]({src})\n\n<img src=\"{src}\">\n"})
    (root.parent / "outside.png").write_bytes(tiny_png())
    result = octavo("build", root, "--format", "pdf")
    pdf = root / "dist" / "one.pdf"
    if result.code == 0:
        reader = PdfReader(str(pdf))
        images = [x for p in reader.pages
                  for x in (p["/Resources"].get("/XObject") or {}).values()
                  if x.get_object().get("/Subtype") == "/Image"]
        assert images == []
        assert "removed" in result.err or "refused" in result.err
    else:
        assert not pdf.exists()
        assert src.split("/")[-1] in result.err or "outside" in result.err


def test_theme_stylesheet_cannot_reach_outside(make_book, octavo) -> None:  # type: ignore[no-untyped-def]
    root = make_book({"manuscript/1.md": "# One\n\nText.\n",
                      "styles/classic/extra-print.css":
                      "body { background: url(file:///etc/hostname); }\n"
                      "p { background: url(http://127.0.0.1:9/x.png); }\n"})
    result = octavo("build", root, "--format", "pdf")
    assert result.code == 5
    assert result.err.strip() == ("error: styles/classic/extra-print.css:1: url(file:///etc/hostname) "
                                  "refused: only files of the book and its theme are used (not "
                                  "file: URLs)")
    assert not (root / "dist" / "one.pdf").exists()


def test_sizes_too_large_to_lay_out_are_a_theme_error(make_book, octavo) -> None:  # type: ignore[no-untyped-def]
    """Each 900em is below the stylesheet check's limit, but `*` multiplies them level by
    level past Pango's: WeasyPrint's OverflowError was an internal error."""
    root = make_book({"manuscript/1.md": "# One\n\nText.\n",
                      "styles/classic/extra-print.css": "* { font-size: 900em }\n"})
    result = octavo("build", root, "--format", "pdf")
    assert result.code == 5, result.err
    assert result.err.strip().splitlines()[-1] == (
        "error: styles/classic: print.css (with extra-print.css, if any) makes a length too "
        "large to lay out, past Pango's limits (a size in millions of points, or em sizes "
        "multiplied level by level)")
    assert not (root / "dist" / "one.pdf").exists()


def _heads(path: Path) -> list[list[tuple[float, str]]]:
    """Per page, (baseline, text) of each run in the top inch or above the page."""
    pages = []
    for page in PdfReader(str(path)).pages:
        height = float(page.mediabox.height)
        found: list[tuple[float, str]] = []

        def visit(text: str, cm: list[float], tm: list[float], font: object, size: float,
                  found: list[tuple[float, str]] = found, height: float = height) -> None:
            y = cm[3] * tm[5] + cm[5]
            if text.strip() and y > height - PT:
                found.append((y - height, text.strip()))

        page.extract_text(visitor_text=visit)
        pages.append(found)
    return pages


def test_a_running_head_of_a_long_title_ends_in_an_ellipsis_on_the_page(make_book, octavo) -> None:  # type: ignore[no-untyped-def]
    """A 480-character title turned over into a running head of eight lines, which ran up
    off the top of the page: past two lines it now ends in "…"."""
    title = " ".join(["Interminable"] * 40)
    root = make_book({"manuscript/1.md": f"# {title}\n\n" + "Words go on for a while. " * 900})
    result = octavo("build", root, "--format", "pdf", "-q")
    assert result.code == 0, result.err
    pdf = next(p for p in (root / "dist").glob("*.pdf") if not p.name.endswith("-cover.pdf"))
    heads = [[(y, text) for y, text in page if "Interminable" in text] for page in _heads(pdf)]
    heads = [page for page in heads if page]
    assert len(heads) >= 2
    for page in heads:
        assert all(y < 0 for y, _text in page), page  # every line on the page
        assert len({round(y) for y, _text in page}) == 2 and min(page)[1].endswith("…"), page


def test_the_trim_and_margins_of_book_toml_win_over_important_ones(make_book, octavo) -> None:  # type: ignore[no-untyped-def]
    """`@page { size: 1in 1in !important }` in extra-print.css made a PDF of 1 in pages that
    the build reported as written; the printer expects book.toml's trim."""
    root = make_book({"manuscript/1.md": "# One\n\nText of the one chapter.\n",
                      "styles/classic/extra-print.css":
                      "@page { size: 1in 1in !important; margin: 0 !important; }\n"
                      "@page :right { margin-left: 3in !important; }\n"})
    result = octavo("build", root, "--format", "pdf", "-q")
    assert result.code == 0, result.err
    pdf = next(p for p in (root / "dist").glob("*.pdf") if not p.name.endswith("-cover.pdf"))
    page = PdfReader(str(pdf)).pages[-1]
    assert (float(page.mediabox.width), float(page.mediabox.height)) == (6 * PT, 9 * PT)
    words = [(x, y) for x, y in _positions(page, "chapter.")]
    assert words and all(0.5 * PT < x < 6 * PT and 0.5 * PT < y < 8.5 * PT for x, y in words)


def _positions(page, word: str) -> list[tuple[float, float]]:  # type: ignore[no-untyped-def]
    found: list[tuple[float, float]] = []
    page.extract_text(visitor_text=lambda text, cm, tm, _font, _size: found.append(
        (cm[0] * tm[4] + cm[4], cm[3] * tm[5] + cm[5])) if word in text else None)
    return found


def test_footnotes_are_numbered_per_chapter_and_pdf_is_reproducible(make_book, octavo) -> None:  # type: ignore[no-untyped-def]
    chapter = ("# {t}\n\nA first claim.[^a] A second claim.[^b]\n\n"
               "[^a]: Note {t} one.\n[^b]: Note {t} two.\n")
    root = make_book({"manuscript/1.md": chapter.format(t="Alpha"),
                      "manuscript/2.md": chapter.format(t="Beta")})
    assert octavo("build", root, "--format", "pdf").code == 0
    pdf = root / "dist" / "alpha.pdf"
    first = pdf.read_bytes()
    text = " ".join(pdf_text(pdf).split())
    for name in ("Alpha", "Beta"):
        assert f"1. Note {name} one." in text and f"2. Note {name} two." in text
    pdf.unlink()
    assert octavo("build", root, "--format", "pdf").code == 0
    assert pdf.read_bytes() == first


def test_notes_called_twice_nested_or_holding_lists_print_once_each(make_book, octavo) -> None:  # type: ignore[no-untyped-def]
    cases = REPO / "tests" / "readers" / "cases"
    root = make_book({
        "book.toml": BASIC_TOML.replace('["epub"]', '["pdf"]'),
        "manuscript/01-notes.md": "# Notes\n\n" + (cases / "footnotes-rich.md").read_text(),
    })
    assert octavo("build", root).code == 0
    text = re.sub(r"\s+", " ", pdf_text(root / "dist" / "a-test-book.pdf"))
    assert "Three.3 Again one.1" in text  # the second call of note 1 prints its number only
    for note in ("1. A note of two paragraphs. Its second paragraph, with code.",
                 "2. A note with a list: \u2022 first \u2022 second",
                 "3. The last note.4", "4. A note inside a note."):
        assert note in text
    assert "5." not in text


def test_a_heading_inside_a_note_prints_in_its_note(make_book, octavo) -> None:  # type: ignore[no-untyped-def]
    # A note's paragraph in a Heading 1 style (Word), or "# " in a note (Markdown), stood
    # apart from the note, out of order, and octavo check found its words missing.
    root = make_book({
        "book.toml": BASIC_TOML.replace('["epub"]', '["pdf"]'),
        "manuscript/01-one.md": "# One\n\nCalled.[^1]\n\n[^1]: Opening.\n\n    # Headed\n\n"
                                "    Closing.\n",
    })
    assert octavo("build", root).code == 0
    text = re.sub(r"\s+", " ", pdf_text(root / "dist" / "a-test-book.pdf"))
    assert "1. Opening. Headed Closing." in text


def test_a_contents_entry_that_turns_over_keeps_its_leader_and_number_with_its_words(
        make_book, octavo) -> None:  # type: ignore[no-untyped-def]
    """A long title turns over before the column of page numbers; its leader and number follow
    its last words on the last line, never on a line of their own."""
    # Titles a word longer each: one of them ends just short of the line's end.
    words = re.findall(r"\w+", "how the keeper of the old lighthouse came down at last to see the sea")
    titles = [" ".join(words[:count]).capitalize() for count in range(6, len(words) + 1)]
    files = {"book.toml": BASIC_TOML.replace('formats = ["epub"]', 'formats = ["pdf"]')}
    for number, title in enumerate(titles, 1):
        files[f"manuscript/{number:02}.md"] = f"# {title}\n\nThe lamp was lit at dusk.\n"
    root = make_book(files)
    assert octavo("build", root, "-q").code == 0
    toc = next(t for t in page_texts(root / "dist" / "a-test-book.pdf")
               if t.startswith("Contents"))
    lines = [line.strip() for line in toc.splitlines() if line.strip()]
    numbered = [line for line in lines if re.search(r"\d+$", line)]
    assert len(numbered) == len(titles)
    assert all(re.search(r"[A-Za-z]", line) for line in numbered), numbered  # words before it


def test_a_theme_book_template_that_drops_a_titles_note_is_refused(
        make_book, octavo) -> None:  # type: ignore[no-untyped-def]
    # A theme's own pdf/book.html printing chapter.title: the title's note went with its
    # call, its words lost from the PDF. Now the build names the template and says why.
    from octavo.themes import TEMPLATES_DIR

    book_html = (TEMPLATES_DIR / "pdf" / "book.html").read_text(encoding="utf-8")
    dropped = book_html.replace("{{ chapter.title_html | safe }}", "{{ chapter.title }}")
    assert dropped != book_html
    root = make_book({"book.toml": BASIC_TOML.replace('["epub"]', '["pdf"]'),
                      "styles/classic/templates/pdf/book.html": dropped,
                      "manuscript/01.md": "# One[^a]\n\nText.\n\n[^a]: Note on heading.\n"})
    result = octavo("build", root)
    assert result.code != 0 and not (root / "dist" / "a-test-book.pdf").exists()
    assert result.err.strip().startswith("error: styles/classic/templates/pdf/book.html: prints "
                                         "the title 'One' without its footnote call")


def test_a_note_on_a_chapter_title_is_printed_but_not_in_heads_or_bookmarks(
        make_book, octavo) -> None:  # type: ignore[no-untyped-def]
    text = "\n\n".join(["Words enough to fill a few pages of this small book, line after line, "
                        "so that its running heads are printed."] * 40)
    root = make_book({"book.toml": BASIC_TOML.replace('["epub"]', '["pdf"]'),
                      "manuscript/01.md": f"# One[^a]\n\n{text}\n\n[^a]: Note on heading.\n"})
    assert octavo("build", root).code == 0
    pdf = root / "dist" / "a-test-book.pdf"
    assert "1. Note on heading." in " ".join(pdf_text(pdf).split())
    starts = outline_pages(pdf)
    assert "One" in starts and "One1" not in starts
    heads = pdf_margin_texts(pdf)
    assert any(re.search(r"\bOne\b", head) for head in heads[starts["One"] + 1:])
    assert not any("One1" in head or "One 1" in head for head in heads)


def test_a_run_with_no_break_in_it_stays_on_the_page(make_book, octavo) -> None:  # type: ignore[no-untyped-def]
    """A signature line of underscores, a row of = or of em dashes, a code line of 300
    characters: each turns at the margin, none runs off the page (issue 7)."""
    import pypdfium2 as pdfium

    runs = ["\\_" * 120, "=" * 150, "\u2014" * 120]
    text = (f"# One\n\nHi.\n\nSign here: {runs[0]} done.\n\n{runs[1]}\n\nLater: {runs[2]} end.\n\n"
            f"```\n{'x' * 300}\n```\n")
    root = make_book({"book.toml": BASIC_TOML, "manuscript/01.md": text})
    for theme in ("classic", "nonfiction"):
        result = octavo("build", root, "--format", "pdf", "--theme", theme)
        assert result.code == 0, result.err
        document = pdfium.PdfDocument(root / "dist" / "a-test-book.pdf")
        try:
            drawn = 0
            for page in document:
                width = page.get_width()
                chars = page.get_textpage()
                for i in range(chars.count_chars()):
                    left, _bottom, right, _top = chars.get_charbox(i)
                    if right > left:  # a glyph drawn, not a space or line end
                        drawn += 1
                        assert left >= 0.25 * PT and right <= width - 0.25 * PT, (theme, i)
            assert drawn > 120 + 150 + 120 + 300
        finally:
            document.close()
