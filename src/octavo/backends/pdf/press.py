"""The print profile made press-ready: bleed at the outside only, black ink only, PDF/X-4, same bytes.

WeasyPrint bleeds every side of a page and writes colours in RGB with the wall-clock time. A
printer trims a paperback on three sides and binds the fourth, prints a black-and-white
interior with black ink, and wants the colours' meaning (an output intent) when a PDF claims
PDF/X. This pass, run once the print PDF is whole, gives it that.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import uuid
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from octavo.backends.pdf.pressmemo import RecolourMemo, pack
from octavo.backends.pdf.settings import PrintSettings
from octavo.errors import BuildError
from octavo.model import Metadata

SHIPPED_PROFILE = "octavo-gracol2006.icc"  # src/octavo/profiles/ (see its LICENSE)
SHIPPED_CONDITION = ("CGATS TR 006", "GRACoL 2006 Coated #1 (ANSI CGATS/GRACoL TR 006-2007)")
REGISTRY = "http://www.color.org"
MAX_PROFILE = 16 * 2**20  # bytes: printers' CMYK profiles are 0.5–4 MB
_RGB = {"rg": "k", "RG": "K"}
_GREY = {"g": "k", "G": "K"}
_NEUTRAL = 0.004  # RGB channels this close are a grey: black ink only
SOLID = 0.8  # a colour this dark prints solid black: text in a 83 % screen would look fuzzy


@dataclass(frozen=True)
class OutputProfile:
    """The CMYK printing condition the PDF's colours are meant for."""

    data: bytes
    identifier: str
    info: str


def output_profile(settings: PrintSettings, book_root: Path) -> OutputProfile:
    """The book's `[print] icc_profile`, checked, or the GRACoL profile Octavo ships."""
    if not settings.icc_profile:
        data = resources.files("octavo.profiles").joinpath(SHIPPED_PROFILE).read_bytes()
        return OutputProfile(data, *SHIPPED_CONDITION)
    from octavo.paths import Refused, regular_file

    where = book_root / "book.toml"
    name = settings.icc_profile
    try:
        path = regular_file(book_root / name, book_root)
        if path.stat().st_size > MAX_PROFILE:
            raise BuildError(f"[print] icc_profile: {name} is {path.stat().st_size:,} bytes; an "
                             f"output profile is well under {MAX_PROFILE // 2**20} MB", where)
        data = path.read_bytes()
    except FileNotFoundError:
        raise BuildError(f"[print] icc_profile: {name} does not exist", where) from None
    except Refused as exc:
        raise BuildError(f"[print] icc_profile: {name}: {str(exc).removeprefix('refused: ')}",
                         where) from None
    except OSError as exc:
        raise BuildError(f"[print] icc_profile: cannot read {settings.icc_profile}: "
                         f"{exc.strerror or exc}", where) from None
    description = _check_profile(data, settings.icc_profile, where)
    return OutputProfile(data, description, description)


def _check_profile(data: bytes, name: str, where: Path) -> str:
    """The profile's description; an error unless it is a CMYK printer (output) profile."""
    import io

    from PIL import ImageCms

    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(data)).profile
    except (OSError, ImageCms.PyCMSError):
        raise BuildError(f"[print] icc_profile: {name} is not an ICC colour profile", where) \
            from None
    if profile.device_class != "prtr" or profile.xcolor_space.strip() != "CMYK":
        raise BuildError(f"[print] icc_profile: {name} is a {profile.xcolor_space.strip()} "
                         f"'{profile.device_class}' profile; a print PDF needs a CMYK output "
                         "(printer) profile, such as the one your printer publishes", where)
    declared = int.from_bytes(data[:4], "big")
    try:  # a profile cut short, or without the tables a conversion needs, is no use to a press
        if declared != len(data):
            raise ImageCms.PyCMSError(f"{declared} bytes declared, {len(data)} found")
        ImageCms.buildTransform(ImageCms.createProfile("sRGB"), ImageCms.ImageCmsProfile(
            io.BytesIO(data)), "RGB", "CMYK")
    except (OSError, ImageCms.PyCMSError) as exc:
        raise BuildError(f"[print] icc_profile: {name} is damaged or incomplete ({exc})",
                         where) from None
    return (profile.profile_description or Path(name).stem).strip()


