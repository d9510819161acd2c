"""From one topic mention to candidate statements: the stages joined in the order SPEC needs them.

First the constructions that are no ordinary clause (a threat that presses for a truce, a mention
inside a condition); then the climb (climb.py) gives the predicate, its side, negations, hedges,
demands and the speaker; modality.py settles side and modality under conditions; speakers.py
chooses who holds it; the authors of a proposal on the way support it too.
"""

from __future__ import annotations

from typing import Any

from tracker.stance.assemble import Candidate
from tracker.stance.climb import walk
from tracker.stance.constructions import by_authors, owned_noun, passive_class, pressure, relative_clause
from tracker.stance.holders import Found, holders_of, noun_owners
from tracker.stance.modality import in_condition, modal_demand, settle
from tracker.stance.polarity import Walk
from tracker.stance.reading import Knowledge, Reading
from tracker.stance.speakers import (
    agents,
    analyst_speaks,
    choose,
    demand_targets,
    pronoun_before,
    spoken_for,
    subject_holders,
)
from tracker.stance.syntax import (
    FUTURE_AUXES,
    MODAL_AUXES,
    TIME_PREPS,
    clause_text,
    dated_before,
    lemma,
    subtree_span,
)
from tracker.stance.topics import TROOP_WORDS, combat, topic_mentions

_INFERRED = ("pronoun", "metonym", "description", "institution")
_CONFIDENCE_COST = {"pronoun": 0.15, "description": 0.15, "metonym": 0.05, "institution": 0.05, "unknown_person": 0.2}


def sentence_candidates(k: Knowledge, r: Reading, sent: Any, trace: list[dict[str, Any]] | None) -> list[Candidate]:
    """Every candidate of one sentence: per topic mention, the main path and a relative clause on it."""
    out: list[Candidate] = []
    for topic, term, span in topic_mentions(k, sent, r.doc, r.anchor_text):
        out.extend(topic_mention(k, r, span, topic, term, sent, trace))
        out.extend(relative_clause(k, r, span, topic, term, sent))
    return out


def topic_mention(k: Knowledge, r: Reading, span: Any, topic: str, term: str, sent: Any,
                  trace: list[dict[str, Any]] | None = None) -> list[Candidate]:
    """The candidates one topic mention yields (trace: a list to record the walk on, for explain)."""
    pressed = pressure(k, r, span, topic, term, sent)
    if pressed is not None:
        return pressed
    if in_condition(k.lex, span, lambda subject, speech: _same_side(k, r, subject, speech)):
        return []        # "... as long as Azerbaijan stops shelling": a condition, not a stance
    w = walk(k.lex, span, term)
    if w is not None:
        w.on = r.on
    if trace is not None:
        trace.append({"term": term, "topic": topic, "sentence": sent.text.strip()[:160],
                      "walk": None if w is None else {key: (v.text if hasattr(v, "text") else v)
                                                      for key, v in vars(w).items()}})
    if w is None:
        return []
    if w.cue_tok is not None and any(c.dep_ == "nsubjpass" and c.i == w.root.i for c in w.cue_tok.children) and \
            not any(c.dep_ == "agent" for c in w.cue_tok.children) and w.negations and \
            not any(c.dep_ == "aux" and c.lower_ in MODAL_AUXES for c in w.cue_tok.children):
        return []        # "no formal truce had yet been agreed": a report of facts, not a stance
    if w.cue is None:
        return owned_noun(k, r, span, topic, term, sent, w.polarity)
    if k.lex.is_intent(term) and not (_intended(k, w) and k.lex.truce_regex.search(r.ctx.text or sent.text)):
        # "Russia continued its offensive": fighting reported, not a stance; and vowing to fight on
        # opposes a truce only in an article where a truce is named at all.
        return []
    if r.on is not None and w.cue_tok is not None and dated_before(w.cue_tok, r.on):
        return []        # "In November 2024, Israel approved a ceasefire deal" in a 2026 article: history
    return _stance(k, r, w, span, topic, term, sent)


def _event_subject(k: Knowledge, r: Reading, w: Walk, span: Any) -> bool:
    """Is the subject of the stance's verb a thing or an event, not an actor ("the new settlements
    jeopardise the ceasefire", "the killing paved the way for a return to war")? Its harm to a truce
    is then reported, and the reporter does not hold it; a truce that is itself the subject ("the
    truce is over, Moscow said") or is worded with it ("no Czech soldiers would be sent", "the
    operation would go on") does not count."""
    tok = w.cue_tok
    subject = next((c for c in tok.children if c.dep_ in ("nsubj", "csubj")), None) if tok is not None else None
    return subject is not None and subject.pos_ == "NOUN" and not subject.ent_type_ and \
        not (subject == w.root or subject.is_ancestor(w.root)) and not span.start <= subject.i < span.end and \
        subject.lemma_.lower() not in (k.lex.institution_nouns | k.lex.other_party_nouns) - k.lex.proposal_nouns and \
        subject.lemma_.lower() not in TROOP_WORDS and \
        not holders_of(k, r, subject)


