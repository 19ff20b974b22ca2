"""Smart typography as a markdown-it core rule: dashes and ellipses in text, never in code."""

from __future__ import annotations

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
