"""The conflict registry and the inference of which conflict a sentence is about.

A stance on "a ceasefire" means nothing until we know which war; an article about Gaza may mention
Ukraine in passing, and one sentence may name only "the truce". So a sentence's conflict comes from
the names in it (strong: places and groups that point to one conflict; weak: party names shared by
several), then from the sentences around it, then from the article's dominant conflict, else
`unknown`. The registry is data (tracker/data/conflicts.toml), extendable from the user's config.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from tracker.datafiles import stamps
from tracker.errors import DataFileError

UNKNOWN = "unknown"
STRONG, WEAK = 3, 1
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_KEYS = {"id", "name", "parties", "since", "until", "places", "groups", "phrases", "actors"}


@dataclass(frozen=True)
class Conflict:
    conflict_id: str
    name: str
    parties: tuple[str, ...]
    since: date | None
    until: date | None
    strong: tuple[str, ...]
    weak: tuple[str, ...]
    where: str

    def active_on(self, on: date | None) -> bool:
        if on is None:
            return True
        # A conflict is a candidate from a year before it began (its build-up is reported too).
        if self.since and on < date(self.since.year - 1, self.since.month, min(self.since.day, 28)):
            return False
        return self.until is None or on <= self.until


def _pattern(words: Iterable[str]) -> re.Pattern[str] | None:
    words = sorted({w for w in words if w}, key=len, reverse=True)
    if not words:
        return None
    return re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(w) for w in words) + r")(?![\w-])")


@dataclass
class Registry:
    """All conflicts, with compiled matchers for their strong and weak names."""

    conflicts: dict[str, Conflict]

    def __post_init__(self) -> None:
        self._strong = {cid: _pattern(c.strong) for cid, c in self.conflicts.items()}
        self._weak = {cid: _pattern(c.weak) for cid, c in self.conflicts.items()}

    def scores(self, text: str, on: date | None = None) -> Counter[str]:
        """Weighted count of each conflict's names in a text."""
        out: Counter[str] = Counter()
        if not text:
            return out
        for cid, c in self.conflicts.items():
            if not c.active_on(on):
                continue
            s, w = self._strong[cid], self._weak[cid]
            n = (STRONG * len(s.findall(text)) if s else 0) + (WEAK * len(w.findall(text)) if w else 0)
            if n:
                out[cid] = n
        return out

    def dominant(self, text: str, title: str | None = None, on: date | None = None) -> str:
        """The article's main conflict: clearly ahead of the next one, else unknown."""
        total = self.scores(text, on)
        if title:
            for cid, n in self.scores(title, on).items():
                total[cid] += 2 * n
        return _clear_winner(total, min_score=STRONG, margin=1.5)

    def infer(
        self,
        sentence: str,
        around: Sequence[str] = (),
        article_conflict: str = UNKNOWN,
        on: date | None = None,
    ) -> str:
        """The conflict of a sentence from the names in it and around it, else the article's."""
        total = Counter({cid: 3 * n for cid, n in self.scores(sentence, on).items()})
        for text in around:
            total.update(self.scores(text, on))
        if article_conflict != UNKNOWN and article_conflict in total:
            total[article_conflict] += 2
        found = _clear_winner(total, min_score=WEAK, margin=1.25)
        return found if found != UNKNOWN else article_conflict

    def rows(self) -> list[dict[str, Any]]:
        return [{"conflict_id": c.conflict_id, "name": c.name, "parties": list(c.parties), "since": c.since,
                 "until": c.until, "keywords": list(c.strong + c.weak)} for c in self.conflicts.values()]


def _clear_winner(scores: Mapping[str, int], min_score: int, margin: float) -> str:
    if not scores:
        return UNKNOWN
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
    best, n = ranked[0]
    if n < min_score:
        return UNKNOWN
    if len(ranked) > 1 and n < margin * ranked[1][1]:
        return UNKNOWN
    return best


def _line_of(text: str, conflict_id: str) -> int:
    for i, line in enumerate(text.splitlines(), start=1):
        if re.match(rf'\s*id\s*=\s*"{re.escape(conflict_id)}"', line):
            return i
    return 0


def _parse(path: Path, known_actors: set[str] | None) -> dict[str, Conflict]:
    try:
        text = path.read_text("utf-8")
        data = tomllib.loads(text)
    except FileNotFoundError:
        raise DataFileError(f"Conflict file not found: {path}", hint="fix conflicts.extra in your config") from None
    except tomllib.TOMLDecodeError as exc:
        raise DataFileError(f"{path} is not valid TOML", str(exc)) from None
    out: dict[str, Conflict] = {}
    entries = data.get("conflict")
    if not isinstance(entries, list):
        raise DataFileError(f"{path}: expected [[conflict]] tables", hint="see tracker/data/conflicts.toml")
    for i, entry in enumerate(entries, start=1):
        cid = str(entry.get("id", ""))
        where = f"{path}:{_line_of(text, cid) or '?'}"
        if not _ID.match(cid):
            raise DataFileError(f"{where}: conflict #{i} has a bad id '{cid}'", hint="lower-case words joined by '-'")
        unknown = set(entry) - _KEYS
        if unknown:
            raise DataFileError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}",
                                f"Valid keys: {', '.join(sorted(_KEYS))}.")
        if cid in out:
            raise DataFileError(f"{where}: duplicate conflict id '{cid}'")
        if not entry.get("name"):
            raise DataFileError(f"{where}: conflict '{cid}' needs a name")
        lists = {}
        for key in ("parties", "places", "groups", "phrases", "actors"):
            value = entry.get(key, [])
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise DataFileError(f"{where}: '{key}' of '{cid}' must be a list of strings")
            lists[key] = tuple(value)
        if known_actors is not None:
            bad = [p for p in lists["parties"] if p not in known_actors]
            if bad:
                raise DataFileError(f"{where}: unknown {'party' if len(bad) == 1 else 'parties'} {', '.join(bad)} in '{cid}'",
                                    hint="parties are gazetteer ids such as state:RUS or group:hamas")
        dates: dict[str, date | None] = {}
        for key in ("since", "until"):
            value = entry.get(key)
            if value in (None, ""):
                dates[key] = None
            elif isinstance(value, date):
                dates[key] = value
            else:
                try:
                    dates[key] = date.fromisoformat(str(value))
                except ValueError:
                    raise DataFileError(f"{where}: {key} '{value}' of '{cid}' is not a date (YYYY-MM-DD)") from None
        out[cid] = Conflict(cid, str(entry["name"]), lists["parties"], dates["since"], dates["until"],
                            lists["places"] + lists["groups"] + lists["phrases"], lists["actors"], where)
    return out


def load(extra: Sequence[Path] = (), known_actors: Iterable[str] | None = None) -> Registry:
    """The packaged registry plus the user's files (a conflict with an existing id is replaced)."""
    paths = tuple(Path(p) for p in extra)
    return _load_cached(paths, stamps(paths), frozenset(known_actors) if known_actors is not None else None)


@lru_cache(maxsize=4)
def _load_cached(extra: tuple[Path, ...], _mtimes: tuple[float, ...], known: frozenset[str] | None) -> Registry:
    packaged = Path(str(resources.files("tracker").joinpath("data/conflicts.toml")))
    conflicts = _parse(packaged, set(known) if known is not None else None)
    for p in extra:
        conflicts.update(_parse(p, set(known) if known is not None else None))
    return Registry(conflicts)
