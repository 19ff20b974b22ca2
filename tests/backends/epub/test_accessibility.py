"""Accessibility metadata and DPUB-ARIA roles: declared from what the book holds, overridable."""

from __future__ import annotations

import zipfile
from pathlib import Path

from conftest import BASIC_TOML, epubcheck, tiny_png
from lxml import etree

from octavo.backends.epub.accessibility import (
    CONFORMANCE,
    AccessibilitySettings,
    BookFacts,
    certifier,
    declarations,
    read_accessibility,
)
from octavo.backends.epub.write import ROLES

OPF = {"opf": "http://www.idpf.org/2007/opf"}
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"


def metadata(epub: Path) -> list[tuple[str, str]]:
    with zipfile.ZipFile(epub) as zf:
        opf = etree.fromstring(zf.read("EPUB/content.opf"))
    return [(m.get("property"), m.text or "") for m in opf.iterfind(".//opf:metadata/opf:meta", OPF)
            if m.get("property")]


def values(pairs: list[tuple[str, str]], name: str) -> list[str]:
    return [value for prop, value in pairs if prop == name]


def facts(**changes: object) -> BookFacts:
    base = {"images": 0, "without_alt": 0, "animated": 0, "page_list": False,
            "checked_by": "Octavo (automated checks)"}
    return BookFacts(**{**base, **changes})  # type: ignore[arg-type]


def test_text_only_book_declares_textual_and_conformance() -> None:
    pairs = declarations(facts(), AccessibilitySettings())
    assert values(pairs, "schema:accessMode") == ["textual"]
    assert values(pairs, "schema:accessModeSufficient") == ["textual"]
    assert values(pairs, "schema:accessibilityHazard") == ["none"]
    assert "alternativeText" not in values(pairs, "schema:accessibilityFeature")
    assert "printPageNumbers" not in values(pairs, "schema:accessibilityFeature")
    assert values(pairs, "dcterms:conformsTo") == [CONFORMANCE]


def test_claims_follow_the_images_and_the_page_list() -> None:
    described = declarations(facts(images=2, page_list=True, page_source="urn:isbn:1"),
                             AccessibilitySettings())
    assert values(described, "schema:accessMode") == ["textual", "visual"]
    assert values(described, "schema:accessModeSufficient") == ["textual", "textual,visual"]
    features = values(described, "schema:accessibilityFeature")
    assert {"alternativeText", "printPageNumbers", "pageNavigation"} <= set(features)
    assert "urn:isbn:1" in values(described, "schema:accessibilitySummary")[0]
    # One image without alt text: no alternativeText, no conformance, text alone not enough.
    missing = declarations(facts(images=2, without_alt=1), AccessibilitySettings())
    assert "alternativeText" not in values(missing, "schema:accessibilityFeature")
    assert values(missing, "schema:accessModeSufficient") == ["textual,visual"]
    assert values(missing, "dcterms:conformsTo") == []
    assert "1 of its 2 image(s) has no text alternative" in values(
        missing, "schema:accessibilitySummary")[0]
    # Octavo vouches for a conformance claim it made, never for none; a named certifier wins.
    assert certifier(facts(), AccessibilitySettings()) == ("Octavo (automated checks)", "", "")
    assert certifier(facts(images=2, without_alt=1), AccessibilitySettings()) is None
    assert certifier(facts(images=2, without_alt=1), AccessibilitySettings(
        certified_by="Quiet Press")) == ("Quiet Press", "", "")
    moving = declarations(facts(images=1, animated=1), AccessibilitySettings())
    assert "unknownFlashingHazard" in values(moving, "schema:accessibilityHazard")
    assert values(moving, "dcterms:conformsTo") == []


def test_the_table_is_checked_value_by_value() -> None:
    problems: list[tuple[str, str]] = []
    settings = read_accessibility({
        "access_modes": ["textual", "visaul"], "summary": 3,
        "access_mode_sufficient": ["textual,visual", "textual, aural"],
        "conforms_to": False, "certifier_report": "file:///etc/passwd", "features": [],
        "certified_by": "Quiet\x01Press", "hazards": ["none", "flashing"],
    }, lambda key, message: problems.append((key, message)))
    assert problems == [
        ("access_modes", "'visaul' is not a value of this property (did you mean \"visual\"?)"),
        ("features", 'must name at least one value ("none" when there is none)'),
        ("hazards", '"none" cannot stand beside other values'),
        ("access_mode_sufficient", "'aural' is not a value of this property; use auditory, "
                                   "tactile, textual, visual, …"),
        ("summary", "must be a string"),
        ("certified_by", "holds the control character U+0001, which a book cannot hold; "
                         "remove it"),
        ("certifier_report", "must be the address of the report (https://…)"),
    ]
    assert settings.conforms_to == ""
    for address in ("https://exa mple.org/a", "https://", "ftp://example.org/r"):
        problems.clear()
        read_accessibility({"certifier_report": address}, lambda k, m: problems.append((k, m)))
        assert problems == [("certifier_report", "must be the address of the report (https://…)")]
    assert settings.access_mode_sufficient == ("textual,visual",)


