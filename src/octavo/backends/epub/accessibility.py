"""The EPUB's accessibility metadata (EPUB Accessibility 1.1), from what the book holds.

Each claim is made only when the book bears it out: alternative text when every image has
it (or is marked decorative), print page numbers when there is a page-list, a WCAG
conformance claim only when nothing is known to fail it. The [accessibility] table of
book.toml overrides any of them.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from octavo.backends.base import Problem
from octavo.text import has_xml_invalid

CONFORMANCE = "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"
# The claims EPUB Accessibility 1.1 defines (WCAG 2.0, 2.1 or 2.2, Level A, AA or AAA), and
# 1.0's URLs: a store reads them as written, and "WCAG 9" would claim nothing real.
_CONFORMANCE = re.compile(r"EPUB Accessibility 1\.1 - WCAG 2\.[012] Level A{1,3}"
                          r"|http://www\.idpf\.org/epub/a11y/accessibility-20170105\.html#wcag-a{1,3}")
# The values schema.org and the W3C's accessibility vocabulary define for each property.
ACCESS_MODES = ("auditory", "chartOnVisual", "chemOnVisual", "colorDependent",
                "diagramOnTactile", "diagramOnVisual", "mathOnVisual", "musicOnVisual",
                "tactile", "textOnVisual", "textual", "visual")
SUFFICIENT_MODES = ("auditory", "tactile", "textual", "visual")
FEATURES = ("alternativeText", "annotations", "ARIA", "audioDescription", "bookmarks",
            "braille", "captions", "ChemML", "closedCaptions", "describedMath",
            "displayTransformability", "fullRubyAnnotations", "highContrastAudio",
            "highContrastDisplay", "horizontalWriting", "index", "largePrint", "latex",
            "longDescription", "MathML", "none", "openCaptions", "pageBreakMarkers",
            "pageNavigation", "printPageNumbers", "readingOrder", "rubyAnnotations",
            "signLanguage", "structuralNavigation", "synchronizedAudioText", "tableOfContents",
            "tactileGraphic", "tactileObject", "taggedPDF", "timingControl", "transcript",
            "ttsMarkup", "unlocked", "verticalWriting", "withAdditionalWordSegmentation",
            "withoutAdditionalWordSegmentation")
HAZARDS = ("flashing", "motionSimulation", "noFlashingHazard", "noMotionSimulationHazard",
           "noSoundHazard", "none", "sound", "unknown", "unknownFlashingHazard",
           "unknownMotionSimulationHazard", "unknownSoundHazard")


@dataclass(frozen=True)
class AccessibilitySettings:
    """The [accessibility] table: each value set there replaces what Octavo would declare."""

    access_modes: tuple[str, ...] | None = None
    access_mode_sufficient: tuple[str, ...] | None = None
    features: tuple[str, ...] | None = None
    hazards: tuple[str, ...] | None = None
    summary: str | None = None
    conforms_to: str | None = None  # "": claim no conformance
    certified_by: str | None = None
    certifier_credential: str = ""
    certifier_report: str = ""  # a URL


@dataclass(frozen=True)
class BookFacts:
    """What the EPUB holds, as far as its accessibility goes."""

    images: int  # images in the text (the cover is not counted)
    without_alt: int  # of those, how many have no text alternative and are not decorative
    animated: int  # images that move (an animated GIF or PNG, an SVG with animation)
    page_list: bool  # a marker for every printed page, and a page-list, from the print edition
    page_source: str = ""  # the print edition they come from
    checked_by: str = ""  # who vouches for a conformance claim when no certifier is named


def read_accessibility(data: dict[str, Any], problem: Problem) -> AccessibilitySettings:
    """AccessibilitySettings from the [accessibility] table; each bad value is reported."""
    values: dict[str, Any] = {}
    lists = {"access_modes": ACCESS_MODES, "features": FEATURES, "hazards": HAZARDS,
             "access_mode_sufficient": SUFFICIENT_MODES}
    for key, allowed in lists.items():
        if key not in data:
            continue
        value = data[key]
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            problem(key, 'must be a list of strings, e.g. ["textual"]')
            continue
        if not items:
            problem(key, 'must name at least one value ("none" when there is none)')
            continue
        checked = []
        for item in items:
            # accessModeSufficient's values are sets of modes: "textual,visual".
            words = [w.strip() for w in item.split(",")] if key == "access_mode_sufficient" \
                else [item.strip()]
            wrong = [w for w in words if w not in allowed]
            for word in wrong:
                close = difflib.get_close_matches(word, allowed, n=1)
                hint = f' (did you mean "{close[0]}"?)' if close else \
                    f"; use {', '.join(allowed[:6])}, …"
                problem(key, f"{word!r} is not a value of this property{hint}")
            if not wrong:
                checked.append(",".join(words))
        if "none" in checked and len(checked) > 1:
            problem(key, '"none" cannot stand beside other values')
        values[key] = tuple(dict.fromkeys(checked))
    for key in ("summary", "conforms_to", "certified_by", "certifier_credential",
                "certifier_report"):
        if key not in data:
            continue
        value = data[key]
        if key == "conforms_to" and value is False:
            values[key] = ""
        elif not isinstance(value, str) or (key != "conforms_to" and not value.strip()):
            problem(key, "must be a string" + (' (or false: claim none)'
                                               if key == "conforms_to" else ""))
        elif has_xml_invalid(value):
            bad = next(c for c in value if has_xml_invalid(c))
            problem(key, f"holds the control character U+{ord(bad):04X}, which a book cannot "
                         "hold; remove it")
        elif key == "conforms_to" and not _CONFORMANCE.fullmatch(value.strip()):
            problem(key, f"{value!r} is not a conformance EPUB Accessibility defines, such as "
                         '"EPUB Accessibility 1.1 - WCAG 2.2 Level AA" (or false: claim none)')
        elif key == "certifier_report":
            address = urlsplit(value.strip())
            if address.scheme not in ("https", "http") or not address.netloc \
                    or any(c.isspace() for c in value.strip()):
                problem(key, "must be the address of the report (https://…)")
            else:
                values[key] = value.strip()
        else:
            values[key] = " ".join(value.split())
    return AccessibilitySettings(**values)


def declarations(facts: BookFacts, settings: AccessibilitySettings) -> list[tuple[str, str]]:
    """The (property, value) pairs of the package metadata, in the order they are written."""
    modes = settings.access_modes or (("textual", "visual") if facts.images else ("textual",))
    described = facts.without_alt == 0
    sufficient = settings.access_mode_sufficient or _sufficient(facts, described)
    features = settings.features or _features(facts, described)
    hazards = settings.hazards or (("unknownFlashingHazard", "noMotionSimulationHazard",
                                    "noSoundHazard") if facts.animated else ("none",))
    conforms = settings.conforms_to if settings.conforms_to is not None else (
        CONFORMANCE if described and not facts.animated else "")
    summary = settings.summary or _summary(facts, described, conforms)
    pairs = [("schema:accessMode", mode) for mode in modes]
    pairs += [("schema:accessModeSufficient", mode) for mode in sufficient]
    pairs += [("schema:accessibilityFeature", feature) for feature in features]
    pairs += [("schema:accessibilityHazard", hazard) for hazard in hazards]
    pairs.append(("schema:accessibilitySummary", summary))
    if conforms:
        pairs.append(("dcterms:conformsTo", conforms))
    return pairs


def certifier(facts: BookFacts, settings: AccessibilitySettings) -> tuple[str, str, str] | None:
    """(certified by, credential, report URL): the certifier named in [accessibility], else,
    for a conformance claim, Octavo's own checks; None when nothing is claimed or named."""
    if settings.certified_by:
        return settings.certified_by, settings.certifier_credential, settings.certifier_report
    claimed = any(name == "dcterms:conformsTo" for name, _ in declarations(facts, settings))
    return (facts.checked_by, "", "") if claimed and facts.checked_by else None


