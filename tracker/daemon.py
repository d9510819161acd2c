"""The ingestion daemon: scheduled poll cycles, daily maintenance, clean shutdown.

Jobs are defined in code on an APScheduler 3 BackgroundScheduler with the default memory job store:

- `poll` runs every few seconds to minutes (half the shortest feed interval, at most a minute) and
  polls the feeds that are due; `max_instances=1` and `coalesce=True` mean a slow cycle never
  overlaps the next and missed runs collapse into one; every network step inside is bounded by the
  fetcher's deadline, so a hung server cannot block the schedule;
- `maintenance` runs daily at `[daemon] maintenance_hour_utc`: a store checkpoint;
- the store is opened only for short write sessions; each session that wrote something republishes
  the readers' snapshot when it closes (see README: "Reading while the daemon writes").

SIGTERM and SIGINT only set a flag. The current cycle stops between articles (a fetch in flight
ends at its deadline or is abandoned unwritten), the scheduler shuts down, the store is
checkpointed and the process exits 0. Every cycle that polled a feed is a row in `runs`; a tick
with no feed due is only counted (`idle=` in the log), and the readers' snapshot is published only
when articles or statements changed. A cycle that runs longer than the tick is normal: the ticks
that fell due meanwhile are skipped quietly and the cycle's log line says how many. On start, runs
a killed process left `running` are closed as `interrupted` and its temporary snapshot copies
removed. Logs go to stderr as plain key=value lines, one per skipped page.
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
import time
from datetime import datetime, timezone
from typing import Any

from tracker.errors import StoreBusyError, TrackerError
from tracker.pipeline import RunReport
from tracker.poll import Poller
from tracker.runtime import Runtime

log = logging.getLogger("tracker.daemon")
GRACE_SECONDS = 5.0


class _UTCFormatter(logging.Formatter):
    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(record.created))


def setup_logging(verbose: bool = False) -> None:
    """Plain, greppable lines on stderr: `2026-11-24T19:00:00Z INFO tracker.poll feed=... status=...`."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_UTCFormatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    # trafilatura logs its own "discarding data" lines; the poller logs each skipped page itself.
    for name in ("trafilatura", "htmldate", "courlan"):
        logging.getLogger(name).setLevel(logging.ERROR)


