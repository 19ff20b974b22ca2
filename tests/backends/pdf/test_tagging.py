"""The reading PDF is tagged (PDF/UA-1): one structure tree, also when laid out in chunks."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from books import multi_chapter_book
from conftest import BASIC_TOML, CORPUS, sample_book, tiny_png
from lxml import etree

import octavo.backends.pdf.chunks
from octavo.build import build
from octavo.diagnostics import Diagnostics

HEADINGS = {f"/H{level}" for level in range(1, 7)}
XMP = {"x": "adobe:ns:meta/", "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
       "dc": "http://purl.org/dc/elements/1.1/", "pdfuaid": "http://www.aiim.org/pdfua/ns/id/"}


def _kids(element: Any) -> list[Any]:
    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def _marks_content(element: Any) -> bool:
    return any(not isinstance(kid, pikepdf.Dictionary) or _marks_content(kid)
               for kid in _kids(element))


def _parent_tree(root: Any) -> dict[int, Any]:
    found: dict[int, Any] = {}

    def walk(node: Any) -> None:
        nums = node.get("/Nums")
        if nums is not None:
            keys = [int(nums[i]) for i in range(0, len(nums), 2)]
            assert keys == sorted(keys), "ParentTree /Nums not sorted"
            for i in range(0, len(nums), 2):
                assert int(nums[i]) not in found, f"ParentTree key {nums[i]} twice"
                found[int(nums[i])] = nums[i + 1]
        for kid in node.get("/Kids") or ():
            walk(kid)

    walk(root.ParentTree)
    return found


def _mcids(page: pikepdf.Page) -> list[int]:
    """The MCIDs a page's content stream marks (BDC with /MCID), in order."""
    found = []
    for operands, operator in pikepdf.parse_content_stream(page):
        if operator == pikepdf.Operator("BDC") and isinstance(operands[1], pikepdf.Dictionary) \
                and "/MCID" in operands[1]:
            found.append(int(operands[1].MCID))
    return found


def tagging_problems(path: Path, every: int = 1) -> list[str]:
    """What is wrong with the tags of the PDF at `path` (an empty list: nothing found).

    The content streams of every `every`-th page are read (they are slow to parse).
    """
    problems: list[str] = []
    with pikepdf.open(path) as pdf:
        roots = [o for o in pdf.objects if isinstance(o, pikepdf.Dictionary)
                 and o.get("/Type") == pikepdf.Name.StructTreeRoot]
        if len(roots) != 1 or "/StructTreeRoot" not in pdf.Root:
            return [f"{len(roots)} StructTreeRoots"]
        root = pdf.Root.StructTreeRoot
        if root.objgen != roots[0].objgen:
            problems.append("the catalog's StructTreeRoot is not the one in the file")
        tops = _kids(root)
        if len(tops) != 1 or tops[0].get("/S") != pikepdf.Name.Document:
            problems.append(f"the root holds {len(tops)} elements, not one /Document")
        else:  # the reading order: the document's elements in the order of their pages
            index = {page.obj.objgen: number for number, page in enumerate(pdf.pages)}
            order = [index.get(kid.Pg.objgen, -1) for kid in _kids(tops[0])
                     if isinstance(kid, pikepdf.Dictionary) and "/Pg" in kid]
            if order != sorted(order) or -1 in order:
                problems.append("the document's elements are not in page order")
        # Every element reachable from the root has the right /P.
        reachable: set[tuple[int, int]] = {root.objgen}
        stack = [(root, kid) for kid in tops]
        while stack:
            parent, element = stack.pop()
            if not isinstance(element, pikepdf.Dictionary) or "/S" not in element:
                continue
            if element.objgen in reachable:
                problems.append(f"element {element.objgen} in the tree twice")
                continue
            reachable.add(element.objgen)
            if element.get("/P") is None or element.P.objgen != parent.objgen:
                problems.append(f"{element.S} {element.objgen}: /P is not its parent")
            stack.extend((element, kid) for kid in _kids(element))
            if str(element.S) in HEADINGS and not _marks_content(element):
                problems.append(f"an empty {element.S}")  # pdfua's own check fails to run
        # One ParentTree: sorted, with its next key, holding every page's and annotation's key.
        tree = _parent_tree(root)
        if tree and int(root.get("/ParentTreeNextKey", -1)) <= max(tree):
            problems.append("/ParentTreeNextKey missing or not past the last key")
        keys: list[int] = []
        for number, page in enumerate(pdf.pages, start=1):
            contents = page.obj.get("/Contents")  # a stream, or an array of them
            has_content = contents is not None and any(
                stream.read_bytes().strip() for stream in
                (contents if isinstance(contents, pikepdf.Array) else [contents]))
            annotations = list(page.obj.get("/Annots") or ())
            if has_content or "/StructParents" in page.obj:
                if "/StructParents" not in page.obj:
                    problems.append(f"page {number}: content but no /StructParents")
                else:
                    key = int(page.obj.StructParents)
                    keys.append(key)
                    if not isinstance(tree.get(key), pikepdf.Array):
                        problems.append(f"page {number}: /StructParents {key} not in ParentTree")
                    elif (number - 1) % every == 0:
                        problems += _mcid_problems(number, page, tree[key], reachable, tops)
            if annotations and page.obj.get("/Tabs") != pikepdf.Name.S:
                problems.append(f"page {number}: annotations but no /Tabs /S")
            for annotation in annotations:
                problems += _annotation_problems(number, annotation, tree, keys, pdf)
        if len(keys) != len(set(keys)):
            problems.append("a /StructParents or /StructParent key is used twice")
    return problems


