"""The pipeline end to end on real files: samples in, statements stored, skips recorded, re-runs idempotent."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest

from tracker import files, pipeline
from tracker.config import load_settings
from tracker.pipeline import Runtime

SAMPLES = Path(str(resources.files("tracker").joinpath("data/samples/articles.jsonl")))


@pytest.fixture
def rt(runtime: Runtime, db_path: Path) -> Runtime:
    """The session's heavy objects, pointed at this test's store."""
    return runtime.sharing(load_settings(config=None, db=db_path))


def test_ingesting_the_samples_stores_articles_statements_and_a_run(rt: Runtime) -> None:
    with rt.open_store() as store:
        report = pipeline.ingest(rt, store, files.read_paths([SAMPLES]))
        assert report.status == "ok", report.summary()
        n_articles = store.sql("SELECT count(*) FROM articles").item()
        n_statements = store.sql("SELECT count(*) FROM statements").item()
        run = store.query("runs").row(0, named=True)
        stories = store.sql("SELECT count(DISTINCT story_id) FROM articles").item()
    assert n_articles == report.counts["stored"] == len(SAMPLES.read_text().splitlines())
    assert n_statements == report.counts["statements"] > n_articles      # the samples are all on topic
    assert stories < n_articles                                            # two syndicated pairs share stories
    assert run["status"] == "ok" and run["articles_stored"] == n_articles and run["statements_stored"] == n_statements


def test_reingesting_changes_nothing(rt: Runtime) -> None:
    with rt.open_store() as store:
        pipeline.ingest(rt, store, files.read_paths([SAMPLES]))
        before = store.sql("SELECT * FROM statements ORDER BY statement_id")
        again = pipeline.ingest(rt, store, files.read_paths([SAMPLES]))
        after = store.sql("SELECT * FROM statements ORDER BY statement_id")
    assert again.counts["stored"] == 0 and again.counts["statements"] == 0
    assert again.counts["unchanged"] == again.counts["seen"]
    assert before.equals(after)


def test_bad_items_are_skipped_counted_and_recorded(rt: Runtime, tmp_path: Path) -> None:
    good = {"id": "g1", "url": "https://wire.example/g1", "published": "2025-03-15",
            "text": "Italy is not planning on sending soldiers to Ukraine, Prime Minister Giorgia Meloni said on "
                    "Saturday after a video call with European leaders who discussed a force to secure a future "
                    "ceasefire. She said Rome would keep sending aid but that Italian troops would stay at home."}
    lines = [json.dumps(good), "{not json", json.dumps({"id": "x", "published": "2025-03-15"}),
             json.dumps({"id": "fr", "published": "2025-03-15", "text": "Le gouvernement a annoncé mardi qu'il "
                         "n'enverrait pas de soldats en Ukraine, malgré les demandes répétées de ses alliés européens "
                         "et les appels du président ukrainien à une force de réassurance dans le pays."})]
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with rt.open_store() as store:
        report = pipeline.ingest(rt, store, files.read_paths([src, tmp_path / "missing.txt"]))
        skipped = store.sql("SELECT item, reason FROM skipped ORDER BY item")
        statements = store.query("evidence")
    reasons = sorted(skipped["reason"].to_list())
    assert reasons == sorted(["bad_json", "empty_text", "not_english", "not_found"])
    assert report.counts["skipped"] == 4 and report.counts["stored"] == 1
    assert any(item.endswith("in.jsonl:2") for item in skipped["item"])
    holders = set(zip(statements["holder_id"], statements["polarity"], statements["topic"]))
    assert ("person:giorgia-meloni", "oppose", "peacekeeping") in holders


def test_a_failing_article_costs_only_itself(rt: Runtime, make_article, monkeypatch) -> None:
    ok = make_article(url="https://wire.example/ok")
    bad = make_article(text="This one breaks the scorer; it mentions a truce. " * 5, url="https://wire.example/bad")
    real = rt.scorer.score_articles

    def flaky(articles, **kw):
        if any(a.article_id == bad.article_id for a in articles):
            raise ValueError("scorer exploded")
        return real(articles, **kw)

    monkeypatch.setattr(rt.scorer, "score_articles", flaky)
    with rt.open_store() as store:
        report = pipeline.ingest(rt, store, [ok, bad])
        stored = store.sql("SELECT article_id FROM articles").to_series().to_list()
        status = store.query("runs").row(0, named=True)["status"]
    assert stored == [ok.article_id]
    assert report.counts["errors"] == 1 and status == "partial"
    assert [s.reason for s in report.skips] == ["score_error"]


def test_score_lines_keeps_the_input_id_and_every_spec_field(rt: Runtime) -> None:
    line = json.dumps({"id": "art-7", "published": "2025-03-15",
                       "text": "Russia rejected the proposal for a 30-day truce on Tuesday, the Kremlin said."})
    out = list(pipeline.score_lines(rt, [("stdin:1", line), ("stdin:2", "oops")]))
    statements = [o for o in out if isinstance(o, dict)]
    assert statements and all(s["article_id"] == "art-7" for s in statements)
    spec = {"statement_id", "article_id", "published_at", "source", "holder_id", "holder_name", "holder_kind",
            "country", "role", "conflict", "topic", "polarity", "modality", "score", "confidence", "attribution",
            "tone", "cue", "evidence", "char_start", "char_end", "cameo", "plover", "scorer_version"}
    assert spec <= set(statements[0])
    assert statements[0]["holder_id"] == "state:RUS" and statements[0]["polarity"] == "oppose"
    assert [o.reason for o in out if isinstance(o, files.Skip)] == ["bad_json"]


def test_explain_shows_sentence_cue_and_holder(rt: Runtime, make_article) -> None:
    art = make_article(text="Italy is not planning on sending soldiers to Ukraine, Prime Minister Giorgia Meloni "
                            "said after the virtual summit on a future ceasefire.", published="2025-03-15")
    text = pipeline.explain(rt, art, trace=True)
    assert "Giorgia Meloni" in text and "peacekeeping oppose" in text and "cue:" in text
    assert "topic mentions" in text


def test_rescore_reaches_every_article_across_many_batches(rt: Runtime, make_article) -> None:
    """Regression: rescore streamed the articles while writing on the same connection, which ended the
    stream after the first batch (64 articles) and still reported "ok". Several batches' worth of
    articles, all marked as an older scorer version, must all end at the current version."""
    texts = [f"Diplomats from country number {i} met in Geneva on Tuesday. The Kremlin said Russia rejected "
             f"the proposal for a 30-day truce in Ukraine, round {i} of the talks. " * 3 for i in range(150)]
    articles = [make_article(text=t, url=f"https://wire.example/r{i}") for i, t in enumerate(texts)]
    with rt.open_store() as store:
        pipeline.ingest(rt, store, articles)
        store.con.execute("UPDATE articles SET scorer_version = 'old-rules'")
        report = pipeline.rescore(rt, store, batch_size=16)
        versions = store.sql("SELECT scorer_version, count(*) AS n FROM articles GROUP BY 1").rows()
        statements = store.sql("SELECT count(*) FROM statements").item()
    assert versions == [(rt.scorer.version, 150)]
    assert report.counts["seen"] == report.counts["updated"] == 150 and report.status == "ok"
    assert statements >= 150


def test_input_ids_are_kept_and_filled_in_for_articles_stored_without_them(rt: Runtime, tmp_path: Path) -> None:
    records = [json.loads(line) for line in SAMPLES.read_text().splitlines()[:3]]
    bare = tmp_path / "bare.jsonl"
    bare.write_text("".join(json.dumps({k: v for k, v in r.items() if k != "id"}) + "\n" for r in records))
    with rt.open_store() as store:
        pipeline.ingest(rt, store, files.read_paths([bare]))
        assert store.sql("SELECT count(input_id) FROM articles").item() == 0
        again = pipeline.ingest(rt, store, files.read_paths([SAMPLES]))
        assert again.counts["unchanged"] == 3                     # not scored again ...
        kept = dict(store.sql("SELECT url, input_id FROM articles").iter_rows())
    for r in records:                                             # ... but now named by the corpus ids
        assert kept[r["url"]] == r["id"]
    assert len([v for v in kept.values() if v]) == len(SAMPLES.read_text().splitlines())


class _InterruptedScorer:
    """The real scorer, but the process gets a real SIGINT (Ctrl-C) after `after` articles are scored."""

    def __init__(self, real, after: int) -> None:
        self.real, self.after, self.done = real, after, 0

    def __getattr__(self, name: str):
        return getattr(self.real, name)

    def score_articles(self, articles, **kw):
        import os
        import signal

        for pair in self.real.score_articles(articles, **kw):
            yield pair
            self.done += 1
            if self.done == self.after:
                os.kill(os.getpid(), signal.SIGINT)


def test_ctrl_c_during_ingest_keeps_what_is_scored_and_a_rerun_goes_on(rt: Runtime, monkeypatch, capsys) -> None:
    from tracker import api, cli

    n = len(SAMPLES.read_text().splitlines())
    interrupting = rt.sharing(scorer=_InterruptedScorer(rt.scorer, after=7))
    monkeypatch.setattr(api, "runtime_for", lambda settings: interrupting)
    db = str(rt.settings.db_path)
    code = cli.main(["ingest", str(SAMPLES), "--db", db])        # one batch: the default is bigger than n
    out = capsys.readouterr()
    assert code == 130
    assert "interrupted: 7 articles stored by this run" in out.err and "run the same command again" in out.err
    with rt.open_store(read_only=True) as store:
        assert store.sql("SELECT count(*) FROM articles").item() == 7
        assert store.query("runs").row(0, named=True)["status"] == "interrupted"
    monkeypatch.setattr(api, "runtime_for", lambda settings: rt)
    assert cli.main(["ingest", str(SAMPLES), "--db", db]) == 0
    out = capsys.readouterr().out
    assert f"{n - 7} stored" in out and "7 unchanged" in out
