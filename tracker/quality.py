"""Measuring the scorer: labelled cases, hand-labelled real articles, and a naive baseline.

The quality gate (tests/test_quality_gate.py) runs the scorer over the labelled cases in
tests/cases and fails when F1 drops below a pinned floor. The same functions report figures on the
hand labels for real articles (../shared/corpus/dev_labels.jsonl) and compare the scorer with a
baseline that takes the VADER sentiment of any sentence naming an actor and a topic word as that
actor's stance: the thing this product exists to beat.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from tracker.models import Article, Statement, slugify

Key = tuple[str, str, str, str]   # holder, country, topic, polarity


@dataclass(frozen=True)
class Case:
    case_id: str
    published: str
    text: str
    tags: tuple[str, ...]
    expect: tuple[Key, ...]
    modality: Mapping[Key, str]
    absent: tuple[Mapping[str, str], ...]
    note: str
    file: str


@dataclass
class Score:
    """Precision, recall and F1 from true positives, false positives and false negatives."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: "Score") -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    def line(self) -> str:
        return (f"P={self.precision:.3f} R={self.recall:.3f} F1={self.f1:.3f} "
                f"(tp={self.tp} fp={self.fp} fn={self.fn})")


@dataclass
class Report:
    overall: Score = field(default_factory=Score)
    by_tag: dict[str, Score] = field(default_factory=lambda: defaultdict(Score))
    modality_right: int = 0
    modality_total: int = 0
    absent_violations: list[tuple[str, Mapping[str, str]]] = field(default_factory=list)
    failures: list[tuple[str, list[Key], list[Key]]] = field(default_factory=list)  # case, missing, extra

    def summary(self) -> str:
        lines = [f"overall {self.overall.line()}"]
        if self.modality_total:
            lines.append(f"modality accuracy on matched statements: {self.modality_right}/{self.modality_total} "
                         f"= {self.modality_right / self.modality_total:.3f}")
        lines.append(f"'absent' traps fallen into: {len(self.absent_violations)}")
        for tag in sorted(self.by_tag):
            lines.append(f"  {tag:20} {self.by_tag[tag].line()}")
        return "\n".join(lines)


def _key(holder: str, country: str | None, topic: str, polarity: str) -> Key:
    return (holder, country or "", topic, polarity)


def load_cases(folder: Path) -> list[Case]:
    """Every [[case]] of every *.toml in a folder, checked for the keys the gate needs."""
    cases: list[Case] = []
    seen: set[str] = set()
    for path in sorted(folder.glob("*.toml")):
        data = tomllib.loads(path.read_text("utf-8"))
        for raw in data.get("case", []):
            cid = raw["id"]
            if cid in seen:
                raise ValueError(f"{path}: duplicate case id {cid}")
            seen.add(cid)
            expect, modality = [], {}
            for e in raw.get("expect", []):
                k = _key(e["holder"], e.get("country"), e["topic"], e["polarity"])
                expect.append(k)
                if e.get("modality"):
                    modality[k] = e["modality"]
            cases.append(Case(cid, str(raw["published"]), raw["text"], tuple(raw.get("tags", [])), tuple(expect),
                              modality, tuple(raw.get("absent", [])), raw.get("note", ""), path.name))
    return cases


def _matches(absent: Mapping[str, str], s: Statement) -> bool:
    return all(getattr(s, {"holder": "holder_id"}.get(k, k), None) == v or
               (k == "country" and (s.country or "") == v) for k, v in absent.items())


def evaluate_cases(score_fn: Any, cases: Sequence[Case]) -> Report:
    """Score every case with score_fn(text, published) -> statements and compare with its labels."""
    report = Report()
    for case in cases:
        statements = score_fn(case.text, case.published)
        got = {_key(s.holder_id, s.country, s.topic, s.polarity): s for s in statements}
        want = set(case.expect)
        case_score = Score(tp=len(want & set(got)), fp=len(set(got) - want), fn=len(want - set(got)))
        report.overall.add(case_score)
        for tag in case.tags or ("untagged",):
            report.by_tag[tag].add(case_score)
        for k in want & set(got):
            if k in case.modality:
                report.modality_total += 1
                report.modality_right += int(case.modality[k] == got[k].modality)
        for a in case.absent:
            if any(_matches(a, s) for s in statements):
                report.absent_violations.append((case.case_id, a))
        if want != set(got):
            report.failures.append((case.case_id, sorted(want - set(got)), sorted(set(got) - want)))
    return report


