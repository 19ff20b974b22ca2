"""One book, every edition: the main edition and each [editions.NAME], each skipped if up to date."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from octavo.diagnostics import Diagnostics
from octavo.uptodate import build_request, read_stamp, up_to_date

TYPE_CHECKING = False  # octavo.build loads the backends: only when something is built
if TYPE_CHECKING:
    from octavo.build import Output


@dataclass
class EditionBuilt:
    """What building one edition did: the files written, or the files found up to date."""

    edition: str  # "": the main edition
    diagnostics: Diagnostics
    outputs: list[Output] = field(default_factory=list)  # written by this build
    kept: list[Path] = field(default_factory=list)  # up to date: the files already there
    seconds: float = 0.0

    @property
    def up_to_date(self) -> bool:
        return not self.outputs


def build_editions(root: Path, formats: tuple[str, ...] | None = None, theme: str | None = None,
                   out_dir: Path | None = None, jobs: int | None = None, progress: bool = False,
                   edition: str | None = None, cluster: str | None = None) -> Iterator[EditionBuilt]:
    """Build the main edition, then every edition book.toml names (or only `edition`), each
    edition whose inputs changed; yield each as it lands. An error stops at that edition."""
    names = [edition] if edition is not None else [""]
    position = 0
    while position < len(names):
        name = names[position]
        position += 1
        # Every edition but one named alone builds only the formats it asks for itself.
        within = bool(name) and edition is None
        request = build_request(root, formats, theme, out_dir, name, within)
        started = time.perf_counter()
        diagnostics = Diagnostics()
        stamp = up_to_date(root, request)
        if stamp is not None:
            diagnostics.warnings.extend(stamp.warnings)
            done = EditionBuilt(name, diagnostics, kept=[Path(p) for p in stamp.outputs])
        else:
            from octavo.build import build

            if not name and edition is None:
                _check_editions(root)  # an edition's mistake stops the build before any file
            outputs = build(root, diagnostics, formats=formats, theme_name=theme, out_dir=out_dir,
                            jobs=jobs, progress=progress, edition=name, within=within,
                            cluster=cluster)
            done = EditionBuilt(name, diagnostics, outputs=outputs)
            stamp = read_stamp(root, name)
        done.seconds = time.perf_counter() - started
        if not name and edition is None:
            names += stamp.editions if stamp is not None else _editions(root)
        yield done


def _check_editions(root: Path) -> None:
    """Read every edition's settings, so that a mistake in one is reported (a ConfigError)
    before the main edition's files are written, not after."""
    from octavo.config import load_config

    for name in load_config(root, Diagnostics()).editions:
        load_config(root, Diagnostics(), name)


def _editions(root: Path) -> list[str]:
    """book.toml's editions, read again (when the main edition's stamp could not be kept)."""
    from octavo.config import load_config

    return list(load_config(root, Diagnostics()).editions)
