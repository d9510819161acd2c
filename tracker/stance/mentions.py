"""Who the article names, and who its pronouns and descriptions refer back to.

Two sources of mentions: a phrase match of gazetteer names over the whole text (cheap, no parse,
so a pronoun in paragraph nine can reach a name in paragraph two) and the parser's persons in the
parsed blocks (which adds unknown people and whether each is a subject, so "he" does not jump to a
name that was only an object). Coreference here is deliberately conservative: better no holder than
a wrong one.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from typing import Any

from tracker.models import Holder, slugify
from tracker.stance.reading import Context, Knowledge, Mention, Reading
from tracker.stance.syntax import PRONOUNS_GROUP, PRONOUNS_PERSON, entity_of, noun_phrase, salience

_SCAN_REACH = 600        # characters back a pronoun may reach for a name outside the parsed paragraphs
_VENUE_PREPS = {"in", "at", "to", "near", "outside", "inside", "into", "across", "via", "around", "toward", "towards"}
_DEFINITE_ROLES = {
    "president": ("head_of_state",), "prime minister": ("head_of_government",), "premier": ("head_of_government",),
    "chancellor": ("head_of_government",), "leader": ("head_of_state", "head_of_government", "group_leader"),
    "foreign minister": ("foreign_minister",), "foreign secretary": ("foreign_minister",),
    "secretary of state": ("foreign_minister",), "defence minister": ("defence_minister",),
    "defense minister": ("defence_minister",), "defence secretary": ("defence_minister",),
    "defense secretary": ("defence_minister",), "secretary-general": ("org_head",),
    "secretary general": ("org_head",), "king": ("head_of_state",), "emir": ("head_of_state",),
}


def scan_mentions(nlp: Any, matcher: Any, k: Knowledge, text: str, on: date | None) -> list[Mention]:
    """Gazetteer names anywhere in the article (a phrase match over tokens, no parsing)."""
    doc = nlp.make_doc(text)
    out: list[Mention] = []
    taken: set[int] = set()
    matches = sorted(matcher(doc), key=lambda m: (m[1], -(m[2] - m[1])))
    for match_id, start, end in matches:
        if start in taken:
            continue
        taken.update(range(start, end))
        actor_id = nlp.vocab.strings[match_id]
        h = k.gaz.holder(actor_id, on)
        if h is None:
            continue
        # "talks in Riyadh", "a summit at the Elysee", "a Brussels-based group": a place, not an actor.
        venue = h.kind == "state" and (
            (start > 0 and doc[start - 1].lower_ in _VENUE_PREPS)
            or (end < len(doc) and doc[end].lower_ in ("-based", "based")) or
            (end + 1 < len(doc) and doc[end].text == "-" and doc[end + 1].lower_ == "based"))
        out.append(Mention(doc[start].idx, actor_id, h.kind, k.gaz.gender(actor_id) if h.kind == "person" else None,
                           h.name, h.country, h.role, "venue" if venue else ""))
    return out


def local_mentions(k: Knowledge, r: Reading) -> list[Mention]:
    """Persons the parser found in a block: named ones (including ones the gazetteer does not know)
    and subjects named by their office ("the Lebanese president said"), which pronouns refer back to.
    Each carries its salience: the subject of a clause, a possessive, or another role."""
    doc, offset, gaz = r.doc, r.offset, k.gaz
    out: list[Mention] = []
    for ent in doc.ents:
        if ent.label_ != "PERSON":
            continue
        h, _ = resolve_entity(k, r, ent)
        if h is None:
            if len(ent) < 2 and salience(ent.root) != "subject":
                continue        # a lone unknown word tagged PERSON is often an outlet or a place
            # An unknown person stays in the chain of referents: a later "he" may mean them, and then
            # the statement has no holder rather than the wrong one.
            h = Holder(f"person:{slugify(ent.text)}", ent.text, "person", None, None)
        gender = gaz.gender(h.holder_id)
        out.append(Mention(offset + ent.start_char, h.holder_id, "person", gender, h.name, h.country, h.role,
                           salience(ent.root)))
    taken = {m.start for m in out}
    for tok in doc:
        if tok.dep_ in ("nsubj", "nsubjpass") and tok.pos_ == "PROPN" and offset + tok.idx not in taken and any(
                c.dep_ == "appos" and c.lemma_.lower() in k.lex.human_role_nouns for c in tok.children):
            # "Citrinowicz, the researcher at ..., said": a person even when the parser saw an ORG.
            out.append(Mention(offset + tok.idx, f"person:{slugify(tok.text)}", "person", None, tok.text,
                               None, None, "subject"))
        if tok.dep_ in ("nsubj", "nsubjpass") and tok.lower_ in ("he", "she"):
            out.append(Mention(offset + tok.idx, f"pronoun:{tok.lower_}", "pronoun", PRONOUNS_PERSON[tok.lower_],
                               tok.text, None, None, "subject"))
        if tok.dep_ in ("nsubj", "nsubjpass") and not tok.ent_type_ and tok.pos_ in ("NOUN", "PROPN"):
            phrase = noun_phrase(tok, doc)
            if " " not in phrase:
                continue
            res = gaz.resolve(phrase, on=r.on)
            if res is not None and res.form == "role_phrase" and res.holder.kind == "person":
                h = res.holder
                out.append(Mention(offset + tok.idx, h.holder_id, "person", gaz.gender(h.holder_id), h.name,
                                   h.country, h.role, "subject"))
    return out


def resolve_entity(k: Knowledge, r: Reading, ent: Any) -> tuple[Holder | None, str]:
    """Who a named entity is on the article's date, and how it was found (name, metonym, unknown_person)."""
    gaz, on = k.gaz, r.on
    ent_id = ent.ent_id_
    context = r.ctx.ids_before(r.offset + ent.start_char)
    if ent_id and not ent_id.startswith("?"):
        h = gaz.holder(ent_id, on)
        if h is None:
            return None, ""
        how = "name"
        if h.kind == "state":
            res = gaz.resolve(ent.text, on=on)
            if res is not None and res.form in ("capital", "metonym"):
                how = "metonym"
        if h.kind == "state" and ent.label_ == "NORP":
            return None, ""
        return h, how
    res = gaz.resolve(ent.text, on=on, context=context, label=ent.label_)
    if res is not None and res.holder.kind == "state" and ent.label_ == "PERSON" and len(ent) == 1 and \
            _full_name_before(r, ent):
        return unknown_person(k, r, ent), "unknown_person"     # "Jim Jordan ... Jordan said": the man
    if res is not None:
        if res.holder.kind == "state" and res.form == "demonym":
            return None, ""
        return res.holder, ("metonym" if res.form in ("capital", "metonym") else "name")
    if ent.label_ == "PERSON" and not ent_id:
        return unknown_person(k, r, ent), "unknown_person"
    return None, ""


