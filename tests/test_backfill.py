"""`tracker backfill` on a local Ray cluster and `tracker load`: the same statements as `tracker ingest`.

One local cluster of 2 CPUs serves the module (started once, shut down at the end). The equality
tests run on the bundled samples always and on ../shared/corpus/news.jsonl when it is there.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib import resources
from pathlib import Path
from typing import Any, Iterator

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import SHARED

from tracker import files, load, pipeline
from tracker.config import load_settings
from tracker.pipeline import Runtime
from tracker.store import Store

SAMPLES = Path(str(resources.files("tracker").joinpath("data/samples/articles.jsonl")))
NEWS = SHARED / "corpus" / "news.jsonl"
ARTICLE_VOLATILE = ("fetched_at", "stored_at")      # when a row was written: the only columns that differ


@pytest.fixture
def rt(runtime: Runtime, tmp_path: Path) -> Runtime:
    fresh = Runtime(load_settings(config=None, db=tmp_path / "ingest.duckdb"))
    for name in ("gazetteer", "registry", "lexicon", "nlp", "scorer"):
        fresh.__dict__[name] = getattr(runtime, name)
    return fresh


@pytest.fixture(scope="module")
def ray_cluster() -> Iterator[Any]:
    """A local Ray cluster of 2 CPUs for the module; no dashboard, no usage stats; stopped at the end."""
    ray = pytest.importorskip("ray", reason="Ray is not installed: `make setup` (or pip install "
                                            "'stance-tracker[ray]') installs it for the backfill tests")
    os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    try:
        yield ray
    finally:
        ray.shutdown()


def _ingest(rt: Runtime, path: Path, db: Path) -> None:
    with Runtime(load_settings(config=None, db=db)).open_store() as store:
        report = pipeline.ingest(rt, store, files.read_paths([path]))
        assert report.counts["errors"] == 0, report.summary()


def _load(db: Path, *folders: Path, replace: bool = False) -> pipeline.RunReport:
    with Runtime(load_settings(config=None, db=db)).open_store() as store:
        return load.load(store, [str(f) for f in folders], replace=replace)


def _tables(db: Path) -> dict[str, pl.DataFrame]:
    with Store.open(db, read_only=True) as s:
        return {
            "statements": s.sql("SELECT * FROM statements ORDER BY statement_id"),
            "articles": s.sql(f"SELECT * EXCLUDE ({', '.join(ARTICLE_VOLATILE)}) FROM articles ORDER BY article_id"),
            "voices": s.sql("SELECT * FROM voices ORDER BY ALL"),
            "series_country_daily": s.sql("SELECT * FROM series_country_daily ORDER BY ALL"),
            "series_holder_daily": s.sql("SELECT * FROM series_holder_daily ORDER BY ALL"),
            "by_key": s.sql("SELECT conflict, topic, country, holder_id, polarity, count(*) AS n, "
                            "count(DISTINCT story_id) AS stories FROM statements GROUP BY ALL ORDER BY ALL"),
        }


def _assert_same(ingested: Path, loaded: Path) -> None:
    """Statements and articles identical to the last bit; the derived tables' sums to 1e-12 (DuckDB adds
    floats in parallel, so the last bit of a sum can differ between any two refreshes)."""
    from polars.testing import assert_frame_equal

    a, b = _tables(ingested), _tables(loaded)
    for name in a:
        assert a[name].height == b[name].height, f"{name}: {a[name].height} rows after ingest, {b[name].height} after load"
        if name in ("statements", "articles", "by_key"):
            assert a[name].equals(b[name]), f"{name} differs between ingest and backfill + load"
        else:
            assert_frame_equal(a[name], b[name], check_exact=False, rel_tol=1e-12, abs_tol=1e-12)


def _backfill(settings_db: Path, inputs: list[Path], out: Path, workers: int = 2, batch_size: int = 8) -> Any:
    from tracker import backfill

    return backfill.run(load_settings(config=None, db=settings_db), [str(p) for p in inputs], str(out),
                        workers=workers, batch_size=batch_size)


def test_backfill_then_load_gives_the_statements_of_ingest_on_the_samples(ray_cluster: Any, rt: Runtime,
                                                                          tmp_path: Path) -> None:
    out = tmp_path / "backfill"
    report = _backfill(tmp_path / "unused.duckdb", [SAMPLES], out)
    n = len(SAMPLES.read_text().splitlines())
    assert report.articles == n and report.skipped == 0 and report.statements > n, report.summary()

    # The layout of `tracker export --parquet`: Hive partitions by month, the statements table's columns.
    months = sorted(p.name for p in (out / "statements").iterdir())
    assert months and all(m.startswith("month=") and len(m) == len("month=2025-03") for m in months)
    assert sorted(p.name for p in (out / "articles").iterdir()) == months
    assert not (out / "_scored").exists()
    with Store.open(tmp_path / "ingest.duckdb", settings=rt.settings) as s:
        statement_columns = s.sql("SELECT * FROM statements LIMIT 0").columns
        article_columns = s.sql("SELECT * FROM articles LIMIT 0").columns
    written = pl.read_parquet(out / "statements", hive_partitioning=True)
    assert written.height == report.statements
    assert written.columns == statement_columns + ["month"]
    arts = pl.read_parquet(out / "articles", hive_partitioning=True)
    assert set(arts.columns) - {"input_order", "month"} == set(article_columns) - {"stored_at"}

    _ingest(rt, SAMPLES, tmp_path / "ingest.duckdb")
    first = _load(tmp_path / "loaded.duckdb", out)
    assert first.counts["stored"] == n and first.counts["statements"] == report.statements
    _assert_same(tmp_path / "ingest.duckdb", tmp_path / "loaded.duckdb")

    again = _load(tmp_path / "loaded.duckdb", out)      # idempotent: nothing changes
    assert again.counts["stored"] == 0 and again.counts["present"] == n and again.counts["statements"] == 0
    _assert_same(tmp_path / "ingest.duckdb", tmp_path / "loaded.duckdb")


def test_parquet_input_gives_the_same_statements_as_jsonl(ray_cluster: Any, tmp_path: Path) -> None:
    """The same records as JSONL and as Parquet in one run: every article and statement comes out twice,
    identical."""
    records = [json.loads(line) for line in SAMPLES.read_text().splitlines()[:8]]
    src = tmp_path / "in"
    src.mkdir()
    pq.write_table(pa.Table.from_pylist(records), src / "part-0.parquet")
    (src / "subset.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    report = _backfill(tmp_path / "x.duckdb", [src], tmp_path / "out", workers=1)
    assert report.articles == 16 and report.skipped == 0
    arts = pl.read_parquet(tmp_path / "out" / "articles", hive_partitioning=True)
    by_file = arts.with_columns((pl.col("input_order") // 2**40).alias("file")).sort("article_id")
    parquet, jsonl = by_file.filter(pl.col("file") == 0), by_file.filter(pl.col("file") == 1)
    volatile = ["input_order", "file", "fetched_at"]
    assert parquet.drop(volatile).equals(jsonl.drop(volatile))      # folders recurse in name order
    st = pl.read_parquet(tmp_path / "out" / "statements", hive_partitioning=True)
    assert st.height > 0 and st.height == 2 * st.unique().height     # each statement twice, identical


@pytest.mark.skipif(not NEWS.exists(), reason=f"{NEWS} not found: the news corpus lives in ../shared/corpus "
                                               "beside the checkout; the samples test covers the same path")
def test_backfill_then_load_gives_the_statements_of_ingest_on_the_news_corpus(ray_cluster: Any, rt: Runtime,
                                                                              tmp_path: Path) -> None:
    out = tmp_path / "backfill"
    report = _backfill(tmp_path / "unused.duckdb", [NEWS], out, batch_size=16)
    _ingest(rt, NEWS, tmp_path / "ingest.duckdb")
    loaded = _load(tmp_path / "loaded.duckdb", out)
    assert loaded.counts["statements"] == report.statements > 0
    _assert_same(tmp_path / "ingest.duckdb", tmp_path / "loaded.duckdb")
    with Store.open(tmp_path / "ingest.duckdb", read_only=True) as a, Store.open(tmp_path / "loaded.duckdb",
                                                                                  read_only=True) as b:
        skipped = "SELECT item, reason FROM skipped ORDER BY ALL"
        assert a.sql(skipped).equals(b.sql(skipped))            # the same records skipped, for the same reasons


def test_two_daemons_stores_merge_into_one_by_export_and_load(rt: Runtime, tmp_path: Path) -> None:
    """More than one writer: each daemon (here one per half of the samples) writes its own store and
    exports it; one load merges the exports into what a single store would hold."""
    lines = SAMPLES.read_text().splitlines()
    halves = [tmp_path / "region-a.jsonl", tmp_path / "region-b.jsonl"]
    halves[0].write_text("\n".join(lines[0::2]) + "\n")
    halves[1].write_text("\n".join(lines[1::2]) + "\n")
    exports = []
    for i, half in enumerate(halves):
        db = tmp_path / f"daemon-{i}.duckdb"
        _ingest(rt, half, db)
        with Store.open(db, settings=rt.settings) as s:
            s.export_parquet(tmp_path / f"export-{i}")
        exports.append(tmp_path / f"export-{i}")
    _ingest(rt, SAMPLES, tmp_path / "ingest.duckdb")
    merged = _load(tmp_path / "merged.duckdb", *exports)
    assert merged.counts["stored"] == len(lines)
    _assert_same(tmp_path / "ingest.duckdb", tmp_path / "merged.duckdb")


def test_a_month_already_present_is_replaced_only_with_replace(rt: Runtime, tmp_path: Path) -> None:
    _ingest(rt, SAMPLES, tmp_path / "ingest.duckdb")
    with Store.open(tmp_path / "ingest.duckdb", settings=rt.settings) as s:
        s.export_parquet(tmp_path / "export")
        month, dropped = s.sql("SELECT strftime(published_at, '%Y-%m') AS m, statement_id FROM statements "
                               "ORDER BY published_at, statement_id LIMIT 1").row(0)
    # A newer output of that month: one statement fewer (as a changed scorer might give).
    part = next((tmp_path / "export" / "statements" / f"month={month}").glob("*.parquet"))
    table = pq.read_table(part)
    pq.write_table(table.filter(pa.compute.not_equal(table["statement_id"], dropped)), part)

    db = tmp_path / "store.duckdb"
    _ingest(rt, SAMPLES, db)
    kept = _load(db, tmp_path / "export")
    assert kept.counts["stored"] == 0 and kept.counts["present"] == len(SAMPLES.read_text().splitlines())
    _assert_same(tmp_path / "ingest.duckdb", db)                # nothing replaced without --replace

    replaced = _load(db, tmp_path / "export", replace=True)
    assert replaced.counts["removed"] == replaced.counts["stored"] > 0
    with Store.open(db, read_only=True) as s:
        ids = set(s.sql("SELECT statement_id FROM statements")["statement_id"])
        other = s.sql("SELECT count(*) FROM statements WHERE strftime(published_at, '%Y-%m') <> $m", {"m": month}).item()
    with Store.open(tmp_path / "ingest.duckdb", read_only=True) as s:
        before = set(s.sql("SELECT statement_id FROM statements")["statement_id"])
        other_before = s.sql("SELECT count(*) FROM statements WHERE strftime(published_at, '%Y-%m') <> $m",
                             {"m": month}).item()
    assert ids == before - {dropped} and other == other_before


def _cli(*args: str, cwd: Path, env: dict[str, str] | None = None, code: str | None = None) -> subprocess.CompletedProcess[str]:
    run = [sys.executable, "-c", code, *args] if code else [sys.executable, "-m", "tracker.cli", *args]
    return subprocess.run(run, cwd=cwd, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "RAY_USAGE_STATS_ENABLED": "0", **(env or {})})


def test_backfill_without_ray_says_how_to_install_it(tmp_path: Path) -> None:
    no_ray = ("import sys; sys.modules['ray'] = None; from tracker.cli import main; "
              "sys.exit(main(sys.argv[1:]))")
    res = _cli("backfill", str(SAMPLES), "--out", str(tmp_path / "out"), cwd=tmp_path, code=no_ray)
    assert res.returncode == 3, res.stderr
    assert "pip install 'stance-tracker[ray]'" in res.stderr and "Ray" in res.stderr
    assert not (tmp_path / "out").exists()


def test_tracker_and_the_daemon_never_import_ray(tmp_path: Path) -> None:
    code = ("import sys, tracker, tracker.cli, tracker.daemon, tracker.load, tracker.backfill, tracker.poll; "
            "sys.exit(1 if any(m == 'ray' or m.startswith('ray.') for m in sys.modules) else 0)")
    res = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, "importing tracker loaded ray: keep Ray imports inside tracker.backfill.run"


def test_backfill_and_load_name_bad_inputs(tmp_path: Path) -> None:
    res = _cli("backfill", str(tmp_path / "missing.jsonl"), "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert res.returncode == 5 and "No such file or folder" in res.stderr and "Try:" in res.stderr
    (tmp_path / "notes.txt").write_text("x")
    res = _cli("backfill", str(tmp_path / "notes.txt"), "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert res.returncode == 5 and "not a JSONL or Parquet file" in res.stderr
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("x")
    res = _cli("backfill", str(SAMPLES), "--out", str(tmp_path / "full"), cwd=tmp_path)
    assert res.returncode == 5 and "is not empty" in res.stderr
    res = _cli("load", "--parquet", str(tmp_path / "full"), "--db", str(tmp_path / "s.duckdb"), cwd=tmp_path)
    assert res.returncode == 5 and "not a backfill or export folder" in res.stderr
    assert not (tmp_path / "s.duckdb").exists()


def test_load_command_merges_an_export_and_reports_what_it_did(rt: Runtime, tmp_path: Path) -> None:
    _ingest(rt, SAMPLES, tmp_path / "ingest.duckdb")
    with Store.open(tmp_path / "ingest.duckdb", settings=rt.settings) as s:
        s.export_parquet(tmp_path / "export")
    db = tmp_path / "store.duckdb"
    res = _cli("load", "--parquet", str(tmp_path / "export"), "--db", str(db), cwd=tmp_path)
    n = len(SAMPLES.read_text().splitlines())
    assert res.returncode == 0, res.stderr
    assert f"load: {n} articles read, {n} stored, 0 already present" in res.stdout
    assert "progress: loaded" in res.stderr                    # plain progress lines when not on a terminal
    again = _cli("load", "--parquet", str(tmp_path / "export"), "--db", str(db), cwd=tmp_path)
    assert again.returncode == 0 and f"0 stored, {n} already present (kept)" in again.stdout
    assert "add --replace" in again.stderr
    _assert_same(tmp_path / "ingest.duckdb", db)
