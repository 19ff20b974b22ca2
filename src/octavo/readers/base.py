"""What every reader shares: decoded text, sections of a source file, images, fragment finishing."""

from __future__ import annotations

import re
import unicodedata
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import charset_normalizer
from lxml import etree

from octavo import xhtml
from octavo.diagnostics import Diagnostics
from octavo.errors import ManuscriptError
from octavo.images import MAX_BYTES, SUFFIXES, decorative, load_image
from octavo.model import Image
from octavo.paths import Refused, regular_file
from octavo.text import has_xml_invalid, xml_safe


@dataclass(frozen=True)
class Section:
    """A piece of a source file that starts at a heading (level None: before any heading)."""

    level: int | None
    title: str
    html: str
    line: int
    has_text: bool
    kind: str | None = None  # front matter a reader recognised ("preface", "titlepage")
    anchor: str = ""  # the id of the heading that starts it, for links
    title_html: str = ""  # the title with its footnote calls, when it has any (XHTML)


@dataclass
class SourceDoc:
    """A read source file: its front matter, its headings, and how to render its sections."""

    path: Path
    shown: str
    meta: dict[str, Any]
    headings: list[tuple[int, str, int]]  # (level, plain title, line)
    render: Callable[[int], list[Section]]  # split at headings of this level or above


@dataclass
class ImageRegistry:
    """The images the book uses, each picture once, named img-0001.png and so on: a file used
    many times, or the same bytes in several files or Word parts, is checked once and is one
    file of the book."""

    root: Path
    images: dict[str, Image] = field(default_factory=dict)  # by what they hold (stored_as)
    diagnostics: Diagnostics | None = None  # told when an image is converted
    embedded: set[str] = field(default_factory=set)  # the names given to add_data's images
    files: dict[Path, Image] = field(default_factory=dict)  # each image file read, by its path

    def add(self, src: str, base_dir: Path, shown: str, line: int | None) -> str:
        """Check an image reference and return its name inside the book."""
        decoded = urllib.parse.unquote(src.strip())
        scheme = urllib.parse.urlsplit(decoded).scheme
        if scheme and len(scheme) > 1:
            raise ManuscriptError(
                f"image {src} refused: images must be files inside the book folder", shown, line
            )
        if not decoded or decoded.startswith(("/", "\\")):
            raise ManuscriptError(
                f"image {src or '(empty)'} refused: use a path relative to the chapter file",
                shown, line,
            )
        src = decoded  # named as the author wrote it: Markdown's links come percent-encoded
        relative = _file_part(base_dir, decoded)
        try:
            path = regular_file(base_dir / _as_on_disk(base_dir, relative), self.root)
        except FileNotFoundError:
            raise ManuscriptError(f"image {src} not found", shown, line) from None
        except Refused as exc:
            reason = str(exc).removeprefix("refused: ")
            raise ManuscriptError(f"image {src} refused: {reason}", shown, line) from None
        if path not in self.files:
            self.files[path] = self._stored(path, shown, line, src, None)
        return self.files[path].href

    def add_data(self, data: bytes, name: str, source: Path, shown: str) -> str:
        """Check an image embedded in `source` (`name` inside it) and return its name in the book."""
        image = self._stored(source, shown, None, name, data)
        self.embedded.add(image.href)
        return image.href

    def _stored(self, path: Path, shown: str, line: int | None, src: str,
                data: bytes | None) -> Image:
        """The book's image of these bytes: checked and named when it is the first of them."""
        key = stored_as(path, "") if data is None else stored_as(data, Path(src).suffix)
        if key in self.images:
            return self.images[key]
        image, note = load_image(path, f"img-{len(self.images) + 1:04d}", shown, line, src,
                                 data=data)
        if note and self.diagnostics is not None:
            self.diagnostics.note(f"{shown}: {src}: {note}")
        self.images[key or f"{shown}#{src}"] = image  # no key: load_image refuses it
        return image


def stored_as(content: Path | bytes, suffix: str) -> str:
    """What tells one picture from another: its suffix (a file's own by default), as far as it
    decides how the picture is checked, and a digest of its bytes; "" for a file too large to
    read, which load_image refuses."""
    import hashlib

    if isinstance(content, Path):
        if content.stat().st_size > MAX_BYTES:
            return ""
        suffix, content = content.suffix, content.read_bytes()
    suffix = suffix.lower()
    kind = suffix if suffix == ".svg" or suffix not in SUFFIXES else "raster"
    return f"{kind} {hashlib.sha256(content).hexdigest()}"


