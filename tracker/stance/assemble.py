"""From rule candidates to Statement rows: one per (sentence, holder, topic), with the conflict, the
event-data codes and the tone filled in.

Candidates are what the rules propose; several rules (or several topic words in one sentence) may
propose the same holder and topic, so assembly keeps the surest (then the firmest) one. Tone is read
here, once per kept statement, because VADER is slow enough to matter at scale.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tracker.conflicts import Registry
from tracker.lexicon import Lexicon
from tracker.models import Article, Holder, Statement
from tracker.stance.reading import Context, Reading

MODALITY_WEIGHT = {"firm": 1.0, "conditional": 0.6, "hedged": 0.3}


@dataclass
class Candidate:
    """A statement a rule proposes; offsets are in the article text."""

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

    @classmethod
    def of_sentence(cls, r: Reading, sent: Any, holder: Holder, topic: str, polarity: str, modality: str,
                    confidence: float, attribution: str, cue: str,
                    tone_span: tuple[int, int] | None = None) -> Candidate:
        """A candidate for a sentence of a reading; its tone is the sentence's unless tone_span says."""
        start, end = r.sentence_bounds(sent)
        return cls(holder=holder, topic=topic, polarity=polarity, modality=modality, confidence=confidence,
                   attribution=attribution, cue=cue, sent_start=start, sent_end=end, evidence="",
                   tone_span=tone_span or (start, end))


def assemble(art: Article, candidates: list[Candidate], ctx: Context, registry: Registry, lex: Lexicon,
             sentiment: Any, version: str) -> list[Statement]:
    """The statements of an article: candidates deduplicated, each with conflict, codes and tone."""
    on = ctx.on
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
        conflict = registry.infer(text[c.sent_start:c.sent_end], around, ctx.article_conflict, on)
        sign = 1.0 if c.polarity == "support" else -1.0
        cue_word = c.cue.split(" [")[0]
        cameo, plover = lex.codes(c.topic, c.polarity, cue_word)
        tone = sentiment.polarity_scores(text[c.tone_span[0]:c.tone_span[1]])["compound"]
        evidence = " ".join(text[c.sent_start:c.sent_end].split())
        out.append(Statement(
            statement_id=Statement.make_id(art.article_id, c.sent_start, c.sent_end, c.holder.holder_id, c.topic),
            article_id=art.article_id, published_at=art.published_at, source=art.source,
            holder_id=c.holder.holder_id, holder_name=c.holder.name, holder_kind=c.holder.kind,
            country=c.holder.country, role=c.holder.role, conflict=conflict, topic=c.topic,
            polarity=c.polarity, modality=c.modality, score=round(sign * MODALITY_WEIGHT[c.modality], 3),
            confidence=round(c.confidence, 3), attribution=c.attribution, tone=round(float(tone), 4),
            cue=c.cue, evidence=evidence, char_start=c.sent_start, char_end=c.sent_end,
            cameo=cameo, plover=plover, scorer_version=version,
        ))
    return out


def _neighbours(text: str, start: int, end: int) -> list[str]:
    before = text[max(0, start - 400):start]
    after = text[end:end + 400]
    return [before, after]
