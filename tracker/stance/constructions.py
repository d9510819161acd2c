"""Stances told without a stance predicate over the topic: a threat made to get a truce accepted, a
relative clause about the topic ("the ceasefire that Ukraine accepted"), and stances carried inside
a noun phrase ("a US-brokered truce", "Russia's ceasefire proposal", "Qatar, a mediator in the talks").

Each returns candidates directly; they are tried beside (or instead of) the climb in candidates.py.
"""

from __future__ import annotations

from typing import Any

from tracker.stance.assemble import Candidate
from tracker.stance.holders import holders_of, resolve_token
from tracker.stance.modality import hedged, modality
from tracker.stance.polarity import negated, predicate_class
from tracker.stance.reading import Knowledge, Reading
from tracker.stance.speakers import subject_holders
from tracker.stance.syntax import RELATIVE_PRONOUNS, clause_text, dated_before, lemma, named_before

_INFERRED = ("pronoun", "metonym", "description", "institution")


def pressure(k: Knowledge, r: Reading, span: Any, topic: str, term: str, sent: Any) -> list[Candidate] | None:
    """A threat made to get a truce accepted: "Trump threatened tariffs if Moscow did not agree to a
    ceasefire", "warned Hamas of consequences unless it accepted the truce". The one who presses
    supports the truce (SPEC: presses the other side to accept one); the one pressed is a target.
    None when the mention is not in such a condition."""
    if topic != "ceasefire" or k.lex.is_inverse(term):
        return None
    t, cond, accepts = span.root, None, False
    for _ in range(6):
        if t.pos_ in ("VERB", "AUX") and lemma(t) in k.lex.support_verbs:
            accepts = True
        if t.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in ("if", "unless") for c in t.children):
            cond = t
            break
        if t.head.i == t.i:
            return None
        t = t.head
    if cond is None or not accepts:
        return None
    top = cond.head
    while top.dep_ in ("xcomp", "conj") and top.head.i != top.i and top.head.pos_ in ("VERB", "AUX"):
        top = top.head
    if lemma(top) not in k.lex.pressure_verbs and top.dep_ == "ccomp" and lemma(top.head) in k.lex.pressure_verbs:
        top = top.head       # "warned Hamas that if it did not accept the truce, he would ..."
    objects = {g.lemma_.lower() for g in top.subtree if g.dep_ in ("dobj", "pobj")}
    if lemma(top) not in k.lex.pressure_verbs and not objects & k.lex.penalty_nouns:
        return None
    holders = subject_holders(k, r, top)
    if not holders and top.dep_ == "ccomp" and lemma(top.head) in k.lex.speech_verbs:
        holders = subject_holders(k, r, top.head)
    pressed = {h.holder_id for c in cond.children if c.dep_ in ("nsubj", "nsubjpass")
               for h, _ in holders_of(k, r, c)}
    return [Candidate.of_sentence(
                r, sent, holder=holder, topic=topic, polarity="support", modality="firm",
                confidence=0.75 if how in ("pronoun", "description", "metonym") else 0.85,
                attribution="inferred" if how in _INFERRED else "reported", cue=f"press [{term}]")
            for holder, how in holders if holder.holder_id not in pressed]


def relative_clause(k: Knowledge, r: Reading, span: Any, topic: str, term: str, sent: Any) -> list[Candidate]:
    """A stance told about the topic in a relative clause: "the ceasefire that Ukraine accepted",
    "a ceasefire deal Trump announced" (a journalist's statement of the subject's position), or with its
    author in a passive: "a truce proposed by the United States and Egypt", "a force, which has been
    championed by Britain and France", "the truce, rejected by Hamas". Not a truce of years ago ("the
    2021 ceasefire that Qatar brokered"), nor troops named only by a contextual word ("troops sent by
    North Korea", "the troops that Russia deployed"): those are no force."""
    nouns = _topic_nouns(k, span.root)
    if topic == "peacekeeping" and k.lex.is_contextual(term) or \
            r.on is not None and any(named_before(n, r.on) for n in nouns):
        return []
    out: list[Candidate] = []
    for n in nouns:
        for rel in (c for c in n.children if c.dep_ == "relcl" and c.pos_ in ("VERB", "AUX")):
            subj = [c for c in rel.children if c.dep_ == "nsubj" and c.pos_ != "PRON"]
            # The clause's own object must be the relative pronoun ("the ceasefire that Ukraine
            # accepted"), not another noun ("the truce that gave Hamas time").
            if subj and not any(c.dep_ == "nsubjpass" or c.dep_ == "dobj" and c.lower_ not in RELATIVE_PRONOUNS
                                for c in rel.children):
                out += _told(k, r, rel, subj[0], predicate_class(k.lex, rel), topic, term, sent, "")
    for verb, author in (va for n in nouns for va in by_authors(n)):
        out += _told(k, r, verb, author, passive_class(k, verb), topic, term, sent, " by")
    return out


