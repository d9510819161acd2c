"""The daemon as a real process against a loopback server: clean SIGTERM, and SIGKILL at any moment
followed by a restart stores every article exactly once, each with all its statements."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from httpserver import LoopbackServer, etag_route, page, rss, send
from newsfixtures import ARTICLES

N = 36


@pytest.fixture
def server():
    with LoopbackServer() as s:
        links = []
        for i in range(N):
            title, paras = ARTICLES[i % len(ARTICLES)]
            body = page(f"{title} ({i})", [f"Update {i}: " + paras[0]] + paras[1:])
            s.routes[f"/a/{i}.html"] = (lambda b: (lambda h: send(h, 200, b, "text/html; charset=utf-8")))(body)
            links.append({"title": f"{title} ({i})", "link": s.url(f"/a/{i}.html")})
        s.routes["/rss.xml"] = etag_route(lambda: rss(links), "application/rss+xml", s)
        yield s


def write_config(tmp: Path, server: LoopbackServer) -> Path:
    cfg = tmp / "tracker.toml"
    cfg.write_text(f"""
[store]
path = "store/tracker.duckdb"

[fetch]
allow_hosts = ["127.0.0.1"]
per_host_delay_seconds = 0.0
per_host_concurrency = 4
timeout_seconds = 5.0

[daemon]
batch_size = 2
store_wait_seconds = 5.0

[[feeds]]
name = "loopback"
url = "{server.url('/rss.xml')}"
interval_seconds = 2
""")
    return cfg


def start(tmp: Path) -> subprocess.Popen:
    env = {**os.environ, "TRACKER_CONFIG": str(tmp / "tracker.toml"), "PYTHONUNBUFFERED": "1"}
    env.pop("TRACKER_DB", None)
    return subprocess.Popen([sys.executable, "-m", "tracker.cli", "run"], cwd=tmp, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def wait_for(proc: subprocess.Popen, needle: str, timeout: float = 120) -> list[str]:
    lines: list[str] = []
    end = time.monotonic() + timeout
    assert proc.stdout is not None
    while time.monotonic() < end:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
        if needle in line:
            return lines
    raise AssertionError(f"{needle!r} not seen; output:\n{''.join(lines)}")


def counts(db: Path) -> tuple[int, int, int, int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("""
            SELECT (SELECT count(*) FROM articles),
                   (SELECT count(DISTINCT url) FROM articles),
                   (SELECT count(*) - count(DISTINCT statement_id) FROM statements),
                   (SELECT count(*) FROM articles a
                    WHERE a.statement_count <> (SELECT count(*) FROM statements s WHERE s.article_id = a.article_id))
        """).fetchone()  # type: ignore[return-value]
    finally:
        con.close()


def test_sigterm_stops_cleanly_and_exits_zero(server: LoopbackServer, tmp_path: Path) -> None:
    write_config(tmp_path, server)
    proc = start(tmp_path)
    try:
        out = wait_for(proc, "cycle=1 ")
        assert any("stored=" in line for line in out)
        proc.send_signal(signal.SIGTERM)
        t = time.monotonic()
        rest, _ = proc.communicate(timeout=30)
        assert proc.returncode == 0
        assert time.monotonic() - t < 10
        assert "daemon=stopped" in rest
    finally:
        if proc.poll() is None:
            proc.kill()
    db = tmp_path / "store" / "tracker.duckdb"
    total, distinct, dup_statements, incomplete = counts(db)
    assert total == distinct == N and dup_statements == 0 and incomplete == 0
    assert (tmp_path / "store" / "tracker.snapshot.duckdb").exists()


def test_sigkill_at_any_moment_then_restart_stores_every_article_once(server: LoopbackServer, tmp_path: Path) -> None:
    write_config(tmp_path, server)
    db = tmp_path / "store" / "tracker.duckdb"
    for delay in (3.0, 4.5, 6.0):          # the model loads in ~2 s; these land in fetching, scoring or writing
        proc = start(tmp_path)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        assert proc.returncode == -signal.SIGKILL
        if db.exists():
            total, distinct, dup_statements, incomplete = counts(db)
            assert total == distinct and dup_statements == 0 and incomplete == 0   # never half-written
    proc = start(tmp_path)
    try:
        wait_for(proc, "cycle=1 ")
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    total, distinct, dup_statements, incomplete = counts(db)
    assert total == distinct == N and dup_statements == 0 and incomplete == 0