def _same_side(k: Knowledge, r: Reading, subject: Any, speech: Any) -> bool:
    """Does the speaker of a speech verb speak for its subject's side (their country)?"""
    said = {h.country for h, _ in subject_holders(k, r, speech) if h.country}
    sides = [h.country for h, _ in holders_of(k, r, subject)]
    return bool(said) and bool(sides) and all(c in said for c in sides)


def _negated_before(lex: Any, doc: Any, sent: Any, span: Any) -> bool:
    """A negating phrase just before the topic, in the same clause ("no plans to send troops", "no
    intention of training and deploying troops"), where the parse missed it; not one of an earlier
    clause ("had no intention of going back to war and would honour the truce"): a new subject or a
    conjoined verb with its own auxiliary between them ends the phrase's reach."""
    start = max(sent.start_char, span.start_char - 80)
    ends = [start + m.end() for m in lex.negation_regex.finditer(doc.text[start:span.start_char])]
    if not ends:
        return False
    between = [t for t in sent if ends[-1] <= t.idx < span.start_char]
    last = next((t for t in reversed(list(sent)) if t.idx < ends[-1]), None)
    clause = next((a for a in ([last, *last.ancestors] if last is not None else []) if a.pos_ in ("VERB", "AUX")), None)
    if clause is not None and not (clause == span.root or clause.is_ancestor(span.root)):
        return False        # "until it was no longer under threat, ruling out a truce": another clause's
    return not any(t.dep_ in ("nsubj", "nsubjpass", "expl") or t.lower_ == ";" or
                   (t.dep_ in ("aux", "auxpass") and t.head.dep_ in ("conj", "advcl", "relcl", "ccomp", "parataxis"))
                   for t in between)


def _intended(k: Knowledge, w: Walk) -> bool:
    """Is carrying the war on said as an intention: a future modal on the verb, or a verb or adjective
    of intent above it within the clause ("vowed to press ahead", "is determined to fight on")?"""
    lex = k.lex
    tok = w.root
    for _ in range(4):
        if any(c.dep_ in ("aux", "auxpass") and c.lower_ in FUTURE_AUXES for c in tok.children):
            return True
        lem = tok.lemma_.lower()
        if tok is not w.root and (lem in lex.intent_verbs or lem in lex.intent_adjectives):
            return True
        if tok.dep_ not in ("xcomp", "acomp", "pcomp", "prep", "pobj", "advcl", "conj") or tok.head.i == tok.i:
            return False
        tok = tok.head
    return False


def _stance(k: Knowledge, r: Reading, w: Walk, span: Any, topic: str, term: str, sent: Any) -> list[Candidate]:
    """The candidates of a walk that found a predicate: side, modality, holders, confidence."""
    lex, doc = k.lex, r.doc
    if modal_demand(lex, w.cue_tok) or modal_demand(lex, w.clause_top):
        w.demand = w.demand or "modal"
    if not w.negations and _negated_before(lex, doc, sent, span):
        w.negations += 1
    polarity = -w.polarity if w.negations % 2 else w.polarity
    clause = subtree_span(w.clause_top, doc)
    pol, modality = settle(lex, topic, term, w, polarity, clause_text(w.clause_top, w.root),
                           doc.text[span.end_char:sent.end_char])
    in_quote = r.quote_at(span.start_char)
    if pol == "oppose" and not w.negations and _event_subject(k, r, w, span):
        # "the new settlements jeopardise the truce, Qatar said": a complaint, not Qatar's opposition
        # ("diplomacy alone will not bring a ceasefire", a negation, is still the speaker's view)
        return []
    holders, target = _holders(k, r, w, sent, in_quote, pol)
    extra = [Candidate.of_sentence(r, sent, holder=h, topic=topic, polarity="support", modality=modality,
                                   confidence=0.7, attribution="reported", cue=f"{w.cue} [{term}]")
             for h in _proposers(k, r, w) if h.holder_id not in {x.holder_id for x, _ in holders}]
    if not holders:
        return extra
    base = "direct_quote" if in_quote is not None else ("indirect" if w.speech is not None else "reported")
    contextual = topic == "peacekeeping" and lex.is_contextual(term)
    out: list[Candidate] = []
    for holder, how in holders:
        if holder.holder_id in target:
            continue
        if contextual and w.demand is None and combat(k, span, holder, sent, r.ctx, r.on):
            continue
        conf = 0.9 - _CONFIDENCE_COST.get(how, 0.0)
        if topic == "ceasefire" and lex.is_weak(term):
            conf -= 0.2
        if contextual:
            conf -= 0.1
        if _time_of_another_act(w):
            conf -= 0.15
        out.append(Candidate.of_sentence(
            r, sent, holder=holder, topic=topic, polarity=pol, modality=modality,
            confidence=max(0.05, min(0.99, conf)), attribution="inferred" if how in _INFERRED else base,
            cue=f"{w.cue} [{term}]" + (" +neg" if w.negations % 2 else ""),
            tone_span=(r.at(clause.start_char), r.at(clause.end_char))))
    return out + extra


