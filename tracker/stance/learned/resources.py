"""The word lists of the learned decision, read from tracker/data/decide.toml (every key is read).

They are data because a user who meets a new wording ("an air truce", "a stabilisation mission")
should extend a list, not the code. `load(extra)` appends the lists of further files to these.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from tracker.lexicon import merge

TOPICS = ("ceasefire", "peacekeeping")


@dataclass(frozen=True)
class DecideData:
    digest: str
    reach_sentences: int
    anaphors: Mapping[str, frozenset[str]]          # topic -> nouns that may refer back to it
    determiners: frozenset[str]
    topic_regex: Mapping[str, re.Pattern[str]]      # topic -> extra wordings (candidates only)
    contrast: frozenset[str]
    time_past: frozenset[str]
    report: frozenset[str]


def _words(data: Mapping[str, Any], key: str, where: str) -> frozenset[str]:
    value = data.get(key)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{where}: '{key}' must be a list of strings")
    return frozenset(v.lower() for v in value)


def _patterns(data: Mapping[str, Any], key: str, where: str) -> re.Pattern[str]:
    """One case-insensitive pattern from a list of regular expressions (as written: no lower-casing,
    which would turn \\S into \\s)."""
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{where}: '{key}' must be a list of regular expressions (strings)")
    try:
        return re.compile("|".join(f"(?:{p})" for p in value) or r"(?!x)x", re.IGNORECASE)
    except re.error as exc:
        raise ValueError(f"{where}: a pattern of '{key}' is not a valid regular expression ({exc})") from None


def load(extra: Sequence[Path] = ()) -> DecideData:
    """The packaged lists, with any user files' lists appended."""
    raw = resources.files("tracker").joinpath("data/decide.toml").read_bytes()
    data = tomllib.loads(raw.decode("utf-8"))
    digest = hashlib.sha256(raw)
    for path in extra:
        body = Path(path).read_bytes()
        digest.update(body)
        try:
            data = merge(data, tomllib.loads(body.decode("utf-8")))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ValueError(f"{path}: not a valid TOML word list ({exc})") from None
    ana, feats, topics = data["anaphora"], data["features"], data["topics"]
    where = "decide.toml" + "".join(f" + {p}" for p in extra)
    regex = {t: _patterns(topics, t, f"{where} [topics]") for t in TOPICS}
    return DecideData(
        digest=digest.hexdigest()[:10],
        reach_sentences=int(ana["reach_sentences"]),
        anaphors={t: _words(ana, t, f"{where} [anaphora]") for t in TOPICS},
        determiners=_words(ana, "determiners", f"{where} [anaphora]"),
        topic_regex=regex,
        contrast=_words(feats, "contrast", f"{where} [features]"),
        time_past=_words(feats, "time_past", f"{where} [features]"),
        report=_words(feats, "report", f"{where} [features]"),
    )
