"""Climb rules that find a topic mention takes no stance at all: an accusation, an embedded question,
a possibility someone weighs, an outcome not reached, a time, a meeting, "neither ... nor".

Each is tried at a step of the climb (climb.py lists them in CLIMB_RULES) and answers STOP or None.
"""

from __future__ import annotations

from tracker.lexicon import Lexicon
from tracker.stance.polarity import negated
from tracker.stance.step import STOP, Climb
from tracker.stance.syntax import FUTURE_AUXES, interrogative

_FUTURE = FUTURE_AUXES | {"can", "could", "may", "might"}
_TEMPORAL_PREPS = {"after", "following", "since", "before", "during", "amid", "amidst", "despite", "throughout",
                   "until", "till", "under", "within", "pending"}


def accusation(lex: Lexicon, c: Climb) -> str | None:
    """"accused Russia of breaching the truce": nobody's stance on the truce."""
    if c.lemma in lex.accusation_verbs and c.dep in ("prep", "pcomp", "xcomp", "ccomp", "pobj"):
        return STOP
    return None


def embedded_question(lex: Lexicon, c: Climb) -> str | None:
    """"asked who would police a truce", "discussed how a ceasefire would be verified"; but "weighing
    whether to send soldiers" is considering it (hedged)."""
    if c.dep in ("ccomp", "xcomp", "csubj", "pcomp") and c.tok.pos_ in ("VERB", "AUX") and interrogative(c.tok) \
            and not (c.lemma in lex.deliberate_verbs and interrogative(c.tok, only_whether=True)):
        return STOP
    return None


def hypothesis(lex: Lexicon, c: Climb) -> str | None:
    """"concerns that Russia may restart hostilities", "the risk that Israel resumes strikes": a
    possibility someone weighs, not its subject's stance; nor is "for Russia to agree to a ceasefire,
    the situation would need to change", a condition an analyst sets out."""
    if c.dep in ("acl", "ccomp") and c.head.pos_ == "NOUN" and c.lemma in lex.hypothesis_nouns:
        return STOP
    if c.dep == "advcl" and c.tok.i < c.head.i and any(x.dep_ == "mark" and x.lower_ == "for" for x in c.tok.children) \
            and any(x.dep_ == "nsubj" for x in c.tok.children):
        return STOP
    return None


def not_reached(lex: Lexicon, c: Climb) -> str | None:
    """"the negotiators did not reach a ceasefire": an outcome that did not come about, not a refusal;
    but "Israel would not strike a deal" is one (a future or volitional modal)."""
    if c.dep == "dobj" and c.is_verb and c.lemma in lex.outcome_verbs and c.w.cue is None and negated(lex, c.head) \
            and not any(x.dep_ == "aux" and x.lower_ in _FUTURE for x in c.head.children):
        return STOP
    return None


def a_time(lex: Lexicon, c: Climb) -> str | None:
    """"following the 2024 ceasefire", "during the truce": a time, not a stance; nor is "despite calls
    for a truce" the stance of the verb it hangs from (acting despite a call is no call)."""
    if c.dep == "prep" and c.tok.lower_ in _TEMPORAL_PREPS and c.tok.i != c.w.root.i and \
            (c.w.cue is None or c.tok.lower_ == "despite"):
        return STOP
    return None


def meeting(lex: Lexicon, c: Climb) -> str | None:
    """"to hold talks about the ceasefire proposal": a meeting takes no side."""
    if c.dep == "dobj" and c.tok.lemma_.lower() in lex.meeting_nouns and c.lemma in lex.light_verbs | lex.meeting_verbs:
        return STOP
    return None


def neither_nor(lex: Lexicon, c: Climb) -> str | None:
    """"neither confirmed nor denied": no position at all."""
    if c.is_verb and any(x.lower_ in ("neither", "nor") for x in c.head.children):
        return STOP
    return None
