"""From a noun phrase to the actors it names: names, pronouns, role phrases ("the British prime
minister"), "both countries", institutions ("Starmer's spokesman", "the Russian foreign ministry"),
demonyms ("the Russians"), and the owners of a proposal ("a joint US-Ukrainian proposal").

Every holder comes with how it was found (name, metonym, pronoun, description, institution, ...):
the way a holder was found sets the statement's attribution and lowers its confidence.
"""

from __future__ import annotations

from typing import Any

from tracker.models import Holder
from tracker.stance.mentions import antecedent, definite_institution, definite_person, resolve_entity
from tracker.stance.reading import Knowledge, Reading
from tracker.stance.syntax import (
    PRONOUNS_GROUP,
    PRONOUNS_PERSON,
    RELATIVE_PRONOUNS,
    among_subject,
    entity_of,
    noun_phrase,
)

Found = list[tuple[Holder, str]]


_INCLUDING = ("including",)


def _listed(tok: Any, preps: tuple[str, ...]) -> list[Any]:
    """The objects of a plural noun's preposition and their conjuncts ("leaders of A, B and C")."""
    if tok.tag_ not in ("NNS", "NNPS"):
        return []
    return [g for c in tok.children if c.dep_ == "prep" and c.lower_ in preps
            for p in c.children if p.dep_ == "pobj" for g in [p] + [x for x in p.conjuncts if x.i > p.i]]


def members(tok: Any) -> list[Any]:
    """"Several EU leaders, including Macron and Tusk": the named members of a plural subject."""
    return _listed(tok, _INCLUDING)


def _list_before(tok: Any) -> list[Any]:
    """Names before a coordinated subject, each followed by a comma, that the parser hung elsewhere:
    "Chad, Benin and Bangladesh are among the nations ..." parsed with "Chad" off the verb."""
    if not tok.conjuncts or tok.dep_ not in ("nsubj", "nsubjpass"):
        return []
    doc, i = tok.doc, tok.left_edge.i
    out: list[Any] = []
    while i - 2 >= tok.sent.start and doc[i - 1].text == "," and doc[i - 2].ent_type_ in ("GPE", "NORP", "ORG"):
        ent = entity_of(doc[i - 2], doc)
        if ent is None or ent.root.dep_ in ("nsubj", "nsubjpass", "conj", "appos") or ent.root.head.i not in (tok.i, tok.head.i):
            break
        out.insert(0, ent.root)
        i = ent.start
    return out


def holders_of(k: Knowledge, r: Reading, tok: Any) -> Found:
    """A subject token and its coordinated siblings ("Britain and France") as holders; a plural
    subject with named members ("EU leaders, including Macron and Tusk") is those members."""
    toks = _list_before(tok) + [tok] + [c for c in tok.conjuncts if c.i > tok.i]
    # "The United States, Saudi Arabia, the UAE and Egypt" is often parsed as an apposition chain.
    for c in tok.children:
        if c.dep_ == "appos":
            toks += [c] + [x for x in c.conjuncts if x.i > c.i]
    out: Found = []
    seen: set[str] = set()
    for t in toks:
        listed = members(t)     # "Zelensky and European leaders including Starmer and Macron"
        for h, how in (found for m in listed for found in resolve_token(k, r, m)) if listed else resolve_token(k, r, t):
            if h.holder_id not in seen:
                seen.add(h.holder_id)
                out.append((h, how))
    named = {h.country for h, _ in out if h.kind == "person" and h.country}
    if named and any(c.dep_ == "appos" for c in tok.children):
        # "the US envoy Steve Witkoff": the named person, not also the office's country
        out = [(h, how) for h, how in out if not (h.kind == "state" and h.country in named)]
    return out


def resolve_token(k: Knowledge, r: Reading, tok: Any) -> Found:
    """Who a noun-phrase head refers to, on the date, with how it was found."""
    gaz, on = k.gaz, r.on
    low = tok.lower_
    if low in RELATIVE_PRONOUNS and tok.head.dep_ == "relcl" and tok.head.head.i != tok.head.i:
        # "the United States and France, which sponsored the truce": the nouns the clause hangs from;
        # "Chad is among the countries that pledged troops": the subject the class is said of.
        noun = tok.head.head
        return holders_of(k, r, among_subject(noun) or noun)
    if low == "it" and tok.dep_ == "nsubj" and tok.head.lemma_ == "be" and any(
            c.dep_ in ("xcomp", "ccomp") for x in [tok.head, *tok.head.children] for c in x.children):
        return []       # "it was too early to talk about a truce": no one, the clause is the subject
    if tok.pos_ == "PRON" or low in PRONOUNS_PERSON or low in PRONOUNS_GROUP:
        h = antecedent(k, r, tok)
        return [(h, "pronoun")] if h else []
    ent = entity_of(tok, r.doc)
    if ent is not None:
        h, how = resolve_entity(k, r, ent)
        if h is not None:
            return [(h, how)]
        if ent.label_ == "PERSON":
            return []
    # The whole noun phrase may be a role phrase ("the British prime minister", "NATO's chief").
    phrase = noun_phrase(tok, r.doc)
    if phrase and len(phrase) > len(tok.text):
        res = gaz.resolve(phrase, on=on, context=r.ctx.ids_before(r.offset + tok.idx))
        if res is not None and res.form == "role_phrase":
            return [(res.holder, "description")]
    if tok.lemma_.lower() in ("country", "nation", "side", "government", "party", "neighbour", "neighbor") and \
            tok.tag_ in ("NNS", "NNPS") and any(c.lower_ in ("both", "two") for c in tok.children):
        return _both(k, r, tok)
    # Institutions speak for whoever modifies them: "Starmer's spokesman", "the Russian foreign ministry".
    if low in k.lex.institution_nouns or tok.lemma_.lower() in k.lex.institution_nouns:
        joint = noun_owners(k, r, tok)
        if len(joint) > 1:
            # "a joint US-Ukraine statement", "the Egyptian-Qatari proposal": every state it names.
            return [(h, "institution") for h in joint]
        owners = _plural_owners(k, r, tok)
        if len(owners) > 1:
            # "the foreign ministers of France, Germany and Britain": each state named.
            return [(h, "institution") for h in owners]
        mod = institution_owner(k, r, tok)
        if mod is not None:
            return [(mod, "institution")]
        definite = definite_person(k, r, tok)
        if definite is not None:
            return [(definite, "description")]
        earlier = definite_institution(k, r, tok)
        return [(earlier, "institution")] if earlier is not None else []
    # A demonym as a noun: "the Russians", "the Israelis".
    if tok.pos_ in ("PROPN", "NOUN") and tok.text[:1].isupper():
        res = gaz.resolve(tok.text, on=on, context=r.ctx.ids_before(r.offset + tok.idx), label="NORP")
        if res is not None and res.holder.kind == "state":
            return [(res.holder, "metonym" if res.form in ("capital", "metonym") else "name")]
    return []


