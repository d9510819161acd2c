"""Climb rules for a topic that is (in) the subject of its clause: "the truce must hold" (a demand),
"the truce is over" (oppose), "any troops sent would be legitimate targets" (an evaluation), "a truce
would only give Ukraine time to regroup" (argued against), "Armenia said a ceasefire had taken hold"
(affirmed), and "there will be no ceasefire".

topic_is_subject tries the readings of SUBJECT_READINGS in order. A reading returns None when it does
not apply, SIDED when it has set the walk's cue (the subject's verb then takes the clause), or an
answer of step.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tracker.lexicon import Lexicon
from tracker.stance.modality import modal_demand, strong_condition, wanted, wanter
from tracker.stance.polarity import evaluation, negated, predicate_class
from tracker.stance.step import STOP, Climb
from tracker.stance.syntax import clause_text, for_clause, lemma

SIDED = "sided"


def topic_is_subject(lex: Lexicon, c: Climb) -> str | None:
    """The topic, or a noun that stands for it, is the subject of head: read the clause around it."""
    w, tok, head = c.w, c.tok, c.head
    if not (c.dep in ("nsubj", "csubj") and (tok.i == w.root.i or tok.lemma_.lower() in lex.transparent_nouns
                                             or tok.lemma_.lower() in lex.support_nouns)):
        return None
    for reading in SUBJECT_READINGS:
        outcome = reading(lex, c)
        if outcome == SIDED:
            w.absorb(lex, head, lexical=False, via=tok)
            return c.top(head)
        if outcome is not None:
            return outcome
    if w.cue is None:
        return STOP
    c.frozen, c.frozen_via = True, "nsubj"
    return c.up()


def _reduced_relative(lex: Lexicon, c: Climb) -> str | None:
    """"welcomed the ceasefire reached between India and Pakistan": a reduced relative misparsed as a
    clause; the topic belongs to the verb above."""
    head = c.head
    if head.tag_ == "VBN" and c.tok.i < head.i and not any(x.dep_ in ("aux", "auxpass") for x in head.children):
        return c.up()
    return None


def _must_hold(lex: Lexicon, c: Climb) -> str | None:
    """"the truce must hold" is a demand; "Trump wants the truce to hold", "called for UN peacekeepers
    to return": the one who wants or calls holds it (a demand verb's agent), not nobody."""
    w, head = c.w, c.head
    if not (c.lemma in lex.continuing_verbs and (modal_demand(lex, head) or wanted(head))):
        return None
    w.cue, w.cue_tok = c.lemma, head
    w.demand = "modal"
    if wanter(head) is not None and not modal_demand(lex, head):
        w.demand, w.demand_tok = "verb", wanter(head)
    return SIDED


def _not_coming(lex: Lexicon, c: Climb) -> str | None:
    """"the truce would not come into force until sanctions were lifted"; but "the announcement came
    only after weeks of stalling" tells when something happened."""
    head = c.head
    if c.lemma in lex.continuing_verbs | {"take", "come", "arise"} and (negated(lex, head, via=c.tok) or (
            strong_condition(lex, clause_text(head)) and not _narrated(head))):
        c.w.cue, c.w.cue_tok = c.lemma, head
        return SIDED
    return None


def _made_conditional(lex: Lexicon, c: Climb) -> str | None:
    """"Moscow has made any truce conditional on an end to arms deliveries" (a small clause)."""
    w, head = c.w, c.head
    if head.lower_ in lex.conditioned_words and lemma(head.head) in ("make", "render", "keep"):
        w.cue, w.cue_tok = "make conditional", head.head
        w.conditional = True
        w.absorb(lex, head.head, lexical=False)
        return c.top(head.head)
    return None


def _over(lex: Lexicon, c: Climb) -> str | None:
    """"the truce is over": declared finished."""
    head = c.head
    if head.lemma_ == "be" and any(x.dep_ in ("acomp", "advmod", "attr") and x.lower_ in lex.end_states
                                   for x in head.children):
        c.w.cue, c.w.cue_tok = "over", head
        c.w.polarity *= -1
        return SIDED
    return None


def _regroup(lex: Lexicon, c: Climb) -> str | None:
    """"a truce would only give Ukraine time to regroup": argued against as a gift to the enemy."""
    head = c.head
    regroup = next((t for t in head.subtree if t.lemma_.lower() in lex.regroup_words and t is not head), None) \
        if c.lemma in lex.enabling_verbs else None
    if regroup is None:
        return None
    c.w.cue, c.w.cue_tok = f"{c.lemma} {regroup.lemma_.lower()}", head
    c.w.polarity *= -1
    return SIDED


