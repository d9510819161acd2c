"""Climb rules where a judgement of the topic takes the side, not a predicate over it: a truce made
conditional, passed over ("rather than a ceasefire"), put off ("too early to talk about a truce",
"not the moment to demand one"), called for ("now is the time for a ceasefire") or held to by naming
a violation of it ("called the strikes a violation of the truce").

Each is tried at a step of the climb (climb.py lists them in CLIMB_RULES); what a rule may answer is
in step.py.
"""

from __future__ import annotations

from tracker.lexicon import Lexicon
from tracker.stance.polarity import negated
from tracker.stance.step import STOP, Climb


def made_conditional(lex: Lexicon, c: Climb) -> str | None:
    """"made the truce conditional on ...", "renders any ceasefire dependent on ..."."""
    w, head = c.w, c.head
    if c.dep == "dobj" and c.lemma in ("make", "render") and w.cue is None and any(
            x.lower_ in lex.conditioned_words and x.dep_ in ("oprd", "acomp", "ccomp", "xcomp", "amod")
            for x in head.children):
        w.cue, w.cue_tok, w.conditional = "make conditional", head, True
        w.absorb(lex, head, lexical=False)
        return c.top(head)
    return None


def made_harder(lex: Lexicon, c: Climb) -> str | None:
    """"Hamas made the truce harder to hold" is against it, "made a ceasefire possible" for it, and
    "hoped nothing would make the ceasefire harder to sustain" for it again (the subject's "nothing"
    is counted on "make"); a thing that makes it harder ("the sanctions would make a truce harder to
    reach") is the speaker's complaint, for the truce."""
    head = c.head
    if c.lemma not in ("make", "render") or c.w.cue is not None or c.dep not in ("dobj", "ccomp", "nsubj"):
        return None
    words = {t.lower_ for t in head.subtree if t.i >= c.tok.i}
    harder = bool(words & lex.harder_words)
    side = -1 if harder else (1 if words & lex.easier_words else 0)
    if not side:
        return None
    subject = next((x for x in head.children if x.dep_ == "nsubj"), None)
    actor = subject is not None and (subject.ent_type_ in ("GPE", "ORG", "NORP", "PERSON") or subject.pos_ == "PRON"
                                     and subject.lower_ != "it")
    if side < 0 and not actor and not negated(lex, head):
        side = 1        # "the sanctions would make a truce harder to reach": the speaker's complaint, for it
    w = c.w
    w.cue, w.cue_tok = "make harder" if harder else "make easier", head
    w.polarity *= side
    w.absorb(lex, head, lexical=False)
    return c.top(head)


def rather_than(lex: Lexicon, c: Climb) -> str | None:
    """"a peace deal rather than a ceasefire", "instead of a truce": a preference against it."""
    w, tok, head = c.w, c.tok, c.head
    if tok.lower_ in ("than", "of") and c.dep == "prep" and (
            head.lower_ in ("rather", "instead") or any(x.lower_ in ("rather", "instead") for x in tok.children)
            or any(x.lower_ in ("rather", "instead") and x.dep_ == "advmod" for x in head.children)):
        w.negations += 1
        if w.cue is None:
            w.cue, w.cue_tok = "rather than", head
    if c.dep == "conj" and w.cue is None and any(x.dep_ == "cc" and x.lower_ in ("than", "instead") and x.i < tok.i
                                                 for x in head.children):
        # "a full peace agreement rather than a ceasefire": the topic is the one passed over.
        w.negations += 1
        w.cue, w.cue_tok = "rather than", head
        return c.top(head)
    return None


def untimely(lex: Lexicon, c: Climb) -> str | None:
    """"it was too early to talk about a truce", "premature to discuss troops": the topic is put off."""
    if c.dep != "xcomp":
        return None
    # "too early" is the head, or the complement of a "be" the clause hangs from ("it was premature to ...")
    adj = c.head if c.head.pos_ in ("ADJ", "ADV") else next(
        (x for x in c.head.children if x.dep_ in ("acomp", "advmod") and c.head.lemma_ == "be"
         and x.lower_ != "too"), None)
    if adj is None:
        return None
    too = any(x.dep_ == "advmod" and x.lower_ == "too" for x in adj.children)
    if adj.lower_ in lex.untimely or (too and f"too {adj.lower_}" in lex.untimely):
        w = c.w
        w.polarity = -1 if not (c.term and lex.is_inverse(c.term)) else 1
        w.cue, w.cue_tok = f"too {adj.lower_}" if too else adj.lower_, c.head
        w.absorb(lex, c.head, lexical=False)
        return c.top(c.head)
    return None


def moment(lex: Lexicon, c: Climb) -> str | None:
    """"Now is the time for a ceasefire": a call for it; "this was not the moment (no time, hardly the
    time, the wrong time) to demand a truce": put off, so against it. Only the time that a "be" names
    and that the topic's own infinitive or "for" completes, not "at the time of the truce" or "the first
    time Russia accepted a truce"."""
    head = c.head
    if not (head.lemma_.lower() in lex.moments and head.dep_ == "attr" and head.head.lemma_ == "be"
            and (c.dep == "prep" and c.tok.lower_ == "for" or c.dep in ("relcl", "acl") and not any(
                x.dep_ in ("nsubj", "nsubjpass") for x in c.tok.children))):
        return None
    w, be = c.w, head.head
    w.cue, w.cue_tok = f"the {head.lower_}", be
    w.absorb(lex, be, lexical=False)     # counts the "not" on "be"
    if any(x.lower_ in lex.wrong_moments for x in [*head.children, *be.children]):
        w.polarity *= -1
    return c.top(be)


def violation_named(lex: Lexicon, c: Climb) -> str | None:
    """"called the strikes a violation of the ceasefire", "said the attacks were a breach of the truce",
    "condemned them as a violation of the truce": who names an act a violation of a truce holds to it.
    An accusation ("accused Israel of violating the truce") is no stance (no_stance.accusation), nor
    is "was not a violation", nor a violation counted or reported ("monitors logged 50 violations")."""
    noun = c.head
    if c.frozen or noun.lemma_.lower() not in lex.violation_nouns or not (
            c.dep == "compound" or c.dep == "prep" and c.tok.lower_ == "of"):
        return None
    verb = noun.head
    if noun.dep_ == "pobj" and verb.lower_ == "as":
        verb = verb.head                                  # "condemned them as a violation of the truce"
    elif not (noun.dep_ == "attr" and verb.lemma_ == "be" and not any(x.dep_ == "expl" for x in verb.children)
              or noun.dep_ in ("oprd", "dobj") and verb.lemma_.lower() in lex.evaluation_verbs):
        return None
    if verb.pos_ not in ("VERB", "AUX") or negated(lex, verb):
        return STOP                                       # "Israel said the strike was not a violation"
    w = c.w
    w.cue, w.cue_tok, w.polarity = noun.lemma_.lower(), verb, 1
    c.frozen, c.frozen_via = True, "violation"
    return c.top(verb)
