"""Code highlighting: token spans for known languages, the text itself unchanged."""

from __future__ import annotations

from octavo import xhtml
from octavo.transforms.highlight import highlight_fragment


def test_python_gets_token_spans_and_keeps_its_text() -> None:
    source = '<pre><code class="language-python">def f(x):\n    return "a &lt; b"  # note\n</code></pre>'
    result = highlight_fragment(source)
    assert '<span class="hl-k">def</span>' in result and '<span class="hl-c1"># note</span>' in result
    assert xhtml.text_content(result).replace(" ", "") == xhtml.text_content(source).replace(" ", "")
    assert "&lt;" in result


def test_unknown_or_no_language_is_left_alone() -> None:
    for source in ('<pre><code class="language-klingon">qapla</code></pre>',
                   "<pre><code>plain</code></pre>", "<p><code class=\"language-python\">x</code></p>"):
        assert highlight_fragment(source) == source
