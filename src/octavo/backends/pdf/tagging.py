"""The reading PDF tagged (PDF/UA-1): WeasyPrint's tags finished, the chunks' trees made one.

WeasyPrint's `pdf/ua-1` variant tags a document: a structure tree, each page's marked content
in a /ParentTree, links as /Link elements. `finish_tags` (its finisher) describes each link by
its text and writes the XMP packet with the book's language. A book laid out in chunks has one
tree per chunk, each numbering its pages' /StructParents from 0: `merge_structure` makes them
one tree under one /Document, the numbers renumbered so that each is unique.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any
from xml.sax.saxutils import escape

from octavo.backends.pdf.settings import PrintSettings

READING_VARIANT = "pdf/ua-1"  # the reading PDF: tagged, for readers with assistive technology
_NO_ALT = 'Image "%s" has no required alt description'  # WeasyPrint's error, tags.py


def weasyprint_variant(settings: PrintSettings) -> str:
    """The `pdf_variant` WeasyPrint writes: the reading PDF tagged; the print shop's none, as
    press.py makes it PDF/X-4 (output intent, colours, metadata) once it is whole."""
    return "" if settings.profile == "print" else READING_VARIANT


def finisher(variant: str) -> Any:
    """What WeasyPrint's `write_pdf` calls before it writes a PDF of `variant` (None: nothing)."""
    return finish_tags if variant == READING_VARIANT else None


def finish_tags(document: Any, pdf: Any) -> None:
    """Finish a tagged PDF before WeasyPrint writes it: every link annotation described by its
    link's text (WeasyPrint gives its target's name, such as "ch003"), the parent tree's next
    key, and an XMP packet that also holds the language (dc:language), as PDF/UA's metadata
    asks."""
    import pydyf

    def referenced(reference: bytes) -> Any:
        return pdf.objects[int(reference.split()[0])]

    for page in document.pages:
        for _kind, target, _rect, box in page.links:
            annotation = getattr(box, "link_annotation", None)
            if annotation is not None:
                element = getattr(box, "element", None)
                text = " ".join("".join(element.itertext()).split()) if element is not None else ""
                annotation["Contents"] = pydyf.String(text or target)
    for obj in pdf.objects:  # header cells say what they head (PDF/UA 7.5: /Scope)
        if isinstance(obj, pydyf.Dictionary) and obj.get("S") == "/TH":
            row = referenced(obj["P"]) if isinstance(obj.get("P"), bytes) else None
            group = referenced(row["P"]) if row is not None and isinstance(row.get("P"), bytes) \
                else None
            scope = "/Column" if group is not None and group.get("S") == "/THead" else "/Row"
            attributes = obj.get("A")
            if isinstance(attributes, bytes):
                attributes = referenced(attributes)
            if not isinstance(attributes, pydyf.Dictionary):
                attributes = obj["A"] = pydyf.Dictionary({"O": "/Table"})
            attributes.setdefault("Scope", scope)
    if "StructTreeRoot" in pdf.catalog:
        root = referenced(pdf.catalog["StructTreeRoot"])
        keys = referenced(root["ParentTree"])["Nums"][::2]
        root["ParentTreeNextKey"] = max(keys, default=-1) + 1
    packet = xmp_packet(document.metadata)
    if "Metadata" in pdf.catalog:  # WeasyPrint's packet, in its place
        referenced(pdf.catalog["Metadata"]).stream = [packet]
    else:
        stream = pydyf.Stream([packet], {"Type": "/Metadata", "Subtype": "/XML"})
        pdf.add_object(stream)
        pdf.catalog["Metadata"] = stream.reference


