"""Small readings of the dependency parse that many rules share: a verb's lemma with its particle,
embedded questions, entities under a token, the words of a clause.

These know English grammar, not the topics: the closed word classes here (pronouns, wh-words,
particles) are not vocabulary a user would extend, so they stay in code rather than the lexicon.
"""

from __future__ import annotations

from datetime import date
from typing import Any

PRONOUNS_PERSON = {"he": "m", "him": "m", "his": "m", "she": "f", "her": "f", "hers": "f"}
PRONOUNS_GROUP = {"it", "its", "they", "them", "their"}
PRONOUNS_SELF = {"i", "we", "me", "us", "our", "my"}
RELATIVE_PRONOUNS = frozenset({"which", "who", "whom", "that"})
SUBJECT_DEPS = ("nsubj", "nsubjpass", "csubj")
_WH_WORDS = {"who", "whom", "what", "which", "how", "when", "where", "why", "whether"}
_PARTICLES = {"out", "off", "away", "back", "down", "up"}
# Prepositions that make a clause the time of another act ("said after joining the coalition").
TIME_PREPS = frozenset({"after", "following", "since", "before"})
_QUANTIFIERS = {"one", "some", "several", "many", "few", "most", "all", "each", "both", "either", "neither", "none"}
_CONDITION_MARKS = {"if", "unless", "until", "till", "once", "provided", "providing", "as", "only", "so"}


# Auxiliaries that put a clause in the future or make it an intention ("will", "would", "'ll"), and
# every modal auxiliary.
FUTURE_AUXES = frozenset({"will", "would", "shall", "'ll", "wo"})
MODAL_AUXES = FUTURE_AUXES | {"could", "should", "must", "can", "may", "might"}


def lemma(tok: Any) -> str:
    """A verb's lemma with its particle ('rule out', 'call for' stays 'call'), lower case."""
    base = tok.lemma_.lower()
    prt = [c.lower_ for c in tok.children if c.dep_ == "prt"]
    if not prt and tok.pos_ in ("VERB", "AUX"):
        # "pull UNIFIL peacekeepers out of Lebanon": the particle after the object is often not tagged prt.
        prt = [c.lower_ for c in tok.children if c.dep_ in ("advmod", "prep") and c.lower_ in _PARTICLES
               and c.i > tok.i and any(o.dep_ == "dobj" and o.i < c.i for o in tok.children)] or \
            [c.lower_ for c in tok.children if c.dep_ == "advmod" and c.lower_ == "short" and c.i == tok.i + 1]
        # "stopped short of accepting the truce", "fell short of endorsing it"
    if prt:
        return f"{base} {prt[0]}"
    return base


def interrogative(clause: Any, only_whether: bool = False) -> bool:
    """Is a clause an embedded question ("who would police a truce", "how it would be verified",
    "whether Moscow would accept")? Its content is asked about, not asserted or wanted. only_whether:
    is it a yes-no question ("whether to send soldiers")?"""
    if only_whether:
        return any(c.dep_ == "mark" and c.lower_ in ("whether", "if") for c in clause.children)
    for c in clause.children:
        if c.i > clause.i and c.dep_ not in ("nsubj", "nsubjpass"):
            continue
        low = c.lower_
        if low in ("whether",) and c.dep_ == "mark":
            return True
        if low in _WH_WORDS and c.dep_ in ("nsubj", "nsubjpass", "dobj", "advmod", "attr", "pobj", "det"):
            return True
        if c.dep_ in ("nsubj", "nsubjpass", "dobj", "advmod") and any(g.lower_ in _WH_WORDS and g.dep_ == "det"
                                                                        for g in c.children):
            return True          # "which observers would take part"
    return False


def is_self(tok: Any) -> bool:
    """A first-person pronoun ("we", "us"), not the country "US" in capitals."""
    return tok.lower_ in PRONOUNS_SELF and not (tok.text.isupper() and len(tok.text) > 1)


