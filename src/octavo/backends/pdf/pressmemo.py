"""The content streams the last press-ready pass recoloured, kept in the book's cache: after
an edit, only the streams the edit changed are read and recoloured again.

A joined book's unchanged chunks bring their content streams byte for byte, so each stream is
known by a hash of its bytes as stored (and its filter), made with this user's own secret
(uptodate.local_secret) and the colour recipe. What is kept is the recoloured stream, Flate
compressed as the PDF stores it, and the colours it converted (for the build's warning). Only
the entries this build used are kept: the file holds one book's streams.
"""

from __future__ import annotations

import base64
import zlib
from pathlib import Path
from typing import Any

from octavo.uptodate import KeptEntries

FOLDER = "press-colours"
FORMAT = "octavo-press-colours-1"  # changes when what is kept changes meaning
# Colour -> inks, as JSON keeps them: [[red, green, blue], [cyan, magenta, yellow, black]].
Colours = list[list[list[float]]]


class RecolourMemo(KeptEntries):
    """The recoloured streams of one book's print PDF, by a keyed hash of the streams' bytes."""

    def __init__(self, cache: Path | None, recipe: str) -> None:
        """`cache`: the book's cache folder, None keeps nothing; `recipe`: what the colours
        were converted by (the interior's black ink, a profile), which enters every key."""
        from octavo.uptodate import cache_subfolder, code_fingerprint

        folder = cache_subfolder(cache, FOLDER) if cache is not None else None
        super().__init__(folder / "streams.json" if folder is not None else None,
                         f"{FORMAT} {code_fingerprint()}", "streams", _entry)
        self.recipe = recipe.encode("utf-8")

    def key(self, stream: Any) -> str:
        """The key of a content stream as the PDF stores it: its bytes, filter and parameters."""
        return self.digest(self.recipe, repr(stream.get("/Filter")).encode("utf-8"),
                           repr(stream.get("/DecodeParms")).encode("utf-8"),
                           stream.read_raw_bytes())

    def get(self, key: str) -> tuple[bytes | None, Colours] | None:
        """(the recoloured stream, Flate compressed, or None if it was left as it was; the
        colours it converted), as the last build made them; None if not kept."""
        found = self.old.get(key)
        if found is None:
            return None
        packed, colours = found
        try:
            data = None if packed is None else base64.b64decode(packed, validate=True)
        except ValueError:
            return None
        super().get(key)  # kept again by this build
        return data, colours

    def put(self, key: str, packed: bytes | None, colours: Colours) -> None:  # type: ignore[override]
        super().put(key, [None if packed is None else base64.b64encode(packed).decode("ascii"),
                          colours])


def pack(data: bytes) -> bytes:
    """A recoloured stream as the PDF stores it: Flate compressed, the same way every build."""
    return zlib.compress(data, 6)


def _entry(value: object) -> bool:
    """Whether a kept entry has the shape put() gives it (the file may come from anyone)."""
    if not (isinstance(value, list) and len(value) == 2):
        return False
    packed, colours = value
    return (packed is None or isinstance(packed, str)) and isinstance(colours, list) and all(
        isinstance(pair, list) and len(pair) == 2 and isinstance(pair[0], list)
        and isinstance(pair[1], list) and len(pair[0]) == 3 and len(pair[1]) == 4
        and all(isinstance(v, (int, float)) for v in (*pair[0], *pair[1])) for pair in colours)
