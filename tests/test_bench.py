"""The benchmarks still run (on tiny inputs): they print figures, and the throughput benchmark's
keyword-pass scorer finds exactly what the full parse finds. No timing is asserted here."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "tracker" / "data" / "samples" / "articles.jsonl"


def test_throughput_benchmark_runs_and_the_fast_path_finds_the_same_statements(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    samples = [json.loads(line) for line in SAMPLES.read_text("utf-8").splitlines()[:6]]
    with corpus.open("w", encoding="utf-8") as fh:
        for i, rec in enumerate(samples):
            fh.write(json.dumps({"id": f"s{i}", "text": rec["text"], "published": rec.get("published")}) + "\n")
        fh.write("not json\n")                                      # skipped, not fatal
    out = subprocess.run([sys.executable, str(ROOT / "bench" / "throughput.py"), "--corpus", str(corpus),
                          "--sides", "scorer,full,baseline"], capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "corpus corpus.jsonl: 6 articles" in out.stdout
    rows = {line.split()[0]: line.split() for line in out.stdout.splitlines()
            if line.split() and line.split()[0] in ("scorer", "full", "baseline")}
    assert set(rows) == {"scorer", "full", "baseline"}
    for _side, cols in rows.items():
        assert float(cols[1]) > 0 and float(cols[2]) > 0, cols      # seconds, articles/s
        assert cols[4].endswith("MB")                                 # peak RSS
    assert "are identical" in out.stdout


def test_throughput_benchmark_says_what_is_wrong_with_a_missing_corpus(tmp_path: Path) -> None:
    out = subprocess.run([sys.executable, str(ROOT / "bench" / "throughput.py"), "--corpus", str(tmp_path / "no.jsonl")],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode != 0 and "No corpus at" in out.stderr


def test_store_benchmark_runs_small(tmp_path: Path) -> None:
    out = subprocess.run([sys.executable, str(ROOT / "bench" / "store.py"), "--writes", "2000", "--baseline-rows", "200",
                          "--rows", "30000", "--runs", "2", "--baseline-runs", "1"],
                         capture_output=True, text=True, timeout=900)
    assert out.returncode == 0, out.stderr[-2000:]
    text = out.stdout
    assert "statements/s" in text and "ratio Arrow / executemany" in text
    for query in ("positions", "timeseries", "shifts", "statements_daily"):
        assert query in text


def test_backlog_benchmark_runs_and_drains_every_page() -> None:
    out = subprocess.run([sys.executable, str(ROOT / "bench" / "backlog.py"), "--pages", "8", "--gap", "0.01",
                          "--budget", "0.03"], capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "drained 11 articles" in out.stdout and "predicted with the 1 s default gap" in out.stdout, out.stdout


def test_backfill_benchmark_runs_serial_and_one_worker(tmp_path: Path) -> None:
    import pytest

    pytest.importorskip("ray", reason="Ray is not installed: `make setup` installs it for the backfill benchmark")
    out = subprocess.run([sys.executable, str(ROOT / "bench" / "backfill.py"), "--corpus", str(SAMPLES),
                          "--limit", "4", "--workers", "1"], capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    rows = {line.split()[0]: line.split() for line in out.stdout.splitlines()
            if line.split() and line.split()[0] in ("serial", "ray-1")}
    assert set(rows) == {"serial", "ray-1"}
    for cols in rows.values():
        assert float(cols[1]) > 0 and float(cols[3]) > 0, cols       # wall seconds, articles/s
        assert cols[6].endswith("MB")                                  # memory of a worker
