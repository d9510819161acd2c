"""How firmly a stance is held, and what conditions do to its side.

Modality is conditional when the clause ties the stance to a condition, hedged when it weakens it,
firm otherwise. Conditions can also turn the side (SPEC): a truce made to depend on demands the
other side has not met is opposition ("no ceasefire until they withdraw"), while a holder who keeps
a truce on conditions ("we will return to war if Hamas does not disarm") supports it. Those turns
are the ordered rules of CONDITION_RULES.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from tracker.lexicon import Lexicon
from tracker.stance.syntax import lemma

_CONDITION_TEMPORAL = re.compile(
    r"\b(after|when|following)\b[^.;]{0,60}\b(ceasefire|truce|peace|deal|agreement|settlement|withdraw\w*|"
    r"end of (the )?(war|fighting)|fighting (stops|ends)|mandate|backstop)\b", re.IGNORECASE)
_CONTRAST_PRECONDITION = re.compile(
    r"\b(but|however|yet)\b[^.;]{0,120}?\b(before any|until|unless|first|only (if|after|once)|preconditions?|"
    r"conditions? (must|would have to|had to|have to)|(had|have|has|would have) to be (settled|met|resolved|addressed)|"
    r"must first|questions? (?:still )?remain\w*|(?:serious |many |several )?(?:questions|issues|nuances) (?:that )?"
    r"(?:remain\w*|need\w* to be|must be|have to be|had to be)|there (?:are|were|is|was) (?:still )?(?:questions|"
    r"issues|nuances))\b", re.IGNORECASE)
_THREAT_CONDITION = re.compile(r"\b(if|unless|as long as|so long as|provided)\b", re.IGNORECASE)


def strong_condition(lex: Lexicon, text: str) -> bool:
    """Does the text tie what it says to a condition ("only if", "unless", "as long as", "until ...")?"""
    return bool(lex.conditional_regex.search(text))


def modality(lex: Lexicon, clause_text: str, hedge: bool) -> str:
    """conditional when the clause ties the stance to a condition, hedged when it weakens it."""
    if lex.conditional_regex.search(clause_text) or _CONDITION_TEMPORAL.search(clause_text):
        return "conditional"
    if hedge or lex.hedge_regex.search(clause_text):
        return "hedged"
    return "firm"


def hedged(lex: Lexicon, tok: Any, lexical: bool = True) -> bool:
    """Is the predicate weakened ("could send", "is considering")? lexical: the verb itself counts."""
    if any(c.dep_ == "aux" and c.lower_ in lex.hedge_words for c in tok.children):
        return True
    return lexical and lemma(tok) in lex.hedge_words


def modal_demand(lex: Lexicon, tok: Any) -> bool:
    """'must agree', 'has to agree', 'should accept', 'needs to stop'."""
    if tok is None:
        return False
    for c in tok.children:
        if c.dep_ == "aux" and c.lower_ in lex.modal_auxes:
            return True
    return tok.dep_ == "xcomp" and tok.head.lemma_ in lex.modal_heads and \
        any(c.dep_ == "aux" and c.lower_ == "to" for c in tok.children)


def wanter(tok: Any) -> Any:
    """The word that wants the clause: 'want the truce to hold', 'eager for the ceasefire to succeed',
    'called for peacekeepers to return' (None when nothing above wants it)."""
    h = tok.head
    if h.pos_ == "ADP" and h.head.i != h.i:
        h = h.head
    wants = tok.dep_ in ("xcomp", "ccomp", "pcomp", "advcl") and h.lemma_ in (
        "want", "hope", "expect", "need", "wish", "urge", "call", "eager", "keen", "anxious", "desperate",
        "determined", "intent")
    return h if wants else None


def wanted(tok: Any) -> bool:
    """Is the clause wanted by a word above it ("want the truce to hold")?"""
    return wanter(tok) is not None


def in_condition(lex: Lexicon, span: Any, own_side: Callable[[Any, Any], bool] | None = None) -> bool:
    """Is the mention inside a condition clause (if, unless, provided, as long as, until, once), or a
    speculation? own_side(subject, speech verb) says whether a speaker speaks for the subject: "the UAE
    is unlikely to take part, Gargash said" is then his hedged stance, not speculation."""
    t = span.root
    for _ in range(12):
        if t.dep_ == "advcl":
            lead = " ".join(c.lower_ for c in t.children if c.i < t.i and c.dep_ in ("mark", "advmod", "prep"))
            if re.search(r"\b(if|unless|provided|providing|until|till|once|long|soon|condition|whether)\b", lead):
                return True
        if t.dep_ in ("ccomp", "advcl", "pcomp") and any(c.dep_ == "mark" and c.lower_ == "whether" for c in t.children):
            return True      # "whether Israel had agreed to stop striking": a question, not a stance
        if t.i != span.root.i and (t.lemma_ in lex.speculation_words and t.pos_ == "ADJ" or t.lemma_ == "be" and any(
                c.dep_ == "acomp" and c.lemma_ in lex.speculation_words for c in t.children)) and \
                not _said_of_own_side(t, own_side):
            return True      # "it is not clear the president has much appetite for resuming a war"
        if t.lemma_ in ("ask", "question", "wonder") and t.i != span.root.i and \
                any(c.lower_ in ("about", "whether", "if", "how", "when", "why") for c in t.children):
            return True      # "when asked about the circumstances under which a ceasefire could ..."
        if t.head.i == t.i:
            return False
        t = t.head
    return False


