"""The gazetteer's records: states, organisations, persons, their dated roles, and what a name resolves to.

Plain frozen dataclasses, built by tracker.gazetteer_files from the TSV files and held by the Gazetteer
(tracker.actors, which re-exports them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tracker.models import Holder

ROLES = (
    "head_of_state", "head_of_government", "deputy_head_of_government", "foreign_minister",
    "defence_minister", "spokesperson", "national_security_adviser", "envoy", "ambassador", "minister",
    "military_chief", "org_head", "org_official", "group_leader", "opposition_leader", "official",
)
# Offices one person holds at a time: two holders on one day is a data error, and a role phrase
# ("the British prime minister") names exactly one person.
UNIQUE_ROLES = ("head_of_state", "head_of_government", "foreign_minister", "defence_minister")


# --- records ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Where:
    """A file and line, so every validation error can point at its source."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class State:
    iso3: str
    name: str
    aliases: tuple[str, ...]
    weak_aliases: tuple[str, ...]
    demonyms: tuple[str, ...]
    weak_demonyms: tuple[str, ...]
    capital: str
    metonyms: tuple[str, ...]
    status: str
    where: Where

    @property
    def actor_id(self) -> str:
        return f"state:{self.iso3}"


@dataclass(frozen=True)
class Organisation:
    actor_id: str
    code: str | None
    kind: str
    name: str
    aliases: tuple[str, ...]
    weak_aliases: tuple[str, ...]
    parent: str | None
    where: Where

    @property
    def holder_kind(self) -> str:
        return "group" if self.actor_id.startswith("group:") else "org"


@dataclass(frozen=True)
class Person:
    actor_id: str
    name: str
    short: str
    aliases: tuple[str, ...]
    gender: str | None
    where: Where


@dataclass(frozen=True)
class Role:
    person_id: str
    body: str
    role: str
    titles: tuple[str, ...]
    start: date
    end: date | None
    where: Where

    def covers(self, on: date) -> bool:
        return self.start <= on and (self.end is None or on < self.end)


@dataclass(frozen=True)
class Resolution:
    """What a name resolved to: the holder on the date, and how sure the match is."""

    holder: Holder
    form: str          # name | alias | short | title | demonym | capital | metonym | role_phrase | weak
    exact: bool = True


