"""The run journal: a row in `runs` for each run (open while it goes, closed with its counts), and
the items a run skipped (`skipped`), so nothing vanishes without a trace."""

from __future__ import annotations

import json
import os
from typing import Callable, Mapping, Sequence

from tracker.store.connection import Connection, utcnow
from tracker.store.sqlfiles import statement


class Journal(Connection):
    """Runs and skipped items."""

    def start_run(self, job: str) -> int:
        run_id = self._scalar(statement("run_start"), {"job": job, "now": utcnow(), "pid": os.getpid()})
        assert run_id is not None
        return int(run_id)

    def close_stale_runs(self, alive: Callable[[int], bool]) -> list[int]:
        """Close as `interrupted` the runs left `running` by processes that are gone; return their ids.

        Only runs whose process is not alive (or that have no process id) are closed: the daemon
        keeps its run open between the short write sessions of a cycle.
        """
        stale = [rid for rid, pid in self.con.execute(statement("runs_running")).fetchall()
                 if pid is None or not alive(int(pid))]
        if stale:
            with self._keys(ids=[str(r) for r in stale]):
                self.con.execute(statement("runs_interrupt"), {"now": utcnow()})
        return stale

    def finish_run(self, run_id: int, status: str, counts: Mapping[str, int], message: str = "") -> None:
        # Bookkeeping only: it does not republish the readers' snapshot (articles and statements do).
        self.con.execute(statement("run_finish"), {
            "now": utcnow(), "status": status, "seen": counts.get("seen", 0), "stored": counts.get("stored", 0),
            "updated": counts.get("updated", 0), "unchanged": counts.get("unchanged", 0),
            "skipped": counts.get("skipped", 0), "statements": counts.get("statements", 0),
            "errors": counts.get("errors", 0), "counts": json.dumps(dict(counts), sort_keys=True),
            "message": message, "run_id": run_id})

    def record_skips(self, run_id: int | None, skips: Sequence[tuple[str, str, str]]) -> None:
        """Remember skipped items (item, reason, detail) so nothing vanishes without a trace."""
        if not skips:
            return
        now = utcnow()
        self.con.executemany(statement("skipped_insert"), [[run_id, now, i, r, d] for i, r, d in skips])
