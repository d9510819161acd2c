"""Which side a predicate takes on what lies below it, and what the climb from a topic found.

A stance composes: "refused to agree to a truce" is oppose x support = oppose; "did not rule out
sending troops" is a negated oppose. predicate_class says whether one word takes a side, evaluation
reads verdicts ("a dangerous fantasy", "as unacceptable"), negated counts the negations on a
predicate. Walk is the record the climb (climb.py) fills in and the later stages read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tracker.lexicon import Lexicon
from tracker.stance.modality import hedged
from tracker.stance.syntax import lemma


@dataclass
class Walk:
    """What the climb from a topic mention found."""

    root: Any
    clause_top: Any
    polarity: int = 1
    negations: int = 0
    cue: str | None = None
    cue_tok: Any = None
    hedge: bool = False
    demand: str | None = None      # "modal" (has to, must) or "verb" (urged X to)
    demand_tok: Any = None
    speech: Any = None
    epistemic: bool = False
    conditional: bool = False      # the construction itself makes the stance conditional
    on: date | None = None
    cues: list[str] = field(default_factory=list)   # every predicate that took a side on the way up
    proposals: list[Any] = field(default_factory=list)  # proposal/plan/call nouns passed: their owners support

    def absorb(self, lex: Lexicon, tok: Any, lexical: bool = True, via: Any = None) -> None:
        """Take a predicate's negations and hedges into account (via: the child the walk came from,
        whose own 'no' was counted already)."""
        self.negations += negated(lex, tok, via)
        self.hedge = self.hedge or hedged(lex, tok, lexical)


def predicate_class(lex: Lexicon, tok: Any, via: Any = None, depth: int = 1, has_cue: bool = False
                    ) -> tuple[str | None, str]:
    """Does this token take a side on what lies below it? Returns (support|oppose|None, cue)."""
    base = lemma(tok)
    keys = [base]
    if via is not None and via.dep_ == "attr" and base == "be":
        keys.insert(0, f"be {via.lemma_.lower()}")      # "would not be part of the force"
    if via is not None and via.dep_ == "dobj" and tok.pos_ in ("VERB", "AUX"):
        keys.insert(0, f"{base} {via.lemma_.lower()}")     # "cleared the way for a truce"
    if via is not None and via.dep_ in ("prep", "agent", "dative") and tok.pos_ in ("VERB", "AUX", "ADJ"):
        keys.insert(0, f"{base} {via.lower_}")
        # "pour scorn on", "cast doubt on": the verb's own object is part of the predicate.
        for obj in (c for c in tok.children if c.dep_ == "dobj" and c.i != via.i):
            keys.insert(0, f"{base} {obj.lemma_.lower()}")
            keys.insert(0, f"{base} {obj.lemma_.lower()} {via.lower_}")
    if tok.pos_ in ("VERB", "AUX"):
        for key in keys:
            if key in lex.oppose_verbs:
                return "oppose", key
            if key in lex.support_verbs:
                return "support", key
        if base in lex.neutral_verbs:
            return None, base      # passes its complement's stance through, never a light verb's side
        if base in lex.light_verbs and not has_cue and depth <= 2 and via is not None and \
                via.dep_ in ("dobj", "prep", "attr", "oprd"):
            return "support", base
        return None, base
    if tok.pos_ == "ADJ" or tok.dep_ in ("acomp",):
        for key in keys:
            if key in lex.oppose_adjectives:
                return "oppose", key
            if key in lex.support_adjectives or key in lex.support_verbs:
                return "support", key
        return None, base
    if tok.pos_ == "ADP" and tok.lower_ == "against" and tok.head.lemma_ == "be":
        return "oppose", "against"
    if tok.pos_ in ("NOUN", "PROPN"):
        if base in lex.oppose_nouns:
            return "oppose", base
        if base in lex.support_nouns:
            return "support", base
    return None, base


def evaluation(lex: Lexicon, tok: Any) -> tuple[int, str] | None:
    """The verdict of a complement: (+1 or -1, the word) for "a mistake", "as unacceptable", "welcome"."""
    comps = [c for c in tok.children if c.dep_ in ("acomp", "attr", "oprd", "xcomp", "ccomp")]
    objs = [c for c in tok.children if c.dep_ in ("dobj", "npadvmod", "dative")]
    if len(objs) > 1:
        comps += objs[1:]       # "called the plans 'a dangerous fantasy'" parsed with two objects
    if tok.lemma_.lower() in lex.evaluation_verbs:
        # ... or with the verdict hung as an apposition inside the object
        comps += [a for o in objs[:1] for a in o.subtree if a.dep_ == "appos"]
    comps += [g for c in tok.children if c.dep_ == "prep" and c.lower_ == "as"
              for g in c.children if g.dep_ in ("pobj", "amod", "acomp")]
    places = [c for c in tok.children if c.dep_ == "prep" and c.lower_ == "on" and any(
              g.dep_ == "pobj" and g.lower_ in lex.open_places for g in c.children)] if tok.lemma_ == "be" else []
    if places:
        # "troops are on the table", "a truce is not on the agenda"; a quoted 'was "not on the table"'
        # hangs its "not" on the preposition.
        if any(c.dep_ == "neg" for c in places[0].children):
            return -1, "not on the table"
        return 1, "on the table"
    for comp in comps:
        words = [comp] + [c for c in comp.children if c.dep_ in ("amod", "compound", "advmod", "acomp")]
        for wtok in words:
            word = wtok.lemma_.lower()
            if word in lex.negative_words or wtok.lower_ in lex.negative_words:
                return -1, wtok.lower_
        for wtok in words:
            word = wtok.lemma_.lower()
            if word in lex.positive_words or wtok.lower_ in lex.positive_words:
                return 1, wtok.lower_
    return None


def negated(lex: Lexicon, tok: Any, via: Any = None) -> int:
    """How many negations a predicate carries ("not", "never", "no plans", "has yet to")."""
    # A negation word with its own "no" cancels ("no less committed").
    n = sum(1 for c in tok.children if c.dep_ == "neg" or (c.lower_ in lex.negation_words and c.dep_ in ("advmod", "det")
                                                       and not any(g.lower_ in ("no", "not") for g in c.children)))
    # "no Italian troops would be deployed", "nothing will jeopardise the truce": a subject that is
    # nobody negates its predicate (not when the walk came up through that subject: its "no" is counted).
    n += sum(1 for c in tok.children if c.dep_ in ("nsubj", "nsubjpass") and (via is None or c.i != via.i) and (
        c.lower_ in lex.nobody_words or any(d.dep_ == "det" and d.lower_ == "no" for d in c.children)))
    # "take no part", "has no plans", "see no room": the 'no' on the object negates the predicate
    n += sum(1 for c in tok.children if c.dep_ == "dobj" and (via is None or c.i != via.i)
             and any(d.dep_ == "det" and d.lower_ == "no" for d in c.children))
    if any(c.lower_ == "yet" and c.dep_ == "advmod" for c in tok.children) and (
            tok.lemma_ in ("have", "be") or any(c.lower_ == "to" for c in tok.subtree)):
        n += 1      # "has yet to be agreed by Russia": not agreed
    return n
