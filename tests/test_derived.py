"""The derived series tables stay exact: after writes, replacements, rescoring, backfills, a crash
before the refresh and a changed half-life, they equal the same figures computed straight from the
statements (sql/reference/raw_series.sql)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path

import polars as pl
import pytest

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