def wished_on_other(clause: Any, wish: Any) -> bool:
    """Is the subject of a wished-for clause someone other than the one who wishes ("he hoped Moscow
    would accept")? "I hope we can agree" and "he hoped he could" are the wisher's own."""
    subj = next((c for c in clause.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subj is None or is_self(subj) or subj.lower_ in PRONOUNS_PERSON:
        return False
    own = next((c for c in wish.children if c.dep_ == "nsubj"), None)
    return own is None or own.lower_ != subj.lower_


def is_purpose(tok: Any) -> bool:
    """A to-infinitive clause ("to deploy"): what is aimed at, which composes like a complement."""
    return any(c.dep_ == "aux" and c.lower_ == "to" for c in tok.children)


def for_clause(verb: Any) -> bool:
    """A "for X to ..." clause: "pushing for troops to deploy", "the way for a truce to begin"."""
    return is_purpose(verb) and any(x.dep_ == "mark" and x.lower_ == "for" for x in verb.children)


def salience(tok: Any) -> str:
    """How prominent a name is in its clause: the subject (of a verb, or an apposition to it), a
    possessive, or anything else."""
    t = tok
    if t.dep_ == "poss" or any(c.dep_ == "case" for c in t.children):
        return "possessive"
    while t.dep_ in ("compound", "appos", "conj") and t.head.i != t.i:
        t = t.head
    return "subject" if t.dep_ in ("nsubj", "nsubjpass") else "other"


def entity_before(verb: Any) -> Any:
    """The named entity ending right before a verb ("..., Prime Minister Kyriakos Mitsotakis said")."""
    if verb.i == 0:
        return None
    ent = entity_of(verb.doc[verb.i - 1], verb.doc)
    if ent is not None and ent.end == verb.i and ent.label_ in ("PERSON", "ORG", "GPE", "NORP"):
        return ent
    return None


def entity_of(tok: Any, doc: Any) -> Any:
    """The named entity a token is part of, if any."""
    if not tok.ent_type_:
        return None
    for ent in doc.ents:
        if ent.start <= tok.i < ent.end:
            return ent
    return None


def noun_phrase(tok: Any, doc: Any) -> str:
    """The words of a noun phrase up to its head, plus an 'of' phrase after a title ("secretary of state")."""
    left = tok.left_edge.i
    right = tok.i
    for c in tok.children:
        if c.dep_ == "prep" and c.lower_ == "of" and c.i == right + 1:
            right = c.right_edge.i
    return doc[left: right + 1].text


def clause_text(top: Any, root: Any = None) -> str:
    """The words of the clause from the topic up to top, without material hanging off that path that
    says something else: coordinated clauses ("X backed a truce, and that Y ..."), relative clauses,
    and adverbial clauses that are not conditions ("..., though he had suggested it would run until
    Wednesday"). Conditions stay: they decide the modality."""
    path = {top.i}
    if root is not None:
        t = root
        while t.i != top.i and t.head.i != t.i:
            path.add(t.i)
            t = t.head
        path.add(root.i)
    skip: set[int] = set()
    for i in path:
        tok = top.doc[i]
        for c in tok.children:
            if c.i in path:
                continue
            drop = (c.dep_ in ("conj", "cc") and c.i > tok.i) or c.dep_ in ("relcl", "parataxis")
            if c.dep_ == "advcl":
                marks = {m.lower_ for m in c.children if m.dep_ in ("mark", "advmod") and m.i < c.i}
                drop = not (marks & _CONDITION_MARKS)
            if drop:
                skip.update(t.i for t in c.subtree)
    return " ".join(t.text for t in top.subtree if t.i not in skip)


def subtree_span(tok: Any, doc: Any) -> Any:
    return doc[tok.left_edge.i: tok.right_edge.i + 1]


_MONTHS = {m: n for n, m in enumerate(("january", "february", "march", "april", "may", "june", "july", "august",
                                       "september", "october", "november", "december"), start=1)}
_HISTORY_DAYS = 300


def dated_before(cue: Any, on: date) -> bool:
    """Is the act dated (a year, perhaps a month, in a time phrase on the verb or its object) more
    than about ten months before the article? Then the sentence recalls history, not a stance now; a
    review of the same year's diplomacy ("In July 2024, the US announced ..." in December) still counts.
    Only the phrase's own date counts: "in accordance with the 1974 agreement" dates nothing."""
    heads = [cue] + [c for c in cue.children if c.dep_ in ("dobj", "nsubjpass")]
    phrases = [c for h in heads for c in h.children
               if (c.dep_ == "prep" and c.lower_ in ("in", "on", "during", "by", "from", "until", "till")) or c.dep_ == "npadvmod"]
    for ph in phrases:
        when = _date_of(ph.children if ph.dep_ == "prep" else [ph])
        if when is not None and (on - when).days > _HISTORY_DAYS:
            return True
    return False


def named_before(noun: Any, on: date) -> bool:
    """Does the noun carry its own year, more than about ten months before the article ("the 2020
    ceasefire brokered by Russia" in a 2026 article): a truce of the past, not a stance now."""
    years = _years(c for c in noun.children if c.dep_ in ("nummod", "compound", "amod"))
    return bool(years) and (on - date(years[0], 12, 28)).days > _HISTORY_DAYS


def _years(toks: Any) -> list[int]:
    """The four-digit numbers among the tokens that can be years of this story (1901 to 2099)."""
    return [int(t.text) for t in toks if t.text.isdigit() and len(t.text) == 4 and 1900 < int(t.text) < 2100]


def _date_of(objects: Any) -> date | None:
    """The date a time phrase's object names: a year ("in 2024"), a month and year ("in November
    2024", "on November 26, 2024"), or "late 2024"; the month read only from a proper noun."""
    for obj in objects:
        if obj.dep_ not in ("pobj", "npadvmod"):
            continue
        words = [obj] + [c for c in obj.children if c.dep_ in ("nummod", "compound", "amod", "npadvmod", "appos")]
        years = _years(words)
        if not years:
            continue
        month = next((_MONTHS[t.lower_] for t in words if t.lower_ in _MONTHS and t.pos_ == "PROPN"), 12)
        return date(years[0], month, 28)
    return None


def among_subject(noun: Any) -> Any:
    """The subject a class noun is said of: "Chad and Benin are among the countries (that ...)",
    "Chad is one of the countries ...", "Chad is a country that ..." give "Chad"; else None."""
    t = noun
    if t.dep_ == "pobj" and t.head.lower_ == "among":
        t = t.head                          # "are among the countries": the preposition hangs off "be"
    elif t.dep_ == "pobj" and t.head.lower_ == "of" and t.head.head.dep_ == "attr" and (
            t.head.head.pos_ == "NUM" or t.head.head.lower_ in _QUANTIFIERS):
        t = t.head.head                     # "is one of the countries", not "part of a government"
    elif t.dep_ != "attr":
        return None
    be = t.head
    if be.lemma_ != "be" or be.i == t.i:
        return None
    return next((c for c in be.children if c.dep_ in ("nsubj", "nsubjpass")), None)
