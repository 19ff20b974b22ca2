"""One subset tag per font program, found from the pages: their own fonts, those of the
forms they draw (the margin boxes laid over a joined book's pages) and of their annotations."""

from __future__ import annotations

import pikepdf
from pikepdf import Array, Dictionary, Name

from octavo.backends.pdf.subsets import _fonts, _tag, unique_subset_tags


def _font(pdf: pikepdf.Pdf, name: str, program: bytes) -> pikepdf.Object:
    """A TrueType font whose descriptor embeds `program`, named `name` (a subset tag and all)."""
    descriptor = pdf.make_indirect(Dictionary(
        Type=Name.FontDescriptor, FontName=Name("/" + name),
        FontFile2=pdf.make_stream(program)))
    return pdf.make_indirect(Dictionary(Type=Name.Font, Subtype=Name.TrueType,
                                        BaseFont=Name("/" + name), FontDescriptor=descriptor))


def _form(pdf: pikepdf.Pdf, font: pikepdf.Object) -> pikepdf.Object:
    form = pdf.make_stream(b"BT /F1 9 Tf (7) Tj ET")
    form.Type, form.Subtype = Name.XObject, Name.Form
    form.BBox = Array([0, 0, 100, 100])
    form.Resources = Dictionary(Font=Dictionary(F1=font))
    return form


def _book() -> tuple[pikepdf.Pdf, dict[str, pikepdf.Object]]:
    pdf = pikepdf.new()
    fonts = {name: _font(pdf, f"AAAAAA+{name}", name.encode() * 40)
             for name in ("Text", "Folio", "Field", "Unused")}
    pdf.add_blank_page(page_size=(100, 100))
    page = pdf.pages[0].obj
    # The margin boxes as the join lays them over: a form, its font in its own resources.
    page.Resources = Dictionary(Font=Dictionary(F1=fonts["Text"]),
                                XObject=Dictionary(OctavoMargins=_form(pdf, fonts["Folio"])))
    appearance = _form(pdf, fonts["Field"])
    page.Annots = Array([pdf.make_indirect(Dictionary(
        Type=Name.Annot, Subtype=Name.Widget, Rect=Array([0, 0, 10, 10]),
        AP=Dictionary(N=appearance)))])
    return pdf, fonts


def test_the_fonts_are_found_from_the_pages_forms_and_annotations() -> None:
    pdf, fonts = _book()
    found = {font.objgen for font in _fonts(pdf)}
    assert found == {fonts[name].objgen for name in ("Text", "Folio", "Field")}


def test_each_used_subset_is_named_for_its_program() -> None:
    pdf, fonts = _book()
    assert unique_subset_tags(pdf) == 3  # the fourth is in no page: it is not written
    for name in ("Text", "Folio", "Field"):
        tag = _tag(name.encode() * 40)
        assert str(fonts[name].BaseFont) == f"/{tag}+{name}"
        assert str(fonts[name].FontDescriptor.FontName) == f"/{tag}+{name}"
    assert unique_subset_tags(pdf) == 0
