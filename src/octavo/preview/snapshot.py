"""What the preview page shows: one consistent, in-memory set of built files per generation."""

from __future__ import annotations

import io
import posixpath
import zipfile
from dataclasses import dataclass, field
from urllib.parse import unquote

from lxml import etree

from octavo.preview.spreads import Spreads

_OPF = "{http://www.idpf.org/2007/opf}"
_CONTAINER = "{urn:oasis:names:tc:opendocument:xmlns:container}"
_XHTML = "{http://www.w3.org/1999/xhtml}"
_EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"


@dataclass(frozen=True)
class Entry:
    """A document of the EPUB: its name in the zip, its title and its depth in the contents."""

    href: str
    title: str
    depth: int = 0


@dataclass(frozen=True)
class Snapshot:
    """The files of one successful build, read once, so every request sees the same book."""

    generation: int
    title: str
    epub_name: str | None = None
    epub: bytes | None = None
    pdf_name: str | None = None
    pdf: bytes | None = None
    members: dict[str, bytes] = field(default_factory=dict)  # the EPUB's files, by zip name
    spine: tuple[Entry, ...] = ()  # reading order
    toc: tuple[Entry, ...] = ()
    spreads: Spreads | None = None

    def openings(self) -> dict[str, int]:
        """The PDF spread each entry of the contents opens on, by the entry's zip name."""
        if self.spreads is None or not self.toc:
            return {}
        found = self.spreads.openings([entry.title for entry in self.toc])
        return {entry.href: spread for entry, spread in zip(self.toc, found, strict=True)
                if spread is not None}

    def downloads(self) -> dict[str, bytes]:
        """The built files themselves, by file name."""
        files = {}
        if self.epub_name and self.epub is not None:
            files[self.epub_name] = self.epub
        if self.pdf_name and self.pdf is not None:
            files[self.pdf_name] = self.pdf
        return files


def take_snapshot(generation: int, title: str, epub: tuple[str, bytes] | None,
                  pdf: tuple[str, bytes] | None,
                  margins: tuple[float, float] = (0.75, 0.75)) -> Snapshot:
    """A snapshot of the built EPUB and PDF, each given as (file name, bytes).

    `margins` are the print PDF's top and bottom margins in inches, to find chapter openings.
    """
    members: dict[str, bytes] = {}
    spine: tuple[Entry, ...] = ()
    toc: tuple[Entry, ...] = ()
    if epub is not None:
        with zipfile.ZipFile(io.BytesIO(epub[1])) as archive:
            members = {info.filename: archive.read(info) for info in archive.infolist()
                       if not info.is_dir() and info.filename != "mimetype"}
        spine, toc = _reading_order(members)
        title = _book_title(members) or title
    return Snapshot(
        generation=generation,
        title=title,
        epub_name=epub[0] if epub else None,
        epub=epub[1] if epub else None,
        pdf_name=pdf[0] if pdf else None,
        pdf=pdf[1] if pdf else None,
        members=members,
        spine=spine,
        toc=toc,
        spreads=Spreads(pdf[1], margins) if pdf else None,
    )


def _reading_order(members: dict[str, bytes]) -> tuple[tuple[Entry, ...], tuple[Entry, ...]]:
    """The spine and the nav document's contents, as zip names with titles."""
    container = _parse(members["META-INF/container.xml"])
    opf_name = container.find(f".//{_CONTAINER}rootfile").get("full-path")
    opf = _parse(members[opf_name])
    base = posixpath.dirname(opf_name)
    manifest = {item.get("id"): item for item in opf.iter(f"{_OPF}item")}
    toc: list[Entry] = []
    nav = next((item for item in manifest.values()
                if "nav" in (item.get("properties") or "").split()), None)
    if nav is not None:
        nav_name = _join(base, nav.get("href"))
        nav_root = _parse(members[nav_name])
        for element in nav_root.iter(f"{_XHTML}nav"):
            if element.get(_EPUB_TYPE) == "toc":
                for link in element.iter(f"{_XHTML}a"):
                    depth = sum(1 for a in link.iterancestors(f"{_XHTML}ol")) - 1
                    title = " ".join("".join(link.itertext()).split())
                    toc.append(Entry(_join(posixpath.dirname(nav_name), link.get("href", "")),
                                     title, max(depth, 0)))
    titles = {entry.href: entry.title for entry in toc}
    spine = []
    for ref in opf.iter(f"{_OPF}itemref"):
        item = manifest.get(ref.get("idref"))
        if item is None or ref.get("linear") == "no":
            continue
        name = _join(base, item.get("href"))
        if name in members:
            spine.append(Entry(name, titles.get(name) or _title(members[name]) or name))
    return tuple(spine), tuple(entry for entry in toc if entry.href in members)


def _book_title(members: dict[str, bytes]) -> str:
    container = _parse(members["META-INF/container.xml"])
    opf = _parse(members[container.find(f".//{_CONTAINER}rootfile").get("full-path")])
    title = opf.find(".//{http://purl.org/dc/elements/1.1/}title")
    return " ".join((title.text or "").split()) if title is not None else ""


def _join(base: str, href: str) -> str:
    return posixpath.normpath(posixpath.join(base, unquote(href.split("#", 1)[0])))


def _title(document: bytes) -> str:
    title = _parse(document).find(f".//{_XHTML}title")
    return " ".join((title.text or "").split()) if title is not None else ""


def _parse(data: bytes) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return etree.fromstring(data, parser)
