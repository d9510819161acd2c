"""Who speaks and who acts in a clause: the speaker of a speech verb or a quotation, "according
to X", the logical subject of a stance predicate, the targets of a demand, and the choice between
speaker and subject.

The choice matters most: SPEC gives the stance to the one the article attributes it to. A speaker
holds what they say about themselves or their own country, and what they demand of others; a
speaker reporting another party's position passes it to that party; a demand's target never
holds it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from tracker.lexicon import Lexicon
from tracker.stance.holders import Found, holders_of
from tracker.stance.reading import Knowledge, Reading
from tracker.stance.syntax import SUBJECT_DEPS, entity_before, entity_of, is_self, lemma


def subject_holders(k: Knowledge, r: Reading, verb: Any) -> Found:
    """The speaker of a speech verb (its subject, the agent of a passive, or the X of "according to X")."""
    if verb.lower_ == "according":
        subj = [g for c in verb.children if c.lower_ == "to" for g in c.children if g.dep_ == "pobj"]
    else:
        subj = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
    if not subj:
        subj = [g for c in verb.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]
    if not subj and verb.dep_ == "conj" and verb.head.i != verb.i:
        # "Erdogan welcomed the truce and said Turkey was ready ...": the subject is shared.
        return subject_holders(k, r, verb.head)
    if not subj and (ent := entity_before(verb)) is not None:
        # "..., Prime Minister Kyriakos Mitsotakis said": the parser sometimes hangs the speaker
        # elsewhere; the named entity right before the verb is the speaker.
        subj = [ent.root]
    out: Found = []
    for t in subj:
        out += [h for h in holders_of(k, r, t) if h[0].holder_id not in {x.holder_id for x, _ in out}]
    return out


def _speech_verb(k: Knowledge, t: Any) -> bool:
    return t.pos_ in ("VERB", "AUX") and lemma(t) in k.lex.speech_verbs


def quote_speakers(k: Knowledge, r: Reading) -> dict[int, Found]:
    """Who speaks each quotation: the speech verb outside it in the sentence where it opens or closes,
    or a sentence ending in a colon just before it."""
    out: dict[int, Found] = {}
    sents = list(r.doc.sents)
    for qi, (qs, qe) in enumerate(r.quotes):
        found: Found = []
        touching = [s for s in sents if s.start_char < qe and s.end_char > qs]
        for s in touching[:1] + touching[-1:]:
            for t in s:
                if qs <= t.idx < qe:
                    continue
                if _speech_verb(k, t):
                    found = subject_holders(k, r, t)
                    if found:
                        break
            if found:
                break
        if not found:
            # '"We are not seeking a ceasefire. We want more," he said on X.' across two sentences:
            # the attribution opens the sentence right after the quote closes.
            nxt = [s for s in sents if s.start_char >= qe - 1]
            if nxt and nxt[0].start_char - qe <= 3:
                for t in list(nxt[0])[:6]:
                    if _speech_verb(k, t):
                        found = subject_holders(k, r, t)
                        break
        if not found:
            prev = [s for s in sents if s.end_char <= qs]
            if prev and prev[-1].text.rstrip().endswith(":"):
                for t in prev[-1]:
                    if _speech_verb(k, t):
                        found = subject_holders(k, r, t)
                        if found:
                            break
        out[qi] = found
    return out


def according_to(root: Any) -> Any:
    """The 'according' of "according to X" in the sentence: X is the source, like a speaker."""
    for t in root.sent:
        if t.lower_ == "according" and any(c.lower_ == "to" for c in t.children):
            return t
    return None


def analyst_speaks(verb: Any, doc: Any) -> bool:
    """Is the speaker someone who holds no office: a person the gazetteer does not know and who is
    not described as an official of a country (a professor, an analyst, a market strategist)?"""
    subj = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
    if not subj and (ent := entity_before(verb)) is not None:
        subj = [ent.root]
    for t in subj:
        ent = entity_of(t, doc)
        if ent is not None and ent.label_ == "PERSON" and not ent.ent_id_:
            return True
        if t.lemma_.lower() in ("analyst", "expert", "professor", "economist", "strategist", "researcher",
                                "observer", "commentator", "scholar", "academic", "fellow"):
            return True
    return False


def agents(k: Knowledge, r: Reading, tok: Any) -> tuple[Found, str, set[str]]:
    """The logical subject of a predicate: (holders, how, ids of demand targets to exclude)."""
    target: set[str] = set()
    t = tok
    seen = 0
    while t is not None and seen < 12:
        seen += 1
        subj = [c for c in t.children if c.dep_ in SUBJECT_DEPS]
        if any(c.dep_ == "nsubjpass" for c in subj):
            agent = [g for c in t.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]
            if agent:
                return holders_of(k, r, agent[0]), "agent", target
            return [], "", target
        if subj:
            return (*_subject_agents(k, r, tok, subj), target)
        if t.dep_ == "xcomp" and lemma(t.head) in k.lex.demand_verbs | {"help", "allow", "persuade",
                                                                         "convince", "get", "force"}:
            objs = [c for c in t.head.children if c.dep_ in ("dobj", "dative")]
            for o in objs:
                target |= {h.holder_id for h, _ in holders_of(k, r, o)}
            t = t.head
            continue
        if t.dep_ in ("xcomp", "acomp", "pcomp", "prep", "pobj", "conj", "dobj", "attr", "oprd", "compound",
                      "advcl", "auxpass", "aux", "amod", "acl", "nmod", "appos"):
            if t.dep_ in ("amod", "acl") and t.head.pos_ in ("NOUN", "PROPN"):
                owners = holders_of(k, r, t.head)
                if owners or t.head.lemma_.lower() not in k.lex.institution_nouns:
                    return owners, "subject", target
                # "the Council adopted a resolution authorising a force": the resolution's author.
            t = t.head if t.head.i != t.i else None
            continue
        break
    return [], "", target


def _subject_agents(k: Knowledge, r: Reading, tok: Any, subj: list[Any]) -> tuple[Found, str]:
    """The holders named by a clause's active subject(s), and how."""
    s = subj[0]
    if is_self(s):
        return [], "self"
    if s.lemma_.lower() in ("troop", "soldier", "contingent", "peacekeeper", "personnel") and \
            s.i in {x.i for x in tok.subtree}:
        # "Chadian soldiers with the force arrived": the soldiers' state holds it
        owners = [k.gaz.holder(m.ent_id_, r.on) for m in s.children
                  if m.dep_ in ("amod", "compound") and m.ent_id_.startswith("state:")]
        return [(h, "subject") for h in owners if h], "subject"
    if s.dep_ == "expl" or s.lower_ in ("there",):
        return [], ""
    holders: Found = []
    for extra in subj:      # "X and Y backed ..." is sometimes parsed as two subjects
        holders += [h for h in holders_of(k, r, extra) if h[0].holder_id not in {x.holder_id for x, _ in holders}]
    how = "pronoun" if s.pos_ == "PRON" and not is_self(s) else "subject"
    if not holders and s.lemma_.lower() in k.lex.other_party_nouns and not own_side(k, s):
        how = "unresolved"      # "26 countries pledged ...": someone, but not the speaker
    return holders, how