def press_ready(target: Path, settings: PrintSettings, meta: Metadata, epoch: int,
                profile: OutputProfile, warn: Any = None, cover: bool = False,
                cache: Path | None = None) -> int:
    """Rewrite the print PDF at `target` press-ready; returns its page count.

    Pages (not for a `cover`, which bleeds on every side): bleed kept on the outside, top and
    bottom only, TrimBox and BleedBox on each, an even count. Colour: black and greys in black
    ink only (K); in the interior, dark colours solid black and other colours as the share of
    black they print as (an interior printed in black ink has no other; told once through
    `warn`); on a cover, colours converted to CMYK through the profile. Images and shadings
    tagged sRGB, transparency blended in CMYK; the output intent and the PDF/X-4 marks unless
    `pdf_variant = "none"`. Dates from `epoch` (SOURCE_DATE_EPOCH), identifiers from the
    content: a rebuild gives the same bytes. With the book's `cache`, the streams recoloured
    by the last pass and unchanged since are taken from it (pressmemo.py).
    """
    import pikepdf

    from octavo.backends.pdf.subsets import unique_subset_tags

    with pikepdf.open(target, allow_overwriting_input=True) as pdf:
        if not cover:
            _bleed_at_outside(pdf)
            if len(pdf.pages) % 2:
                _add_blank(pdf)
        streams = _content_streams(pdf)  # recoloured, then hashed for the document's id
        recipe = f"cover {hashlib.sha256(profile.data).hexdigest()}" if cover else "interior"
        memo = RecolourMemo(cache, recipe) if cache is not None else None
        colours = _recolour(streams, pdf, _through(profile) if cover else _interior,
                            keep_cmyk=cover, memo=memo)
        if not cover:
            _grey_shadings(pdf)
        _srgb_images(pdf)
        _output_intent(pdf, profile)
        unique_subset_tags(pdf)
        _metadata(pdf, streams, meta, epoch, claim=settings.pdf_variant != "none")
        if warn is not None and colours and not cover:
            shades = sorted(colours.items(), key=lambda item: -item[1][3])
            listed = ", ".join(f"{_hex(*rgb)} as {cmyk[3]:.0%}" for rgb, cmyk in shades[:6])
            more = f" and {len(shades) - 6} more" if len(shades) > 6 else ""
            warn(f"the print PDF has black ink only, so the theme's colours print as shades of "
                 f"black: {listed}{more}")
        pages = len(pdf.pages)
        pdf.save(target, deterministic_id=True, force_version="1.6")  # PDF/X-4 is PDF 1.6
    if memo is not None:
        memo.save()
    return pages


def _bleed_at_outside(pdf: Any) -> None:
    """Cut the bleed WeasyPrint puts at the spine: rectos bind on the left, versos on the right."""
    import pikepdf

    for index, page in enumerate(pdf.pages):
        media = [float(v) for v in page.obj.MediaBox]
        trim = [float(v) for v in page.obj.get("/TrimBox", media)]
        recto = index % 2 == 0
        box = pikepdf.Array([trim[0] if recto else media[0], media[1],
                             media[2] if recto else trim[2], media[3]])
        page.obj.MediaBox = box
        page.obj.BleedBox = box
        page.obj.TrimBox = pikepdf.Array(trim)
        if "/CropBox" in page.obj:
            del page.obj["/CropBox"]


