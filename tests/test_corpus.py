"""Real manuscripts from ../shared/corpus: what a user expects of each."""

from __future__ import annotations

import shutil

import pytest
from conftest import CORPUS, epubcheck, spine_documents

pytestmark = pytest.mark.slow  # the long tier: -m 'not slow' leaves it out

FINALE = CORPUS / "finale.txt"


@pytest.mark.skipif(not FINALE.exists(), reason="needs ../shared/corpus")
def test_finale_alone_builds_one_chapter_with_every_word_untouched(make_book, octavo) -> None:  # type: ignore[no-untyped-def]
    root = make_book({}, name="finale-book")
    shutil.copy(FINALE, root / "manuscript" / "finale.txt")
    result = octavo("build", root, "--format", "epub")
    assert result.code == 0, result.err
    assert "read 1 chapter from finale.txt" in result.out
    epub = root / "dist" / "finale-book.epub"
    assert epubcheck(epub) == []
    chapters = [doc for name, doc in spine_documents(epub) if name.endswith("ch001.xhtml")]
    assert len(chapters) == 1
    assert not any(name.endswith("ch002.xhtml") for name, _ in spine_documents(epub))
    ns = {"x": "http://www.w3.org/1999/xhtml"}
    paragraphs = chapters[0].findall(".//x:section/x:p", ns)
    text = " ".join(body_text_of(p) for p in paragraphs)
    assert text.split() == FINALE.read_text(encoding="utf-8").split()


def body_text_of(element) -> str:  # type: ignore[no-untyped-def]
    return "".join(element.itertext())




NOVELS = {
    # file: (what octavo build reports, the line where the story resumes after the contents)
    "jack-sheppard.txt": ("58 chapters in 3 parts", "EPOCH THE FIRST."),
    "katrine.txt": ("28 chapters", "PREFACE"),
}


def story_words(name: str, resume: str) -> list[str]:
    """The words a reader expects, in order: the text between Gutenberg's markers, without
    the 'Produced by' credit, the printed contents list and the source's title page."""
    return _source(name, resume)[1]


def front_words(name: str, resume: str) -> list[str]:
    """The words of the source's title page that stay in the book (as named front matter,
    grouped by kind, so not in the source's order): all but its title, subtitle and author."""
    return _source(name, resume)[0]


def _source(name: str, resume: str) -> tuple[list[str], list[str]]:
    lines = (CORPUS / name).read_bytes().decode("latin-1").replace("\r\n", "\n").split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("*** START OF"))
    end = next(i for i, line in enumerate(lines) if line.upper().startswith(
        ("*** END OF", "END OF THE PROJECT GUTENBERG", "END OF PROJECT GUTENBERG")))
    body = lines[start + 1 : end]
    contents = next(i for i, line in enumerate(body) if line.strip().rstrip(".") == "CONTENTS")
    story = next(i for i in range(contents, len(body)) if body[i].strip() == resume)
    produced = next(i for i, line in enumerate(body) if line.startswith("Produced by"))
    front = [line for line in body[:produced] + body[produced + 3 : contents]
             if line.strip() not in TITLE_LINES[name]]
    return " ".join(front).split(), " ".join(body[story:]).split()


# The source's title page lines that are the book's metadata (Octavo's own title page prints
# them), not text of their own.
TITLE_LINES = {"katrine.txt": {"KATRINE", "A Novel", "BY", "ELINOR MACARTNEY LANE"},
               "jack-sheppard.txt": {"JACK SHEPPARD A Romance", "BY W. Harrison Ainsworth"}}


@pytest.fixture(scope="module", params=sorted(NOVELS))
def novel(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    import contextlib
    import io

    from octavo.cli import main

    name = request.param
    if not (CORPUS / name).exists():
        pytest.skip("needs ../shared/corpus")
    root = tmp_path_factory.mktemp(name.split(".")[0])
    (root / "manuscript").mkdir()
    shutil.copy(CORPUS / name, root / "manuscript" / name)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["build", str(root)])
    assert code == 0, err.getvalue()
    return name, root, out.getvalue() + err.getvalue()


def test_novel_structure_is_found_and_reported(novel) -> None:  # type: ignore[no-untyped-def]
    name, root, output = novel
    expected, _ = NOVELS[name]
    assert f"read {expected}" in output and f"from {name}" in output
    assert "left out the Project Gutenberg header and licence and the printed contents list" \
        in output
    assert "not UTF-8; read as ISO-8859-1" in output


