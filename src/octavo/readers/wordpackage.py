"""A Word .docx opened with care: a real zip within size limits, hidden text taken out, tracked
changes and comments counted, page breaks made explicit, the document's title and author read."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from lxml import etree

from octavo.errors import ManuscriptError

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = f"{{{W}}}"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97-2003, and Office's encrypted packages
MAX_FILE = 128 * 2**20  # a novel with its pictures is a few MB
MAX_MEMBER = 128 * 2**20  # what one part may unpack to
MAX_TOTAL = 384 * 2**20  # what the whole package may unpack to
MAX_RATIO = 200  # text compresses about 5-10 times; a zip bomb thousands
MAX_MEMBERS = 10_000
# Word's XML costs far more to read than its bytes: mammoth holds each element as objects, some
# kilobytes a paragraph. A novel's document.xml is a few MB and a few thousand paragraphs.
MAX_XML = 32 * 2**20  # what one XML part may unpack to
MAX_PARAGRAPHS = 100_000  # paragraphs in one part (table cells and blank lines count)
# The parts whose text reaches the book (mammoth reads these), by role.
TEXT_ROLES = ("document", "footnotes", "endnotes")
_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_CHANGES = ("ins", "del", "moveFrom", "moveTo")


@dataclass
class Package:
    """The document as mammoth is to read it, and what was found on the way."""

    data: bytes  # the zip, hidden text taken out and page breaks made explicit
    title: str = ""
    authors: list[str] = field(default_factory=list)
    changes: int = 0  # tracked changes not yet accepted or rejected
    comments: int = 0
    hidden: int = 0  # runs and paragraphs of hidden text
    equations: int = 0  # Office Math equations, set as their text
    smartart: int = 0  # SmartArt graphics, set as paragraphs of their words
    charts: int = 0  # charts, which mammoth drops
    chunks: int = 0  # documents embedded whole (w:altChunk: HTML, RTF), which mammoth drops
    missing: list[str] = field(default_factory=list)  # calls of notes and pictures not there


def open_package(path: Path, shown: str) -> Package:
    """Read and check a .docx; a file that is not one, or that is unsafe, is refused by name."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE:
            raise ManuscriptError(f"refused: {size / 2**20:.0f} MB is too large for a Word "
                                  f"document (at most {MAX_FILE // 2**20} MB)", shown)
        raw = path.read_bytes()
    except OSError as exc:
        raise ManuscriptError(f"cannot read: {exc.strerror or exc}", shown) from None
    if raw.startswith(_OLE):
        if "EncryptedPackage".encode("utf-16-le") in raw:
            raise ManuscriptError("the document is password-protected; remove the password "
                                  "in Word (File, Info, Protect Document) and save it again", shown)
        raise ManuscriptError("a Word 97-2003 document (.doc), which Octavo cannot read; open "
                              "it in Word or LibreOffice and save it as .docx", shown)
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except (zipfile.BadZipFile, ValueError):
        raise ManuscriptError("not a Word document (.docx): it is not a zip file; save it "
                              "from your word processor as .docx", shown) from None
    with archive:
        members = _check_sizes(archive, shown)
        parts = {name: _transitional(name, _read(archive, name, shown)) for name in members}
    names = _part_names(parts, shown)
    if names["document"] not in parts:
        raise ManuscriptError("not a Word document (.docx): it has no word/document.xml", shown)
    text_parts = list(dict.fromkeys(names[role] for role in TEXT_ROLES))
    read_below = (*text_parts, names["styles"], names["comments"], "docProps/core.xml")
    for name, data in parts.items():  # the parts read below are checked as they are parsed
        if name.lower().endswith((".xml", ".rels")) and name not in read_below:
            _parse(data, name, shown)  # refuses a DTD here too: mammoth reads these parts
    package = Package(data=b"")
    hides, break_styles, default_style = _style_facts(parts.get(names["styles"]), names["styles"],
                                                      shown)
    notes = {kind: _note_ids(parts, names[f"{kind}s"], kind, shown)
             for kind in ("footnote", "endnote")}
    for name in text_parts:
        if name in parts:
            _check_paragraphs(parts[name], name, shown)
            root = _parse(parts[name], name, shown)
            package.missing += _calls_of_missing_notes(root, notes)
            package.changes += sum(1 for tag in _CHANGES for el in root.iter(_W + tag)
                                   if etree.QName(el.getparent()).localname not in ("rPr", "pPr"))
            _field_results(root)
            _ruby_as_text(root)
            package.equations += _equations_as_text(root)
            package.smartart += _smartart_as_text(root, parts, name, shown)
            package.charts += len(_graphics(root, _CHARTS))
            package.chunks += sum(1 for _ in root.iter(_W + "altChunk"))
            _wordart_as_text(root)
            package.hidden += _remove_hidden(root, hides, default_style)
            _rules_as_scene_breaks(root)
            _svg_pictures(root)
            package.missing += _references_of_missing_parts(root, parts, _rels_of(name), shown)
            _explicit_page_breaks(root, break_styles)
            parts[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                         standalone=True)
    if names["comments"] in parts:
        package.comments = sum(1 for _ in _parse(parts[names["comments"]], names["comments"],
                                                 shown).iter(_W + "comment"))
    if "docProps/core.xml" in parts:
        package.title, package.authors = _properties(parts["docProps/core.xml"], shown)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as rebuilt:
        for name, data in parts.items():
            rebuilt.writestr(name, data)
    package.data = out.getvalue()
    return package