def _mcid_problems(number: int, page: pikepdf.Page, marked: pikepdf.Array,
                   reachable: set[tuple[int, int]], tops: list[Any]) -> list[str]:
    """Each MCID of the page is in its ParentTree entry, whose element lists it in /K and
    hangs, through /P, from the document (WeasyPrint's running heads and folios hang from it
    without being among its kids: they are kept out of the reading order)."""
    problems = []
    mcids = _mcids(page)
    if sorted(mcids) != list(range(len(marked))):
        problems.append(f"page {number}: MCIDs {sorted(mcids)[:5]}... but {len(marked)} "
                        "ParentTree entries")
    document = tops[0].objgen if tops else None
    for mcid in mcids:
        seen: set[tuple[int, int]] = set()
        element = marked[mcid] if mcid < len(marked) else None
        if not isinstance(element, pikepdf.Dictionary):
            problems.append(f"page {number}: MCID {mcid} has no element")
            continue
        if mcid not in [int(k) for k in _kids(element) if not isinstance(k, pikepdf.Dictionary)]:
            problems.append(f"page {number}: MCID {mcid}'s element does not list it")
        if element.get("/Pg") is not None and element.Pg.objgen != page.obj.objgen:
            problems.append(f"page {number}: MCID {mcid}'s element is on another page")
        up = element
        while up.objgen not in reachable:
            parent = up.get("/P")
            if parent is None or parent.objgen in seen:
                problems.append(f"page {number}: MCID {mcid} hangs from nothing in the tree")
                break
            if parent.objgen == document:
                break  # a running head's branch
            seen.add(up.objgen)
            up = parent
    return problems


