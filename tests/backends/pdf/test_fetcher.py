"""WeasyPrint's errors turned into a failed build, and its swallowing of Ctrl-C undone."""

from __future__ import annotations

import logging

import pytest

from octavo.backends.pdf.fetcher import failures_raised
from octavo.errors import BuildError

LOGGER = logging.getLogger("weasyprint")


def _draw_an_svg(error: BaseException) -> None:
    """What WeasyPrint does when drawing an SVG fails (images.SVGImage.draw)."""
    try:
        raise error
    except BaseException:
        LOGGER.error("Failed to render SVG image %s", "file:///book/bomb.svg")


@pytest.mark.parametrize("stop", [KeyboardInterrupt(), SystemExit(143)])
def test_ctrl_c_or_sigterm_while_an_svg_is_drawn_stops_the_layout(stop: BaseException) -> None:
    """Swallowed, they left a build drawing an SVG that never ends going for ever."""
    with pytest.raises(type(stop)), failures_raised():
        _draw_an_svg(stop)
        raise AssertionError("the layout went on")


def test_a_failed_drawing_still_fails_the_build_at_its_end() -> None:
    with pytest.raises(BuildError, match="WeasyPrint: Failed to render SVG image"), \
            failures_raised():
        _draw_an_svg(ValueError("a bad path"))


def test_a_data_url_in_weasyprints_message_is_cut_short() -> None:
    """A 500 KB data: image that fails to load made a "one-line" message of 666 KB."""
    url = "data:image/png;base64," + "QUFB" * 125_000
    with pytest.raises(BuildError) as raised, failures_raised():
        LOGGER.error("Failed to load image at %r: %s", url, "broken")
    assert str(raised.value) == ("WeasyPrint: Failed to load image at 'data:image/png;base64,"
                                 "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQU…': broken")