# Word's Strict Open XML (File, Save As) names its namespaces and relationship types so; the
# rest of this module, and mammoth's relationships, know the Transitional names.
_STRICT = re.compile(rb"""(["'])http://purl\.oclc\.org/ooxml/(wordprocessingml|officeDocument|"""
                     rb"drawingml)/")


def _transitional(name: str, data: bytes) -> bytes:
    """An XML part with Strict Open XML's names in its attributes made the Transitional ones
    (http://purl.oclc.org/ooxml/wordprocessingml/main is
    http://schemas.openxmlformats.org/wordprocessingml/2006/main), so that what is cleaned
    here, hidden text first, is found in a document saved as Strict too."""
    if not name.lower().endswith((".xml", ".rels")):
        return data
    return _STRICT.sub(rb"\1http://schemas.openxmlformats.org/\2/2006/", data)


def _part_names(parts: dict[str, bytes], shown: str) -> dict[str, str]:
    """The parts mammoth reads, found as mammoth finds them: the main document is the one the
    package's relationships name (Word Online writes word/document2.xml), its notes, styles
    and comments the ones its own relationships name; Word's usual names where none is."""
    main = _target(parts, "_rels/.rels", "officeDocument", "", shown) or "word/document.xml"
    folder = main.rpartition("/")[0]
    rels = _rels_of(main)
    names = {"document": main}
    for role in ("footnotes", "endnotes", "styles", "comments"):
        names[role] = _target(parts, rels, role, folder, shown) or f"word/{role}.xml"
    return names


def _rels_of(name: str) -> str:
    """The name of the relationships part of the part `name`."""
    folder, _, base = name.rpartition("/")
    return "/".join(filter(None, (folder, "_rels", f"{base}.rels")))


def _target(parts: dict[str, bytes], rels: str, kind: str, folder: str, shown: str) -> str:
    """The first part of the package a relationship of `kind` in `rels` leads to, its name
    joined to `folder` as mammoth joins it; "" for none."""
    if rels not in parts:
        return ""
    for relationship in _parse(parts[rels], rels, shown).iter(f"{{{_RELATIONSHIPS}}}Relationship"):
        target = relationship.get("Target", "")
        if relationship.get("Type") == _TYPE + kind and target:
            name = (target if target.startswith("/") else f"{folder}/{target}").lstrip("/")
            if name in parts:
                return name
    return ""


def _check_sizes(archive: zipfile.ZipFile, shown: str) -> list[str]:
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise ManuscriptError(f"refused: the document holds {len(infos)} files; a Word document "
                              "holds a few dozen", shown)
    total = sum(info.file_size for info in infos)
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > MAX_MEMBER or (info.file_size > 2**20 and ratio > MAX_RATIO):
            raise ManuscriptError(f"refused: {info.filename} would unpack to "
                                  f"{info.file_size / 2**20:,.0f} MB from "
                                  f"{info.compress_size / 2**10:,.0f} KB (a zip bomb)", shown)
        if info.file_size > MAX_XML and info.filename.lower().endswith((".xml", ".rels")):
            raise ManuscriptError(f"refused: {info.filename} would unpack to "
                                  f"{info.file_size / 2**20:,.0f} MB of XML (at most "
                                  f"{MAX_XML // 2**20} MB; a novel's is a few MB): split the "
                                  "document into several files", shown)
    if total > MAX_TOTAL:
        raise ManuscriptError(f"refused: the document would unpack to {total / 2**20:,.0f} MB "
                              f"(at most {MAX_TOTAL // 2**20} MB)", shown)
    names = []
    seen: set[str] = set()
    for info in infos:
        if info.filename.lower() in seen and not info.is_dir():
            raise ManuscriptError(f"the document is damaged: it holds {info.filename} twice "
                                  "(Word would not open it either)", shown)
        seen.add(info.filename.lower())
        name = PurePosixPath(info.filename)
        if not info.is_dir() and ".." not in name.parts and not name.is_absolute():
            names.append(info.filename)
    return names


