"""Reading a JSONL corpus for the benchmarks: objects with a `text` string; other lines are skipped."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def read_corpus(path: Path, limit: int | None = None, min_words: int = 1) -> list[dict[str, Any]]:
    """The usable records of a JSONL file, in order: at most `limit`, each with at least `min_words`."""
    out: list[dict[str, Any]] = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            try:
                obj = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(obj, dict) and isinstance(obj.get("text"), str) and len(obj["text"].split()) >= min_words:
                out.append(obj)
            if limit and len(out) >= limit:
                break
    return out
