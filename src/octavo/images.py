"""Image files checked by their content: PNG, JPEG, GIF and SVG kept; WebP, TIFF, BMP converted."""

from __future__ import annotations

import base64
import binascii
import io
import re
import urllib.parse
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree

from octavo.errors import ManuscriptError, OctavoError
from octavo.model import Image
from octavo.paths import css_urls

if TYPE_CHECKING:
    from PIL.Image import Image as Picture

Refusal = Callable[[str], OctavoError]  # makes the error to raise, from its reason

# Formats every EPUB reader shows, by Pillow's name, with their media type and file suffix.
KEPT = {"PNG": ("image/png", ".png"), "JPEG": ("image/jpeg", ".jpg"), "GIF": ("image/gif", ".gif")}
# Formats readers cannot count on (WebP is new in EPUB 3.3): converted to PNG or JPEG.
CONVERTED = {"WEBP", "TIFF", "BMP", "PPM", "TGA", "ICO"}
SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".tif", ".tiff", ".bmp"}
MAX_PIXELS = 40_000_000  # a 300 dpi photo across a 6×9 in page is under 5 million
MAX_BYTES = 30 * 1024 * 1024
_SVG_NS = "http://www.w3.org/2000/svg"
_XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
_XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
# The most elements an SVG's <use> references may draw as copies. A page of LaTeX math from
# dvisvgm is 3,000-5,000 glyph uses, a map with a few hundred many-path symbols about 15,000;
# WeasyPrint draws some 3,000 a second here, so 20,000 costs seconds. A "use bomb" (ten uses of
# ten uses of ..., eleven levels) asks for 10^10 and would never finish, in the PDF or on a reader.
MAX_SVG_USE_COPIES = 20_000
# The W3C's own SVG DTDs, which drawing programs name in a DOCTYPE: dropped, never fetched.
_SVG_DTDS = {
    "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd",
    "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11-basic.dtd",
    "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11-tiny.dtd",
    "http://www.w3.org/TR/2001/REC-SVG-20010904/DTD/svg10.dtd",
    "http://www.w3.org/TR/2001/PR-SVG-20010719/DTD/svg10.dtd",
}


def load_image(path: Path, stem: str, shown: str, line: int | None, src: str,
               data: bytes | None = None) -> tuple[Image, str]:
    """Check the image at `path` and name it `images/<stem>.<suffix>` in the book.

    `data`, when given, is the image itself (a picture embedded in a Word document, `src`
    its name there) and `path` the file that holds it. Returns the Image and a note for the
    user when it was converted (else ""). A file that is not what it claims, too large, or
    an SVG that runs scripts, fetches other files or never finishes drawing (a <use> cycle or
    bomb) is refused with a ManuscriptError naming `shown` and `line`.
    """

    def refuse(reason: str) -> ManuscriptError:
        return ManuscriptError(f"image {src} {reason}", shown, line)

    suffix = Path(src).suffix.lower() if data is not None else path.suffix.lower()
    if suffix not in SUFFIXES:
        raise refuse(f"refused: {suffix or 'files without a suffix'} is not an image type; "
                     "use PNG, JPEG, GIF or SVG")
    size = len(data) if data is not None else path.stat().st_size
    if size > MAX_BYTES:
        raise refuse(f"is too large ({size / 2**20:.0f} MB); keep images under "
                     f"{MAX_BYTES // 2**20} MB")
    embedded = data is not None
    data = data if data is not None else path.read_bytes()
    if suffix == ".svg":
        cleaned = _check_svg(data, refuse)
        return Image(source=path, href=f"images/{stem}.svg", media_type="image/svg+xml",
                     data=cleaned if cleaned is not None or not embedded else data), ""
    from PIL import Image as Pillow
    from PIL import UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Pillow.DecompressionBombWarning)
            with Pillow.open(io.BytesIO(data)) as probe:
                kind, (width, height) = probe.format or "", probe.size
                if width * height > MAX_PIXELS:
                    raise refuse(f"is too large ({width}×{height} pixels); scale it below "
                                 f"{MAX_PIXELS // 1_000_000} million pixels")
                probe.verify()
            if kind in KEPT:
                media_type, kept = KEPT[kind]
                return Image(source=path, href=f"images/{stem}{kept}", media_type=media_type,
                             data=data if embedded else None), ""
            if kind not in CONVERTED:
                raise refuse(f"is a {kind} image, which books cannot use; save it as PNG or JPEG")
            with Pillow.open(io.BytesIO(data)) as picture:
                picture.load()
                return _converted(path, stem, kind, picture)
    except ManuscriptError:
        raise
    except (UnidentifiedImageError, ArithmeticError, Pillow.DecompressionBombWarning,
            Pillow.DecompressionBombError) as exc:
        if isinstance(exc, UnidentifiedImageError | ArithmeticError):  # a header of nonsense sizes
            raise refuse("is not an image (or it is damaged)") from None
        raise refuse(f"is too large; scale it below {MAX_PIXELS // 1_000_000} million pixels") \
            from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise refuse(f"is damaged: {exc}") from None


