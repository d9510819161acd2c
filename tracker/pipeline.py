"""Composes the stages for a batch of articles and reports what happened.

    articles (files, feeds) -> already stored? -> score -> write (tracker.writes.write_scored)

Heavy objects (gazetteer, lexicon, spaCy pipeline, scorer) live in a Runtime (tracker.runtime) built
once per process and passed around, so the CLI, the daemon, the tests and notebooks share them. Every item that is
not stored is counted under a reason and recorded in the `skipped` table; a failure in one article
(scoring or writing) is isolated to that article. Writing goes through the one write path,
`tracker.writes.write_scored`, as the poller's does.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, Callable, Iterable, Iterator, Sequence, TypeVar

from tracker.errors import TrackerError
from tracker.files import Skip
from tracker.models import Article, ArticleScorer, Statement
from tracker.runtime import Runtime
from tracker.store import Store
from tracker.writes import WriteReport, write_scored

__all__ = ["Interrupted", "RunReport", "Runtime", "explain", "ingest", "rescore", "score_lines", "score_safely",
           "stored_article"]

log = logging.getLogger("tracker.pipeline")
T = TypeVar("T")


@dataclass
class RunReport:
    """What one run did: counters by name, the skipped items, the run's id in the store."""

    job: str
    run_id: int | None = None
    counts: Counter[str] = field(default_factory=Counter)
    skips: list[Skip] = field(default_factory=list)
    status: str = "ok"
    seconds: float = 0.0

    def summary(self) -> str:
        c = self.counts
        parts = [f"{self.job}: {c['seen']} seen, {c['stored']} stored, {c['updated']} updated, "
                 f"{c['unchanged']} unchanged, {c['skipped']} skipped, {c['statements']} statements"]
        if c["errors"]:
            parts.append(f"{c['errors']} errors")
        reasons = Counter(s.reason for s in self.skips)
        if reasons:
            parts.append("skipped: " + ", ".join(f"{r} {n}" for r, n in reasons.most_common()))
        parts.append(f"{self.seconds:.1f}s" + (f" (run {self.run_id})" if self.run_id is not None else ""))
        return "; ".join(parts)


def _chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


# Articles handed to the scorer at a time: what is scored is yielded group by group, so an
# interruption loses at most the group in flight (ingest writes everything yielded before it).
SCORE_GROUP = 16


def score_safely(scorer: ArticleScorer, articles: Sequence[Article],
                 group: int = SCORE_GROUP) -> Iterator[tuple[Article, list[Statement] | Exception]]:
    """Score articles, yielding each as soon as its group is scored; if a group fails, its articles
    not yet yielded are scored one by one, so a bad article costs only itself."""
    for start in range(0, len(articles), group):
        part = list(articles[start:start + group])
        done = 0
        try:
            for pair in scorer.score_articles(part):
                done += 1
                yield pair
            continue
        except Exception:  # noqa: BLE001 - isolate below, the error is reported per article
            pass
        for a in part[done:]:
            try:
                yield from scorer.score_articles([a])
            except Exception as exc:  # noqa: BLE001
                log.warning("scoring failed for %s: %s: %s", a.url or a.article_id, type(exc).__name__, exc)
                yield a, exc


class Interrupted(KeyboardInterrupt):
    """Ctrl-C during ingest, raised after what was scored has been written: .report says what the
    run stored; running the same command again skips it and goes on."""

    def __init__(self, report: "RunReport", saved: int) -> None:
        super().__init__("interrupted")
        self.report = report
        self.saved = saved        # articles of the batch in progress that were written on the way out


