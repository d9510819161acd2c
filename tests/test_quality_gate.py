"""The scorer's quality gate: precision, recall and F1 against labelled cases, with pinned floors.

The figures are printed (run with -s to see them); the floors live in tests/quality_floor.toml.
"""

from __future__ import annotations

import json
import tomllib
from itertools import islice
from pathlib import Path

import pytest

from tracker import quality
from tracker.files import from_record
from tracker.pipeline import Runtime

HERE = Path(__file__).resolve().parent
FLOOR = tomllib.loads((HERE / "quality_floor.toml").read_text("utf-8"))
CORPUS = HERE.parent.parent / "shared" / "corpus"


@pytest.fixture(scope="module")
def cases() -> list[quality.Case]:
    return quality.load_cases(HERE / "cases")


def test_there_are_enough_labelled_cases(cases: list[quality.Case]) -> None:
    assert len(cases) >= 150
    tags = {t for c in cases for t in c.tags}
    for needed in ("direct_quote", "indirect_quote", "pronoun_speaker", "metonym", "negation", "conditional",
                   "hedged", "demand_on_other", "target_not_holder", "several_holders", "boilerplate",
                   "both_topics", "several_conflicts", "office_change", "seed"):
        assert needed in tags, needed


def test_labelled_holders_exist_in_the_gazetteer(cases: list[quality.Case], runtime: Runtime) -> None:
    g = runtime.gazetteer
    known = set(g.persons) | {s.actor_id for s in g.states.values()} | set(g.orgs)
    unknown = sorted({(c.case_id, k[0]) for c in cases for k in c.expect if k[0] not in known})
    assert not unknown


def test_scorer_meets_the_floor_on_the_labelled_cases(cases: list[quality.Case], runtime: Runtime) -> None:
    scorer = runtime.scorer
    report = quality.evaluate_cases(lambda text, pub: scorer.score_text(text, published=pub), cases)
    print("\nlabelled cases:\n" + report.summary())
    assert report.overall.f1 >= FLOOR["cases_f1"], report.summary()
    assert report.modality_right / report.modality_total >= FLOOR["cases_modality"]


def test_scorer_beats_the_vader_baseline_on_the_cases(cases: list[quality.Case], runtime: Runtime) -> None:
    scorer = runtime.scorer
    base = quality.VaderBaseline(runtime.nlp, runtime.gazetteer, runtime.lexicon)
    ours = quality.evaluate_cases(lambda text, pub: scorer.score_text(text, published=pub), cases)
    theirs = quality.evaluate_cases(
        lambda text, pub: base.score(from_record({"text": text, "published": pub}, "case", strict=False)), cases)
    print(f"\nscorer   {ours.overall.line()}\nbaseline {theirs.overall.line()}")
    assert ours.overall.f1 > theirs.overall.f1 + 0.3


@pytest.mark.skipif(not (CORPUS / "dev_labels.jsonl").exists(), reason="../shared/corpus is not present")
def test_scorer_on_hand_labelled_real_articles(runtime: Runtime) -> None:
    pairs = quality.load_dev_labels(CORPUS / "dev_labels.jsonl", CORPUS / "news.jsonl")
    scorer = runtime.scorer
    ours, misses = quality.evaluate_articles(pairs, lambda a: next(scorer.score_articles([a]))[1])
    base = quality.VaderBaseline(runtime.nlp, runtime.gazetteer, runtime.lexicon)
    theirs, _ = quality.evaluate_articles(pairs, base.score)
    print(f"\nreal articles ({len(pairs)}): scorer {ours.line()}\n{' ' * 22}baseline {theirs.line()}")
    assert ours.f1 >= FLOOR["dev_f1"]
    assert ours.f1 > theirs.f1


def _articles(n: int) -> list:
    path = CORPUS / "news.jsonl"
    if path.exists():
        with path.open(encoding="utf-8") as fh:
            return [from_record(json.loads(line), "corpus", keep_id=True, strict=False) for line in islice(fh, n)]
    samples = Path(__file__).resolve().parent.parent / "tracker" / "data" / "samples" / "articles.jsonl"
    return [from_record(json.loads(line), "sample", keep_id=True, strict=False)
            for line in samples.read_text("utf-8").splitlines()]


def test_the_fast_path_finds_exactly_what_parsing_everything_finds(runtime: Runtime) -> None:
    """Parsing only topic paragraphs (and the one before each) must not change any statement."""
    articles = [a for a in _articles(40) if not hasattr(a, "reason")]
    scorer = runtime.scorer
    fast = {a.article_id: [s.to_dict() for s in r] for a, r in scorer.score_articles(articles, fast=True)}
    full = {a.article_id: [s.to_dict() for s in r] for a, r in scorer.score_articles(articles, fast=False)}
    assert sum(map(len, fast.values())) > 10
    assert fast == full