def _time_of_another_act(w: Walk) -> bool:
    """Is the stance told as the time of another act ("Meloni said after joining the coalition that
    Italy would not send soldiers")? The sentence's main stance then outweighs it."""
    tok = w.cue_tok if w.cue_tok is not None else w.root
    return any(t.dep_ in ("pcomp", "pobj") and t.head.lower_ in TIME_PREPS for t in [tok, *tok.ancestors])


def _holders(k: Knowledge, r: Reading, w: Walk, sent: Any, in_quote: int | None, pol: str) -> tuple[Found, set[str]]:
    """Who holds the stance (the clause's speaker, or the subject of the stance predicate), and the
    ids of the parties a demand is made of, who never hold it."""
    lex = k.lex
    if w.demand == "verb" and w.demand_tok is not None:
        found, agent_how, target = agents(k, r, w.demand_tok)
        # Those who press are never their own targets ("Qatar and Egypt are pushing both sides to agree":
        # "both sides" may resolve to the two states just named).
        target = (target | demand_targets(k, r, w.demand_tok, w.cue_tok)) - {h.holder_id for h, _ in found}
        demand_by_agent = True
    else:
        found, agent_how, target = agents(k, r, w.cue_tok or w.clause_top)
        demand_by_agent = False
    speaker_holders: Found = []
    if w.speech is not None:
        speaker_holders = subject_holders(k, r, w.speech)
    elif in_quote is not None:
        speaker_holders = r.speakers.get(in_quote, [])
    if w.epistemic:
        # An expectation about others is nobody's stance; the believer's own view is theirs.
        others = [a for a in found if a[0].holder_id not in {h.holder_id for h, _ in speaker_holders}
                  and agent_how not in ("self", "pronoun")]
        speaker_holders = [] if others else speaker_holders
        found = []
    if demand_by_agent and found and speaker_holders and all(
            a.holder_id in spoken or (a.country or "") in spoken
            for spoken in [spoken_for(k, speaker_holders, r.on)] for a, _ in found):
        found, demand_by_agent = [], False     # "Lin said China hoped all parties would ...": Lin's
    holders: Found
    if speaker_holders and not (demand_by_agent and found):
        holders = choose(k, speaker_holders, found, agent_how, w, pronoun_before(w))
        if holders is not speaker_holders and w.speech is not None and pol == "support" and \
                _mediates(k, r, w, sent, speaker_holders):
            known = {h.holder_id for h, _ in holders}
            holders = holders + [h for h in speaker_holders if h[0].holder_id not in known]
    elif w.demand == "modal" and not demand_by_agent:
        holders = []
    elif w.speech is not None and agent_how == "pronoun" and not demand_by_agent:
        holders = []         # "European leaders told him they were prepared to ...": 'they' are the speakers
    elif w.speech is not None and analyst_speaks(w.speech, r.doc) and \
            (w.cue or "").split(" ")[0] not in lex.cue_classes.get("act", frozenset()):
        holders = []         # "Israel may be trying to torpedo the truce, said a professor": analysis
    else:
        holders = found
    return holders, target


def _mediates(k: Knowledge, r: Reading, w: Walk, sent: Any, speaker_holders: Found) -> bool:
    """A speaker announcing that others agreed to a truce is for it; so is any non-party reporting
    the parties' agreement (the mediator's announcement)."""
    conflict = k.registry.infer(sent.text, (), r.ctx.article_conflict, r.on)
    parties = set(k.registry.conflicts[conflict].parties) if conflict in k.registry.conflicts else set()
    is_party = bool(spoken_for(k, speaker_holders, r.on) & parties)
    acts = k.lex.cue_classes.get("act", frozenset())
    return lemma(w.speech) in k.lex.announce_verbs or w.speech.lower_ == "according" or (
        not is_party and any(c.split(" ")[0] in acts for c in [w.cue or "", *w.cues]))


def _proposers(k: Knowledge, r: Reading, w: Walk) -> list[Any]:
    """The authors of a proposal, plan or call support what it proposes, whoever else takes a side on
    it ("Moscow rebuffed a U.S. proposal for a truce": the proposal's authors are for it either way)."""
    owners = noun_owners(k, r, w.cue_tok) \
        if w.cue_tok is not None and w.cue_tok.pos_ == "NOUN" and w.cue in k.lex.support_nouns else []
    nouns = list(w.proposals)
    if w.cue_tok is not None and w.cue_tok.pos_ in ("VERB", "AUX"):
        # "The proposal, put forward by Egypt, calls for a truce": the subject proposal's authors.
        nouns += [c for c in w.cue_tok.children if c.dep_ == "nsubj" and c.lemma_.lower() in k.lex.proposal_nouns]
    for noun in nouns:
        if noun is not w.cue_tok:
            owners += [h for h in noun_owners(k, r, noun) + _authors(k, r, noun)
                       if h.holder_id not in {o.holder_id for o in owners}]
    return owners


def _authors(k: Knowledge, r: Reading, noun: Any) -> list[Any]:
    """Who put a proposal forward, named after 'by' ("a plan drafted by France")."""
    return [h for verb, author in by_authors(noun) if passive_class(k, verb)[0] == "support"
            for h, _ in holders_of(k, r, author)]
