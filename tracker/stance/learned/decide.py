"""The learned decision and how it joins the rules.

The rules' statements stand. The model judges every candidate (tracker/learned/candidates.py) and
fills only what the rules lack: a candidate becomes a statement when the model gives support or
oppose at least the model's threshold (chosen on cross-validated training figures), and the rules
said nothing about that holder and topic in the article, and nothing of the other polarity for that
country and topic (the model never overrides or cancels a rule). Modality comes from the sentence's
condition and hedge markers, as the SPEC defines them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from tracker.actors import Gazetteer
from tracker.lexicon import Lexicon, Occurs
from tracker.models import Holder
from tracker.stance.assemble import Candidate
from tracker.stance.learned import candidates as cand_mod
from tracker.stance.learned.model import LinearModel
from tracker.stance.learned.resources import DecideData
from tracker.stance.topics import unquote

log = logging.getLogger(__name__)


class Decider:
    """Generates candidates for an article's parsed sentences and decides them with the model.

    `sink`, when a list, receives every article's candidates (training reads them from there).
    """

    def __init__(self, gazetteer: Gazetteer, lexicon: Lexicon, data: DecideData, model: LinearModel | None) -> None:
        self.gaz, self.lex, self.data, self.model = gazetteer, lexicon, data, model
        self.sink: list[tuple[str, list[cand_mod.Candidate]]] | None = None
        self._reach = [Occurs(rx) for rx in data.topic_regex.values()]

    @property
    def version(self) -> str:
        return f"model-{self.model.digest}" if self.model else "model-none"

    def reaches(self, text: str) -> bool:
        """Does a paragraph word a topic the way only the learned decision reads it?"""
        text = unquote(text)
        return any(occurs(text) for occurs in self._reach)

    def candidates(self, article_id: str, inputs: cand_mod.Inputs) -> list[cand_mod.Candidate]:
        found = cand_mod.generate(inputs, self.gaz, self.lex, self.data)
        if self.sink is not None:
            self.sink.append((article_id, found))
        return found

    def decide(self, found: Sequence[cand_mod.Candidate], text: str,
               rules: Iterable[tuple[str, str | None, str, str]], threshold: float | None = None) -> list[Candidate]:
        """Statements (as the rules' Candidate) for the candidates the rules leave open; rules: (holder_id, country, topic, polarity)."""
        if self.model is None or not found:
            return []
        return decide_with(self.model, found, text, rules, self.lex, threshold)


def decide_with(model: LinearModel, found: Sequence[cand_mod.Candidate], text: str,
                rules: Iterable[tuple[str, str | None, str, str]], lex: Lexicon,
                threshold: float | None = None) -> list[Candidate]:
    """The join of rules and model, as a pure function (training evaluates thresholds with it)."""
    tau = model.threshold if threshold is None else threshold
    rules = list(rules)
    held = {(h, t) for h, _, t, _ in rules}
    country_pol = {(c, t, p) for _, c, t, p in rules if c}
    best: dict[tuple[str, str], Candidate] = {}
    for c in found:
        if (c.holder.holder_id, c.topic) in held:
            continue
        p = model.proba(c.features)
        polarity = "support" if p["support"] >= p["oppose"] else "oppose"
        conf = p[polarity]
        if conf < tau:
            continue
        other = "oppose" if polarity == "support" else "support"
        if c.holder.country and (c.holder.country, c.topic, other) in country_pol:
            continue
        key = (c.holder.holder_id, c.topic)
        if key in best and best[key].confidence >= conf:
            continue
        sentence = text[c.sent_start:c.sent_end]
        best[key] = Candidate(c.holder, c.topic, polarity, _modality(sentence, lex), conf,
                             "direct_quote" if c.in_quote else ("inferred" if c.how == "pronoun" else "reported"),
                             c.cue, c.sent_start, c.sent_end, " ".join(sentence.split()), (c.sent_start, c.sent_end))
    return sorted(best.values(), key=lambda d: (d.sent_start, d.holder.holder_id, d.topic))


def _modality(sentence: str, lex: Lexicon) -> str:
    if lex.precondition_regex.search(sentence) or lex.conditional_regex.search(sentence):
        return "conditional"
    if lex.hedge_regex.search(sentence):
        return "hedged"
    return "firm"


def inputs_for(parsed: Sequence[tuple[int, Any, Any]], on: date | None, text: str, title: str | None,
               persons: Sequence[tuple[int, Holder, str | None]]) -> cand_mod.Inputs:
    return cand_mod.Inputs(cand_mod.sentences_of(parsed), on, text, title, persons)