def _add_blank(pdf: Any) -> None:
    """A blank verso at the end: a printed sheet has two sides."""
    import pikepdf

    last = pdf.pages[-1].obj
    trim = [float(v) for v in last.TrimBox]
    media = [float(v) for v in last.MediaBox]
    bleed = trim[1] - media[1]
    box = pikepdf.Array([trim[0] - bleed, media[1], trim[2], media[3]])  # a verso
    pdf.pages.append(pikepdf.Page(pikepdf.Dictionary(
        Type=pikepdf.Name.Page, MediaBox=box, BleedBox=box, TrimBox=pikepdf.Array(trim),
        Resources=pikepdf.Dictionary(), Contents=pdf.make_stream(b""))))


def _content_streams(pdf: Any) -> list[Any]:
    """Every stream that paints: pages' contents, form XObjects, tiling patterns, Type 3 glyphs."""
    import pikepdf

    streams: dict[tuple[int, int], Any] = {}
    for page in pdf.pages:
        contents = page.obj.get("/Contents")
        for stream in contents if isinstance(contents, pikepdf.Array) else [contents]:
            if isinstance(stream, pikepdf.Stream):
                streams[stream.objgen] = stream
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Stream):
            continue
        if obj.get("/Subtype") == "/Form" or obj.get("/PatternType") == 1:
            streams[obj.objgen] = obj
        elif obj.get("/Type") == "/Font" and "/CharProcs" in obj:
            for proc in obj.CharProcs.values():
                streams[proc.objgen] = proc
    return list(streams.values())


_NUMBER = rb"[-+]?(?:\d+\.?\d*|\.\d+)"
_DELIMITED = rb"(?<![^\s\[\]()<>{}/%])"
# What a content stream sets colours with, and the strings it must leave alone: literal
# strings (with escapes; one level of nested parentheses) and hex strings.
_COLOUR = re.compile(
    rb"(?P<string>\((?:\\.|[^\\()]|\((?:\\.|[^\\()])*\))*\)|<[0-9A-Fa-f\s]*>)"
    rb"|" + _DELIMITED + rb"(?P<values>(?:" + _NUMBER + rb"\s+){1,3})(?P<operator>rg|RG|g|G)\b"
    rb"|" + _DELIMITED + rb"/(?P<space>[^\s/\[\]()<>{}%]+)\s+(?P<set>cs|CS)\s+"
    rb"(?P<components>(?:" + _NUMBER + rb"\s+){1,4})(?P<special>scn|SCN|sc|SC)\b")
_STROKE = {"RG": True, "G": True, "CS": True, "rg": False, "g": False, "cs": False}
# Lab (CIE 1976) as WeasyPrint writes lab(), lch(), oklab() and oklch(): white points.
_WHITES = {"lab-d50": (0.96422, 1.0, 0.82521), "lab-d65": (0.95047, 1.0, 1.08883)}
_BRADFORD_D50_TO_D65 = ((0.9555766, -0.0230393, 0.0631636), (-0.0282895, 1.0099416, 0.0210077),
                        (0.0122982, -0.0204830, 1.3299098))
_XYZ_TO_SRGB = ((3.2404542, -1.5371385, -0.4985314), (-0.9692660, 1.8760108, 0.0415560),
                (0.0556434, -0.2040259, 1.0572252))


Colour = tuple[float, float, float]
Ink = tuple[float, float, float, float]


def _interior(rgb: Colour) -> Ink:
    """Black ink only: the grey of the colour's lightness, dark ones solid."""
    return (0.0, 0.0, 0.0, _black(1 - _lightness(*rgb)))


def _through(profile: OutputProfile) -> Any:
    """Greys in black ink only; other colours through the profile, from sRGB (a cover's inks)."""
    import io

    from PIL import Image, ImageCms

    srgb = ImageCms.createProfile("sRGB")
    cmyk = ImageCms.ImageCmsProfile(io.BytesIO(profile.data))
    transform = ImageCms.buildTransform(srgb, cmyk, "RGB", "CMYK",
                                        renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC)

    def convert(rgb: Colour) -> Ink:
        if max(rgb) - min(rgb) <= _NEUTRAL:
            return (0.0, 0.0, 0.0, 1 - _lightness(*rgb))
        pixel = Image.new("RGB", (1, 1), tuple(round(c * 255) for c in rgb))
        inks = ImageCms.applyTransform(pixel, transform).getpixel((0, 0))
        return tuple(v / 255 for v in inks)  # type: ignore[return-value]

    return convert


