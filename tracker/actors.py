"""The gazetteer: states, organisations, armed groups, and persons with dated roles.

Stance is worthless if it lands on the wrong holder, and who holds an office changes (Sunak to
Starmer, Biden to Trump, Scholz to Merz), so a person resolves to the country and role they held on
the article's date. The knowledge is data (tracker/data/gazetteer/*.tsv, see its README), validated
on load with errors naming file and line, and extendable from the user's config: an entry in a user
file replaces the packaged entry with the same id.

Ambiguity is explicit: a short name shared by several persons ("Sharif"), or a name that is also a
place ("Jordan"), resolves only when the article's context or the date singles one out, never by
taking the first match.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, Sequence

from tracker.datafiles import stamps
from tracker.errors import DataFileError
from tracker.models import _UNDECOMPOSABLE, Holder, slugify

ROLES = (
    "head_of_state", "head_of_government", "deputy_head_of_government", "foreign_minister",
    "defence_minister", "spokesperson", "national_security_adviser", "envoy", "ambassador", "minister",
    "military_chief", "org_head", "org_official", "group_leader", "opposition_leader", "official",
)
# Offices one person holds at a time: two holders on one day is a data error, and a role phrase
# ("the British prime minister") names exactly one person.
UNIQUE_ROLES = ("head_of_state", "head_of_government", "foreign_minister", "defence_minister")
# When a person holds several offices on a date, the statement carries the most senior.
_ROLE_RANK = {r: i for i, r in enumerate((
    "head_of_state", "head_of_government", "org_head", "group_leader", "foreign_minister", "defence_minister",
    "deputy_head_of_government", "national_security_adviser", "envoy", "minister", "military_chief",
    "spokesperson", "ambassador", "org_official", "official", "opposition_leader",
))}
# Offices whose holder speaks for their state or organisation; an opposition leader does not.
_SPEAKS_FOR_BODY = set(ROLES) - {"opposition_leader"}

GENERIC_TITLES: dict[str, tuple[str, ...]] = {
    "head_of_state": ("President", "head of state"),
    "head_of_government": ("Prime Minister", "PM", "Premier", "head of government"),
    "deputy_head_of_government": ("Deputy Prime Minister", "Vice Premier"),
    "foreign_minister": ("Foreign Minister", "Minister of Foreign Affairs", "top diplomat"),
    "defence_minister": ("Defence Minister", "Defense Minister", "Minister of Defence", "Minister of Defense"),
    "spokesperson": ("spokesman", "spokeswoman", "spokesperson"),
    "national_security_adviser": ("National Security Adviser", "National Security Advisor"),
    "envoy": ("envoy", "special envoy"),
    "ambassador": ("ambassador",),
    "minister": ("minister",),
    "military_chief": ("army chief", "military chief", "chief of staff"),
    "org_head": ("chief", "head", "Secretary General", "Secretary-General", "President"),
    "org_official": ("official",),
    "group_leader": ("leader", "chief"),
    "opposition_leader": ("opposition leader",),
    "official": ("official",),
}
# Words written before a name that are not part of it.
_HONORIFICS = ("Mr", "Mr.", "Mrs", "Mrs.", "Ms", "Ms.", "Dr", "Dr.", "Sheikh", "Sir", "Dame", "General", "Gen.",
               "Lt. Gen.", "Field Marshal", "Marshal", "Prince", "Emir", "King", "Sultan", "President-elect")

_BASE_STATE_COLS = ("iso3", "name", "aliases", "demonyms", "capital", "metonyms", "status")
_ORG_COLS = ("id", "code", "kind", "name", "aliases", "parent")
_PERSON_COLS = ("id", "name", "short", "aliases", "gender")
_ROLE_COLS = ("person", "body", "role", "title", "start", "end")
_ORG_KINDS = ("igo", "armed_group", "movement")
_STATUS = ("member", "observer", "other")


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


# --- reading files -----------------------------------------------------------------------------------

def _split(cell: str) -> list[str]:
    return [x.strip() for x in cell.split("|") if x.strip()]


def _read_tsv(path: Path, columns: Sequence[str], required: int | None = None) -> list[tuple[Where, dict[str, str]]]:
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


def _date(value: str, where: Where, column: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise DataFileError(f"{where}: {column} '{value}' is not a date", hint="write dates as YYYY-MM-DD") from None


def _weak(items: Iterable[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    strong: list[str] = []
    weak: list[str] = []
    for item in items:
        (weak if item.startswith("?") else strong).append(item.lstrip("?").strip())
    return tuple(strong), tuple(weak)


def packaged_dir() -> Path:
    return Path(str(resources.files("tracker").joinpath("data/gazetteer")))


def _files(folder_or_files: Iterable[Path]) -> dict[str, list[Path]]:
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


# --- name normalisation --------------------------------------------------------------------------------

_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2010": "-", "\u2011": "-",
                         "\u2013": "-", "\u00a0": " "})


def fold(text: str) -> str:
    """Accents removed, curly quotes straightened, spaces collapsed; case kept."""
    text = unicodedata.normalize("NFKD", text.translate(_QUOTES).translate(_UNDECOMPOSABLE))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.split())


def _strip_article(text: str) -> str:
    return re.sub(r"^(the|The)\s+", "", text)


def _strip_possessive(text: str) -> str:
    return re.sub(r"\s*'s?$", "", text)


def name_key(text: str) -> str:
    """The exact lookup key of a name: folded, without a leading 'the' or a trailing possessive."""
    folded = _strip_article(fold(text).strip(" ,;:\"'"))
    return _strip_possessive(folded).strip(" .,;:\"'")


def _is_acronym(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters) and len(letters) <= 5


# --- the gazetteer ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Entry:
    actor_id: str
    form: str
    weak: bool = False


@dataclass
class Gazetteer:
    """States, organisations and persons with dated roles, indexed by every name they go by."""

    states: dict[str, State]
    orgs: dict[str, Organisation]
    persons: dict[str, Person]
    roles: dict[str, list[Role]]
    digest: str
    exact: dict[str, list[_Entry]] = field(default_factory=dict)
    folded: dict[str, list[_Entry]] = field(default_factory=dict)
    titles: dict[str, set[tuple[str, str]]] = field(default_factory=dict)  # title (lower) -> {(body, role)}
    own_titles: dict[str, set[tuple[str, str]]] = field(default_factory=dict)  # from the roles files only
    body_names: dict[str, str] = field(default_factory=dict)              # lower name/demonym -> body id
    ambiguous_shorts: dict[str, tuple[str, ...]] = field(default_factory=dict)

    # building ---------------------------------------------------------------------------------------
    def __post_init__(self) -> None:
        self._index()

    def _add(self, name: str, entry: _Entry) -> None:
        key = name_key(name)
        if not key:
            return
        bucket = self.exact.setdefault(key, [])
        if entry not in bucket:
            bucket.append(entry)
        if not _is_acronym(key):
            fb = self.folded.setdefault(key.casefold(), [])
            if entry not in fb:
                fb.append(entry)

    def _index(self) -> None:
        for s in self.states.values():
            for n in (s.name, *s.aliases):
                if n not in s.weak_aliases:
                    self._add(n, _Entry(s.actor_id, "name"))
            for n in s.weak_aliases:
                self._add(n, _Entry(s.actor_id, "name", weak=True))
            for n in s.demonyms:
                self._add(n, _Entry(s.actor_id, "demonym"))
            for n in s.weak_demonyms:
                self._add(n, _Entry(s.actor_id, "demonym", weak=True))
            if s.capital:
                self._add(s.capital, _Entry(s.actor_id, "capital"))
            for n in s.metonyms:
                self._add(n, _Entry(s.actor_id, "metonym"))
            for n in (s.name, *s.aliases, *s.demonyms):
                self.body_names.setdefault(name_key(n).casefold(), s.iso3)
        for o in self.orgs.values():
            for n in (o.name, *o.aliases):
                self._add(n, _Entry(o.actor_id, "name"))
            for n in o.weak_aliases:
                self._add(n, _Entry(o.actor_id, "name", weak=True))
            for n in (o.name, *o.aliases):
                self.body_names.setdefault(name_key(n).casefold(), o.actor_id)
        shorts: dict[str, list[str]] = defaultdict(list)
        for p in self.persons.values():
            self._add(p.name, _Entry(p.actor_id, "name"))
            for n in p.aliases:
                self._add(n, _Entry(p.actor_id, "alias"))
            if p.short:
                shorts[name_key(p.short)].append(p.actor_id)
        place_keys = {k for k, es in self.exact.items() if any(not e.actor_id.startswith("person:") for e in es)}
        alias_owners = {k: {e.actor_id for e in es if e.actor_id.startswith("person:")} for k, es in self.exact.items()}
        for key, ids in shorts.items():
            others = alias_owners.get(key, set()) - set(ids)
            clash = len(ids) > 1 or key in place_keys or bool(others)
            for pid in ids:
                self._add(key, _Entry(pid, "short", weak=clash))
            if clash:
                # A full alias of someone else that equals this short name is ambiguous too
                # ("Rodriguez"): weaken every entry of the key so context has to decide.
                for bucket in (self.exact.get(key, []), self.folded.get(key.casefold(), [])):
                    for i, e in enumerate(bucket):
                        if e.actor_id.startswith("person:") and not e.weak:
                            bucket[i] = _Entry(e.actor_id, e.form, weak=True)
                self.ambiguous_shorts[key] = tuple(sorted(set(ids) | others))
        for plist in self.roles.values():
            for r in plist:
                for t in (*r.titles, *GENERIC_TITLES.get(r.role, ())):
                    self.titles.setdefault(fold(t).casefold(), set()).add((r.body, r.role))
                for t in r.titles:
                    self.own_titles.setdefault(fold(t).casefold(), set()).add((r.body, r.role))

    # lookups ----------------------------------------------------------------------------------------
    def body_country(self, body: str) -> str | None:
        """What a statement's country column carries for a body: ISO3, org code, or None for a group."""
        if body in self.states:
            return body
        org = self.orgs.get(body)
        return org.code if org else None

    def roles_on(self, person_id: str, on: date) -> list[Role]:
        """The offices a person held on a date, most senior first."""
        held = [r for r in self.roles.get(person_id, ()) if r.covers(on)]
        return sorted(held, key=lambda r: (_ROLE_RANK.get(r.role, 99), r.start))

    def office_holder(self, body: str, role: str, on: date) -> str | None:
        """The one person holding a unique office of a body on a date, if the gazetteer knows them."""
        found = {r.person_id for plist in self.roles.values() for r in plist
                 if r.body == body and r.role == role and r.covers(on)}
        return found.pop() if len(found) == 1 else None

    def holder(self, actor_id: str, on: date | None) -> Holder | None:
        """The Holder record of an actor id on a date (a person carries the office held then)."""
        if actor_id.startswith("state:"):
            s = self.states.get(actor_id[6:])
            return Holder(actor_id, s.name, "state", s.iso3, "government") if s else None
        if actor_id.startswith(("org:", "group:")):
            o = self.orgs.get(actor_id)
            if o is None:
                return None
            return Holder(actor_id, o.name, o.holder_kind, o.code or None, "organisation" if o.code else "group")
        p = self.persons.get(actor_id)
        if p is None:
            return None
        if on is None:
            return Holder(actor_id, p.name, "person", None, None)
        for r in self.roles_on(actor_id, on):
            if r.role in _SPEAKS_FOR_BODY:
                return Holder(actor_id, p.name, "person", self.body_country(r.body), r.role)
        return Holder(actor_id, p.name, "person", None, None)

    def _pick_person(self, ids: Sequence[str], on: date | None, context: Sequence[str], title_roles: set[tuple[str, str]]) -> str | None:
        """Choose among persons sharing a name: by title, then by the article's earlier mentions, then by office."""
        ids = list(dict.fromkeys(ids))
        if len(ids) == 1:
            return ids[0]
        if title_roles and on is not None:
            fitting = [pid for pid in ids if any((r.body, r.role) in title_roles or r.role in {tr for _, tr in title_roles}
                                                for r in self.roles_on(pid, on))]
            if len(fitting) == 1:
                return fitting[0]
        for ctx in reversed(list(context)):
            if ctx in ids:
                return ctx
        if on is not None:
            in_office = [pid for pid in ids if self.roles_on(pid, on)]
            if len(in_office) == 1:
                return in_office[0]
        return None

    def _split_title(self, text: str) -> tuple[str, set[tuple[str, str]], str | None]:
        """'Prime Minister Meloni' -> ('Meloni', {(ITA, head_of_government), ...}, body hint)."""
        words = text.split()
        best: tuple[str, set[tuple[str, str]], str | None] = (text, set(), None)
        for i in range(1, len(words)):
            head, rest = " ".join(words[:i]), " ".join(words[i:])
            head_clean = head.strip(",")
            if head_clean in _HONORIFICS:
                best = (rest, set(), None)
                continue
            body_hint = None
            title_words = head_clean
            hw = head_clean.split()
            for j in range(len(hw) - 1, 0, -1):
                prefix = name_key(" ".join(hw[:j]))
                bid = self.body_names.get(prefix.casefold())
                if bid:
                    body_hint, title_words = bid, " ".join(hw[j:])
                    break
            roles = self.titles.get(fold(title_words).casefold())
            if roles:
                if body_hint:
                    roles = {br for br in roles if br[0] == body_hint} or roles
                best = (rest, roles, body_hint)
        return best

    def resolve(
        self,
        text: str,
        on: date | datetime | None = None,
        context: Sequence[str] = (),
        label: str | None = None,
    ) -> Resolution | None:
        """Resolve a name, metonym, title or role phrase to its holder on a date, or None.

        context: actor ids mentioned earlier in the article (most recent last), used to settle
        ambiguous short names. label: the parser's entity label, if any; an alias that is also
        something else (?Jordan) is trusted only when the parser saw a place (GPE/LOC).
        """
        if isinstance(on, datetime):
            on = on.date()
        key = name_key(text)
        if not key:
            return None
        found = self._lookup(key, on, context, label, set())
        if found:
            return found
        rest, title_roles, body_hint = self._split_title(key)
        if rest != key:
            found = self._lookup(name_key(rest), on, context, label, title_roles)
            if found:
                return found
        return self._role_phrase(key, on)

    def _lookup(self, key: str, on: date | None, context: Sequence[str], label: str | None,
                title_roles: set[tuple[str, str]]) -> Resolution | None:
        entries = self.exact.get(key) or self.folded.get(key.casefold()) or []
        if not entries:
            return None
        exact = key in self.exact
        if label == "PERSON" or title_roles:
            # The parser or a title says a person is meant: "Prime Minister Montenegro", "Türk".
            persons = [e for e in entries if e.actor_id.startswith("person:")]
            if persons:
                entries = persons
        strong = [e for e in entries if not e.weak]
        weak = [e for e in entries if e.weak]
        pick: list[_Entry] = strong
        if not strong:
            person_ids = [e.actor_id for e in weak if e.actor_id.startswith("person:")]
            places = [e for e in weak if not e.actor_id.startswith("person:")]
            if label in ("PERSON",) and person_ids:
                pid = self._pick_person(person_ids, on, context, title_roles)
                pick = [_Entry(pid, "short")] if pid else []
            elif label in ("GPE", "LOC", "NORP") and places:
                pick = places if len({e.actor_id for e in places}) == 1 else []
            elif title_roles and person_ids:
                pid = self._pick_person(person_ids, on, context, title_roles)
                pick = [_Entry(pid, "short")] if pid else []
            else:
                ids = [e.actor_id for e in weak]
                ctx_hits = [c for c in reversed(list(context)) if c in ids]
                pick = [_Entry(ctx_hits[0], "short")] if ctx_hits else []
        if not pick:
            return None
        ids = list(dict.fromkeys(e.actor_id for e in pick))
        if len(ids) > 1:
            several = [i for i in ids if i.startswith("person:")]
            if len(several) == len(ids):
                chosen = self._pick_person(several, on, context, title_roles)
                if chosen is None:
                    return None
                ids = [chosen]
            else:
                return None
        entry = next(e for e in pick if e.actor_id == ids[0])
        holder = self.holder(ids[0], on)
        if holder is None:
            return None
        return Resolution(holder, entry.form, exact)

    def _role_phrase(self, key: str, on: date | None) -> Resolution | None:
        """'the British prime minister', "Russia's foreign minister", 'NATO Secretary General', 'the UN chief'.

        An office's own titles ("UN chief", "Foreign Secretary") are tried before the generic ones
        ("chief", "minister"), and a phrase names someone only when exactly one person fits.
        """
        if on is None:
            return None
        m = re.match(r"^(?:the\s+)?(?P<title>[A-Za-z][A-Za-z .-]*?)\s+of\s+(?:the\s+)?(?P<body>[A-Z].*)$", key)
        if m and self.body_names.get(name_key(m.group("body")).casefold()):
            # "the prime minister of Lebanon" is "Lebanon's prime minister"
            key = f"{m.group('body')} {m.group('title')}"
        whole = fold(key).casefold()
        if whole in self.own_titles:
            found = self._holders_of_offices(self.own_titles[whole], None, on)
            if len(found) == 1:
                return self._as_role_phrase(found.pop(), on)
        words = key.split()
        for i in range(len(words) - 1, 0, -1):
            body_text = _strip_possessive(" ".join(words[:i]))
            title = fold(" ".join(words[i:])).casefold()
            bid = self.body_names.get(name_key(body_text).casefold())
            if not bid:
                continue
            # The office may sit in a body of the named organisation ("the UN chief" heads the Secretariat).
            family = {bid} | {o.actor_id for o in self.orgs.values() if o.parent == bid}
            for table in (self.own_titles, self.titles):
                if title not in table:
                    continue
                found = self._holders_of_offices(table[title], family, on)
                if len(found) == 1:
                    return self._as_role_phrase(found.pop(), on)
                if found:
                    break
        return None

    def _holders_of_offices(self, offices: set[tuple[str, str]], family: set[str] | None, on: date) -> set[str]:
        found = set()
        for body, role in offices:
            if (family is not None and body not in family) or role not in UNIQUE_ROLES + ("org_head",):
                continue
            pid = self.office_holder(body, role, on)
            if pid:
                found.add(pid)
        return found

    def _as_role_phrase(self, pid: str, on: date) -> Resolution | None:
        holder = self.holder(pid, on)
        return Resolution(holder, "role_phrase", True) if holder else None

    def gender(self, person_id: str) -> str | None:
        p = self.persons.get(person_id)
        return p.gender if p else None

    # patterns for spaCy ------------------------------------------------------------------------------------
    def entity_patterns(self) -> list[dict[str, Any]]:
        """EntityRuler patterns: every unambiguous name with its canonical id as ent_id_.

        Ambiguous forms (shared short names, ?aliases) get an id starting with '?', which tells the
        scorer to resolve them with context; the ruler still marks them so the statistical NER does
        not split or mislabel them.
        """
        patterns: list[dict[str, Any]] = []
        seen: set[tuple[str, str]] = set()

        def add(label: str, text: str, ent_id: str) -> None:
            text = _strip_article(text.strip())
            if not text or (text, ent_id) in seen:
                return
            seen.add((text, ent_id))
            patterns.append({"label": label, "pattern": text, "id": ent_id})
            fx = fold(text)
            if fx != text and (fx, ent_id) not in seen:
                seen.add((fx, ent_id))
                patterns.append({"label": label, "pattern": fx, "id": ent_id})

        for s in self.states.values():
            for n in (s.name, *s.aliases, s.capital):
                if n and n not in s.weak_aliases:
                    add("GPE", n, s.actor_id)
            for n in s.demonyms:
                add("NORP", n, s.actor_id)
            for n in s.metonyms:
                add("ORG" if " " in n or n[:1].isupper() else "GPE", n, s.actor_id)
        for o in self.orgs.values():
            for n in (o.name, *o.aliases):
                add("ORG", n, o.actor_id)
        for p in self.persons.values():
            for n in (p.name, *p.aliases):
                # One pattern per name that points to this person only ("Erdoğan" and "Erdogan"
                # are two entries of one person, not an ambiguity).
                if {e.actor_id for e in self.exact.get(name_key(n), [])} == {p.actor_id}:
                    add("PERSON", n, p.actor_id)
            if p.short:
                key = name_key(p.short)
                add("PERSON", p.short, p.actor_id if key not in self.ambiguous_shorts else f"?{key}")
        # Longest patterns first, so "Ursula von der Leyen" wins over "von der Leyen".
        patterns.sort(key=lambda p: -len(p["pattern"]))
        return patterns


