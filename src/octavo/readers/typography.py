"""Smart typography as markdown-it core rules: dashes, ellipses and quotes in text, never in code."""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore


def typography_plugin(md: MarkdownIt, *, double_hyphen: str = "\u2013") -> None:
    """Turn `---` into an em dash, `--` into `double_hyphen` and `...` into an ellipsis.

    Runs on text tokens only, so code spans, code blocks and escaped characters stay as
    written; characters that are already typographic are left exactly as they are. Curly
    quotes come from markdown-it's own `smartquotes` rule, which this rule runs before.
    """

    def replace(text: str) -> str:
        if "-" in text:
            text = text.replace("---", "\u2014").replace("--", double_hyphen)
        if "..." in text:
            text = text.replace(". . .", "\u2026").replace("...", "\u2026")
        return text

    def rule(state: StateCore) -> None:
        for token in state.tokens:
            if token.type != "inline" or not token.children:
                continue
            for child in token.children:
                if child.type == "text":
                    child.content = replace(child.content)

    md.core.ruler.before("smartquotes", "octavo_typography", rule)
    md.core.ruler.after("smartquotes", "octavo_lone_quotes", _curl_lone_quotes)


# A quote after one of these (or at the start) opens, if a word follows; anywhere else it closes.
_OPENS_AFTER = set(" \t\n\u00a0([{\u2014\u2013/\u201c\u2018")


def _curl_lone_quotes(state: StateCore) -> None:
    """Curl the straight quotes `smartquotes` could not pair, by the character before each."""
    for token in state.tokens:
        if token.type != "inline" or not token.children:
            continue
        before = " "
        children = token.children
        for index, child in enumerate(children):
            if child.type == "text" and ('"' in child.content or "'" in child.content):
                following = children[index + 1] if index + 1 < len(children) else None
                tail = (following.content[:1] or "x") if following and not following.type.endswith(
                    "break") else " "
                child.content = _curl(child.content, before, tail)
            if child.type in ("softbreak", "hardbreak"):
                before = " "
            elif child.content:
                before = child.content[-1]


# Words that begin with an apostrophe for a letter left out: 'tis, 'em, the '90s.
_ELISION = re.compile(r"(?:(?:tis|twas|twere|twill|twould|em|cause|til|bout|im|er|ere|ow|n)\b|\d)", re.I)

_CURLED = {('"', True): "\u201c", ('"', False): "\u201d", ("'", True): "\u2018", ("'", False): "\u2019"}


def _curl(text: str, before: str, tail: str) -> str:
    """Curl each straight quote in `text`, given the characters before and after it."""
    out = []
    for index, char in enumerate(text):
        if char in "\"'":
            after = text[index + 1:index + 2] or tail
            opening = before in _OPENS_AFTER and after.strip() != "" and after not in ".,;:!?)]}"
            if char == "'" and opening and _ELISION.match(text, index + 1):
                opening = False
            char = _CURLED[char, opening]
        out.append(char)
        before = char
    return "".join(out)