_NOT_FIRST_NAMES = frozenset({"The", "In", "On", "At", "From", "To", "And", "With", "For", "By", "Of", "As", "Neighbouring",
                              "Neighboring", "Both", "While", "But", "Kingdom", "King", "Queen"})


def _full_name_before(r: Reading, ent: Any) -> bool:
    """Did the article name someone with this one word as a surname earlier ("Congressman Jim Jordan
    criticised the deal. Jordan said ...")? Then the lone word is that person, not the country."""
    before = r.ctx.text[:r.offset + ent.start_char]
    return any(m.group(1) not in _NOT_FIRST_NAMES
               for m in re.finditer(rf"\b([A-Z][a-z]+)\s+{re.escape(ent.text)}\b", before))


def unknown_person(k: Knowledge, r: Reading, ent: Any) -> Holder | None:
    """A named official the gazetteer does not know: kept when a title and a country say who they speak for."""
    doc, on = r.doc, r.on
    words = [t for t in doc[max(0, ent.start - 6):ent.start]]
    words += [c for t in ent for c in t.children if c.dep_ in ("appos", "compound", "amod")]
    titled = any(w.lower_ in k.lex.official_titles for w in words)
    if not titled:
        return None
    country = None
    for w in reversed(words):
        if w.ent_type_ in ("GPE", "NORP", "ORG") and w.i < ent.start:
            e = entity_of(w, doc)
            if e is None:
                continue
            if e.ent_id_ and not e.ent_id_.startswith("?"):
                h = k.gaz.holder(e.ent_id_, on)
            else:
                res = k.gaz.resolve(e.text, on=on, label=e.label_)
                h = res.holder if res else None
            if h is not None and h.kind in ("state", "org", "group"):
                country = h.country
                if h.kind == "group":
                    return Holder(f"person:{slugify(ent.text)}", ent.text, "person", None, "official")
                break
    if country is None:
        return None
    name = " ".join(ent.text.split())
    name = re.sub(r"'s?$", "", name)
    return Holder(f"person:{slugify(name)}", name, "person", country, "official")


