"""Reading while the daemon writes, with real processes: the daemon polls a loopback server, one
reader holds a connection open for a long time, another queries in a loop; nobody gets a lock error,
the daemon's writes land, and readers see new data within a poll cycle."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest
from httpserver import LoopbackServer, etag_route, page, rss, send
from newsfixtures import ARTICLES
from test_daemon import start, wait_for, write_config

N = 12

HOLDER = textwrap.dedent("""
    import sys, time
    import tracker
    t = tracker.open_store(sys.argv[1], read_only=True)     # held open for the whole run
    print("holding", flush=True)
    end = time.time() + float(sys.argv[2])
    n = 0
    while time.time() < end:
        n = t.sql("SELECT count(*) AS n FROM articles")["n"][0]
        time.sleep(0.3)
    print("held", n, flush=True)
""")

LOOPER = textwrap.dedent("""
    import sys, time
    import tracker
    end = time.time() + float(sys.argv[2])
    seen, errors, queries = 0, 0, 0
    while time.time() < end:
        try:
            with tracker.open_store(sys.argv[1], read_only=True) as t:
                seen = max(seen, t.positions().height and t.sql("SELECT count(*) AS n FROM articles")["n"][0])
                queries += 1
        except Exception as exc:
            errors += 1
            print("error", type(exc).__name__, exc, flush=True)
        time.sleep(0.2)
    print("looped", queries, "queries", errors, "errors", seen, "articles", flush=True)
""")


@pytest.fixture
def server():
    with LoopbackServer() as s:
        s.state = {"n": 6}
        links = lambda: [{"title": f"{ARTICLES[i % len(ARTICLES)][0]} ({i})", "link": s.url(f"/a/{i}.html")}  # noqa: E731
                         for i in range(s.state["n"])]
        for i in range(N):
            title, paras = ARTICLES[i % len(ARTICLES)]
            body = page(f"{title} ({i})", [f"Dispatch {i}: " + paras[0]] + paras[1:])
            s.routes[f"/a/{i}.html"] = (lambda b: (lambda h: send(h, 200, b, "text/html; charset=utf-8")))(body)
        s.routes["/rss.xml"] = etag_route(lambda: rss(links()), "application/rss+xml", s)
        yield s


def test_readers_and_the_daemon_never_block_each_other(server: LoopbackServer, tmp_path: Path) -> None:
    write_config(tmp_path, server)
    db = tmp_path / "store" / "tracker.duckdb"
    snapshot = db.with_name("tracker.snapshot.duckdb")
    daemon = start(tmp_path)
    helpers: list[subprocess.Popen] = []
    try:
        wait_for(daemon, "cycle=1 ")                      # first articles stored and published
        env = {**os.environ}
        holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(db), "12"], cwd=tmp_path, env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        looper = subprocess.Popen([sys.executable, "-c", LOOPER, str(db), "14"], cwd=tmp_path, env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        helpers += [holder, looper]
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        server.state["n"] = N                             # new entries while both readers are at it
        hold_out, _ = holder.communicate(timeout=90)
        loop_out, _ = looper.communicate(timeout=90)
        assert "error" not in loop_out.replace("0 errors", ""), loop_out
        assert "Error" not in hold_out and "held" in hold_out, hold_out
        looped = loop_out.split()
        assert int(looped[looped.index("articles") - 1]) == N, loop_out   # new data reached the readers
        daemon.send_signal(signal.SIGTERM)
        rest, _ = daemon.communicate(timeout=30)
        assert daemon.returncode == 0 and "busy" not in rest, rest
    finally:
        for p in [daemon, *helpers]:
            if p.poll() is None:
                p.kill()
    con = duckdb.connect(str(db), read_only=True)
    try:
        total, distinct = con.execute("SELECT count(*), count(DISTINCT url) FROM articles").fetchone()
    finally:
        con.close()
    assert total == distinct == N
    assert snapshot.exists()