def _converted(path: Path, stem: str, kind: str, picture: Picture) -> tuple[Image, str]:
    out = io.BytesIO()
    if picture.mode in ("RGBA", "LA", "P", "PA") or "transparency" in picture.info:
        picture.convert("RGBA").save(out, "PNG", optimize=True)
        media_type, suffix = "image/png", ".png"
    else:
        picture.convert("RGB").save(out, "JPEG", quality=90, optimize=True)
        media_type, suffix = "image/jpeg", ".jpg"
    image = Image(source=path, href=f"images/{stem}{suffix}", media_type=media_type,
                  data=out.getvalue())
    return image, f"{kind} image converted to {suffix[1:].upper()} for e-readers that cannot show it"


def check_svg(data: bytes, refuse: Refusal) -> None:
    """Refuse an SVG a theme's stylesheet draws (a background, an ornament) as a manuscript's
    is refused: `refuse` makes the error that names the file."""
    _check_svg(data, refuse)


def _check_svg(data: bytes, refuse: Refusal, depth: int = 0) -> bytes | None:
    """An SVG must parse as XML, be an <svg>, and neither run scripts nor fetch other files:
    no entities or DTD of its own, no links or CSS URLs but to itself and data: images; nor
    may its <use> elements loop or multiply past MAX_SVG_USE_COPIES.

    Returns the SVG without its DOCTYPE when that is only the W3C's SVG DTD (as drawing
    programs write it: EPUB readers must not fetch it), else None (kept as it is).
    """
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise refuse(f"is not a valid SVG file ({exc.msg})") from None
    if root.tag != f"{{{_SVG_NS}}}svg":
        raise refuse("is not an SVG image (its root is not <svg> in the SVG namespace)")
    info = root.getroottree().docinfo
    dtd = info.internalDTD
    declares = dtd is not None and (list(dtd.iterentities()) or list(dtd.iterelements()))
    if declares or any(isinstance(el, etree._Entity) for el in root.iter()) or (
            info.system_url and info.system_url not in _SVG_DTDS):
        raise refuse("refused: the SVG declares its own DTD or entities (<!DOCTYPE …>), "
                     "which can read other files")
    outside = [*root.itersiblings(preceding=True), *root.itersiblings()]
    for el in outside + list(root.iter(etree.ProcessingInstruction)):
        if isinstance(el, etree._ProcessingInstruction) and el.target == "xml-stylesheet":
            raise refuse("refused: the SVG loads a stylesheet (<?xml-stylesheet …?>)")
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        local_tag = etree.QName(el).localname
        if local_tag in ("script", "foreignObject"):
            raise refuse(f"refused: the SVG holds <{local_tag}>")
        if local_tag == "style":
            # What a reader takes as the sheet: its text nodes joined, comments and
            # processing instructions left out (`url(<!---->http://…)` is `url(http://…)`),
            # and all its text, should a reader take that.
            direct = "".join([el.text or "", *(child.tail or "" for child in el)])
            for css in dict.fromkeys((direct, "".join(el.itertext()))):
                _check_svg_css(css, refuse, depth)
        if local_tag in _SVG_ANIMATIONS:
            _check_svg_animation(el, local_tag, refuse)
        for name, value in el.attrib.items():
            local = etree.QName(name).localname
            if local.startswith("on"):
                raise refuse(f"refused: the SVG runs a script ({local}=)")
            if (name == _XLINK_HREF or local == "href") and not value.startswith("#"):
                if not value.lower().startswith("data:image/"):
                    raise refuse(f"refused: the SVG refers to another file ({short_url(value)})")
                _check_data_image(value, refuse, depth)
            if local == "style" or "url(" in value.lower():
                _check_svg_css(value if local == "style" else f"a{{b:{value}}}", refuse, depth)
    _check_svg_uses(root, refuse)
    if not info.doctype:
        return None
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")  # the root alone


