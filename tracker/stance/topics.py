"""Where a sentence talks about a topic: the lexicon's terms, minus those that name something else
("the trade truce"), and troop talk only where it means peacekeeping.

Troops are peacekeeping when the context says so (a force, a mandate, a truce nearby) or when they
are sent to a country at war; troops sent to fight ("forces to the Gulf, sending jets to protect
allies") or a party's own troops in its own war are not.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import Any

from tracker.actors import Gazetteer
from tracker.conflicts import Registry
from tracker.lexicon import Lexicon
from tracker.models import Article, Holder
from tracker.stance.reading import Context, Knowledge

TROOP_WORDS = ("troop", "soldier", "force", "personnel", "contingent", "boot", "serviceman", "unit", "peacekeeper",
                "brigade", "battalion")
# Quotation marks, blanked before topic wordings are matched: 'vowed to "escalate" its offensive'
# words 'escalate its offensive'.
_QUOTE_MARKS = str.maketrans({c: " " for c in "\"\u201c\u201d\u2018\u2019`\u00ab\u00bb"})
_SINGLE_QUOTE = re.compile(r"(?<![A-Za-z])'|'(?![A-Za-z])")
_NOT_A_PARTY = ("foreign", "european", "western", "nato", "international", "multinational", "allied", "un",
                "peacekeeping")


def unquote(text: str) -> str:
    """The text with quotation marks blanked (same length, so offsets hold), for matching wordings: a
    straight single quote too, unless it stands inside a word ("won't", "Israel's")."""
    return _SINGLE_QUOTE.sub(" ", text.translate(_QUOTE_MARKS))


def article_force(lex: Lexicon, art: Article) -> bool:
    """Does the article name a force anywhere (a peacekeeping or reassurance force, a mission)? Then
    its bare troop talk ("pledged troops", "Chadian troops arrived") has that sense."""
    return any(not lex.is_contextual(" ".join(m.group(0).lower().split()))
               for m in lex.topic_regex["peacekeeping"].finditer(unquote(art.text + " " + (art.title or ""))))


def anchor_text(art: Article, block: Any, prev_block: Any, force: bool) -> str:
    """The text that may anchor troop talk in a block to peacekeeping: the block, the one before, the title."""
    text = " ".join(x.parse_text for x in (prev_block, block) if x is not None) + " " + (art.title or "")
    if force:
        text += " peacekeeping"      # the article is about a force: its troop talk is too
    return text


def topic_mentions(k: Knowledge, sent: Any, doc: Any, anchor: str) -> Iterator[tuple[str, str, Any]]:
    """(topic, term, span) for each topic term in a sentence that means the topic."""
    lex = k.lex
    stext = unquote(sent.text)
    for topic, regex in lex.topic_regex.items():
        for m in regex.finditer(stext):
            term = " ".join(m.group(0).lower().split())
            if lex.not_topic(topic, stext, m.start(), m.end()):
                continue         # "the trade truce with Washington": another kind of truce
            if topic == "peacekeeping" and lex.is_contextual(term) and not _means_peacekeeping(k, stext, m, anchor):
                continue
            span = doc.char_span(sent.start_char + m.start(), sent.start_char + m.end(), alignment_mode="expand")
            if span is None or len(span) == 0:
                continue
            yield topic, term, span


def _means_peacekeeping(k: Knowledge, stext: str, m: re.Match[str], anchor: str) -> bool:
    lex = k.lex
    # Troops are peacekeeping when the context says so, or when they are sent to a country at war
    # (SPEC: "send / deploy troops to the country at war").
    if not lex.anchor_regex.search(anchor.replace(m.group(0), " ")) and \
            not k.destination.match(stext[m.end():m.end() + 60]):
        return False
    # Sent to fight ("forces to the Gulf, sending jets to protect allies", "backstop the
    # campaign"): not a force that keeps a peace, unless the sentence itself says so.
    fighting = lex.combat_regex.search(stext[m.end():m.end() + 100])
    # A force word overrides ("troops to secure the ceasefire after the offensive"); a truce named
    # in passing does not ("sent troops to Russia to repel the incursion, and a ceasefire seems far off").
    return not fighting or any(not lex.truce_regex.fullmatch(a.group(0))
                               for a in lex.anchor_regex.finditer(stext.replace(m.group(0), " ")))


def destination(gaz: Gazetteer, registry: Registry) -> re.Pattern[str]:
    """'... to Ukraine', '... on Ukrainian soil', '... in Gaza' right after the troops: sent to a war's ground."""
    names: set[str] = set()
    for c in registry.conflicts.values():
        # Places of the war only: "troops to Ukraine" is the country at war, "troops to Russia"
        # (a party sending its allies' forces to fight) is not peacekeeping.
        places = {w for w in c.strong if w[:1].isupper() or w.split()[0] in ("eastern", "southern", "northern",
                                                                               "western", "south", "north")}
        names.update(re.escape(p).replace(r"\ ", r"\s+") for p in places)
        for st in gaz.states.values():
            if st.name in places:
                names.update(rf"{re.escape(d)} (?:soil|territory|ground|land)" for d in st.demonyms)
    alts = "|".join(sorted(n for n in names if n))
    # Words may come between the troops and where they go ("to help secure peace in Gaza"), but not
    # another destination ("troops to Russia after ... in Kursk" are going to Russia).
    # "Boots on the ground in Ukraine": "on the ground" says where troops stand, not where they go.
    skip = r"(?:to\s+[a-z][\w'-]*\s+|on\s+the\s+ground\s+|(?!(?:to|into|in|inside|on|onto|around|near|across)\b)[\w',.-]+\s+)"
    # Lower-case words may stand between the article and the place ("to the new Haiti mission").
    return re.compile(rf"^\s*(?:{skip}){{0,5}}?(?:to|in|into|on|inside|around|near|across)\s+(?:the\s+)?"
                      rf"(?:[a-z][\w-]*\s+){{0,2}}?(?:{alts})\b")


