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


def test_a_run_with_no_break_is_set_from_what_a_line_can_reach(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A 6,000-character run with no line break in it (a,a,a,...), in a hyphenated paragraph,
    is set line by line from the text a line can reach, not from all the rest of the run for
    every line and for every "word" in it: the work counted in characters WeasyPrint has Pango
    read for break points stays near linear (it was about 600 million, two minutes of layout).
    Every character is still set."""
    import io

    import pypdf
    import weasyprint
    import weasyprint.text.line_break as line_break

    hook_hyphenation()
    read = [0]
    original = line_break.get_log_attrs

    def counted(text: str, lang: str | None) -> object:
        read[0] += len(text)
        return original(text, lang)

    monkeypatch.setattr(line_break, "get_log_attrs", counted)
    run = "a," * 3_000
    html = (f"<html lang='en'><style>@page {{ size: 4in 6in }} p {{ hyphens: auto; "
            f"overflow-wrap: break-word }}</style><p>Start. {run} end.</p></html>")
    pdf = pypdf.PdfReader(io.BytesIO(weasyprint.HTML(string=html).write_pdf()))
    text = "".join((page.extract_text() or "") for page in pdf.pages)
    assert "".join(text.split()).count("a,") == 3_000
    assert read[0] < 5_000_000, read[0]
