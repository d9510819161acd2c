"""One poll cycle: due feeds -> new entries -> article pages -> scores -> the store.

The order is chosen so that nothing fetched is lost and nothing is stored twice:

1. read the feeds' polling state (ETag, Last-Modified, failures, next due time) from the store;
2. fetch each due feed with a conditional GET (a 304 costs nothing) and parse it;
3. ask the store which entry URLs it already has, and fetch only the new ones' pages (or take the
   text the feed carries when it is a whole article);
4. score them (no store needed);
5. write articles with their statements in batches (one transaction each), then the feeds' new
   state. A feed's ETag advances only after its articles are written, and not at all when one of
   its pages failed for a reason that may pass (a timeout, a 5xx), so the next cycle reads the feed
   again and retries what is missing; entries already stored are skipped by URL.

If the store is busy when it is time to write, the scored articles stay in memory and are written
at the next cycle. A feed that fails backs off exponentially (capped). Every skipped item is
counted under a reason, recorded in the `skipped` table and logged on one line
(`skipped url=... reason=... detail=...`).

Hostile sites: pages are fetched in one queue per host, each worked by as many lanes as the host has
slots, all hosts at once, so a host that stalls holds up only its own queue and the pages behind a
stalling page are fetched when it times out. A page that could not get a slot, or whose host is
paused after repeated timeouts, or that the cycle had no time left for (the daemon's
`cycle_fetch_seconds`), is put off, not failed: it does not count toward giving up and its feed is
read again. A page refused for what it is (not English, too large, a refused address) is remembered
in `refusals` and not fetched again; one refused for a reason that may pass (HTTP 404, not an article)
is fetched again after `refusal_retry_hours`.
"""

from __future__ import annotations

import logging
import os
import time
from collections import Counter, deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlsplit

from tracker import feeds as feeds_mod
from tracker.config import FeedConfig, Settings
from tracker.errors import FetchError, StoreBusyError
from tracker.extract import NotAnArticle, check_article, extract_html
from tracker.fetch import DEFERRED as FETCH_DEFERRED
from tracker.fetch import Fetcher
from tracker.files import Skip
from tracker.models import Article, Statement, canonical_url, domain_of, stable_hash
from tracker.pipeline import RunReport, score_safely
from tracker.runtime import Runtime
from tracker.store import Store, utcnow
from tracker.writes import write_scored

log = logging.getLogger("tracker.poll")

FULL_TEXT_WORDS = 150          # a feed entry this long is taken as the article itself (fetch_pages = auto)
TRANSIENT = ("timeout", "connection_error", "dns_error", "stopped", "tls_error")
MAX_ATTEMPTS = 3               # a page that keeps failing transiently is given up after this many cycles
# Put off, not failed: no slot on the host in time, the host paused, the cycle's fetch time used up.
DEFERRED = FETCH_DEFERRED + ("cycle_budget",)
# Refused for what the page is: never fetched again. Other refusals are retried after a while.
REFUSED_FOR_GOOD = ("not_english", "too_large", "bad_scheme", "blocked_address", "bad_url")
# Not about the page (our own faults, a shutdown, an entry without a link): never remembered.
NOT_REMEMBERED = ("score_error", "store_error", "no_link", "stopped")
MAX_LANES = 64                 # threads fetching pages at once (requests in flight are capped by concurrency)


def source_id(feed: FeedConfig) -> str:
    return "feed:" + stable_hash(feed.location, length=12)


def _transient(reason: str) -> bool:
    return reason in TRANSIENT or reason.startswith("http_5")


def _remembered(reason: str) -> bool:
    """Is a page skipped for this reason remembered in `refusals` (not fetched again, or not soon)?"""
    return not (_transient(reason) or reason in DEFERRED or reason in NOT_REMEMBERED or reason.startswith("feed_"))