def _told(k: Knowledge, r: Reading, verb: Any, author: Any, side: tuple[str | None, str], topic: str, term: str,
          sent: Any, by: str) -> list[Candidate]:
    """The author's stance told by a clause on the topic: the verb's side, its negations, hedges and
    conditions; not an accusation, not an act dated long before, not a people ("a truce welcomed by
    Israelis and Palestinians alike")."""
    cls, cue = side
    if cls is None or lemma(verb) in k.lex.accusation_verbs or (r.on is not None and dated_before(verb, r.on)) or \
            author.ent_type_ == "NORP" and author.tag_ in ("NNS", "NNPS"):
        return []
    pol = "oppose" if (cls == "oppose") != bool(negated(k.lex, verb) % 2) else "support"
    mod = modality(k.lex, clause_text(verb, verb), hedged(k.lex, verb, lexical=False))
    return [Candidate.of_sentence(r, sent, holder=holder, topic=topic, polarity=pol, modality=mod, confidence=0.7,
                                  attribution="inferred" if how in _INFERRED else "reported", cue=f"{cue}{by} [{term}]")
            for holder, how in holders_of(k, r, author)]


def _topic_nouns(k: Knowledge, root: Any) -> list[Any]:
    """The topic's noun and the transparent noun it names ("the ceasefire plan": ceasefire, plan)."""
    return [root] + ([root.head] if root.dep_ == "compound" and root.head.lemma_.lower() in k.lex.transparent_nouns else [])


def passive_class(k: Knowledge, verb: Any) -> tuple[str | None, str]:
    """The side of a passive verb; its particle is left untagged with no object ("put forward by")."""
    for c in verb.children:
        if c.dep_ in ("advmod", "prt") and c.i == verb.i + 1:
            key = f"{verb.lemma_.lower()} {c.lower_}"
            if key in k.lex.oppose_verbs:
                return "oppose", key
            if key in k.lex.support_verbs:
                return "support", key
    return predicate_class(k.lex, verb)


def by_authors(noun: Any) -> list[tuple[Any, Any]]:
    """(verb, author) of each passive clause on the noun that names its author: the participle
    ("proposed by X") or a relative clause with a passive subject ("which has been pitched by X")."""
    out = []
    for v in noun.children:
        passive = v.dep_ == "acl" and v.tag_ == "VBN" or \
            v.dep_ == "relcl" and any(c.dep_ == "nsubjpass" and c.lower_ in RELATIVE_PRONOUNS for c in v.children)
        if passive and v.pos_ in ("VERB", "AUX"):
            out += [(v, p) for a in v.children if a.dep_ == "agent" for p in a.children if p.dep_ == "pobj"]
    return out


def owned_noun(k: Knowledge, r: Reading, span: Any, topic: str, term: str, sent: Any,
               polarity: int) -> list[Candidate]:
    """Stances carried inside a noun phrase: 'a US-brokered truce', "Russia's ceasefire proposal"; not
    a truce of years ago ("the 2020 Russian-brokered ceasefire")."""
    out: list[Candidate] = []
    if r.on is not None and named_before(span.root, r.on):
        return out
    for tok, cue in _noun_owners(k, span.root):
        for holder, _how in resolve_token(k, r, tok):
            out.append(Candidate.of_sentence(
                r, sent, holder=holder, topic=topic, polarity="support" if polarity > 0 else "oppose",
                modality="firm", confidence=0.6, attribution="reported", cue=f"{cue} [{term}]"))
    return out


def _noun_owners(k: Knowledge, root: Any) -> list[tuple[Any, str]]:
    """The tokens that own the topic noun (a brokering adjective's name, a possessive, a mediator's
    role), each with the word that says so."""
    heads = [root]
    if root.head.lemma_.lower() in k.lex.transparent_nouns and root.dep_ in ("compound", "amod", "nmod"):
        heads.append(root.head)
    owners: list[tuple[Any, str]] = []
    for h in heads:
        for c in h.children:
            if c.dep_ == "amod" and lemma(c) in ("broker", "propose", "mediate", "back", "sponsor", "lead",
                                                 "draft", "negotiate", "agree", "offer"):
                for g in c.children:
                    if g.dep_ in ("npadvmod", "compound", "nmod", "amod") and g.ent_type_:
                        owners.append((g, lemma(c)))
            if c.dep_ == "poss" and (h.lemma_.lower() in k.lex.support_nouns | {"announcement", "declaration",
                                                                               "extension", "halt", "pause"}
                                     or h.i == root.i) and c.pos_ != "PRON":
                owners.append((c, h.lemma_.lower()))
    # "Qatar, a mediator in ceasefire talks", "Egypt is a guarantor of the truce": the role says it.
    t = root
    for _ in range(4):
        if t.head.i == t.i:
            break
        if t.dep_ not in ("pobj", "prep", "compound", "nmod") and t.i != root.i:
            break
        t = t.head
        if t.pos_ == "NOUN" and t.lemma_.lower() in k.lex.mediator_nouns:
            if t.dep_ == "appos":
                owners.append((t.head, t.lemma_.lower()))
            elif t.dep_ == "attr":
                owners += [(c, t.lemma_.lower()) for c in t.head.children if c.dep_ == "nsubj"]
            owners += [(c, t.lemma_.lower()) for c in t.children if c.dep_ in ("poss", "appos")]
            break
    return owners
