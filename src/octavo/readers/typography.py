"""Smart typography as markdown-it core rules: dashes, ellipses and quotes in text, never in code."""

from __future__ import annotations

import functools
import re

from markdown_it import MarkdownIt
from markdown_it.common.utils import isMdAsciiPunct, isPunctChar, isWhiteSpace
from markdown_it.rules_core import StateCore
from markdown_it.rules_core.smartquotes import process_inlines
from markdown_it.token import Token


def typography_plugin(md: MarkdownIt, *, double_hyphen: str = "\u2013") -> None:
    """Turn `---` into an em dash, `--` into `double_hyphen` and `...` into an ellipsis.

    Runs on text tokens only, so code spans, code blocks and escaped characters stay as
    written; characters that are already typographic are left exactly as they are. Curly
    quotes come from the `smartquotes` rule, which this rule runs before: markdown-it's, in
    one pass where a paragraph is text and line breaks only (`_smartquotes`)."""

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
    md.core.ruler.at("smartquotes", _smartquotes)
    md.core.ruler.after("smartquotes", "octavo_lone_quotes", _curl_lone_quotes)


def _smartquotes(state: StateCore) -> None:
    """markdown-it's `smartquotes` rule, with its commonest case in one pass: an inline
    token of text and line breaks only (a paragraph of prose, hard-wrapped or not).
    markdown-it's own loop copies the text twice for each quote in it."""
    if not state.md.options.typographer:
        return
    quotes = state.md.options.quotes
    for token in state.tokens:
        if token.type != "inline" or not token.children or not _QUOTE.search(token.content):
            continue
        children = token.children
        if _read_as_straight_quotes(quotes) and all(child.type in _PLAIN for child in children):
            _pair_lines(children, quotes)
        else:
            process_inlines(children, state)


_PLAIN = frozenset(("text", "softbreak", "hardbreak"))


def _read_as_straight_quotes(quotes: str | list[str]) -> bool:
    """Whether the four quote marks are a punctuation character each, as a straight quote is.
    markdown-it reads the characters around a quote from the text as it changes it; with such
    marks, the text as written reads the same. (It lets a mark be longer, like "« ".)"""
    return len(quotes) == 4 and all(len(mark) == 1 and _kind(mark) == (True, False)
                                    for mark in quotes)


def _pair_lines(children: list[Token], quotes: str) -> None:
    """Quotes paired across text tokens and line breaks as markdown-it pairs them: a break
    reads as a newline, which is white space to its rule as the start of a line is."""
    paired = pair_quotes("".join(child.content if child.type == "text" else "\n"
                                 for child in children), quotes)
    at = 0
    for child in children:
        if child.type == "text":
            child.content = paired[at:at + len(child.content)]
            at += len(child.content)
        else:
            at += 1


_QUOTE = re.compile("['\"]")
_APOSTROPHE = "\u2019"


def pair_quotes(text: str, quotes: str) -> str:
    """markdown-it's smartquotes on one text token alone (`quotes`: its four quote marks):
    the same pairing, in one pass over the quotes. A quote that cannot open or close in the
    middle of a word is an apostrophe; an opening one waits on a stack for its closing one."""
    out = list(text)
    # Where the opening quotes still waiting are, single and double apart, in the text's order
    # (one stack of both, searched for the topmost of a kind, was quadratic in a paragraph of
    # thousands of quotes of one kind waiting under closers of the other: 20 s for 256 KB).
    waiting: dict[bool, list[int]] = {True: [], False: []}
    end = len(text)
    for found in _QUOTE.finditer(text):
        at = found.start()
        single = text[at] == "'"
        last = text[at - 1] if at else " "  # a space before the text and after it
        after = text[at + 1] if at + 1 < end else " "
        last_punct, last_space = _kind(last)
        next_punct, next_space = _kind(after)
        can_open = not next_space and not (next_punct and not (last_space or last_punct))
        can_close = not last_space and not (last_punct and not (next_space or next_punct))
        if after == '"' and not single and "0" <= last <= "9":  # 1"": an inch mark
            can_open = can_close = False
        if can_open and can_close:  # between punctuation, not between letters
            can_open, can_close = last_punct, next_punct
        if not can_open and not can_close:  # in the middle of a word
            if single:
                out[at] = _APOSTROPHE
            continue
        if can_close and waiting[single]:
            opened = waiting[single][-1]
            out[opened] = quotes[2] if single else quotes[0]
            out[at] = quotes[3] if single else quotes[1]
            for places in waiting.values():  # those opened after it are given up, unpaired
                while places and places[-1] >= opened:
                    places.pop()
            continue
        if can_open:
            waiting[single].append(at)
        elif single:
            out[at] = _APOSTROPHE
    return "".join(out)


@functools.cache
def _kind(char: str) -> tuple[bool, bool]:
    """Whether markdown-it's smartquotes takes `char` for punctuation, and for white space."""
    code = ord(char)
    return isMdAsciiPunct(code) or isPunctChar(char), isWhiteSpace(code)


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


# Words that begin with an apostrophe for letters left out: 'tis, 'em, the '90s, 'prentice,
# and the old oaths ('Sblood, 'Sdeath: God's blood, God's death).
_ELISION = re.compile(r"(?:(?:tis|twas|twere|twill|twould|em|cause|cos|til|bout|im|er|ere|ow|n"
                      r"|ud|ee|gainst|neath|twixt|tween|prentice"
                      r"|sblood|sdeath|slife|swounds|sfoot|sbodikins|zounds|ouns)\b|\d)", re.I)

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
