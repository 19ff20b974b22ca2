"""Sanitising: a long chapter passes through untouched and quickly; absurd nesting is flattened."""

from __future__ import annotations

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