def _alive(pid: int) -> bool:
    """Is another process with this id running? (This process's own id at start is a leftover.)"""
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@dataclass
class FeedResult:
    """What polling one feed produced, and the state to record once its articles are written."""

    feed: FeedConfig
    sid: str
    status: str = "ok"
    articles: list[Article] = field(default_factory=list)
    skips: list[Skip] = field(default_factory=list)
    etag: str | None = None
    last_modified: str | None = None
    advance: bool = True          # False: keep the old validators so the next cycle re-reads the feed
    error: str | None = None
    entries: int = 0
    soon: bool = False            # pages were put off: read the feed again at the next tick
    parsed: list[feeds_mod.Entry] = field(default_factory=list)     # the feed's entries, language filled in


class Poller:
    """Runs poll cycles. Holds the fetcher and, in the daemon, what could not be written yet."""

    def __init__(self, runtime: Runtime, should_stop: Callable[[], bool] | None = None,
                 fetcher: Fetcher | None = None, on_written: Callable[[Store], None] | None = None,
                 budget_seconds: float | None = None) -> None:
        self.runtime = runtime
        self.settings: Settings = runtime.settings
        self.should_stop = should_stop or (lambda: False)
        self.fetcher = fetcher or Fetcher(self.settings.fetch, should_stop=self.should_stop)
        self.pending: list[tuple[Article, list[Statement]]] = []
        self.pending_results: list[FeedResult] = []
        self.on_written = on_written
        self.budget_seconds = budget_seconds    # the daemon's cycle_fetch_seconds; None: no limit
        self._started = time.monotonic()
        self.again = False          # the last cycle put pages off for want of time or a slot: run again now

    def recover(self) -> None:
        """On start: close runs a killed process left `running`, remove its temporary snapshot copies."""
        try:
            with self._open() as store:
                runs = store.close_stale_runs(_alive)
                tmps = Store.remove_stale_snapshots(self.settings.snapshot_path, _alive)
                if tmps:
                    store.dirty = True      # a publication was cut short: publish the snapshot again
        except StoreBusyError as exc:
            log.warning("store busy, stale runs not checked: %s", exc.detail)
            return
        if runs:
            log.info("recovered runs=%s status=interrupted detail=left running by a process that stopped",
                     ",".join(map(str, runs)))
        for tmp in tmps:
            log.info("recovered removed=%s detail=temporary snapshot copy of a process that stopped", tmp)

    # the cycle --------------------------------------------------------------------------------------
    def cycle(self, force: bool = False, job: str = "poll") -> RunReport:
        """Poll every due feed once (every enabled feed with force=True) and store what is new."""
        started = self._started = time.monotonic()
        self.again = False
        report = RunReport(job=job)
        feeds = [f for f in self.settings.feeds if f.enabled]
        try:
            with self._open() as store:
                for f in feeds:
                    store.ensure_source(source_id(f), "feed" if f.url else "file", f.url or str(f.path), f.name,
                                        domain_of(f.url) if f.url else None, f.language,
                                        f.interval_seconds or self.settings.daemon.poll_interval_seconds)
                states = store.source_states([source_id(f) for f in feeds])
                now = utcnow()
                due = [f for f in feeds if force or _is_due(states.get(source_id(f)), now)]
                if not due and not self.pending and not self.pending_results:
                    report.status = "idle"      # nothing due: a counter for the daemon, not a row in `runs`
                    return report
                report.run_id = store.start_run(job)
        except StoreBusyError as exc:
            log.warning("store busy, cycle skipped: %s", exc.detail)
            report.status = "busy"
            return report
        results = self._poll_feeds(due, states)
        if len(results) < len(due):
            report.status = "interrupted"
        # New entries only: ask the store which URLs it has, then fetch the rest.
        candidates = [(r, e) for r in results for e in r.parsed]
        known: set[str] = set()
        refused: set[str] = set()
        attempts: dict[str, int] = {}
        if candidates:
            try:
                with self._open() as store:
                    urls = [canonical_url(e.link) for _, e in candidates if e.link]
                    known = store.known_urls(urls)
                    refused = store.refused_urls(urls)
                    attempts = store.failed_attempts(urls, list(TRANSIENT))
            except StoreBusyError as exc:
                log.warning("store busy before fetching pages; entries will be read again next cycle: %s", exc.detail)
                for r in results:
                    r.advance = False
                candidates = []
        self._collect_articles(candidates, known, attempts, refused, report)
        self.again = any(r.soon for r in results) and not self.should_stop()
        report.counts["seen"] = sum(r.entries for r in results)
        report.counts["feeds_polled"] = len(results)
        report.counts["feeds_not_modified"] = sum(r.status == "not_modified" for r in results)
        report.counts["feeds_failed"] = sum(r.status == "error" for r in results)
        report.counts["entries_known"] = len([1 for _, e in candidates if e.link and canonical_url(e.link) in known])
        # Score (no store), then write with whatever was left from a busy cycle.
        articles = [a for r in results for a in r.articles]
        scored: list[tuple[Article, list[Statement]]] = []
        skips: list[Skip] = [s for r in results for s in r.skips]
        if articles:
            for art, res in score_safely(self.runtime.scorer, articles):
                if isinstance(res, Exception):
                    report.counts["errors"] += 1
                    skips.append(Skip(art.url or art.article_id, "score_error", f"{type(res).__name__}: {res}"))
                else:
                    scored.append((art, res))
        self.pending += scored
        self.pending_results += results
        self.write_pending(report, skips)
        report.seconds = time.monotonic() - started
        return report

    def _open(self) -> Store:
        return self.runtime.open_store(wait_seconds=self.settings.daemon.store_wait_seconds)

    # feeds --------------------------------------------------------------------------------------------
    def _poll_feeds(self, due: list[FeedConfig], states: dict[str, dict[str, Any]]) -> list[FeedResult]:
        """Poll the due feeds at once (each host's slots still apply); stop between feeds when asked."""
        def one(f: FeedConfig) -> FeedResult | None:
            return None if self.should_stop() else self._poll_feed(f, states.get(source_id(f), {}))

        if not due:
            return []
        with ThreadPoolExecutor(max_workers=min(len(due), self.settings.fetch.concurrency),
                                thread_name_prefix="feed") as pool:
            return [r for r in pool.map(one, due) if r is not None]

    def _poll_feed(self, feed: FeedConfig, state: dict[str, Any]) -> FeedResult:
        sid = source_id(feed)
        res = FeedResult(feed, sid, etag=state.get("etag"), last_modified=state.get("last_modified"))
        try:
            if feed.path is not None:
                body, ctype, validators = self._read_local(feed.path, state)
                if body is None:
                    res.status = "not_modified"
                    return res
                res.etag, res.last_modified = validators
            else:
                assert feed.url is not None
                resp = self.fetcher.get(feed.url, accept="feed", etag=state.get("etag"),
                                        last_modified=state.get("last_modified"))
                if resp.not_modified:
                    res.status = "not_modified"
                    log.info("feed=%s url=%s status=not_modified", feed.name, feed.location)
                    return res
                body, ctype = resp.body, resp.content_type
                res.etag, res.last_modified = resp.etag, resp.last_modified
            parsed = feeds_mod.parse(body, ctype)
        except FetchError as exc:
            if exc.reason in DEFERRED:       # not the feed's fault: read it again later
                res.status, res.advance, res.soon = "deferred", False, exc.reason == "slot_wait"
                log.info("feed=%s url=%s status=deferred reason=%s", feed.name, feed.location, exc.reason)
                return res
            return self._failed(res, exc.reason, exc.render())
        except feeds_mod.FeedError as exc:
            return self._failed(res, exc.reason, exc.detail)
        except OSError as exc:
            return self._failed(res, "unreadable", str(exc))
        res.entries = len(parsed.entries)
        if parsed.warning:
            res.skips.append(Skip(feed.location, "feed_malformed", parsed.warning))
            log.warning("feed=%s status=malformed detail=%s", feed.name, parsed.warning)
        res.parsed = [replace(e, language=e.language or feed.language or parsed.language) for e in parsed.entries]
        log.info("feed=%s url=%s status=ok entries=%d", feed.name, feed.location, res.entries)
        return res

    def _failed(self, res: FeedResult, reason: str, detail: str) -> FeedResult:
        res.status, res.error, res.advance = "error", f"{reason}: {detail}", False
        res.skips.append(Skip(res.feed.location, f"feed_{reason}", detail))
        log.warning("feed=%s url=%s status=error reason=%s detail=%s", res.feed.name, res.feed.location, reason,
                    detail.replace("\n", " | "))
        return res

    def _read_local(self, path: Path, state: dict[str, Any]) -> tuple[bytes | None, str, tuple[str, str]]:
        st = path.stat()
        tag = f"local:{st.st_size}:{int(st.st_mtime)}"
        if state.get("etag") == tag:
            return None, "", (tag, "")
        ctype = "application/json" if path.suffix == ".json" else "application/xml"
        return path.read_bytes(), ctype, (tag, "")

    # articles -------------------------------------------------------------------------------------------
    def _collect_articles(self, candidates: list[tuple[FeedResult, feeds_mod.Entry]], known: set[str],
                          attempts: dict[str, int], refused: set[str] | None = None,
                          report: RunReport | None = None) -> None:
        refused = refused or set()
        counts: Counter[str] = report.counts if report is not None else Counter()
        todo = []
        for res, entry in candidates:
            if not entry.link:
                res.skips.append(Skip(f"{res.feed.location}#{entry.entry_id or entry.title}", "no_link",
                                      "the entry has no link"))
                continue
            url = canonical_url(entry.link)
            if url in known:
                continue
            if url in refused:
                counts["refused_known"] += 1    # refused before (see `refusals`): not fetched again
                continue
            if attempts.get(url, 0) >= MAX_ATTEMPTS:
                continue      # given up after repeated transient failures (they are in `skipped`)
            todo.append((res, entry))
        outcomes = self._fetch_by_host(todo)
        put_off: Counter[tuple[str, str]] = Counter()
        for (res, _entry), out in zip(todo, outcomes):
            if isinstance(out, Skip) and out.reason in DEFERRED:
                res.advance = False                 # read the feed again; this is no failure of the page
                res.soon = res.soon or out.reason != "host_paused"
                put_off[(_host_of(out.item), out.reason)] += 1
                counts["deferred"] += 1
            elif isinstance(out, Skip):
                res.skips.append(out)
                if _transient(out.reason):
                    res.advance = False
            elif out is not None:
                res.articles.append(out)
        for (host, reason), n in sorted(put_off.items()):
            log.info("host=%s deferred=%d reason=%s detail=fetched in a later cycle", host or "-", n, reason)

    def _fetch_by_host(self, todo: list[tuple[FeedResult, feeds_mod.Entry]]) -> list[Article | Skip | None]:
        """Fetch the pages in one queue per host, each worked by as many lanes as the host has slots.

        All hosts start at once, so a slow or stalling host delays only its own queue; a lane whose
        page stalls takes the next page of its queue when that request reaches its deadline.
        """
        outcomes: list[Article | Skip | None] = [None] * len(todo)
        queues: dict[str, deque[int]] = {}
        for i, (_, entry) in enumerate(todo):
            queues.setdefault(_host_of(entry.link or ""), deque()).append(i)
        per_host = max(1, self.settings.fetch.per_host_concurrency)
        lanes = [q for k in range(per_host) for q in queues.values() if k < len(q)]

        def lane(q: deque[int]) -> None:
            first = True            # every lane fetches at least one page, so a cycle always makes progress
            while True:
                try:
                    i = q.popleft()
                except IndexError:
                    return
                res, entry = todo[i]
                over = self.budget_seconds is not None and time.monotonic() - self._started > self.budget_seconds
                if over and not first:
                    outcomes[i] = Skip(entry.link or "", "cycle_budget",
                                       f"the cycle's fetch time ({self.budget_seconds:.0f}s) was used up")
                    continue
                first = False
                outcomes[i] = self._article(res, entry)

        if lanes:
            with ThreadPoolExecutor(max_workers=min(len(lanes), MAX_LANES), thread_name_prefix="fetch") as pool:
                list(pool.map(lane, lanes))
        return outcomes

    def _article(self, res: FeedResult, entry: feeds_mod.Entry) -> Article | Skip:
        feed = res.feed
        url = entry.link or ""
        if self.should_stop():
            return Skip(url, "stopped", "shutting down")
        use_feed_text = feed.fetch_pages == "never" or (
            feed.fetch_pages == "auto" and len(entry.content.split()) >= FULL_TEXT_WORDS)
        title, published, language, text = entry.title, entry.published, entry.language, entry.content
        if not use_feed_text:
            try:
                resp = self.fetcher.get(url, accept="html")
                ex = extract_html(resp.body, url=resp.url)
            except FetchError as exc:
                return Skip(url, exc.reason, exc.render().replace("\n", " | "))
            except NotAnArticle as exc:
                return Skip(url, exc.reason, exc.detail)
            text = ex.text
            title = title or ex.title
            if not published and ex.date:
                published = datetime.fromisoformat(ex.date[:10])
            language = ex.language or language
        try:
            check_article(text, language)
        except NotAnArticle as exc:
            return Skip(url, exc.reason, exc.detail)
        return Article.build(text, url=url, title=title, published=published or utcnow(), language=language,
                             feed_id=res.sid, fetched_at=utcnow())

    # writing ---------------------------------------------------------------------------------------------
    def write_pending(self, report: RunReport, skips: list[Skip]) -> None:
        """Write the scored articles kept in `pending` (tracker.writes.write_scored), then the feeds'
        new state, the skipped items and refusals, and close the run; if the store is busy, keep
        them for the next cycle."""
        try:
            with self._open() as store:
                written = write_scored(store, list(self.pending), self.runtime.scorer.version, run_id=report.run_id,
                                       skips=skips, batch_size=self.settings.daemon.batch_size)
                self.pending = []
                report.counts.update(written.counts())
                report.skips += written.skips
                now = utcnow()
                for res in self.pending_results:
                    store.update_source(res.sid, status=res.status, now=now, error=res.error,
                                        etag=res.etag if res.advance else None,
                                        last_modified=res.last_modified if res.advance else None,
                                        advance=res.advance, interval=self._interval(res.feed),
                                        max_backoff=self.settings.daemon.max_backoff_seconds, soon=res.soon)
                self.pending_results = []
                _log_skips(list(written.skips))
                store.remember_refusals(self._refusals(list(written.skips)))
                if report.counts["errors"] or report.counts["feeds_failed"]:
                    report.status = "partial" if report.status == "ok" else report.status
                if report.run_id is not None:
                    store.finish_run(report.run_id, report.status, report.counts, "")
                if self.on_written is not None:
                    self.on_written(store)
        except StoreBusyError as exc:
            log.warning("store busy, %d scored articles kept for the next cycle: %s", len(self.pending), exc.detail)
            report.status = "busy"
            report.skips += skips
            report.counts["skipped"] += len(skips)
            _log_skips(skips)

    def _refusals(self, skips: list[Skip]) -> list[tuple[str, str, str, str, datetime | None]]:
        retry = utcnow() + timedelta(hours=self.settings.daemon.refusal_retry_hours)
        return [(canonical_url(s.item), s.item, s.reason, s.detail, None if s.reason in REFUSED_FOR_GOOD else retry)
                for s in skips if "://" in s.item and _remembered(s.reason)]

    def _interval(self, feed: FeedConfig) -> int:
        return feed.interval_seconds or self.settings.daemon.poll_interval_seconds


def _host_of(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def _log_skips(skips: list[Skip]) -> None:
    """One greppable line per skipped page (a feed's own failure is logged where it happens)."""
    for s in skips:
        if not s.reason.startswith("feed_"):
            log.info("skipped url=%s reason=%s detail=%s", s.item, s.reason, (s.detail or "").replace("\n", " | "))


def _is_due(state: dict[str, Any] | None, now: datetime) -> bool:
    if not state or state.get("next_poll_at") is None:
        return True
    return state["next_poll_at"] <= now


def poll_once(runtime: Runtime, force: bool = True, should_stop: Callable[[], bool] | None = None) -> RunReport:
    """`tracker poll`: one cycle over every enabled feed, then publish the readers' snapshot."""
    poller = Poller(runtime, should_stop=should_stop)
    poller.recover()
    report = poller.cycle(force=force)
    if poller.pending:
        raise StoreBusyError("The store stayed busy; nothing was written",
                             f"{len(poller.pending)} scored articles were not stored (their feeds will be read again)",
                             "run `tracker poll` again when the other process has finished")
    return report
