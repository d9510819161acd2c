"""Labelled text for training and measuring: real articles with careful readers' labels, and our own
written passages; and the article-level yardstick the project's figures are reported on.

Real articles (../shared/corpus: news.jsonl with train_labels.jsonl or dev_labels.jsonl, extra.jsonl
with extra_labels.jsonl) are read from where they lie and never copied into the project. Written
passages (tracker/data/training/*.toml) are ours. Both become `Labelled` articles whose labels say
holder, country, topic, polarity and, where known, the evidence sentence.

The yardstick (`stance_figures`) follows the definitions of the corpus's label_eval tool: a key is
(article, country, topic), or (article, surname, topic) for persons, with the sign of the mean score
of the article's statements for it (|mean| < 0.1 is no prediction); keys whose labels cancel are
left out on both sides; labels without a country (armed groups) are not scored.
"""

from __future__ import annotations

import json
import re
import tomllib
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from tracker.models import Article


@dataclass(frozen=True)
class Label:
    holder: str | None          # person name (real labels) or holder id (passages); None: the state/org
    holder_kind: str            # person | state | org | group
    country: str | None
    topic: str
    polarity: str
    evidence: tuple[tuple[int, int], ...]   # article offsets of the evidence sentences, first carries it


@dataclass(frozen=True)
class Labelled:
    article: Article
    labels: tuple[Label, ...]
    source: str                 # "train", "dev", "extra", "passages", "heldout"


def surname(name: str | None) -> str | None:
    """The key a person is matched by: the last word of the name, folded to ASCII, lower case."""
    if not name:
        return None
    s = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower().replace("'s", "").strip()
    parts = [p for p in s.replace("-", " ").split() if p not in ("jr", "jr.", "sr", "ii", "iii")]
    return parts[-1] if parts else None


def locate(text: str, sentence: str) -> tuple[int, int] | None:
    """Where a quoted sentence stands in the text (exact, else with any run of whitespace allowed)."""
    i = text.find(sentence)
    if i >= 0:
        return i, i + len(sentence)
    words = sentence.split()
    if not words:
        return None
    m = re.search(r"\s+".join(re.escape(w) for w in words), text)
    return (m.start(), m.end()) if m else None