def _recolour(streams: list[Any], pdf: Any, convert: Any, keep_cmyk: bool = False,
              memo: RecolourMemo | None = None) -> dict[Colour, Ink]:
    """Every colour the content `streams` set (RGB, grey, CMYK, Lab, a profile's) set as CMYK
    (k/K) by `convert`, which takes sRGB; CMYK as it was with `keep_cmyk` (a cover). Returns
    the colours that were not grey, with the inks each now prints with. A stream `memo` knows
    is taken from it as the last build recoloured it."""
    import pikepdf

    converted: dict[Colour, Ink] = {}  # in this stream, while it is recoloured
    cache: dict[Colour, Ink] = {}
    every: dict[Colour, Ink] = {}

    def replace(match: re.Match[bytes]) -> bytes:
        if match.group("string") is not None:
            return match.group(0)
        if match.group("operator") is not None:
            operator = match.group("operator").decode()
            space = "DeviceRGB" if operator in ("rg", "RG") else "DeviceGray"
            values = [float(v) for v in match.group("values").split()]
        else:
            operator = match.group("set").decode()
            space = match.group("space").decode()
            values = [float(v) for v in match.group("components").split()]
        if keep_cmyk and space == "DeviceCMYK":
            return match.group(0)
        rgb = _as_rgb(space, values)
        if rgb is None:
            return match.group(0)
        if rgb not in cache:
            cache[rgb] = convert(rgb)
        inks = cache[rgb]
        if max(rgb) - min(rgb) > _NEUTRAL:
            converted[rgb] = inks
        operands = b" ".join(_number(v) for v in inks)
        return operands + (b" K" if _STROKE[operator] else b" k")

    for stream in streams:
        key = memo.key(stream) if memo is not None else ""
        found = memo.get(key) if memo is not None else None
        if found is not None:
            packed, kept = found
            if packed is not None:
                stream.write(packed, filter=pikepdf.Name.FlateDecode)
            every.update((tuple(rgb), tuple(inks)) for rgb, inks in kept)  # type: ignore[misc]
        else:
            converted.clear()
            data = stream.read_bytes()
            # Inline images hold bytes we must not touch.
            new = data if b"ID" in data and re.search(rb"\bBI\b", data) else \
                _COLOUR.sub(replace, data)
            packed = pack(new) if new != data else None
            if packed is not None:  # compressed as the memo keeps it: the same bytes either way
                stream.write(packed, filter=pikepdf.Name.FlateDecode)
            every.update(converted)
            if memo is not None:
                memo.put(key, packed, [[list(rgb), list(inks)] for rgb, inks in converted.items()])
        group = stream.get("/Group")
        if group is not None and group.get("/CS") is not None:
            group.CS = pikepdf.Name.DeviceCMYK
    for page in pdf.pages:
        group = page.obj.get("/Group")
        if group is not None and group.get("/CS") is not None:
            group.CS = pikepdf.Name.DeviceCMYK
    return every


def _as_rgb(space: str, values: list[float]) -> Colour | None:
    """The sRGB colour of `values` in colour space `space`, a resource name (a theme's own
    @color-profile space, "--name", by its number of components); None when unknown."""
    own = space.startswith("--")
    if space in _WHITES:
        return _lab_to_srgb(*values, white=space) if len(values) == 3 else None
    if (space == "DeviceCMYK" or own) and len(values) == 4:
        cyan, magenta, yellow, black = values
        return ((1 - cyan) * (1 - black), (1 - magenta) * (1 - black), (1 - yellow) * (1 - black))
    if (space == "DeviceRGB" or own) and len(values) == 3:
        return (values[0], values[1], values[2])
    if (space == "DeviceGray" or own) and len(values) == 1:
        return (values[0], values[0], values[0])
    return None


