"""Candidates for the learned decision: a holder and a topic reference in one parsed sentence.

The rules find a stance only along the dependency paths they know; candidates are generated widely
so that a trained model can judge what the rules do not reach. A candidate is a resolvable holder
(a gazetteer name, or "he"/"she" resolved to the last fitting person) and a topic reference in the
same sentence: a lexicon term, one of the extra wordings of decide.toml ("freeze the war along the
front line", "assurance troops"), or a definite noun phrase that refers back to a topic named a few
sentences earlier ("Moscow rejected the proposal"). The features are computed here too, while the
parse is alive (the scorer parses inside a memory zone).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from tracker.actors import Gazetteer
from tracker.lexicon import Lexicon
from tracker.models import Holder
from tracker.stance.holders import members
from tracker.stance.learned.features import features
from tracker.stance.learned.resources import TOPICS, DecideData
from tracker.stance.syntax import TIME_PREPS, dated_before, named_before
from tracker.stance.topics import unquote

_PERSON_PRONOUNS = {"he": "m", "she": "f"}
_REFERRING = {"he", "she", "it", "they"}
_TITLES = {"president", "minister", "chancellor", "premier", "leader", "secretary", "king", "emir",
           "secretary-general"}


@dataclass(frozen=True)
class TopicRef:
    topic: str
    tok: Any            # the token that names or refers to the topic
    term: str
    via: str            # "term" (lexicon), "extra" (decide.toml wording), "anaphor" (refers back)
    back: int = 0       # for an anaphor: sentences back to the topic it refers to
    echoed: bool = False  # for an anaphor: its noun was used in the sentence it refers to


@dataclass(frozen=True)
class HolderRef:
    holder: Holder
    tok: Any
    how: str            # "named" or "pronoun"


@dataclass(frozen=True)
class Candidate:
    """One (sentence, holder, topic) the model will judge; plain values only, the parse is gone."""

    sent_start: int
    sent_end: int
    holder: Holder
    topic: str
    via: str
    how: str
    in_quote: bool
    features: tuple[str, ...]
    cue: str


@dataclass
class Sentence:
    span: Any
    start: int          # article offsets
    end: int
    block: int = 0      # the index of its paragraph among the article's blocks


@dataclass
class Inputs:
    """What candidate generation reads of one article: its parsed sentences in text order (runs of
    adjacent parsed paragraphs are marked by `gap_before`), its date and the people named in it."""

    sentences: list[tuple[Sentence, bool]]     # (sentence, gap_before)
    on: date | None
    text: str
    title: str | None
    persons: Sequence[tuple[int, Holder, str | None]]   # (article offset, holder, gender) from the gazetteer scan
    # The rules' coreference, when given: (sentence, token) -> the holder a pronoun or a title ("the
    # president") refers to. Without it a pronoun takes the last person of its gender named before.
    resolve: Callable[[Sentence, Any], Holder | None] | None = None


def generate(inputs: Inputs, gaz: Gazetteer, lex: Lexicon, data: DecideData) -> list[Candidate]:
    """Every candidate of an article, each with its features."""
    force_named = bool(lex.anchor_regex.search(inputs.text + " " + (inputs.title or "")))
    recent: dict[str, tuple[int, set[str]]] = {}      # topic -> (sentence number, lemmas of that sentence)
    all_holders = _holders_by_sentence(inputs, gaz, lex)
    out: list[Candidate] = []
    for n, (sent, gap) in enumerate(inputs.sentences):
        if gap:
            recent.clear()
        refs = _topic_refs(sent, lex, data, force_named, recent, n)
        if inputs.on is not None:       # history recalled (as the rules read it): on the verb over the topic, or
            on = inputs.on              # a truce of years ago as the subject ("the 2021 ceasefire ... collapsed")
            refs = [x for x in refs if not (dated_before(_governing_verb(x.tok), on) or
                                            x.tok.dep_ in ("nsubj", "nsubjpass") and named_before(x.tok, on))]
        holders = all_holders[n] or _quoted_speakers(inputs, all_holders, n, lex)
        lemmas = {t.lemma_.lower() for t in sent.span}
        for ref in refs:
            recent[ref.topic] = (n, lemmas)
        for topic in TOPICS:
            mine = [r for r in refs if r.topic == topic]
            for h in holders if mine else []:
                here = [r for r in mine if not _in_condition(r.tok, h.tok)]
                if not here:
                    continue
                ref = min(here, key=lambda r: abs(r.tok.i - h.tok.i))
                feats = features(sent.span, h, ref, here, holders, lex, data)
                out.append(Candidate(sent.start, sent.end, h.holder, topic, ref.via, h.how,
                                     _in_quote(sent.span), tuple(feats), _cue(ref, h)))
    return out


def _holders_by_sentence(inputs: Inputs, gaz: Gazetteer, lex: Lexicon) -> list[list[HolderRef]]:
    """The holders of each sentence, in order (a pronoun resolves to the last fitting person named
    before it); the addressee of speech or the target of a demand is left out."""
    persons = sorted(inputs.persons, key=lambda p: p[0])
    out = []
    for sent, _ in inputs.sentences:
        holders = _holders(sent, gaz, inputs.on, persons, inputs.resolve)
        persons = sorted(persons + [(_pos(sent, h.tok), h.holder, gaz.gender(h.holder.holder_id))
                                    for h in holders if h.how == "named" and h.holder.kind == "person"],
                         key=lambda p: p[0])
        toks = {h.tok.i for h in holders}
        out.append([h for h in holders if not _addressee(h.tok, lex) and not _modifies_other(h.tok, toks)
                    and not _owns_institution(h.tok, lex)])
    return out


def _governing_verb(tok: Any) -> Any:
    """The nearest verb above a token (the token itself when none is near)."""
    t = tok
    for _ in range(6):
        if t.pos_ in ("VERB", "AUX") or t.head.i == t.i:
            return t if t.pos_ in ("VERB", "AUX") else tok
        t = t.head
    return tok


def _modifies_other(tok: Any, holder_toks: set[int]) -> bool:
    """A name that only describes another holder ("the Lebanese group Hezbollah", "Iranian President
    Pezeshkian"), or a group whose named members speak ("EU leaders, including Macron and Tusk"): the
    one described holds the stance, and a person carries their country anyway."""
    if tok.dep_ not in ("amod", "compound", "nmod", "poss") or tok.head.i == tok.i:
        return False
    return tok.head.i in holder_toks or any(m.i in holder_toks for m in members(tok.head))


def _owns_institution(tok: Any, lex: Lexicon) -> bool:
    """"Netanyahu's office said", "Starmer's spokesman": the institution speaks for the state, not the
    person who owns it."""
    return tok.dep_ == "poss" and tok.head.lemma_.lower() in lex.institution_nouns


def _quoted_speakers(inputs: Inputs, holders: list[list[HolderRef]], n: int, lex: Lexicon) -> list[HolderRef]:
    """A quoted sentence without a holder of its own ("We will not relent until ...") speaks for the
    speaker of the sentence beside it in the same paragraph ("..., he said.")."""
    sent = inputs.sentences[n][0]
    if not _in_quote(sent.span):
        return []
    for k in (n - 1, n + 1):
        if 0 <= k < len(holders) and inputs.sentences[k][0].span.doc is sent.span.doc:
            speakers = [h for h in holders[k] if h.tok.dep_ == "nsubj" and h.tok.head.lemma_.lower() in lex.speech_verbs]
            if speakers:
                return [HolderRef(h.holder, sent.span.root, "quote") for h in speakers]
    return []


def _topic_refs(sent: Sentence, lex: Lexicon, data: DecideData, force_named: bool,
                recent: dict[str, tuple[int, set[str]]], n: int) -> list[TopicRef]:
    span = sent.span
    text = unquote(span.text)
    refs: list[TopicRef] = []
    for topic in TOPICS:
        for via, regex in (("term", lex.topic_regex[topic]), ("extra", data.topic_regex[topic])):
            for m in regex.finditer(text):
                term = " ".join(m.group(0).lower().split())
                if via == "term" and lex.not_topic(topic, text, m.start(), m.end()):
                    continue
                # Troops are a peacekeeping topic only in an article that names a force or mission
                # somewhere; elsewhere "deploying troops to the region" is a war's build-up.
                if topic == "peacekeeping" and not force_named and (via == "extra" or lex.is_contextual(term)):
                    continue
                tok = _token_at(span, m.start(), m.end())
                if tok is not None:
                    refs.append(TopicRef(topic, tok, term, via))
    named = {r.topic for r in refs if r.via == "term"}     # an extra wording does not stop a referring phrase
    for topic, (k, lemmas) in recent.items():
        back = n - k
        if topic in named or back > data.reach_sentences:
            continue
        for tok in span:
            if _refers_back(tok, topic, data):
                refs.append(TopicRef(topic, tok, tok.lemma_.lower(), "anaphor", back, tok.lemma_.lower() in lemmas))
                break
    return refs


_CONDITION_MARKS = {"once", "after", "when", "if", "until", "unless", "before", "provided", "whenever"}
def _addressee(tok: Any, lex: Lexicon) -> bool:
    """Is the holder the one spoken to, pressed or dealt with ("told Crown Prince X", "urged France to
    ...", "a deal with Lebanon")? The SPEC: the target of a demand is not a holder, nor is the listener
    of a statement."""
    head = tok.head
    if tok.dep_ in ("dobj", "dative", "iobj") and head.lemma_.lower() in (lex.demand_verbs | lex.speech_verbs):
        return True
    if tok.dep_ == "pobj" and head.lower_ in ("to", "with") and head.head.lemma_.lower() in lex.speech_verbs:
        return True
    if tok.dep_ == "pobj" and head.lower_ in ("on", "upon") and head.head.lemma_.lower() in lex.demand_verbs:
        return True                 # "called on Armenia and Azerbaijan to stop the fighting"
    if tok.dep_ == "pobj" and head.lower_ == "with" and head.head.pos_ == "NOUN":
        return True                 # "the agreement with Lebanon": the counterpart, whose stance is not told
    return tok.dep_ == "conj" and tok.head.i != tok.i and _addressee(tok.head, lex)


def _in_condition(topic_tok: Any, holder_tok: Any) -> bool:
    """Is the topic named inside a clause of condition or time, or a phrase of time, that the holder is
    outside of ("ready to send peacekeepers once the ceasefire holds", "following the ceasefire")?
    Then it is the condition or the moment, not what the holder takes a side on."""
    for anc in [topic_tok, *topic_tok.ancestors]:
        if anc.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in _CONDITION_MARKS for c in anc.children):
            return holder_tok not in anc.subtree
        if anc.dep_ == "prep" and anc.lower_ in TIME_PREPS:
            # "reversed his stance following the implementation of the ceasefire": a time, not a side
            return holder_tok not in anc.subtree
    return False


def _refers_back(tok: Any, topic: str, data: DecideData) -> bool:
    lemma = tok.lemma_.lower()
    if tok.pos_ == "PRON" and lemma == "it":
        return tok.dep_ in ("dobj", "nsubjpass", "pobj")
    if tok.pos_ != "NOUN" or lemma not in data.anaphors[topic]:
        return False
    return any(c.dep_ in ("det", "poss") and c.lower_ in data.determiners for c in tok.children)


def _token_at(span: Any, start: int, end: int) -> Any:
    """The syntactic head of the tokens covering span.text[start:end]."""
    toks = [t for t in span if t.idx - span.start_char < end and t.idx + len(t) - span.start_char > start]
    if not toks:
        return None
    inside = set(t.i for t in toks)
    heads = [t for t in toks if t.head.i not in inside or t.head.i == t.i]
    return heads[0] if heads else toks[0]


def _holders(sent: Sentence, gaz: Gazetteer, on: date | None, persons: Sequence[tuple[int, Holder, str | None]],
             resolve: Callable[[Sentence, Any], Holder | None] | None) -> list[HolderRef]:
    out: dict[str, HolderRef] = {}
    span = sent.span
    for ent in span.ents:
        h = _resolve(ent, gaz, on)
        if h is not None and h.holder_id not in out:
            out[h.holder_id] = HolderRef(h, ent.root, "named")
    for tok in span:
        if tok.dep_ not in ("nsubj", "nsubjpass") or tok.ent_type_:
            continue
        h = None
        if resolve is not None and (tok.lower_ in _REFERRING or _is_title(tok)):
            h = resolve(sent, tok)
        elif tok.lower_ in _PERSON_PRONOUNS:
            h = _last_person(_pos(sent, tok), _PERSON_PRONOUNS[tok.lower_], persons, gaz)
        if h is not None and h.holder_id not in out:
            out[h.holder_id] = HolderRef(h, tok, "pronoun")
    return list(out.values())


def _is_title(tok: Any) -> bool:
    """'the president', 'the foreign minister' as a subject: an office that refers back to its holder."""
    return tok.pos_ == "NOUN" and tok.lemma_.lower() in _TITLES and any(c.lower_ == "the" for c in tok.children)


def _pos(sent: Sentence, tok: Any) -> int:
    """A token's article offset (close enough for ordering mentions)."""
    return sent.start + tok.idx - sent.span.start_char


def _resolve(ent: Any, gaz: Gazetteer, on: date | None) -> Holder | None:
    ent_id = ent.ent_id_
    if not ent_id:
        return None
    if ent_id.startswith("?"):
        r = gaz.resolve(ent.text, on=on)
        return r.holder if r is not None else None
    return gaz.holder(ent_id, on)


def _last_person(pos: int, gender: str, persons: Sequence[tuple[int, Holder, str | None]],
                 gaz: Gazetteer) -> Holder | None:
    for start, holder, g in reversed(persons):
        if start < pos and g in (gender, None):
            return holder
    return None


def _in_quote(span: Any) -> bool:
    return any(ch in span.text for ch in ('"', "\u201c", "\u201d"))


def _cue(ref: TopicRef, h: HolderRef) -> str:
    head = ref.tok.head.lemma_.lower() if ref.tok.head.i != ref.tok.i else ""
    return f"learned: {head + ' ' if head else ''}{ref.term}"


def sentences_of(parsed: Iterable[tuple[int, Any, Any]]) -> list[tuple[Sentence, bool]]:
    """Sentences of parsed paragraphs (index, doc, block) in order, each marked when a paragraph that
    was not parsed lies between it and the one before."""
    out: list[tuple[Sentence, bool]] = []
    last = None
    for i, doc, block in sorted(parsed, key=lambda x: x[0]):
        gap = last is not None and i != last + 1
        for k, s in enumerate(doc.sents):
            out.append((Sentence(s, block.at(s.start_char), block.at(max(s.end_char - 1, s.start_char)) + 1, i),
                        gap and k == 0))
        last = i
    return out
