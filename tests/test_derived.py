"""The derived series tables stay exact: after writes, replacements, rescoring, backfills, a crash
before the refresh and a changed half-life, they equal the same figures computed straight from the
statements (sql/reference/raw_series.sql)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from tracker.config import load_settings
from tracker.models import Article, Statement
from tracker.store import Store

REFERENCE = Path(__file__).resolve().parent.parent / "sql" / "reference" / "raw_series.sql"
HOLDERS = [("person:giorgia-meloni", "ITA"), ("person:antonio-tajani", "ITA"), ("state:FRA", "FRA"),
           ("person:dmitry-peskov", "RUS"), ("state:RUS", "RUS"), ("group:hamas", None), ("org:EU", "EU"),
           ("person:keir-starmer", "GBR")]
WORDS = "ceasefire troops talks border envoy summit truce peace guarantees monitors withdrawal aid".split()


def _text(rng: random.Random, n: int = 80) -> str:
    return " ".join(rng.choice(WORDS) + str(rng.randint(0, 40)) for _ in range(n)) + "."


def _statements(rng: random.Random, art: Article, n: int) -> list[Statement]:
    out = []
    for k in range(n):
        holder, country = rng.choice(HOLDERS)
        topic = rng.choice(["ceasefire", "ceasefire", "peacekeeping"])
        score = rng.choice([1.0, 0.6, 0.3, -0.3, -0.6, -1.0])
        out.append(Statement(
            statement_id=Statement.make_id(art.article_id, 20 * k, 20 * k + 15, holder, topic),
            article_id=art.article_id, published_at=art.published_at, source=art.source, holder_id=holder,
            holder_name=holder.split(":")[1], holder_kind=holder.split(":")[0], country=country, role=None,
            conflict=rng.choice(["russia-ukraine", "israel-hamas"]), topic=topic,
            polarity="support" if score > 0 else "oppose", modality="firm", score=score,
            confidence=round(rng.uniform(0.4, 1.0), 3), attribution="reported", tone=0.0, cue="cue",
            evidence=f"Sentence {k} of {art.article_id}.", char_start=20 * k, char_end=20 * k + 15,
            scorer_version="test"))
    return out


def _articles(rng: random.Random, start: datetime, days: int, count: int, tag: str) -> list[tuple[Article, list[Statement]]]:
    items = []
    texts: list[str] = []
    for i in range(count):
        # A third of the articles copy an earlier text (syndication): they join its story.
        text = rng.choice(texts) + f" Update {i}." if texts and rng.random() < 0.33 else _text(rng)
        texts.append(text)
        published = start + timedelta(days=rng.randrange(days), hours=rng.randrange(24))
        art = Article.build(text, url=f"https://site{i % 5}.example/{tag}/{i}", source=f"site{i % 5}.example",
                            published=published)
        items.append((art, _statements(rng, art, rng.randint(0, 5))))
    return items


def _load_reference(s: Store) -> None:
    s.con.execute(REFERENCE.read_text("utf-8"))


def _assert_exact(s: Store, half_lives: tuple[float, ...] = (14.0, 3.0)) -> None:
    """Every derived figure equals its definition over the raw statements."""
    s.sql("SELECT 1")                                   # refresh if the session wrote
    assert s.pending_derived() == 0
    _load_reference(s)
    for per, table in (("country", "series_country_daily"), ("holder", "series_holder_daily")):
        cols = ("day, conflict, topic, actor, statements, stories, sources, voices, voice_statements, "
                "support_voices, oppose_voices, round(sum_cs, 9), round(sum_c, 9), top_statement_id")
        for a, b in ((f"SELECT {cols} FROM {table}", f"SELECT {cols} FROM raw_daily('{per}')"),
                     (f"SELECT {cols} FROM raw_daily('{per}')", f"SELECT {cols} FROM {table}")):
            diff = s.sql(f"{a} EXCEPT ALL {b}")
            assert diff.height == 0, f"{per}: rows of one side missing from the other:\n{diff}"
    for per in ("country", "holder"):
        got = s.sql(f"SELECT conflict, topic, actor, position, voices, statements, days, top_statement_id "
                    f"FROM positions_at(NULL, 14, 365, '{per}') ORDER BY ALL")
        want = s.sql(f"SELECT conflict, topic, actor, position, voices, statements, days, top_statement_id "
                     f"FROM raw_positions(NULL, 14, 365, '{per}') WHERE position IS NOT NULL ORDER BY ALL")
        assert got.rows() == want.rows()
        for h in half_lives:
            got = s.sql(f"SELECT conflict, topic, actor, day, position FROM position_path({h}, '{per}') ORDER BY ALL")
            want = s.sql(f"SELECT conflict, topic, actor, day, position FROM raw_position_path({h}, '{per}') ORDER BY ALL")
            assert got.select(["conflict", "topic", "actor", "day"]).rows() == \
                want.select(["conflict", "topic", "actor", "day"]).rows()
            for g, w in zip(got["position"].to_list(), want["position"].to_list()):
                assert g == pytest.approx(w, abs=1e-9)


def _write(s: Store, items: list[tuple[Article, list[Statement]]], batch: int = 7) -> None:
    for i in range(0, len(items), batch):
        s.write(items[i:i + batch], "test")


def test_incremental_refresh_equals_the_raw_definitions(tmp_path: Path) -> None:
    rng = random.Random(5)
    settings = load_settings(config=None, db=tmp_path / "t.duckdb")
    start = datetime(2025, 3, 1)
    with Store.open(settings.db_path, settings=settings) as s:
        first = _articles(rng, start, 30, 60, "a")
        _write(s, first[:30])
        _assert_exact(s)                               # refreshed before the query, mid-session
        _write(s, first[30:])
        _assert_exact(s)
        # Updated stories at the same URLs: new text, new statements, sometimes a new day.
        changed = []
        for art, _ in rng.sample(first, 12):
            new = Article.build(art.text + " Corrected.", url=art.url, source=art.source,
                                published=art.published_at + timedelta(days=rng.choice([0, 1, 9])))
            changed.append((new, _statements(rng, new, rng.randint(0, 4))))
        _write(s, changed)
        _assert_exact(s)
        # A rescore swaps the statements of stored articles.
        rows = s.sql("SELECT article_id, story_id, published_at, source FROM articles ORDER BY article_id LIMIT 15")
        items = []
        for aid, story, published, source in rows.rows():
            art = Article(article_id=aid, text="x", published_at=published, source=source)
            items.append((aid, story, _statements(rng, art, rng.randint(0, 3))))
        s.replace_statements(items, "test-2")
        _assert_exact(s)
        # A backfill far in the past, then new days after everything.
        _write(s, _articles(rng, start - timedelta(days=200), 20, 25, "old"))
        _write(s, _articles(rng, start + timedelta(days=40), 5, 15, "new"))
        _assert_exact(s)


def test_a_crash_before_the_refresh_is_repaired_on_the_next_open(tmp_path: Path) -> None:
    rng = random.Random(8)
    settings = load_settings(config=None, db=tmp_path / "t.duckdb")
    with Store.open(settings.db_path, settings=settings) as s:
        _write(s, _articles(rng, datetime(2025, 5, 1), 10, 20, "a"))
    s = Store.open(settings.db_path, settings=settings)
    _write(s, _articles(rng, datetime(2025, 5, 5), 10, 20, "b"))
    assert s.pending_derived() > 0
    s.con.close()                                       # the process dies: no refresh, no snapshot
    with Store.open(settings.db_path, read_only=True, settings=settings) as r:
        assert not r.views_current()                    # readers can tell (the runtime then repairs it)
    with Store.open(settings.db_path, settings=settings) as s:
        assert s.derived_stale
        _assert_exact(s)


def test_a_new_half_life_recomputes_every_running_position(tmp_path: Path) -> None:
    rng = random.Random(9)
    db = tmp_path / "t.duckdb"
    with Store.open(db, settings=load_settings(config=None, db=db)) as s:
        _write(s, _articles(rng, datetime(2025, 1, 1), 90, 80, "a"))
    path = tmp_path / "tracker.toml"
    for half_life in (3.0, 0.5):
        path.write_text(f"[series]\nhalf_life_days = {half_life}\n")
        settings = load_settings(config=path, db=db)
        with Store.open(db, settings=settings) as s:
            assert s.derived_due()
            s.sql("SELECT 1")
            assert s.sql("SELECT value FROM series_settings WHERE name = 'path_half_life_days'").item() == half_life
            _assert_exact(s, half_lives=(half_life, 14.0))


def test_running_positions_are_exact_over_more_half_lives_than_a_double_spans(tmp_path: Path) -> None:
    """A tenth-of-a-day half-life over 200 days: 2000 half-lives. The stored path is walked in
    chunks; the anchored reference underflows to NULL for early days, so only the newest days of
    each series can be compared, and every stored point must be a number."""
    rng = random.Random(10)
    db = tmp_path / "t.duckdb"
    cfg = tmp_path / "tracker.toml"
    cfg.write_text("[series]\nhalf_life_days = 0.1\n")
    settings = load_settings(config=cfg, db=db)
    with Store.open(db, settings=settings) as s:
        _write(s, _articles(rng, datetime(2025, 1, 1), 200, 120, "a"))
        s.sql("SELECT 1")
        _load_reference(s)
        stored = s.sql("SELECT conflict, topic, actor, day, position FROM position_path(0.1, 'country') ORDER BY ALL")
        assert stored.height > 50 and stored["position"].null_count() == 0
        raw = s.sql("SELECT conflict, topic, actor, day, position FROM raw_position_path(0.1, 'country') ORDER BY ALL")
        both = stored.join(raw, on=["conflict", "topic", "actor", "day"], suffix="_raw")
        # The reference's factors are subnormal (imprecise) beyond ~1000 half-lives before a series'
        # newest day; compare where they are normal doubles: within 500 half-lives (50 days).
        newest = both.group_by(["conflict", "topic", "actor"]).agg(pl.col("day").max().alias("newest"))
        both = both.join(newest, on=["conflict", "topic", "actor"]).filter(
            (pl.col("newest") - pl.col("day")).dt.total_days() < 50)
        assert both.height > 10 and both["position_raw"].null_count() == 0
        for g, w in zip(both["position"].to_list(), both["position_raw"].to_list()):
            assert g == pytest.approx(w, abs=1e-9)


def test_a_big_refresh_in_parts_equals_one_in_a_single_pass(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A refresh touching many stories (a full build, a rescore of everything) recomputes voices by
    parts of the stories and daily rows by runs of days, to stay within the memory limit: with parts
    of 7 stories (so several transactions) the result is still exact, and equal to the single-pass one."""
    import tracker.store.derived as store_module

    rng = random.Random(11)
    items = _articles(rng, datetime(2025, 2, 1), 40, 90, "a")
    tables = {}
    for chunk in (10**9, 7):
        monkeypatch.setattr(store_module, "DERIVED_CHUNK_STORIES", chunk)
        db = tmp_path / f"t{chunk}.duckdb"
        with Store.open(db, settings=load_settings(config=None, db=db)) as s:
            _write(s, items, batch=200)
            s.sql("SELECT 1")
            _assert_exact(s)
            tables[chunk] = {t: s.sql(f"SELECT * FROM {t} ORDER BY ALL")
                             for t in ("voices", "series_country_daily", "series_holder_daily")}
    for t, frame in tables[7].items():
        assert frame.height > 0
        # Equal but for the last bits of float sums taken in another order.
        assert_frame_equal(frame, tables[10**9][t], check_exact=False, rel_tol=1e-9, abs_tol=1e-12)


