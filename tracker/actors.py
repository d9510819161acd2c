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

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Sequence

# The records and the file reading live in their own modules; their public names are re-exported here.
from tracker.actor_records import ROLES as ROLES
from tracker.actor_records import UNIQUE_ROLES as UNIQUE_ROLES
from tracker.actor_records import Organisation as Organisation
from tracker.actor_records import Person as Person
from tracker.actor_records import Resolution as Resolution
from tracker.actor_records import Role as Role
from tracker.actor_records import State as State
from tracker.actor_records import Where as Where
from tracker.datafiles import stamps
from tracker.gazetteer_files import packaged_dir as packaged_dir
from tracker.gazetteer_files import read_all
from tracker.models import _UNDECOMPOSABLE, Holder

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
            elif (label in ("GPE", "LOC", "NORP") or label == "PERSON" and " " not in key) and places:
                # A lone "Jordan" or "Chad" the parser took for a first name, with no such person known,
                # is the country ("Jordan rejected the plan", "Chad pledged troops").
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


# --- loading (the files are read and checked in tracker.gazetteer_files) -----------------------------

def load(extra: Sequence[Path] = ()) -> Gazetteer:
    """Load the packaged gazetteer plus the user's extra files (their entries win), validated."""
    return _load_cached(tuple(Path(p) for p in extra), stamps(extra))


@lru_cache(maxsize=4)
def _load_cached(extra: tuple[Path, ...], _mtimes: tuple[float, ...]) -> Gazetteer:
    return Gazetteer(*read_all(extra))


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