# --- loading and validation ----------------------------------------------------------------------------------

def _load_states(files: list[Path], override: bool, into: dict[str, State]) -> None:
    for f in files:
        for where, row in _read_tsv(f, _BASE_STATE_COLS, required=2):
            iso3 = row["iso3"]
            if not re.fullmatch(r"[A-Z]{3}", iso3):
                raise DataFileError(f"{where}: '{iso3}' is not an ISO 3166-1 alpha-3 code",
                                    hint="three capital letters, e.g. GBR")
            if not row["name"]:
                raise DataFileError(f"{where}: state {iso3} has no name")
            status = row.get("status") or "member"
            if status not in _STATUS:
                raise DataFileError(f"{where}: status '{status}' is not one of {', '.join(_STATUS)}")
            aliases, weak = _weak(_split(row.get("aliases", "")))
            demonyms, weak_dem = _weak(_split(row.get("demonyms", "")))
            name = row["name"]
            if name in weak:
                aliases = tuple(a for a in aliases if a != name)
            state = State(iso3, name, aliases, weak, demonyms, weak_dem, row.get("capital", ""),
                          tuple(_split(row.get("metonyms", ""))), status, where)
            prev = into.get(iso3)
            if prev is not None and (not override or prev.where.file == where.file):
                raise DataFileError(f"{where}: duplicate state {iso3} (first at {prev.where})")
            into[iso3] = state