def _both(k: Knowledge, r: Reading, tok: Any) -> Found:
    """"both countries called for ...": the two states named just before."""
    states: list[str] = []
    for m in reversed(r.ctx.before(r.offset + tok.idx)):
        if m.kind == "state" and m.actor_id not in states and m.salience != "venue":
            states.append(m.actor_id)
        if len(states) == 2:
            break
    if len(states) == 2:
        return [(h, "description") for h in (k.gaz.holder(a, r.on) for a in reversed(states)) if h]
    return []


def _plural_owners(k: Knowledge, r: Reading, tok: Any) -> list[Holder]:
    """The states and organisations of "the leaders of Egypt, Jordan and Qatar" (a plural noun only)."""
    out: dict[str, Holder] = {}
    for g in _listed(tok, ("of",)):
        for h, _ in resolve_token(k, r, g):
            if h.kind in ("state", "org"):
                out.setdefault(h.holder_id, h)
    return list(out.values())


def institution_owner(k: Knowledge, r: Reading, tok: Any) -> Holder | None:
    """The state or organisation an institution noun belongs to, from its modifiers."""
    gaz, on = k.gaz, r.on
    mods = [c for c in tok.children if c.dep_ in ("poss", "compound", "amod", "nmod", "npadvmod")]
    mods += [g for c in tok.children if c.dep_ == "prep" and c.lower_ in ("of", "for", "from", "in")
             for g in c.children if g.dep_ == "pobj"]
    for m in mods:
        if m.dep_ == "poss" and m.pos_ == "PRON":
            # "his country", "its delegation": whoever the pronoun refers to, their state.
            ante = antecedent(k, r, m)
            if ante is not None:
                if ante.kind == "person" and ante.country and len(ante.country) == 3:
                    return gaz.holder(f"state:{ante.country}", on)
                if ante.kind in ("state", "org", "group"):
                    return ante
            continue
        for cand in [m] + [c for c in m.children if c.dep_ in ("compound", "amod", "poss")]:
            ent = entity_of(cand, r.doc)
            if ent is None:
                continue
            h: Holder | None
            if ent.ent_id_ and not ent.ent_id_.startswith("?"):
                h = gaz.holder(ent.ent_id_, on)
            else:
                res = gaz.resolve(ent.text, on=on, context=r.ctx.ids_before(r.offset + ent.start_char),
                                  label=ent.label_)
                h = res.holder if res else None
            if h is None:
                continue
            if h.kind == "person":
                # "Starmer's spokesman" speaks for the UK government.
                if h.country and len(h.country) == 3:
                    s = gaz.holder(f"state:{h.country}", on)
                    if s is not None:
                        return s
                org = next((o for o in gaz.orgs.values() if o.code == h.country and o.parent is None), None)
                if org is not None:
                    return gaz.holder(org.actor_id, on)
                continue
            return h
    return None


def noun_owners(k: Knowledge, r: Reading, noun: Any) -> list[Holder]:
    """Who a proposal, plan or call belongs to: a possessive ("Russia's proposal") or the states an
    adjective names ("the Egyptian-Qatari proposal", "a joint US-Ukrainian proposal")."""
    out: list[Holder] = []
    for c in noun.children:
        if c.dep_ == "poss" and c.pos_ != "PRON":
            out += [h for h, _ in resolve_token(k, r, c) if h.kind in ("state", "org", "group")]
        elif c.dep_ == "prep" and c.lower_ == "from" and noun.lemma_.lower() in k.lex.proposal_nouns:
            # "an offer from Zelensky for a pause", "a call from Pakistan for both sides to hold fire"
            out += [h for p in c.children if p.dep_ == "pobj" for h, _ in holders_of(k, r, p)
                    if h.holder_id not in {x.holder_id for x in out}]
        elif c.dep_ in ("amod", "compound", "nmod") and c.ent_type_ in ("NORP", "GPE", "ORG"):
            for part in [c] + [g for g in c.subtree if g.ent_type_ in ("NORP", "GPE", "ORG") and g.i != c.i]:
                ent = entity_of(part, r.doc)
                if ent is None:
                    continue
                h = k.gaz.holder(ent.ent_id_, r.on) if ent.ent_id_ and not ent.ent_id_.startswith("?") else None
                if h is None:
                    res = k.gaz.resolve(ent.text, on=r.on, label="GPE")
                    h = res.holder if res else None
                if h is not None and h.kind in ("state", "org") and h.holder_id not in {x.holder_id for x in out}:
                    out.append(h)
    return out