def _check_svg_uses(root: etree._Element, refuse: Refusal) -> None:
    """An SVG's <use> elements (href= or xlink:href=) may not show themselves, directly or
    through others (a cycle), nor draw more than MAX_SVG_USE_COPIES copies in all.

    An element draws itself, its children and what its <use> shows, each element's count worked
    out once (memoised): the check is as quick as the file is long, however far the uses would
    expand. Everything counts as drawn, <defs> included (erring on the safe side). A depth-first
    walk with its own stack (no recursion limit) finds the cycles.
    """
    elements = [el for el in root.iter() if isinstance(el.tag, str)]  # kept: stable proxies
    by_id: dict[str, etree._Element] = {}
    for el in elements:
        for key in ("id", _XML_ID):
            if (name := el.get(key)) is not None:
                by_id.setdefault(name, el)  # the first of an id is the one drawn

    def shown(el: etree._Element) -> list[etree._Element]:
        """What a <use> shows: the elements its href= and xlink:href= name (fragments only;
        other URLs are refused before this)."""
        if el.tag.rpartition("}")[2] != "use":
            return []
        found = []
        for name in (_XLINK_HREF, "href"):
            value = (el.get(name) or "").strip()
            if value.startswith("#"):
                for key in dict.fromkeys((value[1:], urllib.parse.unquote(value[1:]))):
                    if (target := by_id.get(key)) is not None and target not in found:
                        found.append(target)
        return found

    # The file's own elements plus more copies than allowed; sizes stop growing there (no
    # numbers with millions of digits).
    cap = len(elements) + MAX_SVG_USE_COPIES + 1
    size: dict[etree._Element, int] = {}  # elements drawn for an element, copies included
    on_path: dict[etree._Element, int] = {root: 0}  # element -> its place in `stack`
    stack = [(root, [*(c for c in root if isinstance(c.tag, str)), *shown(root)], 0)]
    while stack:
        el, nexts, at = stack[-1]
        if at < len(nexts):
            stack[-1] = (el, nexts, at + 1)
            after = nexts[at]
            if after in on_path:
                loop = [e for e, _, _ in stack[on_path[after]:]]
                use = next(e for e in reversed(loop) if shown(e))
                name = "href" if use.get("href", "").strip().startswith("#") else "xlink:href"
                href = use.get("href" if name == "href" else _XLINK_HREF)
                raise refuse(f'refused: the SVG\'s <use {name}="{href}"> shows itself (the element '
                             "it is in, directly or through other uses), so it never finishes "
                             "drawing")
            if after not in size:
                on_path[after] = len(stack)
                stack.append((after, [*(c for c in after if isinstance(c.tag, str)),
                                      *shown(after)], 0))
            continue
        stack.pop()
        del on_path[el]
        size[el] = min(cap, 1 + sum(size[n] for n in nexts))
        if size[el] == cap:  # the whole drawing holds this element: over the limit already
            raise refuse(f"refused: the SVG's <use> elements draw over {MAX_SVG_USE_COPIES:,} "
                         "copies (uses of uses multiply), which no reader or printer finishes; "
                         "draw it with fewer uses, or save it as PNG")


# SMIL elements that set another attribute's value: on href, that value is a URL.
_SVG_ANIMATIONS = frozenset({"set", "animate", "animateColor", "animateMotion", "animateTransform"})


def _check_svg_animation(el: etree._Element, tag: str, refuse: Refusal) -> None:
    """An animation of href= (or xlink:href=) may only show the SVG's own fragments and
    data: images, as href= itself: `<set attributeName="href" to="http://…"/>` would fetch.
    `values` is a list split at each ";", as readers split it."""
    target = (el.get("attributeName") or "").strip().rpartition(":")[2]
    if target.lower() != "href":
        return
    for name in ("to", "from", "by", "values"):
        value = el.get(name)
        if value is None:
            continue
        for url in value.split(";") if name == "values" else [value]:
            url = url.strip()
            if name == "values" and not url:
                continue  # a list may end with ";"
            if not (url.startswith("#") or url.lower().startswith("data:image/")):
                raise refuse(f"refused: the SVG's <{tag}> sets href to another file ({url})")


def _check_svg_css(css: str, refuse: Refusal, depth: int = 0) -> None:
    """CSS inside an SVG may use no URL but its own fragments and data: images."""
    for url, _line, how in css_urls(css):
        if how == "@import" or not (url.startswith("#") or url.lower().startswith("data:image/")):
            raise refuse(f"refused: the SVG's CSS refers to another file ({short_url(url)})")
        if not url.startswith("#"):
            _check_data_image(url, refuse, depth)


MAX_SVG_DEPTH = 3  # an SVG in a data: URL of an SVG in a data: URL ...: enough for any drawing


def data_image_problem(url: str) -> str | None:
    """Why a stylesheet may not draw the data: image `url`, or None (a fine one, or no data:
    image): it is checked as an SVG's data: images are. An SVG "use bomb" there, drawn as a
    page's background, kept the PDF drawing for ever; a huge PNG failed it without a file."""
    if not url.strip().lower().startswith("data:image/"):
        return None
    try:
        _check_data_image(url.strip(), OctavoError, 0, holder="the stylesheet")
    except OctavoError as exc:
        return exc.message
    return None


# What a picture's name says it is, as Pillow names its format: a theme's pictures go into the
# EPUB under their own names, and EPUBCheck refuses one whose content says otherwise.
_NAMED = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".gif": "GIF", ".webp": "WEBP"}


