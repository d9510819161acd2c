"""What the data loaders (gazetteer, conflicts, lexicon) share about the user's files."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable


def stamps(paths: Iterable[Path | str]) -> tuple[float, ...]:
    """The files' modification times (-1 for one that cannot be read), part of each loader's cache
    key so that editing a file in a running process (a notebook, the daemon) loads it again."""
    out = []
    for p in paths:
        try:
            out.append(Path(p).stat().st_mtime)
        except OSError:
            out.append(-1.0)
    return tuple(out)
