"""Smart typography: dashes, ellipses and quotes, including the quotes that have no partner."""

from __future__ import annotations

from collections.abc import Callable
from itertools import chain, product

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.rules_core.smartquotes import smartquotes
from markdown_it.token import Token

from octavo.readers import typography
from octavo.readers.markdown import parser
from octavo.readers.plaintext import inline_parser, render_inline


@pytest.mark.parametrize(("text", "expected"), [
    ('"Come all ye men,\nAnd listen', "“Come all ye men,<br />\nAnd listen"),  # runs on
    ('Of Edinboro Town."', "Of Edinboro Town.”"),
    ('There"--he laughed--"I caught it', "There”—he laughed—“I caught it"),
    ('"I was--" he said', "“I was—” he said"),
    ("'Tis true, 'twas the '90s", "’Tis true, ’twas the ’90s"),
    ("'Hello,' she said. 'And then", "‘Hello,’ she said. ‘And then"),
    ('He said "no.', "He said “no."),
    # Letters left out: an apostrophe, never an opening quote (Jack Sheppard's oaths).
    ("A spike gone! 'Sdeath! the women", "A spike gone! ’Sdeath! the women"),
    ('"\'Sblood!" cried Jonathan', "“’Sblood!” cried Jonathan"),
    ("it 'ud blow, said his 'prentice", "it ’ud blow, said his ’prentice"),
    ("'Zounds! 'gainst the wall, 'neath the stair, I tell 'ee",
     "’Zounds! ’gainst the wall, ’neath the stair, I tell ’ee"),
])
def test_quotes_without_a_partner_curl_by_their_side_of_the_word(text: str, expected: str) -> None:
    assert render_inline(text) == expected


def test_lone_quotes_see_past_emphasis_and_leave_code_and_escapes_alone() -> None:
    html = parser().render('He said "*no* way.\n\n"And `"x"` \\"y\\" "[link](x)\n')
    assert "He said “<em>no</em> way." in html
    assert "<code>&quot;x&quot;</code> &quot;y&quot; “<a" in html


# Text of quotes, apostrophes, inch marks, digits, letters, spaces, punctuation of all kinds
# and line breaks, quotes the most common; now and then any character at all.
QUOTE_ISH = st.sampled_from(list("\"'\"'\"'19a Z.,!?-\u2014(\u201c\u2019)\u00a0\u2003\u2026*\n|"))
QUOTED = st.lists(st.one_of(QUOTE_ISH, QUOTE_ISH, QUOTE_ISH, st.characters()), max_size=30).map("".join)


def paired(text: str, rule: Callable[[StateCore], None], md: MarkdownIt | None = None
           ) -> list[str]:
    """The texts of a paragraph's tokens after `rule` (run by `md`): a newline in `text` is a
    line break, a `|` parts two text tokens."""
    children = []
    for index, line in enumerate(text.split("\n")):
        if index:
            children.append(Token("softbreak", "br", 0))
        for part in line.split("|"):
            children.append(Token("text", "", 0, content=part))
    paragraph = Token("inline", "", 0, content=text, children=children)
    state = StateCore(text, md or inline_parser(), {})
    state.tokens = [paragraph]
    rule(state)
    return [child.content for child in children]


@settings(max_examples=500, deadline=None)
@given(QUOTED)
def test_quotes_pair_as_markdown_its_rule_pairs_them(text: str) -> None:
    # Octavo's rule, one pass over a paragraph of text and line breaks, gives what
    # markdown-it's own smartquotes gives.
    assert paired(text, typography._smartquotes) == paired(text, smartquotes)


def test_every_short_text_of_quotes_pairs_as_markdown_it_pairs_it() -> None:
    # Each text of up to seven quotes, spaces, letters and digits, and of up to five with line
    # breaks and token ends too: nested and crossed pairs (`"'a" a'`) and inch marks (`9""`)
    # are rare in random text.
    texts = [*(product("\"' a9", repeat=length) for length in range(1, 8)),
             *(product("\"' a9\n|", repeat=length) for length in range(1, 6))]
    wrong = [text for text in map("".join, chain(*texts))
             if paired(text, typography._smartquotes) != paired(text, smartquotes)]
    assert wrong == []


def test_thousands_of_quotes_waiting_under_the_other_kind_pair_as_markdown_it_pairs_them() -> None:
    # Each closing ' finds no single quote open under the thousands of " that wait: searching
    # the stack for one made a 256 KB paragraph of them take 20 s. The pairing is the same.
    for unit in ("\"quote' ", "'quote\" ", "\"a 'b\" c' "):
        text = unit * 2000
        assert paired(text, typography._smartquotes) == paired(text, smartquotes)


def test_quote_marks_not_like_a_straight_quote_pair_as_markdown_it_pairs_them() -> None:
    # French marks with their no-break spaces, and letters for marks: markdown-it reads the
    # text as it changes it.
    for quotes in (["\u00ab\u00a0", "\u00a0\u00bb", "\u2039", "\u203a"], "xyzw"):
        md = MarkdownIt("zero", {"typographer": True, "quotes": quotes})
        for text in ('"Oui", dit-il, "c\'est \'bon\'"', '""a" b"', "''a' b'", '"a\n"b" c"',
                     "'a'' b'", '""a"" b', '""""', "''a"):
            assert paired(text, typography._smartquotes, md) == paired(text, smartquotes, md)


def test_the_one_pass_pairing_is_the_one_used() -> None:
    # A paragraph alone on its line is paired by pair_quotes, in either reader.
    calls: list[str] = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(typography, "pair_quotes", lambda text, quotes: calls.append(text) or text)
        render_inline("'Tis said, \"she wrote.\"")
        parser().render("He said, \"no\".\n")
    assert calls == ["'Tis said, \"she wrote.\"", "He said, \"no\"."]