def definite_person(k: Knowledge, r: Reading, tok: Any) -> Holder | None:
    """'the president', 'the prime minister', 'the leader': the last person mentioned who holds such an office."""
    if not any(c.lower_ == "the" for c in tok.children):
        return None
    phrase = " ".join(t.lower_ for t in tok.subtree if t.dep_ in ("compound", "amod") or t.i == tok.i)
    roles = _DEFINITE_ROLES.get(phrase) or _DEFINITE_ROLES.get(tok.lower_)
    if not roles or r.on is None:
        return None
    for m in reversed(r.ctx.before(r.offset + tok.idx)):
        if m.kind == "person" and m.role in roles:
            return k.gaz.holder(m.actor_id, r.on)
    return None


_REACH_BACK = 3000      # characters: an earlier "US official" further back is another story


@lru_cache(maxsize=256)
def _after_name(noun: str, qualifiers: frozenset[str]) -> re.Pattern[str]:
    """What may follow a state's name before the noun: more capitalised words of the name or
    qualifiers ("US administration official", "Iranian senior diplomats"), at most three."""
    words = "|".join(map(re.escape, sorted(qualifiers)))
    return re.compile(rf"(?:[\s.\-]+(?:[A-Z][\w.\-]*|(?i:{words}))){{0,3}}?\s+(?i:{re.escape(noun)}s?)\b")


def definite_institution(k: Knowledge, r: Reading, tok: Any) -> Holder | None:
    """'the official', 'the spokesman', 'the diplomats': the state or organisation of the last earlier
    phrase with the same noun that named one ("a senior US official", "Iranian diplomats")."""
    if not any(c.lower_ == "the" for c in tok.children) or not r.ctx.text or r.on is None:
        return None
    if tok.lower_ not in k.lex.refer_back_nouns:
        return None
    if any(c.dep_ in ("poss", "compound", "amod", "nmod") for c in tok.children):
        return None
    here = r.offset + tok.idx
    after = _after_name(tok.lemma_.lower(), k.lex.qualifier_words)
    for m in reversed(r.ctx.before(here)):
        if m.start < here - _REACH_BACK:
            break
        if m.kind not in ("state", "org", "group") or m.salience == "venue":
            continue
        word = re.match(r"[\w.\-]+(?:\s+[A-Z][\w.\-]*)*", r.ctx.text[m.start:m.start + 80])
        if word is None:
            continue
        if after.match(r.ctx.text, m.start + word.end(), min(here, m.start + word.end() + 60)):
            return k.gaz.holder(m.actor_id, r.on)
    return None


def antecedent(k: Knowledge, r: Reading, tok: Any) -> Holder | None:
    """The actor a pronoun refers back to.

    he/she: the last person named as the subject of an earlier clause in this or the previous
    paragraph; a same-gender pronoun subject in between continues that person ("Ghalibaf said
    ... Throughout the war, he has goaded Trump ... 'We are not seeking a ceasefire,' he said");
    else the last person named there in any role but a possessive ("Mr. Hegseth's logic" is not
    a speaker); else the last person named anywhere before. A person the gazetteer does not know
    and whose country is unknown is never returned: better no holder than a wrong one.
    it/they: the last state, organisation or group named just before.
    """
    low = tok.lower_
    here = r.offset + tok.idx
    if low in PRONOUNS_PERSON:
        pick = _person_before(here, PRONOUNS_PERSON[low], r.ctx, 0)
        if pick is None:
            return None
        if pick.actor_id in k.gaz.persons:
            return k.gaz.holder(pick.actor_id, r.on)
        return Holder(pick.actor_id, pick.name, "person", pick.country, pick.role) if pick.country else None
    if low in PRONOUNS_GROUP:
        for m in reversed(r.ctx.before(here)[-6:]):
            if m.kind in ("state", "org", "group") and m.salience != "venue":
                return k.gaz.holder(m.actor_id, r.on)
    return None


def _person_before(here: int, gender: str, ctx: Context, depth: int) -> Mention | None:
    before = ctx.before(here)
    fallback = None
    for m in reversed([m for m in before if m.salience]):
        if m.kind == "pronoun" and m.gender == gender:
            # An earlier "he" as a subject carries the same person on; names that came after it as
            # objects ("he has goaded Trump") are not who the next "he" is.
            return _person_before(m.start, gender, ctx, depth + 1) if depth < 3 else None
        if m.kind == "person" and m.gender in (gender, None):
            if m.salience == "subject":
                return m
            if m.salience != "possessive" and fallback is None:
                fallback = m
    if fallback is not None:
        return fallback
    # Beyond the parsed paragraphs only names the gazetteer knows were seen, so a far-away one may
    # skip over the real (unknown) person: accept only a recent one.
    scanned = [m for m in before if m.kind == "person" and m.gender in (gender, None) and not m.salience
               and here - m.start <= _SCAN_REACH]
    return scanned[-1] if scanned else None