def _grey_shadings(pdf: Any) -> None:
    """RGB gradients as the greys of their colours (their functions' end colours), in black."""
    import pikepdf

    def exponential(function: Any) -> list[Any] | None:
        """The RGB interpolations a gradient's function is made of; None for another kind."""
        if not isinstance(function, pikepdf.Dictionary | pikepdf.Stream):
            return None
        if function.get("/FunctionType") == 2:
            ends = [function.get("/C0", [0, 0, 0]), function.get("/C1", [1, 1, 1])]
            return [function] if all(len(end) == 3 for end in ends) else None
        if function.get("/FunctionType") == 3:
            parts = [exponential(part) for part in function.get("/Functions", [])]
            return None if any(p is None for p in parts) else [f for p in parts for f in p or []]
        return None

    for obj in list(pdf.objects):
        if not (isinstance(obj, pikepdf.Dictionary | pikepdf.Stream) and "/ShadingType" in obj
                and obj.get("/ColorSpace") == "/DeviceRGB"):
            continue
        functions = exponential(obj.get("/Function"))
        if functions is None:
            continue
        for function in functions:
            for key, default in (("/C0", [0, 0, 0]), ("/C1", [1, 1, 1])):
                end = [float(v) for v in function.get(key, default)]
                function[key] = pikepdf.Array([_lightness(*end)])
        obj.ColorSpace = pikepdf.Name.DeviceGray


def _lab_to_srgb(lightness: float, a: float, b: float, white: str) -> Colour:
    """CIE Lab (D50 or D65) to sRGB, clipped to its gamut."""

    def f_inverse(t: float) -> float:
        return t ** 3 if t > 6 / 29 else 3 * (6 / 29) ** 2 * (t - 4 / 29)

    fy = (lightness + 16) / 116
    xyz = [w * f_inverse(f) for w, f in zip(_WHITES[white], (fy + a / 500, fy, fy - b / 200),
                                             strict=True)]
    if white == "lab-d50":
        xyz = [sum(m * v for m, v in zip(row, xyz, strict=True)) for row in _BRADFORD_D50_TO_D65]
    linear = [sum(m * v for m, v in zip(row, xyz, strict=True)) for row in _XYZ_TO_SRGB]

    red, green, blue = (_encode(c) for c in linear)
    return (red, green, blue)


def _black(share: float) -> float:
    return 1.0 if share >= SOLID else share


def _lightness(red: float, green: float, blue: float) -> float:
    """sRGB to the grey of the same lightness (CIE Y, then the sRGB curve back)."""
    return _encode(0.2126 * _linear(red) + 0.7152 * _linear(green) + 0.0722 * _linear(blue))


def _linear(c: float) -> float:
    """An sRGB channel without its transfer curve."""
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def _encode(c: float) -> float:
    """A linear channel on the sRGB transfer curve (clipped to 0–1)."""
    c = min(1.0, max(0.0, c))
    return 12.92 * c if c <= 0.0031308 else 1.055 * c ** (1 / 2.4) - 0.055


def _number(value: float) -> bytes:
    value = min(1.0, max(0.0, value))
    return (b"%.4f" % value).rstrip(b"0").rstrip(b".") or b"0"


def _hex(red: float, green: float, blue: float) -> str:
    return "#" + "".join(f"{round(c * 255):02x}" for c in (red, green, blue))


def _srgb_images(pdf: Any) -> None:
    """DeviceRGB images and shadings said to be sRGB: a CMYK press converts them faithfully."""
    import pikepdf

    srgb: Any = None
    for obj in list(pdf.objects):
        if not isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
            continue
        is_image = obj.get("/Subtype") == "/Image"
        if not is_image and "/ShadingType" not in obj:
            continue
        space = obj.get("/ColorSpace")
        if space is None:
            continue
        if srgb is None:
            data = resources.files("weasyprint.pdf").joinpath("sRGB2014.icc").read_bytes()
            srgb = pdf.make_indirect(pikepdf.Array([pikepdf.Name.ICCBased,
                                                    pdf.make_stream(data, N=3)]))
        if space == "/DeviceRGB":
            obj.ColorSpace = srgb
        elif isinstance(space, pikepdf.Array) and len(space) > 1 and space[0] == "/Indexed" \
                and space[1] == "/DeviceRGB":
            space[1] = srgb