def ingest(
    runtime: Runtime,
    store: Store,
    items: Iterable[Article | Skip],
    job: str = "ingest",
    batch_size: int = 32,
    should_stop: Callable[[], bool] | None = None,
    progress: Callable[[RunReport], None] | None = None,
) -> RunReport:
    """Score and store articles; skipped items are counted and recorded. Re-running changes nothing."""
    started = time.monotonic()
    report = RunReport(job=job, run_id=store.start_run(job))
    scorer: ArticleScorer | None = None
    scored: list[tuple[Article, list[Statement]]] = []     # scored and not yet written
    skips: list[Skip] = []                                   # of the batch in progress, not yet recorded
    try:
        for batch in _chunks(items, batch_size):
            if should_stop is not None and should_stop():
                report.status = "interrupted"
                break
            skips = [x for x in batch if isinstance(x, Skip)]
            articles = [x for x in batch if isinstance(x, Article)]
            report.counts["seen"] += len(batch)
            known = store.known_articles(a.article_id for a in articles)
            todo: list[Article] = []
            seen_ids: set[str] = set()
            unchanged: list[Article] = []
            for a in articles:
                if known.get(a.article_id) == a.content_hash or a.article_id in seen_ids:
                    report.counts["unchanged"] += 1
                    unchanged.append(a)
                    continue
                seen_ids.add(a.article_id)
                todo.append(a)
            store.note_inputs([a for a in unchanged if a.article_id in known])
            if todo:
                if scorer is None:
                    scorer = runtime.scorer
                for article, result in score_safely(scorer, todo):
                    if isinstance(result, Exception):
                        report.counts["errors"] += 1
                        skips.append(Skip(article.url or article.article_id, "score_error",
                                          f"{type(result).__name__}: {result}"))
                    else:
                        scored.append((article, result))
            written = write_scored(store, scored, scorer.version if scorer else "", run_id=report.run_id, skips=skips)
            scored, skips = [], []
            count_written(report, written)
            if progress is not None:
                progress(report)
    except KeyboardInterrupt:
        # Keep what is scored: write it (one short transaction), then record the run as interrupted.
        saved = len(scored)
        report.status = "interrupted"
        written = write_scored(store, scored if scorer is not None else [], scorer.version if scorer else "",
                               run_id=report.run_id, skips=skips)
        count_written(report, written)
        report.seconds = time.monotonic() - started
        finish_run(store, report, "KeyboardInterrupt")
        raise Interrupted(report, saved) from None
    except BaseException as exc:
        report.status = "failed"
        report.seconds = time.monotonic() - started
        finish_run(store, report, f"{type(exc).__name__}: {exc}")
        raise
    if report.counts["errors"] and report.status == "ok":
        report.status = "partial"
    report.seconds = time.monotonic() - started
    finish_run(store, report, "")
    return report


def count_written(report: RunReport, written: WriteReport) -> None:
    """Add what a write did to the run's counters and skipped items."""
    report.counts.update(written.counts())
    report.skips += written.skips


def finish_run(store: Store, report: RunReport, message: str) -> None:
    """Record the run's end in the store's journal; a failure to do so is logged, never raised."""
    if report.run_id is None:
        return
    try:
        store.finish_run(report.run_id, report.status, report.counts, message)
    except TrackerError as exc:
        log.error("could not record the end of run %s: %s", report.run_id, exc)


@contextmanager
def journal(store: Store, report: RunReport) -> Iterator[RunReport]:
    """The run's end written to the store's journal however the block ends: ok or partial (some
    articles failed), failed on an error, interrupted on Ctrl-C (the exception goes on up)."""
    started = time.monotonic()
    try:
        yield report
    except BaseException as exc:
        report.status = "interrupted" if isinstance(exc, KeyboardInterrupt) else "failed"
        report.seconds = time.monotonic() - started
        finish_run(store, report, f"{type(exc).__name__}: {exc}")
        raise
    report.status = "partial" if report.counts["errors"] else "ok"
    report.seconds = time.monotonic() - started
    finish_run(store, report, "")



def score_lines(runtime: Runtime, lines: Iterable[tuple[str, str]], fast: bool = True,
                batch_size: int = 32) -> Iterator[dict[str, Any] | str | Skip]:
    """`tracker score`: JSONL lines in; statement dicts out (every SPEC field), the article id after
    each article's statements, and a Skip for each unusable line. No store is touched."""
    import json

    from tracker.files import from_record

    def records() -> Iterator[Article | Skip]:
        for item, line in lines:
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                yield Skip(item, "bad_json", str(exc))
                continue
            yield from_record(obj, item, keep_id=True, strict=False)

    for batch in _chunks(records(), batch_size):
        articles = [x for x in batch if isinstance(x, Article)]
        results = dict((a.article_id, r) for a, r in score_safely(runtime.scorer, articles)) if articles else {}
        for x in batch:
            if isinstance(x, Skip):
                yield x
                continue
            r = results.get(x.article_id)
            if isinstance(r, Exception):
                yield Skip(x.article_id, "score_error", f"{type(r).__name__}: {r}")
                continue
            for st in r or []:
                yield st.to_dict()
            yield x.article_id


