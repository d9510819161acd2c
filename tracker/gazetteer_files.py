"""Reading the gazetteer's TSV files (tracker/data/gazetteer/*.tsv and the user's extra files): each
row checked, every error naming its file and line, and the whole validated (no two holders of one office
on one day). tracker.actors builds the Gazetteer from what read_all returns.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Iterable, Sequence

from tracker.actor_records import ROLES, UNIQUE_ROLES, Organisation, Person, Role, State, Where
from tracker.errors import DataFileError
from tracker.models import slugify

_BASE_STATE_COLS = ("iso3", "name", "aliases", "demonyms", "capital", "metonyms", "status")
_ORG_COLS = ("id", "code", "kind", "name", "aliases", "parent")
_PERSON_COLS = ("id", "name", "short", "aliases", "gender")
_ROLE_COLS = ("person", "body", "role", "title", "start", "end")
_ORG_KINDS = ("igo", "armed_group", "movement")
_STATUS = ("member", "observer", "other")


# --- reading files -----------------------------------------------------------------------------------

def split_cell(cell: str) -> list[str]:
    return [x.strip() for x in cell.split("|") if x.strip()]


def read_tsv(path: Path, columns: Sequence[str], required: int | None = None) -> list[tuple[Where, dict[str, str]]]:
    """Rows of a gazetteer TSV with their line numbers; a wrong header or column count is an error."""
    name = str(path)
    try:
        text = path.read_text("utf-8")
    except UnicodeDecodeError as exc:
        raise DataFileError(f"{name} is not UTF-8", str(exc), "save it as UTF-8") from None
    except OSError as exc:
        raise DataFileError(f"Cannot read {name}", str(exc)) from None
    rows: list[tuple[Where, dict[str, str]]] = []
    header: list[str] | None = None
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = line.split("\t")
        if header is None:
            header = [c.strip() for c in cells]
            missing = [c for c in columns[: required or len(columns)] if c not in header]
            if missing:
                raise DataFileError(
                    f"{name}:{lineno}: header lacks column(s) {', '.join(missing)}",
                    f"Expected tab-separated columns: {', '.join(columns)}.",
                    "see tracker/data/gazetteer/README.md",
                )
            continue
        if len(cells) > len(header):
            raise DataFileError(f"{name}:{lineno}: {len(cells)} cells, header has {len(header)}",
                                "A stray tab, or a list separated by tabs instead of '|'?")
        cells += [""] * (len(header) - len(cells))
        rows.append((Where(name, lineno), {h: c.strip() for h, c in zip(header, cells)}))
    if header is None:
        raise DataFileError(f"{name} is empty", hint="it needs a header row")
    return rows


def parse_date(value: str, where: Where, column: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise DataFileError(f"{where}: {column} '{value}' is not a date", hint="write dates as YYYY-MM-DD") from None


def strong_and_weak(items: Iterable[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    strong: list[str] = []
    weak: list[str] = []
    for item in items:
        (weak if item.startswith("?") else strong).append(item.lstrip("?").strip())
    return tuple(strong), tuple(weak)


def packaged_dir() -> Path:
    return Path(str(resources.files("tracker").joinpath("data/gazetteer")))


def files_by_kind(folder_or_files: Iterable[Path]) -> dict[str, list[Path]]:
    """Sort gazetteer files by kind: states, organisations, persons*, roles*."""
    kinds: dict[str, list[Path]] = defaultdict(list)
    for p in folder_or_files:
        paths = sorted(p.glob("*.tsv")) if p.is_dir() else [p]
        if not p.exists():
            raise DataFileError(f"Gazetteer path not found: {p}", hint="fix gazetteer.extra in your config")
        for f in paths:
            stem = f.stem
            if stem.startswith("states"):
                kinds["states"].append(f)
            elif stem.startswith("organisations") or stem.startswith("organizations"):
                kinds["orgs"].append(f)
            elif stem.startswith("persons"):
                kinds["persons"].append(f)
            elif stem.startswith("roles"):
                kinds["roles"].append(f)
            else:
                raise DataFileError(
                    f"Gazetteer file {f} has an unknown kind",
                    "Names must start with states, organisations, persons or roles.",
                )
    return kinds




# --- loading and validation ----------------------------------------------------------------------------------

def load_states(files: list[Path], override: bool, into: dict[str, State]) -> None:
    for f in files:
        for where, row in read_tsv(f, _BASE_STATE_COLS, required=2):
            iso3 = row["iso3"]
            if not re.fullmatch(r"[A-Z]{3}", iso3):
                raise DataFileError(f"{where}: '{iso3}' is not an ISO 3166-1 alpha-3 code",
                                    hint="three capital letters, e.g. GBR")
            if not row["name"]:
                raise DataFileError(f"{where}: state {iso3} has no name")
            status = row.get("status") or "member"
            if status not in _STATUS:
                raise DataFileError(f"{where}: status '{status}' is not one of {', '.join(_STATUS)}")
            aliases, weak = strong_and_weak(split_cell(row.get("aliases", "")))
            demonyms, weak_dem = strong_and_weak(split_cell(row.get("demonyms", "")))
            name = row["name"]
            if name in weak:
                aliases = tuple(a for a in aliases if a != name)
            state = State(iso3, name, aliases, weak, demonyms, weak_dem, row.get("capital", ""),
                          tuple(split_cell(row.get("metonyms", ""))), status, where)
            prev = into.get(iso3)
            if prev is not None and (not override or prev.where.file == where.file):
                raise DataFileError(f"{where}: duplicate state {iso3} (first at {prev.where})")
            into[iso3] = state


def load_orgs(files: list[Path], override: bool, into: dict[str, Organisation]) -> None:
    for f in files:
        for where, row in read_tsv(f, _ORG_COLS, required=4):
            oid = row["id"]
            if not re.fullmatch(r"(org:[A-Z0-9][A-Z0-9-]*|group:[a-z0-9][a-z0-9-]*)", oid):
                raise DataFileError(f"{where}: bad organisation id '{oid}'",
                                    hint="org:CODE (capitals) or group:slug (lower case)")
            kind = row["kind"]
            if kind not in _ORG_KINDS:
                raise DataFileError(f"{where}: kind '{kind}' is not one of {', '.join(_ORG_KINDS)}")
            code = row.get("code") or None
            if oid.startswith("group:") and code:
                raise DataFileError(f"{where}: {oid} is a group and must not carry a country code",
                                    hint="leave the code column empty for group: entries")
            if oid.startswith("org:") and not code:
                raise DataFileError(f"{where}: {oid} needs a code (what its officials' statements carry)")
            aliases, weak = strong_and_weak(split_cell(row.get("aliases", "")))
            prev = into.get(oid)
            if prev is not None and (not override or prev.where.file == where.file):
                raise DataFileError(f"{where}: duplicate id {oid} (first at {prev.where})")
            into[oid] = Organisation(oid, code, kind, row["name"], aliases, weak, row.get("parent") or None, where)


def load_persons(files: list[Path], override: bool, into: dict[str, Person]) -> None:
    for f in files:
        for where, row in read_tsv(f, _PERSON_COLS, required=3):
            pid, name = row["id"], row["name"]
            if not name:
                raise DataFileError(f"{where}: person {pid} has no name")
            want = f"person:{slugify(name)}"
            if pid != want:
                raise DataFileError(f"{where}: id '{pid}' does not follow the slug rule for '{name}'",
                                    hint=f"use {want}")
            gender = row.get("gender") or None
            if gender not in (None, "m", "f"):
                raise DataFileError(f"{where}: gender '{gender}' must be m, f or empty")
            prev = into.get(pid)
            if prev is not None and (not override or prev.where.file == where.file):
                raise DataFileError(f"{where}: duplicate person {pid} (first at {prev.where})")
            into[pid] = Person(pid, name, row.get("short", ""), tuple(split_cell(row.get("aliases", ""))), gender, where)


def load_roles(files: list[Path], persons: dict[str, Person], bodies: set[str]) -> dict[str, list[Role]]:
    roles: dict[str, list[Role]] = defaultdict(list)
    for f in files:
        for where, row in read_tsv(f, _ROLE_COLS, required=5):
            pid = row["person"]
            if pid not in persons:
                raise DataFileError(f"{where}: unknown person '{pid}'", hint="add them to a persons file first")
            body = row["body"]
            if body not in bodies:
                raise DataFileError(f"{where}: unknown body '{body}'",
                                    "A body is an ISO3 code from states.tsv or an id from organisations.tsv.")
            role = row["role"]
            if role not in ROLES:
                raise DataFileError(f"{where}: unknown role '{role}'", f"Valid roles: {', '.join(ROLES)}.")
            start = parse_date(row["start"], where, "start")
            if start is None:
                raise DataFileError(f"{where}: a role needs a start date")
            end = parse_date(row.get("end", ""), where, "end")
            if end is not None and end <= start:
                raise DataFileError(f"{where}: end {end} is not after start {start}")
            roles[pid].append(Role(pid, body, role, tuple(split_cell(row.get("title", ""))), start, end, where))
    return roles


def validate_roles(roles: dict[str, list[Role]]) -> None:
    by_office: dict[tuple[str, str], list[Role]] = defaultdict(list)
    for pid, plist in roles.items():
        mine: dict[tuple[str, str], list[Role]] = defaultdict(list)
        for r in plist:
            mine[(r.body, r.role)].append(r)
            if r.role in UNIQUE_ROLES:
                by_office[(r.body, r.role)].append(r)
        for rows in mine.values():
            rows.sort(key=lambda r: r.start)
            for a, b in zip(rows, rows[1:]):
                if a.end is None or b.start < a.end:
                    raise DataFileError(f"{b.where}: {pid} already holds {b.role} of {b.body} then (see {a.where})",
                                        hint="close the earlier row with an end date, or merge the rows")
    for (body, role), rows in by_office.items():
        rows.sort(key=lambda r: r.start)
        for i, a in enumerate(rows):
            for b in rows[i + 1:]:
                if a.end is not None and b.start >= a.end:
                    break
                if a.person_id != b.person_id:
                    raise DataFileError(
                        f"{b.where}: {b.person_id} and {a.person_id} both hold {role} of {body} on {b.start}",
                        f"The other row is {a.where}. End dates are exclusive: the day the successor took office.",
                        "fix the dates so the terms do not overlap",
                    )


def read_all(extra: Sequence[Path]) -> tuple[dict[str, State], dict[str, Organisation], dict[str, Person],
                                           dict[str, list[Role]], str]:
    """The packaged files plus the user's extra ones (their entries win), validated: states, organisations,
    persons, roles by person, and a hash of every file read (the gazetteer's version)."""
    base = files_by_kind([packaged_dir()])
    user = files_by_kind(list(extra))
    states: dict[str, State] = {}
    orgs: dict[str, Organisation] = {}
    persons: dict[str, Person] = {}
    # Packaged files must not repeat an id; a user's file replaces the packaged entry with its id.
    load_states(base["states"], False, states)
    load_states(user["states"], True, states)
    load_orgs(base["orgs"], False, orgs)
    load_orgs(user["orgs"], True, orgs)
    for o in orgs.values():
        if o.parent and o.parent not in orgs:
            raise DataFileError(f"{o.where}: parent '{o.parent}' of {o.actor_id} is not defined")
    load_persons(base["persons"], False, persons)
    load_persons(user["persons"], True, persons)
    bodies = set(states) | set(orgs)
    roles = load_roles(base["roles"], persons, bodies)
    # A user file that lists roles for a person replaces that person's packaged roles.
    roles.update(load_roles(user["roles"], persons, bodies))
    validate_roles(roles)
    h = hashlib.sha1()
    for f in sorted({*sum(base.values(), []), *sum(user.values(), [])}):
        h.update(str(f.name).encode())
        h.update(f.read_bytes())
    return states, orgs, persons, dict(roles), h.hexdigest()