def _load_orgs(files: list[Path], override: bool, into: dict[str, Organisation]) -> None:
    for f in files:
        for where, row in _read_tsv(f, _ORG_COLS, required=4):
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
            aliases, weak = _weak(_split(row.get("aliases", "")))
            prev = into.get(oid)
            if prev is not None and (not override or prev.where.file == where.file):
                raise DataFileError(f"{where}: duplicate id {oid} (first at {prev.where})")
            into[oid] = Organisation(oid, code, kind, row["name"], aliases, weak, row.get("parent") or None, where)


def _load_persons(files: list[Path], override: bool, into: dict[str, Person]) -> None:
    for f in files:
        for where, row in _read_tsv(f, _PERSON_COLS, required=3):
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
            into[pid] = Person(pid, name, row.get("short", ""), tuple(_split(row.get("aliases", ""))), gender, where)


def _load_roles(files: list[Path], persons: dict[str, Person], bodies: set[str]) -> dict[str, list[Role]]:
    roles: dict[str, list[Role]] = defaultdict(list)
    for f in files:
        for where, row in _read_tsv(f, _ROLE_COLS, required=5):
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
            start = _date(row["start"], where, "start")
            if start is None:
                raise DataFileError(f"{where}: a role needs a start date")
            end = _date(row.get("end", ""), where, "end")
            if end is not None and end <= start:
                raise DataFileError(f"{where}: end {end} is not after start {start}")
            roles[pid].append(Role(pid, body, role, tuple(_split(row.get("title", ""))), start, end, where))
    return roles


