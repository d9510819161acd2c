"""`tracker train` and `tracker eval`: the figures on real text, beside the baselines.

Both read the labelled real articles from a corpus folder (../shared/corpus by default; never copied
into the project) and our written passages (tracker/data/training). The dev labels are only ever
scored, never trained or tuned on; so are our held-out articles (tracker/data/heldout): long articles
written apart from the training passages, in the styles of other outlets and about other conflicts,
the nearest we have to "outlets the scorer has never seen" that ships with the project.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from tracker import quality
from tracker.stance.learned import gold, resources, train
from tracker.stance.learned import model as model_mod
from tracker.stance.learned.decide import Decider

PACKAGE = Path(__file__).resolve().parents[2]          # tracker/
PASSAGES = PACKAGE / "data" / "training"
HELDOUT = PACKAGE / "data" / "heldout"
# Held-out files written later, each by another hand as a fresh check, reported and floored apart:
# the set's name -> the id prefix of its articles (articles_d: ho2-*, articles_e: ho3-*).
LATER_HELDOUT = {"heldout_d": "passage:ho2-", "heldout_e": "passage:ho3-"}
HELDOUT_SETS = ("heldout", *LATER_HELDOUT)
CASES = PACKAGE.parent / "tests" / "cases"               # in a checkout; absent from an installed wheel
C_VALUES = (0.3, 1.0)
THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.85, 0.9)
MIN_PRECISION = 0.75

Say = Callable[[str], None]


def labelled(corpus: Path) -> dict[str, list[gold.Labelled]]:
    """The labelled sets that are present: train, dev, extra (real articles), passages and heldout (ours)."""
    sets: dict[str, list[gold.Labelled]] = {}
    for name, labels, texts in (("train", "train_labels.jsonl", "news.jsonl"), ("dev", "dev_labels.jsonl", "news.jsonl"),
                                ("extra", "extra_labels.jsonl", "extra.jsonl")):
        if (corpus / labels).exists() and (corpus / texts).exists():
            sets[name] = gold.read_corpus(corpus / labels, corpus / texts, name)
    sets["passages"] = gold.read_passages(PASSAGES)
    sets.update(heldout_sets(gold.read_passages(HELDOUT, "heldout")))
    return sets


def heldout_sets(held: list[gold.Labelled]) -> dict[str, list[gold.Labelled]]:
    """Our held-out articles split into the first set and each later one (LATER_HELDOUT)."""
    later = {name: [h for h in held if h.article.article_id.startswith(prefix)]
             for name, prefix in LATER_HELDOUT.items()}
    taken = {id(h) for part in later.values() for h in part}
    return {"heldout": [h for h in held if id(h) not in taken], **later}


def _rules_scorer(runtime: Any, decider: Decider | None = None) -> Any:
    from tracker import nlp as nlp_mod
    from tracker.stance import Scorer

    return Scorer(runtime.nlp, runtime.gazetteer, runtime.registry, runtime.lexicon,
                  scan_matcher=nlp_mod.scan_matcher(runtime.nlp, runtime.gazetteer), decider=decider)


def collector(runtime: Any) -> tuple[Any, Decider]:
    """A scorer that runs the rules and hands every article's candidates to a decider without a model."""
    dec = Decider(runtime.gazetteer, runtime.lexicon, resources.load(), None)
    return _rules_scorer(runtime, dec), dec


def _line(name: str, figs: dict[str, gold.Figures]) -> str:
    return (f"  {name:28} country F1 {figs['country'].f1:.3f} P {figs['country'].precision:.3f} "
            f"R {figs['country'].recall:.3f} | person F1 {figs['person'].f1:.3f} P {figs['person'].precision:.3f} "
            f"R {figs['person'].recall:.3f} | peacekeeping F1 {figs['country/peacekeeping'].f1:.3f}")


def _choose(cv: dict[tuple[float, float], dict[str, gold.Figures]]) -> tuple[float, float]:
    """The (C, threshold) with the best cross-validated country F1 among those whose precision is at
    least MIN_PRECISION (the best F1 overall when none is)."""
    ok = [k for k, f in cv.items() if f["country"].precision >= MIN_PRECISION] or list(cv)
    return max(ok, key=lambda k: (round(cv[k]["country"].f1, 4), k[1]))


