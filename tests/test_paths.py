"""What a build may read: in CSS, no URL but the book's own files, and no font of the machine."""

from __future__ import annotations

import pytest

from octavo.paths import css_problems

MACHINE = ("refused: only fonts of the book and its theme are used (not the machine's); name the "
           "font file, e.g. src: url(fonts/Font.otf)")


@pytest.mark.parametrize(("css", "line", "named"), [
    ('@font-face { font-family: "X";\n  src: local("Some Font"); }', 2, 'local("Some Font")'),
    ("@font-face { src: local(Some Font), url(fonts/x.otf); }", 1, "local(Some Font)"),
    ("@font-face { src: LOCAL('X'); }", 1, 'local("X")'),
    ("@font-face { src: \\6c ocal(X); }", 1, "local(X)"),  # an escape hides no name from a tokenizer
    ("p { margin: 0 }\n@media print {\n @font-face { src: local(X) } }", 3, "local(X)"),
    (":root { --serif: local(X) }\n@font-face { src: var(--serif) }", 1, "local(X)"),  # var() fills it in
])
def test_a_font_of_the_machine_is_refused_naming_its_line(css: str, line: int, named: str) -> None:
    """WeasyPrint would read the font from the machine's folders: a file outside the book,
    and another book on every machine."""
    assert css_problems(css) == [(line, f"{named} {MACHINE}")]


@pytest.mark.parametrize("css", [
    '/* src: local("Some Font") was tried; the file is better */\n@font-face { src: url(x.otf) }',
    'p::before { content: "local(x)"; font-family: "local(Y)", serif }',
    "@font-face { font-family: local; src: url(fonts/local.otf) }",
])
def test_local_in_a_comment_a_string_or_a_name_is_not_a_font_of_the_machine(css: str) -> None:
    assert css_problems(css) == []


def test_problems_come_in_the_order_of_their_lines() -> None:
    css = '@font-face { src: local(X) }\np { background: url(https://example.org/x.png) }'
    assert [line for line, _ in css_problems(css)] == [1, 2]
