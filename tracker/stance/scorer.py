"""The public Scorer: plans what to parse, parses a batch in one nlp.pipe, reads each article's
parsed blocks and assembles its statements.

Planning is what makes the scorer fast: most news says nothing about either topic, so only blocks
with a topic word (and the one before each, for pronouns and speakers) are parsed. Parsing every
block instead (fast=False) yields the same statements, because every rule reads only the block, the
one before it, and gazetteer mentions found by the keyword scan over the whole text.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from tracker import hygiene
from tracker.actors import Gazetteer
from tracker.conflicts import Registry
from tracker.lexicon import Lexicon
from tracker.models import Article, Statement
from tracker.stance.assemble import Candidate, assemble
from tracker.stance.candidates import sentence_candidates
from tracker.stance.learned.decide import Decider, inputs_for
from tracker.stance.mentions import antecedent, definite_person, local_mentions, scan_mentions
from tracker.stance.reading import Context, Knowledge, Reading, merge_mentions, quote_spans
from tracker.stance.speakers import quote_speakers
from tracker.stance.topics import anchor_text, article_force, destination, unquote
from tracker.stance.version import RULES_VERSION


@dataclass
class Plan:
    """What to parse for one article: content blocks, which are hits, which to parse."""

    article: Article
    blocks: list[hygiene.Block]
    hits: list[int]
    parse: list[int]
    near: list[int]         # the blocks within reach of a topic: what the fast path parses


class Scorer:
    """Scores articles into statements. Heavy objects (pipeline, gazetteer, lexicon) are passed in.

    scan_matcher is the gazetteer's PhraseMatcher over the pipeline's vocabulary
    (tracker.nlp.scan_matcher); built here when not given. decider is the learned decision
    (tracker/stance/learned): without one the scorer runs on its rules alone.
    """

    def __init__(self, nlp: Any, gazetteer: Gazetteer, registry: Registry, lexicon: Lexicon,
                 sentiment: Any = None, scan_matcher: Any = None, decider: Decider | None = None) -> None:
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
        if scan_matcher is None:
            from tracker import nlp as nlp_mod

            scan_matcher = nlp_mod.scan_matcher(nlp, gazetteer)
        self._scan = scan_matcher
        self.knowledge = Knowledge(gazetteer, registry, lexicon, destination(gazetteer, registry))
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

    def plan(self, article: Article, fast: bool = True) -> Plan:
        """The article's content blocks, those with a topic word, and those to parse."""
        blocks = [b for b in hygiene.blocks(article.text, self.lex) if not b.boilerplate]
        hits = [i for i, b in enumerate(blocks) if self.lex.topic_occurs(unquote(b.parse_text))]
        if not hits:
            return Plan(article, blocks, [], [], [])
        # Within reach of a topic: the hit and the block before (its speaker); for the learned
        # decision also the block after ("Moscow rejected the proposal" refers back) and any block
        # that words a topic the way only the model reads it. The fast path parses only these, and
        # both paths read only these, so both give the same statements.
        reach = (-1, 0, 1) if self.decider is not None else (-1, 0)
        near = {j for i in hits for j in (i + d for d in reach) if 0 <= j < len(blocks)}
        if self.decider is not None:
            near |= {i for i, b in enumerate(blocks) if self.decider.reaches(b.parse_text)}
        return Plan(article, blocks, hits, sorted(near) if fast else list(range(len(blocks))), sorted(near))

    # batching ----------------------------------------------------------------------------------------
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
            results.append((p.article, self.statements(p, parsed) if p.hits else []))
        yield from results

    # one article ---------------------------------------------------------------------------------------
    def statements(self, plan: Plan, parsed: dict[int, Any]) -> list[Statement]:
        """One article's statements: the rules' candidates, then assembly.

        This is the seam for a learned decision over the candidates: it has the parsed docs of the
        article's blocks (parsed), the article's mentions and conflict (ctx) and every rule candidate
        before deduplication; a classifier that keeps, drops or re-weighs candidates goes between
        the two calls.
        """
        ctx = self.context(plan.article)
        candidates = self.rule_candidates(plan, parsed, ctx)
        if self.decider is not None:
            candidates += self.learned_candidates(plan, parsed, ctx, candidates)
        return assemble(plan.article, candidates, ctx, self.registry, self.lex, self.sentiment, self.version)

    def learned_candidates(self, plan: Plan, parsed: dict[int, Any], ctx: Context,
                           rules: list[Candidate]) -> list[Candidate]:
        """What the learned decision adds where the rules said nothing (tracker/stance/learned/decide.py)."""
        assert self.decider is not None
        art = plan.article
        persons = [(m.start, h, m.gender) for m in ctx.mentions if m.kind == "person"
                   for h in [self.gaz.holder(m.actor_id, ctx.on)] if h is not None]
        inputs = inputs_for([(i, parsed[i], plan.blocks[i]) for i in plan.near], ctx.on, art.text, art.title, persons)
        inputs.resolve = self._coreference(plan, parsed, ctx)
        found = self.decider.candidates(art.article_id, inputs)
        said = [(c.holder.holder_id, c.holder.country, c.topic, c.polarity) for c in rules]
        return self.decider.decide(found, art.text, said)

    def _coreference(self, plan: Plan, parsed: dict[int, Any], ctx: Context) -> Any:
        """The rules' resolution of a pronoun or a title ("he", "they", "the president") for the learned
        candidates: the same salience and chains the rules use, over the block and the one before."""
        k = self.knowledge
        readings: dict[int, Reading] = {}

        def resolve(sent: Any, tok: Any) -> Any:
            i = sent.block
            if i not in readings:
                local = local_mentions(k, Reading(parsed[i], plan.blocks[i], ctx))
                if i - 1 in plan.near:          # parsed on both paths, so both read the same
                    local += local_mentions(k, Reading(parsed[i - 1], plan.blocks[i - 1], ctx))
                bctx = Context(ctx.on, merge_mentions(ctx.mentions, local), ctx.article_conflict, ctx.title, ctx.text)
                readings[i] = Reading(parsed[i], plan.blocks[i], bctx)
            r = readings[i]
            return antecedent(k, r, tok) if tok.pos_ == "PRON" else definite_person(k, r, tok)

        return resolve

    def context(self, art: Article) -> Context:
        """The article's date, every gazetteer name in it, and the conflict it is mostly about."""
        on = art.published_at.date() if art.published_at else None
        mentions = scan_mentions(self.nlp, self._scan, self.knowledge, art.text, on)
        return Context(on, mentions, self.registry.dominant(art.text, art.title, on), art.title, art.text)

    def rule_candidates(self, plan: Plan, parsed: dict[int, Any], ctx: Context) -> list[Candidate]:
        """Every candidate the rules find in the article's topic blocks, in text order."""
        k, art = self.knowledge, plan.article
        force = article_force(self.lex, art)
        candidates: list[Candidate] = []
        for i in plan.hits:
            r = self.reading(plan, parsed, i, ctx, force)
            for sent in r.doc.sents:
                candidates.extend(sentence_candidates(k, r, sent, self.trace))
        return candidates

    def reading(self, plan: Plan, parsed: dict[int, Any], i: int, ctx: Context, force: bool) -> Reading:
        """Block i of the plan as the rules read it: its parse, the mentions the parser found in it and
        the block before, its quotations and their speakers."""
        k = self.knowledge
        block, doc = plan.blocks[i], parsed[i]
        prev_doc = parsed.get(i - 1)
        prev_block = plan.blocks[i - 1] if i > 0 else None
        local = local_mentions(k, Reading(doc, block, ctx))
        if prev_doc is not None and prev_block is not None:
            local += local_mentions(k, Reading(prev_doc, prev_block, ctx))
        bctx = Context(ctx.on, merge_mentions(ctx.mentions, local), ctx.article_conflict, ctx.title, ctx.text)
        r = Reading(doc, block, bctx, quotes=quote_spans(doc.text),
                    anchor_text=anchor_text(plan.article, block, prev_block, force))
        return Reading(doc, block, bctx, quotes=r.quotes, speakers=quote_speakers(k, r), anchor_text=r.anchor_text)
