"""Small text helpers: TOML files read with their errors as one line naming the line at fault."""

from __future__ import annotations

from pathlib import Path

import pytest

from octavo.errors import OctavoError
from octavo.text import parse_toml, read_toml


def test_nesting_too_deep_names_the_line_it_got_too_deep_on() -> None:
    """A list opened one bracket a line: the error names the line where tomllib gave up (how
    deep that is depends on the stack), not the first or the last line of the file."""
    text = 'title = "A"\n\nx = ' + "[\n" * 5_000 + "]\n" * 5_000 + 'y = "after"\n'
    with pytest.raises(OctavoError) as caught:
        parse_toml(text, "book.toml")
    line = caught.value.line
    assert line is not None and 3 < line < 5_003
    assert caught.value.render() == f"book.toml:{line}: lists or tables nested too deeply to read (TOML)"


def test_a_syntax_error_names_its_line_without_tomllib_s_position() -> None:
    with pytest.raises(OctavoError) as caught:
        parse_toml('a = 1\nb = "open\n', "book.toml")
    assert caught.value.render() == "book.toml:2: Illegal character '\\n' (TOML)"


@pytest.mark.parametrize(("content", "message"), [
    (b"a = '\xff'\n", "cannot read: not UTF-8 text"),
    ("\ufeffa = 1\n".encode(), None),  # a byte order mark is read past
])
def test_the_file_is_read_as_utf8(tmp_path: Path, content: bytes, message: str | None) -> None:
    path = tmp_path / "theme.toml"
    path.write_bytes(content)
    if message is None:
        assert read_toml(path, "theme.toml") == {"a": 1}
        return
    with pytest.raises(OctavoError) as caught:
        read_toml(path, "theme.toml")
    assert caught.value.render() == f"theme.toml: {message}"


def test_a_count_is_plural_unless_it_is_one() -> None:
    from octavo.text import counted

    assert [counted(n, "chart") for n in (0, 1, 2)] == ["0 charts", "1 chart", "2 charts"]
