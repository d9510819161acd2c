"""Stances told without a stance predicate over the topic: a threat made to get a truce accepted, a
relative clause about the topic ("the ceasefire that Ukraine accepted"), and stances carried inside
a noun phrase ("a US-brokered truce", "Russia's ceasefire proposal", "Qatar, a mediator in the talks").

Each returns candidates directly; they are tried beside (or instead of) the climb in candidates.py.
"""

from __future__ import annotations

from typing import Any

from tracker.stance.assemble import Candidate
from tracker.stance.holders import holders_of, resolve_token
from tracker.stance.polarity import negated, predicate_class
from tracker.stance.reading import Knowledge, Reading
from tracker.stance.speakers import subject_holders
from tracker.stance.syntax import lemma

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
    "a ceasefire deal Trump announced" (a journalist's statement of the subject's position)."""
    root = span.root
    nouns = [root] + ([root.head] if root.dep_ == "compound" and root.head.lemma_.lower() in k.lex.transparent_nouns else [])
    out: list[Candidate] = []
    for n in nouns:
        for rel in (c for c in n.children if c.dep_ == "relcl" and c.pos_ in ("VERB", "AUX")):
            cls, cue = predicate_class(k.lex, rel)
            subj = [c for c in rel.children if c.dep_ == "nsubj" and c.pos_ != "PRON"]
            if cls is None or not subj or any(c.dep_ in ("nsubjpass", "dobj") for c in rel.children):
                continue
            pol = "oppose" if (cls == "oppose") != bool(negated(k.lex, rel) % 2) else "support"
            for holder, how in holders_of(k, r, subj[0]):
                out.append(Candidate.of_sentence(
                    r, sent, holder=holder, topic=topic, polarity=pol, modality="firm", confidence=0.7,
                    attribution="inferred" if how in ("pronoun", "metonym") else "reported", cue=f"{cue} [{term}]"))
    return out


def owned_noun(k: Knowledge, r: Reading, span: Any, topic: str, term: str, sent: Any,
               polarity: int) -> list[Candidate]:
    """Stances carried inside a noun phrase: 'a US-brokered truce', "Russia's ceasefire proposal"."""
    out: list[Candidate] = []
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
