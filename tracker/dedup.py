"""Near-duplicate detection for stories: MinHash signatures over word shingles, banded for LSH.

Wire copy is republished by many outlets with small edits (a new headline, a trimmed paragraph).
Counting each copy as a separate voice would let one syndicated story outweigh ten independent
reports, so articles whose texts are similar enough share a story id. Pure functions only: the
store keeps the band buckets and looks candidates up; this module says what the buckets are, how
similar two signatures are and which story each new article joins (`stories_for`).
"""

from __future__ import annotations

import re
import zlib
from datetime import date, timedelta
from typing import Any, Iterable, Sequence

import numpy as np

NUM_HASHES = 128
BANDS = 32
ROWS = NUM_HASHES // BANDS
SHINGLE = 3
MIN_WORDS = 25          # shorter texts are too small to compare: each is its own story
THRESHOLD = 0.5         # estimated Jaccard similarity at or above which two texts are one story
WINDOW_DAYS = 3         # candidates are looked for among articles published this close

_WORD = re.compile(r"[a-z0-9]+")
_MASK = np.uint64(0xFFFFFFFFFFFFFFFF)
_rng = np.random.default_rng(20250315)
_SEEDS = _rng.integers(1, 2**63 - 1, size=NUM_HASHES, dtype=np.int64).astype(np.uint64)


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: a fast, well-spread 64-bit hash (uint64 arithmetic wraps). In place on a copy."""
    with np.errstate(over="ignore"):
        x = x ^ (x >> np.uint64(30))
        x *= np.uint64(0xBF58476D1CE4E5B9)
        x ^= x >> np.uint64(27)
        x *= np.uint64(0x94D049BB133111EB)
        x ^= x >> np.uint64(31)
        return x


def signature(text: str) -> np.ndarray | None:
    """The MinHash signature of a text (NUM_HASHES uint64), or None when it is too short to compare."""
    words = _WORD.findall(text.lower())
    if len(words) < MIN_WORDS:
        return None
    ids = np.fromiter(map(zlib.crc32, map(str.encode, words)), dtype=np.uint64, count=len(words))
    with np.errstate(over="ignore"):
        shingles = ids[: len(ids) - SHINGLE + 1].copy()
        for k in range(1, SHINGLE):
            shingles = shingles * np.uint64(1000003) + ids[k: len(ids) - SHINGLE + 1 + k]
    shingles = np.unique(_mix(shingles))
    hashed = _mix(shingles[:, None] ^ _SEEDS[None, :])
    return hashed.min(axis=0)


def bands(sig: np.ndarray) -> list[tuple[int, int]]:
    """(band number, bucket) pairs: two texts that share any bucket are candidate duplicates."""
    rows = sig.reshape(BANDS, ROWS)
    keys = np.array([zlib.crc32(rows[b].tobytes()) | (b << 32) for b in range(BANDS)], dtype=np.uint64)
    return [(b, int(h)) for b, h in enumerate(_mix(keys))]


def similarity(a: np.ndarray | list[int], b: np.ndarray | list[int]) -> float:
    """Estimated Jaccard similarity of the shingle sets behind two signatures."""
    a = np.asarray(a, dtype=np.uint64)
    b = np.asarray(b, dtype=np.uint64)
    return float(np.count_nonzero(a == b)) / NUM_HASHES


def candidate_window(days: Sequence[date | None]) -> tuple[bool, date | None, date | None]:
    """What stored articles to look at for these new articles' days: (any undated, first, last day),
    the window widened by WINDOW_DAYS on each side."""
    dated = [d for d in days if d is not None]
    window = timedelta(days=WINDOW_DAYS)
    return (any(d is None for d in days), min(dated) - window if dated else None,
            max(dated) + window if dated else None)


def stories_for(todo: Sequence[tuple[str, Any, date | None]], banded: dict[str, list[tuple[int, int]]],
                stored: Iterable[tuple[int, str, str, Any, date | None]]) -> dict[str, str]:
    """The story id of each new (article id, signature or None, day): the story of the most similar
    earlier near-duplicate (stored, or earlier in todo) published within WINDOW_DAYS, else its own id.

    banded: each signed article's (band, bucket) pairs; stored: the stored articles sharing a bucket
    with one of them, as (bucket, article id, story id, signature, day) rows.
    """
    out: dict[str, str] = {}
    index: dict[int, list[tuple[str, str, Any, Any]]] = {}
    for bucket, other, story, minhash, day in stored:
        index.setdefault(bucket, []).append((other, story, minhash, day))
    for aid, sig, day in todo:
        if sig is None:
            out[aid] = aid
            continue
        own_buckets = [bucket for _, bucket in banded[aid]]
        candidates: dict[str, tuple[str, Any]] = {}
        for bucket in own_buckets:
            for other, story, other_sig, other_day in index.get(bucket, ()):
                if other == aid or (day is None) != (other_day is None):
                    continue
                if day is not None and abs((other_day - day).days) > WINDOW_DAYS:
                    continue
                candidates[other] = (story, other_sig)
        best, best_sim = aid, 0.0
        for _other, (story, other_sig) in sorted(candidates.items()):
            if other_sig is None:
                continue
            sim = similarity(sig, other_sig)
            if sim >= THRESHOLD and sim > best_sim:
                best, best_sim = story, sim
        out[aid] = best
        for bucket in own_buckets:
            index.setdefault(bucket, []).append((aid, best, sig, day))
    return out