_PARAGRAPH = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?p[\s/>]")  # <w:p>, <w:p/>, <w:p w:rsid..>


def _check_paragraphs(data: bytes, name: str, shown: str) -> None:
    """Refuse a part of more paragraphs than a book holds, before its XML is parsed (a tree of
    millions of empty paragraphs takes gigabytes)."""
    count = sum(1 for _ in _PARAGRAPH.finditer(data))
    if count > MAX_PARAGRAPHS:
        raise ManuscriptError(f"refused: {name} holds {count:,} paragraphs (at most "
                              f"{MAX_PARAGRAPHS:,}; a novel holds a few thousand): split the "
                              "document into several files", shown)


def _read(archive: zipfile.ZipFile, name: str, shown: str) -> bytes:
    """One part; zipfile reads no more than the size the directory declares (checked above)."""
    try:
        return archive.read(name)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError,
            NotImplementedError, RuntimeError) as exc:
        if "encrypted" in str(exc) or "password" in str(exc):
            raise ManuscriptError("the document is password-protected; remove the password "
                                  "and save it again", shown) from None
        raise ManuscriptError(f"the document is damaged: {name}: {exc}", shown) from None


def _parse(data: bytes, name: str, shown: str) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=True, remove_comments=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise ManuscriptError(f"the document is damaged: {name}: {exc.msg}", shown) from None
    info = root.getroottree().docinfo
    if info.doctype or info.internalDTD is not None:
        raise ManuscriptError(f"refused: {name} declares a DTD, which Word never writes", shown)
    return root


def _on(el: etree._Element | None) -> bool:
    """A Word on/off property: present and not switched off."""
    return el is not None and el.get(_W + "val", "true").lower() not in ("0", "false", "off")


def _switch(el: etree._Element | None) -> bool | None:
    """A Word on/off property as set: on, off, or None where it is not set (inherited)."""
    return None if el is None else _on(el)


MAX_BASED_ON = 32  # styles based on styles: Word's own chains are a few deep


def _style_facts(styles: bytes | None, name: str, shown: str) -> tuple[dict[str, bool], set[str], str]:
    """Whether each style hides its text (True) or shows it (False), its own setting or the
    nearest in the styles it is based on (styles that say nothing are left out); the ids of
    paragraph styles that start a page; the id of the default paragraph style."""
    breaks: set[str] = set()
    if styles is None:
        return {}, breaks, ""
    own: dict[str, bool | None] = {}
    based_on: dict[str, str] = {}
    default = ""
    for style in _parse(styles, name, shown).iter(_W + "style"):
        style_id = style.get(_W + "styleId", "")
        own[style_id] = _switch(style.find(f"{_W}rPr/{_W}vanish"))
        parent = style.find(_W + "basedOn")
        if parent is not None:
            based_on[style_id] = parent.get(_W + "val", "")
        if _on(style.find(f"{_W}pPr/{_W}pageBreakBefore")):
            breaks.add(style_id)
        if style.get(_W + "type") == "paragraph" and _on_attribute(style, "default"):
            default = style_id
    hides: dict[str, bool] = {}
    for style_id in own:
        current, seen = style_id, set()
        while current and current not in seen and len(seen) < MAX_BASED_ON:  # a loop ends
            seen.add(current)
            if own.get(current) is not None:
                hides[style_id] = bool(own[current])
                break
            current = based_on.get(current, "")
    return hides, breaks, default


def _on_attribute(el: etree._Element, name: str) -> bool:
    return el.get(_W + name, "0").lower() in ("1", "true", "on")


