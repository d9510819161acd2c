"""Scoring throughput: the tracker's scorer against a naive baseline, on any JSONL corpus.

    python bench/throughput.py --corpus ../shared/corpus/mixed.jsonl
    python bench/throughput.py --corpus ../shared/corpus/news.jsonl --sides scorer,full,baseline

Sides, each run in its own child process (so each peak RSS is its own), one after the other:
  scorer    the full scoring path, text to statements, no store: hygiene, the topic keyword pass,
            spaCy over the flagged paragraphs and the one before each, holders, cues, VADER
  full      the same scorer made to parse every paragraph (what the keyword pass saves)
  baseline  the naive pipeline: spaCy (the same model, every component) over every whole
            article, then VADER on every sentence
Model loading and reading the corpus are not timed. Input lines are objects with `text` and
optionally `id`, `published`, `title` (the `tracker score` format); others are skipped.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from corpus import read_corpus  # noqa: E402


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(side: str, corpus: Path, limit: int | None) -> dict[str, Any]:
    records = read_corpus(corpus, limit)
    words = sum(len(r["text"].split()) for r in records)
    if side in ("scorer", "full"):
        from tracker.config import load_settings
        from tracker.models import Article
        from tracker.pipeline import Runtime

        scorer = Runtime(load_settings()).scorer
        articles = [Article.build(r["text"], published=r.get("published"), title=r.get("title"),
                                  article_id=str(r.get("id") or i)) for i, r in enumerate(records)]
        loaded = rss_mb()
        t0 = time.perf_counter()
        ids = []
        for _, statements in scorer.score_articles(articles, fast=side == "scorer"):
            ids.extend(st.statement_id for st in statements)
        seconds = time.perf_counter() - t0
        statements = len(ids)
        digest = hashlib.sha1("\n".join(sorted(ids)).encode()).hexdigest()[:12]
    else:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        from tracker.nlp import load_model

        nlp = load_model(None)
        vader = SentimentIntensityAnalyzer()
        texts = [r["text"] for r in records]
        loaded = rss_mb()
        t0 = time.perf_counter()
        sentences = 0
        for doc in nlp.pipe(texts, batch_size=32):
            for sent in doc.sents:
                vader.polarity_scores(sent.text)
                sentences += 1
        seconds = time.perf_counter() - t0
        statements, digest = sentences, ""
    return {"side": side, "articles": len(records), "words": words, "seconds": seconds,
            "rss_loaded_mb": loaded, "rss_peak_mb": rss_mb(), "items": statements, "digest": digest}


def machine() -> str:
    cpu = "?"
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                   if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    import spacy

    return f"{platform.machine()}, {os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, spaCy {spacy.__version__}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, required=True, help="a JSONL file of articles")
    ap.add_argument("--limit", type=int, help="only the first N articles")
    ap.add_argument("--sides", default="scorer,baseline", help="comma-separated: scorer, full, baseline")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if not args.corpus.exists():
        sys.exit(f"No corpus at {args.corpus}: pass --corpus FILE.jsonl (one article object per line)")
    if args.child:
        print(json.dumps(child(args.child, args.corpus, args.limit)))
        return
    results = {}
    for side in [s.strip() for s in args.sides.split(",") if s.strip()]:
        cmd = [sys.executable, __file__, "--child", side, "--corpus", str(args.corpus)]
        if args.limit:
            cmd += ["--limit", str(args.limit)]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            sys.exit(f"the {side} run failed:\n{proc.stderr[-3000:]}")
        results[side] = json.loads(proc.stdout.strip().splitlines()[-1])
    first = next(iter(results.values()))
    print(f"# bench/throughput.py on {machine()}")
    print(f"corpus {args.corpus.name}: {first['articles']:,} articles, {first['words']:,} words\n")
    print(f"{'side':9s} {'seconds':>8s} {'articles/s':>11s} {'words/s':>9s} {'peak RSS':>9s} {'after load':>11s} "
          f"{'vs baseline':>11s}  output")
    base = results.get("baseline")
    for side, r in results.items():
        ratio = f"{base['seconds'] / r['seconds']:10.1f}x" if base else ""
        what = (f"{r['items']:,} statements ({r['digest']})" if side != "baseline" else f"{r['items']:,} sentences")
        print(f"{side:9s} {r['seconds']:8.1f} {r['articles'] / r['seconds']:11.1f} {r['words'] / r['seconds']:9,.0f} "
              f"{r['rss_peak_mb']:7,.0f}MB {r['rss_loaded_mb']:9,.0f}MB {ratio:>11s}  {what}")
    if "scorer" in results and "full" in results:
        same = results["scorer"]["digest"] == results["full"]["digest"]
        print(f"\nstatements of the keyword-pass scorer and the full parse are "
              f"{'identical' if same else 'DIFFERENT'} ({results['scorer']['items']} vs {results['full']['items']})")


if __name__ == "__main__":
    main()
