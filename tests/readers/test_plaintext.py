"""The plain-text reader: paragraphs, wrapped lines, encodings, line ends."""

from __future__ import annotations

from pathlib import Path

from octavo.diagnostics import Diagnostics
from octavo.readers.base import ImageRegistry, ReadContext
from octavo.readers.plaintext import paragraphs, read_plaintext, split_paragraphs


def read(path: Path) -> tuple[str, Diagnostics]:
    diagnostics = Diagnostics()
    context = ReadContext(path.parent, diagnostics, ImageRegistry(path.parent))
    sections = read_plaintext(path, path.name, context).render(1)
    return sections[0].html, diagnostics


def test_hard_wrapped_lines_are_joined() -> None:
    text = "It was a dark\nand stormy night.\n\nThe rain fell\nin torrents.\n"
    assert split_paragraphs(text) == ["It was a dark and stormy night.",
                                      "The rain fell in torrents."]


def test_long_lines_stay_one_paragraph_each() -> None:
    long = "word " * 30
    text = f"{long}\nShort line.\n{long}\n"
    assert len(split_paragraphs(text)) == 3


def test_latin1_crlf_is_decoded_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "old.txt"
    text = "Caf\u00e9 au lait, d\u00e9j\u00e0 vu, na\u00efve gar\u00e7on \u00e0 la cr\u00e8me.\r\n"
    path.write_bytes((text * 3).encode("latin-1"))
    html, diagnostics = read(path)
    assert "Café au lait, déjà vu" in html
    assert any("not UTF-8" in w for w in diagnostics.warnings)


