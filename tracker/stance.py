"""The stance engine: from an article's text and date to stance statements.

How a statement is found, in the order the code runs:

1. Hygiene splits the text into blocks (paragraphs) and sets page furniture aside.
2. A cheap keyword pass finds the blocks that mention a topic (a ceasefire, or sending troops to a
   peacekeeping force). Only those blocks and the one before each are parsed: most news says nothing
   about either topic, and this is what makes the scorer fast. Parsing every block instead (fast=False)
   yields the same statements, because every rule reads only the block, the one before it, and
   gazetteer mentions found by the keyword pass over the whole text.
3. For each topic mention, the dependency path from the topic up to the root gives the predicate
   that takes a side ("agree to", "rejected", "ready to send", "ruled out"), the negations and
   conditions on that path, and the clause's speaker and subject.
4. The holder is the one the article attributes the stance to: the speaker of the clause or quote
   when the clause is theirs (their own country, "we", a demand they make of others), the subject
   when the speaker reports another party's position. Targets of demands never hold a stance.
5. Names resolve through the gazetteer on the article's date; pronouns and "the president" resolve
   to the last fitting person; metonyms ("the Kremlin") and institutions ("Starmer's spokesman",
   "the Russian foreign ministry") speak for their state.

The rules are general (parse relations and lexicon classes), never tied to particular sentences.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Iterable, Iterator, Sequence

from tracker import conflicts as conflicts_mod
from tracker import hygiene
from tracker.hygiene import Offsets
from tracker.actors import Gazetteer, fold, name_key
from tracker.learned.decide import Decider, inputs_for
from tracker.lexicon import Lexicon
from tracker.models import Article, Holder, Statement, slugify, to_utc

RULES_VERSION = "1.2"
MODALITY_WEIGHT = {"firm": 1.0, "conditional": 0.6, "hedged": 0.3}

# Relations along which a stance composes upwards (the topic is an object or complement).
_COMPOSE = {"dobj", "pobj", "prep", "xcomp", "ccomp", "pcomp", "acomp", "attr", "compound", "nsubjpass",
            "oprd", "dative", "agent", "appos", "nmod", "npadvmod", "amod", "advmod", "poss", "relcl", "acl"}
# Heads a topic word may modify and still be the topic ("ceasefire proposal", "peacekeeping force").
_TRANSPARENT = {
    "deal", "agreement", "proposal", "plan", "arrangement", "accord", "terms", "offer", "framework",
    "extension", "pact", "initiative", "idea", "call", "calls", "demand", "demands", "push", "bid", "effort",
    "efforts", "force", "forces", "mission", "missions", "operation", "troops", "troop", "contingent",
    "role", "deployment", "coalition", "presence", "talks", "negotiations", "process", "declaration",
    "document", "text", "draft", "resolution", "arrangements", "commitment", "commitments", "part",
    "mechanism", "package", "formula", "road map", "roadmap", "settlement", "guarantee", "guarantees",
    "contribution", "contributions", "soldiers", "personnel", "units", "peacekeepers", "scheme", "concept",
    "option", "options", "mandate", "request", "appeal", "agreements", "deals", "proposals", "plans",
    "decision", "move", "intention", "determination", "attempt", "readiness", "willingness", "pledge",
    "promise", "vow", "step", "steps", "understanding", "talk", "notion", "prospect", "possibility", "suggestion",
    "peacekeeper", "soldier", "unit", "officer", "officers", "battalion", "battalions", "progress", "path",
    "road", "way", "route", "phase", "stage", "details", "detail", "implementation", "observance", "extension",
    "term", "prospects", "chance", "chances", "hope", "hopes", "bid", "drive", "push", "campaign", "effort",
    "initiative", "framework", "basis", "version", "form", "kind", "type", "sort", "cause", "idea", "goal",
    "question", "issue", "matter",
}
_SUBJECT_DEPS = ("nsubj", "nsubjpass", "csubj")
_PRONOUNS_PERSON = {"he": "m", "him": "m", "his": "m", "she": "f", "her": "f", "hers": "f"}
_PRONOUNS_GROUP = {"it", "its", "they", "them", "their"}
_PRONOUNS_SELF = {"i", "we", "me", "us", "our", "my"}
_END_STATES = {"over", "dead", "finished", "void", "null", "unworkable", "impossible", "pointless"}
_KEEP_GOING = {"hold", "continue", "remain", "last", "stay", "survive", "prevail", "stand", "endure",
               "begin", "start", "apply", "work", "succeed", "come"}
_DEFINITE_ROLES = {
    "president": ("head_of_state",), "prime minister": ("head_of_government",), "premier": ("head_of_government",),
    "chancellor": ("head_of_government",), "leader": ("head_of_state", "head_of_government", "group_leader"),
    "foreign minister": ("foreign_minister",), "foreign secretary": ("foreign_minister",),
    "secretary of state": ("foreign_minister",), "defence minister": ("defence_minister",),
    "defense minister": ("defence_minister",), "defence secretary": ("defence_minister",),
    "defense secretary": ("defence_minister",), "secretary-general": ("org_head",),
    "secretary general": ("org_head",), "king": ("head_of_state",), "emir": ("head_of_state",),
}
_CONTRAST_PRECONDITION = re.compile(
    r"\b(but|however|yet)\b[^.;]{0,120}?\b(before any|until|unless|first|only (if|after|once)|preconditions?|"
    r"conditions? (must|would have to|had to|have to)|(had|have|has|would have) to be (settled|met|resolved|addressed)|"
    r"must first)\b", re.I)
# Subjects that name other parties without saying which: their stance is not the speaker's.
_OTHER_PARTIES = {"country", "nation", "state", "government", "leader", "ally", "member", "partner", "analyst",
                  "expert", "observer", "critic", "resident", "people", "other", "diplomat", "capital"}
_HUMAN_ROLES = {"researcher", "analyst", "professor", "expert", "economist", "strategist", "scholar", "fellow",
                "director", "head", "chief", "official", "spokesman", "spokeswoman", "spokesperson", "diplomat",
                "envoy", "ambassador", "minister", "adviser", "advisor", "commander", "general", "author",
                "journalist", "correspondent", "lawmaker", "senator", "leader", "founder", "president", "chairman"}
_SCAN_REACH = 600        # characters back a pronoun may reach for a name outside the parsed paragraphs
_SPECULATION = {"clear", "unclear", "uncertain", "likely", "unlikely", "doubtful", "possible", "impossible",
                "conceivable", "plausible", "probable", "improbable"}
# What one party says another wants is a claim, not the other's stance ("Trump insisted Iran is eager").
_VENUE_PREPS = {"in", "at", "to", "near", "outside", "inside", "into", "across", "via", "around", "toward", "towards"}
_WH_WORDS = {"who", "whom", "what", "which", "how", "when", "where", "why", "whether"}
_WISHES = {"hope", "wish"}
# Nouns whose author, named with them ("a U.S. proposal", "Israel's offer"), proposes what they name.
_PROPOSALS = {"proposal", "plan", "offer", "call", "initiative", "bid", "draft", "blueprint", "roadmap", "framework"}
_PRESSURE_VERBS = {"threaten", "warn", "vow", "promise", "pledge", "threat"}
_PENALTIES = {"sanction", "sanctions", "tariff", "tariffs", "penalty", "penalties", "consequence", "consequences",
              "levy", "levies", "duty", "duties", "embargo"}
_CONDITIONED = {"conditional", "contingent", "dependent"}
_DELIBERATE = {"consider", "weigh", "mull", "explore", "study", "examine", "assess", "evaluate", "review", "ponder",
               "debate", "decide", "discuss", "look", "deliberate", "contemplate"}
_MEETINGS = {"talk", "talks", "negotiation", "negotiations", "discussion", "discussions", "meeting", "consultation",
             "consultations", "summit", "session", "round"}
_MEETING_VERBS = {"hold", "have", "attend", "open", "host", "chair", "convene", "schedule", "plan", "arrange"}
_DESIRES = {"want", "seek", "eager", "keen", "hope", "wish", "desperate", "ready", "willing", "open", "interested",
            "prepared", "try", "look", "beg", "yearn", "crave", "prepare", "plan", "intend", "plot", "scheme"}
# Stance verbs that carry an existing truce on: a time limit on them ("until ...") is no precondition.
_CONTINUATION = {"extend", "prolong", "keep", "maintain", "continue", "renew", "observe", "respect", "honour", "honor",
                 "uphold", "abide", "hold", "stick", "preserve", "sustain"}
_CLAIMS = {"claim", "insist", "allege", "suggest", "speculate", "believe", "think", "argue", "contend", "assert",
           "maintain", "charge", "accuse"}
_THREAT_CONDITION = re.compile(r"\b(if|unless|as long as|so long as|provided)\b", re.I)
_TEMPORAL_PREPS = {"after", "following", "since", "before", "during", "amid", "amidst", "despite", "throughout",
                   "until", "till", "under", "within", "pending"}
_MEDIATOR_NOUNS = {"mediator", "mediators", "broker", "brokers", "guarantor", "guarantors", "facilitator",
                   "facilitators", "sponsor", "sponsors", "host", "intermediary"}
_SENDING = re.compile(r"\b(send|sent|deploy|station|commit|contribut|dispatch|put|base|suppl|provid)", re.I)
_MODAL_WORDS = {"would", "will", "could", "should", "must", "shall", "can", "may", "might", "'ll", "wo"}
_QUOTE_OPEN = "\u201c"
_QUOTE_CLOSE = "\u201d"
_CONDITION_STRONG = re.compile(
    r"\b(only if|if|unless|as long as|so long as|provided|providing|on (the )?condition|in exchange for|"
    r"in return for|subject to|contingent (on|upon)|conditional (on|upon)|dependent on|depends? on|"
    r"only after|only with|only under|only once|in principle|preconditions?|once|but first|"
    r"(?:until|till)(?!\s+(?:midnight|noon|dawn|dusk|the end of|end of|the weekend|monday|tuesday|wednesday|"
    r"thursday|friday|saturday|sunday|january|february|march|april|may|june|july|august|september|october|"
    r"november|december|next|\d))|under (?:certain|some|specific|strict|clear) conditions|with conditions|"
    r"conditionally|"
    r"first (needs?|must|has to|have to)|not before|before any|as soon as)\b", re.I)
_CONDITION_TEMPORAL = re.compile(
    r"\b(after|when|following)\b[^.;]{0,60}\b(ceasefire|truce|peace|deal|agreement|settlement|withdraw\w*|"
    r"end of (the )?(war|fighting)|fighting (stops|ends)|mandate|backstop)\b", re.I)
_PRECONDITION = re.compile(
    r"\b(only if|unless|(?:until|till)(?!\s+(?:midnight|noon|dawn|the end of|end of|monday|tuesday|wednesday|"
    r"thursday|friday|saturday|sunday|next|\d))|but first|first (needs?|must|has to|have to)|not before|"
    r"before any|only after|only once|preconditions?|(?:conditional|contingent|dependent) (?:on|upon))\b", re.I)


# --- article-level context -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Mention:
    """An actor named somewhere in the article: what pronouns and definite descriptions refer back to."""

    start: int
    actor_id: str
    kind: str
    gender: str | None
    name: str
    country: str | None = None
    role: str | None = None
    salience: str = ""     # persons found by the parser: subject | other | possessive; keyword scan: "" or
                           # venue (a state named as a place: "talks in Riyadh")


@dataclass
class Context:
    on: date | None
    mentions: list[Mention]
    article_conflict: str
    title: str | None
    _starts: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.mentions.sort(key=lambda m: m.start)
        self._starts = [m.start for m in self.mentions]

    def before(self, offset: int) -> list[Mention]:
        return self.mentions[: bisect_right(self._starts, offset - 1)]

    def ids_before(self, offset: int) -> list[str]:
        return [m.actor_id for m in self.before(offset)]


@dataclass
class Plan:
    """What to parse for one article: content blocks, which are hits, which to parse."""

    article: Article
    blocks: list[hygiene.Block]
    hits: list[int]
    parse: list[int]
    near: list[int]         # the paragraphs within reach of a topic (what the fast path parses)


@dataclass
class Candidate:
    holder: Holder
    topic: str
    polarity: str
    modality: str
    confidence: float
    attribution: str
    cue: str
    sent_start: int
    sent_end: int
    evidence: str
    tone_span: tuple[int, int]


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

    def absorb(self, scorer: "Scorer", tok: Any, lexical: bool = True, via: Any = None) -> None:
        """Take a predicate's negations and hedges into account (via: the child the walk came from,
        whose own 'no' was counted already)."""
        self.negations += scorer._negated(tok, via)
        self.hedge = self.hedge or scorer._hedged(tok, lexical)


# --- the scorer --------------------------------------------------------------------------------------

class Scorer:
    """Scores articles into statements. Heavy objects (pipeline, gazetteer, lexicon) are passed in."""

    def __init__(self, nlp: Any, gazetteer: Gazetteer, registry: conflicts_mod.Registry, lexicon: Lexicon,
                 sentiment: Any = None, decider: Decider | None = None) -> None:
        self.nlp = nlp
        self.decider = decider
        self.gaz = gazetteer
        self.registry = registry
        self.lex = lexicon
        if sentiment is None:
            from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
            sentiment = SentimentIntensityAnalyzer()
        self.sentiment = sentiment
        self.trace: list[dict[str, Any]] | None = None   # set to a list to record every topic mention's walk
        # Built before any memory zone, so its strings outlive the zones the batches run in.
        self._scan = self._build_scan_matcher()
        self._destination = self._build_destination()
        meta = getattr(nlp, "meta", {}) or {}
        self.version = (f"rules-{RULES_VERSION}+lex-{lexicon.digest}+gaz-{gazetteer.digest[:10]}"
                        f"+{meta.get('name', 'model')}-{meta.get('version', '?')}")
        if decider is not None:
            self.version += f"+{decider.version}"

    # public ----------------------------------------------------------------------------------------
    def score_text(self, text: str, published: datetime | date | str | None = None, title: str | None = None,
                   article_id: str = "", source: str | None = None, fast: bool = True) -> list[Statement]:
        """Statements of one text (the article_id is used only to build statement ids)."""
        article = Article.build(text, published=published, title=title, source=source,
                                article_id=article_id or None)
        return next(self.score_articles([article], fast=fast))[1]

    def score_articles(self, articles: Iterable[Article], fast: bool = True,
                       batch_size: int = 64) -> Iterator[tuple[Article, list[Statement]]]:
        """Statements of many articles; parses the selected blocks of a batch together (nlp.pipe)."""
        batch: list[Article] = []
        for article in articles:
            batch.append(article)
            if len(batch) >= batch_size:
                yield from self._score_batch(batch, fast)
                batch = []
        if batch:
            yield from self._score_batch(batch, fast)

    # planning -----------------------------------------------------------------------------------------
    def plan(self, article: Article, fast: bool = True) -> Plan:
        blocks = [b for b in hygiene.blocks(article.text, self.lex) if not b.boilerplate]
        hits = [i for i, b in enumerate(blocks) if self.lex.any_topic.search(b.parse_text)]
        if not hits:
            return Plan(article, blocks, [], [], [])
        # Within reach of a topic: the hit, the paragraph before (its speaker) and, for the learned
        # decision, the one after ("Moscow rejected the proposal" refers back) and any that words a
        # topic only as the model reads it. Only these are parsed on the fast path, and only these
        # are read on either path, so both give the same statements.
        reach = (-1, 0, 1) if self.decider is not None else (-1, 0)
        near = sorted({j for i in hits for j in (i + d for d in reach) if 0 <= j < len(blocks)} |
                      self._learned_blocks(blocks))
        return Plan(article, blocks, hits, near if fast else list(range(len(blocks))), near)

    def _learned_blocks(self, blocks: list[hygiene.Block]) -> set[int]:
        """Paragraphs of an on-topic article that word a topic only as the learned decision reads it
        ("vowed to press ahead with the war", "assurance troops"): parsed for its candidates."""
        if self.decider is None:
            return set()
        return {i for i, b in enumerate(blocks) if self.decider.reaches(b.parse_text)}

    def _score_batch(self, batch: list[Article], fast: bool) -> Iterator[tuple[Article, list[Statement]]]:
        plans = [self.plan(a, fast) for a in batch]
        texts = [p.blocks[i].parse_text for p in plans for i in p.parse]
        zone = getattr(self.nlp, "memory_zone", None)
        if zone is not None:
            with zone():
                yield from self._analyse_plans(plans, texts)
        else:
            yield from self._analyse_plans(plans, texts)

    def _analyse_plans(self, plans: list[Plan], texts: list[str]) -> Iterator[tuple[Article, list[Statement]]]:
        docs = iter(list(self.nlp.pipe(texts, batch_size=32)) if texts else [])
        results = []
        for p in plans:
            parsed = {i: next(docs) for i in p.parse}
            results.append((p.article, self._analyse(p, parsed) if p.hits else []))
        yield from results

    # analysis -----------------------------------------------------------------------------------------
    def _analyse(self, plan: Plan, parsed: dict[int, Any]) -> list[Statement]:
        art = plan.article
        on = art.published_at.date() if art.published_at else None
        ctx = Context(on, self._scan_mentions(art.text, on), self.registry.dominant(art.text, art.title, on),
                      art.title)
        candidates: list[Candidate] = []
        # An article that names a force anywhere (a peacekeeping or reassurance force, a mission) gives
        # its bare troop talk ("pledged troops", "Chadian troops arrived") that sense.
        article_force = any(not self.lex.is_contextual(" ".join(m.group(0).lower().split()))
                            for m in self.lex.topic_regex["peacekeeping"].finditer(art.text + " " + (art.title or "")))
        for i in plan.hits:
            block = plan.blocks[i]
            doc = parsed[i]
            prev_doc = parsed.get(i - 1)
            prev_block = plan.blocks[i - 1] if i > 0 else None
            local = self._local_mentions(doc, block.offsets, on, ctx)
            if prev_doc is not None and prev_block is not None:
                local += self._local_mentions(prev_doc, prev_block.offsets, on, ctx)
            bctx = Context(on, _merge_mentions(ctx.mentions, local), ctx.article_conflict, ctx.title)
            quotes = _quote_spans(doc.text)
            speakers = self._quote_speakers(doc, quotes, block.offsets, bctx, on)
            anchor_text = " ".join(x.parse_text for x in (prev_block, block) if x is not None) + " " + (art.title or "")
            if article_force:
                anchor_text += " peacekeeping"      # the article is about a force: its troop talk is too
            for sent in doc.sents:
                candidates.extend(self._sentence(sent, doc, block, bctx, quotes, speakers, anchor_text, on))
        if self.decider is not None:
            candidates.extend(self._learned(plan, parsed, ctx, candidates, on))
        return self._finish(art, candidates, plan, ctx, on)

    def _learned(self, plan: Plan, parsed: dict[int, Any], ctx: Context, rules: list[Candidate],
                 on: date | None) -> list[Candidate]:
        """What the learned decision adds where the rules said nothing (tracker/learned/decide.py)."""
        assert self.decider is not None
        art = plan.article
        persons = [(m.start, h, m.gender) for m in ctx.mentions if m.kind == "person"
                   for h in [self.gaz.holder(m.actor_id, on)] if h is not None]
        inputs = inputs_for([(i, parsed[i], plan.blocks[i]) for i in plan.near], on, art.text, art.title, persons)
        found = self.decider.candidates(art.article_id, inputs)
        said = [(c.holder.holder_id, c.holder.country, c.topic, c.polarity) for c in rules]
        out = []
        for d in self.decider.decide(found, art.text, said):
            evidence = " ".join(art.text[d.sent_start:d.sent_end].split())
            out.append(Candidate(d.holder, d.topic, d.polarity, d.modality, d.confidence, d.attribution, d.cue,
                                 d.sent_start, d.sent_end, evidence, (d.sent_start, d.sent_end)))
        return out

    def _sentence(self, sent: Any, doc: Any, block: hygiene.Block, ctx: Context, quotes: list[tuple[int, int]],
                  speakers: dict[int, list[tuple[Holder, str]]], anchor_text: str, on: date | None) -> list[Candidate]:
        out: list[Candidate] = []
        stext = sent.text
        for topic, regex in self.lex.topic_regex.items():
            for m in regex.finditer(stext):
                term = " ".join(m.group(0).lower().split())
                if self.lex.not_topic(topic, stext, m.start(), m.end()):
                    continue         # "the trade truce with Washington": another kind of truce
                if topic == "peacekeeping" and self.lex.is_contextual(term):
                    # Troops are peacekeeping when the context says so, or when they are sent to a
                    # country at war (SPEC: "send / deploy troops to the country at war").
                    if not self.lex.anchor_regex.search(anchor_text.replace(m.group(0), " ")) and \
                            not self._at_war_destination(stext[m.end():m.end() + 60]):
                        continue
                    # Sent to fight ("forces to the Gulf, sending jets to protect allies", "backstop the
                    # campaign"): not a force that keeps a peace, unless the sentence itself says so.
                    if self.lex.combat_regex.search(stext[m.end():m.end() + 100]) and \
                            not self.lex.anchor_regex.search(stext.replace(m.group(0), " ")):
                        continue
                span = doc.char_span(sent.start_char + m.start(), sent.start_char + m.end(), alignment_mode="expand")
                if span is None or len(span) == 0:
                    continue
                out.extend(self._topic_mention(span, topic, term, sent, doc, block, ctx, quotes, speakers, on))
                out.extend(self._relative_clause(span, topic, term, sent, doc, block, ctx, on))
        return out

    # the path from a topic mention to its holder ----------------------------------------------------------
    def _walk(self, span: Any, term: str = "") -> "Walk | None":
        """Climb from the topic to the clause's speaker, composing the stance on the way.

        Below the first clause boundary (a coordinated or adverbial clause) the stance composes:
        each support or oppose predicate whose object or complement leads to the topic multiplies the
        polarity, negations are counted, hedges and demands noted. Above it only the speaker is
        looked for, so "while Italy is not planning ..., Meloni said" is still Meloni's.
        """
        lex = self.lex
        root = span.root
        w = Walk(root=root, clause_top=root)
        if term and lex.is_inverse(term):
            w.polarity = -1      # "resume strikes", "return to war": the opposite of a truce
        span_ids = {t.i for t in span}
        if root.pos_ in ("VERB", "AUX"):
            w.cue, w.cue_tok = _lemma(root), root
            w.absorb(self, root)
        w.negations += sum(1 for c in root.children if c.lower_ == "no" and c.dep_ == "det")
        tok = root
        frozen = contrast = False
        frozen_via = ""
        depth = 1
        while tok.head.i != tok.i:
            dep, head = tok.dep_, tok.head
            if head.i in span_ids:
                tok = head
                continue
            if not (tok.pos_ == "ADP" or tok.lemma_.lower() in _TRANSPARENT):
                depth += 1
            lemma = _lemma(head)
            is_verb = head.pos_ in ("VERB", "AUX")
            if lemma in lex.accusation_verbs and dep in ("prep", "pcomp", "xcomp", "ccomp", "pobj"):
                return None      # "accused Russia of breaching the truce"
            if dep in ("ccomp", "xcomp", "csubj", "pcomp") and tok.pos_ in ("VERB", "AUX") and _interrogative(tok) and \
                    not (lemma in _DELIBERATE and _interrogative(tok, only_whether=True)):
                # "asked who would police a truce", "discussed how a ceasefire would be verified"; but
                # "weighing whether to send soldiers" is considering it (hedged).
                return None
            if is_verb and lemma in _WISHES and dep == "ccomp" and w.demand is None and _wished_on_other(tok, head):
                # "Trump said he hoped Moscow would accept the truce": the hope is Trump's support,
                # Moscow only the one it is pinned on.
                w.demand, w.demand_tok = "verb", head
            if is_verb and lemma in lex.epistemic_verbs and dep in ("ccomp", "xcomp") and frozen_via in ("", "conj"):
                # "analysts expected Moscow to accept a truce" is an expectation, nobody's stance;
                # "he believed the best route was a deal rather than a ceasefire" is his own view.
                w.epistemic = True
                w.speech = head
                return w
            if is_verb and lemma in lex.speech_verbs and (
                    dep in ("ccomp", "parataxis") or (dep == "xcomp" and lemma not in lex.support_verbs | lex.oppose_verbs)
                    or (frozen and dep in ("advcl", "conj"))) and not (
                    lemma in _WISHES and head.dep_ == "ccomp" and _lemma(head.head) in lex.speech_verbs):
                # ("Lin said that China hoped ...": the hope is reported; the speaker is Lin.)
                w.speech = head
                if not contrast:
                    return w
            if dep in ("pcomp", "pobj") and head.lower_ == "without":
                if dep == "pobj" and head.head.pos_ in ("VERB", "AUX") and self._negated(head.head) and w.cue is None \
                        and not w.negations:
                    # "talks cannot begin without a ceasefire in Lebanon": the truce is demanded first
                    w.cue, w.cue_tok, w.clause_top = "require", head.head, head.head
                    w.conditional = True
                    tok = head.head
                    continue
                return None      # "without toppling X or securing a deal to halt attacks"
            if frozen:
                if dep == "conj" and is_verb and not contrast:
                    w.absorb(self, head, lexical=False)
                    if w.demand is None and self._modal_demand(head):
                        w.demand = "modal"
                tok = head
                continue
            if dep in ("nsubj", "csubj") and (tok.i == root.i or tok.lemma_.lower() in _TRANSPARENT
                                              or tok.lemma_.lower() in lex.support_nouns):
                # The topic is (in) the subject: "the truce must hold" (a demand), "the truce is over"
                # (oppose), "any troops sent would be legitimate targets" (an evaluation).
                verdict = self._evaluation(head) if head.lemma_ == "be" else None
                if head.tag_ == "VBN" and tok.i < head.i and not any(c.dep_ in ("aux", "auxpass") for c in head.children):
                    # "welcomed the ceasefire reached between India and Pakistan": a reduced relative
                    # misparsed as a clause; the topic belongs to the verb above.
                    tok = head
                    continue
                if lemma in _KEEP_GOING and (self._modal_demand(head) or self._wanted(head)):
                    w.cue, w.cue_tok = lemma, head
                    w.demand = "modal"
                elif lemma in _KEEP_GOING | {"take", "come"} and (self._negated(head) or
                                                                 _CONDITION_STRONG.search(_clause_text(head))):
                    # "the truce would not come into force until sanctions were lifted"
                    w.cue, w.cue_tok = lemma, head
                elif head.lower_ in _CONDITIONED and _lemma(head.head) in ("make", "render", "keep"):
                    # "Moscow has made any truce conditional on an end to arms deliveries"
                    w.cue, w.cue_tok = "make conditional", head.head
                    w.conditional = True
                    w.absorb(self, head.head, lexical=False)
                    w.clause_top = head.head
                    tok = head.head
                    continue
                elif head.lemma_ == "be" and any(c.dep_ in ("acomp", "advmod", "attr") and c.lower_ in _END_STATES
                                                 for c in head.children):
                    w.cue, w.cue_tok = "over", head
                    w.polarity *= -1
                elif verdict is not None:
                    w.cue, w.cue_tok = f"be {verdict[1]}", head
                    w.polarity *= verdict[0]
                elif w.cue is None and tok.i == root.i and any(c.dep_ == "aux" and c.lower_ == "to" for c in head.children) \
                        and self._predicate_class(head)[0] == "support":
                    # "pushing for European troops to deploy": the topic's own infinitive takes the side
                    w.cue, w.cue_tok = _lemma(head), head
                    w.absorb(self, head, lexical=False)
                    w.clause_top = head
                    tok = head
                    continue
                elif w.cue is None:
                    return None
                else:
                    frozen, frozen_via = True, "nsubj"
                    tok = head
                    continue
                w.absorb(self, head, lexical=False)
                w.clause_top = head
                tok = head
                continue
            if dep == "attr" and head.lemma_ == "be" and w.cue is None and any(c.dep_ == "expl" for c in head.children):
                # "there will be (no) ceasefire"
                w.cue, w.cue_tok = "there be", head
            if dep == "attr" and head.lemma_ in ("be", "remain", "become") and w.cue is None:
                # "the aim remains a ceasefire": the subject names the stance.
                subj = next((c for c in head.children if c.dep_ == "nsubj"), None)
                if subj is not None and subj.lemma_.lower() in lex.support_nouns:
                    w.cue, w.cue_tok = subj.lemma_.lower(), head
            if dep == "prep" and tok.lower_ in _TEMPORAL_PREPS and tok.i != root.i and w.cue is None:
                return None      # "following the 2024 ceasefire", "during the truce": a time, not a stance
            if dep == "dobj" and lemma in ("make", "render") and w.cue is None and any(
                    c.lower_ in _CONDITIONED and c.dep_ in ("oprd", "acomp", "ccomp", "xcomp", "amod")
                    for c in head.children):
                w.cue, w.cue_tok, w.conditional = "make conditional", head, True
                w.absorb(self, head, lexical=False)
                w.clause_top = head
                tok = head
                continue
            if dep == "dobj" and tok.lemma_.lower() in _MEETINGS and lemma in lex.light_verbs | _MEETING_VERBS:
                return None      # "to hold talks about the ceasefire proposal": a meeting takes no side
            if dep in ("pcomp", "pobj") and head.lower_ == "without":
                return None      # "walk away without securing a deal to halt attacks": what is not done
            if is_verb and any(c.lower_ in ("neither", "nor") for c in head.children):
                return None      # "neither confirmed nor denied": no position at all
            if tok.lower_ in ("than", "of") and dep == "prep" and (
                    head.lower_ in ("rather", "instead") or any(c.lower_ in ("rather", "instead") for c in tok.children)
                    or any(c.lower_ in ("rather", "instead") and c.dep_ == "advmod" for c in head.children)):
                # "a peace deal rather than a ceasefire", "instead of a truce": a preference against it
                w.negations += 1
                if w.cue is None:
                    w.cue, w.cue_tok = "rather than", head
            if dep == "conj" and w.cue is None and any(c.dep_ == "cc" and c.lower_ in ("than", "instead") and c.i < tok.i
                                                       for c in head.children):
                # "a full peace agreement rather than a ceasefire": the topic is the one passed over.
                w.negations += 1
                w.cue, w.cue_tok = "rather than", head
                w.clause_top = head
                tok = head
                continue
            if dep == "relcl" and head.pos_ in ("NOUN", "PROPN") and not frozen and not (
                    tok.i == root.i or w.cue is not None):
                return None      # "a move that could test the ceasefire": the clause only describes the noun
            if dep == "relcl" and head.pos_ in ("NOUN", "PROPN") and not frozen:
                # "any mission that put foreign troops on Ukrainian soil", "a plan that calls for a truce":
                # the clause says what the noun is; the noun now stands for the topic.
                w.cue = w.cue_tok = None
                w.polarity = -1 if term and lex.is_inverse(term) else 1
                w.negations = 0
                w.hedge = False
                w.clause_top = head
                tok = head
                continue
            noun_clause = dep == "acl" and (head.lemma_.lower() in lex.support_nouns | lex.oppose_nouns
                                            or head.lemma_.lower() in _TRANSPARENT)
            if dep == "advcl" and _is_purpose(tok) and any(c.dep_ == "mark" and c.lower_ == "for" for c in tok.children):
                dep = "xcomp"    # "pushing for European troops to deploy": the clause is what is pushed for
            if (dep == "conj" or (dep == "advcl" and not _is_purpose(tok)) or dep in ("relcl", "amod")
                    or (dep == "acl" and not noun_clause) or dep not in _COMPOSE | {"acl"}):
                if w.cue is None:
                    return w
                frozen = True
                frozen_via = dep
                # "..., while Italy is not planning ..., Meloni said": a contrastive clause belongs to
                # the outermost speaker, not to the speaker of the clause it hangs from.
                contrast = dep == "advcl" and any(c.dep_ == "mark" and c.lower_ in ("while", "whereas", "whilst")
                                                  for c in tok.children)
                if dep == "conj" and is_verb:
                    w.absorb(self, head, lexical=False)
                    if w.demand is None and self._modal_demand(head):
                        w.demand = "modal"
                tok = head
                continue
            if head.pos_ in ("NOUN", "PROPN"):
                stance_noun = lemma in lex.support_nouns or lemma in lex.oppose_nouns
                transparent = lemma in _TRANSPARENT or head.lower_ in _TRANSPARENT
                if transparent or stance_noun:
                    w.negations += sum(1 for c in head.children if c.lower_ == "no" and c.dep_ == "det")
                if stance_noun and dep != "compound":
                    # "calls for a truce", "Russia's rejection of the truce"; but a "ceasefire agreement"
                    # is the truce itself, not anyone's agreeing to it.
                    if w.cue is None or dep in ("prep", "pobj", "acl"):
                        if lemma in lex.oppose_nouns:
                            w.polarity *= -1
                        w.cue, w.cue_tok = lemma, head
                        if lemma in _PROPOSALS and w.polarity * (-1 if w.negations % 2 else 1) > 0:
                            w.proposals.append(head)
                elif not transparent and not stance_noun and (dep == "compound" and tok.i == root.i
                                                              or dep == "prep" and w.cue is None):
                    # "ceasefire violations", "the remainder of the ceasefire": the topic only modifies
                    # something else, which is what the sentence is about.
                    return None
            elif dep == "dobj" and lemma in lex.evaluation_verbs and (verdict := self._evaluation(head)) is not None:
                # "called the plans a dangerous fantasy", "regards the deployment as unacceptable"
                w.polarity *= verdict[0]
                w.cue, w.cue_tok = f"{lemma} {verdict[1]}", head
                w.absorb(self, head, via=tok)
            else:
                cls, cue = self._predicate_class(head, via=tok, depth=depth, has_cue=w.cue is not None)
                if cls is not None:
                    w.cues.append(cue)
                if cls == "oppose":
                    w.polarity *= -1
                    w.cue, w.cue_tok = cue, head
                elif cls == "support" and (w.cue is None or w.cue in lex.support_nouns):
                    w.cue, w.cue_tok = cue, head
                if head.pos_ in ("VERB", "AUX", "ADJ"):
                    w.absorb(self, head, via=tok)
                    if dep in ("xcomp", "ccomp") and w.cue is not None and w.demand is None:
                        objected = any(c.dep_ in ("dobj", "dative") for c in head.children) or \
                            any(c.dep_ == "prep" and c.lower_ == "on" for c in head.children)
                        if lemma in lex.demand_verbs and (dep == "ccomp" or objected or
                                                          lemma not in ("want", "need", "hope", "wish")):
                            w.demand, w.demand_tok = "verb", head
                        elif self._modal_demand(tok):
                            w.demand = "modal"
            w.clause_top = head
            tok = head
        if w.speech is None and w.cue is not None:
            # Parsers often hang "that ..." off the wrong word ("said after the call that Rome had no
            # plans"), or the attribution off the quote ("X is willing, Y told lawmakers" with "told"
            # as a parataxis of "is"); reported speech nearly always depends on the sentence's own
            # speech verb, so look for it at the top.
            top = tok
            path = {t.i for t in w.root.ancestors} | {w.root.i}
            if top.pos_ in ("VERB", "AUX") and _lemma(top) in lex.speech_verbs and top.i != w.clause_top.i \
                    and _lemma(top) not in lex.support_verbs | lex.oppose_verbs:
                w.speech = top
            elif self._according_to(w.root) is not None:
                w.speech = self._according_to(w.root)     # "According to the US, Kyiv and Moscow agreed ..."
            else:
                for c in top.children:
                    if c.dep_ in ("parataxis", "ccomp", "advcl", "conj") and c.i not in path and \
                            c.pos_ in ("VERB", "AUX") and _lemma(c) in lex.speech_verbs and c.i > w.root.i and \
                            (any(g.dep_ in ("nsubj", "nsubjpass") for g in c.children)
                             or doc_entity_before(c) is not None):
                        w.speech = c
                        break
        return w

    def _topic_mention(self, span: Any, topic: str, term: str, sent: Any, doc: Any, block: hygiene.Block,
                       ctx: Context, quotes: list[tuple[int, int]], speakers: dict[int, list[tuple[Holder, str]]],
                       on: date | None) -> list[Candidate]:
        lex = self.lex
        pressed = self._pressure(span, topic, term, sent, doc, block, ctx, on)
        if pressed is not None:
            return pressed
        if self._in_condition(span):
            return []        # "... as long as Azerbaijan stops shelling": a condition, not a stance
        w = self._walk(span, term)
        if w is not None:
            w.on = on
        if self.trace is not None:
            self.trace.append({"term": term, "topic": topic, "sentence": sent.text.strip()[:160],
                               "walk": None if w is None else {k: (v.text if hasattr(v, "text") else v)
                                                               for k, v in vars(w).items()}})
        if w is None:
            return []
        if w.cue_tok is not None and any(c.dep_ == "nsubjpass" and c.i == w.root.i for c in w.cue_tok.children) and \
                not any(c.dep_ == "agent" for c in w.cue_tok.children) and w.negations and \
                not any(c.dep_ == "aux" and c.lower_ in _MODAL_WORDS for c in w.cue_tok.children):
            return []        # "no formal truce had yet been agreed": a report of facts, not a stance
        if w.cue is None:
            return self._owned_noun_only(span, topic, term, sent, doc, block, ctx, quotes, on, w.polarity, w.negations)
        if self._modal_demand(w.cue_tok) or self._modal_demand(w.clause_top):
            w.demand = w.demand or "modal"
        if not w.negations:
            neg_text = doc.text[sent.start_char:span.start_char][-80:]
            if lex.negation_regex.search(neg_text):
                w.negations += 1
        polarity = -w.polarity if w.negations % 2 else w.polarity
        clause = _subtree_span(w.clause_top, doc)
        clause_text = _clause_text(w.clause_top, w.root)
        modality = "conditional" if w.conditional else self._modality(clause_text, w.hedge)
        if w.negations % 2 and (w.cue or "") in ("rule out", "exclude", "preclude"):
            modality = "hedged"      # "did not rule out sending troops", "would not exclude"
        pol = "support" if polarity > 0 else "oppose"
        if topic == "ceasefire" and pol == "support" and modality == "conditional" and \
                any(m.group(0).lower() != "unless" for m in _PRECONDITION.finditer(clause_text)) and \
                not w.negations and (w.cue or "").split(" ")[0] not in _CONTINUATION:
            # "no truce until they withdraw"; but "extend the pause until ..." keeps it, and so does an
            # exception to a truce the holder keeps ("will stop attacks unless they come from there").
            pol = "oppose"
        if topic == "ceasefire" and pol == "oppose" and modality == "conditional" and \
                _THREAT_CONDITION.search(clause_text) and not _PRECONDITION.search(clause_text) and \
                (lex.is_inverse(term) or (w.cue or "").split(" ")[0] in ("extend", "end", "resume", "return", "hold",
                                                                         "keep", "continue")):
            # "we will return to war if Hamas does not disarm", "he will not extend the truce if no deal
            # is reached": a holder keeping a truce on conditions (SPEC: support, conditional).
            pol = "support"
        after = doc.text[span.end_char:sent.end_char]
        if topic == "ceasefire" and pol == "support" and _CONTRAST_PRECONDITION.search(after):
            # SPEC: "we favour a truce, but first the arms deliveries must stop" is oppose, conditional.
            pol, modality = "oppose", "conditional"
        if topic == "peacekeeping" and pol == "oppose" and w.negations and \
                re.search(r"\b(unless|until|without)\b", clause_text, re.I):
            pol, modality = "support", "conditional"
        # Who holds it: the clause's speaker, or the subject of the stance predicate.
        in_quote = _inside(span.start_char, quotes)
        if w.demand == "verb" and w.demand_tok is not None:
            agents, agent_how, target = self._agents(w.demand_tok, doc, ctx, block.offsets, on)
            target |= self._demand_targets(w.demand_tok, w.cue_tok, doc, ctx, block.offsets, on)
            demand_by_agent = True
        else:
            agents, agent_how, target = self._agents(w.cue_tok or w.clause_top, doc, ctx, block.offsets, on)
            demand_by_agent = False
        speaker_holders: list[tuple[Holder, str]] = []
        if w.speech is not None:
            speaker_holders = self._subject_holders(w.speech, doc, ctx, block.offsets, on)
        elif in_quote is not None:
            speaker_holders = speakers.get(in_quote, [])
        holders: list[tuple[Holder, str]]
        mediator = False
        if w.epistemic:
            # An expectation about others is nobody's stance; the believer's own view is theirs.
            others = [a for a in agents if a[0].holder_id not in {h.holder_id for h, _ in speaker_holders}
                      and agent_how not in ("self", "pronoun")]
            speaker_holders = [] if others else speaker_holders
            agents = []
        if demand_by_agent and agents and speaker_holders and all(
                a.holder_id in spoken or (a.country or "") in spoken
                for spoken in [self._spoken_for(speaker_holders, on)] for a, _ in agents):
            agents, demand_by_agent = [], False     # "Lin said China hoped all parties would ...": Lin's
        if speaker_holders and not (demand_by_agent and agents):
            holders = self._choose(speaker_holders, agents, agent_how, w, _pronoun_before(w))
            if holders is not speaker_holders and w.speech is not None and pol == "support":
                # A speaker announcing that others agreed to a truce is for it; so is any non-party
                # reporting the parties' agreement (the mediator's announcement).
                conflict = self.registry.infer(sent.text, (), ctx.article_conflict, on)
                parties = set(self.registry.conflicts[conflict].parties) if conflict in self.registry.conflicts else set()
                is_party = bool(self._spoken_for(speaker_holders, on) & parties)
                acts = lex.cue_classes.get("act", frozenset())
                mediator = _lemma(w.speech) in lex.announce_verbs or w.speech.lower_ == "according" or (
                    not is_party and any(c.split(" ")[0] in acts for c in [w.cue or "", *w.cues]))
        elif w.demand == "modal" and not demand_by_agent:
            holders = []
        elif w.speech is not None and agent_how == "pronoun" and not demand_by_agent:
            holders = []         # "European leaders told him they were prepared to ...": 'they' are the speakers
        elif w.speech is not None and self._analyst_speaks(w.speech, doc) and \
                (w.cue or "").split(" ")[0] not in lex.cue_classes.get("act", frozenset()):
            holders = []         # "Israel may be trying to torpedo the truce, said a professor": analysis
        else:
            holders = agents
        if mediator:
            known = {h.holder_id for h, _ in holders}
            holders = holders + [h for h in speaker_holders if h[0].holder_id not in known]
        owners = self._noun_owners(w.cue_tok, doc, ctx, block.offsets, on) \
            if w.cue_tok is not None and w.cue_tok.pos_ == "NOUN" and w.cue in lex.support_nouns else []
        for noun in w.proposals:
            # "Moscow rebuffed a U.S. proposal for a truce": the proposal's authors are for it either way.
            if noun is not w.cue_tok:
                owners += [h for h in self._noun_owners(noun, doc, ctx, block.offsets, on)
                           if h.holder_id not in {o.holder_id for o in owners}]
        # The authors of a proposal, plan or call support what it proposes, whoever else takes a side on it.
        out_extra = [Candidate(holder=h, topic=topic, polarity="support", modality=modality, confidence=0.7,
                               attribution="reported", cue=f"{w.cue} [{term}]", sent_start=block.at(sent.start_char),
                               sent_end=block.at(sent.end_char), evidence="",
                               tone_span=(block.at(sent.start_char), block.at(sent.end_char)))
                     for h in owners if h.holder_id not in {x.holder_id for x, _ in holders}]
        if not holders:
            return out_extra
        base = "direct_quote" if in_quote is not None else ("indirect" if w.speech is not None else "reported")
        out: list[Candidate] = []
        for holder, how in holders:
            if holder.holder_id in target:
                continue
            contextual = topic == "peacekeeping" and lex.is_contextual(term)
            if contextual and w.demand is None and self._combat(span, holder, sent, ctx, on):
                continue
            attribution = "inferred" if how in ("pronoun", "metonym", "description", "institution") else base
            conf = 0.9
            conf -= {"pronoun": 0.15, "description": 0.15, "metonym": 0.05, "institution": 0.05,
                     "unknown_person": 0.2}.get(how, 0.0)
            if topic == "ceasefire" and lex.is_weak(term):
                conf -= 0.2
            if contextual:
                conf -= 0.1
            out.append(Candidate(
                holder=holder, topic=topic, polarity=pol, modality=modality, confidence=max(0.05, min(0.99, conf)),
                attribution=attribution, cue=f"{w.cue} [{term}]" + (" +neg" if w.negations % 2 else ""),
                sent_start=block.at(sent.start_char), sent_end=block.at(sent.end_char),
                evidence="", tone_span=(block.at(clause.start_char), block.at(clause.end_char)),
            ))
        return out + out_extra

    def _noun_owners(self, noun: Any, doc: Any, ctx: Context, offset: Offsets, on: date | None) -> list[Holder]:
        """Who a proposal, plan or call belongs to: a possessive ("Russia's proposal") or the states an
        adjective names ("the Egyptian-Qatari proposal", "a joint US-Ukrainian proposal")."""
        out: list[Holder] = []
        for c in noun.children:
            if c.dep_ == "poss" and c.pos_ != "PRON":
                out += [h for h, _ in self._resolve_token(c, doc, ctx, offset, on) if h.kind in ("state", "org", "group")]
            elif c.dep_ in ("amod", "compound", "nmod") and c.ent_type_ in ("NORP", "GPE", "ORG"):
                for part in [c] + [g for g in c.subtree if g.ent_type_ in ("NORP", "GPE", "ORG") and g.i != c.i]:
                    ent = _entity_of(part, doc)
                    if ent is None:
                        continue
                    h = self.gaz.holder(ent.ent_id_, on) if ent.ent_id_ and not ent.ent_id_.startswith("?") else None
                    if h is None:
                        r = self.gaz.resolve(ent.text, on=on, label="GPE")
                        h = r.holder if r else None
                    if h is not None and h.kind in ("state", "org") and h.holder_id not in {x.holder_id for x in out}:
                        out.append(h)
        return out

    def _according_to(self, root: Any) -> Any:
        """The 'according' of "according to X" in the sentence: X is the source, like a speaker."""
        for t in root.sent:
            if t.lower_ == "according" and any(c.lower_ == "to" for c in t.children):
                return t
        return None

    def _evaluation(self, tok: Any) -> tuple[int, str] | None:
        """The verdict of a complement: (+1 or -1, the word) for "a mistake", "as unacceptable", "welcome"."""
        lex = self.lex
        comps = [c for c in tok.children if c.dep_ in ("acomp", "attr", "oprd", "xcomp", "ccomp")]
        objs = [c for c in tok.children if c.dep_ in ("dobj", "npadvmod", "dative")]
        if len(objs) > 1:
            comps += objs[1:]       # "called the plans 'a dangerous fantasy'" parsed with two objects
        if tok.lemma_.lower() in self.lex.evaluation_verbs:
            # ... or with the verdict hung as an apposition inside the object
            comps += [a for o in objs[:1] for a in o.subtree if a.dep_ == "appos"]
        comps += [g for c in tok.children if c.dep_ == "prep" and c.lower_ == "as"
                  for g in c.children if g.dep_ in ("pobj", "amod", "acomp")]
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

    def _combat(self, span: Any, holder: Holder, sent: Any, ctx: Context, on: date | None) -> bool:
        """Are these troops a party's own, sent to its own war (combat, not peacekeeping)?

        The troops belong to whoever their modifier names ("European troops", "American soldiers");
        with none, to the holder ("Israel will send troops", "senators oppose sending troops into
        Iran"). A party of the conflict sending its own troops is fighting; Russia rejecting
        European troops in Ukraine is still about a peacekeeping force.
        """
        conflict = self.registry.infer(sent.text, (), ctx.article_conflict, on)
        parties = set(self.registry.conflicts[conflict].parties) if conflict in self.registry.conflicts else set()
        if not parties:
            return False
        troops = [t for t in span if t.lemma_.lower() in ("troop", "soldier", "force", "personnel", "contingent",
                                                          "boot", "serviceman", "unit", "peacekeeper")]
        if not troops:
            return False
        senders: set[str] = set()
        for t in troops:
            for m in t.children:
                if m.dep_ not in ("amod", "compound", "nmod", "poss"):
                    continue
                if m.lower_ in ("foreign", "european", "western", "nato", "international", "multinational", "allied",
                                "un", "peacekeeping"):
                    return False
                if m.ent_id_.startswith("state:"):
                    senders.add(m.ent_id_)
                elif m.ent_type_ in ("NORP", "GPE"):
                    r = self.gaz.resolve(m.text, on=on, label=m.ent_type_)
                    if r is not None and r.holder.kind == "state":
                        senders.add(r.holder.holder_id)
        if not senders and holder.country:
            senders.add(f"state:{holder.country}")
        return bool(senders) and senders <= parties

    def _analyst_speaks(self, verb: Any, doc: Any) -> bool:
        """Is the speaker someone who holds no office: a person the gazetteer does not know and who is
        not described as an official of a country (a professor, an analyst, a market strategist)?"""
        subj = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
        if not subj and (ent := doc_entity_before(verb)) is not None:
            subj = [ent.root]
        for t in subj:
            ent = _entity_of(t, doc)
            if ent is not None and ent.label_ == "PERSON" and not ent.ent_id_:
                return True
            if t.lemma_.lower() in ("analyst", "expert", "professor", "economist", "strategist", "researcher",
                                    "observer", "commentator", "scholar", "academic", "fellow"):
                return True
        return False

    def _pressure(self, span: Any, topic: str, term: str, sent: Any, doc: Any, block: hygiene.Block, ctx: Context,
                  on: date | None) -> list[Candidate] | None:
        """A threat made to get a truce accepted: "Trump threatened tariffs if Moscow did not agree to a
        ceasefire", "warned Hamas of consequences unless it accepted the truce". The one who presses
        supports the truce (SPEC: presses the other side to accept one); the one pressed is a target.
        None when the mention is not in such a condition."""
        if topic != "ceasefire" or self.lex.is_inverse(term):
            return None
        t, cond, accepts = span.root, None, False
        for _ in range(6):
            if t.pos_ in ("VERB", "AUX") and _lemma(t) in self.lex.support_verbs:
                accepts = True
            if t.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in ("if", "unless") for c in t.children):
                cond = t
                break
            if t.head.i == t.i:
                return None
            t = t.head
        if cond is None or not accepts:
            return None
        top = cond.head
        while top.dep_ in ("xcomp", "conj") and top.head.i != top.i and top.head.pos_ in ("VERB", "AUX"):
            top = top.head
        objects = {g.lemma_.lower() for g in top.subtree if g.dep_ in ("dobj", "pobj")}
        if _lemma(top) not in _PRESSURE_VERBS and not objects & _PENALTIES:
            return None
        holders = self._subject_holders(top, doc, ctx, block.offsets, on)
        if not holders and top.dep_ == "ccomp" and _lemma(top.head) in self.lex.speech_verbs:
            holders = self._subject_holders(top.head, doc, ctx, block.offsets, on)
        pressed = {h.holder_id for c in cond.children if c.dep_ in ("nsubj", "nsubjpass")
                   for h, _ in self._holders_of(c, doc, ctx, block.offsets, on)}
        out = []
        for holder, how in holders:
            if holder.holder_id in pressed:
                continue
            out.append(Candidate(
                holder=holder, topic=topic, polarity="support", modality="firm",
                confidence=0.75 if how in ("pronoun", "description", "metonym") else 0.85,
                attribution="inferred" if how in ("pronoun", "metonym", "description", "institution") else "reported",
                cue=f"press [{term}]", sent_start=block.at(sent.start_char), sent_end=block.at(sent.end_char),
                evidence="", tone_span=(block.at(sent.start_char), block.at(sent.end_char))))
        return out

    def _in_condition(self, span: Any) -> bool:
        """Is the mention inside a condition clause (if, unless, provided, as long as, until, once)?"""
        t = span.root
        for _ in range(12):
            if t.dep_ == "advcl":
                lead = " ".join(c.lower_ for c in t.children if c.i < t.i and c.dep_ in ("mark", "advmod", "prep"))
                if re.search(r"\b(if|unless|provided|providing|until|till|once|long|soon|condition|whether)\b", lead):
                    return True
            if t.dep_ in ("ccomp", "advcl", "pcomp") and any(c.dep_ == "mark" and c.lower_ == "whether" for c in t.children):
                return True      # "whether Israel had agreed to stop striking": a question, not a stance
            if t.i != span.root.i and (t.lemma_ in _SPECULATION and t.pos_ == "ADJ" or t.lemma_ == "be" and any(
                    c.dep_ == "acomp" and c.lemma_ in _SPECULATION for c in t.children)):
                return True      # "it is not clear the president has much appetite for resuming a war"
            if t.lemma_ in ("ask", "question", "wonder") and t.i != span.root.i and \
                    any(c.lower_ in ("about", "whether", "if", "how", "when", "why") for c in t.children):
                return True      # "when asked about the circumstances under which a ceasefire could ..."
            if t.head.i == t.i:
                return False
            t = t.head
        return False

    def _spoken_for(self, holders: list[tuple[Holder, str]], on: date | None) -> set[str]:
        """Ids and codes a speaker speaks for: their country, its state id, the bodies of their offices."""
        out: set[str] = set()
        for h, _ in holders:
            out.add(h.holder_id)
            if h.country:
                out |= {h.country, f"state:{h.country}"}
                out |= {o.actor_id for o in self.gaz.orgs.values() if o.code == h.country}
            if h.kind == "person" and on is not None:
                out |= {r.body for r in self.gaz.roles_on(h.holder_id, on)}
        return out

    def _choose(self, speakers: list[tuple[Holder, str]], agents: list[tuple[Holder, str]], agent_how: str,
                w: "Walk", pronoun_first: str = "") -> list[tuple[Holder, str]]:
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
                any(c.split(" ")[0] in _DESIRES for c in [w.cue or "", *w.cues]) or _lemma(w.speech) in _CLAIMS):
            return []        # "Zelensky said Moscow was getting ready to torpedo the plan": a claim about others
        if agent_how == "pronoun" and pronoun_first:
            # "They also agreed to ..., the Saudi ministry said": the pronoun looks back past the
            # speaker; a singular one to its antecedent, a plural one is too loose to name anybody.
            return agents if pronoun_first == "singular" else []
        if w.demand or not agents or agent_how == "self" or (agent_how == "pronoun" and w.speech is not None):
            return speakers
        speaker_ids = {h.holder_id for h, _ in speakers}
        spoken_for = self._spoken_for(speakers, w.on)
        out_agents = []
        for a, how in agents:
            if a.holder_id in speaker_ids:
                continue
            if a.kind == "person" or (a.holder_id not in spoken_for and (a.country or "") not in spoken_for):
                out_agents.append((a, how))
        return out_agents or speakers

    def _relative_clause(self, span: Any, topic: str, term: str, sent: Any, doc: Any, block: hygiene.Block,
                         ctx: Context, on: date | None) -> list[Candidate]:
        """A stance told about the topic in a relative clause: "the ceasefire that Ukraine accepted",
        "a ceasefire deal Trump announced" (a journalist's statement of the subject's position)."""
        root = span.root
        nouns = [root] + ([root.head] if root.dep_ == "compound" and root.head.lemma_.lower() in _TRANSPARENT else [])
        out: list[Candidate] = []
        for n in nouns:
            for rel in (c for c in n.children if c.dep_ == "relcl" and c.pos_ in ("VERB", "AUX")):
                cls, cue = self._predicate_class(rel)
                subj = [c for c in rel.children if c.dep_ == "nsubj" and c.pos_ != "PRON"]
                if cls is None or not subj or any(c.dep_ in ("nsubjpass", "dobj") for c in rel.children):
                    continue
                pol = "oppose" if (cls == "oppose") != bool(self._negated(rel) % 2) else "support"
                for holder, how in self._holders_of(subj[0], doc, ctx, block.offsets, on):
                    out.append(Candidate(
                        holder=holder, topic=topic, polarity=pol, modality="firm", confidence=0.7,
                        attribution="inferred" if how in ("pronoun", "metonym") else "reported",
                        cue=f"{cue} [{term}]", sent_start=block.at(sent.start_char), sent_end=block.at(sent.end_char),
                        evidence="", tone_span=(block.at(sent.start_char), block.at(sent.end_char))))
        return out

    def _owned_noun_only(self, span: Any, topic: str, term: str, sent: Any, doc: Any, block: hygiene.Block,
                         ctx: Context, quotes: list[tuple[int, int]], on: date | None, polarity: int,
                         negations: int) -> list[Candidate]:
        """Stances carried inside a noun phrase: 'a US-brokered truce', "Russia's ceasefire proposal"."""
        root = span.root
        heads = [root]
        if root.head.lemma_.lower() in _TRANSPARENT and root.dep_ in ("compound", "amod", "nmod"):
            heads.append(root.head)
        owners: list[tuple[Any, str]] = []
        for h in heads:
            for c in h.children:
                if c.dep_ == "amod" and _lemma(c) in ("broker", "propose", "mediate", "back", "sponsor", "lead",
                                                      "draft", "negotiate", "agree", "offer"):
                    for g in c.children:
                        if g.dep_ in ("npadvmod", "compound", "nmod", "amod") and g.ent_type_:
                            owners.append((g, _lemma(c)))
                if c.dep_ == "poss" and (h.lemma_.lower() in self.lex.support_nouns | {"announcement", "declaration",
                                                                                    "extension", "halt", "pause"}
                                         or h.i == root.i) and c.pos_ != "PRON":
                    owners.append((c, h.lemma_.lower()))
        # "Qatar, a mediator in ceasefire talks", "Egypt is a guarantor of the truce": the role says it.
        t = root
        for _ in range(4):
            if t.head.i == t.i:
                break
            if t.dep_ not in ("pobj", "prep", "compound", "nmod") and t.i != root.i:
                break
            t = t.head
            if t.pos_ == "NOUN" and t.lemma_.lower() in _MEDIATOR_NOUNS:
                if t.dep_ == "appos":
                    owners.append((t.head, t.lemma_.lower()))
                elif t.dep_ == "attr":
                    owners += [(c, t.lemma_.lower()) for c in t.head.children if c.dep_ == "nsubj"]
                owners += [(c, t.lemma_.lower()) for c in t.children if c.dep_ in ("poss", "appos")]
                break
        out: list[Candidate] = []
        for tok, cue in owners:
            for holder, how in self._resolve_token(tok, doc, ctx, block.offsets, on):
                out.append(Candidate(
                    holder=holder, topic=topic, polarity="support" if polarity > 0 else "oppose", modality="firm",
                    confidence=0.6, attribution="reported", cue=f"{cue} [{term}]",
                    sent_start=block.at(sent.start_char), sent_end=block.at(sent.end_char),
                    evidence="", tone_span=(block.at(sent.start_char), block.at(sent.end_char)),
                    ))
        return out

    # predicate helpers --------------------------------------------------------------------------------
    def _predicate_class(self, tok: Any, via: Any = None, depth: int = 1, has_cue: bool = False
                         ) -> tuple[str | None, str]:
        """Does this token take a side on what lies below it? Returns (support|oppose|None, cue)."""
        lex = self.lex
        lemma = _lemma(tok)
        keys = [lemma]
        if via is not None and via.dep_ in ("prep", "agent") and tok.pos_ in ("VERB", "AUX", "ADJ"):
            keys.insert(0, f"{lemma} {via.lower_}")
            # "pour scorn on", "cast doubt on": the verb's own object is part of the predicate.
            for obj in (c for c in tok.children if c.dep_ == "dobj" and c.i != via.i):
                keys.insert(0, f"{lemma} {obj.lemma_.lower()}")
                keys.insert(0, f"{lemma} {obj.lemma_.lower()} {via.lower_}")
        if tok.pos_ in ("VERB", "AUX"):
            for key in keys:
                if key in lex.oppose_verbs:
                    return "oppose", key
                if key in lex.support_verbs:
                    return "support", key
            if lemma in lex.light_verbs and not has_cue and depth <= 2 and via is not None and \
                    via.dep_ in ("dobj", "prep", "attr", "oprd"):
                return "support", lemma
            return None, lemma
        if tok.pos_ == "ADJ" or tok.dep_ in ("acomp",):
            for key in keys:
                if key in lex.oppose_adjectives:
                    return "oppose", key
                if key in lex.support_adjectives or key in lex.support_verbs:
                    return "support", key
            return None, lemma
        if tok.pos_ == "ADP" and tok.lower_ == "against" and tok.head.lemma_ == "be":
            return "oppose", "against"
        if tok.pos_ in ("NOUN", "PROPN"):
            if lemma in lex.oppose_nouns:
                return "oppose", lemma
            if lemma in lex.support_nouns:
                return "support", lemma
        return None, lemma

    def _negated(self, tok: Any, via: Any = None) -> int:
        n = sum(1 for c in tok.children if c.dep_ == "neg" or (c.lower_ in ("never", "no") and c.dep_ in ("advmod", "det")))
        # "take no part", "has no plans", "see no room": the 'no' on the object negates the predicate
        n += sum(1 for c in tok.children if c.dep_ == "dobj" and (via is None or c.i != via.i)
                 and any(d.dep_ == "det" and d.lower_ == "no" for d in c.children))
        if any(c.lower_ == "yet" and c.dep_ == "advmod" for c in tok.children) and (
                tok.lemma_ in ("have", "be") or any(c.lower_ == "to" for c in tok.subtree)):
            n += 1      # "has yet to be agreed by Russia": not agreed
        return n

    def _hedged(self, tok: Any, lexical: bool = True) -> bool:
        if any(c.dep_ == "aux" and c.lower_ in self.lex.hedge_words for c in tok.children):
            return True
        return lexical and _lemma(tok) in self.lex.hedge_words

    def _modal_demand(self, tok: Any) -> bool:
        """'must agree', 'has to agree', 'should accept', 'needs to stop'."""
        if tok is None:
            return False
        for c in tok.children:
            if c.dep_ == "aux" and c.lower_ in ("must", "should", "ought"):
                return True
        if tok.dep_ == "xcomp" and tok.head.lemma_ in ("have", "need", "got") and \
                any(c.dep_ == "aux" and c.lower_ == "to" for c in tok.children):
            return True
        return False

    def _wanted(self, tok: Any) -> bool:
        """'want the truce to hold', 'eager for the ceasefire to succeed'."""
        h = tok.head
        if h.pos_ == "ADP" and h.head.i != h.i:
            h = h.head
        return tok.dep_ in ("xcomp", "ccomp", "pcomp", "advcl") and h.lemma_ in (
            "want", "hope", "expect", "need", "wish", "urge", "call", "eager", "keen", "anxious", "desperate",
            "determined", "intent")

    def _modality(self, clause_text: str, hedge: bool) -> str:
        """conditional when the clause ties the stance to a condition, hedged when it weakens it."""
        if _CONDITION_STRONG.search(clause_text) or _CONDITION_TEMPORAL.search(clause_text):
            return "conditional"
        if hedge or self.lex.hedge_regex.search(clause_text):
            return "hedged"
        return "firm"

    # holders ----------------------------------------------------------------------------------------------
    def _agents(self, tok: Any, doc: Any, ctx: Context, offset: Offsets, on: date | None
                ) -> tuple[list[tuple[Holder, str]], str, set[str]]:
        """The logical subject of a predicate: (holders, how, ids of demand targets to exclude)."""
        target: set[str] = set()
        t = tok
        seen = 0
        while t is not None and seen < 12:
            seen += 1
            subj = [c for c in t.children if c.dep_ in _SUBJECT_DEPS]
            if any(c.dep_ == "nsubjpass" for c in subj):
                agent = [g for c in t.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]
                if agent:
                    return self._holders_of(agent[0], doc, ctx, offset, on), "agent", target
                return [], "", target
            if subj:
                s = subj[0]
                if s.lower_ in _PRONOUNS_SELF:
                    return [], "self", target
                if s.lemma_.lower() in ("troop", "soldier", "contingent", "peacekeeper", "personnel") and \
                        s.i in {x.i for x in tok.subtree}:
                    # "Chadian soldiers with the force arrived": the soldiers' state holds it
                    owners = [self.gaz.holder(m.ent_id_, on) for m in s.children
                              if m.dep_ in ("amod", "compound") and m.ent_id_.startswith("state:")]
                    return [(h, "subject") for h in owners if h], "subject", target
                if s.dep_ == "expl" or s.lower_ in ("there",):
                    return [], "", target
                holders: list[tuple[Holder, str]] = []
                for extra in subj:      # "X and Y backed ..." is sometimes parsed as two subjects
                    holders += [h for h in self._holders_of(extra, doc, ctx, offset, on)
                                if h[0].holder_id not in {x.holder_id for x, _ in holders}]
                how = "pronoun" if s.pos_ == "PRON" and s.lower_ not in _PRONOUNS_SELF else "subject"
                if not holders and s.lemma_.lower() in _OTHER_PARTIES and not self._own_side(s):
                    how = "unresolved"      # "26 countries pledged ...": someone, but not the speaker
                return holders, how, target
            if t.dep_ == "xcomp" and _lemma(t.head) in self.lex.demand_verbs | {"help", "allow", "persuade",
                                                                                 "convince", "get", "force"}:
                objs = [c for c in t.head.children if c.dep_ in ("dobj", "dative")]
                for o in objs:
                    target |= {h.holder_id for h, _ in self._holders_of(o, doc, ctx, offset, on)}
                t = t.head
                continue
            if t.dep_ in ("xcomp", "acomp", "pcomp", "prep", "pobj", "conj", "dobj", "attr", "oprd", "compound",
                          "advcl", "auxpass", "aux", "amod", "acl", "nmod", "appos"):
                if t.dep_ in ("amod", "acl") and t.head.pos_ in ("NOUN", "PROPN"):
                    owners = self._holders_of(t.head, doc, ctx, offset, on)
                    if owners or t.head.lemma_.lower() not in self.lex.institution_nouns:
                        return owners, "subject", target
                    # "the Council adopted a resolution authorising a force": the resolution's author.
                t = t.head if t.head.i != t.i else None
                continue
            break
        return [], "", target

    def _own_side(self, tok: Any) -> bool:
        """'the government', 'our country', 'the ministry' without an owner: in reported speech, the speaker's own."""
        if tok.lemma_.lower() not in self.lex.institution_nouns or tok.tag_ in ("NNS", "NNPS"):
            return False
        dets = {c.lower_ for c in tok.children if c.dep_ in ("det", "poss")}
        return not dets or bool(dets & {"the", "our", "my", "this"})

    def _demand_targets(self, demand_tok: Any, cue_tok: Any, doc: Any, ctx: Context, offset: Offsets,
                        on: date | None) -> set[str]:
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
            ids |= {h.holder_id for h, _ in self._holders_of(t, doc, ctx, offset, on)}
        return ids

    def _subject_holders(self, verb: Any, doc: Any, ctx: Context, offset: Offsets, on: date | None) -> list[tuple[Holder, str]]:
        if verb.lower_ == "according":
            subj = [g for c in verb.children if c.lower_ == "to" for g in c.children if g.dep_ == "pobj"]
        else:
            subj = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
        if not subj:
            subj = [g for c in verb.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]
        if not subj and verb.dep_ == "conj" and verb.head.i != verb.i:
            # "Erdogan welcomed the truce and said Turkey was ready ...": the subject is shared.
            return self._subject_holders(verb.head, doc, ctx, offset, on)
        if not subj and (ent := doc_entity_before(verb)) is not None:
            # "..., Prime Minister Kyriakos Mitsotakis said": the parser sometimes hangs the speaker
            # elsewhere; the named entity right before the verb is the speaker.
            subj = [ent.root]
        out: list[tuple[Holder, str]] = []
        for t in subj:
            out += [h for h in self._holders_of(t, doc, ctx, offset, on) if h[0].holder_id not in {x.holder_id for x, _ in out}]
        return out

    def _holders_of(self, tok: Any, doc: Any, ctx: Context, offset: Offsets, on: date | None) -> list[tuple[Holder, str]]:
        """A subject token and its coordinated siblings ("Britain and France") as holders."""
        toks = [tok] + [c for c in tok.conjuncts if c.i > tok.i]
        # "The United States, Saudi Arabia, the UAE and Egypt" is often parsed as an apposition chain.
        for c in tok.children:
            if c.dep_ == "appos":
                toks += [c] + [x for x in c.conjuncts if x.i > c.i]
        out: list[tuple[Holder, str]] = []
        seen: set[str] = set()
        for t in toks:
            for h, how in self._resolve_token(t, doc, ctx, offset, on):
                if h.holder_id not in seen:
                    seen.add(h.holder_id)
                    out.append((h, how))
        named = {h.country for h, _ in out if h.kind == "person" and h.country}
        if named and any(c.dep_ == "appos" for c in tok.children):
            # "the US envoy Steve Witkoff": the named person, not also the office's country
            out = [(h, how) for h, how in out if not (h.kind == "state" and h.country in named)]
        return out

    def _resolve_token(self, tok: Any, doc: Any, ctx: Context, offset: Offsets, on: date | None) -> list[tuple[Holder, str]]:
        """Who a noun-phrase head refers to, on the date, with how it was found."""
        gaz = self.gaz
        low = tok.lower_
        if tok.pos_ == "PRON" or low in _PRONOUNS_PERSON or low in _PRONOUNS_GROUP:
            h = self._antecedent(tok, ctx, offset, on)
            return [(h, "pronoun")] if h else []
        ent = _entity_of(tok, doc)
        if ent is not None:
            h, how = self._resolve_entity(ent, doc, ctx, offset, on)
            if h is not None:
                return [(h, how)]
            if ent.label_ == "PERSON":
                return []
        # The whole noun phrase may be a role phrase ("the British prime minister", "NATO's chief").
        phrase = _noun_phrase(tok, doc)
        if phrase and len(phrase) > len(tok.text):
            r = gaz.resolve(phrase, on=on, context=ctx.ids_before(offset + tok.idx))
            if r is not None and r.form == "role_phrase":
                return [(r.holder, "description")]
        if tok.lemma_.lower() in ("country", "nation", "side", "government", "party", "neighbour", "neighbor") and \
                tok.tag_ in ("NNS", "NNPS") and any(c.lower_ in ("both", "two") for c in tok.children):
            # "both countries called for ...": the two states named just before
            states: list[str] = []
            for m in reversed(ctx.before(offset + tok.idx)):
                if m.kind == "state" and m.actor_id not in states and m.salience != "venue":
                    states.append(m.actor_id)
                if len(states) == 2:
                    break
            if len(states) == 2:
                return [(h, "description") for h in (self.gaz.holder(a, on) for a in reversed(states)) if h]
            return []
        # Institutions speak for whoever modifies them: "Starmer's spokesman", "the Russian foreign ministry".
        if low in self.lex.institution_nouns or tok.lemma_.lower() in self.lex.institution_nouns:
            mod = self._institution_owner(tok, doc, ctx, offset, on)
            if mod is not None:
                return [(mod, "institution")]
            definite = self._definite_person(tok, doc, ctx, offset, on)
            if definite is not None:
                return [(definite, "description")]
            return []
        # A demonym as a noun: "the Russians", "the Israelis".
        if tok.pos_ in ("PROPN", "NOUN") and tok.text[:1].isupper():
            r = gaz.resolve(tok.text, on=on, context=ctx.ids_before(offset + tok.idx), label="NORP")
            if r is not None and r.holder.kind == "state":
                return [(r.holder, "metonym" if r.form in ("capital", "metonym") else "name")]
        return []

    def _resolve_entity(self, ent: Any, doc: Any, ctx: Context, offset: Offsets, on: date | None
                        ) -> tuple[Holder | None, str]:
        gaz = self.gaz
        ent_id = ent.ent_id_
        context = ctx.ids_before(offset + ent.start_char)
        if ent_id and not ent_id.startswith("?"):
            h = gaz.holder(ent_id, on)
            if h is None:
                return None, ""
            how = "name"
            if h.kind == "state":
                r = gaz.resolve(ent.text, on=on)
                if r is not None and r.form in ("capital", "metonym"):
                    how = "metonym"
            if h.kind == "state" and ent.label_ == "NORP":
                return None, ""
            return h, how
        r = gaz.resolve(ent.text, on=on, context=context, label=ent.label_)
        if r is not None:
            if r.holder.kind == "state" and r.form == "demonym":
                return None, ""
            return r.holder, ("metonym" if r.form in ("capital", "metonym") else "name")
        if ent.label_ == "PERSON" and not ent_id:
            return self._unknown_person(ent, doc, ctx, offset, on), "unknown_person"
        return None, ""

    def _unknown_person(self, ent: Any, doc: Any, ctx: Context, offset: Offsets, on: date | None) -> Holder | None:
        """A named official the gazetteer does not know: kept when a title and a country say who they speak for."""
        words = [t for t in doc[max(0, ent.start - 6):ent.start]]
        words += [c for t in ent for c in t.children if c.dep_ in ("appos", "compound", "amod")]
        titled = any(w.lower_ in self.lex.official_titles for w in words)
        if not titled:
            return None
        country = None
        for w in reversed(words):
            if w.ent_type_ in ("GPE", "NORP", "ORG") and w.i < ent.start:
                e = _entity_of(w, doc)
                if e is None:
                    continue
                if e.ent_id_ and not e.ent_id_.startswith("?"):
                    h = self.gaz.holder(e.ent_id_, on)
                else:
                    r = self.gaz.resolve(e.text, on=on, label=e.label_)
                    h = r.holder if r else None
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

    def _institution_owner(self, tok: Any, doc: Any, ctx: Context, offset: Offsets, on: date | None) -> Holder | None:
        """The state or organisation an institution noun belongs to, from its modifiers."""
        mods = [c for c in tok.children if c.dep_ in ("poss", "compound", "amod", "nmod", "npadvmod")]
        mods += [g for c in tok.children if c.dep_ == "prep" and c.lower_ in ("of", "for", "from", "in")
                 for g in c.children if g.dep_ == "pobj"]
        for m in mods:
            if m.dep_ == "poss" and m.pos_ == "PRON":
                # "his country", "its delegation": whoever the pronoun refers to, their state.
                ante = self._antecedent(m, ctx, offset, on)
                if ante is not None:
                    if ante.kind == "person" and ante.country and len(ante.country) == 3:
                        return self.gaz.holder(f"state:{ante.country}", on)
                    if ante.kind in ("state", "org", "group"):
                        return ante
                continue
            for cand in [m] + [c for c in m.children if c.dep_ in ("compound", "amod", "poss")]:
                ent = _entity_of(cand, doc)
                if ent is None:
                    continue
                h: Holder | None
                if ent.ent_id_ and not ent.ent_id_.startswith("?"):
                    h = self.gaz.holder(ent.ent_id_, on)
                else:
                    r = self.gaz.resolve(ent.text, on=on, context=ctx.ids_before(offset + ent.start_char),
                                         label=ent.label_)
                    h = r.holder if r else None
                if h is None:
                    continue
                if h.kind == "person":
                    # "Starmer's spokesman" speaks for the UK government.
                    if h.country and len(h.country) == 3:
                        s = self.gaz.holder(f"state:{h.country}", on)
                        if s is not None:
                            return s
                    org = next((o for o in self.gaz.orgs.values() if o.code == h.country and o.parent is None), None)
                    if org is not None:
                        return self.gaz.holder(org.actor_id, on)
                    continue
                return h
        return None

    def _definite_person(self, tok: Any, doc: Any, ctx: Context, offset: Offsets, on: date | None) -> Holder | None:
        """'the president', 'the prime minister', 'the leader': the last person mentioned who holds such an office."""
        if not any(c.lower_ == "the" for c in tok.children):
            return None
        phrase = " ".join(t.lower_ for t in tok.subtree if t.dep_ in ("compound", "amod") or t.i == tok.i)
        roles = _DEFINITE_ROLES.get(phrase) or _DEFINITE_ROLES.get(tok.lower_)
        if not roles or on is None:
            return None
        for m in reversed(ctx.before(offset + tok.idx)):
            if m.kind == "person" and m.role in roles:
                return self.gaz.holder(m.actor_id, on)
        return None

    def _antecedent(self, tok: Any, ctx: Context, offset: Offsets, on: date | None) -> Holder | None:
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
        here = offset + tok.idx
        if low in _PRONOUNS_PERSON:
            pick = self._person_before(here, _PRONOUNS_PERSON[low], ctx, 0)
            if pick is None:
                return None
            if pick.actor_id in self.gaz.persons:
                return self.gaz.holder(pick.actor_id, on)
            return Holder(pick.actor_id, pick.name, "person", pick.country, pick.role) if pick.country else None
        if low in _PRONOUNS_GROUP:
            for m in reversed(ctx.before(here)[-6:]):
                if m.kind in ("state", "org", "group") and m.salience != "venue":
                    return self.gaz.holder(m.actor_id, on)
        return None

    def _person_before(self, here: int, gender: str, ctx: Context, depth: int) -> Mention | None:
        before = ctx.before(here)
        fallback = None
        for m in reversed([m for m in before if m.salience]):
            if m.kind == "pronoun" and m.gender == gender:
                # An earlier "he" as a subject carries the same person on; names that came after it as
                # objects ("he has goaded Trump") are not who the next "he" is.
                return self._person_before(m.start, gender, ctx, depth + 1) if depth < 3 else None
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

    # quotes ---------------------------------------------------------------------------------------------
    def _quote_speakers(self, doc: Any, quotes: list[tuple[int, int]], offset: Offsets, ctx: Context, on: date | None
                        ) -> dict[int, list[tuple[Holder, str]]]:
        """Who speaks each quotation: the speech verb outside it in the sentence where it opens or closes,
        or a sentence ending in a colon just before it."""
        out: dict[int, list[tuple[Holder, str]]] = {}
        sents = list(doc.sents)
        for qi, (qs, qe) in enumerate(quotes):
            found: list[tuple[Holder, str]] = []
            touching = [s for s in sents if s.start_char < qe and s.end_char > qs]
            for s in touching[:1] + touching[-1:]:
                for t in s:
                    if qs <= t.idx < qe:
                        continue
                    if t.pos_ in ("VERB", "AUX") and _lemma(t) in self.lex.speech_verbs:
                        found = self._subject_holders(t, doc, ctx, offset, on)
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
                        if t.pos_ in ("VERB", "AUX") and _lemma(t) in self.lex.speech_verbs:
                            found = self._subject_holders(t, doc, ctx, offset, on)
                            break
            if not found:
                prev = [s for s in sents if s.end_char <= qs]
                if prev and prev[-1].text.rstrip().endswith(":"):
                    for t in prev[-1]:
                        if t.pos_ in ("VERB", "AUX") and _lemma(t) in self.lex.speech_verbs:
                            found = self._subject_holders(t, doc, ctx, offset, on)
                            if found:
                                break
            out[qi] = found
        return out

    # mentions ----------------------------------------------------------------------------------------------
    def _at_war_destination(self, text: str) -> bool:
        """'... to Ukraine', '... on Ukrainian soil', '... in Gaza' right after the troops: sent to a war's ground."""
        return bool(self._destination.match(text))

    def _build_destination(self) -> re.Pattern[str]:
        names: set[str] = set()
        for c in self.registry.conflicts.values():
            # Places of the war only: "troops to Ukraine" is the country at war, "troops to Russia"
            # (a party sending its allies' forces to fight) is not peacekeeping.
            places = {w for w in c.strong if w[:1].isupper() or w.split()[0] in ("eastern", "southern", "northern",
                                                                                   "western", "south", "north")}
            names.update(re.escape(p).replace(r"\ ", r"\s+") for p in places)
            for st in self.gaz.states.values():
                if st.name in places:
                    names.update(rf"{re.escape(d)} (?:soil|territory|ground|land)" for d in st.demonyms)
        alts = "|".join(sorted(n for n in names if n))
        # Words may come between the troops and where they go ("to help secure peace in Gaza"), but not
        # another destination ("troops to Russia after ... in Kursk" are going to Russia).
        skip = r"(?:to\s+[a-z][\w'-]*\s+|(?!(?:to|into|in|inside|on|onto|around|near|across)\b)[\w',.-]+\s+)"
        return re.compile(rf"^\s*(?:{skip}){{0,5}}?(?:to|in|into|on|inside|around|near|across)\s+(?:the\s+)?(?:{alts})\b")

    def _build_scan_matcher(self) -> Any:
        from spacy.matcher import PhraseMatcher

        matcher = PhraseMatcher(self.nlp.vocab, attr="ORTH")
        by_id: dict[str, list[str]] = {}
        for p in self.gaz.entity_patterns():
            if not p["id"].startswith("?"):
                by_id.setdefault(p["id"], []).append(p["pattern"])
        for actor_id, patterns in by_id.items():
            self.nlp.vocab.strings.add(actor_id)
            matcher.add(actor_id, list(self.nlp.tokenizer.pipe(patterns)))
        return matcher

    def _scan_mentions(self, text: str, on: date | None) -> list[Mention]:
        """Gazetteer names anywhere in the article (a phrase match over tokens, no parsing)."""
        doc = self.nlp.make_doc(text)
        out: list[Mention] = []
        taken: set[int] = set()
        matches = sorted(self._scan(doc), key=lambda m: (m[1], -(m[2] - m[1])))
        for match_id, start, end in matches:
            if start in taken:
                continue
            taken.update(range(start, end))
            actor_id = self.nlp.vocab.strings[match_id]
            h = self.gaz.holder(actor_id, on)
            if h is None:
                continue
            # "talks in Riyadh", "a summit at the Elysee", "a Brussels-based group": a place, not an actor.
            venue = h.kind == "state" and (
                (start > 0 and doc[start - 1].lower_ in _VENUE_PREPS)
                or (end < len(doc) and doc[end].lower_ in ("-based", "based")) or
                (end + 1 < len(doc) and doc[end].text == "-" and doc[end + 1].lower_ == "based"))
            out.append(Mention(doc[start].idx, actor_id, h.kind, self.gaz.gender(actor_id) if h.kind == "person" else None,
                               h.name, h.country, h.role, "venue" if venue else ""))
        return out

    def _local_mentions(self, doc: Any, offset: Offsets, on: date | None, ctx: Context) -> list[Mention]:
        """Persons the parser found in a block: named ones (including ones the gazetteer does not know)
        and subjects named by their office ("the Lebanese president said"), which pronouns refer back to.
        Each carries its salience: the subject of a clause, a possessive, or another role."""
        out: list[Mention] = []
        for ent in doc.ents:
            if ent.label_ != "PERSON":
                continue
            h, _ = self._resolve_entity(ent, doc, ctx, offset, on)
            if h is None:
                if len(ent) < 2 and _salience(ent.root) != "subject":
                    continue        # a lone unknown word tagged PERSON is often an outlet or a place
                # An unknown person stays in the chain of referents: a later "he" may mean them, and then
                # the statement has no holder rather than the wrong one.
                h = Holder(f"person:{slugify(ent.text)}", ent.text, "person", None, None)
            gender = self.gaz.gender(h.holder_id)
            out.append(Mention(offset + ent.start_char, h.holder_id, "person", gender, h.name, h.country, h.role,
                               _salience(ent.root)))
        taken = {m.start for m in out}
        for tok in doc:
            if tok.dep_ in ("nsubj", "nsubjpass") and tok.pos_ == "PROPN" and offset + tok.idx not in taken and any(
                    c.dep_ == "appos" and c.lemma_.lower() in _HUMAN_ROLES for c in tok.children):
                # "Citrinowicz, the researcher at ..., said": a person even when the parser saw an ORG.
                out.append(Mention(offset + tok.idx, f"person:{slugify(tok.text)}", "person", None, tok.text,
                                   None, None, "subject"))
            if tok.dep_ in ("nsubj", "nsubjpass") and tok.lower_ in ("he", "she"):
                out.append(Mention(offset + tok.idx, f"pronoun:{tok.lower_}", "pronoun", _PRONOUNS_PERSON[tok.lower_],
                                   tok.text, None, None, "subject"))
            if tok.dep_ in ("nsubj", "nsubjpass") and not tok.ent_type_ and tok.pos_ in ("NOUN", "PROPN"):
                phrase = _noun_phrase(tok, doc)
                if " " not in phrase:
                    continue
                r = self.gaz.resolve(phrase, on=on)
                if r is not None and r.form == "role_phrase" and r.holder.kind == "person":
                    h = r.holder
                    out.append(Mention(offset + tok.idx, h.holder_id, "person", self.gaz.gender(h.holder_id), h.name,
                                       h.country, h.role, "subject"))
        return out

    # output --------------------------------------------------------------------------------------------------
    def _finish(self, art: Article, candidates: list[Candidate], plan: Plan, ctx: Context, on: date | None
                ) -> list[Statement]:
        best: dict[tuple[int, str, str], Candidate] = {}
        for c in candidates:
            key = (c.sent_start, c.holder.holder_id, c.topic)
            old = best.get(key)
            if old is None or (c.confidence, MODALITY_WEIGHT[c.modality]) > (old.confidence, MODALITY_WEIGHT[old.modality]):
                best[key] = c
        out = []
        text = art.text
        for c in sorted(best.values(), key=lambda c: (c.sent_start, c.holder.holder_id, c.topic)):
            around = _neighbours(text, c.sent_start, c.sent_end)
            conflict = self.registry.infer(text[c.sent_start:c.sent_end], around, ctx.article_conflict, on)
            sign = 1.0 if c.polarity == "support" else -1.0
            cue_word = c.cue.split(" [")[0]
            cameo, plover = self.lex.codes(c.topic, c.polarity, cue_word)
            tone = self.sentiment.polarity_scores(text[c.tone_span[0]:c.tone_span[1]])["compound"]
            evidence = " ".join(text[c.sent_start:c.sent_end].split())
            out.append(Statement(
                statement_id=Statement.make_id(art.article_id, c.sent_start, c.sent_end, c.holder.holder_id, c.topic),
                article_id=art.article_id, published_at=art.published_at, source=art.source,
                holder_id=c.holder.holder_id, holder_name=c.holder.name, holder_kind=c.holder.kind,
                country=c.holder.country, role=c.holder.role, conflict=conflict, topic=c.topic,
                polarity=c.polarity, modality=c.modality, score=round(sign * MODALITY_WEIGHT[c.modality], 3),
                confidence=round(c.confidence, 3), attribution=c.attribution, tone=round(float(tone), 4),
                cue=c.cue, evidence=evidence, char_start=c.sent_start, char_end=c.sent_end,
                cameo=cameo, plover=plover, scorer_version=self.version,
            ))
        return out


# --- small helpers ---------------------------------------------------------------------------------------

_PARTICLES = {"out", "off", "away", "back", "down", "up"}


def _lemma(tok: Any) -> str:
    """A verb's lemma with its particle ('rule out', 'call for' stays 'call'), lower case."""
    lemma = tok.lemma_.lower()
    prt = [c.lower_ for c in tok.children if c.dep_ == "prt"]
    if not prt and tok.pos_ in ("VERB", "AUX"):
        # "pull UNIFIL peacekeepers out of Lebanon": the particle after the object is often not tagged prt.
        prt = [c.lower_ for c in tok.children if c.dep_ in ("advmod", "prep") and c.lower_ in _PARTICLES
               and c.i > tok.i and any(o.dep_ == "dobj" and o.i < c.i for o in tok.children)]
    if prt:
        return f"{lemma} {prt[0]}"
    return lemma


def _cue_text(tok: Any) -> str:
    return _lemma(tok)


def _pronoun_before(w: "Walk") -> str:
    """'singular' or 'plural' when the stance's subject is a pronoun that comes before the speech verb
    ("They agreed to ..., the ministry said"), else ''."""
    if w.speech is None or w.cue_tok is None:
        return ""
    for t in [w.cue_tok, *w.cue_tok.ancestors]:
        subj = next((c for c in t.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subj is not None:
            if subj.pos_ == "PRON" and subj.i < w.speech.i and subj.lower_ not in _PRONOUNS_SELF:
                return "plural" if subj.lower_ in ("they", "them") else "singular"
            return ""
        if t.i == w.speech.i:
            return ""
    return ""


def _interrogative(clause: Any, only_whether: bool = False) -> bool:
    """Is a clause an embedded question ("who would police a truce", "how it would be verified",
    "whether Moscow would accept")? Its content is asked about, not asserted or wanted. only_whether:
    is it a yes-no question ("whether to send soldiers")?"""
    if only_whether:
        return any(c.dep_ == "mark" and c.lower_ in ("whether", "if") for c in clause.children)
    for c in clause.children:
        if c.i > clause.i and c.dep_ not in ("nsubj", "nsubjpass"):
            continue
        low = c.lower_
        if low in ("whether",) and c.dep_ == "mark":
            return True
        if low in _WH_WORDS and c.dep_ in ("nsubj", "nsubjpass", "dobj", "advmod", "attr", "pobj", "det"):
            return True
        if c.dep_ in ("nsubj", "nsubjpass", "dobj", "advmod") and any(g.lower_ in _WH_WORDS and g.dep_ == "det"
                                                                        for g in c.children):
            return True          # "which observers would take part"
    return False


def _wished_on_other(clause: Any, wish: Any) -> bool:
    """Is the subject of a wished-for clause someone other than the one who wishes ("he hoped Moscow
    would accept")? "I hope we can agree" and "he hoped he could" are the wisher's own."""
    subj = next((c for c in clause.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subj is None or subj.lower_ in _PRONOUNS_SELF or subj.lower_ in _PRONOUNS_PERSON:
        return False
    own = next((c for c in wish.children if c.dep_ == "nsubj"), None)
    return own is None or own.lower_ != subj.lower_


def _is_purpose(tok: Any) -> bool:
    return any(c.dep_ == "aux" and c.lower_ == "to" for c in tok.children)


def _salience(tok: Any) -> str:
    """How prominent a name is in its clause: the subject (of a verb, or an apposition to it), a
    possessive, or anything else."""
    t = tok
    if t.dep_ == "poss" or any(c.dep_ == "case" for c in t.children):
        return "possessive"
    while t.dep_ in ("compound", "appos", "conj") and t.head.i != t.i:
        t = t.head
    return "subject" if t.dep_ in ("nsubj", "nsubjpass") else "other"


def doc_entity_before(verb: Any) -> Any:
    """The named entity ending right before a verb ("..., Prime Minister Kyriakos Mitsotakis said")."""
    if verb.i == 0:
        return None
    ent = _entity_of(verb.doc[verb.i - 1], verb.doc)
    if ent is not None and ent.end == verb.i and ent.label_ in ("PERSON", "ORG", "GPE", "NORP"):
        return ent
    return None


def _entity_of(tok: Any, doc: Any) -> Any:
    if not tok.ent_type_:
        return None
    for ent in doc.ents:
        if ent.start <= tok.i < ent.end:
            return ent
    return None


def _noun_phrase(tok: Any, doc: Any) -> str:
    """The words of a noun phrase up to its head, plus an 'of' phrase after a title ("secretary of state")."""
    left = tok.left_edge.i
    right = tok.i
    for c in tok.children:
        if c.dep_ == "prep" and c.lower_ == "of" and c.i == right + 1:
            right = c.right_edge.i
    return doc[left: right + 1].text


_CONDITION_MARKS = {"if", "unless", "until", "till", "once", "provided", "providing", "as", "only", "so"}


def _clause_text(top: Any, root: Any = None) -> str:
    """The words of the clause from the topic up to top, without material hanging off that path that
    says something else: coordinated clauses ("X backed a truce, and that Y ..."), relative clauses,
    and adverbial clauses that are not conditions ("..., though he had suggested it would run until
    Wednesday"). Conditions stay: they decide the modality."""
    path = {top.i}
    if root is not None:
        t = root
        while t.i != top.i and t.head.i != t.i:
            path.add(t.i)
            t = t.head
        path.add(root.i)
    skip: set[int] = set()
    for i in path:
        tok = top.doc[i]
        for c in tok.children:
            if c.i in path:
                continue
            drop = (c.dep_ in ("conj", "cc") and c.i > tok.i) or c.dep_ in ("relcl", "parataxis")
            if c.dep_ == "advcl":
                marks = {m.lower_ for m in c.children if m.dep_ in ("mark", "advmod") and m.i < c.i}
                drop = not (marks & _CONDITION_MARKS)
            if drop:
                skip.update(t.i for t in c.subtree)
    return " ".join(t.text for t in top.subtree if t.i not in skip)


def _subtree_span(tok: Any, doc: Any) -> Any:
    return doc[tok.left_edge.i: tok.right_edge.i + 1]


def _merge_mentions(scan: Sequence[Mention], local: Sequence[Mention]) -> list[Mention]:
    """Keyword-scan mentions plus the parser's; where both found a name, the parser's (with salience) wins."""
    starts = {m.start for m in local}
    return [m for m in scan if m.start not in starts] + list(local)


def _quote_spans(text: str) -> list[tuple[int, int]]:
    """Quotations in a block as (start, end); an unclosed quote runs to the end of the block."""
    spans: list[tuple[int, int]] = []
    open_at: int | None = None
    for i, ch in enumerate(text):
        if ch == _QUOTE_OPEN:
            if open_at is None:
                open_at = i
        elif ch == _QUOTE_CLOSE:
            if open_at is not None:
                spans.append((open_at, i + 1))
                open_at = None
        elif ch == '"':
            if open_at is None:
                open_at = i
            else:
                spans.append((open_at, i + 1))
                open_at = None
    if open_at is not None:
        spans.append((open_at, len(text)))
    return spans


def _inside(pos: int, spans: list[tuple[int, int]]) -> int | None:
    for i, (s, e) in enumerate(spans):
        if s <= pos < e:
            return i
    return None


def _neighbours(text: str, start: int, end: int) -> list[str]:
    before = text[max(0, start - 400):start]
    after = text[end:end + 400]
    return [before, after]