def _remove_hidden(root: etree._Element, hides: dict[str, bool], default_style: str) -> int:
    """Take out runs formatted as hidden text, and paragraphs left with nothing else; how many
    places. A run's own setting wins over its character style's, which wins over its
    paragraph style's (Word shows a run set not hidden in a hidden style)."""
    count = 0
    emptied: list[etree._Element] = []
    for paragraph in list(root.iter(_W + "p")):
        style = paragraph.find(f"{_W}pPr/{_W}pStyle")
        style_id = style.get(_W + "val", "") if style is not None else default_style
        by_style = 0
        for run in [r for r in paragraph.iter(_W + "r") if _paragraph_of(r) is paragraph]:
            props = run.find(_W + "rPr")
            hidden = _switch(props.find(_W + "vanish")) if props is not None else None
            character = props.find(_W + "rStyle") if props is not None else None
            if hidden is None and character is not None:
                hidden = hides.get(character.get(_W + "val", ""))
            if hidden is None and hides.get(style_id):
                hidden = True
                by_style += 1
            elif hidden:
                count += 1
            if hidden:
                run.getparent().remove(run)
        if by_style:
            count += 1  # a paragraph hidden by its style: one place
            emptied.append(paragraph)
    for paragraph in emptied:  # what is left of a hidden paragraph: runs set not hidden
        left = [child for run in paragraph.iter(_W + "r") for child in run if child.tag != _W + "rPr"]
        if not left and paragraph.getparent() is not None:
            paragraph.getparent().remove(paragraph)
    return count


def _paragraph_of(run: etree._Element) -> etree._Element | None:
    return next(run.iterancestors(_W + "p"), None)


def _note_ids(parts: dict[str, bytes], name: str, kind: str, shown: str) -> set[str]:
    if name not in parts:
        return set()
    return {str(note.get(_W + "id")) for note in _parse(parts[name], name, shown).iter(_W + kind)}


def _calls_of_missing_notes(root: etree._Element, notes: dict[str, set[str]]) -> list[str]:
    """Take out each call of a footnote or endnote the document does not hold (mammoth fails
    on one); a line for each, saying what is missing."""
    missing = []
    for kind, ids in notes.items():
        for call in list(root.iter(f"{_W}{kind}Reference")):
            if call.get(_W + "id") not in ids:
                missing.append(f"{kind} {call.get(_W + 'id')} is called but not in the "
                               "document; its call left out")
                call.getparent().remove(call)
    return missing


_RELATIONSHIP = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_IMAGEDATA = "{urn:schemas-microsoft-com:vml}imagedata"
_LINK = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}link"
_HYPERLINK_CLICK = "{http://schemas.openxmlformats.org/drawingml/2006/main}hlinkClick"


def _references_of_missing_parts(root: etree._Element, parts: dict[str, bytes], rels_name: str,
                                 shown: str) -> list[str]:
    """Take out each picture whose relationship, or image, the part lacks, and make each link
    whose relationship it lacks plain words (mammoth fails on either); a line for each, saying
    what is missing."""
    targets = _relationship_targets(parts, rels_name, shown)
    missing = []
    for picture in list(root.iter(_IMAGEDATA, _BLIP)):
        embed = picture.get(_RELATIONSHIP if picture.tag == _IMAGEDATA else _EMBED)
        rel_id = embed or ("" if picture.tag == _IMAGEDATA else picture.get(_LINK))
        if not rel_id:
            continue
        target = targets.get(rel_id)
        image = ""  # where mammoth reads an embedded picture
        if target is not None and embed:
            image = target[1:] if target.startswith("/") else f"word/{target}"
        if target is None or (image and image not in parts):
            missing.append(f"a picture's image ({image or rel_id}) is not in the document; the "
                           "picture left out")
            picture.getparent().remove(picture)
    for link in root.iter(_W + "hyperlink", _HYPERLINK_CLICK):
        if link.get(_RELATIONSHIP) and link.get(_RELATIONSHIP) not in targets:
            missing.append(f"a link's target ({link.get(_RELATIONSHIP)}) is not in the document; "
                           "its words kept without the link")
            del link.attrib[_RELATIONSHIP]
    return missing


def _relationship_targets(parts: dict[str, bytes], rels_name: str, shown: str) -> dict[str, str]:
    """Each relationship's target by its id, as mammoth reads them."""
    if rels_name not in parts:
        return {}
    relationships = _parse(parts[rels_name], rels_name, shown)
    return {str(r.get("Id")): str(r.get("Target", ""))
            for r in relationships.iter(f"{{{_RELATIONSHIPS}}}Relationship") if r.get("Id")}