def test_bom_and_control_characters(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes("\ufeffHello\x0c world & <friends>.\n".encode())
    html, diagnostics = read(path)
    assert html == "<p>Hello world &amp; &lt;friends&gt;.</p>"
    assert any("control characters" in w for w in diagnostics.warnings)


def test_a_byte_order_mark_at_any_line_start_is_nothing(tmp_path: Path) -> None:
    """Files joined end to end keep each one's mark: it must not hide a heading, nor stay in
    the text. Inside a line, U+FEFF (a zero-width no-break space) is the writer's: it stays as
    the word joiner U+2060, which means the same and is no byte order mark."""
    path = tmp_path / "joined.txt"
    path.write_text("\ufeffCHAPTER I.\n\nIt rained on the first day.\n\n\ufeffCHAPTER II.\n\n"
                    "\ufeffIt rained on the\n\ufeffsecond, said Ma\ufeffry.\n", encoding="utf-8")
    context = ReadContext(tmp_path, Diagnostics(), ImageRegistry(tmp_path))
    sections = read_plaintext(path, path.name, context).render(1)
    assert [(s.title, s.html) for s in sections] == [
        ("Chapter I", "<p>It rained on the first day.</p>"),
        ("Chapter II", "<p>It rained on the second, said Ma\u2060ry.</p>"),
    ]
    assert [text for _, text, _ in paragraphs(path.read_text(encoding="utf-8"))] == [
        "It rained on the first day.", "It rained on the second, said Ma\u2060ry."]


def test_markdown_syntax_is_literal_but_quotes_curl(tmp_path: Path) -> None:
    path = tmp_path / "lit.txt"
    path.write_text('# not a heading, "quoted" -- and [not](a link) <b>\n', encoding="utf-8")
    html, _ = read(path)
    assert html == "<p># not a heading, “quoted” — and [not](a link) &lt;b&gt;</p>"


def test_gutenberg_bold_marks_become_bold_but_equals_signs_stay(tmp_path: Path) -> None:
    path = tmp_path / "bold.txt"
    path.write_text("_To_ =Grant B. Schley= and =Katrine's= land; a = b, x=y=z.\n", encoding="utf-8")
    html, _ = read(path)
    assert html == ("<p><em>To</em> <strong>Grant B. Schley</strong> and <strong>Katrine’s</strong>"
                    " land; a = b, x=y=z.</p>")


def test_heading_titles_get_curly_quotes_and_dashes(tmp_path: Path) -> None:
    path = tmp_path / "novel.txt"
    path.write_text('CHAPTER I: "I WILL TAKE CARE OF YOU" -- PROMISED\n\nShe said it.\n\n'
                    "CHAPTER II: THE END\n\nIt ended.\n", encoding="utf-8")
    context = ReadContext(tmp_path, Diagnostics(), ImageRegistry(tmp_path))
    titles = [s.title for s in read_plaintext(path, path.name, context).render(1)]
    assert titles[0] == "Chapter I: “I Will Take Care of You” — Promised"


def test_illustration_notes_are_styled_notes_not_paragraphs(tmp_path: Path) -> None:
    path = tmp_path / "story.txt"
    path.write_text('He drew a map.\n\n[Illustration]\n\nShe sang.\n\n'
                    '[Illustration: "I HAVE\nWAITED"]\n', encoding="utf-8")
    html, _ = read(path)
    assert html == ('<p>He drew a map.</p>\n<p class="illustration-note">Illustration</p>\n'
                    '<p>She sang.</p>\n<p class="illustration-note">Illustration: '
                    '<span class="illustration-caption">\u201cI HAVE WAITED\u201d</span></p>')


TRICKY = [
    "", " ", "  lead and trail  ", '"Quoted," she said, "and \'nested\' too."', "'Tis 'em, the '90s.",
    "rock 'n' roll", 'He stopped--"no"---and went... on. . .', "<b>&amp;</b> &copy; \\ \\' x",
    "Tabs\tand\u00a0no-break spaces", "“Already curly” and ‘these’", '"', "'", "\"'\"'", "-- --- ----",
    "a_b", "_whole_", "*star*", "line\nbreak", "end with a quote'", "(\"brackets\")", "[x](y) `code` #h",
]


def test_the_quick_path_renders_every_paragraph_as_markdown_it_does() -> None:
    """Paragraphs without an emphasis mark or a line break skip markdown-it's inline parse:
    every paragraph of the corpus's plain texts, and a few made to be awkward, come out the
    same either way."""
    from conftest import CORPUS

    from octavo.readers.plaintext import _PARSED, _inline_html, _marked, inline_parser
    from octavo.readers.textstructure import detect

    md = inline_parser()
    # The quick path knows what the parser acts on: a rule enabled later must be named there.
    assert md.inline.ruler.get_active_rules() == ["text", "newline", "emphasis"]
    quick = 0
    sources = list(TRICKY)
    for path in sorted(CORPUS.glob("*.txt")):
        text = path.read_bytes().decode("utf-8", "replace").replace("\r\n", "\n")
        sources += [_marked(block.text) for section in detect(text.split("\n")).sections
                    for block in section.blocks]
    for source in sources:
        assert _inline_html(source) == md.renderInline(source), source
        quick += _PARSED.search(source) is None
    assert len(sources) > 5000 and quick > 0.8 * len(sources)


def test_prose_wrapped_under_a_heading_is_the_chapters_first_paragraph(tmp_path: Path) -> None:
    """A pasted chapter with no blank line under its heading: every word of the prose stays in
    the chapter's text, none goes into its title."""
    path = tmp_path / "pasted.txt"
    path.write_text("CHAPTER I.\nTHE BEGINNING\nIt was a dark and stormy night, and the rain fell\n"
                    "in torrents.\n\nCHAPTER II.\nThe rain had not stopped for three days when the\n"
                    "stranger came to the inn, and nobody asked\nhis name.\n", encoding="utf-8")
    context = ReadContext(tmp_path, Diagnostics(), ImageRegistry(tmp_path))
    sections = read_plaintext(path, path.name, context).render(1)
    assert [(s.title, s.html) for s in sections] == [
        ("Chapter I: The Beginning", "<p>It was a dark and stormy night, and the rain fell in torrents.</p>"),
        ("Chapter II", "<p>The rain had not stopped for three days when the stranger came to the inn, "
                       "and nobody asked his name.</p>"),
    ]
