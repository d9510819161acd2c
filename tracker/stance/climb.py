"""The climb from a topic mention up the dependency tree to the clause's speaker.

Below the first clause boundary (a coordinated or adverbial clause) the stance composes: each
support or oppose predicate whose object or complement leads to the topic multiplies the polarity,
negations are counted, hedges and demands noted. Above it only the speaker is looked for, so "while
Italy is not planning ..., Meloni said" is still Meloni's.

Each step up (from a token to its head) is offered to the rules of CLIMB_RULES in order; what a rule
may answer is in step.py, and the rules that find no stance at all are in no_stance.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tracker.lexicon import Lexicon
from tracker.stance.modality import modal_demand
from tracker.stance.no_stance import (
    a_time,
    accusation,
    embedded_question,
    hypothesis,
    meeting,
    neither_nor,
    not_reached,
)
from tracker.stance.polarity import Walk, evaluation, negated, predicate_class
from tracker.stance.speakers import late_speech
from tracker.stance.step import DONE, STOP, Climb
from tracker.stance.subjects import there_be, topic_is_subject
from tracker.stance.syntax import (
    MODAL_AUXES,
    RELATIVE_PRONOUNS,
    among_subject,
    for_clause,
    is_purpose,
    lemma,
    wished_on_other,
)
from tracker.stance.verdicts import (
    made_conditional,
    made_harder,
    moment,
    rather_than,
    untimely,
    violation_named,
)

# Relations along which a stance composes upwards (the topic is an object or complement).
_COMPOSE = {"dobj", "pobj", "prep", "xcomp", "ccomp", "pcomp", "acomp", "attr", "compound", "nsubjpass",
            "oprd", "dative", "agent", "appos", "nmod", "npadvmod", "amod", "advmod", "poss", "relcl", "acl"}


def walk(lex: Lexicon, span: Any, term: str = "") -> Walk | None:
    """Climb from the topic to the clause's speaker, composing the stance on the way (None: the
    mention takes no stance)."""
    root = span.root
    w = Walk(root=root, clause_top=root)
    if term and lex.is_inverse(term):
        w.polarity = -1      # "resume strikes", "return to war": the opposite of a truce
    span_ids = {t.i for t in span}
    if root.pos_ in ("VERB", "AUX"):
        w.cue, w.cue_tok = lemma(root), root
        w.absorb(lex, root)
    w.negations += sum(1 for c in root.children if c.lower_ == "no" and c.dep_ == "det")
    c = Climb(w, term, root)
    while c.tok.head.i != c.tok.i:
        c.dep, c.head = c.tok.dep_, c.tok.head
        if c.head.i in span_ids:
            c.tok = c.head
            continue
        if not (c.tok.pos_ == "ADP" or c.tok.lemma_.lower() in lex.transparent_nouns):
            c.depth += 1
        c.lemma = lemma(c.head)
        c.is_verb = c.head.pos_ in ("VERB", "AUX")
        outcome = next(o for o in (rule(lex, c) for rule in CLIMB_RULES) if o is not None)
        if outcome == STOP:
            return None
        if outcome == DONE:
            return w
    if w.speech is None and w.cue is not None:
        w.speech = late_speech(lex, w, c.tok)
    return w


# --- the rules, in the order they are tried -------------------------------------------------------------


def _wish_on_other(lex: Lexicon, c: Climb) -> str | None:
    """"Trump said he hoped Moscow would accept the truce": the hope is Trump's support, Moscow only
    the one it is pinned on."""
    if c.is_verb and c.lemma in lex.wish_verbs and c.dep == "ccomp" and c.w.demand is None and wished_on_other(c.tok, c.head):
        c.w.demand, c.w.demand_tok = "verb", c.head
    return None


def _expectation(lex: Lexicon, c: Climb) -> str | None:
    """"analysts expected Moscow to accept a truce" is an expectation, nobody's stance; "he believed
    the best route was a deal rather than a ceasefire" is his own view."""
    if c.is_verb and c.lemma in lex.epistemic_verbs and c.dep in ("ccomp", "xcomp") and c.frozen_via in ("", "conj"):
        c.w.epistemic = True
        c.w.speech = c.head
        return DONE
    return None


