"""The DuckDB store on real files: migrations, atomic writes, idempotence, and the views' numbers."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import datetime
from pathlib import Path

import pytest

from tracker.errors import StoreBusyError, StoreError
from tracker.models import Article
from tracker.store import Store, named_queries
from tracker.store import sqlfiles as store_mod

SYNDICATED = (
    "KYIV, March 1 (Wire) - Ukraine said on Saturday it was ready to accept a 30-day ceasefire proposed by the "
    "United States, and urged Russia to do the same before talks resume in Riyadh next week. Officials said the "
    "pause would cover the air, the sea and the whole front line, and that European monitors could help verify it."
)


def _counts(s: Store) -> tuple[int, int, int]:
    row = s.sql("SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM statements), "
                "(SELECT count(*) FROM article_bands)").row(0)
    return tuple(int(x) for x in row)  # type: ignore[return-value]


def test_migrations_apply_once_and_are_idempotent(db_path: Path, settings) -> None:
    with Store.open(db_path, settings=settings) as s:
        applied = s.sql("SELECT version, name FROM schema_migrations").rows()
        assert applied == [(1, "001_initial.sql"), (2, "002_derived_series.sql"), (3, "003_input_ids.sql"),
                           (4, "004_refusals.sql")]
        assert s.migrate() == []
        assert s.refresh_views() is False          # nothing changed since open
    with Store.open(db_path, settings=settings) as s:
        assert s.sql("SELECT count(*) FROM schema_migrations").item() == 4
        tables = set(s.sql("SELECT table_name FROM information_schema.tables").to_series())
    assert {"sources", "articles", "statements", "actors", "actor_roles", "conflicts", "runs", "skipped",
            "statements_daily", "statements_daily_holder", "positions", "shifts", "statement_voices",
            "voices", "series_daily", "derived_pending"} <= tables


def test_failed_migration_leaves_the_store_unchanged(db_path: Path, settings, monkeypatch) -> None:
    original = store_mod.sql_files

    def with_bad(folder: str):
        files = original(folder)
        return files + [("999_broken.sql", "CREATE TABLE extra (x INT); SELECT * FROM no_such_table;")] \
            if folder == "migrations" else files

    monkeypatch.setattr(store_mod, "sql_files", with_bad)
    with pytest.raises(StoreError, match="999_broken.sql"):
        Store.open(db_path, settings=settings)
    monkeypatch.setattr(store_mod, "sql_files", original)
    with Store.open(db_path, settings=settings) as s:
        names = set(s.sql("SELECT table_name FROM information_schema.tables").to_series())
        assert "extra" not in names
        assert s.sql("SELECT max(version) FROM schema_migrations").item() == 4


def test_every_named_query_returns_its_documented_columns(db_path: Path, settings, make_article, make_statement) -> None:
    queries = named_queries()
    assert {"positions", "timeseries", "shifts", "evidence", "runs"} <= set(queries)
    with Store.open(db_path, settings=settings) as s:
        for q in queries.values():           # empty store
            assert list(s.query(q.name).columns) == list(q.columns), q.name
        a = make_article(url="https://wire.example/a")
        s.write([(a, [make_statement(article_id=a.article_id)])], "test")
        for q in queries.values():           # with data
            df = s.query(q.name)
            assert list(df.columns) == list(q.columns), q.name
        assert s.query("evidence").height == 1
        with pytest.raises(StoreError, match="Unknown parameter"):
            s.query("positions", no_such_param=1)


def test_query_headers_document_params_and_columns() -> None:
    for q in named_queries().values():
        assert q.summary, q.name
        assert q.columns, q.name
        for p in q.params:
            assert f"${p.name}" in q.sql, (q.name, p.name)


def test_writing_the_same_article_again_changes_nothing(db_path: Path, settings, make_article, make_statement) -> None:
    a = make_article(url="https://wire.example/story?utm_source=x")
    sts = [make_statement(article_id=a.article_id), make_statement(article_id=a.article_id, holder_id="state:UKR",
                                                                   country="UKR", char_start=40)]
    with Store.open(db_path, settings=settings) as s:
        first = s.write([(a, sts)], "test")
        before = s.sql("SELECT * FROM statements ORDER BY statement_id")
        again = s.write([(a, sts)], "test")
        after = s.sql("SELECT * FROM statements ORDER BY statement_id")
    assert first.stored == [a.article_id] and first.statements == 2
    assert again.unchanged == [a.article_id] and again.statements == 0
    assert before.equals(after)
    same = Article.build(a.text, url="https://WIRE.example/story/")   # same canonical URL
    assert same.article_id == a.article_id


def test_a_changed_article_replaces_its_statements(db_path: Path, settings, make_article, make_statement) -> None:
    a = make_article(url="https://wire.example/live")
    b = make_article(text=a.text + " An update: Russia rejected the truce.", url="https://wire.example/live")
    assert a.article_id == b.article_id and a.content_hash != b.content_hash
    with Store.open(db_path, settings=settings) as s:
        s.write([(a, [make_statement(article_id=a.article_id)])], "test")
        res = s.write([(b, [make_statement(article_id=b.article_id, score=-1.0, char_start=99)])], "test")
        assert res.updated == [a.article_id]
        assert s.sql("SELECT count(*), min(score) FROM statements").row(0) == (1, -1.0)
        assert _counts(s)[0] == 1


def test_a_crash_between_article_and_statements_leaves_neither(db_path: Path, settings, make_article,
                                                               make_statement, monkeypatch) -> None:
    kept = make_article(url="https://wire.example/kept")
    with Store.open(db_path, settings=settings) as s:
        s.write([(kept, [make_statement(article_id=kept.article_id)])], "test")
        lost = make_article(url="https://wire.example/lost")

        def boom(self, rows):
            raise RuntimeError("disk unplugged")

        monkeypatch.setattr(Store, "_insert_statements", boom)
        with pytest.raises(RuntimeError, match="disk unplugged"):
            s.write([(lost, [make_statement(article_id=lost.article_id)])], "test")
        assert s.sql("SELECT article_id FROM articles").to_series().to_list() == [kept.article_id]
        assert s.sql("SELECT count(*) FROM statements").item() == 1
        assert s.sql("SELECT count(*) FROM article_bands WHERE article_id = $a", {"a": lost.article_id}).item() == 0
        monkeypatch.undo()
        assert s.write([(lost, [make_statement(article_id=lost.article_id)])], "test").stored == [lost.article_id]


def test_positions_decay_weights_recent_statements_more(db_path: Path, settings, make_article, make_statement) -> None:
    a1 = make_article(url="https://wire.example/1", published="2025-03-01T12:00:00Z")
    a2 = make_article(text="Another story entirely about the war. " * 10, url="https://wire.example/2",
                      published="2025-03-15T12:00:00Z")
    s1 = make_statement(article_id=a1.article_id, score=1.0, published=datetime(2025, 3, 1, 12), evidence="Old yes.")
    s2 = make_statement(article_id=a2.article_id, score=-1.0, published=datetime(2025, 3, 15, 12), evidence="New no.")
    with Store.open(db_path, settings=settings) as s:
        s.write([(a1, [s1]), (a2, [s2])], "test")
        pos = s.query("positions", half_life_days=14.0).row(0, named=True)
        # weights: 2 ** (-14/14) = 0.5 for the old statement, 1 for the new one
        assert pos["position"] == pytest.approx((0.5 * 1 - 1.0) / 1.5, abs=1e-4)
        assert pos["weight"] == pytest.approx(1.5, abs=1e-4)
        assert pos["stance"] == "oppose" and pos["top_evidence"] == "New no."
        assert pos["top_published_at"] == datetime(2025, 3, 15, 12)
        earlier = s.query("positions", as_of="2025-03-10 00:00:00").row(0, named=True)
        assert earlier["position"] == pytest.approx(1.0) and earlier["top_evidence"] == "Old yes."
        shorter = s.query("positions", half_life_days=7.0).row(0, named=True)     # 0.25 vs 1
        assert shorter["position"] == pytest.approx((0.25 - 1.0) / 1.25, abs=1e-4)
        view = s.sql("SELECT position FROM positions").item()          # the view uses the configured half-life
        assert view == pytest.approx((0.5 - 1.0) / 1.5, abs=1e-4)


def test_shifts_find_a_sign_change_with_statements_before_and_after(db_path: Path, settings, make_article,
                                                                   make_statement) -> None:
    bodies = ("Officials in Kyiv met envoys to discuss a possible truce along the front. ",
              "Markets rallied after diplomats hinted at progress in talks held in Riyadh. ",
              "Moscow hardened its position overnight as drones struck power stations. ")
    arts = [make_article(text=body * 6, url=f"https://wire.example/{i}", published=f"2025-03-{d:02d}T12:00:00Z")
            for i, (body, d) in enumerate(zip(bodies, (1, 2, 30)))]
    scores = (1.0, 1.0, -1.0)
    evid = ("Backs it.", "Backs it again.", "Now rejects it.")
    with Store.open(db_path, settings=settings) as s:
        s.write([(a, [make_statement(article_id=a.article_id, score=sc, published=a.published_at, evidence=e)])
                 for a, sc, e in zip(arts, scores, evid)], "test")
        sh = s.sql("SELECT * FROM shifts")
    assert sh.height == 1
    row = sh.row(0, named=True)
    assert row["kind"] == "sign_change" and str(row["day"]) == "2025-03-30"
    assert row["position_before"] == pytest.approx(1.0)
    # after: weights 2**(-29/14), 2**(-28/14) for the two yeses and 1 for the no
    w1, w2 = 2 ** (-29 / 14), 2 ** (-28 / 14)
    assert row["position_after"] == pytest.approx((w1 + w2 - 1) / (w1 + w2 + 1), abs=1e-4)
    assert row["before_evidence"] == "Backs it again." and row["after_evidence"] == "Now rejects it."


def test_syndicated_copies_count_as_one_story(db_path: Path, settings, make_statement) -> None:
    a = Article.build(SYNDICATED, url="https://wire.example/ukraine-truce", published="2025-03-01T09:00:00Z")
    b = Article.build(SYNDICATED + " Read the full statement on the ministry's website.",
                      url="https://dailyglobe.example/world/ukraine-accepts", published="2025-03-01T11:00:00Z")
    c = Article.build("An unrelated report on the grain harvest in Kansas and the price of wheat this year. " * 4,
                      url="https://farm.example/wheat", published="2025-03-01T11:30:00Z")
    with Store.open(db_path, settings=settings) as s:
        res = s.write([(a, [make_statement(article_id=a.article_id, holder_id="state:UKR", country="UKR",
                                           source="wire.example")])], "test")
        res2 = s.write([(b, [make_statement(article_id=b.article_id, holder_id="state:UKR", country="UKR",
                                            source="dailyglobe.example")]),
                        (c, [make_statement(article_id=c.article_id, holder_id="state:UKR", country="UKR",
                                            source="farm.example", char_start=5)])], "test")
        assert res2.story_of[b.article_id] == res.story_of[a.article_id] == a.article_id
        assert res2.story_of[c.article_id] == c.article_id
        day = s.sql("SELECT * FROM statements_daily").row(0, named=True)
        assert (day["statements"], day["stories"], day["sources"], day["voices"]) == (3, 2, 3, 2)
        assert s.sql("SELECT count(*) FROM statement_voices").item() == 2


def test_read_only_open_of_a_missing_store_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(StoreError) as err:
        Store.open(tmp_path / "nothing.duckdb", read_only=True)
    assert "tracker init" in err.value.hint


def test_a_store_held_by_another_process_is_reported_busy(db_path: Path, settings) -> None:
    Store.open(db_path, settings=settings).close()
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import duckdb, sys, time
        con = duckdb.connect({str(db_path)!r})
        print("locked", flush=True)
        time.sleep(30)
    """)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with pytest.raises(StoreBusyError):
            Store.open(db_path, settings=settings, wait_seconds=0.3)
    finally:
        holder.kill()
        holder.wait()


def test_export_writes_hive_partitions_by_month(db_path: Path, settings, make_article, make_statement,
                                                tmp_path: Path) -> None:
    import polars as pl

    a = make_article(url="https://wire.example/x", published="2025-03-01T12:00:00Z")
    b = make_article(text="Second article about a truce in Gaza. " * 8, url="https://wire.example/y",
                     published="2025-04-02T12:00:00Z")
    with Store.open(db_path, settings=settings) as s:
        s.write([(a, [make_statement(article_id=a.article_id)]),
                 (b, [make_statement(article_id=b.article_id, published=datetime(2025, 4, 2, 12))])], "test")
        out = s.export_parquet(tmp_path / "exp")
        assert out == {"statements": 2, "articles": 2}
        s.export_parquet(tmp_path / "exp")          # again: replaced, not duplicated
    parts = sorted(p.parent.name for p in (tmp_path / "exp" / "statements").rglob("*.parquet"))
    assert parts == ["month=2025-03", "month=2025-04"]
    df = pl.read_parquet(tmp_path / "exp" / "statements", hive_partitioning=True)
    assert df.height == 2 and set(df["month"].cast(pl.Utf8)) == {"2025-03", "2025-04"}