class _SkippedTicks(logging.Filter):
    """Drops APScheduler's warning for a tick that found the previous cycle still running, counting it."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0
        self._lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        if "maximum number of running instances reached" in record.getMessage():
            with self._lock:
                self.count += 1
            return False
        return True

    def take(self) -> int:
        with self._lock:
            n, self.count = self.count, 0
            return n


class Daemon:
    """Runs until stopped. Build it with a Runtime; call run()."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.settings = runtime.settings
        self.stop_event = threading.Event()
        self.idle = threading.Event()
        self.idle.set()
        self.poller = Poller(runtime, should_stop=self.stop_event.is_set,
                             budget_seconds=self.settings.daemon.cycle_fetch_seconds)
        self.cycles = 0
        self.idle_ticks = 0           # ticks with no feed due: counted, not written
        self.skipped_ticks = _SkippedTicks()

    # jobs ---------------------------------------------------------------------------------------------
    def poll_job(self) -> None:
        if self.stop_event.is_set():
            return
        self.idle.clear()
        try:
            while self._cycle() and not self.stop_event.is_set():
                pass            # pages were put off for want of time: go on at once, not at the next tick
        except TrackerError as exc:
            log.error("cycle failed: %s", exc.render().replace("\n", " | "))
        except Exception:  # noqa: BLE001 - a daemon logs and carries on; the next cycle retries
            log.exception("cycle failed")
        finally:
            self.idle.set()

    def _cycle(self) -> bool:
        """One poll cycle, logged; True when it put pages off and the next should start now."""
        report = self.poller.cycle(force=False)
        if report.status == "idle":
            self.idle_ticks += 1
            return False
        self.cycles += 1
        c = report.counts
        log.info("cycle=%d status=%s feeds=%d not_modified=%d failed=%d seen=%d stored=%d statements=%d "
                 "skipped=%d refused_known=%d deferred=%d pending=%d idle=%d seconds=%.1f", self.cycles,
                 report.status, c["feeds_polled"], c["feeds_not_modified"], c["feeds_failed"], c["seen"],
                 c["stored"], c["statements"], c["skipped"], c["refused_known"], c["deferred"],
                 len(self.poller.pending), self.idle_ticks, report.seconds)
        skipped = self.skipped_ticks.take()
        if skipped:
            log.info("cycle=%d ticks_skipped=%d detail=the cycle ran longer than the %.0fs tick; the next one "
                     "starts now", self.cycles, skipped, self.tick_seconds())
        return self.poller.again

    def maintenance_job(self) -> None:
        try:
            with self.runtime.open_store(wait_seconds=self.settings.daemon.store_wait_seconds) as store:
                store.checkpoint()
            log.info("maintenance=checkpoint status=ok")
        except StoreBusyError as exc:
            log.warning("maintenance=checkpoint status=busy detail=%s", exc.detail)

    # running -----------------------------------------------------------------------------------------
    def tick_seconds(self) -> float:
        intervals = [f.interval_seconds or self.settings.daemon.poll_interval_seconds
                     for f in self.settings.feeds if f.enabled] or [self.settings.daemon.poll_interval_seconds]
        return max(0.5, min(60.0, min(intervals) / 2))

    def request_stop(self, signum: int | None = None, frame: Any = None) -> None:
        """The signal handler: it only sets a flag."""
        self.stop_event.set()

    def run(self) -> int:
        from apscheduler.schedulers.background import BackgroundScheduler

        if not any(f.enabled for f in self.settings.feeds):
            raise TrackerError("No feeds to poll", hint="add one with `tracker feeds add URL` or pass --feed URL")
        self.runtime.scorer  # noqa: B018 - load the model before the first cycle, not inside it
        self.poller.recover()             # creates/migrates the store, closes runs a kill left open
        logging.getLogger("apscheduler.scheduler").addFilter(self.skipped_ticks)
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, self.request_stop)
        scheduler = BackgroundScheduler(timezone=timezone.utc, job_defaults={
            "coalesce": True, "max_instances": 1, "misfire_grace_time": 30})
        tick = self.tick_seconds()
        scheduler.add_job(self.poll_job, "interval", seconds=tick, id="poll", next_run_time=datetime.now(timezone.utc))
        scheduler.add_job(self.maintenance_job, "cron", hour=self.settings.daemon.maintenance_hour_utc, minute=7,
                          id="maintenance")
        log.info("daemon=start store=%s feeds=%d tick=%.1fs", self.settings.db_path,
                 sum(f.enabled for f in self.settings.feeds), tick)
        scheduler.start()
        try:
            while not self.stop_event.wait(0.5):
                pass
        finally:
            log.info("daemon=stopping")
            scheduler.shutdown(wait=False)
            if not self.idle.wait(GRACE_SECONDS):
                log.warning("daemon=stopping cycle still running after %.0fs; its unwritten articles will be fetched "
                            "again next time", GRACE_SECONDS)
            self._final_checkpoint()
        logging.getLogger("apscheduler.scheduler").removeFilter(self.skipped_ticks)
        log.info("daemon=stopped cycles=%d idle=%d", self.cycles, self.idle_ticks)
        return 0

    def _final_checkpoint(self) -> None:
        try:
            with self.runtime.open_store(wait_seconds=2.0) as store:
                if self.poller.pending:
                    self.poller.write_pending(_report("shutdown"), [])
                store.checkpoint()
        except TrackerError as exc:
            log.warning("daemon=stopping checkpoint skipped: %s", exc.title)


def _report(job: str) -> RunReport:
    return RunReport(job=job)