def _file_part(base_dir: Path, decoded: str) -> str:
    """The file an image reference names: all of it when a file has that name (`#` and `?`
    are in file names, `Fig #1.png`, and Markdown leaves them unencoded), else what comes
    before a `#` fragment or a `?` query."""
    if ("#" in decoded or "?" in decoded) and (base_dir / _as_on_disk(base_dir, decoded)).exists():
        return decoded
    return decoded.split("#")[0].split("?")[0]


def _as_on_disk(base_dir: Path, relative: str) -> str:
    """`relative` as the file system spells it: a name typed with é as one character (NFC)
    finds a file whose name holds e and an accent (NFD, as macOS writes names), and the other
    way round."""
    if (base_dir / relative).exists():
        return relative
    for form in ("NFC", "NFD"):
        other = unicodedata.normalize(form, relative)
        if other != relative and (base_dir / other).exists():
            return other
    return relative


@dataclass
class ReadContext:
    """What a reader needs besides the file: the book folder, warnings and the images."""

    root: Path
    diagnostics: Diagnostics
    images: ImageRegistry
    detect_headings: bool = True  # plain text: look for chapter and part headings
    chapter_pattern: str | None = None  # plain text: a regular expression for chapter headings
    sources: dict[Path, str] = field(default_factory=dict)  # manuscript files, as messages show them
    # book.toml's title, when it names the book: a title page in the manuscript that names
    # another is no longer the book's (Word: its Title paragraph is a chapter's title)
    book_title: str | None = None

    def opens_manuscript(self, path: Path) -> bool:
        """Whether `path` is the manuscript's first file (or a file read on its own), the one
        whose title page may name the book."""
        first = next(iter(self.sources), None)
        return first is None or first == path.resolve()


# (line, text as the book sets it, "") for a paragraph; (line, "", problem) for a structural one.
Paragraph = tuple[int, str, str]


@dataclass(frozen=True)
class Reader:
    """A kind of manuscript file, declared in the module that reads it (as Pelican's readers)."""

    name: str  # "Markdown"
    suffixes: tuple[str, ...]  # the file names it reads, the usual one first: (".md", ".markdown")
    read: Callable[[Path, str, ReadContext], SourceDoc]  # (file, name as shown, context)
    paragraphs: Callable[[str], Iterator[Paragraph]]  # the text as set, for `octavo check`'s lint
    # The text `paragraphs` reads (file, name as shown, warnings): None for a text file,
    # decoded by read_text_file; a binary format (Word) says how to get its text.
    text_of: Callable[[Path, str, Diagnostics], str] | None = None
    # Every paragraph `paragraphs` gives is in the book the reader makes, so that `octavo
    # check` can hold it to that; False for one that leaves text out on purpose (a plain-text
    # book's title page becomes its metadata, a Gutenberg licence is dropped).
    keeps_all: bool = False


def read_text_file(path: Path, shown: str, diagnostics: Diagnostics) -> str:
    """Decode a manuscript file (UTF-8 with or without BOM, else detected) with LF line ends."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ManuscriptError(f"cannot read: {exc.strerror or exc}", shown) from None
    bom = next((name for mark, name in _BOMS if data.startswith(mark)), None)
    if bom is None and (unmarked := _utf16_unmarked(data)) is not None:
        diagnostics.warn(f"not UTF-8; read as {unmarked.upper()} (its bytes say so; it has no "
                         "byte order mark)", shown)
        return _finish_text(data.decode(unmarked), shown, diagnostics)
    if bom is None and _looks_binary(data[:8192]):
        raise ManuscriptError("not a text file (it holds binary data)", shown)
    try:
        text = data.decode(bom or "utf-8-sig")
        if bom:
            diagnostics.warn(f"not UTF-8; read as {bom.upper()} (its byte order mark says so)",
                             shown)
    except UnicodeDecodeError:
        mended = _mend_lines(data, shown, diagnostics)
        if mended is not None:
            return _finish_text(mended, shown, diagnostics)
        best = _detect(data)
        if best is None:
            raise ManuscriptError("cannot tell this file's text encoding; save it as UTF-8",
                                  shown) from None
        encoding = _encoding_name(best.encoding)
        text = str(best)
        diagnostics.warn(f"not UTF-8; read as {encoding}", shown)
    return _finish_text(text, shown, diagnostics)


def _finish_text(text: str, shown: str, diagnostics: Diagnostics) -> str:
    """LF line ends, and no character XML cannot hold (with a warning)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if has_xml_invalid(text):
        diagnostics.warn("control characters removed (XML cannot hold them)", shown)
        text = xml_safe(text)
    return text


