"""Store benchmark: write throughput and query latency at scale, against baselines in the same run.

    python bench/store.py                       # 1M statement writes, queries over 10M statements
    python bench/store.py --writes 200000 --rows 2000000 --runs 3      # a quicker pass

Writes: `Store.write` as the pipeline calls it (batches of articles with their statements, one
transaction per batch, near-duplicate lookup included), then the derived-table refresh that closes
the write session; the baseline is the same statement rows inserted row by row with executemany.
Statement rows alone (an Arrow insert of pre-built frames of the same batch size) are also timed.

Queries: the synthetic store (see synthetic.py) is built with `Store.insert_statements`, its
derived tables refreshed once in full, then one more day is written and refreshed (the daemon's
steady state). Each named query runs --runs times (median reported, first run included in the
list); the baseline is the same figure computed straight from `statements` by the reference SQL
(sql/reference/raw_series.sql), as the views did before the derived tables existed.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any, Callable

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import duckdb  # noqa: E402
import polars as pl  # noqa: E402
from synthetic import pipeline_batches, statement_frames  # noqa: E402

from tracker.config import load_settings  # noqa: E402
from tracker.store import Store, statement_frame  # noqa: E402

REFERENCE = HERE.parent / "sql" / "reference" / "raw_series.sql"


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def machine() -> str:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores ({cpu}), {mem:.0f} GiB, "
            f"Python {platform.python_version()}, duckdb {duckdb.__version__}, polars {pl.__version__}")


# --- writes --------------------------------------------------------------------------------------

def bench_writes(folder: Path, total: int, per_article: int, batch: int, baseline_rows: int) -> None:
    settings = load_settings(config=None, db=folder / "writes.duckdb")
    store = Store.open(settings.db_path, settings=settings)
    store.publish_on_close = False
    written = articles = 0
    seconds = 0.0
    for items in pipeline_batches(total, per_article, batch):
        t0 = time.perf_counter()
        result = store.write(items, "bench")
        seconds += time.perf_counter() - t0
        written += result.statements
        articles += len(result.stored)
    t0 = time.perf_counter()
    store.refresh_derived()
    refresh = time.perf_counter() - t0
    store.close()
    print(f"\n## Writes: {written:,} statements in {articles:,} articles, batches of {batch} articles "
          f"({per_article} statements each)")
    print(f"Store.write (articles + near-duplicate lookup + statements): {seconds:8.1f} s  "
          f"{written / seconds:10,.0f} statements/s  {articles / seconds:8,.0f} articles/s")
    print(f"derived tables refreshed at session close:                    {refresh:8.1f} s  "
          f"(write + refresh: {written / (seconds + refresh):,.0f} statements/s)")

    # Statement rows alone, as frames of the same size as the pipeline's batches.
    store = Store.open(folder / "rows.duckdb")
    store.publish_on_close = False
    frames = []
    for items in pipeline_batches(min(total, 200_000), per_article, batch, seed=12):
        sts = [st for _, group in items for st in group]
        frames.append(statement_frame(sts, [st.article_id for st in sts]))
    rows = sum(f.height for f in frames)
    t0 = time.perf_counter()
    for f in frames:
        store.insert_statements(f)
    arrow_s = time.perf_counter() - t0
    store.close()

    # Baseline: the same rows, one executemany of INSERT ... VALUES per batch.
    con = duckdb.connect(str(folder / "baseline.duckdb"))
    con.execute((HERE.parent / "sql" / "migrations" / "001_initial.sql").read_text())
    cols = list(frames[0].columns)
    sample = pl.concat(frames).head(baseline_rows)
    t0 = time.perf_counter()
    for start in range(0, sample.height, per_article * batch):
        part = sample.slice(start, per_article * batch)
        con.execute("BEGIN TRANSACTION")
        con.executemany(f"INSERT INTO statements ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                        part.rows())
        con.execute("COMMIT")
    base_s = time.perf_counter() - t0
    con.close()
    print(f"statement rows only, Arrow insert per batch:                  {arrow_s:8.1f} s  "
          f"{rows / arrow_s:10,.0f} rows/s  ({rows:,} rows)")
    print(f"baseline, executemany per batch:                              {base_s:8.1f} s  "
          f"{sample.height / base_s:10,.0f} rows/s  ({sample.height:,} rows)")
    print(f"ratio Arrow / executemany: {(rows / arrow_s) / (sample.height / base_s):.0f}x")


# --- queries -------------------------------------------------------------------------------------

def build(path: Path, rows: int) -> None:
    settings = load_settings(config=None, db=path)
    store = Store.open(path, settings=settings)
    store.publish_on_close = False
    inserted = 0.0
    made = 0
    for frame in statement_frames(rows):                 # generating the rows is not timed
        t0 = time.perf_counter()
        store.insert_statements(frame)
        inserted += time.perf_counter() - t0
        made += frame.height
    t0 = time.perf_counter()
    store.refresh_derived()
    refreshed = time.perf_counter() - t0
    store.close()
    print(f"\n## Store of {made:,} synthetic statements over 3 years ({path.stat().st_size / 2**30:.2f} GiB)")
    print(f"bulk insert {inserted:.1f} s ({made / inserted:,.0f} rows/s); full derived build {refreshed:.1f} s")


def steady_state(path: Path) -> None:
    """One more day of statements (the daemon's day), then its refresh."""
    settings = load_settings(config=None, db=path)
    store = Store.open(path, settings=settings)
    store.publish_on_close = False
    last = store.sql("SELECT max(published_at) FROM statements").item()
    day = next(statement_frames(9_000, seed=99))
    day = day.with_columns(
        pl.lit(last + timedelta(hours=12)).cast(pl.Datetime("us")).alias("published_at"),
        ("n" + pl.col("statement_id")).alias("statement_id"),
        ("n" + pl.col("article_id")).alias("article_id"),
        ("n" + pl.col("story_id")).alias("story_id"))
    t0 = time.perf_counter()
    store.insert_statements(day)
    store.refresh_derived()
    print(f"one more day ({day.height:,} statements) written and refreshed: {time.perf_counter() - t0:.2f} s")
    store.close()


BASELINE_MEMORY = "16GB"


def timed(fn: Callable[[], Any], runs: int) -> tuple[float, int, list[float]]:
    times = []
    rows = 0
    for _ in range(runs):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
        rows = out.height if hasattr(out, "height") else len(out)
    return statistics.median(times), rows, times


def bench_queries(path: Path, runs: int, baseline_runs: int) -> None:
    settings = load_settings(config=None, db=path)
    store = Store.open(path, read_only=True, settings=settings)
    store.con.execute("SET enable_progress_bar = false")
    actor = store.sql("SELECT actor FROM statements_daily GROUP BY 1 ORDER BY count(*) DESC LIMIT 1 OFFSET 7").item()
    cases: list[tuple[str, Callable[[], Any], Callable[[], Any] | None]] = [
        ("positions (named query, defaults)", lambda: store.query("positions"),
         lambda: store.sql("SELECT * FROM raw_positions(NULL, 14, 365, 'country')")),
        (f"timeseries country={actor}, 1 day", lambda: store.query("timeseries", actor=actor),
         lambda: store.sql("SELECT * FROM raw_daily('country') WHERE actor = $a", {"a": actor})),
        (f"timeseries country={actor}, 1 week", lambda: store.query("timeseries", actor=actor, bucket="7 days"), None),
        ("shifts (named query, defaults)", lambda: store.query("shifts"),
         lambda: store.sql("SELECT * FROM raw_position_path(14, 'country')")),
        (f"statements_daily country={actor}", lambda: store.sql(
            "SELECT * FROM statements_daily WHERE actor = $a", {"a": actor}),
         lambda: store.sql("SELECT * FROM raw_daily('country') WHERE actor = $a", {"a": actor})),
        ("statements_daily last 30 days", lambda: store.sql(
            "SELECT * FROM statements_daily WHERE day > (SELECT max(day) FROM statements_daily) - 30"), None),
        ("statements_daily, every row", lambda: store.sql("SELECT * FROM statements_daily"),
         lambda: store.sql("SELECT * FROM raw_daily('country')")),
    ]
    total = store.sql("SELECT count(*) FROM statements").item()
    print(f"\n## Query latency over {total:,} statements: median of {runs} runs "
          f"(baseline: reference SQL over the raw statements, median of {baseline_runs}); memory limit "
          f"{settings.memory_limit}, {BASELINE_MEMORY} for the baseline")
    print(f"{'query':42s} {'rows':>10s} {'median':>9s} {'runs (ms)':28s} {'baseline':>10s} {'ratio':>7s}")
    store.con.execute(REFERENCE.read_text("utf-8"))      # temporary macros: this connection only
    for name, fn, base in cases:
        med, rows, times = timed(fn, runs)
        base_txt = ratio = ""
        if base is not None and baseline_runs:
            # The raw reference SQL does not fit in the default limit at 10M statements: give it room.
            store.con.execute(f"SET memory_limit = '{BASELINE_MEMORY}'")
            bmed, _, _ = timed(base, baseline_runs)
            store.con.execute(f"SET memory_limit = '{settings.memory_limit}'")
            base_txt, ratio = f"{bmed * 1000:8.0f} ms", f"{bmed / med:6.0f}x"
        print(f"{name:42s} {rows:10,d} {med * 1000:6.0f} ms {' '.join(f'{t * 1000:.0f}' for t in times):28s} "
              f"{base_txt:>10s} {ratio:>7s}")
    store.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--writes", type=int, default=1_000_000, help="statements written through Store.write")
    ap.add_argument("--per-article", type=int, default=4, help="statements per article in the write test")
    ap.add_argument("--batch", type=int, default=256, help="articles per write transaction")
    ap.add_argument("--baseline-rows", type=int, default=20_000, help="rows for the executemany baseline")
    ap.add_argument("--rows", type=int, default=10_000_000, help="statements in the query test's store")
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--baseline-runs", type=int, default=2)
    ap.add_argument("--store", type=Path, help="reuse (or keep) the query test's store at this path")
    ap.add_argument("--skip-writes", action="store_true")
    args = ap.parse_args()
    print(f"# bench/store.py on {machine()}")
    with tempfile.TemporaryDirectory(prefix="tracker-bench-") as tmp:
        folder = Path(tmp)
        if not args.skip_writes:
            bench_writes(folder, args.writes, args.per_article, args.batch, args.baseline_rows)
        path = args.store or folder / "queries.duckdb"
        if not path.exists():
            build(path, args.rows)
            steady_state(path)
        bench_queries(path, args.runs, args.baseline_runs)
    print(f"\npeak RSS of the benchmark process: {rss_mb():,.0f} MB")


if __name__ == "__main__":
    main()