def _speech(lex: Lexicon, c: Climb) -> str | None:
    """A speech verb above the clause is its speaker ("Lin said that China hoped ...": the hope is
    reported; the speaker is Lin). A contrastive clause climbs on to the outermost speaker."""
    dep, head = c.dep, c.head
    if c.is_verb and c.lemma in lex.speech_verbs and (
            dep in ("ccomp", "parataxis") or (dep == "xcomp" and c.lemma not in lex.support_verbs | lex.oppose_verbs)
            or (c.frozen and dep in ("advcl", "conj"))) and not (
            c.lemma in lex.wish_verbs and head.dep_ == "ccomp" and lemma(head.head) in lex.speech_verbs):
        c.w.speech = head
        if not c.contrast:
            return DONE
    return None


def _without(lex: Lexicon, c: Climb) -> str | None:
    """"talks cannot begin without a ceasefire in Lebanon": the truce is demanded first; but "without
    toppling X or securing a deal to halt attacks" is what is not done."""
    w, head = c.w, c.head
    if c.dep in ("pcomp", "pobj") and head.lower_ == "without":
        if c.dep == "pobj" and head.head.pos_ in ("VERB", "AUX") and negated(lex, head.head) and w.cue is None \
                and not w.negations:
            w.cue, w.cue_tok, w.clause_top = "require", head.head, head.head
            w.conditional = True
            return c.up(head.head)
        return STOP
    return None


def _frozen(lex: Lexicon, c: Climb) -> str | None:
    """Above a clause boundary the stance no longer composes; only coordinated verbs' negations,
    hedges and demands still count."""
    if not c.frozen:
        return None
    if c.dep == "conj" and c.is_verb and not c.contrast and _shares_negation(c):
        c.w.absorb(lex, c.head, lexical=False)
        if c.w.demand is None and modal_demand(lex, c.head):
            c.w.demand = "modal"
    return c.up()


def _relative_clause(lex: Lexicon, c: Climb) -> str | None:
    """"a move that could test the ceasefire": the clause only describes the noun. But "any mission
    that put foreign troops on Ukrainian soil", "a plan that calls for a truce": the clause says what
    the noun is; the noun now stands for the topic."""
    w = c.w
    if not (c.dep == "relcl" and c.head.pos_ in ("NOUN", "PROPN") and not c.frozen):
        return None
    speech = _misattached_speech(lex, c)
    if speech is not None:
        w.speech = speech
        return DONE
    subjects = [x for x in c.tok.children if x.dep_ in ("nsubj", "nsubjpass")]
    if w.cue is not None and len(subjects) == 1 and (
            _actor(c.head) and subjects[0].lower_ in ("which", "who")
            or among_subject(c.head) is not None and subjects[0].lower_ in RELATIVE_PRONOUNS):
        # "Egypt, which brokered the ceasefire, ...": the clause is the named actor's own stance; so
        # is "Chad is among the countries that have pledged troops".
        return DONE
    if not (c.tok.i == w.root.i or w.cue is not None) or c.head.lemma_.lower() in _WARS:
        return STOP     # "his plan to end the war, under which fighting would stop": a war never stands for a truce
    if any(s == w.root or s.is_ancestor(w.root) for s in subjects) and c.tok.i != w.root.i and \
            not any(x.dep_ == "aux" and x.lower_ in MODAL_AUXES for x in c.tok.children):
        # "the terms on which the ceasefire was forged": the truce's own event, not what the noun is;
        # but "a deal under which the truce would be extended" says what the deal is.
        return STOP
    w.cue = w.cue_tok = None
    w.polarity = -1 if c.term and lex.is_inverse(c.term) else 1
    w.negations = 0
    w.hedge = False
    return c.top(c.head)


_WARS = frozenset({"war", "conflict", "fighting", "offensive", "invasion", "campaign", "hostility"})