def _validate_roles(roles: dict[str, list[Role]]) -> None:
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


def load(extra: Sequence[Path] = ()) -> Gazetteer:
    """Load the packaged gazetteer plus the user's extra files (their entries win), validated."""
    return _load_cached(tuple(Path(p) for p in extra), stamps(extra))


@lru_cache(maxsize=4)
def _load_cached(extra: tuple[Path, ...], _mtimes: tuple[float, ...]) -> Gazetteer:
    base = _files([packaged_dir()])
    user = _files(list(extra))
    states: dict[str, State] = {}
    orgs: dict[str, Organisation] = {}
    persons: dict[str, Person] = {}
    # Packaged files must not repeat an id; a user's file replaces the packaged entry with its id.
    _load_states(base["states"], False, states)
    _load_states(user["states"], True, states)
    _load_orgs(base["orgs"], False, orgs)
    _load_orgs(user["orgs"], True, orgs)
    for o in orgs.values():
        if o.parent and o.parent not in orgs:
            raise DataFileError(f"{o.where}: parent '{o.parent}' of {o.actor_id} is not defined")
    _load_persons(base["persons"], False, persons)
    _load_persons(user["persons"], True, persons)
    bodies = set(states) | set(orgs)
    roles = _load_roles(base["roles"], persons, bodies)
    # A user file that lists roles for a person replaces that person's packaged roles.
    roles.update(_load_roles(user["roles"], persons, bodies))
    _validate_roles(roles)
    h = hashlib.sha1()
    for f in sorted({*sum(base.values(), []), *sum(user.values(), [])}):
        h.update(str(f.name).encode())
        h.update(f.read_bytes())
    return Gazetteer(states, orgs, persons, dict(roles), h.hexdigest())


def reference_rows(g: Gazetteer) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Rows for the store's actors and actor_roles tables."""
    actors: list[dict[str, Any]] = []
    for s in g.states.values():
        actors.append({"actor_id": s.actor_id, "kind": "state", "name": s.name, "code": s.iso3,
                       "aliases": list(s.aliases + s.weak_aliases + s.demonyms + s.metonyms +
                                       ((s.capital,) if s.capital else ())), "gender": None})
    for o in g.orgs.values():
        actors.append({"actor_id": o.actor_id, "kind": o.holder_kind, "name": o.name, "code": o.code,
                       "aliases": list(o.aliases + o.weak_aliases), "gender": None})
    for p in g.persons.values():
        actors.append({"actor_id": p.actor_id, "kind": "person", "name": p.name, "code": None,
                       "aliases": [x for x in (p.short, *p.aliases) if x], "gender": p.gender})
    roles = [{"person_id": r.person_id, "body": r.body, "country": g.body_country(r.body), "role": r.role,
              "titles": list(r.titles), "start_date": r.start, "end_date": r.end}
             for plist in g.roles.values() for r in plist]
    return actors, roles