def _annotation_problems(number: int, annotation: Any, tree: dict[int, Any], keys: list[int],
                         pdf: pikepdf.Pdf) -> list[str]:
    if annotation.get("/Subtype") != pikepdf.Name.Link:
        return []
    problems = []
    if not str(annotation.get("/Contents", "")).strip():
        problems.append(f"page {number}: a link without /Contents")
    if "/StructParent" not in annotation:
        return [*problems, f"page {number}: a link without /StructParent"]
    key = int(annotation.StructParent)
    keys.append(key)
    element = tree.get(key)
    if not isinstance(element, pikepdf.Dictionary) or element.get("/S") != pikepdf.Name.Link:
        return [*problems, f"page {number}: link's /StructParent {key} is not a /Link element"]
    objects = [k.Obj.objgen for k in _kids(element)
               if isinstance(k, pikepdf.Dictionary) and k.get("/Type") == pikepdf.Name.OBJR]
    if annotation.objgen not in objects:
        problems.append(f"page {number}: link's /Link element has no OBJR to it")
    # Its text may be marked in a nested element: WeasyPrint tags the contents' leader and
    # page number (::after) as a /Link inside the entry's, and when they wrap onto a line of
    # their own, that line's part of the entry holds only them. A leader with no room for a
    # dot (a title that fills its line to the page numbers' column) is such a nested /Link
    # with nothing to mark; its entry's /Link marks the title and number.
    parent = element.get("/P")
    nested = isinstance(parent, pikepdf.Dictionary) and parent.get("/S") == pikepdf.Name.Link
    if not _marks_content(element) and not (nested and _marks_content(parent)):
        problems.append(f"page {number}: link's /Link element marks none of its text")
    dest = annotation.get("/Dest")
    if isinstance(dest, pikepdf.String) and str(dest) not in _names(pdf):
        problems.append(f"page {number}: link to {dest}, which is not a named destination")
    return problems


def _names(pdf: pikepdf.Pdf) -> set[str]:
    if "/Names" not in pdf.Root or "/Dests" not in pdf.Root.Names:
        return set()
    return set(pikepdf.NameTree(pdf.Root.Names.Dests).keys())


def document_problems(path: Path, title: str, creators: list[str],
                      language: str = "en") -> list[str]:
    """What the catalog and the XMP packet lack for PDF/UA-1 (or hold wrong)."""
    problems = []
    with pikepdf.open(path) as pdf:
        catalog = pdf.Root
        if catalog.get("/MarkInfo", {}).get("/Marked") is not True:
            problems.append("no /MarkInfo << /Marked true >>")
        if catalog.get("/ViewerPreferences", {}).get("/DisplayDocTitle") is not True:
            problems.append("no /DisplayDocTitle true")
        if str(catalog.get("/Lang", "")) != language:
            problems.append(f"/Lang is {catalog.get('/Lang')!r}")
        if "/Metadata" not in catalog:
            return [*problems, "no XMP metadata"]
        xmp = etree.fromstring(catalog.Metadata.read_bytes())
    found = {
        "pdfuaid:part": xmp.xpath("string(//pdfuaid:part | //@pdfuaid:part)", namespaces=XMP),
        "dc:title": xmp.xpath("string(//dc:title//rdf:li)", namespaces=XMP),
        "dc:language": xmp.xpath("string(//dc:language//rdf:li)", namespaces=XMP),
    }
    expected = {"pdfuaid:part": "1", "dc:title": title, "dc:language": language}
    problems += [f"XMP {key} is {found[key]!r}" for key, value in expected.items()
                 if found[key] != value]
    authors = [str(li) for li in xmp.xpath("//dc:creator/rdf:Seq/rdf:li/text()", namespaces=XMP)]
    if authors != creators:
        problems.append(f"XMP dc:creator is {authors}")
    return problems


def pdfua_errors(path: Path) -> list[str]:
    """The errors pdfua (PDF/UA-1's machine-checkable rules) finds; its warnings are left."""
    from pdfua import Severity, validate

    report = validate(str(path))
    return [f"{f.rule_id}: {f.message}" for f in report.findings
            if f.severity >= Severity.ERROR]


def link_descriptions(path: Path) -> list[str]:
    with pikepdf.open(path) as pdf:
        return [str(a.Contents) for page in pdf.pages for a in page.obj.get("/Annots") or ()
                if a.get("/Subtype") == pikepdf.Name.Link]