def run_training(runtime: Any, corpus: Path, out: Path, say: Say) -> model_mod.LinearModel:
    sets = labelled(corpus)
    if "train" not in sets:
        from tracker.errors import InputError
        raise InputError(f"No training labels in {corpus}",
                         hint="point --corpus at the folder holding train_labels.jsonl and news.jsonl")
    items = sets["train"] + sets.get("extra", []) + sets["passages"]
    say(f"training on {len(sets['train'])} real articles, {len(sets.get('extra', []))} analyses, "
        f"{len(sets['passages'])} written passages")
    scorer, dec = collector(runtime)
    data = train.collect(scorer, dec, items)
    counts = {k: sum(1 for s in data for t in s.targets if t == k) for k in ("none", "support", "oppose")}
    say(f"candidates: {counts}")
    lex = runtime.lexicon
    cv = {}
    for c in C_VALUES:
        for t, figs in train.cross_validate(data, lex, c, THRESHOLDS).items():
            cv[(c, t)] = figs
    rules_cv = gold.stance_figures(sets["train"], train.predictions([s for s in data if s.item.source == "train"], None, lex))
    c_best, t_best = _choose(cv)
    say(f"cross-validated by article on train_labels ({len(sets['train'])} articles, 5 folds):")
    say(_line("rules only", rules_cv))
    for (c, t), figs in sorted(cv.items()):
        say(_line(f"rules + model C={c} t={t}" + (" *" if (c, t) == (c_best, t_best) else ""), figs))
    vec, clf = train.fit(data, c_best)
    best = cv[(c_best, t_best)]
    meta = {"seed": train.SEED, "C": c_best,
            "trained_on": {k: len(v) for k, v in sets.items() if k != "dev" and k not in HELDOUT_SETS},
            "candidates": counts,
            "cv_train": {k: round(best[k].f1, 3) for k in ("country", "person", "country/peacekeeping")},
            "cv_train_precision": round(best["country"].precision, 3),
            "cv_train_recall": round(best["country"].recall, 3)}
    model = train.to_model(vec, clf, t_best, meta)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(model.to_json() + "\n", encoding="utf-8")
    say(f"wrote {out} ({len(model.weights)} weights, digest {model.digest}, threshold {t_best})")
    for name, what in (("dev", "dev_labels"), ("heldout", "our held-out articles"),
                       *((later, f"our later held-out articles, {later}") for later in LATER_HELDOUT)):
        if sets.get(name):
            part = train.collect(scorer, dec, sets[name])
            say(f"held out ({what}, {len(sets[name])} articles, never trained or tuned on):")
            say(_line("rules only", gold.stance_figures(sets[name], train.predictions(part, None, lex))))
            say(_line("rules + model", gold.stance_figures(sets[name], train.predictions(part, model, lex))))
    return model


def _statement_preds(pairs: Iterable[tuple[Any, list[Any]]]) -> list[gold.Prediction]:
    return [(a.article_id, s.country, s.holder_name, s.holder_kind, s.topic, s.score) for a, sts in pairs for s in sts]


def run_eval(runtime: Any, corpus: Path, say: Say, baseline: bool = True) -> dict[str, dict[str, gold.Figures]]:
    """The shipped scorer (rules + model), rules alone and the VADER baseline on every labelled set."""
    sets = labelled(corpus)
    rules_only = _rules_scorer(runtime)
    scorer = runtime.scorer
    vader = quality.VaderBaseline(runtime.nlp, runtime.gazetteer, runtime.lexicon) if baseline else None
    trained = runtime.decider.model if runtime.decider is not None else None
    if trained is not None:
        cv = trained.meta.get("cv_train", {})
        say(f"model {trained.digest}: cross-validated on train_labels when trained: country F1 {cv.get('country')} "
            f"(P {trained.meta.get('cv_train_precision')} R {trained.meta.get('cv_train_recall')}), "
            f"person F1 {cv.get('person')}, peacekeeping F1 {cv.get('country/peacekeeping')}")
    else:
        say("no trained model: the scorer runs on rules alone")
    out = {}
    for name in ("dev", *HELDOUT_SETS, "train", "extra", "passages"):
        items = sets.get(name)
        if not items:
            continue
        arts = [it.article for it in items]
        note = {"dev": "held out", "heldout": "ours, written apart, held out", "train": "trained on: in-sample",
                "extra": "trained on: in-sample", "passages": "ours, trained on"}.get(
                    name, "ours, written later by another hand, held out")
        say(f"{name} ({len(items)} articles; {note}):")
        ours = gold.stance_figures(items, _statement_preds(scorer.score_articles(arts)))
        say(_line("rules + model" if trained else "rules", ours))
        if trained is not None:
            say(_line("rules only", gold.stance_figures(items, _statement_preds(rules_only.score_articles(arts)))))
        if vader is not None and name in ("dev", *HELDOUT_SETS, "train"):
            say(_line("VADER baseline", gold.stance_figures(items, _statement_preds((a, vader.score(a)) for a in arts))))
        out[name] = ours
    cases = quality.load_cases(CASES) if CASES.is_dir() else []
    if cases:
        rep = quality.evaluate_cases(lambda text, pub: scorer.score_text(text, published=pub), cases)
        say(f"labelled cases ({len(cases)}): {rep.overall.line()}; 'absent' traps fallen into: "
            f"{len(rep.absent_violations)}")
    return out
