"""The poller under hostile sites, on a real server on 127.0.0.1: a stalling host starves nothing,
every refusal is logged once and remembered, nothing is fetched or published again for nothing, and
one host's backlog does not hold up another's pages.

Two "hosts" are two names the fetcher's resolver maps to 127.0.0.1 (the server sees them in the
Host header); no other address is ever contacted.
"""

from __future__ import annotations

import logging
import socket
import threading
from dataclasses import replace
from pathlib import Path

import pytest
from httpserver import LoopbackServer, etag_route, page, rss, send, stall
from newsfixtures import ARTICLES
from test_poll import (
    make_runtime,
    server,  # noqa: F401 - the fixture with every bad page
)

from tracker.config import FeedConfig
from tracker.errors import FetchError
from tracker.fetch import Fetcher
from tracker.pipeline import Runtime
from tracker.poll import Poller, source_id

GOOD = 10


def with_fetch(rt: Runtime, **fetch: object) -> Runtime:
    settings = replace(rt.settings, fetch=replace(rt.settings.fetch, **fetch))
    out = Runtime(settings)
    out.__dict__.update({k: v for k, v in rt.__dict__.items() if k != "settings"})
    return out


def with_daemon(rt: Runtime, **daemon: object) -> Runtime:
    settings = replace(rt.settings, daemon=replace(rt.settings.daemon, **daemon))
    out = Runtime(settings)
    out.__dict__.update({k: v for k, v in rt.__dict__.items() if k != "settings"})
    return out


def article_route(i: int, tag: str = ""):
    title, paras = ARTICLES[i % len(ARTICLES)]
    body = page(f"{title} ({tag}{i})", [f"Dispatch {tag}{i}: " + paras[0]] + paras[1:])
    return lambda h: send(h, 200, body, "text/html; charset=utf-8")


@pytest.fixture
def stalling():
    """A host whose feed lists two stalling pages first, then ten good ones."""
    with LoopbackServer() as s:
        s.routes["/stall-1.html"] = stall(6)
        s.routes["/stall-2.html"] = stall(6)
        links = [{"title": "Stall 1", "link": s.url("/stall-1.html")}, {"title": "Stall 2", "link": s.url("/stall-2.html")}]
        for i in range(GOOD):
            s.routes[f"/g/{i}.html"] = article_route(i)
            links.append({"title": f"Good {i}", "link": s.url(f"/g/{i}.html")})
        s.routes["/rss.xml"] = etag_route(lambda: rss(links), "application/rss+xml", s)
        yield s


def test_ten_good_pages_behind_two_stalling_ones_are_stored_in_one_cycle(
        stalling: LoopbackServer, runtime: Runtime, tmp_path: Path) -> None:
    rt = with_fetch(make_runtime(runtime, tmp_path, [FeedConfig(name="stalling", url=stalling.url("/rss.xml"))]),
                    per_host_concurrency=2, timeout_seconds=1.0, slot_wait_seconds=30.0)
    report = Poller(rt).cycle(force=True)
    assert report.counts["stored"] == GOOD, report.summary()
    assert sorted((s.item.rsplit("/", 1)[-1], s.reason) for s in report.skips) == [
        ("stall-1.html", "timeout"), ("stall-2.html", "timeout")]
    assert all(stalling.hits.get(f"/g/{i}.html") == 1 for i in range(GOOD))


