"""The learned decision: candidates, the join with the rules, the shipped model, training, the yardstick.

Passages here are our own writing. Tests that need the labelled real corpus skip when
../shared/corpus is not there.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tracker.config import load_settings
from tracker.models import Holder
from tracker.pipeline import Runtime
from tracker.stance import Scorer
from tracker.stance.learned import candidates as cand_mod
from tracker.stance.learned import gold, resources, train
from tracker.stance.learned import model as model_mod
from tracker.stance.learned.decide import Decider, decide_with

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"
needs_corpus = pytest.mark.skipif(not (CORPUS / "dev_labels.jsonl").exists(),
                                  reason="../shared/corpus (labelled real articles) is not present")

REFERRED_BACK = ("Ukraine said on Tuesday it was ready to accept a U.S. proposal for an immediate 30-day ceasefire "
                 "with Russia.\n\nThe Kremlin rejected the proposal on Thursday, saying a pause would only help Kyiv "
                 "regroup its forces.")
SEVERAL_LEADERS = ("Several European leaders, including Keir Starmer and Emmanuel Macron, called for a ceasefire in "
                   "Ukraine at the summit in London on Sunday.")


def _rules_only(runtime: Runtime) -> Scorer:
    return Scorer(runtime.nlp, runtime.gazetteer, runtime.registry, runtime.lexicon)


def _keys(statements) -> set[tuple[str, str, str]]:
    return {(s.holder_id, s.topic, s.polarity) for s in statements}


def test_the_shipped_model_is_loaded_and_named_in_the_scorer_version(runtime: Runtime) -> None:
    decider = runtime.decider
    assert decider is not None and decider.model is not None
    m = decider.model
    assert len(m.weights) > 1000 and 0 < m.threshold < 1
    assert runtime.scorer.version.endswith(f"+model-{m.digest}")
    assert m.meta["seed"] == train.SEED and "cv_train" in m.meta


def test_without_a_model_file_the_scorer_runs_on_rules_with_a_warning(monkeypatch, caplog, runtime: Runtime) -> None:
    monkeypatch.setattr(model_mod, "load", lambda path=None: None)
    fresh = Runtime(load_settings(config=None, db=os.devnull), gazetteer=runtime.gazetteer,
                    registry=runtime.registry, lexicon=runtime.lexicon, nlp=runtime.nlp)
    with caplog.at_level(logging.WARNING):
        assert fresh.decider is None
    assert "rules alone" in caplog.text and "make train" in caplog.text
    assert "+model-" not in fresh.scorer.version
    assert _keys(fresh.scorer.score_text(SEVERAL_LEADERS, published="2025-03-02")) == \
        _keys(_rules_only(runtime).score_text(SEVERAL_LEADERS, published="2025-03-02"))


def test_the_model_finds_a_rejection_of_a_proposal_named_a_paragraph_before(runtime: Runtime) -> None:
    ours = runtime.scorer.score_text(REFERRED_BACK, published="2025-03-13")
    rules = _rules_only(runtime).score_text(REFERRED_BACK, published="2025-03-13")
    assert ("state:RUS", "ceasefire", "oppose") in _keys(ours)
    assert ("state:RUS", "ceasefire", "oppose") not in _keys(rules)
    russia = [s for s in ours if s.holder_id == "state:RUS"][0]
    assert russia.cue.startswith("learned:") and "Kremlin rejected the proposal" in russia.evidence
    assert _keys(rules) <= _keys(ours)                      # the rules' statements stand


def test_named_leaders_in_a_group_are_holders_not_the_group(runtime: Runtime) -> None:
    keys = _keys(runtime.scorer.score_text(SEVERAL_LEADERS, published="2025-03-02"))
    assert {("person:keir-starmer", "ceasefire", "support"), ("person:emmanuel-macron", "ceasefire", "support")} <= keys
    assert not any(h == "org:EU" for h, _, _ in keys)


def _parsed(runtime: Runtime, text: str):
    from tracker import hygiene

    blocks = [b for b in hygiene.blocks(text, runtime.lexicon) if not b.boilerplate]
    return [(i, runtime.nlp(b.parse_text), b) for i, b in enumerate(blocks)]


def test_a_definite_noun_phrase_refers_back_only_within_reach(runtime: Runtime) -> None:
    from datetime import date

    data = resources.load()
    near = cand_mod.generate(cand_mod.Inputs(cand_mod.sentences_of(_parsed(runtime, REFERRED_BACK)), date(2025, 3, 13),
                                             REFERRED_BACK, None, []), runtime.gazetteer, runtime.lexicon, data)
    assert any(c.holder.holder_id == "state:RUS" and c.via == "anaphor" for c in near)
    far = ("Diplomats said a ceasefire in Gaza was discussed in Cairo on Monday. Delegations arrived late. The hotel "
           "was full. Reporters waited outside. Officials ate lunch. Israel approved the deal on a prisoner swap with "
           "Hamas on Friday.")
    found = cand_mod.generate(cand_mod.Inputs(cand_mod.sentences_of(_parsed(runtime, far)), date(2025, 3, 13), far,
                                              None, []), runtime.gazetteer, runtime.lexicon, data)
    assert not any(c.via == "anaphor" for c in found)       # five sentences back is out of reach


def _fake_model(weights: dict[str, tuple[float, float, float]], threshold: float = 0.5) -> model_mod.LinearModel:
    body = {"classes": list(model_mod.CLASSES), "intercept": [0.0, 0.0, 0.0], "threshold": threshold, "meta": {},
            "weights": {k: list(v) for k, v in weights.items()}}
    return model_mod.from_json(json.dumps(body))


def _candidate(holder: Holder, topic: str = "ceasefire", feats: tuple[str, ...] = ("f:sure",)) -> cand_mod.Candidate:
    return cand_mod.Candidate(0, 20, holder, topic, "term", "named", False, feats, "learned: test")


def test_the_model_never_overrides_or_cancels_a_rule(runtime: Runtime) -> None:
    sure = _fake_model({"f:sure": (-5.0, 5.0, -5.0)})
    rus, kremlin_man = Holder("state:RUS", "Russia", "state", "RUS"), Holder("person:x", "X", "person", "RUS")
    text = "Moscow agreed to a truce."
    lex = runtime.lexicon
    assert [d.holder.holder_id for d in decide_with(sure, [_candidate(rus)], text, [], lex)] == ["state:RUS"]
    # the rules already said something about this holder and topic: theirs stands
    assert decide_with(sure, [_candidate(rus)], text, [("state:RUS", "RUS", "ceasefire", "oppose")], lex) == []
    # the rules gave the country the other polarity: the model does not add a contrary voice
    assert decide_with(sure, [_candidate(kremlin_man)], text, [("state:RUS", "RUS", "ceasefire", "oppose")], lex) == []
    # below the threshold nothing is said
    unsure = _fake_model({"f:sure": (0.0, 0.1, 0.0)}, threshold=0.6)
    assert decide_with(unsure, [_candidate(rus)], text, [], lex) == []


def test_a_candidate_is_labelled_by_the_first_evidence_sentence_and_its_holder() -> None:
    rus = Holder("state:RUS", "Russia", "state", "RUS")
    putin = Holder("person:vladimir-putin", "Vladimir Putin", "person", "RUS")
    c_rus, c_putin = _candidate(rus), _candidate(putin)
    state_label = gold.Label(None, "state", "RUS", "ceasefire", "oppose", ((5, 15),))
    person_label = gold.Label("Vladimir Putin", "person", "RUS", "ceasefire", "support", ((5, 15),))
    antecedent = gold.Label(None, "state", "RUS", "ceasefire", "oppose", ((100, 120), (5, 15)))
    assert train.target(c_rus, [state_label]) == "oppose"
    assert train.target(c_putin, [state_label]) == "none"          # a person is matched by name, not country
    assert train.target(c_putin, [person_label]) == "support"
    assert train.target(c_rus, [antecedent]) is None               # an antecedent sentence is left out
    assert train.target(c_rus, []) == "none"


def test_training_is_reproducible(runtime: Runtime) -> None:
    items = gold.read_passages(Path(__file__).resolve().parent.parent / "tracker" / "data" / "training")[:60]
    scorer = Scorer(runtime.nlp, runtime.gazetteer, runtime.registry, runtime.lexicon,
                    decider=Decider(runtime.gazetteer, runtime.lexicon, resources.load(), None))
    data = train.collect(scorer, scorer.decider, items)
    assert sum(t in ("support", "oppose") for s in data for t in s.targets) >= 20
    first = train.to_model(*train.fit(data, 0.3), 0.5, {"seed": train.SEED})
    second = train.to_model(*train.fit(data, 0.3), 0.5, {"seed": train.SEED})
    assert first.to_json() == second.to_json() and first.digest == second.digest


def test_the_written_passages_are_well_formed() -> None:
    from tracker.stance.learned import report

    items = report.labelled(Path("/nonexistent"))["passages"]     # what `tracker train` reads
    assert len(items) >= 380
    labels = [lab for it in items for lab in it.labels]
    assert all(lab.evidence for lab in labels), "every expected statement names its sentence, found in the text"
    assert sum(lab.polarity == "oppose" for lab in labels) >= 100
    assert sum(lab.topic == "peacekeeping" for lab in labels) >= 100


@needs_corpus
def test_the_yardstick_agrees_with_the_corpus_tool(runtime: Runtime, tmp_path: Path) -> None:
    """gold.stance_figures must count as ../shared/tools/label_eval.py does, or our figures mislead."""
    dev = gold.read_corpus(CORPUS / "dev_labels.jsonl", CORPUS / "news.jsonl", "dev")
    pairs = list(runtime.scorer.score_articles([it.article for it in dev]))
    preds = tmp_path / "preds.jsonl"
    preds.write_text("".join(json.dumps(s.to_dict(), default=str) + "\n" for _, sts in pairs for s in sts), "utf-8")
    out = subprocess.run([sys.executable, str(CORPUS.parent / "tools" / "label_eval.py"), str(CORPUS / "dev_labels.jsonl"),
                          str(preds)], capture_output=True, text=True, check=True).stdout
    ours = gold.stance_figures(dev, [(a.article_id, s.country, s.holder_name, s.holder_kind, s.topic, s.score)
                                     for a, sts in pairs for s in sts])
    assert f"country: F1 {ours['country'].f1:.3f}" in out and f"person: F1 {ours['person'].f1:.3f}" in out


def test_a_user_file_extends_the_wordings_and_a_bad_one_is_named(tmp_path: Path) -> None:
    mine = tmp_path / "my_wordings.toml"
    mine.write_text('[topics]\nceasefire = ["quiet\\\\s+on\\\\s+the\\\\s+front"]\n[anaphora]\nceasefire = ["lull"]\n',
                    "utf-8")
    data = resources.load([mine])
    assert data.topic_regex["ceasefire"].search("both sides kept it Quiet on the front")
    assert data.topic_regex["ceasefire"].search("a pause in the fighting")        # the packaged ones stay
    assert "lull" in data.anaphors["ceasefire"] and data.digest != resources.load().digest
    bad = tmp_path / "bad.toml"
    bad.write_text('[topics]\nceasefire = ["(unclosed"]\n', "utf-8")
    with pytest.raises(ValueError, match=r"bad\.toml.*ceasefire.*not a valid regular expression"):
        resources.load([bad])
    worse = tmp_path / "worse.toml"
    worse.write_text('[anaphora]\nceasefire = "lull"\n', "utf-8")
    with pytest.raises(ValueError, match=r"worse\.toml.*'ceasefire' must be a list"):
        resources.load([worse])


def test_a_bad_word_list_in_the_config_stops_scoring_with_the_file_named(tmp_path: Path) -> None:
    (tmp_path / "bad.toml").write_text('[topics]\nceasefire = ["(unclosed"]\n', "utf-8")
    (tmp_path / "tracker.toml").write_text('[decide]\nextra = ["bad.toml"]\n', "utf-8")
    line = json.dumps({"id": "a1", "published": "2025-03-15", "text": SEVERAL_LEADERS})
    res = subprocess.run([sys.executable, "-m", "tracker.cli", "--config", str(tmp_path / "tracker.toml"), "score"],
                         input=line, capture_output=True, text=True, timeout=300)
    assert res.returncode != 0 and not res.stdout
    assert "bad.toml" in res.stderr and "not a valid regular expression" in res.stderr and "Try:" in res.stderr
    assert "Traceback" not in res.stderr