def _mend_lines(data: bytes, shown: str, diagnostics: Diagnostics) -> str | None:
    """A UTF-8 file with a few lines in another encoding (a paste from an old file): those
    lines read in the encoding their bytes suggest, every valid UTF-8 line kept as it is.
    None when no line holds UTF-8 beyond ASCII: then the whole file is in another encoding."""
    lines = data.removeprefix(b"\xef\xbb\xbf").split(b"\n")
    bad: list[int] = []
    utf8 = False
    for number, line in enumerate(lines):
        try:
            line.decode("utf-8")
            utf8 = utf8 or not line.isascii()
        except UnicodeDecodeError:
            bad.append(number)
    if not utf8 or not bad:
        return None
    best = _detect(b"\n".join(lines[n] for n in bad))
    encoding = best.encoding if best is not None and best.encoding in _WESTERN else "cp1252"
    texts = [line.decode(encoding, errors="replace") if n in bad else line.decode("utf-8")
             for n, line in enumerate(lines)]
    shown_lines = ", ".join(str(n + 1) for n in bad[:5]) + (f" and {len(bad) - 5} more"
                                                           if len(bad) > 5 else "")
    diagnostics.warn(f"line{'s' * (len(bad) > 1)} {shown_lines} not UTF-8; read as "
                     f"{_encoding_name(encoding)} (the rest is UTF-8)", shown)
    return "\n".join(texts)


_BOMS = ((b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
         (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))


_SIGNATURES = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"PK\x03\x04", b"%PDF", b"\x7fELF",
               b"\xd0\xcf\x11\xe0")  # files of other kinds, by their first bytes


def _utf16_unmarked(data: bytes) -> str | None:
    """"utf-16-le" or "utf-16-be" for a UTF-16 file saved without a byte order mark (Western
    text in it has a NUL in every other byte, all on the same side), else None."""
    head = data[:8192]
    if len(data) % 2 or len(head) < 4 or head.count(b"\x00") < len(head) // 4 or \
            head.startswith(_SIGNATURES):
        return None
    for name, nuls, other in (("utf-16-le", head[1::2], head[0::2]),
                              ("utf-16-be", head[0::2], head[1::2])):
        if nuls.count(b"\x00") >= len(nuls) * 0.9 and other.count(b"\x00") == 0:
            try:
                text = data.decode(name)
            except UnicodeDecodeError:
                return None
            return name if all(c.isprintable() or c in "\n\r\t" for c in text[:4096]) else None
    return None


def _looks_binary(head: bytes) -> bool:
    """Many NUL bytes (a stray one is a control character in text), or a known file signature."""
    return head.startswith(_SIGNATURES) or head.count(b"\x00") > len(head) // 100


# Alt text that is a picture's file name ("IMG_0412.jpg"): a screen reader reads it out, and it
# describes nothing (WCAG technique F30), so it is no text alternative.
_FILE_NAME = re.compile(r"\S+\.(?:png|jpe?g|gif|svg|webp|avif|bmp|tiff?|heic)", re.IGNORECASE)
# Old Western manuscripts are nearly always in one of these; short texts are ambiguous
# between code pages, so among near-equal guesses these win.
_WESTERN = ("cp1252", "latin_1", "iso8859_15")


def _detect(data: bytes) -> charset_normalizer.CharsetMatch | None:
    matches = list(charset_normalizer.from_bytes(data))
    if not matches:
        return None
    best = matches[0]
    for match in matches:
        if match.encoding in _WESTERN and match.chaos <= best.chaos + 0.15:
            return match
    for western in _WESTERN:  # the same text in a Western code page: call it that
        western_match = charset_normalizer.from_bytes(data, cp_isolation=[western]).best()
        if western_match is not None and str(western_match) == str(best):
            return western_match
    return best