# --- real articles with hand labels ----------------------------------------------------------------

def load_dev_labels(labels_path: Path, corpus_path: Path) -> list[tuple[Article, set[Key]]]:
    """The labelled real articles with their keys (a label without a holder is the state/org itself)."""
    labels = {}
    for line in labels_path.read_text("utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            labels[row["id"]] = row["labels"]
    out = []
    with corpus_path.open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            if row["id"] not in labels:
                continue
            art = Article.build(row["text"], url=row.get("url"), title=row.get("title"), published=row.get("published"),
                                source=row.get("source"), article_id=row["id"])
            keys = {dev_key(lab.get("holder"), lab["country"], lab["topic"], lab["polarity"]) for lab in labels[row["id"]]}
            out.append((art, keys))
    return out


def dev_key(holder: str | None, country: str | None, topic: str, polarity: str) -> Key:
    """Named persons by their slug; a state or organisation speaking without a named person as '~'."""
    return (f"person:{slugify(holder)}" if holder else "~", country or "", topic, polarity)


def statement_dev_key(s: Statement) -> Key:
    return dev_key(s.holder_name if s.holder_kind == "person" else None, s.country, s.topic, s.polarity)


def evaluate_articles(pairs: Iterable[tuple[Article, set[Key]]], statements_of: Any) -> tuple[Score, list[tuple[str, list[Key], list[Key]]]]:
    """Score labelled articles: statements_of(article) -> statements; groups and countryless holders are ignored
    (the labels cover states, organisations and named leaders only)."""
    total = Score()
    misses = []
    for article, want in pairs:
        got = {statement_dev_key(s) for s in statements_of(article) if s.country}
        total.add(Score(tp=len(want & got), fp=len(got - want), fn=len(want - got)))
        if want != got:
            misses.append((article.article_id, sorted(want - got), sorted(got - want)))
    return total, misses


# --- the naive baseline ------------------------------------------------------------------------------

class VaderBaseline:
    """Any sentence naming an actor and a topic word: VADER's sign is that actor's stance."""

    def __init__(self, nlp: Any, gazetteer: Any, lexicon: Any, threshold: float = 0.05) -> None:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        self.nlp, self.gaz, self.lex, self.threshold = nlp, gazetteer, lexicon, threshold
        self.vader = SentimentIntensityAnalyzer()

    def score(self, article: Article) -> list[Statement]:
        on = article.published_at.date() if article.published_at else None
        doc = self.nlp(article.text)
        out = []
        for sent in doc.sents:
            topics = [t for t, rx in self.lex.topic_regex.items() if rx.search(sent.text)]
            if not topics:
                continue
            compound = self.vader.polarity_scores(sent.text)["compound"]
            if abs(compound) < self.threshold:
                continue
            polarity = "support" if compound > 0 else "oppose"
            for ent in sent.ents:
                if not ent.ent_id_ or ent.ent_id_.startswith("?"):
                    continue
                h = self.gaz.holder(ent.ent_id_, on)
                if h is None:
                    continue
                for topic in topics:
                    out.append(Statement(
                        statement_id=Statement.make_id(article.article_id, sent.start_char, sent.end_char, h.holder_id, topic),
                        article_id=article.article_id, published_at=article.published_at, source=article.source,
                        holder_id=h.holder_id, holder_name=h.name, holder_kind=h.kind, country=h.country, role=h.role,
                        conflict="unknown", topic=topic, polarity=polarity, modality="firm",
                        score=1.0 if polarity == "support" else -1.0, confidence=abs(compound),
                        attribution="reported", tone=compound, cue="vader", evidence=sent.text,
                        char_start=sent.start_char, char_end=sent.end_char, scorer_version="baseline-vader"))
        # One statement per (sentence, holder, topic), as the scorer does.
        uniq = {(s.char_start, s.holder_id, s.topic): s for s in out}
        return list(uniq.values())


def counts_by(statements: Iterable[Statement], attr: str) -> Counter[str]:
    return Counter(str(getattr(s, attr)) for s in statements)


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