def xmp_packet(metadata: Any) -> bytes:
    """The XMP metadata of a PDF/UA-1 document, from WeasyPrint's DocumentMetadata (what the
    PDF's Info dictionary holds, and the language); no dates, no random ids: same book, same
    bytes."""
    from weasyprint import __version__

    def alt(text: str) -> str:
        return f'<rdf:Alt><rdf:li xml:lang="x-default">{escape(text)}</rdf:li></rdf:Alt>'

    def items(kind: str, values: list[str]) -> str:
        return f"<rdf:{kind}>" + "".join(f"<rdf:li>{escape(v)}</rdf:li>" for v in values) + \
            f"</rdf:{kind}>"

    fields = ["<pdfuaid:part>1</pdfuaid:part>"]
    if metadata.title:
        fields.append(f"<dc:title>{alt(metadata.title)}</dc:title>")
    if metadata.authors:
        fields.append(f"<dc:creator>{items('Seq', list(metadata.authors))}</dc:creator>")
    if metadata.lang:
        fields.append(f"<dc:language>{items('Bag', [metadata.lang])}</dc:language>")
    if metadata.description:
        fields.append(f"<dc:description>{alt(metadata.description)}</dc:description>")
    if metadata.keywords:
        fields.append(f"<pdf:Keywords>{escape(', '.join(metadata.keywords))}</pdf:Keywords>")
    fields.append(f"<pdf:Producer>WeasyPrint {escape(__version__)}</pdf:Producer>")
    if metadata.generator:
        fields.append(f"<xmp:CreatorTool>{escape(metadata.generator)}</xmp:CreatorTool>")
    body = "\n".join(f"   {field}" for field in fields)
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
        ' <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
        '  <rdf:Description rdf:about=""'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:pdf="http://ns.adobe.com/pdf/1.3/"'
        ' xmlns:xmp="http://ns.adobe.com/xap/1.0/"'
        ' xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">\n'
        f"{body}\n"
        "  </rdf:Description>\n"
        " </rdf:RDF>\n"
        "</x:xmpmeta>\n"
        '<?xpacket end="r"?>'
    ).encode()


