"""Daemon memory over a long run: RSS of a real `tracker run` process as it ingests N articles.

    python bench/memory.py --corpus ../shared/corpus/mixed.jsonl --articles 20000

The benchmark serves a JSON Feed on 127.0.0.1 whose every request returns the next --per-poll
articles of the corpus (cycled, each with a new URL, full text in the feed), starts the daemon
against it with its own config and store in a temporary folder, reads the daemon's cycle log lines
for the running count of stored articles, and samples the process's resident memory
(/proc/PID/status VmRSS) at each checkpoint. Then it stops the daemon with SIGTERM.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from corpus import read_corpus

CHECKPOINTS = (1_000, 2_000, 5_000, 10_000, 15_000, 20_000, 50_000, 100_000)
CYCLE = re.compile(r"cycle=\d+ status=\S+ .*? stored=(\d+) statements=(\d+)")


class Feed:
    """Hands out the corpus in pages, forever, each item under a URL never used before."""

    def __init__(self, corpus: list[dict[str, Any]], per_poll: int) -> None:
        self.corpus = corpus
        self.per_poll = per_poll
        self.served = 0
        self.lock = threading.Lock()

    def page(self, base: str) -> bytes:
        with self.lock:
            start, self.served = self.served, self.served + self.per_poll
        items = []
        for n in range(start, start + self.per_poll):
            rec = self.corpus[n % len(self.corpus)]
            items.append({"id": f"{base}/a/{n}", "url": f"{base}/a/{n}", "title": rec.get("title") or f"Article {n}",
                          "date_published": (rec.get("published") or "2025-03-15")[:10] + "T12:00:00Z",
                          "content_text": rec["text"]})
        return json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "bench",
                           "items": items}).encode()


def serve(feed: Feed) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            body = feed.page(f"http://127.0.0.1:{self.server.server_address[1]}")
            self.send_response(200)
            self.send_header("Content-Type", "application/feed+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--articles", type=int, default=20_000, help="stop after this many stored articles")
    ap.add_argument("--per-poll", type=int, default=250, help="articles the feed hands out per request")
    args = ap.parse_args()
    corpus = read_corpus(args.corpus, min_words=80)   # article-length texts only
    if not corpus:
        sys.exit(f"no usable articles in {args.corpus}")
    feed = Feed(corpus, args.per_poll)
    httpd = serve(feed)
    port = httpd.server_address[1]
    with tempfile.TemporaryDirectory(prefix="tracker-mem-") as tmp:
        cfg = Path(tmp) / "tracker.toml"
        cfg.write_text(
            f'[store]\npath = "{tmp}/tracker.duckdb"\n'
            '[fetch]\nallow_hosts = ["127.0.0.1"]\nper_host_delay_seconds = 0.0\n'
            '[daemon]\npoll_interval_seconds = 1\n'
            f'[[feeds]]\nname = "bench"\nurl = "http://127.0.0.1:{port}/feed.json"\nfetch_pages = "never"\n'
            'interval_seconds = 1\n')
        cmd = [sys.executable, "-m", "tracker.cli", "run", "--config", str(cfg)]
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        started = time.monotonic()
        proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env,
                                cwd=Path(__file__).resolve().parent.parent)
        stored = statements = 0
        rows = []
        start_rss = None
        try:
            assert proc.stderr is not None
            for line in proc.stderr:
                if "daemon=start" in line:
                    start_rss = rss_mb(proc.pid)
                m = CYCLE.search(line)
                if not m:
                    if "Traceback" in line or " ERROR " in line:
                        print(line.rstrip(), file=sys.stderr)
                    continue
                stored += int(m.group(1))
                statements += int(m.group(2))
                while len(rows) < len(CHECKPOINTS) and stored >= CHECKPOINTS[len(rows)]:
                    rows.append((CHECKPOINTS[len(rows)], stored, statements, time.monotonic() - started,
                                 rss_mb(proc.pid)))
                    print(f"  {rows[-1][1]:>7,} articles  {rows[-1][2]:>6,} statements  "
                          f"{rows[-1][3]:7.0f} s  RSS {rows[-1][4]:7.1f} MB", flush=True)
                if stored >= args.articles:
                    break
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                code = proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                code = -9
            httpd.shutdown()
    print(f"\n# bench/memory.py: `tracker run` over {args.corpus.name} ({len(corpus):,} articles, cycled), "
          f"{args.per_poll} per poll")
    print(f"RSS when the daemon started (model loaded, store open): {start_rss or float('nan'):.1f} MB")
    print(f"{'articles':>9s} {'statements':>11s} {'seconds':>8s} {'RSS MB':>8s}")
    for _, n, st, secs, rss in rows:
        print(f"{n:9,d} {st:11,d} {secs:8.0f} {rss:8.1f}")
    if len(rows) >= 2:
        print(f"growth from {rows[0][1]:,} to {rows[-1][1]:,} articles: {rows[-1][4] - rows[0][4]:+.1f} MB")
    print(f"daemon exit code after SIGTERM: {code}")


if __name__ == "__main__":
    main()