def own_side(k: Knowledge, tok: Any) -> bool:
    """'the government', 'our country', 'the ministry' without an owner: in reported speech, the speaker's own."""
    if tok.lemma_.lower() not in k.lex.institution_nouns or tok.tag_ in ("NNS", "NNPS"):
        return False
    dets = {c.lower_ for c in tok.children if c.dep_ in ("det", "poss")}
    return not dets or bool(dets & {"the", "our", "my", "this"})


def demand_targets(k: Knowledge, r: Reading, demand_tok: Any, cue_tok: Any) -> set[str]:
    """Who is asked to act ("urged Putin to", "demanded that Russia", "called on Moscow to"): never holders."""
    toks = [c for c in demand_tok.children if c.dep_ in ("dobj", "dative")]
    toks += [g for c in demand_tok.children if c.dep_ == "prep" and c.lower_ in ("on", "upon")
             for g in c.children if g.dep_ == "pobj"]
    if cue_tok is not None:
        t = cue_tok
        for _ in range(6):
            if t.i == demand_tok.i:
                break
            subj = [c for c in t.children if c.dep_ in ("nsubj", "nsubjpass")]
            if subj:
                toks += subj
                break
            if t.head.i == t.i:
                break
            t = t.head
    ids: set[str] = set()
    for t in toks:
        ids |= {h.holder_id for h, _ in holders_of(k, r, t)}
    return ids


def spoken_for(k: Knowledge, holders: Found, on: date | None) -> set[str]:
    """Ids and codes a speaker speaks for: their country, its state id, the bodies of their offices."""
    out: set[str] = set()
    for h, _ in holders:
        out.add(h.holder_id)
        if h.country:
            out |= {h.country, f"state:{h.country}"}
            out |= {o.actor_id for o in k.gaz.orgs.values() if o.code == h.country}
        if h.kind == "person" and on is not None:
            out |= {r.body for r in k.gaz.roles_on(h.holder_id, on)}
    return out