def stored_article(store: Store, key: str) -> Article | None:
    """An article from the store by its id, its input's id (a corpus id) or its URL."""
    row = store.article_by_key(key)
    if row is None:
        return None
    return Article(article_id=row["article_id"], text=row["text"], url=row["url"], source=row["source"],
                   title=row["title"], published_at=row["published_at"], language=row["language"],
                   feed_id=row["feed_id"], input_id=row["input_id"])


def explain(runtime: Runtime, article: Article, trace: bool = False) -> str:
    """How the scorer read an article, sentence by sentence, as text for a person to read."""
    scorer = runtime.scorer
    scorer.trace = [] if trace else None
    try:
        statements = next(scorer.score_articles([article]))[1]
        mentions = scorer.trace or []
    finally:
        scorer.trace = None
    named = f" (input id {article.input_id})" if article.input_id else ""
    lines = [f"article {article.article_id}{named}  published {article.published_at}  "
             f"{len(statements)} statement(s)  scorer {scorer.version}"]
    by_sentence: dict[tuple[int, int], list[Statement]] = {}
    for st in statements:
        by_sentence.setdefault((st.char_start, st.char_end), []).append(st)
    for (start, end), group in sorted(by_sentence.items()):
        lines.append("")
        lines.append(f"[{start}:{end}] {group[0].evidence}")
        for st in group:
            lines.append(f"    -> {st.holder_name} ({st.holder_id}, {st.country or 'no country'}, {st.role or '-'}): "
                         f"{st.topic} {st.polarity} {st.modality} score={st.score:+.2f} conf={st.confidence:.2f} "
                         f"{st.attribution}; cue: {st.cue}; conflict {st.conflict}; tone {st.tone:+.2f}")
    if trace:
        lines.append("")
        lines.append("topic mentions and what the scorer found on the path up from each:")
        for m in mentions:
            w = m["walk"] or {}
            found = {k: v for k, v in w.items() if k in ("cue", "speech", "demand", "negations", "hedge", "epistemic")
                     and v not in (None, False, 0)}
            lines.append(f"  '{m['term']}' ({m['topic']}) in: {m['sentence'][:110]}")
            lines.append(f"      {found if found else 'no predicate takes a side on it'}")
    return "\n".join(lines)


def rescore(runtime: Runtime, store: Store, everything: bool = False, batch_size: int = 64,
            progress: Callable[[int, int], None] | None = None) -> RunReport:
    """Score stored articles again with the current rules and lexicons, replacing their statements.

    By default only articles scored by another scorer version; everything=True redoes all. Each batch
    is one transaction, so an interruption leaves every article with either its old or its new
    statements, never a mix.
    """
    report = RunReport(job="rescore", run_id=store.start_run("rescore"))
    scorer = runtime.scorer
    with journal(store, report):
        for rows in store.iter_articles(None if everything else scorer.version, batch_size=batch_size):
            articles = [Article(article_id=r["article_id"], text=r["text"], url=r["url"], source=r["source"],
                                title=r["title"], published_at=r["published_at"], language=r["language"],
                                feed_id=r["feed_id"]) for r in rows]
            stories = {r["article_id"]: r["story_id"] for r in rows}
            items: list[tuple[Article, list[Statement]]] = []
            for art, res in score_safely(scorer, articles):
                if isinstance(res, Exception):
                    report.counts["errors"] += 1
                    report.skips.append(Skip(art.url or art.article_id, "score_error", f"{type(res).__name__}: {res}"))
                    continue
                items.append((art, res))
            count_written(report, write_scored(store, items, scorer.version, run_id=report.run_id, stories=stories))
            report.counts["seen"] += len(rows)
            if progress is not None:
                progress(report.counts["seen"], report.counts["statements"])
    return report
