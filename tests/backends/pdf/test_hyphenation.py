"""The hook on WeasyPrint's line breaking: which lines may not end hyphenated."""

from __future__ import annotations

from dataclasses import dataclass

from octavo.backends.pdf.hyphenation import hook_hyphenation, last_on_right_page


@dataclass
class Context:
    """The two things of WeasyPrint's LayoutContext the rule reads."""

    current_page: int
    page_bottom: float = 700.0

    def overflows_page(self, bottom_space: float, position_y: float) -> bool:
        return position_y > self.page_bottom - bottom_space


def test_only_the_last_line_that_fits_on_a_right_hand_page_is_kept_whole() -> None:
    assert last_on_right_page(Context(3), 680.0, 14.0, 0.0)  # 694 fits, 708 would not
    assert not last_on_right_page(Context(4), 680.0, 14.0, 0.0)  # a left-hand page
    assert not last_on_right_page(Context(3), 660.0, 14.0, 0.0)  # another line fits below
    assert not last_on_right_page(Context(3), 690.0, 14.0, 0.0)  # this one does not fit at all
    assert not last_on_right_page(Context(3), 680.0, 14.0, 20.0)  # space kept below: no room


def test_the_hook_is_installed_once_where_weasyprint_looks_it_up() -> None:
    import weasyprint.layout.block as block
    import weasyprint.layout.inline as inline

    hook_hyphenation()
    hooked = inline.iter_line_boxes
    hook_hyphenation()
    assert inline.iter_line_boxes is hooked and block.iter_line_boxes is hooked
    assert getattr(inline.split_first_line, "octavo_hook", False)