def test_novel_epub_is_valid_and_keeps_every_word(novel) -> None:  # type: ignore[no-untyped-def]
    from conftest import body_text, letters_in_order

    name, root, _ = novel
    epub = next((root / "dist").glob("*.epub"))
    assert epubcheck(epub) == []
    text = " ".join(body_text(doc) for _, doc in spine_documents(epub))
    assert letters_in_order(story_words(name, NOVELS[name][1]), text) is None
    assert missing_words(front_words(name, NOVELS[name][1]), text) == []
    assert "PROJECT GUTENBERG" not in text.upper()
    assert "\u2014" in text and "--" not in text
    assert '"' not in text  # every quote curled, even those that open a run-on speech


def test_novel_pdf_keeps_every_word(novel) -> None:  # type: ignore[no-untyped-def]
    from conftest import letters_in_order, pdf_text

    name, root, _ = novel
    pdf = next((root / "dist").glob("*.pdf"))
    text = pdf_text(pdf)
    assert letters_in_order(story_words(name, NOVELS[name][1]), text) is None
    assert missing_words(front_words(name, NOVELS[name][1]), text) == []


def missing_words(words: list[str], text: str) -> list[str]:
    """The words (letters and digits only) that `text` does not hold."""
    from octavo.text import letters

    stream = letters(text)
    return [w for w in words if letters(w) and letters(w) not in stream]


FEATURES = {
    "katrine.txt": ['epub:type="preface"', "Dear and great Friend", 'class="scene-break"',
                    "<em>All rights reserved.</em>", "I. Under the Southern Pines",
                    '<div class="verse">', '<span class="verse-line verse-indent-1">',
                    "<strong>Grant B. Schley</strong>",
                    'epub:type="dedication"', 'epub:type="imprint"', "Copyright, 1909",
                    '<p class="illustration-note">Illustration: <span class="illustration-caption">'
                    "\u201cI HAVE WAITED ALL THESE YEARS\u201d</span></p>",
                    '<p class="illustration-note">Illustration</p>'],
    "jack-sheppard.txt": ['epub:type="imprint"', 'epub:type="epigraph"', "Transcribers Note",
                          "sure<em>ly</em>", "other<em>wise</em>",
                          '<span class="two-em-dash">\u2014\u2014</span>',
                          "<em>Life and Actions of Guzman d\u2019Alfarache.</em>",
                          "Chapter I: The Widow and her Child", "END OF THE FIRST EPOCH."],
}
PRINTED_CONTENTS = {"katrine.txt": "UNDER THE SOUTHERN PINES", "jack-sheppard.txt": "Old Mint   "}


def test_novel_front_matter_breaks_and_italics(novel) -> None:  # type: ignore[no-untyped-def]
    import zipfile

    name, root, _ = novel
    epub = next((root / "dist").glob("*.epub"))
    with zipfile.ZipFile(epub) as zf:
        everything = "".join(zf.read(n).decode() for n in zf.namelist() if n.endswith(".xhtml"))
    for expected in FEATURES[name]:
        assert expected in everything, expected
    assert PRINTED_CONTENTS[name] not in everything  # the printed contents are gone
    with zipfile.ZipFile(epub) as zf:  # the source's title page is no chapter of its own
        chapters = "".join(zf.read(n).decode() for n in zf.namelist() if "/ch" in n)
    assert 'epub:type="titlepage"' not in chapters
    assert "\u2014-" not in everything and "[Illustration" not in everything
    opf = zipfile.ZipFile(epub).read("EPUB/content.opf").decode()
    assert f">{AUTHORS[name]}</dc:creator>" in opf


AUTHORS = {"katrine.txt": "Elinor Macartney Lane", "jack-sheppard.txt": "William Harrison Ainsworth"}


def test_novel_page_list_follows_the_printed_pages(novel) -> None:  # type: ignore[no-untyped-def]
    from pagelists import misplaced, page_list

    _, root, _ = novel
    epub = next((root / "dist").glob("*.epub"))
    pdf = next((root / "dist").glob("*.pdf"))
    assert len(page_list(epub)) > 150
    assert misplaced(epub, pdf) == []