def combat(k: Knowledge, span: Any, holder: Holder, sent: Any, ctx: Context, on: date | None) -> bool:
    """Are these troops a party's own, sent to its own war (combat, not peacekeeping)?

    The troops belong to whoever their modifier names ("European troops", "American soldiers");
    with none, to the holder ("Israel will send troops", "senators oppose sending troops into
    Iran"). A party of the conflict sending its own troops is fighting; Russia rejecting
    European troops in Ukraine is still about a peacekeeping force.
    """
    conflict = k.registry.infer(sent.text, (), ctx.article_conflict, on)
    parties = set(k.registry.conflicts[conflict].parties) if conflict in k.registry.conflicts else set()
    if not parties:
        return False
    troops = [t for t in span if t.lemma_.lower() in TROOP_WORDS]
    if not troops:
        return False
    senders: set[str] = set()
    for t in troops:
        for m in _sender_words(span, t):
            if m.lower_ in _NOT_A_PARTY:
                return False
            if m.ent_id_.startswith("state:"):
                senders.add(m.ent_id_)
            elif m.ent_type_ in ("NORP", "GPE"):
                res = k.gaz.resolve(m.text, on=on, label=m.ent_type_)
                if res is not None and res.holder.kind == "state":
                    senders.add(res.holder.holder_id)
    if not senders and holder.country:
        senders.add(f"state:{holder.country}")
    return bool(senders) and senders <= parties


def _sender_words(span: Any, troop: Any) -> list[Any]:
    """Words that may name whose troops these are: the troop word's modifiers ("European troops",
    "Russia's soldiers") and what follows "from" in the phrase ("the deployment of troops from NATO
    countries")."""
    words = [m for m in troop.children if m.dep_ in ("amod", "compound", "nmod", "poss")]
    # "from" in the phrase, or hung on the verb ("accept troops from NATO countries"), each once
    froms = {t for t in span if t.dep_ == "prep" and t.lower_ == "from"}
    froms |= {c for t in (troop, *span) for c in t.children if c.dep_ == "prep" and c.lower_ == "from"}
    for prep in sorted(froms, key=lambda t: t.i):
        for obj in (c for c in prep.children if c.dep_ == "pobj"):
            words += [obj, *(m for m in obj.children if m.dep_ in ("amod", "compound", "nmod"))]
    return words