def read_corpus(labels_path: Path, corpus_path: Path, source: str) -> list[Labelled]:
    """Real articles with their labels, in the labels file's order."""
    rows = [json.loads(line) for line in labels_path.read_text("utf-8").splitlines() if line.strip()]
    wanted = {r["id"]: r["labels"] for r in rows}
    articles = {}
    with corpus_path.open(encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            if rec["id"] in wanted:
                articles[rec["id"]] = Article.build(rec["text"], url=rec.get("url"), title=rec.get("title"),
                                                    published=rec.get("published"), source=rec.get("source"),
                                                    article_id=rec["id"])
    out = []
    for r in rows:
        art = articles.get(r["id"])
        if art is None:
            continue
        labels = []
        for lab in r["labels"]:
            ev = lab.get("evidence") or []
            ev = [ev] if isinstance(ev, str) else ev
            spans = tuple(s for s in (locate(art.text, e) for e in ev) if s is not None)
            kind = lab.get("holder_kind") or ("person" if lab.get("holder") else "state")
            labels.append(Label(lab.get("holder"), kind, lab.get("country"), lab["topic"], lab["polarity"], spans))
        out.append(Labelled(art, tuple(labels), source))
    return out


def read_passages(folder: Path, source: str = "passages") -> list[Labelled]:
    """Our written passages: [[case]] tables with `expect` entries that carry an `evidence` sentence
    (source "passages" for the training folder, "heldout" for the articles kept out of training)."""
    out = []
    for path in sorted(folder.glob("*.toml")):
        for raw in tomllib.loads(path.read_text("utf-8")).get("case", []):
            text = raw["text"]
            art = Article.build(text, published=str(raw["published"]), article_id=f"passage:{raw['id']}")
            labels = []
            for e in raw.get("expect", []):
                span = locate(text, e["evidence"]) if e.get("evidence") else None
                kind = e["holder"].split(":", 1)[0]
                labels.append(Label(e["holder"], kind, e.get("country") or None, e["topic"], e["polarity"],
                                    (span,) if span else ()))
            out.append(Labelled(art, tuple(labels), source))
    return out


# --- the article-level yardstick -------------------------------------------------------------------

Prediction = tuple[str, str | None, str | None, str, str, float]   # article, country, person name, kind, topic, score


@dataclass(frozen=True)
class Figures:
    precision: float
    recall: float
    f1: float
    right: int
    predicted: int
    gold: int

    def line(self) -> str:
        return (f"P {self.precision:.3f} R {self.recall:.3f} F1 {self.f1:.3f} "
                f"(right {self.right}, predicted {self.predicted}, gold {self.gold})")


def _settle_gold(items: Mapping[tuple[str, ...], list[int]]) -> tuple[dict[tuple[str, ...], int], set[tuple[str, ...]]]:
    keys, mixed = {}, set()
    for k, signs in items.items():
        s = sum(signs)
        if s:
            keys[k] = 1 if s > 0 else -1
        else:
            mixed.add(k)
    return keys, mixed


def _settle_pred(items: Mapping[tuple[str, ...], list[float]]) -> dict[tuple[str, ...], int]:
    out = {}
    for k, scores in items.items():
        m = sum(scores) / len(scores)
        if abs(m) >= 0.1:
            out[k] = 1 if m > 0 else -1
    return out


def of_counts(right: int, predicted: int, gold: int) -> Figures:
    """Figures from counts (several runs' counts pooled, say)."""
    p = right / predicted if predicted else 0.0
    r = right / gold if gold else 0.0
    return Figures(p, r, 2 * p * r / (p + r) if p + r else 0.0, right, predicted, gold)


def _figures(gold: Mapping[tuple[str, ...], int], pred: Mapping[tuple[str, ...], int]) -> Figures:
    right = sum(1 for k, s in pred.items() if gold.get(k) == s)
    p = right / len(pred) if pred else 0.0
    r = right / len(gold) if gold else 0.0
    return Figures(p, r, 2 * p * r / (p + r) if p + r else 0.0, right, len(pred), len(gold))


def stance_figures(gold: Sequence[Labelled], preds: Iterable[Prediction]) -> dict[str, Figures]:
    """Country and person figures, and country figures per topic, over the gold articles."""
    ids = {g.article.article_id for g in gold}
    gc: dict[tuple[str, ...], list[int]] = defaultdict(list)
    gp: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for g in gold:
        aid = g.article.article_id
        for lab in g.labels:
            if not lab.country:
                continue
            sign = 1 if lab.polarity == "support" else -1
            gc[(aid, lab.country, lab.topic)].append(sign)
            if lab.holder and lab.holder_kind == "person":
                spoken = lab.holder.split(":", 1)[1].replace("-", " ") if lab.holder.startswith("person:") else lab.holder
                gp[(aid, surname(spoken) or "", lab.topic)].append(sign)
    pc: dict[tuple[str, ...], list[float]] = defaultdict(list)
    pp: dict[tuple[str, ...], list[float]] = defaultdict(list)
    for aid, country, name, kind, topic, score in preds:
        if aid not in ids:
            continue
        if country:
            pc[(aid, country, topic)].append(score)
        if kind == "person" and name:
            pp[(aid, surname(name) or "", topic)].append(score)
    gold_c, mixed_c = _settle_gold(gc)
    gold_p, mixed_p = _settle_gold(gp)
    pred_c = {k: v for k, v in _settle_pred(pc).items() if k not in mixed_c}
    pred_p = {k: v for k, v in _settle_pred(pp).items() if k not in mixed_p}
    out = {"country": _figures(gold_c, pred_c), "person": _figures(gold_p, pred_p)}
    for topic in ("ceasefire", "peacekeeping"):
        out[f"country/{topic}"] = _figures({k: v for k, v in gold_c.items() if k[2] == topic},
                                           {k: v for k, v in pred_c.items() if k[2] == topic})
    return out
