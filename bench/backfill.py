"""Backfill throughput: `tracker backfill` on a local Ray cluster with 1, 2, ... workers beside serial scoring.

    python bench/backfill.py --corpus ../shared/corpus/mixed.jsonl
    python bench/backfill.py --corpus ../shared/corpus/mixed.jsonl --limit 1000 --workers 1,2

Sides, each in its own child process, one after the other:
  serial     what `tracker score` does (pipeline.score_lines over the file), in one process; the
             model load is timed apart, so `score s` is scoring alone and `wall s` includes it
  ray-N      backfill.run over the same file with N scorer actors on a local Ray cluster of N CPUs
             (started before the clock): reading, the actors' model loading, scoring, writing
             the staging and the month-partitioned Parquet. `wall s` is all of it.
The per-worker overhead is what a backfill costs beyond serial scoring: model loading per actor,
Arrow conversion, Parquet writing, Ray's scheduling. Memory: the peak RSS of each scorer actor
(sampled every 0.2 s with psutil) and of the cluster's own processes (raylet, GCS, object store).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from corpus import read_corpus  # noqa: E402


def serial(path: Path) -> dict[str, Any]:
    import resource

    from tracker.config import load_settings
    from tracker.pipeline import Runtime, score_lines

    t0 = time.perf_counter()
    runtime = Runtime(load_settings(db=os.devnull))
    runtime.scorer  # noqa: B018 - load before the scoring clock
    loaded = time.perf_counter()
    ids: list[str] = []
    articles = 0
    with path.open(encoding="utf-8") as fh:
        for item in score_lines(runtime, ((f"{path}:{i}", line) for i, line in enumerate(fh, 1))):
            if isinstance(item, dict):
                ids.append(item["statement_id"])
            elif isinstance(item, str):
                articles += 1
    done = time.perf_counter()
    return {"side": "serial", "articles": articles, "statements": len(ids), "wall": done - t0,
            "records": articles, "score": done - loaded, "load": loaded - t0, "digest": _digest(ids),
            "worker_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "cluster_rss_mb": 0.0}


def _digest(ids: list[str]) -> str:
    return hashlib.sha1("\n".join(sorted(ids)).encode()).hexdigest()[:12]


def ray_side(path: Path, workers: int) -> dict[str, Any]:
    import psutil
    import pyarrow.dataset as ds
    import ray

    from tracker import backfill
    from tracker.config import load_settings

    os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
    ray.init(num_cpus=workers, include_dashboard=False, log_to_driver=False, configure_logging=False)
    peaks: dict[int, tuple[str, float]] = {}
    stop = threading.Event()
    me = os.getpid()

    def sample() -> None:
        # The local cluster's processes are this process's descendants (raylet, GCS, workers).
        while not stop.is_set():
            for p in psutil.Process(me).children(recursive=True):
                try:
                    cmd = " ".join(p.cmdline())
                    kind = "worker" if ("ScoreBatches" in cmd or "MapWorker" in cmd) else "cluster"
                    # USS: the memory only this process holds (RSS counts the shared object store in
                    # every process that maps it).
                    rss = p.memory_full_info().uss / 2**20
                    if rss > peaks.get(p.pid, ("", 0.0))[1]:
                        peaks[p.pid] = (kind, rss)
                except psutil.Error:
                    continue
            stop.wait(0.2)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    out = Path(tempfile.mkdtemp(prefix="bench-backfill-")) / "out"
    try:
        t0 = time.perf_counter()
        report = backfill.run(load_settings(db=os.devnull), [str(path)], str(out), workers=workers)
        wall = time.perf_counter() - t0
    finally:
        stop.set()
        thread.join()
        ray.shutdown()
    ids = ds.dataset(out / "statements", format="parquet", partitioning="hive").to_table(
        columns=["statement_id"])["statement_id"].to_pylist()
    workers_rss = [rss for kind, rss in peaks.values() if kind == "worker"]
    return {"side": f"ray-{workers}", "articles": report.articles, "statements": len(ids), "wall": wall,
            "records": report.articles + report.skipped, "score": report.scoring_seconds, "load": 0.0,
            "digest": _digest(ids),
            "worker_rss_mb": max(workers_rss) if workers_rss else 0.0,
            "cluster_rss_mb": sum(rss for kind, rss in peaks.values() if kind == "cluster")}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, required=True, help="a JSONL file of articles")
    ap.add_argument("--limit", type=int, help="only the first N usable articles")
    ap.add_argument("--workers", default="1,2", help="comma-separated worker counts (default 1,2)")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if not args.corpus.exists():
        sys.exit(f"No corpus at {args.corpus}: pass --corpus FILE.jsonl (one article object per line)")
    if args.child:
        result = serial(args.corpus) if args.child == "serial" else ray_side(args.corpus, int(args.child))
        print(json.dumps(result))
        return
    try:
        import ray  # noqa: F401
    except ImportError:
        sys.exit("Ray is not installed: pip install 'stance-tracker[ray]' (or `make setup`)")
    with tempfile.TemporaryDirectory() as tmp:
        # The same records for every side, so a limit cuts the same articles.
        corpus = Path(tmp) / "corpus.jsonl"
        records = read_corpus(args.corpus, args.limit)
        corpus.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
        results = []
        for side in ["serial"] + [w.strip() for w in args.workers.split(",") if w.strip()]:
            proc = subprocess.run([sys.executable, __file__, "--child", side, "--corpus", str(corpus)],
                                  capture_output=True, text=True)
            if proc.returncode != 0:
                sys.exit(f"the {side} run failed:\n{proc.stderr[-3000:]}")
            results.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    from throughput import machine

    print(f"# bench/backfill.py on {machine()}")
    print(f"corpus {args.corpus.name}: {len(records):,} records{f' (first {args.limit})' if args.limit else ''}\n")
    print("records/s counts every input line (what ingestion skips as too short or not English too); "
          "`score s` is scoring alone (serial) or reading and scoring up to the staging write (Ray)\n")
    print(f"{'side':8s} {'wall s':>7s} {'score s':>8s} {'records/s':>10s} {'per worker':>11s} {'scoring/s':>10s} "
          f"{'worker USS':>11s} {'cluster USS':>12s}  statements")
    serial_rate = None
    for r in results:
        n = 1 if r["side"] == "serial" else int(r["side"].split("-")[1])
        rate = r["records"] / r["wall"]
        serial_rate = serial_rate or rate
        print(f"{r['side']:8s} {r['wall']:7.1f} {r['score']:8.1f} {rate:10.1f} {rate / n:11.1f} "
              f"{r['records'] / r['score']:10.1f} {r['worker_rss_mb']:9,.0f}MB {r['cluster_rss_mb']:10,.0f}MB  "
              f"{r['statements']:,} ({r['digest']})")
    same = len({r["digest"] for r in results[1:]}) <= 1
    print(f"\nstatements of the Ray sides are {'identical' if same else 'DIFFERENT'} (serial `tracker score` keeps "
          "each record's id as the article id and scores short or non-English records that ingestion skips, "
          "so its ids and count differ)")
    if serial_rate:
        for r in results[1:]:
            n = int(r["side"].split("-")[1])
            print(f"{r['side']}: {r['records'] / r['wall'] / n / serial_rate:.0%} of serial records/s per worker "
                  f"(wall time incl. each actor's model load of about {results[0]['load']:.0f} s)")


if __name__ == "__main__":
    main()