def choose(k: Knowledge, speakers: Found, agents: Found, agent_how: str, w: Any,
           pronoun_first: str = "") -> Found:
    """Speaker or subject? The speaker when the clause is theirs: a demand they make, their own
    words about themselves ("we", "he" in their own reported speech), or their own country
    ("Meloni said Italy ..."). The subject when the speaker reports someone else's position,
    including a named person of the same country ("Peskov said Putin ...", "..., the Kremlin said").
    """
    if agent_how == "unresolved" and not w.demand:
        return []
    reported_others = [a for a in agents if a[0].holder_id not in {h.holder_id for h, _ in speakers}
                       and a[0].country not in {h.country for h, _ in speakers if h.country}]
    if reported_others and not w.demand and w.speech is not None and agent_how not in ("self", "pronoun") and (
            any(c.split(" ")[0] in k.lex.desire_words for c in [w.cue or "", *w.cues]) or lemma(w.speech) in k.lex.claim_verbs):
        return []        # "Zelensky said Moscow was getting ready to torpedo the plan": a claim about others
    if agent_how == "pronoun" and pronoun_first:
        # "They also agreed to ..., the Saudi ministry said": the pronoun looks back past the
        # speaker; a singular one to its antecedent, a plural one is too loose to name anybody.
        return agents if pronoun_first == "singular" else []
    if w.demand or not agents or agent_how == "self" or (agent_how == "pronoun" and w.speech is not None):
        return speakers
    speaker_ids = {h.holder_id for h, _ in speakers}
    spoken = spoken_for(k, speakers, w.on)
    out_agents, own = [], False
    for a, how in agents:
        if a.holder_id in speaker_ids or (a.kind != "person" and (a.holder_id in spoken or (a.country or "") in spoken)):
            own = True       # the speaker's own side among the subjects: the speaker holds it
        else:
            out_agents.append((a, how))
    if own and out_agents:
        # "India and Pakistan agreed to stop firing, India's foreign secretary said": both sides,
        # India through its speaker.
        return speakers + out_agents
    return out_agents or speakers


def pronoun_before(w: Any) -> str:
    """'singular' or 'plural' when the stance's subject is a pronoun that comes before the speech verb
    ("They agreed to ..., the ministry said"), else ''."""
    if w.speech is None or w.cue_tok is None:
        return ""
    for t in [w.cue_tok, *w.cue_tok.ancestors]:
        subj = next((c for c in t.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subj is not None:
            if subj.pos_ == "PRON" and subj.i < w.speech.i and not is_self(subj):
                return "plural" if subj.lower_ in ("they", "them") else "singular"
            return ""
        if t.i == w.speech.i:
            return ""
    return ""


def _own_clause(verb: Any) -> bool:
    """Is a speech verb the head of a clause of its own ("..., while a NATO spokesman said ...")?
    Not when a comma stands between the mark and the verb: "after talks in Doha, Qatar's ministry
    said" is the parser hanging the attribution off a verbless phrase."""
    doc = verb.doc
    return any(m.dep_ == "mark" and m.i < verb.i and not any(t.text == "," for t in doc[m.i:verb.i])
               for m in verb.children)


def late_speech(lex: Lexicon, w: Any, top: Any) -> Any:
    """The speech verb the parse did not put above the clause.

    Parsers often hang "that ..." off the wrong word ("said after the call that Rome had no plans"),
    or the attribution off the quote ("X is willing, Y told lawmakers" with "told" as a parataxis
    of "is"); reported speech nearly always depends on the sentence's own speech verb, so look for
    it at the top.
    """
    path = {t.i for t in w.root.ancestors} | {w.root.i}
    if top.pos_ in ("VERB", "AUX") and lemma(top) in lex.speech_verbs and top.i != w.clause_top.i \
            and lemma(top) not in lex.support_verbs | lex.oppose_verbs:
        return top
    if according_to(w.root) is not None:
        return according_to(w.root)     # "According to the US, Kyiv and Moscow agreed ..."
    for x in top.children:
        if x.dep_ in ("parataxis", "ccomp", "advcl", "conj") and x.i not in path and \
                x.pos_ in ("VERB", "AUX") and lemma(x) in lex.speech_verbs and x.i > w.root.i and \
                not _own_clause(x) and \
                (any(g.dep_ in ("nsubj", "nsubjpass") for g in x.children) or entity_before(x) is not None):
            return x
    return None