def _misattached_speech(lex: Lexicon, c: Climb) -> Any:
    """"Zelensky said after the meeting that Ukraine was ready for a truce": a "that" clause with its own
    subject hung on the nearest noun is the complement of the speech verb above that noun."""
    if not any(x.dep_ == "mark" and x.lower_ == "that" for x in c.tok.children) or \
            not any(x.dep_ in ("nsubj", "nsubjpass") for x in c.tok.children):
        return None
    t = c.head
    for _ in range(3):
        if t.dep_ not in ("pobj", "prep") or t.head.i == t.i:
            break
        t = t.head
    return t if t.pos_ in ("VERB", "AUX") and lemma(t) in lex.speech_verbs else None


def _actor(tok: Any) -> bool:
    """Does the noun name an actor (a country, an organisation, a person), not a plan or a force?"""
    return tok.ent_type_ in ("GPE", "NORP", "ORG", "PERSON") or bool(tok.ent_id_)


def _pushed_for(lex: Lexicon, c: Climb) -> str | None:
    """"pushing for European troops to deploy": the clause is what is pushed for. "eager for Russia and
    Ukraine to agree to a truce": the clause's own subject is the one it is pinned on, not a holder."""
    if c.dep in ("advcl", "relcl", "acl") and for_clause(c.tok):
        c.dep = "xcomp"
        subjects = [x for x in c.tok.children if x.dep_ in ("nsubj", "nsubjpass")]
        root = c.w.root
        if subjects and c.w.demand is None and not any(s == root or root.is_ancestor(s) or s.is_ancestor(root)
                                                      for s in subjects):
            c.w.demand, c.w.demand_tok = "verb", c.head
    return None


def _gerund_object(lex: Lexicon, c: Climb) -> str | None:
    """"Italy has ruled out sending troops": the small model often hangs a gerund that is the verb's
    object as an adverbial clause. Right after a verb that takes a side, with no object, comma, mark
    or subject between ("rejected the plan, calling for a truce" is another clause), it is the object."""
    tok, head = c.tok, c.head
    if c.dep == "advcl" and tok.tag_ == "VBG" and tok.i > head.i and head.pos_ in ("VERB", "AUX") \
            and all(t.head == head and t.dep_ in ("prt", "advmod", "neg") for t in head.doc[head.i + 1:tok.i]) \
            and not any(x.dep_ in ("mark", "nsubj", "nsubjpass") for x in tok.children) \
            and predicate_class(lex, head)[0] is not None:
        c.dep = "xcomp"
    return None


def _clause_boundary(lex: Lexicon, c: Climb) -> str | None:
    """A coordinated, adverbial or relative clause ends the composing part of the climb."""
    dep, head, w = c.dep, c.head, c.w
    noun_clause = dep == "acl" and (head.lemma_.lower() in lex.support_nouns | lex.oppose_nouns
                                    or head.lemma_.lower() in lex.transparent_nouns)
    if not (dep == "conj" or (dep == "advcl" and not is_purpose(c.tok)) or dep in ("relcl", "amod")
            or (dep == "acl" and not noun_clause) or dep not in _COMPOSE | {"acl"}):
        return None
    if w.cue is None:
        return DONE
    c.frozen = True
    c.frozen_via = dep
    # "..., while Italy is not planning ..., Meloni said": a contrastive clause belongs to
    # the outermost speaker, not to the speaker of the clause it hangs from.
    c.contrast = dep == "advcl" and any(x.dep_ == "mark" and x.lower_ in ("while", "whereas", "whilst")
                                        for x in c.tok.children)
    if dep == "conj" and c.is_verb and _shares_negation(c):
        w.absorb(lex, head, lexical=False)
        if w.demand is None and modal_demand(lex, head):
            w.demand = "modal"
    return c.up()


def _shares_negation(c: Climb) -> bool:
    """Does a conjoined verb share the first verb's "not"? "did not sign or accept the truce" does; "had
    never sought war and was ready to stop firing" has a verb of its own, "did not halt its strikes but
    agreed to a truce" turns against the first, and "would not send a soldier and called for a truce"
    is another tense, so another clause."""
    head = c.head
    return not any(x.dep_ in ("aux", "auxpass", "nsubj", "nsubjpass") or x.lemma_ == "be"
                   for x in [c.tok, *c.tok.children]) and \
        not any(x.dep_ == "cc" and x.lower_ in ("but", "yet") for x in head.children) and c.tok.tag_ == head.tag_