def _sufficient(facts: BookFacts, described: bool) -> tuple[str, ...]:
    if not facts.images:
        return ("textual",)
    if described:
        return ("textual", "textual,visual")
    return ("textual,visual",)


def _features(facts: BookFacts, described: bool) -> tuple[str, ...]:
    features = ["tableOfContents", "readingOrder", "structuralNavigation", "ARIA",
                "displayTransformability"]
    if facts.images and described:
        features.append("alternativeText")
    if facts.page_list:
        features += ["printPageNumbers", "pageNavigation"]
    return tuple(features)


def _summary(facts: BookFacts, described: bool, conforms: str) -> str:
    parts = []
    if conforms:
        parts.append(f"This publication meets {conforms.replace(' - ', ': ')}.")
    parts.append("It has a table of contents, a heading for every chapter and a logical "
                 "reading order; its text can be resized and restyled.")
    if facts.images and described:
        parts.append(f"Every image ({facts.images}) has a text alternative or is marked "
                     "decorative.")
    elif facts.images:
        verb = "has" if facts.without_alt == 1 else "have"
        parts.append(f"{facts.without_alt} of its {facts.images} image(s) {verb} no text "
                     "alternative.")
    if facts.page_list:
        parts.append(f"Page numbers follow the print edition ({facts.page_source}).")
    if facts.animated:
        parts.append("It holds moving images, not checked for flashing.")
    else:
        parts.append("It has no flashing, motion or sound hazards.")
    return " ".join(parts)