def _encoding_name(name: str) -> str:
    # charset_normalizer reports ISO-8859-1 as cp1252 or latin_1; name it as people know it.
    return {"latin_1": "ISO-8859-1", "cp1252": "Windows-1252", "utf_16": "UTF-16"}.get(
        name, name.replace("_", "-").upper()
    )


def finish_fragment(html: str, path: Path, shown: str, context: ReadContext) -> str:
    """Sanitise rendered HTML, check its images and links, return a well-formed XHTML fragment."""
    mended: list[tuple[int | None, str]] = []
    root = xhtml.parse_fragment(xhtml.sanitize(html), mended)
    for line, note in dict.fromkeys(mended):
        context.diagnostics.warn(f"HTML mended for EPUB: {note}", shown, line)
    for img in list(root.iter("img")):
        line = _pop_line(img)
        markdown = img.attrib.pop("data-markdown", None) is not None  # ![alt](src), not <img>
        embedded = img.attrib.pop("data-embedded", None)  # a picture inside a Word document
        src = img.get("src")
        if embedded is not None and src in context.images.embedded:
            _check_alt(img, embedded or src, None, shown, line, context.diagnostics)
            continue
        if not src:
            context.diagnostics.warn("image without a usable source removed", shown, line)
            xhtml.unwrap(img)
            continue
        img.set("src", context.images.add(src, path.parent, shown, line))
        _check_alt(img, src, markdown, shown, line, context.diagnostics)
    _reveal_hidden_links(root, shown, context.diagnostics)
    for link in list(root.iter("a")):
        line = link.get("data-line")
        _check_link(link, path, shown, context)
        if link.getparent() is not None and link.get("href") is not None:
            _check_link_text(link, shown, int(line) if line and line.isdigit() else None,
                             context.diagnostics)
    _mark_epub_types(root)
    fragment = xhtml.serialize_fragment(root)
    try:
        xhtml.check_well_formed(fragment)
    except etree.XMLSyntaxError as exc:  # pragma: no cover - a bug of ours, not the user's
        raise ManuscriptError(f"internal error: not well-formed XHTML ({exc})", shown) from None
    return fragment


def _check_alt(img: etree._Element, src: str, markdown: bool | None, shown: str,
               line: int | None, diagnostics: Diagnostics) -> None:
    """A decorative image gets an empty alt; any other needs alt text, or a warning says how."""
    if decorative(img):
        img.set("alt", "")  # decorative on purpose: screen readers pass over it, alt and all
        return
    alt = (img.get("alt") or "").strip()
    named = _is_file_name(alt, src)
    if alt and not named:
        return
    img.set("alt", "")
    if markdown is None:  # a picture in a Word document
        how = "describe it in Word (right-click, Edit Alt Text) or mark it decorative there"
    elif markdown:
        how = f"describe it (![what it shows]({src})) or mark it decorative with {{.decorative}}"
    else:
        how = (f'describe it (<img src="{src}" alt="what it shows">) or mark it decorative '
               'with alt="" role="presentation"')
    what = f"a file name for alt text ({alt!r}), not a description" if named else "no alt text"
    diagnostics.warn(f"image {src} has {what}: {how}", shown, line)


def _is_file_name(alt: str, src: str) -> bool:
    """Whether an image's alt text is only a file name: its own, or any picture's."""
    name = urllib.parse.unquote(src).replace("\\", "/").rsplit("/", 1)[-1]
    return bool(alt) and (alt.casefold() == name.casefold() or bool(_FILE_NAME.fullmatch(alt)))


