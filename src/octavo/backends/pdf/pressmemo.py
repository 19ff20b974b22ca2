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
import contextlib
import hashlib
import json
import zlib
from pathlib import Path
from typing import Any

FOLDER = "press-colours"
FORMAT = "octavo-press-colours-1"  # changes when what is kept changes meaning
# Colour -> inks, as JSON keeps them: [[red, green, blue], [cyan, magenta, yellow, black]].
Colours = list[list[list[float]]]


class RecolourMemo:
    """The recoloured streams of one book's print PDF, by a keyed hash of the streams' bytes."""

    def __init__(self, cache: Path | None, recipe: str) -> None:
        """`cache`: the book's cache folder, None keeps nothing; `recipe`: what the colours
        were converted by (the interior's black ink, a profile), which enters every key."""
        from octavo.uptodate import cache_subfolder, code_fingerprint, local_secret

        folder = cache_subfolder(cache, FOLDER) if cache is not None else None
        self.path = folder / "streams.json" if folder is not None else None
        self.secret = local_secret()
        self.recipe = f"{FORMAT}\0{code_fingerprint()}\0{recipe}".encode()
        self.old: dict[str, list[Any]] = {}
        self.new: dict[str, list[Any]] = {}
        with contextlib.suppress(OSError, ValueError, AttributeError, RecursionError):
            data = json.loads(self.path.read_text(encoding="utf-8"))  # type: ignore[union-attr]
            if isinstance(data, dict) and data.get("format") == FORMAT \
                    and isinstance(data.get("streams"), dict):
                self.old = {k: v for k, v in data["streams"].items() if _entry(v)}

    def key(self, stream: Any) -> str:
        """The key of a content stream as the PDF stores it: its bytes, filter and parameters."""
        digest = hashlib.sha256(self.secret + b"\0" + self.recipe)
        for part in (repr(stream.get("/Filter")), repr(stream.get("/DecodeParms"))):
            digest.update(part.encode("utf-8") + b"\0")
        digest.update(stream.read_raw_bytes())
        return digest.hexdigest()[:40]

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
        self.new[key] = found
        return data, colours

    def put(self, key: str, packed: bytes | None, colours: Colours) -> None:
        self.new[key] = [None if packed is None else base64.b64encode(packed).decode("ascii"),
                         colours]

    def save(self) -> None:
        """Keep this build's streams (only those), if they are not the ones kept already."""
        if self.path is None or self.new == self.old:
            return
        from octavo.uptodate import write_atomically

        with contextlib.suppress(OSError):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(self.path, json.dumps(
                {"format": FORMAT, "streams": self.new}).encode("utf-8"))


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