def _verdict(lex: Lexicon, c: Climb) -> str | None:
    """"any troops sent would be legitimate targets", "a truce is the right step": the complement judges;
    so does what it would mean or amount to ("would mean NATO's direct involvement in the war")."""
    head = c.head
    verdict = evaluation(lex, head) if head.lemma_ == "be" else (
        _consequence(lex, head) if head.lemma_ in _CONSEQUENCE_VERBS else None)
    if verdict is None:
        return None
    c.w.cue, c.w.cue_tok = f"{'be' if head.lemma_ == 'be' else c.lemma} {verdict[1]}", head
    c.w.polarity *= verdict[0]
    return SIDED


_CONSEQUENCE_VERBS = frozenset({"mean", "amount", "constitute", "represent", "equal"})


def _consequence(lex: Lexicon, verb: Any) -> tuple[int, str] | None:
    """The verdict in what a topic would mean: war or a negative word is against it, a positive word for it."""
    words = [t for o in verb.children if o.dep_ in ("dobj", "prep", "attr") for t in o.subtree]
    for t in words:
        if t.lemma_.lower() == "war" or t.lemma_.lower() in lex.negative_words:
            return -1, t.lower_
    for t in words:
        if t.lemma_.lower() in lex.positive_words:
            return 1, t.lower_
    return None


def _own_infinitive(lex: Lexicon, c: Climb) -> str | None:
    """"pushing for European troops to deploy": the topic's own infinitive takes the side."""
    w, head = c.w, c.head
    if w.cue is None and c.tok.i == w.root.i and any(x.dep_ == "aux" and x.lower_ == "to" for x in head.children) \
            and predicate_class(lex, head)[0] == "support":
        w.cue, w.cue_tok = c.lemma, head
        return SIDED
    return None


def _small_clause(lex: Lexicon, c: Climb) -> str | None:
    """"made the truce harder to hold" parsed as a small clause: verdicts.made_harder reads it on the
    next step; "paving the way for a ceasefire to begin": the clause stands for the truce."""
    head = c.head
    if c.w.cue is not None:
        return None
    if lemma(head.head) in ("make", "render") and head.lower_ in lex.harder_words | lex.easier_words:
        return c.up()
    if c.lemma in lex.continuing_verbs | {"take"} and for_clause(head):
        return c.up()
    return None


def _said_in_force(lex: Lexicon, c: Climb) -> str | None:
    """"Armenia said a ceasefire had taken hold (taken effect)", "Qatar said the truce was holding": the
    speaker affirms the truce in force (the truce itself is no holder), as does "announced that the
    truce would take effect at midnight". Only holding and taking hold or effect: not "would take
    months to negotiate", "lasted barely an hour", "would only come after they withdrew" (a
    condition), "no ceasefire had taken hold"."""
    w, head = c.w, c.head
    in_force = c.lemma in ("hold", "begin", "start", "remain", "stay") or c.lemma in ("take", "come") and any(
        x.lower_ in ("hold", "effect", "force") for x in head.subtree if x.i > head.i)
    if w.cue is None and in_force and not w.negations and head.dep_ == "ccomp" and \
            lemma(head.head) in lex.speech_verbs and not negated(lex, head, via=c.tok) and \
            not strong_condition(lex, clause_text(head)):
        w.cue, w.cue_tok = c.lemma, head
        return SIDED
    return None



def _narrated(verb: Any) -> bool:
    """A past tense with no auxiliary tells what happened ("the announcement came only after weeks of
    stalling"), not a condition set on a truce ("a ceasefire comes only after they withdraw")."""
    return verb.tag_ == "VBD" and not any(x.dep_ in ("aux", "auxpass") for x in verb.children)


def there_be(lex: Lexicon, c: Climb) -> str | None:
    """"there will be (no) ceasefire"; "the aim remains a ceasefire": the subject names the stance."""
    w, head = c.w, c.head
    if c.dep == "attr" and head.lemma_ == "be" and w.cue is None and any(x.dep_ == "expl" for x in head.children):
        w.cue, w.cue_tok = "there be", head
    if c.dep == "attr" and head.lemma_ in ("be", "remain", "become") and w.cue is None:
        subj = next((x for x in head.children if x.dep_ == "nsubj"), None)
        if subj is not None and subj.lemma_.lower() in lex.support_nouns:
            w.cue, w.cue_tok = subj.lemma_.lower(), head
    return None


SUBJECT_READINGS: tuple[Callable[[Lexicon, Climb], str | None], ...] = (
    _reduced_relative, _must_hold, _not_coming, _made_conditional, _over, _regroup, _verdict,
    _own_infinitive, _small_clause, _said_in_force,
)