def _field_results(root: etree._Element) -> None:
    """A simple field (a caption's number, SEQ Figure; a date) becomes the text it shows, its
    result runs, which mammoth would drop with the field."""
    for field_ in list(root.iter(_W + "fldSimple")):
        parent = field_.getparent()
        if parent is None:
            continue
        index = parent.index(field_)
        kept = [child for child in field_ if child.tag != _W + "fldData"]
        for offset, child in enumerate(kept):
            parent.insert(index + offset, child)
        parent.remove(field_)


def _ruby_as_text(root: etree._Element) -> None:
    """Ruby (furigana, a reading set over its text) becomes its text with the reading after
    it in parentheses, as HTML's <rp> shows ruby where it cannot be set: mammoth drops ruby,
    and the reading is words of the book."""
    for ruby in list(root.iter(_W + "ruby")):
        run = ruby.getparent()
        if run is None or run.tag != _W + "r" or run.getparent() is None:
            continue
        base = [r for part in ruby.iterchildren(_W + "rubyBase") for r in part.iter(_W + "r")]
        reading = [r for part in ruby.iterchildren(_W + "rt") for r in part.iter(_W + "r")]
        if "".join(t.text or "" for r in reading for t in r.iter(_W + "t")).strip():
            reading = [_text_run("("), *reading, _text_run(")")]
        else:
            reading = []
        at = run.getparent().index(run)
        for offset, new in enumerate([*base, *reading], start=1):
            run.getparent().insert(at + offset, new)
        run.remove(ruby)
        if not any(child.tag != _W + "rPr" for child in run):
            run.getparent().remove(run)


M = "http://schemas.openxmlformats.org/officeDocument/2006/math"
_M = f"{{{M}}}"


def _equations_as_text(root: etree._Element) -> int:
    """Office Math (an equation) becomes its text in a run, a superscript or subscript set so,
    where mammoth would drop it; how many equations. A display equation (m:oMathPara) outside
    a paragraph gets one."""
    count = 0
    for math in list(root.iter(_M + "oMathPara", _M + "oMath")):
        parent = math.getparent()
        if parent is None or any(a.tag.startswith(_M) for a in math.iterancestors()):
            continue  # inside an m:oMathPara, read with it
        count += max(1, sum(1 for _ in math.iter(_M + "oMath")))  # an m:oMathPara holds some
        runs = []
        for text in math.iter(_M + "t"):
            run = _text_run(text.text or "")
            place = {etree.QName(a).localname for a in text.iterancestors()}
            align = "superscript" if "sup" in place else "subscript" if "sub" in place else ""
            if align:
                props = etree.Element(_W + "rPr")
                etree.SubElement(props, _W + "vertAlign").set(_W + "val", align)
                run.insert(0, props)
            runs.append(run)
        if etree.QName(parent).localname in ("body", "tc", "txbxContent", "footnote", "endnote"):
            holder = etree.Element(_W + "p")
            holder.extend(runs)
            parent.replace(math, holder)
            continue
        index = parent.index(math)
        for offset, run in enumerate(runs):
            parent.insert(index + offset, run)
        parent.remove(math)
    return count


_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_DGM = "{http://schemas.openxmlformats.org/drawingml/2006/diagram}"
_CHOICE = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Choice"
_DATA_MODEL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}dm"
_CHARTS = ("http://schemas.openxmlformats.org/drawingml/2006/chart",
            "http://schemas.microsoft.com/office/drawing/2014/chartex")


def _graphics(root: etree._Element, uris: tuple[str, ...]) -> list[etree._Element]:
    """The graphics of these kinds that mammoth meets (not a choice whose fallback it reads)."""
    return [data for data in root.iter(_A + "graphicData") if data.get("uri") in uris
            and next(data.iterancestors(_CHOICE), None) is None]


