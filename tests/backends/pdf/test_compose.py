"""The print HTML: a table too wide for the page's measure is marked to be set smaller."""

from __future__ import annotations

from octavo.backends.pdf.compose import prepare_fragment, wide_table
from octavo.backends.pdf.settings import PrintSettings


def _table(columns: int, word: str) -> str:
    cells = "".join(f"<td>{word}{i}</td>" for i in range(columns))
    return (f'<section xmlns="http://www.w3.org/1999/xhtml"><table><tbody><tr>{cells}</tr>'
            "</tbody></table></section>")


def test_only_a_table_wider_than_the_measure_is_marked_wide() -> None:
    wide = wide_table(PrintSettings())  # 5.5 x 8.5 in
    assert 20 < wide < 35
    assert 'class="wide"' in prepare_fragment(_table(12, "Population"), "ch1", {}, True, wide=wide)
    assert 'class="wide"' not in prepare_fragment(_table(3, "Population"), "ch1", {}, True,
                                                  wide=wide)
    # Large type narrows the measure: the same three columns no longer fit at 24 pt.
    large = wide_table(PrintSettings(font_size=24.0))
    assert 'class="wide"' in prepare_fragment(_table(3, "Population"), "ch1", {}, True,
                                              wide=large)


def test_every_block_of_a_note_is_set_inline_in_its_footnote() -> None:
    """A block left a block broke out of the footnote: a note's `# Heading` (an <h1>), and
    all of the note after it, were set in the paragraph that calls the note."""
    note = ('<aside class="footnote" id="fn-1"><p class="footnote-number">1</p><p>A.</p>'
            "<h1>Head</h1><hr/><details><summary>Sum</summary><p>B.</p></details>"
            "<table><caption>Cap</caption><tfoot><tr><td>C</td></tr></tfoot></table></aside>")
    fragment = ('<section xmlns="http://www.w3.org/1999/xhtml"><p>Call<sup class="noteref-mark">'
                f'<a class="noteref" href="#fn-1">1</a></sup> here.</p>{note}</section>')
    html = prepare_fragment(fragment, "ch1", {}, True)
    for block in ("h1", "hr", "details", "summary", "table", "caption", "tfoot", "aside"):
        assert f"<{block}" not in html
    assert "Head" in html and "Sum" in html and "Cap" in html