def _said_of_own_side(t: Any, own_side: Callable[[Any, Any], bool] | None) -> bool:
    """"The UAE is unlikely to take part, Gargash said": the likelihood of the speaker's own side is
    the speaker's hedged stance; "Hamas is unlikely to accept, Israeli officials said" is a prediction."""
    be = t if t.lemma_ == "be" else t.head
    subject = next((c for c in be.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    speech = be.head if be.dep_ in ("ccomp", "parataxis") else None
    return own_side is not None and subject is not None and speech is not None and \
        speech.pos_ in ("VERB", "AUX") and own_side(subject, speech)


# --- conditions that turn the side ------------------------------------------------------------------
# Each rule takes (lex, topic, term, walk, side, modality, clause_text, after: the sentence after the
# topic) and returns the (side, modality) it leaves; they run in order, each seeing the last one's result.

Side = tuple[str, str]


def _precondition_opposes(lex: Lexicon, topic: str, term: str, w: Any, pol: str, mod: str, clause: str,
                          after: str) -> Side:
    """"no truce until they withdraw"; but "extend the pause until ..." keeps it, and so does an
    exception to a truce the holder keeps ("will stop attacks unless they come from there")."""
    if topic == "ceasefire" and pol == "support" and mod == "conditional" and \
            any(m.group(0).lower() != "unless" for m in lex.precondition_regex.finditer(clause)) and \
            not w.negations and (w.cue or "").split(" ")[0] not in lex.continuation_verbs:
        return "oppose", mod
    return pol, mod


def _kept_on_conditions(lex: Lexicon, topic: str, term: str, w: Any, pol: str, mod: str, clause: str,
                        after: str) -> Side:
    """"we will return to war if Hamas does not disarm", "he will not extend the truce if no deal is
    reached": a holder keeping a truce on conditions (SPEC: support, conditional)."""
    if lex.is_intent(term):
        return pol, mod     # "will keep striking as long as they threaten the Druze": fighting on, on a condition
    if topic == "ceasefire" and pol == "oppose" and mod == "conditional" and \
            _THREAT_CONDITION.search(clause) and not lex.precondition_regex.search(clause) and \
            (lex.is_inverse(term) or (w.cue or "").split(" ")[0] in ("extend", "end", "resume", "return", "hold",
                                                                     "keep", "continue")):
        return "support", mod
    return pol, mod


def _but_first(lex: Lexicon, topic: str, term: str, w: Any, pol: str, mod: str, clause: str, after: str) -> Side:
    """SPEC: "we favour a truce, but first the arms deliveries must stop" is oppose, conditional."""
    if topic == "ceasefire" and pol == "support" and _CONTRAST_PRECONDITION.search(after):
        return "oppose", "conditional"
    return pol, mod


def _troops_unless(lex: Lexicon, topic: str, term: str, w: Any, pol: str, mod: str, clause: str,
                   after: str) -> Side:
    """"will not send troops unless there is a US backstop", "no plans to send troops unless ...": a
    refusal on a condition the holder sets (oppose, conditional, as "no ceasefire until they withdraw")."""
    if topic == "peacekeeping" and pol == "oppose" and w.negations and \
            re.search(r"\b(unless|until|without)\b", clause, re.IGNORECASE):
        return "oppose", "conditional"
    return pol, mod


CONDITION_RULES: tuple[Callable[..., Side], ...] = (
    _precondition_opposes, _kept_on_conditions, _but_first, _troops_unless)


def settle(lex: Lexicon, topic: str, term: str, w: Any, polarity: int, clause: str, after: str) -> Side:
    """The statement's side and modality from the walk's polarity and the clause's conditions."""
    mod = "conditional" if w.conditional else modality(lex, clause, w.hedge)
    if w.negations % 2 and (w.cue or "") in ("rule out", "exclude", "preclude"):
        mod = "hedged"      # "did not rule out sending troops", "would not exclude"
    pol = "support" if polarity > 0 else "oppose"
    for rule in CONDITION_RULES:
        pol, mod = rule(lex, topic, term, w, pol, mod, clause, after)
    return pol, mod