def theme_image_problem(path: Path) -> str | None:
    """Why a picture a theme's stylesheet draws (`path`, a PNG, JPEG, GIF or WebP by its name)
    cannot go into the books, or None: not an image or damaged (EPUBCheck refused the EPUB,
    WeasyPrint the PDF without saying why), another type than its name says, or too large."""
    expected = _NAMED.get(path.suffix.lower())
    if expected is None:
        return None
    from PIL import Image as Pillow

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Pillow.DecompressionBombWarning)
            with Pillow.open(path) as probe:
                width, height, found = *probe.size, probe.format
                probe.verify()
    except (Pillow.DecompressionBombWarning, Pillow.DecompressionBombError):
        return f"is too large; scale it below {MAX_PIXELS // 1_000_000} million pixels"
    except (OSError, SyntaxError, ValueError):  # UnidentifiedImageError is an OSError
        return "is not an image (or it is damaged)"
    if width * height > MAX_PIXELS:
        return (f"is too large ({width}×{height} pixels); scale it below "
                f"{MAX_PIXELS // 1_000_000} million pixels")
    if found != expected:
        return f"is a {found} image named {path.suffix}: save it as {expected}, or rename it"
    return None


def _check_data_image(url: str, refuse: Refusal, depth: int, holder: str = "the SVG") -> None:
    """A data: image inside an SVG (or a stylesheet: `holder`) is checked as an image file is:
    it must decode, be an image Pillow reads (or an SVG that passes these same checks) and not
    be too large; else the SVG is refused here, by its file and line, and not by WeasyPrint
    without either."""
    damaged = f"refused: {holder} holds a damaged data: image ({short_url(url)})"
    decoded = data_url_bytes(url)
    if decoded is None:
        raise refuse(damaged)
    media_type, raw = decoded
    if media_type == "image/svg+xml":
        if depth >= MAX_SVG_DEPTH:
            raise refuse(f"refused: the SVG holds SVG data: images nested over {MAX_SVG_DEPTH} deep")
        _check_svg(raw, lambda reason: refuse(f"{reason} (in a data: image)"), depth + 1)
        return
    from PIL import Image as Pillow

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Pillow.DecompressionBombWarning)
            with Pillow.open(io.BytesIO(raw)) as probe:
                width, height = probe.size
                if width * height > MAX_PIXELS:
                    raise refuse(f"refused: {holder} holds a data: image too large ({width}×{height} "
                                 f"pixels; {short_url(url)})")
                probe.verify()
    except (Pillow.DecompressionBombWarning, Pillow.DecompressionBombError):
        raise refuse(f"refused: {holder} holds a data: image too large ({short_url(url)})") from None
    except (OSError, SyntaxError, ValueError):  # UnidentifiedImageError is an OSError
        raise refuse(damaged) from None


def data_url_bytes(url: str) -> tuple[str, bytes] | None:
    """A data: URL's media type (in lower case) and bytes; None when it cannot be decoded."""
    header, comma, payload = url.strip().partition(",")
    if not comma:
        return None
    params = [p.strip().lower() for p in header[len("data:"):].split(";")]
    try:
        raw = urllib.parse.unquote_to_bytes(payload)
        if params[-1] == "base64":
            raw = base64.b64decode(re.sub(rb"\s+", b"", raw), validate=True)
    except (binascii.Error, ValueError):
        return None
    return params[0], raw


def short_url(url: str, keep: int = 60) -> str:
    """A URL as a message shows it: a data: URL's payload cut after `keep` characters, any
    other URL (a path, shown whole where it can be) after 200."""
    url = url.strip()
    if not url.lower().startswith("data:"):
        keep = max(keep, 200)
    return url if len(url) <= keep else url[:keep] + "…"


_SVG_MOTION = re.compile(rb"<(?:\w+:)?(?:animate\w*|set)\b|@keyframes|\banimation\s*:", re.I)


def is_animated(image: Image) -> bool:
    """Whether an image the book holds moves (an animated GIF or PNG, an SVG with SMIL or CSS
    animation): a possible hazard."""
    data = image.data if image.data is not None else image.source.read_bytes()
    if image.media_type == "image/svg+xml":
        return _SVG_MOTION.search(data) is not None
    if image.media_type not in ("image/gif", "image/png"):
        return False
    from PIL import Image as Pillow
    from PIL import UnidentifiedImageError

    try:
        with Pillow.open(io.BytesIO(data)) as picture:
            return bool(getattr(picture, "is_animated", False))
    except (UnidentifiedImageError, OSError):
        return False


def decorative(img: etree._Element) -> bool:
    """Whether an <img> is marked decorative on purpose: ARIA's two names for it, role
    "presentation" or "none" (the first role; any after it are fallbacks)."""
    role = (img.get("role") or "").split()
    return bool(role) and role[0] in ("presentation", "none")