def test_waiting_for_a_slot_is_bounded_apart_from_the_deadline(stalling: LoopbackServer) -> None:
    slow_ok = lambda h: (stall(0.6)(h), send(h, 200, page("Slow", ["Slow but fine."]), "text/html"))  # noqa: E731
    stalling.routes["/slow-ok.html"] = slow_ok
    settings = make_settings(per_host_concurrency=1, timeout_seconds=1.0, slot_wait_seconds=10.0)
    f = Fetcher(settings)
    results: list[object] = []

    def get() -> None:
        try:
            results.append(f.get(stalling.url("/slow-ok.html")).status)
        except Exception as exc:  # noqa: BLE001 - recorded for the assertion
            results.append(exc)

    threads = [threading.Thread(target=get) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # The second request waited for the first one's slot; that wait is not part of its own deadline.
    assert results == [200, 200]
    short = Fetcher(make_settings(per_host_concurrency=1, timeout_seconds=1.0, slot_wait_seconds=0.2))
    holder = threading.Thread(target=lambda: _swallow(lambda: short.get(stalling.url("/stall-1.html"))))
    holder.start()
    try:
        _wait_for_hit(stalling, "/stall-1.html")
        with pytest.raises(FetchError) as err:
            short.get(stalling.url("/g/0.html"))
        assert err.value.reason == "slot_wait" and "slot_wait_seconds" in err.value.render()
    finally:
        holder.join()


def test_a_host_that_keeps_timing_out_is_paused_and_its_pages_wait(
        stalling: LoopbackServer, runtime: Runtime, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    links = [{"title": f"Stall {i}", "link": stalling.url(f"/stall-{i}.html")} for i in (1, 2, 3)]
    stalling.routes["/stall-3.html"] = stall(6)
    links += [{"title": f"Good {i}", "link": stalling.url(f"/g/{i}.html")} for i in range(3)]
    stalling.routes["/paused.xml"] = lambda h: send(h, 200, rss(links), "application/rss+xml")
    feed = FeedConfig(name="paused", url=stalling.url("/paused.xml"))
    rt = with_fetch(make_runtime(runtime, tmp_path, [feed]), per_host_concurrency=1, timeout_seconds=0.5,
                    host_pause_after=2, host_pause_seconds=600.0)
    with caplog.at_level(logging.INFO):
        report = Poller(rt).cycle(force=True)
    assert [s.reason for s in report.skips] == ["timeout", "timeout"]
    assert report.counts["deferred"] == 4 and report.counts["stored"] == 0
    assert sum("status=paused" in r.getMessage() for r in caplog.records) == 1
    assert any("deferred=4 reason=host_paused" in r.getMessage() for r in caplog.records)
    with rt.open_store() as store:
        assert store.sql("SELECT count(*) FROM skipped").item() == 2       # the put-off pages are no failures
        state = store.source_states([source_id(feed)])[source_id(feed)]
    assert state["failures"] == 0 and state["etag"] is None     # read again later; its queue is not thrown away
    assert all(stalling.hits.get(f"/g/{i}.html") is None for i in range(3))


def test_every_refusal_is_logged_once_and_remembered(
        server: LoopbackServer, runtime: Runtime, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:  # noqa: F811
    rt = make_runtime(runtime, tmp_path, [FeedConfig(name="bad", url=server.url("/bad-entries.xml"))])
    with caplog.at_level(logging.INFO, logger="tracker.poll"):
        first = Poller(rt).cycle(force=True)
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("skipped ")]
    assert len(lines) == len(first.skips) == 10
    for s in first.skips:
        assert sum(line.startswith(f"skipped url={s.item} reason={s.reason} detail=") for line in lines) == 1, s
    assert "skipped url=file:///etc/passwd reason=bad_scheme" in "\n".join(lines)     # the URL as given
    hits = dict(server.hits)
    second = Poller(rt).cycle(force=True)
    # Refused for good (or not yet due for a retry): not fetched again, no new `skipped` row.
    for path in ("/fr.html", "/empty.html", "/bomb.html", "/huge.html", "/loop-a", "/private", "/nope.html"):
        assert server.hits.get(path) == hits.get(path), path
    assert sorted(s.reason for s in second.skips) == ["timeout", "timeout"]        # stall and drip may pass
    assert second.counts["refused_known"] == 8
    with rt.open_store() as store:
        assert store.sql("SELECT count(*) FROM skipped").item() == 12
        refusals = dict(store.sql("SELECT item, retry_at IS NULL FROM refusals").rows())
    assert refusals["file:///etc/passwd"] and refusals[server.url("/fr.html")] and refusals[server.url("/bomb.html")]
    assert not refusals[server.url("/nope.html")]          # a 404 may pass: retried after refusal_retry_hours
    # With no wait before a retry, what may pass is fetched again at once; what is refused for good is not.
    retry_now = with_daemon(make_runtime(runtime, tmp_path / "retry", list(rt.settings.feeds)), refusal_retry_hours=0.0)
    Poller(retry_now).cycle(force=True)
    hits = dict(server.hits)
    Poller(retry_now).cycle(force=True)
    assert server.hits["/nope.html"] == hits["/nope.html"] + 1 and server.hits["/fr.html"] == hits["/fr.html"]


def test_no_snapshot_copy_and_no_run_row_when_nothing_changed(
        server: LoopbackServer, runtime: Runtime, tmp_path: Path) -> None:  # noqa: F811
    feeds = [FeedConfig(name="rss", url=server.url("/rss.xml"), interval_seconds=3600)]
    rt = make_runtime(runtime, tmp_path, feeds)
    poller = Poller(rt)
    assert poller.cycle(force=True).counts["stored"] == 3
    snap = rt.settings.snapshot_path
    before = snap.stat()
    second = poller.cycle(force=True)                       # polled, 304: a run row, no copy
    assert second.counts["feeds_not_modified"] == 1
    idle = poller.cycle(force=False)                        # nothing due: no row, no copy
    assert idle.status == "idle" and idle.run_id is None
    after = snap.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    with rt.open_store() as store:
        assert store.sql("SELECT count(*) FROM runs").item() == 2


def test_start_closes_stale_runs_and_removes_stale_temporary_snapshots(runtime: Runtime, tmp_path: Path) -> None:
    rt = make_runtime(runtime, tmp_path, [])
    with rt.open_store() as store:
        killed = store.start_run("poll")                    # as left by a process killed mid-cycle
        store.con.execute("UPDATE runs SET pid = 2147483000 WHERE run_id = ?", [killed])
        live = store.start_run("poll")                      # a process that is still running (the test itself)
        store.con.execute("UPDATE runs SET pid = ? WHERE run_id = ?", [_a_live_pid(), live])
    snap = rt.settings.snapshot_path
    snap.unlink()
    stale = snap.with_name(f".{snap.name}.2147483000.tmp")
    stale.write_bytes(b"partial copy")
    mine = snap.with_name(f".{snap.name}.{_a_live_pid()}.tmp")
    mine.write_bytes(b"being written by a live process")
    Poller(rt).recover()
    assert not stale.exists() and mine.exists()
    assert snap.exists()                                    # the cut-short publication was done again
    with rt.open_store() as store:
        status = dict(store.sql("SELECT run_id, status FROM runs").rows())
    assert status == {killed: "interrupted", live: "running"}


def test_a_store_of_the_previous_schema_migrates_and_its_stale_runs_close(
        runtime: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tracker.store import sqlfiles as store_mod

    original = store_mod.sql_files
    monkeypatch.setattr(store_mod, "sql_files", lambda folder: [f for f in original(folder) if not (
        folder == "migrations" and f[0].startswith("004"))])
    rt = make_runtime(runtime, tmp_path, [])
    with rt.open_store() as store:
        store.con.execute("INSERT INTO runs (job, started_at, status) VALUES ('poll', now(), 'running')")
    monkeypatch.setattr(store_mod, "sql_files", original)
    Poller(rt).recover()
    with rt.open_store() as store:
        assert store.sql("SELECT max(version) FROM schema_migrations").item() == 4
        assert store.sql("SELECT status, pid FROM runs").rows() == [("interrupted", None)]
        assert store.sql("SELECT count(*) FROM refusals").item() == 0


@pytest.fixture
def two_hosts():
    """One server, two host names: `slow.test` with a backlog, `fast.test` with a few new pages."""
    with LoopbackServer() as s:
        s.order = []
        slow, fast = [], []
        for i in range(20):
            s.routes[f"/slow/{i}.html"] = _logged(s, article_route(i, "s"))
            slow.append({"title": f"Backlog {i}", "link": f"http://slow.test:{s.port}/slow/{i}.html"})
        for i in range(3):
            s.routes[f"/fast/{i}.html"] = _logged(s, article_route(i + 3, "f"))
            fast.append({"title": f"New {i}", "link": f"http://fast.test:{s.port}/fast/{i}.html"})
        s.routes["/slow.xml"] = lambda h: send(h, 200, rss(slow), "application/rss+xml")
        s.routes["/fast.xml"] = lambda h: send(h, 200, rss(fast), "application/rss+xml")
        yield s


def test_one_hosts_backlog_does_not_hold_up_another_host(two_hosts: LoopbackServer, runtime: Runtime,
                                                         tmp_path: Path) -> None:
    s = two_hosts
    feeds = [FeedConfig(name="slow", url=f"http://slow.test:{s.port}/slow.xml"),
             FeedConfig(name="fast", url=f"http://fast.test:{s.port}/fast.xml")]
    rt = with_fetch(make_runtime(runtime, tmp_path, feeds), allow_hosts=("slow.test", "fast.test"),
                    per_host_concurrency=2, per_host_delay_seconds=0.15)
    resolver = lambda host, port, **kw: socket.getaddrinfo("127.0.0.1", port, **kw)  # noqa: E731
    fetcher = Fetcher(rt.settings.fetch, resolver=resolver)
    poller = Poller(rt, fetcher=fetcher, budget_seconds=1.0)
    first = poller.cycle(force=True)
    order = list(s.order)
    fast = [i for i, p in enumerate(order) if p.startswith("/fast/")]
    slow = [i for i, p in enumerate(order) if p.startswith("/slow/")]
    assert len(fast) == 3 and first.counts["stored"] == len(order)                # the new pages did not wait
    assert max(fast) < max(slow)                                                   # fetched while the backlog ran
    assert first.counts["deferred"] == 20 - len(slow) > 0 and not first.skips     # the backlog is put off, not failed
    with rt.open_store() as store:
        row = store.sql("SELECT next_poll_at, last_polled_at FROM sources WHERE name = 'slow'").row(0)
    assert row[0] == row[1]                                                        # due again at the next tick
    for _ in range(30):
        if poller.cycle(force=False).status == "idle":
            break
    with rt.open_store() as store:
        assert store.sql("SELECT count(*) FROM articles").item() == 23
        assert store.sql("SELECT count(*) FROM skipped").item() == 0
    assert sorted(s.order) == sorted(set(s.order))                               # each page fetched once


# helpers ------------------------------------------------------------------------------------------------------

def make_settings(**fetch: object):
    from tracker.config import FetchSettings

    base = FetchSettings(timeout_seconds=2.0, max_bytes=200_000, max_redirects=3, user_agent="stance-tracker-test",
                         allow_hosts=("127.0.0.1",), per_host_concurrency=4, per_host_delay_seconds=0.0, concurrency=4)
    return replace(base, **fetch)


def _logged(s: LoopbackServer, route):
    def handler(h):
        s.order.append(h.path)
        route(h)
    return handler


def _swallow(fn) -> None:
    try:
        fn()
    except Exception:  # noqa: BLE001
        pass


def _wait_for_hit(s: LoopbackServer, path: str) -> None:
    event = threading.Event()
    for _ in range(200):
        if s.hits.get(path):
            return
        event.wait(0.02)
    raise AssertionError(f"{path} was never requested")


def _a_live_pid() -> int:
    import os

    return os.getppid() or 1


@pytest.fixture
def hostile_site():
    """A news site's feed with two good articles among hostile pages."""
    from httpserver import gzip_bomb, redirect
    from newsfixtures import FRENCH

    with LoopbackServer() as s:
        s.routes["/fr.html"] = lambda h: send(h, 200, page(FRENCH[0], FRENCH[1], lang="fr"), "text/html")
        s.routes["/bomb.html"] = gzip_bomb(20_000_000)
        s.routes["/private"] = redirect("http://127.0.0.2:9/x.html")
        s.routes["/login.html"] = lambda h: send(h, 200, b"<html><body><form><label>User</label><input name=u>"
                                                      b"<label>Password</label><input type=password name=p>"
                                                      b"<button>Sign in</button></form></body></html>", "text/html")
        s.routes["/stall.html"] = stall(6)
        links = [{"title": t, "link": s.url(p)} for t, p in (("French", "/fr.html"), ("Bomb", "/bomb.html"),
                 ("Private", "/private"), ("Login", "/login.html"), ("Stall", "/stall.html"))]
        links.append({"title": "File", "link": "file:///etc/passwd"})
        for i in range(2):
            s.routes[f"/a/{i}.html"] = article_route(i, "site")
            links.append({"title": f"Good {i}", "link": s.url(f"/a/{i}.html")})
        s.routes["/rss.xml"] = lambda h: send(h, 200, rss(links), "application/rss+xml")
        yield s


def test_the_daemon_logs_each_refusal_once_skips_ticks_quietly_and_recovers_after_a_kill(
        hostile_site: LoopbackServer, tmp_path: Path) -> None:
    import signal

    import duckdb
    from test_daemon import start, wait_for, write_config

    cfg = write_config(tmp_path, hostile_site)
    cfg.write_text(cfg.read_text().replace("timeout_seconds = 5.0", "timeout_seconds = 2.0"))
    proc = start(tmp_path)
    try:
        wait_for(proc, "feed=loopback url=")                 # the feed is read; its pages are being fetched
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    store_dir = tmp_path / "store"
    stale = store_dir / ".tracker.snapshot.duckdb.2147483000.tmp"
    stale.write_bytes(b"a copy cut short by a kill")
    proc = start(tmp_path)
    try:
        out = wait_for(proc, "ticks_skipped=")             # the first cycle outlasts the 1 s tick
        proc.send_signal(signal.SIGTERM)
        rest, _ = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    log = "".join(out) + rest
    assert proc.returncode == 0, log
    assert "recovered runs=" in log and not stale.exists()
    for url, reason in ((hostile_site.url("/fr.html"), "not_english"), (hostile_site.url("/bomb.html"), "too_large"),
                        (hostile_site.url("/private"), "blocked_address"), ("file:///etc/passwd", "bad_scheme")):
        assert log.count(f"skipped url={url} reason={reason} detail=") == 1, (url, log)
    assert log.count(f"skipped url={hostile_site.url('/login.html')} reason=") == 1, log
    assert f"skipped url={hostile_site.url('/stall.html')} reason=timeout" in log
    assert "discarding data" not in log and "maximum number of running instances" not in log, log
    con = duckdb.connect(str(store_dir / "tracker.duckdb"), read_only=True)
    try:
        statuses = [r[0] for r in con.execute("SELECT status FROM runs ORDER BY run_id").fetchall()]
        stored = con.execute("SELECT count(*) FROM articles").fetchone()[0]
    finally:
        con.close()
    assert statuses[0] == "interrupted" and "running" not in statuses and stored == 2
