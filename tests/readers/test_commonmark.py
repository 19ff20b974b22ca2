"""Every example of the CommonMark specification, each as a chapter, builds one valid EPUB."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import epubcheck, spine_documents

from octavo import xhtml
from octavo.backends import FORMATS, RenderContext
from octavo.diagnostics import Diagnostics
from octavo.errors import ManuscriptError
from octavo.model import Book, Chapter, Metadata
from octavo.readers.base import ImageRegistry, ReadContext
from octavo.readers.markdown import read_markdown
from octavo.themes import load_theme
from octavo.transforms import apply_transforms

EXAMPLES = json.loads(
    (Path(__file__).parent.parent / "data" / "commonmark-0.31.2-examples.json").read_text("utf-8"))


def test_every_commonmark_example_becomes_valid_xhtml_in_a_valid_epub(tmp_path: Path) -> None:
    root = tmp_path / "book"
    folder = root / "manuscript"
    folder.mkdir(parents=True)
    diagnostics = Diagnostics()
    context = ReadContext(root, diagnostics, ImageRegistry(root))
    chapters: list[Chapter] = []
    refused: dict[int, str] = {}
    for example in EXAMPLES:
        number = example["example"]
        path = folder / f"example-{number:03d}.md"
        path.write_text(example["markdown"], encoding="utf-8")
        shown = f"manuscript/{path.name}"
        context.sources[path.resolve()] = shown
        try:
            sections = read_markdown(path, shown, context).render(1)
        except ManuscriptError as exc:
            refused[number] = exc.render()
            continue
        html = "".join(s.html for s in sections)
        xhtml.check_well_formed(html)
        chapters.append(Chapter(title=f"Example {number}", source=shown,
                                html=f"<p>Example {number}.</p>{html}"))
    # Images are refused when they are not files in the book (the spec's are "/url", "train.jpg");
    # a file opening with "---" holds YAML front matter, which "Foo" is not.
    assert refused.pop(96) == "manuscript/example-096.md:2: front matter must be key: value lines"
    assert all(": image " in message for message in refused.values()), refused
    assert len(chapters) > 600
    meta = Metadata(title="CommonMark", authors=("Spec",),
                    identifier="urn:uuid:6ba7b810-9dad-11d1-80b4-00c04fd430c8")
    book = Book(meta, body=tuple(chapters))
    book = apply_transforms(book, diagnostics)
    target = tmp_path / "spec.epub"
    FORMATS["epub"].render(book, load_theme("classic", root), target,
                            RenderContext(root, 0, diagnostics))
    assert epubcheck(target) == []
    # The cover (typographic: the book has none), title page, copyright page and contents.
    assert len(spine_documents(target)) == len(chapters) + 4
