"""What both formats print alike: the title and copyright pages' facts, images, numbers."""

from __future__ import annotations

import base64
import datetime as dt

from octavo.model import Image, Metadata


def page_facts(meta: Metadata, source_epoch: int) -> dict[str, str]:
    """What the title and copyright pages print besides the metadata itself."""
    year = meta.date[:4] if meta.date else str(dt.datetime.fromtimestamp(source_epoch, dt.UTC).year)
    return {
        "year": year,
        "isbn": meta.identifier[9:] if meta.identifier.startswith("urn:isbn:") else "",
        "series_label": "" if meta.series_index is None else f"book {number(meta.series_index)}",
    }


def image_bytes(image: Image) -> bytes:
    """The bytes of an image as the book holds it: converted, or the file as it is."""
    return image.data if image.data is not None else image.source.read_bytes()


def image_url(image: Image) -> str:
    """A URL WeasyPrint can fetch the image from: its file, or a data: URL when converted."""
    if image.data is None:
        return image.source.as_uri()
    return f"data:{image.media_type};base64,{base64.b64encode(image.data).decode('ascii')}"


def number(value: float) -> str:
    """2.0 -> "2", 2.5 -> "2.5"."""
    return str(int(value)) if float(value).is_integer() else str(value)
