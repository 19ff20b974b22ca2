"""The sample book in manuscript/: it builds clean, keeps every word, matches its golden files."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from conftest import REPO, epub_words, epubcheck, first_divergence, markdown_words

from octavo.text import natural_key

GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture(scope="module")
def sample_epub(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from octavo.cli import main

    out = tmp_path_factory.mktemp("sample")
    mp = pytest.MonkeyPatch()
    mp.setenv("SOURCE_DATE_EPOCH", "1767225600")
    try:
        assert main(["build", str(REPO), "--format", "epub", "--out", str(out), "-q"]) == 0
    finally:
        mp.undo()
    return out / "the-quiet-press.epub"


def test_sample_passes_epubcheck(sample_epub: Path) -> None:
    assert epubcheck(sample_epub) == []


def test_sample_keeps_every_word_in_order(sample_epub: Path) -> None:
    files = sorted((REPO / "manuscript").glob("*.md"), key=lambda p: natural_key(p.name))
    expected = [w for f in files for w in markdown_words(f.read_text(encoding="utf-8"))]
    assert len(expected) > 2000
    assert first_divergence(expected, epub_words(sample_epub)) is None


def test_sample_shows_its_features(sample_epub: Path) -> None:
    with zipfile.ZipFile(sample_epub) as zf:
        text = "".join(zf.read(n).decode() for n in zf.namelist() if n.endswith(".xhtml"))
        names = zf.namelist()
    assert 'epub:type="part"' in text and 'epub:type="dedication"' in text
    assert 'class="scene-break"' in text and 'epub:type="footnote"' in text
    assert "<blockquote>" in text and "<table>" in text and "<ol>" in text
    assert "<figure" in text and any(n.endswith(".svg") for n in names)
    assert any(n.endswith(".otf") for n in names)


@pytest.mark.parametrize("member", ["EPUB/content.opf", "EPUB/nav.xhtml"])
def test_golden(sample_epub: Path, member: str, update_golden: bool) -> None:
    with zipfile.ZipFile(sample_epub) as zf:
        actual = zf.read(member).decode("utf-8")
    golden = GOLDEN / ("sample-" + member.split("/")[-1])
    if update_golden:
        golden.write_text(actual, encoding="utf-8")
    assert golden.exists(), f"{golden} is missing; make it with pytest --update-golden"
    assert actual == golden.read_text(encoding="utf-8"), (
        f"{member} differs from {golden}; run pytest --update-golden if the change is intended"
    )
