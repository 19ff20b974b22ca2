"""Property: any Unicode text as a chapter builds an EPUB of well-formed XHTML holding its words."""

from __future__ import annotations

import re
import tempfile
import unicodedata
import zipfile
from pathlib import Path

from conftest import BASIC_TOML
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from octavo.build import build
from octavo.diagnostics import Diagnostics
from octavo.errors import ManuscriptError

# Text as writers (and their pasted sources) produce it: any character at all, with Markdown
# punctuation and line breaks made common so the parser's corners are reached.
MARKUP = st.sampled_from(list("*_`#>-+[]()!<>&;\\|~=\n\n\n  ") + ["<div>", "</p>", "&amp;",
                                                                "&#0;", "[^1]", "---", "```"])
TEXT = st.lists(st.one_of(st.characters(codec="utf-8"), MARKUP, st.text(min_size=1, max_size=8)),
                max_size=300).map("".join)


def _letters(text: str) -> str:
    """Letters and digits only, case-folded, for an order-preserving comparison."""
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", text).casefold())


def _plain_words(text: str) -> list[str]:
    """The words a reader sees: runs of letters and digits outside any markup."""
    return [w for w in re.findall(r"[^\W_]+", text)]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT)
def test_any_text_builds_well_formed_xhtml_holding_its_words(text: str) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        (root / "manuscript").mkdir()
        (root / "book.toml").write_text(BASIC_TOML, encoding="utf-8")
        (root / "manuscript" / "01-chapter.txt").write_text(text, encoding="utf-8",
                                                             newline="")
        try:
            outputs = build(root, Diagnostics(), formats=("epub",))
        except ManuscriptError as exc:  # only ever: there is no text at all
            assert "empty" in exc.message or "binary" in exc.message, exc.render()
            assert not _letters(text) or "\x00" in text
            return
        with zipfile.ZipFile(outputs[0].path) as zf:
            docs = [zf.read(n) for n in zf.namelist() if n.endswith(".xhtml")]
        content = ""
        for data in docs:
            tree = etree.fromstring(data)  # raises unless well-formed
            content += " ".join(tree.itertext()) + " "
        stream = _letters(content)
        position = 0
        for word in _plain_words(text):
            token = _letters(word)
            found = stream.find(token, position)
            assert found >= 0, f"{word!r} lost"
            position = found + len(token)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT)
def test_any_markdown_builds_well_formed_xhtml(text: str) -> None:
    """Markdown may turn some characters into markup, but never into broken XHTML or a crash."""
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        (root / "manuscript").mkdir()
        (root / "book.toml").write_text(BASIC_TOML, encoding="utf-8")
        (root / "manuscript" / "01-chapter.md").write_text("# Chapter\n\nStart.\n\n" + text,
                                                            encoding="utf-8", newline="")
        try:
            outputs = build(root, Diagnostics(), formats=("epub",))
        except ManuscriptError as exc:
            # A refusal with its reason: a bad image, front matter or nesting, an empty
            # heading that opens a chapter with nothing in it ("#" alone).
            allowed = ("image", "front matter", "nested", "empty chapter") + (
                ("binary",) if "\x00" in text else ())
            assert any(reason in exc.message for reason in allowed), exc.render()
            return
        with zipfile.ZipFile(outputs[0].path) as zf:
            for name in zf.namelist():
                if name.endswith(".xhtml"):
                    etree.fromstring(zf.read(name))
