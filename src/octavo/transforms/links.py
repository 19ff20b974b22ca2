"""Links between chapters: manuscript-relative targets become `chNNN.xhtml#anchor` once ids exist."""

from __future__ import annotations

import dataclasses
import urllib.parse

from lxml import etree

from octavo import xhtml
from octavo.diagnostics import Diagnostics
from octavo.model import Book, Chapter, Part

_A = f"{{{xhtml.XHTML_NS}}}a"


@dataclasses.dataclass
class _Targets:
    """Where each manuscript file and each anchor of the book lives."""

    files: dict[str, str] = dataclasses.field(default_factory=dict)  # source -> "ch001.xhtml"
    by_source: dict[tuple[str, str], str] = dataclasses.field(default_factory=dict)
    anywhere: dict[str, str] = dataclasses.field(default_factory=dict)

    def add(self, source: str, anchor: str, href: str) -> None:
        self.by_source.setdefault((source, anchor), href)
        self.anywhere.setdefault(anchor, href)


def resolve_links(book: Book, diagnostics: Diagnostics) -> Book:
    """Point every link into the book at its chapter file and anchor, as `chNNN.xhtml#id`.

    The readers leave `#anchor` and `manuscript/file.md#anchor`. An anchor is looked for in
    the same chapter, then the same file, then the whole book; a target that is not there
    is reported with its file and line and kept as plain text. In the EPUB the chapter files
    are named after their ids; the PDF backend turns `chNNN.xhtml#id` into its own ids.
    """
    targets = _targets(book)

    def fix(item: Chapter | Part) -> Chapter | Part:
        if not item.html or "<a " not in item.html:
            return item
        root = xhtml.fragment_root(item.html)
        own = _ids(root) | _title_ids(item)
        for link in list(root.iter(_A)):
            line_text = link.attrib.pop("data-line", None)
            href = link.get("href")
            if href is None or "://" in href or href.lower().startswith("mailto:"):
                continue
            resolved = _resolve(href, item, own, targets)
            if resolved is None:
                line = int(line_text) if line_text and line_text.isdigit() else None
                diagnostics.warn(f"link target {_as_written(href, item.source)} is not in the book; "
                                 "kept as plain text", item.source, line)
                xhtml.unwrap(link)
            else:
                link.set("href", resolved)
        return dataclasses.replace(item, html=xhtml.inner_xml(root))

    front = tuple(fix(c) for c in book.front)
    body = tuple(
        dataclasses.replace(fix(item), chapters=tuple(fix(c) for c in item.chapters))
        if isinstance(item, Part) else fix(item)
        for item in book.body
    )
    back = tuple(fix(c) for c in book.back)
    return dataclasses.replace(book, front=front, body=body, back=back)  # type: ignore[arg-type]


def _resolve(href: str, item: Chapter | Part, own: set[str], targets: _Targets) -> str | None:
    target, _, written = href.partition("#")
    if target and not written:
        return targets.files.get(target)
    # The anchor as written, then as the id it names: `#caf%C3%A9` is the id "café", and
    # `<#a b>` the id "a b" that the reader made "a-b".
    for anchor in dict.fromkeys((written, xhtml.as_id(urllib.parse.unquote(written)))):
        if not target:  # "#anchor"
            found = f"#{anchor}" if anchor in own else (
                targets.by_source.get((item.source, anchor)) or targets.anywhere.get(anchor))
        else:
            found = targets.by_source.get((target, anchor))
        if found:
            return found
    return None


def _targets(book: Book) -> _Targets:
    targets = _Targets()
    for item in book.items():
        page = f"{item.id}.xhtml"
        targets.files.setdefault(item.source, page)
        if item.anchor:
            targets.add(item.source, item.anchor, page)
        if item.html:
            for anchor in sorted(_ids(xhtml.fragment_root(item.html)) | _title_ids(item)):
                targets.add(item.source, anchor, f"{page}#{anchor}")
    return targets


def _ids(root: etree._Element) -> set[str]:
    return {str(el.get("id")) for el in root.iter() if isinstance(el.tag, str) and el.get("id")}


def _title_ids(item: Chapter | Part) -> set[str]:
    """The ids in the item's heading: its footnote calls, which its notes link back to."""
    return _ids(xhtml.fragment_root(item.title_html)) if item.title_html else set()


def _as_written(href: str, source: str) -> str:
    """A link as its writer wrote it: manuscript-relative targets shown from the chapter's folder."""
    folder = source.rpartition("/")[0]
    if folder and href.startswith(folder + "/"):
        return href[len(folder) + 1:]
    return href