def test_a_big_refresh_that_dies_half_way_is_finished_exactly_next_time(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """The voices of a big refresh are committed part by part before the days are recomputed. If the
    process dies in between, the next open finishes the refresh and the tables are exact: stories
    moved to other days here, and the refresh fails right after the voices were replaced."""
    import tracker.store.derived as store_module

    rng = random.Random(12)
    db = tmp_path / "t.duckdb"
    settings = load_settings(config=None, db=db)
    first = _articles(rng, datetime(2025, 4, 1), 20, 60, "a")
    with Store.open(db, settings=settings) as s:
        _write(s, first)
    moved = []
    for art, _ in first[:40]:
        new = Article.build(art.text + " Revised.", url=art.url, source=art.source,
                            published=art.published_at + timedelta(days=rng.choice([2, 5, -3])))
        moved.append((new, _statements(rng, new, rng.randint(0, 3))))
    monkeypatch.setattr(store_module, "DERIVED_CHUNK_STORIES", 5)
    s = Store.open(db, settings=settings)
    _write(s, moved)
    real = Store._each_series

    def dies_after_the_voices(self: Store, name: str, params: object = None) -> None:
        if name == "derived_05_days_after":
            raise store_module.duckdb.IOException("the disk went away")
        real(self, name, params)

    monkeypatch.setattr(Store, "_each_series", dies_after_the_voices)
    with pytest.raises(store_module.StoreError):
        s.refresh_derived()
    s.con.close()                                       # and the process dies
    monkeypatch.setattr(Store, "_each_series", real)
    with Store.open(db, settings=settings) as s:
        assert s.derived_stale
        _assert_exact(s)
