"""Smart typography: dashes, ellipses and quotes, including the quotes that have no partner."""

from __future__ import annotations

import pytest

from octavo.readers.markdown import parser
from octavo.readers.plaintext import render_inline


@pytest.mark.parametrize(("text", "expected"), [
    ('"Come all ye men,\nAnd listen', "“Come all ye men,<br />\nAnd listen"),  # runs on
    ('Of Edinboro Town."', "Of Edinboro Town.”"),
    ('There"--he laughed--"I caught it', "There”—he laughed—“I caught it"),
    ('"I was--" he said', "“I was—” he said"),
    ("'Tis true, 'twas the '90s", "’Tis true, ’twas the ’90s"),
    ("'Hello,' she said. 'And then", "‘Hello,’ she said. ‘And then"),
    ('He said "no.', "He said “no."),
])
def test_quotes_without_a_partner_curl_by_their_side_of_the_word(text: str, expected: str) -> None:
    assert render_inline(text) == expected


def test_lone_quotes_see_past_emphasis_and_leave_code_and_escapes_alone() -> None:
    html = parser().render('He said "*no* way.\n\n"And `"x"` \\"y\\" "[link](x)\n')
    assert "He said “<em>no</em> way." in html
    assert "<code>&quot;x&quot;</code> &quot;y&quot; “<a" in html