def _check_link(link: etree._Element, path: Path, shown: str, context: ReadContext) -> None:
    """Keep external links; point links to manuscript files at their book-relative name.

    A link into the book stays in the fragment as `#anchor` or `manuscript/file.md#anchor`
    (with its line in data-line) until the whole book is read and `links.resolve_links`
    turns it into a link between chapters. Anything else becomes plain text, with a warning.
    """
    carried = link.attrib.pop("data-href", None)  # the href as written, set aside by a reader
    href = link.get("href")
    if href is None:  # an href the sanitiser drops: the Markdown reader set it aside
        href = carried
    if href is None:
        _pop_line(link)
        return
    scheme = urllib.parse.urlsplit(href).scheme.lower()  # HTTPS: and MAILTO: are as good
    if scheme in ("http", "https", "mailto") and _valid_external(href, scheme):
        _pop_line(link)
        link.set("href", scheme + href[href.index(":"):])  # as reading systems expect it
        return
    if href.startswith("#") and len(href) > 1:
        return
    target, _, anchor = href.partition("#")
    file = urllib.parse.unquote(target)
    if not scheme and file and not file.startswith(("/", "\\")) and "?" not in file:
        resolved = (path.parent / file).resolve()
        if resolved in context.sources:
            link.set("href", context.sources[resolved] + (f"#{anchor}" if anchor else ""))
            return
    line = _pop_line(link)
    context.diagnostics.warn(f"link target {href or '(empty)'} is not in the book; kept as plain text",
                             shown, line)
    xhtml.unwrap(link)


def _reveal_hidden_links(root: etree._Element, shown: str, diagnostics: Diagnostics) -> None:
    """aria-hidden="true" on a link or around one hides it from a screen reader while the
    keyboard still reaches it (Ace: aria-hidden-focus, serious): the attribute is removed."""
    for el in root.xpath("//*[@aria-hidden='true'][descendant-or-self::a[@href]]"):
        del el.attrib["aria-hidden"]
        link = next(a for a in el.iter("a") if a.get("href") is not None)
        line = link.get("data-line") or el.get("data-line")
        diagnostics.warn(f'aria-hidden="true" removed from <{el.tag}>: it hid a link from '
                         "screen readers that the keyboard still reaches", shown,
                         int(line) if line and line.isdigit() else None)


def _check_link_text(link: etree._Element, shown: str, line: int | None,
                     diagnostics: Diagnostics) -> None:
    """A link needs words a reader can see or hear (WCAG 2.4.4; Ace's link-name is serious):
    one without any (`[](https://…)`, or only a picture with no alt text) is told. A web
    address becomes its own words; a link into the book, which has nothing to show, is left out."""
    if "".join(link.itertext()).strip() or (link.get("aria-label") or "").strip() or \
            (link.get("title") or "").strip() or \
            any((img.get("alt") or "").strip() for img in link.iter("img")):
        return
    href = link.get("href") or ""
    if href.lower().startswith(("http:", "https:", "mailto:")):
        words = href.split(":", 1)[1] if href.lower().startswith("mailto:") else href
        if len(link):
            link[-1].tail = (link[-1].tail or "") + words
        else:
            link.text = words
        diagnostics.warn(f"link to {href} has no text: it is shown as its address; give it "
                         f"words ([what it leads to]({href}))", shown, line)
        return
    diagnostics.warn(f"link to {href} has no text, so nothing to follow; left out: give it "
                     f"words ([what it leads to]({href}))", shown, line)
    xhtml.unwrap(link)


def _valid_external(href: str, scheme: str) -> bool:
    """A web address with a real host name, or a mailto: with an address; EPUBCheck checks."""
    try:
        parts = urllib.parse.urlsplit(href)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return False
    if scheme == "mailto":
        return "@" in parts.path
    host = parts.hostname or ""
    if host.startswith("[") or ":" in host:
        return True  # an IPv6 address, checked by the URL parser
    labels = host.rstrip(".").split(".")
    return bool(host) and all(label and not label.startswith("-") and not label.endswith("-")
                              and not any(c in label for c in " <>\\^`{|}%")
                              for label in labels)


def _pop_line(el: etree._Element) -> int | None:
    """Remove the data-line a renderer put on an element; the line it held, if any."""
    text = el.attrib.pop("data-line", None)
    return int(text) if text and text.isdigit() else None


# The elements whose class may name a note or its call: found in C, checked in Python (a
# walk over every element in Python took twice as long).
_NOTE_CLASSES = etree.XPath(
    "descendant-or-self::*[contains(@class, 'noteref') or contains(@class, 'footnote')]")


def _mark_epub_types(root: etree._Element) -> None:
    for el in _NOTE_CLASSES(root):
        classes = (el.get("class") or "").split()
        if "noteref" in classes:
            el.set("epub:type", "noteref")
        elif "footnote" in classes and el.tag == "aside":
            el.set("epub:type", "footnote")