def _output_intent(pdf: Any, profile: OutputProfile) -> None:
    import pikepdf

    stream = pdf.make_stream(profile.data, N=4)
    pdf.Root.OutputIntents = pikepdf.Array([pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.OutputIntent, S=pikepdf.Name.GTS_PDFX,
        OutputConditionIdentifier=pikepdf.String(profile.identifier),
        OutputCondition=pikepdf.String(profile.info),
        RegistryName=pikepdf.String(REGISTRY),
        Info=pikepdf.String(profile.info),
        DestOutputProfile=stream))])


def _metadata(pdf: Any, streams: list[Any], meta: Metadata, epoch: int, claim: bool) -> None:
    """Info and XMP alike, dated `epoch`, identified by a hash of the content `streams`."""
    import pikepdf

    when = dt.datetime.fromtimestamp(epoch, dt.UTC)
    digest = hashlib.sha256(meta.identifier.encode("utf-8"))
    for stream in streams:
        digest.update(stream.read_raw_bytes())
    document = uuid.UUID(bytes=digest.digest()[:16], version=4)
    instance = uuid.UUID(bytes=hashlib.sha256(document.bytes + b"print").digest()[:16], version=4)
    authors = ", ".join(meta.authors)
    info = pikepdf.Dictionary(
        Title=pikepdf.String(meta.title), Creator=pikepdf.String("Octavo"),
        Producer=pikepdf.String("Octavo (WeasyPrint, pikepdf)"),
        CreationDate=pikepdf.String(when.strftime("D:%Y%m%d%H%M%SZ")),
        ModDate=pikepdf.String(when.strftime("D:%Y%m%d%H%M%SZ")),
        Trapped=pikepdf.Name("/False"))
    if authors:
        info.Author = pikepdf.String(authors)
    if claim:
        info.GTS_PDFXVersion = pikepdf.String("PDF/X-4")
    pdf.trailer.Info = pdf.make_indirect(info)
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    creators = "".join(f"<rdf:li>{escape(a)}</rdf:li>" for a in meta.authors)
    xmp = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/"
 xmlns:pdf="http://ns.adobe.com/pdf/1.3/" xmlns:pdfxid="http://www.npes.org/pdfx/ns/id/">
<dc:format>application/pdf</dc:format>
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(meta.title)}</rdf:li></rdf:Alt></dc:title>
<dc:creator><rdf:Seq>{creators}</rdf:Seq></dc:creator>
<dc:language><rdf:Bag><rdf:li>{escape(meta.language)}</rdf:li></rdf:Bag></dc:language>
<xmp:CreateDate>{stamp}</xmp:CreateDate>
<xmp:ModifyDate>{stamp}</xmp:ModifyDate>
<xmp:MetadataDate>{stamp}</xmp:MetadataDate>
<xmp:CreatorTool>Octavo</xmp:CreatorTool>
<xmpMM:DocumentID>uuid:{document}</xmpMM:DocumentID>
<xmpMM:InstanceID>uuid:{instance}</xmpMM:InstanceID>
<xmpMM:VersionID>1</xmpMM:VersionID>
<xmpMM:RenditionClass>default</xmpMM:RenditionClass>
<pdf:Producer>Octavo (WeasyPrint, pikepdf)</pdf:Producer>
<pdf:Trapped>False</pdf:Trapped>
{"<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>" if claim else ""}
</rdf:Description>
</rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""
    pdf.Root.Metadata = pdf.make_stream(xmp.encode("utf-8"), Type=pikepdf.Name.Metadata,
                                        Subtype=pikepdf.Name.XML)