def test_a_conformance_claim_is_one_the_standard_defines() -> None:
    # "WCAG 9" went into the package as a claim and into the summary a reader is shown.
    def problems_of(claim: str) -> tuple[list[tuple[str, str]], str | None]:
        found: list[tuple[str, str]] = []
        settings = read_accessibility({"conforms_to": claim}, lambda k, m: found.append((k, m)))
        return found, settings.conforms_to

    for claim in ("WCAG 9", "EPUB Accessibility 1.1 - WCAG 2.2 Level AAAA", "yes", ""):
        assert problems_of(claim)[0] == [(
            "conforms_to", f"{claim!r} is not a conformance EPUB Accessibility defines, such as "
            '"EPUB Accessibility 1.1 - WCAG 2.2 Level AA" (or false: claim none)')], claim
    for claim in ("EPUB Accessibility 1.1 - WCAG 2.0 Level A",
                  " EPUB Accessibility 1.1 - WCAG 2.1 Level AAA ",
                  "http://www.idpf.org/epub/a11y/accessibility-20170105.html#wcag-aa"):
        assert problems_of(claim) == ([], claim.strip())


def test_book_toml_overrides_what_octavo_declares(make_book, octavo) -> None:  # type: ignore[no-untyped-def]
    toml = BASIC_TOML + """
[accessibility]
features = ["tableOfContents", "readingOrder"]
summary = "Checked by hand by the Quiet Press."
certified_by = "Quiet Press"
certifier_credential = "Benetech Global Certified Accessible"
certifier_report = "https://example.org/report"
"""
    root = make_book({"book.toml": toml, "manuscript/01.md": "# One\n\nText here.\n"})
    result = octavo("build", root)
    assert result.code == 0, result.err
    epub = root / "dist" / "a-test-book.epub"
    pairs = metadata(epub)
    assert values(pairs, "schema:accessibilityFeature") == ["tableOfContents", "readingOrder"]
    assert values(pairs, "schema:accessibilitySummary") == ["Checked by hand by the Quiet Press."]
    assert values(pairs, "a11y:certifiedBy") == ["Quiet Press"]
    assert values(pairs, "a11y:certifierCredential") == ["Benetech Global Certified Accessible"]
    with zipfile.ZipFile(epub) as zf:
        assert b'<link rel="a11y:certifierReport" refines="#certifier" ' \
               b'href="https://example.org/report"' in zf.read("EPUB/content.opf")
    assert epubcheck(epub) == []


def test_a_misspelt_claim_stops_the_build(make_book, octavo) -> None:  # type: ignore[no-untyped-def]
    toml = BASIC_TOML + '\n[accessibility]\nhazards = ["nothing"]\n'
    root = make_book({"book.toml": toml, "manuscript/01.md": "# One\n\nText.\n"})
    result = octavo("build", root)
    assert result.code == 3
    assert "book.toml: [accessibility] hazards: 'nothing' is not a value of this property" \
        in result.err


def test_images_without_alt_text_withdraw_the_claims(make_book, octavo) -> None:  # type: ignore[no-untyped-def]
    root = make_book({"book.toml": BASIC_TOML, "images/a.png": tiny_png(),
                      "manuscript/01.md": "# One\n\n![](../images/a.png)\n\n"
                                          "![a red square](../images/a.png)\n"})
    result = octavo("build", root)
    assert result.code == 0, result.err
    assert "has no alt text" in result.err
    pairs = metadata(root / "dist" / "a-test-book.epub")
    assert values(pairs, "schema:accessMode") == ["textual", "visual"]
    assert values(pairs, "dcterms:conformsTo") == []
    assert "alternativeText" not in values(pairs, "schema:accessibilityFeature")


def test_every_epub_type_carries_its_role(make_book, octavo) -> None:  # type: ignore[no-untyped-def]
    root = make_book({
        "book.toml": BASIC_TOML,
        "manuscript/00-dedication.md": "For Ada.\n",
        "manuscript/01-foreword.md": "# Foreword\n\nBefore.\n",
        "manuscript/02.md": "# One\n\nA note.[^1]\n\n[^1]: The note.\n",
        "manuscript/03-epilogue.md": "# Epilogue\n\nAfter.\n",
        "manuscript/04-acknowledgements.md": "# Thanks\n\nThanks.\n",
    })
    assert octavo("build", root).code == 0
    seen = set()
    with zipfile.ZipFile(root / "dist" / "a-test-book.epub") as zf:
        for name in zf.namelist():
            if not name.endswith(".xhtml"):
                continue
            for el in etree.fromstring(zf.read(name)).iter():
                for kind in (el.get(EPUB_TYPE) or "").split():
                    tag = etree.QName(el).localname
                    if kind in ROLES and tag in ROLES[kind][1]:
                        assert el.get("role") == ROLES[kind][0], (name, kind, tag)
                        seen.add(kind)
    assert {"dedication", "foreword", "chapter", "epilogue", "acknowledgments", "footnote",
            "noteref", "toc"} <= seen
