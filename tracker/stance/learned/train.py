"""Training the learned decision: one reproducible command, `tracker train` (or `make train`).

1. Every labelled article (real articles with readers' labels, our written passages) is scored by the
   rules, and its candidates are collected with their features (one spaCy pass, then all in memory).
2. A candidate is labelled support or oppose when a label of its article has the same topic, its
   first evidence sentence overlaps the candidate's sentence, and the holder fits (the same surname
   for a person; the same country for a state or organisation speaking); candidates in a label's
   later evidence sentences (antecedents) are left out; every other candidate is "none".
3. Held-out figures come from cross-validation grouped by article (one story is never on both
   sides): folds over the real training articles, with the extra analyses and the passages always
   in the training part. Each fold's model is joined with the rules as the scorer joins them, and
   scored at article level with the corpus's yardstick. The regularisation and the threshold are
   chosen on these figures, never on the dev labels.
4. The final model is fitted on everything and written as JSON weights with its figures.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from tracker.models import Statement
from tracker.stance.assemble import MODALITY_WEIGHT
from tracker.stance.learned import gold as gold_mod
from tracker.stance.learned.candidates import Candidate
from tracker.stance.learned.decide import Decider, decide_with
from tracker.stance.learned.model import CLASSES, LinearModel, build

SEED = 13
REPEATS = 3          # cuts into folds pooled by cross_validate


@dataclass
class Scored:
    """One labelled article after the rules ran: its rule statements and its candidates with labels."""

    item: gold_mod.Labelled
    rules: list[Statement]
    candidates: list[Candidate]
    targets: list[str | None]       # per candidate: none / support / oppose, or None (left out)


def collect(scorer: Any, decider: Decider, items: Sequence[gold_mod.Labelled],
            progress: Callable[[int], None] | None = None) -> list[Scored]:
    """Rule statements and candidates of every item (the decider's model is not used here)."""
    saved_model, decider.model = decider.model, None
    decider.sink = []
    out = []
    try:
        by_id = {it.article.article_id: it for it in items}
        for n, (art, statements) in enumerate(scorer.score_articles([it.article for it in items])):
            out.append(Scored(by_id[art.article_id], statements, [], []))
            if progress:
                progress(n + 1)
        found = dict(decider.sink)
    finally:
        decider.model, decider.sink = saved_model, None
    for s in out:
        s.candidates = found.get(s.item.article.article_id, [])
        s.targets = [target(c, s.item.labels) for c in s.candidates]
    return out


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _holder_fits(c: Candidate, lab: gold_mod.Label) -> bool:
    if lab.holder and lab.holder.startswith(("person:", "state:", "org:", "group:")):     # a passage
        if c.holder.holder_id == lab.holder:
            return True
        return lab.holder_kind != "person" and c.holder.kind != "person" and bool(lab.country) \
            and c.holder.country == lab.country
    if c.holder.kind == "person":
        return lab.holder_kind == "person" and gold_mod.surname(lab.holder) == gold_mod.surname(c.holder.name)
    return bool(lab.country) and c.holder.country == lab.country


def target(c: Candidate, labels: Iterable[gold_mod.Label]) -> str | None:
    """The class a candidate should get from its article's labels (None: leave it out of training)."""
    span = (c.sent_start, c.sent_end)
    skip = False
    for lab in labels:
        if lab.topic != c.topic or not lab.evidence or not _holder_fits(c, lab):
            continue
        if _overlaps(span, lab.evidence[0]):
            return lab.polarity
        if any(_overlaps(span, e) for e in lab.evidence[1:]):
            skip = True
    return None if skip else "none"


# --- fitting and cross-validation ---------------------------------------------------------------------

def fit(data: Sequence[Scored], c_value: float) -> tuple[Any, Any]:
    """A multinomial logistic regression over the candidates' features (scikit-learn)."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    xs, ys = [], []
    for s in data:
        for cand, y in zip(s.candidates, s.targets):
            if y is not None:
                xs.append(dict.fromkeys(cand.features, 1))
                ys.append(y)
    vec = DictVectorizer()
    x = vec.fit_transform(xs)
    clf = LogisticRegression(C=c_value, max_iter=3000, class_weight={"none": 1.0, "support": 2.0, "oppose": 3.0},
                             random_state=SEED)
    clf.fit(x, ys)
    return vec, clf


def to_model(vec: Any, clf: Any, threshold: float, meta: dict[str, Any]) -> LinearModel:
    order = [list(clf.classes_).index(c) for c in CLASSES]
    coef = clf.coef_[order]
    return build(CLASSES, clf.intercept_[order], vec.get_feature_names_out(), coef, threshold, meta)


def predictions(data: Sequence[Scored], model: LinearModel | None, lex: Any,
                threshold: float | None = None) -> list[gold_mod.Prediction]:
    """Article-level predictions of rules joined with the model, as the scorer joins them."""
    out: list[gold_mod.Prediction] = []
    for s in data:
        aid = s.item.article.article_id
        for st in s.rules:
            out.append((aid, st.country, st.holder_name, st.holder_kind, st.topic, st.score))
        if model is None:
            continue
        said = [(st.holder_id, st.country, st.topic, st.polarity) for st in s.rules]
        for d in decide_with(model, s.candidates, s.item.article.text, said, lex, threshold):
            score = (1 if d.polarity == "support" else -1) * MODALITY_WEIGHT[d.modality]
            out.append((aid, d.holder.country, d.holder.name, d.holder.kind, d.topic, score))
    return out


def folds(data: Sequence[Scored], k: int = 5, seed: int = SEED) -> list[list[int]]:
    """Indices of the real training articles cut into k groups by article, in a seeded order."""
    idx = [i for i, s in enumerate(data) if s.item.source == "train"]
    random.Random(seed).shuffle(idx)
    return [idx[j::k] for j in range(k)]


def cross_validate(data: Sequence[Scored], lex: Any, c_value: float, thresholds: Sequence[float],
                   k: int = 5, repeats: int = REPEATS) -> dict[float, dict[str, gold_mod.Figures]]:
    """Held-out figures on the real training articles for each threshold (one fit per fold), pooled
    over `repeats` cuts into folds: with 124 country keys one cut moves F1 by a key or two, enough to
    pick another threshold; pooling several cuts steadies the choice."""
    gold = [s.item for s in data if s.item.source == "train"]
    runs: dict[float, list[dict[str, gold_mod.Figures]]] = {t: [] for t in thresholds}
    for r in range(repeats):
        preds: dict[float, list[gold_mod.Prediction]] = {t: [] for t in thresholds}
        for held in folds(data, k, SEED + r):
            held_set = set(held)
            vec, clf = fit([s for i, s in enumerate(data) if i not in held_set], c_value)
            model = to_model(vec, clf, thresholds[0], {})
            part = [data[i] for i in held]
            for t in thresholds:
                preds[t].extend(predictions(part, model, lex, t))
        for t, p in preds.items():
            runs[t].append(gold_mod.stance_figures(gold, p))
    return {t: {key: gold_mod.of_counts(*(sum(getattr(f[key], n) for f in figs) for n in ("right", "predicted", "gold")))
                for key in figs[0]} for t, figs in runs.items()}
