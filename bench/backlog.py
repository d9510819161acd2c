"""A backlog on one host: how long the daemon's cycles take to drain N new pages of one feed with the
per-host gap, and whether another host's new pages wait behind them.

    python bench/backlog.py --pages 1000                  # the defaults: 1 s gap, 2 slots, 120 s a cycle
    python bench/backlog.py --pages 1000 --gap 0.05       # a 20x shorter gap (cycle budget scaled alike)

It serves two RSS feeds on 127.0.0.1 under two host names that the fetcher resolves to 127.0.0.1
(`backlog.test` with --pages article pages, `other.test` with 3), then runs poll cycles back to back
as the daemon does when a cycle puts pages off (`Poller.cycle`, the real fetcher, scorer and store;
`cycle_fetch_seconds` = 120 s x gap / 1 s unless --budget), until nothing is due. It prints one line
per cycle, the drain time, when the other host's pages were stored, and the time that is not the
gap (drain - pages x gap), with the drain time this predicts for the default 1 s gap:
pages x 1 s + that overhead (the cycle budget scales with the gap, so the cycles are alike). Nothing
here asserts a time.
"""

from __future__ import annotations

import argparse
import logging
import socket
import sys
import tempfile
import threading
import time
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tracker.config import FeedConfig, load_settings  # noqa: E402
from tracker.fetch import Fetcher  # noqa: E402
from tracker.pipeline import Runtime  # noqa: E402
from tracker.poll import Poller  # noqa: E402

PARAGRAPHS = [
    "ROME, March {i} - Italy is not planning to send soldiers to a reassurance force in Ukraine, Prime Minister "
    "Giorgia Meloni said on Saturday after a video call with European leaders (dispatch {i}).",
    "Meloni said Rome would keep sending air defence systems and training Ukrainian crews in Italy instead, and "
    "that any European force would need a clear mandate and American support behind it.",
    "Several other governments on the call said they were still studying the question.",
]


def serve(pages: int) -> tuple[ThreadingHTTPServer, dict[str, float]]:
    stored_at: dict[str, float] = {}

    class H(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802
            host = self.headers.get("Host", "")
            if self.path == "/rss.xml":
                n = pages if host.startswith("backlog.") else 3
                items = "".join(f"<item><title>Dispatch {i}</title><link>http://{host}/a/{i}.html</link>"
                                f"<guid>http://{host}/a/{i}.html</guid></item>" for i in range(n))
                body = (f"<?xml version='1.0'?><rss version='2.0'><channel><title>{host}</title>{items}"
                        "</channel></rss>").encode()
                ctype = "application/rss+xml"
            else:
                i = self.path.rsplit("/", 1)[-1].split(".")[0]
                tag = f"{host.split('.')[0]} {i}"
                paras = "".join(f"<p>{p.format(i=tag)}</p>" for p in PARAGRAPHS)
                body = (f"<html lang='en'><head><title>Meloni rules out troops ({tag})</title></head><body><article>"
                        f"<h1>Meloni rules out troops ({tag})</h1>{paras}</article></body></html>").encode()
                ctype = "text/html; charset=utf-8"
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), H)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, stored_at


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=int, default=1000, help="pages in the backlog (default 1000)")
    ap.add_argument("--gap", type=float, default=1.0, help="per_host_delay_seconds (default 1.0, the shipped one)")
    ap.add_argument("--budget", type=float, default=None, help="cycle_fetch_seconds (default the shipped one x gap / 1 s)")
    args = ap.parse_args()
    logging.basicConfig(level=logging.WARNING)
    httpd, _ = serve(args.pages)
    port = httpd.server_address[1]
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(config=None, db=Path(tmp) / "backlog.duckdb")
        budget = args.budget if args.budget is not None else settings.daemon.cycle_fetch_seconds * args.gap
        feeds = (FeedConfig(name="backlog", url=f"http://backlog.test:{port}/rss.xml"),
                 FeedConfig(name="other", url=f"http://other.test:{port}/rss.xml"))
        settings = replace(settings, feeds=feeds, fetch=replace(
            settings.fetch, allow_hosts=("backlog.test", "other.test"), per_host_delay_seconds=args.gap))
        rt = Runtime(settings)
        t = time.monotonic()
        rt.scorer  # noqa: B018 - the model loads before the clock starts
        print(f"model loaded in {time.monotonic() - t:.1f}s; pages {args.pages}, gap {args.gap}s, "
              f"{settings.fetch.per_host_concurrency} slots a host, cycle_fetch_seconds {budget:.1f}")
        resolver = lambda host, p, **kw: socket.getaddrinfo("127.0.0.1", p, **kw)  # noqa: E731
        poller = Poller(rt, fetcher=Fetcher(settings.fetch, resolver=resolver), budget_seconds=budget)
        start = time.monotonic()
        other_done = None
        stored = cycles = 0
        force = True
        while True:
            report = poller.cycle(force=force)
            force = False
            if report.status == "idle":
                break
            cycles += 1
            stored += report.counts["stored"]
            with rt.open_store(read_only=True) as store:
                other = store.sql("SELECT count(*) FROM articles WHERE url LIKE 'http://other.test%'").item()
            if other == 3 and other_done is None:
                other_done = time.monotonic() - start
            print(f"cycle {cycles}: {report.seconds:.1f}s, stored {report.counts['stored']}, "
                  f"deferred {report.counts['deferred']}, skipped {report.counts['skipped']}")
            if not poller.again:
                break
        drain = time.monotonic() - start
    httpd.shutdown()
    overhead = drain - args.pages * args.gap
    predicted = args.pages * 1.0 + overhead      # the budget scales with the gap, so the cycles are the same
    print(f"drained {stored} articles in {drain:.1f}s over {cycles} cycles; the other host's 3 pages were stored "
          f"after {other_done if other_done is not None else float('nan'):.1f}s")
    print(f"time that is not the gap: {overhead:.1f}s ({overhead / max(stored, 1) * 1000:.0f} ms a page)")
    print(f"predicted with the 1 s default gap: {predicted:.0f}s ({predicted / 60:.1f} min)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