@pytest.fixture(scope="module")
def chunked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The many-chapter book, laid out in chunks (small ones: a dozen) by two workers."""
    mp = pytest.MonkeyPatch()
    mp.setattr(octavo.backends.pdf.chunks, "CHUNK_CHARS", 4000)
    mp.setenv("SOURCE_DATE_EPOCH", "1767225600")
    folder = tmp_path_factory.mktemp("chunked")

    def make_book(files: dict[str, str], name: str = "book") -> Path:
        for rel, content in files.items():
            (folder / rel).parent.mkdir(parents=True, exist_ok=True)
            (folder / rel).write_text(content, encoding="utf-8")
        return folder

    try:
        root = multi_chapter_book(make_book, "classic")
        build(root, Diagnostics(), jobs=2)
    finally:
        mp.undo()
    assert len(list((root / ".octavo-cache" / "pdf").glob("*.pdf"))) >= 4  # really in chunks
    return root / "dist" / "chunked.pdf"


def test_chunked_reading_pdf_has_one_structure_tree(chunked: Path) -> None:
    assert tagging_problems(chunked) == []


def test_chunked_reading_pdf_declares_pdf_ua(chunked: Path) -> None:
    assert document_problems(chunked, "Chunked", ["Ada Writer"]) == []
    assert pdfua_errors(chunked) == []


def test_links_between_chunks_are_tagged_described_and_resolve(chunked: Path) -> None:
    """Chapter 3 links to the last chapter and the preface, both in other chunks; the
    contents (the front chunk) links to every chapter. Each link is described by its text."""
    descriptions = link_descriptions(chunked)
    assert "the last chapter" in descriptions and "the preface" in descriptions
    assert any(d.startswith("Chapter 14: ") for d in descriptions)  # the contents' entry
    assert not any(d.startswith(("ch0", "#")) for d in descriptions)  # no bare anchor names


def test_one_shot_reading_pdf_is_tagged_too(make_book) -> None:  # type: ignore[no-untyped-def]
    """A book whose chapters open on any page is laid out in one piece."""
    root = multi_chapter_book(make_book, "classic", '[print]\nchapter_start = "any"\n')
    build(root, Diagnostics())
    pdf = root / "dist" / "chunked.pdf"
    assert not (root / ".octavo-cache" / "pdf").exists()  # not in chunks
    assert tagging_problems(pdf) == []
    assert document_problems(pdf, "Chunked", ["Ada Writer"]) == []
    assert "the last chapter" in link_descriptions(pdf)


def test_tagged_build_gives_the_same_bytes_twice(chunked: Path, tmp_path: Path) -> None:
    root = chunked.parent.parent
    first = tmp_path / "first.pdf"
    shutil.copy(chunked, first)
    shutil.rmtree(root / ".octavo-cache")
    chunked.unlink()
    mp = pytest.MonkeyPatch()
    mp.setattr(octavo.backends.pdf.chunks, "CHUNK_CHARS", 4000)
    try:
        build(root, Diagnostics(), jobs=2)
    finally:
        mp.undo()
    assert chunked.read_bytes() == first.read_bytes()


def test_sample_book_reading_pdf_passes_pdfua(tmp_path: Path) -> None:
    from octavo.cli import main

    book = sample_book(tmp_path)
    assert main(["build", str(book), "--format", "pdf", "-q"]) == 0
    pdf = book / "dist" / "the-quiet-press.pdf"
    assert pdfua_errors(pdf) == []
    assert tagging_problems(pdf) == []
    assert document_problems(pdf, "The Quiet Press", ["The Octavo Team"]) == []
    with pikepdf.open(pdf) as opened:  # the sample's table: its header cells head columns
        scopes = [str(obj.A.Scope) for obj in opened.objects
                  if isinstance(obj, pikepdf.Dictionary) and obj.get("/S") == "/TH"]
    assert scopes and set(scopes) == {"/Column"}


def test_an_image_without_alt_text_does_not_fail_the_tagged_build(make_book, octavo) -> None:  # type: ignore[no-untyped-def]
    """WeasyPrint logs an untagged figure as an error when it tags; the reader warns instead."""
    from conftest import tiny_png

    root = make_book({
        "book.toml": '[book]\ntitle = "Pictures"\nauthors = ["Ada"]\nlanguage = "en"\n'
                     '[build]\nformats = ["pdf"]\n',
        "manuscript/01-one.md": "# One\n\n![](red.png)\n\nText.\n",
        "manuscript/red.png": tiny_png(),
    })
    result = octavo("build", root)
    assert result.code == 0, result.err
    assert "has no alt text" in result.out + result.err


# Each novel and its author, as its Gutenberg header's `Author:` line names them.
NOVELS = [("jack-sheppard.txt", "William Harrison Ainsworth"),
          ("katrine.txt", "Elinor Macartney Lane")]


@pytest.mark.slow
@pytest.mark.parametrize(("name", "author"), NOVELS, ids=[name for name, _ in NOVELS])
def test_corpus_novel_reading_pdf_is_one_tagged_document(name: str, author: str,
                                                         tmp_path: Path) -> None:
    from octavo.cli import main

    if not (CORPUS / name).exists():
        pytest.skip("needs ../shared/corpus")
    header = (CORPUS / name).read_bytes()[:2000].decode("latin-1").splitlines()
    assert f"Author: {author}" in header  # the creator is the book's own, not made up
    (tmp_path / "manuscript").mkdir()
    shutil.copy(CORPUS / name, tmp_path / "manuscript" / name)
    assert main(["build", str(tmp_path), "--format", "pdf", "-q"]) == 0
    pdf = next((tmp_path / "dist").glob("*.pdf"))
    assert len(list((tmp_path / ".octavo-cache" / "pdf").glob("*.pdf"))) >= 4
    assert pdfua_errors(pdf) == []
    assert tagging_problems(pdf, every=7) == []
    with pikepdf.open(pdf) as opened:
        title = str(opened.docinfo["/Title"])
    assert title and document_problems(pdf, title, [author]) == []


def test_a_change_of_language_is_tagged(make_book) -> None:  # type: ignore[no-untyped-def]
    """PDF/UA-1 7.2: words in another language are tagged with it; WeasyPrint tagged the
    document's language only, so a screen reader read French with English sounds."""
    root = make_book({"book.toml": BASIC_TOML, "manuscript/01.md":
                      '# One\n\nThe word <span lang="fr">bonjour</span> here.\n\n'
                      '<p lang="de">Ein ganzer Absatz.</p>\n'})
    build(root, Diagnostics(), formats=("pdf",))
    pdf = root / "dist" / "a-test-book.pdf"
    with pikepdf.open(pdf) as opened:
        tagged = sorted((str(obj.S), str(obj.Lang)) for obj in opened.objects
                        if isinstance(obj, pikepdf.Dictionary) and "/S" in obj
                        and "/Lang" in obj)
    assert tagged == [("/P", "de"), ("/Span", "fr")]
    assert tagging_problems(pdf) == []


def test_a_decorative_picture_is_an_artifact_not_a_figure_without_alt(make_book) -> None:  # type: ignore[no-untyped-def]
    """PDF/UA-1 7.3 asks every /Figure for alternative text: a picture decorative on purpose
    was one without it (pdfua: UA-13-004), so a book done right failed; it is an artifact."""
    root = make_book({"book.toml": BASIC_TOML, "manuscript/01.md":
                      "# One\n\nText.\n\n![](map.png){.decorative}\n\n![A map](map.png)\n",
                      "manuscript/map.png": tiny_png()})
    build(root, Diagnostics(), formats=("pdf",))
    pdf = root / "dist" / "a-test-book.pdf"
    with pikepdf.open(pdf) as opened:
        figures = [str(obj.get("/Alt")) for obj in opened.objects
                   if isinstance(obj, pikepdf.Dictionary) and obj.get("/S") == "/Figure"]
    assert figures == ["A map"]
    assert pdfua_errors(pdf) == []
    assert tagging_problems(pdf) == []