def _smartart_as_text(root: etree._Element, parts: dict[str, bytes], name: str,
                      shown: str) -> int:
    """A SmartArt graphic becomes its words, a paragraph for each of its lines after the
    paragraph that holds it, where mammoth would drop them; how many graphics."""
    targets = _relationship_targets(parts, _rels_of(name), shown)
    folder = name.rpartition("/")[0]
    count = 0
    for data in _graphics(root, ("http://schemas.openxmlformats.org/drawingml/2006/diagram",)):
        ids = next(data.iter(_DGM + "relIds"), None)
        target = targets.get(ids.get(_DATA_MODEL, "")) if ids is not None else None
        model = f"{folder}/{target}".lstrip("/") if target else ""
        paragraph = _paragraph_of(data)
        if model not in parts or paragraph is None or paragraph.getparent() is None:
            continue
        count += 1
        at = paragraph
        for point in _parse(parts[model], model, shown).iter(_DGM + "pt"):
            if point.get("type", "node") != "node":
                continue
            for line in point.iter(_A + "p"):
                text = "".join(t.text or "" for t in line.iter(_A + "t"))
                if text.strip():
                    new = etree.Element(_W + "p")
                    new.append(_text_run(text))
                    at.addnext(new)
                    at = new
    return count


def _wordart_as_text(root: etree._Element) -> None:
    """Old-style WordArt (VML text along a path) becomes its words, spaced from the text
    around it (it stands apart from it), which mammoth drops."""
    for path in list(root.iter("{urn:schemas-microsoft-com:vml}textpath")):
        picture = next(path.iterancestors(_W + "pict"), None)
        text = path.get("string", "")
        if picture is None or picture.getparent() is None or not text.strip():
            continue
        node = etree.Element(_W + "t")
        node.text = f" {text} "
        node.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        picture.getparent().replace(picture, node)


def _text_run(text: str) -> etree._Element:
    run = etree.Element(_W + "r")
    node = etree.SubElement(run, _W + "t")
    node.text = text
    node.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return run


_VML_HR = "{urn:schemas-microsoft-com:office:office}hr"
_BLIP = "{http://schemas.openxmlformats.org/drawingml/2006/main}blip"
_SVG_BLIP = "{http://schemas.microsoft.com/office/drawing/2016/SVG/main}svgBlip"
_EMBED = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}embed"


def _svg_pictures(root: etree._Element) -> None:
    """A picture inserted as SVG is read as the SVG: Word keeps a PNG copy beside it for old
    versions (pandoc, without rsvg-convert, none at all, which mammoth would drop)."""
    for blip in root.iter(_BLIP):
        svg = next(blip.iter(_SVG_BLIP), None)
        if svg is not None and svg.get(_EMBED):
            blip.set(_EMBED, svg.get(_EMBED, ""))


def _rules_as_scene_breaks(root: etree._Element) -> None:
    """A paragraph holding only a horizontal line (pandoc writes `* * *` so) becomes `* * *`,
    which mammoth would drop and wordcues reads as a scene break."""
    for paragraph in list(root.iter(_W + "p")):
        rules = [el for el in paragraph.iter() if el.get(_VML_HR) in ("t", "true")]
        text = "".join(paragraph.itertext()).strip()
        if rules and not text:
            for child in list(paragraph):
                if child.tag != _W + "pPr":
                    paragraph.remove(child)
            run = etree.SubElement(paragraph, _W + "r")
            etree.SubElement(run, _W + "t").text = "* * *"


def _explicit_page_breaks(root: etree._Element, break_styles: set[str]) -> None:
    """A paragraph that starts a page (page break before, its style's, or after a section
    break) gets a page-break run, the one way mammoth shows a new page."""
    new_page = False
    for paragraph in root.iter(_W + "p"):
        props = paragraph.find(_W + "pPr")
        style = props.find(_W + "pStyle") if props is not None else None
        starts = new_page or (props is not None and _on(props.find(_W + "pageBreakBefore"))) \
            or (style is not None and style.get(_W + "val") in break_styles)
        if starts:
            run = etree.Element(_W + "r")
            etree.SubElement(run, _W + "br").set(_W + "type", "page")
            paragraph.insert(1 if props is not None else 0, run)
        section = props.find(_W + "sectPr") if props is not None else None
        kind = section.find(_W + "type") if section is not None else None
        new_page = section is not None and (kind is None or kind.get(_W + "val") != "continuous")


def _properties(core: bytes, shown: str) -> tuple[str, list[str]]:
    """The title and authors the document's properties give (File, Info in Word)."""
    root = _parse(core, "docProps/core.xml", shown)
    dc = "{http://purl.org/dc/elements/1.1/}"
    title = " ".join((root.findtext(dc + "title") or "").split())
    creator = " ".join((root.findtext(dc + "creator") or "").split())
    authors = [a.strip() for a in creator.split(";") if a.strip()] \
        if creator and creator.lower() not in ("python-docx", "unknown") else []
    return title, authors
