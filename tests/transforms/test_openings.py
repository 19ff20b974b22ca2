"""A chapter's opening paragraph: its initial and lead-in, after subheadings and a subtitle."""

from __future__ import annotations

from octavo import xhtml
from octavo.backends.initials import Initial, epub_initial_css
from octavo.transforms.openings import mark_opening


def test_the_opening_is_the_paragraph_after_a_chapters_subtitle() -> None:
    # A Word chapter's Subtitle paragraph under its title took the drop cap and small capitals.
    root = xhtml.fragment_root('<p class="subtitle">A subtitle line</p><p>Once upon a time.</p>')
    assert mark_opening(root)
    subtitle, first = root
    assert "opening" not in (subtitle.get("class") or "") and subtitle.text == "A subtitle line"
    assert first.get("class") == "opening"
    assert xhtml.inner_xml(root).count('class="drop-cap"') == 1


def test_the_epubs_initial_is_not_set_on_a_subtitle() -> None:
    css = epub_initial_css(Initial(lines=3, size=3.2, line_height=1.0, shift=0.1, quote_size=0.5,
                                   quote_rise=0.2))
    assert ".drop-caps h1.chapter-title + p.subtitle + p::first-letter" in css
    assert ".drop-caps h1.chapter-title + p.subtitle::first-letter { float: none; font-size: 1em;" \
        in css
