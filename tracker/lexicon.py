"""The stance lexicon: topic terms, cue words, negation, conditions and hedges, loaded from data.

What the scorer reads is data (tracker/data/lexicon.toml) so that analysts can extend it without
touching code: a user's file lists extra words, which are appended. Loading validates every key and
type and compiles the matchers once; the scorer receives the frozen result.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from tracker.datafiles import stamps
from tracker.errors import DataFileError

# section -> key -> expected type ("list", "str", "int", "table-list")
_SCHEMA: dict[str, dict[str, str]] = {
    "": {"version": "str"},
    "topics.ceasefire": {"terms": "list", "patterns": "list", "inverse_patterns": "list", "intent_patterns": "list",
                         "weak": "list", "not_topic": "list"},
    "topics.peacekeeping": {"terms": "list", "patterns": "list", "contextual_patterns": "list", "contextual": "list",
                            "anchors": "list", "not_topic": "list", "combat": "list"},
    "evaluation": {"verbs": "list", "positive": "list", "negative": "list", "end_states": "list",
                   "speculation": "list", "open_places": "list", "untimely": "list", "moments": "list", "wrong_moments": "list",
                   "enabling_verbs": "list", "regroup_words": "list", "violation_nouns": "list",
                   "harder": "list", "easier": "list"},
    "speech": {"verbs": "list", "announce": "list"},
    "predicates.support": {"verbs": "list", "light_verbs": "list", "adjectives": "list", "nouns": "list"},
    "predicates.oppose": {"verbs": "list", "adjectives": "list", "nouns": "list"},
    "predicates.neutral": {"verbs": "list"},
    "predicates.epistemic": {"verbs": "list"},
    "predicates.accusation": {"verbs": "list"},
    "predicates.desire": {"words": "list"},
    "predicates.claim": {"verbs": "list"},
    "predicates.wish": {"verbs": "list"},
    "predicates.deliberate": {"verbs": "list"},
    "predicates.continuation": {"verbs": "list"},
    "predicates.continuing": {"verbs": "list"},
    "predicates.pressure": {"verbs": "list"},
    "predicates.meeting": {"verbs": "list"},
    "predicates.outcome": {"verbs": "list"},
    "predicates.intent": {"verbs": "list", "adjectives": "list"},
    "nouns": {"transparent": "list", "proposals": "list", "meetings": "list", "mediators": "list",
              "penalties": "list", "other_parties": "list", "human_roles": "list", "hypotheses": "list"},
    "demand": {"verbs": "list", "modals": "list"},
    "negation": {"words": "list", "phrases": "list", "nobody": "list"},
    "conditional": {"markers": "list", "precondition": "list", "conditioned": "list"},
    "hedge": {"markers": "list"},
    "institutions": {"nouns": "list", "official_titles": "list", "refer_back": "list", "qualifiers": "list"},
    "hygiene": {"line_patterns": "list", "heading_max_words": "int", "furniture_max_words": "int"},
    "cue_classes": {"appeal": "list", "act": "list"},
}


_MODALS = {"could", "may", "might", "would", "can", "should"}


def _phrase_regex(terms: Sequence[str], patterns: Sequence[str] = ()) -> re.Pattern[str]:
    """A whole-word, case-insensitive matcher for phrases (spaces and hyphens match loosely) and regexes."""
    parts = list(patterns)
    for term in sorted({t.lower() for t in terms if t.strip()}, key=len, reverse=True):
        words = re.split(r"[\s]+", term.strip())
        parts.append(r"[\s\u00a0]+".join(re.escape(w).replace(r"\-", r"[-\u2010\u2011\u2013]") for w in words))
    if not parts:
        return re.compile(r"(?!x)x")
    return re.compile(r"(?<![\w-])(?:" + "|".join(parts) + r")(?![\w-])", re.IGNORECASE)


def _word_regex(patterns: Sequence[str]) -> re.Pattern[str]:
    """A case-insensitive matcher for regular expressions between word boundaries (\\b), as the
    condition markers are written."""
    if not patterns:
        return re.compile(r"(?!x)x")
    return re.compile(r"\b(?:" + "|".join(f"(?:{p})" for p in patterns) + r")\b", re.IGNORECASE)


@dataclass(frozen=True)
class Crosswalk:
    topic: str
    polarity: str
    cue_class: str
    cameo: str
    plover: str


class Occurs:
    """Does a pattern occur somewhere in a text (a yes or no, no offsets)?

    Python's re is about twice as fast on a lowered text without IGNORECASE as on the text with it;
    a case-insensitive pattern with no capitals of its own (outside escapes such as \\S) is used
    that way. Used for the tests run on every paragraph of every article: most articles of a general
    news feed never mention a topic, and these tests are then all the scorer does with them.
    """

    def __init__(self, pattern: re.Pattern[str]) -> None:
        plain = re.sub(r"\\.", "", pattern.pattern)
        self.pattern = pattern
        self._lowered = (re.compile(pattern.pattern, pattern.flags & ~re.IGNORECASE)
                         if pattern.flags & re.IGNORECASE and plain == plain.lower() else None)

    def __call__(self, text: str) -> bool:
        if self._lowered is not None:
            return self._lowered.search(text.lower()) is not None
        return self.pattern.search(text) is not None


@dataclass(frozen=True)
class LinePatterns:
    """The page-furniture patterns of [hygiene] line_patterns, tested against one line.

    Patterns anchored at the start of the line ("^read more") are tried only there, the others
    anywhere (through Occurs): one alternation of all of them, searched at every position of every
    line, was the slowest step of reading an article (about a third of the scorer's time on mixed news).
    """

    anchored: re.Pattern[str] | None      # "^..." patterns, tried at the start of the line only
    floating: Occurs | None               # the others, anywhere in the line

    @classmethod
    def build(cls, patterns: Iterable[str]) -> "LinePatterns":
        def join(ps: list[str]) -> re.Pattern[str] | None:
            return re.compile("|".join(f"(?:{p})" for p in ps), re.IGNORECASE) if ps else None
        patterns = list(patterns)
        floating = join([p for p in patterns if not p.startswith("^")])
        return cls(join([p for p in patterns if p.startswith("^")]), Occurs(floating) if floating else None)

    def search(self, line: str) -> bool:
        return bool((self.anchored and self.anchored.match(line)) or (self.floating and self.floating(line)))


@dataclass(frozen=True)
class Lexicon:
    """Everything the scorer looks words up in, as sets and compiled patterns."""

    version: str
    digest: str
    topic_terms: Mapping[str, tuple[str, ...]]
    topic_regex: Mapping[str, re.Pattern[str]]
    not_topic_regex: Mapping[str, re.Pattern[str]]
    any_topic: re.Pattern[str]
    topic_occurs: Occurs            # any_topic as a fast yes or no
    weak_regex: re.Pattern[str]
    inverse_regex: re.Pattern[str]
    intent_regex: re.Pattern[str]
    truce_regex: re.Pattern[str]
    intent_verbs: frozenset[str]
    intent_adjectives: frozenset[str]
    contextual_regex: re.Pattern[str]
    anchor_regex: re.Pattern[str]
    combat_regex: re.Pattern[str]
    speech_verbs: frozenset[str]
    announce_verbs: frozenset[str]
    support_verbs: frozenset[str]
    light_verbs: frozenset[str]
    support_adjectives: frozenset[str]
    support_nouns: frozenset[str]
    oppose_verbs: frozenset[str]
    oppose_adjectives: frozenset[str]
    oppose_nouns: frozenset[str]
    neutral_verbs: frozenset[str]
    epistemic_verbs: frozenset[str]
    desire_words: frozenset[str]
    claim_verbs: frozenset[str]
    wish_verbs: frozenset[str]
    deliberate_verbs: frozenset[str]
    continuation_verbs: frozenset[str]
    continuing_verbs: frozenset[str]
    pressure_verbs: frozenset[str]
    meeting_verbs: frozenset[str]
    outcome_verbs: frozenset[str]
    transparent_nouns: frozenset[str]
    proposal_nouns: frozenset[str]
    meeting_nouns: frozenset[str]
    mediator_nouns: frozenset[str]
    penalty_nouns: frozenset[str]
    other_party_nouns: frozenset[str]
    human_role_nouns: frozenset[str]
    hypothesis_nouns: frozenset[str]
    end_states: frozenset[str]
    open_places: frozenset[str]
    untimely: frozenset[str]
    moments: frozenset[str]
    wrong_moments: frozenset[str]
    enabling_verbs: frozenset[str]
    regroup_words: frozenset[str]
    violation_nouns: frozenset[str]
    harder_words: frozenset[str]
    easier_words: frozenset[str]
    speculation_words: frozenset[str]
    conditioned_words: frozenset[str]
    accusation_verbs: frozenset[str]
    evaluation_verbs: frozenset[str]
    positive_words: frozenset[str]
    negative_words: frozenset[str]
    demand_verbs: frozenset[str]
    modals: tuple[str, ...]
    modal_auxes: frozenset[str]
    modal_heads: frozenset[str]
    negation_words: frozenset[str]
    nobody_words: frozenset[str]
    negation_regex: re.Pattern[str]
    conditional_regex: re.Pattern[str]
    precondition_regex: re.Pattern[str]
    hedge_regex: re.Pattern[str]
    hedge_words: frozenset[str]
    institution_nouns: frozenset[str]
    official_titles: frozenset[str]
    refer_back_nouns: frozenset[str]
    qualifier_words: frozenset[str]
    furniture_lines: "LinePatterns"
    heading_max_words: int
    furniture_max_words: int
    crosswalk: tuple[Crosswalk, ...]
    cue_classes: Mapping[str, frozenset[str]]

    def not_topic(self, topic: str, text: str, start: int, end: int) -> bool:
        """Does a not_topic phrase ("trade truce") cover the topic term found at text[start:end]?"""
        return any(m.start() <= start and m.end() >= end
                   for m in self.not_topic_regex[topic].finditer(text, max(0, start - 60), min(len(text), end + 60)))

    def is_weak(self, matched: str) -> bool:
        return bool(self.weak_regex.fullmatch(matched))

    def is_inverse(self, matched: str) -> bool:
        return bool(self.inverse_regex.fullmatch(matched))

    def is_intent(self, matched: str) -> bool:
        """Carrying the war on ("press ahead with the offensive"): opposition only as an intention."""
        return bool(self.intent_regex.fullmatch(matched))

    def is_contextual(self, matched: str) -> bool:
        """Does the matched wording name peacekeeping only with context? Not when it names
        peacekeepers itself ("the deployment of European peacekeepers", "send peacekeepers")."""
        return bool(self.contextual_regex.fullmatch(matched)) and "peacekeep" not in matched.replace("-", "")

    def codes(self, topic: str, polarity: str, cue: str) -> tuple[str | None, str | None]:
        """CAMEO and PLOVER codes for a statement, from the crosswalk table."""
        lemma = cue.lower()
        cls = "reject" if polarity == "oppose" else next(
            (name for name, words in self.cue_classes.items() if lemma in words), "intent")
        for row in self.crosswalk:
            if row.topic == topic and row.polarity == polarity and row.cue_class in ("*", cls):
                return row.cameo, row.plover
        return None, None


def _check(data: Mapping[str, Any], where: str) -> None:
    for section, keys in _SCHEMA.items():
        node: Any = data
        for part in [p for p in section.split(".") if p]:
            node = node.get(part, {}) if isinstance(node, Mapping) else {}
        if not isinstance(node, Mapping):
            raise DataFileError(f"{where}: [{section}] must be a table")
        for key, kind in keys.items():
            if key not in node:
                continue
            value = node[key]
            if kind == "list" and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
                raise DataFileError(f"{where}: {section}.{key} must be a list of strings")
            if kind == "int" and not isinstance(value, int):
                raise DataFileError(f"{where}: {section}.{key} must be an integer")
            if kind == "str" and not isinstance(value, str):
                raise DataFileError(f"{where}: {section}.{key} must be a string")
    known_top = {s.split(".")[0] for s in _SCHEMA if s} | {"version", "crosswalk"}
    unknown = set(data) - known_top
    if unknown:
        raise DataFileError(f"{where}: unknown section(s) {', '.join(sorted(unknown))}",
                            f"Valid sections: {', '.join(sorted(known_top))}.")
    for i, row in enumerate(data.get("crosswalk", []), start=1):
        need = {"topic", "polarity", "cue_class", "cameo", "plover"}
        if not isinstance(row, Mapping) or set(row) != need:
            raise DataFileError(f"{where}: [[crosswalk]] #{i} needs exactly {', '.join(sorted(need))}")


def merge(base: dict[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    """A user's data file over the packaged one: tables merge, lists are appended, other values replace."""
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = merge(dict(out[key]), value)
        elif isinstance(value, list) and isinstance(out.get(key), list):
            out[key] = list(out[key]) + [v for v in value if v not in out[key]]
        else:
            out[key] = value
    return out


def _read(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise DataFileError(f"Lexicon file not found: {path}", hint="fix lexicon.extra in your config") from None
    except tomllib.TOMLDecodeError as exc:
        raise DataFileError(f"{path} is not valid TOML", str(exc)) from None
    _check(data, str(path))
    return data


def load(extra: Sequence[Path] = ()) -> Lexicon:
    """The packaged lexicon with the user's files appended, validated and compiled."""
    paths = tuple(Path(p) for p in extra)
    return _load_cached(paths, stamps(paths))


@lru_cache(maxsize=4)
def _load_cached(extra: tuple[Path, ...], _mtimes: tuple[float, ...] = ()) -> Lexicon:
    packaged = Path(str(resources.files("tracker").joinpath("data/lexicon.toml")))
    data = _read(packaged)
    digest = hashlib.sha1(packaged.read_bytes())
    for p in extra:
        data = merge(data, _read(p))
        digest.update(p.read_bytes())
    t = data["topics"]
    topic_terms = {name: tuple(sec["terms"]) for name, sec in t.items()}
    topic_patterns = {name: tuple(sec.get("patterns", [])) + tuple(sec.get("inverse_patterns", []))
                      + tuple(sec.get("intent_patterns", [])) + tuple(sec.get("contextual_patterns", []))
                      for name, sec in t.items()}
    _check_patterns(data, topic_patterns)
    return Lexicon(version=str(data.get("version", "1")), digest=digest.hexdigest()[:12],
                   **_topic_fields(t, topic_terms, topic_patterns), **_word_fields(data), **_other_fields(data))


def _check_patterns(data: Mapping[str, Any], topic_patterns: Mapping[str, tuple[str, ...]]) -> None:
    """Every regular expression of the lexicon compiles, or the error names it and where it is."""
    t = data["topics"]
    for name, pats in list(topic_patterns.items()) + [(f"{n} {key}", tuple(sec.get(key, [])))
                                                      for n, sec in t.items() for key in ("not_topic", "combat")]:
        for pat in pats:
            try:
                re.compile(pat)
            except re.error as exc:
                raise DataFileError(f"Lexicon pattern of topic {name} is not a valid regular expression",
                                    f"{pat!r}: {exc}") from None
    for pat in data["hygiene"]["line_patterns"]:
        try:
            re.compile(pat)
        except re.error as exc:
            raise DataFileError(f"Lexicon hygiene pattern {pat!r} is not a valid regular expression", str(exc)) from None
    for key in ("markers", "precondition"):
        for pat in data["conditional"][key]:
            try:
                re.compile(pat)
            except re.error as exc:
                raise DataFileError(f"Lexicon conditional.{key} entry {pat!r} is not a valid regular expression",
                                    str(exc)) from None


def _lower(xs: Iterable[str]) -> frozenset[str]:
    return frozenset(x.lower() for x in xs)


def _topic_fields(t: Mapping[str, Any], topic_terms: Mapping[str, tuple[str, ...]],
                  topic_patterns: Mapping[str, tuple[str, ...]]) -> dict[str, Any]:
    """The matchers for topic words: terms, patterns, the inverse and intent wordings, troop talk."""
    pk = t["peacekeeping"]
    any_topic = _phrase_regex([x for terms in topic_terms.values() for x in terms],
                              [p for pats in topic_patterns.values() for p in pats])
    return dict(
        topic_terms=topic_terms,
        topic_regex={name: _phrase_regex(terms, topic_patterns[name]) for name, terms in topic_terms.items()},
        not_topic_regex={name: _phrase_regex([], sec.get("not_topic", [])) for name, sec in t.items()},
        any_topic=any_topic,
        topic_occurs=Occurs(any_topic),
        weak_regex=_phrase_regex(t["ceasefire"].get("weak", []), topic_patterns["ceasefire"]),
        contextual_regex=_phrase_regex(pk.get("contextual", []), pk.get("contextual_patterns", [])),
        inverse_regex=_phrase_regex([], [p for sec in t.values()
                                         for p in sec.get("inverse_patterns", []) + sec.get("intent_patterns", [])]),
        intent_regex=_phrase_regex([], [p for sec in t.values() for p in sec.get("intent_patterns", [])]),
        truce_regex=_phrase_regex(topic_terms["ceasefire"]),
        anchor_regex=_phrase_regex(pk.get("anchors", [])),
        combat_regex=_phrase_regex([], pk.get("combat", [])),
    )


def _word_fields(data: Mapping[str, Any]) -> dict[str, Any]:
    """The word lists of the predicates, nouns and evaluations, lower-cased."""
    lower = _lower
    pred, nouns, evaluation = data["predicates"], data.get("nouns", {}), data.get("evaluation", {})
    return dict(
        intent_verbs=lower(pred.get("intent", {}).get("verbs", [])),
        intent_adjectives=lower(pred.get("intent", {}).get("adjectives", [])),
        speech_verbs=lower(data["speech"]["verbs"]),
        announce_verbs=lower(data["speech"]["announce"]),
        support_verbs=lower(data["predicates"]["support"]["verbs"]),
        light_verbs=lower(data["predicates"]["support"].get("light_verbs", [])),
        support_adjectives=lower(data["predicates"]["support"]["adjectives"]),
        support_nouns=lower(data["predicates"]["support"]["nouns"]),
        oppose_verbs=lower(data["predicates"]["oppose"]["verbs"]),
        oppose_adjectives=lower(data["predicates"]["oppose"]["adjectives"]),
        oppose_nouns=lower(data["predicates"]["oppose"]["nouns"]),
        neutral_verbs=lower(data["predicates"]["neutral"]["verbs"]),
        epistemic_verbs=lower(data["predicates"].get("epistemic", {}).get("verbs", [])),
        desire_words=lower(pred.get("desire", {}).get("words", [])),
        claim_verbs=lower(pred.get("claim", {}).get("verbs", [])),
        wish_verbs=lower(pred.get("wish", {}).get("verbs", [])),
        deliberate_verbs=lower(pred.get("deliberate", {}).get("verbs", [])),
        continuation_verbs=lower(pred.get("continuation", {}).get("verbs", [])),
        continuing_verbs=lower(pred.get("continuing", {}).get("verbs", [])),
        pressure_verbs=lower(pred.get("pressure", {}).get("verbs", [])),
        meeting_verbs=lower(pred.get("meeting", {}).get("verbs", [])),
        outcome_verbs=lower(pred.get("outcome", {}).get("verbs", [])),
        transparent_nouns=lower(nouns.get("transparent", [])),
        proposal_nouns=lower(nouns.get("proposals", [])),
        meeting_nouns=lower(nouns.get("meetings", [])),
        mediator_nouns=lower(nouns.get("mediators", [])),
        penalty_nouns=lower(nouns.get("penalties", [])),
        other_party_nouns=lower(nouns.get("other_parties", [])),
        human_role_nouns=lower(nouns.get("human_roles", [])),
        hypothesis_nouns=lower(nouns.get("hypotheses", [])),
        end_states=lower(evaluation.get("end_states", [])),
        open_places=lower(evaluation.get("open_places", [])),
        untimely=lower(evaluation.get("untimely", [])),
        moments=lower(evaluation.get("moments", [])),
        wrong_moments=lower(evaluation.get("wrong_moments", [])),
        enabling_verbs=lower(evaluation.get("enabling_verbs", [])),
        regroup_words=lower(evaluation.get("regroup_words", [])),
        violation_nouns=lower(evaluation.get("violation_nouns", [])),
        harder_words=lower(evaluation.get("harder", [])),
        easier_words=lower(evaluation.get("easier", [])),
        speculation_words=lower(evaluation.get("speculation", [])),
        conditioned_words=lower(data["conditional"].get("conditioned", [])),
        accusation_verbs=lower(data["predicates"].get("accusation", {}).get("verbs", [])),
        evaluation_verbs=lower(data.get("evaluation", {}).get("verbs", [])),
        positive_words=lower(data.get("evaluation", {}).get("positive", [])),
        negative_words=lower(data.get("evaluation", {}).get("negative", [])),
    )


def _other_fields(data: Mapping[str, Any]) -> dict[str, Any]:
    """Demands, negation, conditions, hedges, institutions, hygiene, the code crosswalk."""
    lower = _lower
    hedges = data["hedge"]["markers"]
    modals = tuple(m.lower() for m in data["demand"]["modals"])
    return dict(
        demand_verbs=lower(data["demand"]["verbs"]),
        modals=modals,
        modal_auxes=frozenset(m for m in modals if " " not in m),
        modal_heads=frozenset(m.split()[0] for m in modals if m.endswith(" to") and m.count(" ") == 1),
        negation_words=lower(data["negation"]["words"]),
        nobody_words=lower(data["negation"].get("nobody", [])),
        negation_regex=_phrase_regex(data["negation"]["phrases"]),
        conditional_regex=_word_regex(data["conditional"]["markers"]),
        precondition_regex=_word_regex(data["conditional"]["precondition"]),
        hedge_regex=_phrase_regex([h for h in hedges if h.lower() not in _MODALS]),
        hedge_words=lower(h for h in hedges if " " not in h),
        institution_nouns=lower(data["institutions"]["nouns"]),
        official_titles=lower(data["institutions"]["official_titles"]),
        refer_back_nouns=lower(data["institutions"].get("refer_back", [])),
        qualifier_words=lower(data["institutions"].get("qualifiers", [])),
        furniture_lines=LinePatterns.build(data["hygiene"]["line_patterns"]),
        heading_max_words=int(data["hygiene"]["heading_max_words"]),
        furniture_max_words=int(data["hygiene"].get("furniture_max_words", 60)),
        crosswalk=tuple(Crosswalk(**row) for row in data.get("crosswalk", [])),
        cue_classes={k: lower(v) for k, v in data["cue_classes"].items()},
    )