class _MissingAltIsNoFailure(logging.Filter):
    """WeasyPrint logs an image without alt text as an error when it tags, which would fail the
    build (fetcher.failures_raised); the reader has already warned of it, or the image is
    decorative on purpose (alt="")."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.msg == _NO_ALT and record.levelno > logging.WARNING:
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


def hook_missing_alt() -> None:
    """Let a tagged PDF hold an image without alt text (see _MissingAltIsNoFailure)."""
    logger = logging.getLogger("weasyprint")
    if not any(isinstance(f, _MissingAltIsNoFailure) for f in logger.filters):
        logger.addFilter(_MissingAltIsNoFailure())


def hook_tags() -> None:
    """Finish WeasyPrint's tags as each box's element is made (hooked once per process, around
    the function of its tags.py that makes them, and its stream's marking of content):

    - an element that says its language (`<span lang="fr">`, `<p lang="de">`) gets /Lang, as
      PDF/UA-1 (7.2) asks of a change of language: WeasyPrint tags the document's language
      only, and a screen reader read French words with English sounds;
    - a decorative picture (role="presentation" or "none", alt="") is drawn as an artifact,
      not a /Figure: PDF/UA-1 (7.3) asks every figure for alternative text, which a
      decorative one has none of, on purpose (pdfua: UA-13-004)."""
    import pydyf
    from weasyprint.pdf import stream, tags

    if getattr(tags._build_box_tree, "octavo_hook", False):
        return
    original, marked = tags._build_box_tree, stream.Stream.marked

    def build(box: Any, *args: Any) -> Iterator[Any]:
        if _decorative_picture(box):
            return  # an artifact: no element
        element = getattr(box, "element", None)
        language = element.get("lang") if element is not None and box.element_tag not in (
            "html", "body") else None
        for made in original(box, *args):  # its own calls of itself come back here
            if language and "Lang" not in made:
                made["Lang"] = pydyf.String(language)
            yield made

    def mark(self: Any, box: Any, tag: str) -> Any:
        return self.artifact() if _decorative_picture(box) else marked(self, box, tag)

    build.octavo_hook = True  # type: ignore[attr-defined]
    tags._build_box_tree = build
    stream.Stream.marked = mark


def _decorative_picture(box: Any) -> bool:
    from octavo.images import decorative

    element = getattr(box, "element", None)
    return getattr(box, "element_tag", None) == "img" and element is not None and \
        decorative(element) and not (element.get("alt") or "").strip()


def merge_structure(pdf: Any, sources: list[Any], starts: list[int], counts: list[int]) -> bool:
    """Make the structure trees of the chunks joined in `pdf` one tree; False if none is tagged.

    `sources` are the chunks' PDFs (the first is `pdf` itself), whose pages are now `pdf`'s
    pages from `starts`, `counts` of them each. Under one /Document go each chunk's top-level
    elements, in page order; elements whose parent was a chunk's /Document (WeasyPrint's
    running heads and folios, kept out of the reading order, too) get the new one. Each
    chunk's /StructParents and /StructParent numbers move on by the keys of the chunks before
    it, and one /ParentTree holds every chunk's entries at their new keys.
    """
    import pikepdf
    from pikepdf import Array, Dictionary, Name

    trees = [source.Root.get("/StructTreeRoot") for source in sources]
    if all(tree is None for tree in trees):
        return False
    root = pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot))
    top = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, P=root, K=Array()))
    entries: list[tuple[int, Any]] = []
    maps = {"/RoleMap": Dictionary(), "/ClassMap": Dictionary()}
    next_key = 0
    for source, tree, start, count in zip(sources, trees, starts, counts, strict=True):
        if tree is None:
            continue
        if source is not pdf:  # its pages and annotations were copied: the tree finds them
            tree = pdf.copy_foreign(tree)
        offset = next_key
        replaced = {tree.objgen}  # the chunk's root and /Document: their children move up
        seen: set[tuple[int, int]] = set()
        for element in _kids(tree):
            inner = [element]
            if isinstance(element, Dictionary) and element.get("/S") == Name.Document:
                replaced.add(element.objgen)
                inner = _kids(element)
            for kid in inner:
                if isinstance(kid, Dictionary) and "/S" in kid:  # an element, not an MCID
                    kid.P = top
                    seen.add(kid.objgen)
                top.K.append(kid)
        last = -1
        for key, value in _number_tree(tree.get("/ParentTree")):
            entries.append((key + offset, value))
            last = max(last, key)
            for element in value if isinstance(value, Array) else [value]:
                _adopt(element, replaced, top, seen)
        next_key = offset + max(last + 1, int(tree.get("/ParentTreeNextKey", 0)))
        for name, merged in maps.items():
            for key, value in (tree.get(name) or Dictionary()).items():
                if key not in merged:
                    merged[key] = value
        if offset:
            for index in range(start, start + count):
                page = pdf.pages[index].obj
                if "/StructParents" in page:
                    page.StructParents = int(page.StructParents) + offset
                for annotation in page.get("/Annots") or ():
                    if "/StructParent" in annotation:
                        annotation.StructParent = int(annotation.StructParent) + offset
    nums = Array()
    for key, value in sorted(entries, key=lambda entry: entry[0]):
        nums.append(key)
        nums.append(value)
    root.K = Array([top])
    root.ParentTree = pdf.make_indirect(Dictionary(Nums=nums))
    root.ParentTreeNextKey = next_key
    for name, merged in maps.items():
        if len(merged):
            root[name] = merged
    pdf.Root.StructTreeRoot = root
    pdf.Root.MarkInfo = Dictionary(Marked=True)
    if not isinstance(pdf.Root.get("/ViewerPreferences"), pikepdf.Dictionary):
        pdf.Root.ViewerPreferences = Dictionary()
    pdf.Root.ViewerPreferences.DisplayDocTitle = True
    return True


def _kids(element: Any) -> list[Any]:
    import pikepdf

    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def _adopt(element: Any, replaced: set[tuple[int, int]], top: Any,
           seen: set[tuple[int, int]]) -> None:
    """Walk up from `element` to where its branch hangs; hang it from `top` if that was a
    chunk's root or /Document."""
    import pikepdf

    while isinstance(element, pikepdf.Dictionary):
        if element.objgen in seen:
            return
        if element.is_indirect:
            seen.add(element.objgen)
        parent = element.get("/P")
        if parent is None:
            return
        if parent.objgen in replaced:
            element.P = top
            return
        element = parent


def _number_tree(node: Any) -> Iterator[tuple[int, Any]]:
    """The (key, value) pairs of a number tree, leaves (/Nums) and intermediate nodes (/Kids)."""
    if node is None:
        return
    nums = node.get("/Nums")
    if nums is not None:
        for index in range(0, len(nums) - 1, 2):
            yield int(nums[index]), nums[index + 1]
    for kid in node.get("/Kids") or ():
        yield from _number_tree(kid)
