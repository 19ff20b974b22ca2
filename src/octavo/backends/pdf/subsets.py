"""One subset tag per font program: chunks laid out apart may give two subsets the same name."""

from __future__ import annotations

import hashlib
import re
from typing import Any

_TAGGED = re.compile(r"^/?([A-Z]{6})\+(.+)$")
FONT_PROGRAMS = ("/FontFile", "/FontFile2", "/FontFile3")  # where a descriptor holds the font


def unique_subset_tags(pdf: Any) -> int:
    """Give every embedded subset a tag made from its own program; returns how many changed.

    ISO 32000 (9.6.4) wants a distinct tag for each subset: a RIP that merges fonts by name
    drops the glyphs one of two same-named subsets lacks. The tag is six capitals taken from
    a hash of the font program, so the same subset keeps the same name on every build.
    """
    import pikepdf

    renamed: dict[tuple[int, int], str] = {}  # descriptor -> its new name
    changed = 0
    for font in _fonts(pdf):
        descriptor = font_descriptor(font)
        if descriptor is None:
            continue
        name = str(descriptor.get("/FontName", ""))
        match = _TAGGED.match(name)
        if match is None:
            continue
        key = descriptor.objgen
        if key not in renamed:
            program = next((descriptor[k] for k in FONT_PROGRAMS if k in descriptor), None)
            if program is None:
                continue
            renamed[key] = f"{_tag(program.read_raw_bytes())}+{match.group(2)}"
            if renamed[key] != name.lstrip("/"):
                changed += 1
            descriptor.FontName = pikepdf.Name("/" + renamed[key])
        new = pikepdf.Name("/" + renamed[key])
        font.BaseFont = new
        for descendant in font.get("/DescendantFonts", []):
            descendant.BaseFont = new
    return changed


def _fonts(pdf: Any) -> list[Any]:
    """Every font dictionary the document's pages use (Type0 parents and simple fonts): in
    their resources, and in those of the forms they draw (the margin boxes laid over them) and
    of their annotations' appearances. Walked from the pages, not over every object: a joined
    book's tag tree is most of its objects."""
    import pikepdf

    fonts: dict[tuple[int, int], Any] = {}
    seen: set[tuple[int, int]] = set()  # forms and resource dictionaries walked

    def walk(resources: Any) -> None:
        if not isinstance(resources, pikepdf.Dictionary):
            return
        if resources.is_indirect:
            if resources.objgen in seen:
                return
            seen.add(resources.objgen)
        found = resources.get("/Font")
        for font in found.values() if isinstance(found, pikepdf.Dictionary) else ():
            if isinstance(font, pikepdf.Dictionary) and font.get("/Type") == "/Font":
                fonts.setdefault(font.objgen if font.is_indirect else (-len(fonts) - 1, 0), font)
                walk(font.get("/Resources"))  # a Type 3 font's glyphs may use fonts
        forms = resources.get("/XObject")
        for form in forms.values() if isinstance(forms, pikepdf.Dictionary) else ():
            if isinstance(form, pikepdf.Stream) and form.get("/Subtype") == "/Form" \
                    and form.objgen not in seen:
                seen.add(form.objgen)
                walk(form.get("/Resources"))

    for page in pdf.pages:
        walk(page.obj.get("/Resources"))
        for annotation in page.obj.get("/Annots") or ():
            appearance = annotation.get("/AP") if isinstance(annotation, pikepdf.Dictionary) \
                else None
            for state in appearance.values() if isinstance(appearance, pikepdf.Dictionary) else ():
                streams = state.values() if isinstance(state, pikepdf.Dictionary) and \
                    not isinstance(state, pikepdf.Stream) else [state]
                for stream in streams:
                    if isinstance(stream, pikepdf.Stream):
                        walk(stream.get("/Resources"))
    return [font for font in fonts.values() if font.get("/Subtype") not in (
        "/CIDFontType2", "/CIDFontType0")]


def font_descriptor(font: Any) -> Any:
    """A font's descriptor: its own, or its descendant's (Type 0); None for a Type 3 font."""
    if "/FontDescriptor" in font:
        return font.FontDescriptor
    for descendant in font.get("/DescendantFonts", []):
        if "/FontDescriptor" in descendant:
            return descendant.FontDescriptor
    return None


def _tag(program: bytes) -> str:
    number = int.from_bytes(hashlib.sha256(program).digest()[:8], "big")
    letters = []
    for _ in range(6):
        number, index = divmod(number, 26)
        letters.append(chr(ord("A") + index))
    return "".join(letters)