def _compose(lex: Lexicon, c: Climb) -> str | None:
    """The topic is an object or complement of head: head's side composes with the stance so far."""
    w, dep, head, base = c.w, c.dep, c.head, c.lemma
    if head.pos_ in ("NOUN", "PROPN"):
        if _compose_noun(lex, c) == STOP:
            return STOP
    elif dep in ("dobj", "nsubjpass") and base in lex.evaluation_verbs and (verdict := evaluation(lex, head)) is not None:
        # "called the plans a dangerous fantasy", "regards the deployment as unacceptable", "any
        # peacekeepers would be considered legitimate targets"
        w.polarity *= verdict[0]
        w.cue, w.cue_tok = f"{base} {verdict[1]}", head
        w.absorb(lex, head, lexical=False, via=c.tok)     # "considered" judges here, it does not hedge
    else:
        _compose_predicate(lex, c)
    return c.top(head)


def _compose_noun(lex: Lexicon, c: Climb) -> str | None:
    """A noun above the topic: a stance noun ("calls for a truce") takes a side, a transparent one
    ("a ceasefire proposal") stands for the topic, any other means the topic only modifies it."""
    w, dep, head, base = c.w, c.dep, c.head, c.lemma
    stance_noun = base in lex.support_nouns or base in lex.oppose_nouns
    transparent = base in lex.transparent_nouns or head.lower_ in lex.transparent_nouns
    if transparent or stance_noun:
        w.negations += sum(1 for x in head.children if x.lower_ == "no" and x.dep_ == "det")
    if stance_noun and dep != "compound":
        # "calls for a truce", "Russia's rejection of the truce"; but a "ceasefire agreement"
        # is the truce itself, not anyone's agreeing to it.
        if w.cue is None or dep in ("prep", "pobj", "acl"):
            if base in lex.oppose_nouns:
                w.polarity *= -1
            w.cue, w.cue_tok = base, head
            if base in lex.proposal_nouns and w.polarity * (-1 if w.negations % 2 else 1) > 0:
                w.proposals.append(head)
    elif not transparent and not stance_noun and (dep == "compound" and c.tok.i == w.root.i
                                                  or dep == "prep" and w.cue is None):
        # "ceasefire violations", "the remainder of the ceasefire": the topic only modifies
        # something else, which is what the sentence is about.
        return STOP
    return None


def _compose_predicate(lex: Lexicon, c: Climb) -> None:
    """A verb or adjective above the topic: its side multiplies the polarity; a demand verb or modal
    over the stance makes it a demand on someone else."""
    w, dep, head, base = c.w, c.dep, c.head, c.lemma
    cls, cue = predicate_class(lex, head, via=c.tok, depth=c.depth, has_cue=w.cue is not None)
    if cls is not None:
        w.cues.append(cue)
    if cls == "oppose":
        w.polarity *= -1
        w.cue, w.cue_tok = cue, head
    elif cls == "support" and (w.cue is None or w.cue in lex.support_nouns):
        w.cue, w.cue_tok = cue, head
    if head.pos_ in ("VERB", "AUX", "ADJ"):
        w.absorb(lex, head, via=c.tok)
        if dep in ("xcomp", "ccomp") and w.cue is not None and w.demand is None:
            objected = any(x.dep_ in ("dobj", "dative") for x in head.children) or \
                any(x.dep_ == "prep" and x.lower_ == "on" for x in head.children)
            if base in lex.demand_verbs and (dep == "ccomp" or objected or
                                             base not in ("want", "need", "hope", "wish")):
                w.demand, w.demand_tok = "verb", head
            elif modal_demand(lex, c.tok):
                w.demand = "modal"


CLIMB_RULES: tuple[Callable[[Lexicon, Climb], str | None], ...] = (
    accusation, embedded_question, hypothesis, _wish_on_other, _expectation, _speech, not_reached, _without,
    _frozen, topic_is_subject, there_be, a_time, made_conditional, made_harder, meeting, neither_nor, rather_than,
    untimely, moment, violation_named, _pushed_for, _relative_clause, _gerund_object,
    _clause_boundary, _compose,
)

