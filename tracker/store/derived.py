"""The derived tables (voices and the two daily series tables with their running positions), brought
up to date for what a write session touched.

Writers list the (story, day) pairs they touch in derived_pending in the same transaction as the
statements; a refresh rebuilds exactly those stories' voices and those days' rows (sql/store/derived_*).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Mapping, Sequence

import duckdb

from tracker.errors import StoreError
from tracker.store.schema import Schema
from tracker.store.sqlfiles import statement

# The steps of a derived-table refresh, run in this order in one transaction (sql/store/derived_*).
DERIVED_STEPS = ("derived_01_scope", "derived_02_days_before", "derived_03_voices_delete", "derived_04_voices_insert",
                 "derived_05_days_after", "derived_06_daily_new", "derived_07_touched", "derived_08_daily_delete",
                 "derived_09_daily_insert")
# A refresh that touches more stories than this (a full build, a rescore of everything) recomputes
# voices and daily rows in parts of about this many stories, so it stays within the memory limit
# (at 10 million statements a single pass needs more than the default 4 GB).
DERIVED_CHUNK_STORIES = 200_000
# The two daily series tables, by the key of the series ('country' or 'holder').
SERIES_TABLES = {"country": "series_country_daily", "holder": "series_holder_daily"}


class Derived(Schema):
    """The derived tables' refresh."""

    def derived_due(self) -> bool:
        """Must the derived tables be refreshed (writes pending, or the half-life changed)?"""
        half_life = self._series_setting("half_life_days")
        return self.pending_derived() > 0 or (
            half_life is not None and half_life != self._series_setting("path_half_life_days"))

    def pending_derived(self) -> int:
        """How many (story, day) pairs wait for the derived tables' refresh."""
        return int(self._scalar(statement("derived_pending_count")))

    def refresh_derived(self) -> int:
        """Recompute the derived tables (voices and the two daily series tables with their running
        positions) for every story and day written since the last refresh; returns how many
        (story, day) pairs were pending.

        Exact, not approximate: the touched stories' voices and the touched days' rows are rebuilt
        from the statements, and each touched series' running position from its first touched day
        on, in one transaction. Writers list what they touch in derived_pending in the same
        transaction as the statements, so a crash between a write and its refresh only delays the
        refresh to the next read-write open. Called when a write session closes (before the
        readers' snapshot is published) and before a query in a session that wrote. A changed
        half-life recomputes every running position.
        """
        if self.read_only:
            raise StoreError("A read-only store cannot refresh its derived tables")
        pending = self.pending_derived()
        half_life = self._series_setting("half_life_days")
        repath = half_life is not None and half_life != self._series_setting("path_half_life_days")
        if not pending and not repath:
            self.derived_stale = False
            return 0
        stories = int(self._scalar(statement("derived_pending_stories")))
        parts = max(1, -(-stories // DERIVED_CHUNK_STORIES))
        if parts > 1:
            # A big refresh (a full build, a rescore of everything): the voices are replaced part by
            # part, each part in its own transaction, so that no transaction holds millions of new
            # rows; the days and running positions then follow in one transaction as usual. Safe
            # to stop anywhere: derived_pending is only cleared at the very end.
            self._transaction(["derived_01_scope", "derived_pending_before"])
            for part in range(parts):
                self._transaction(["derived_03_voices_delete", "derived_04_voices_insert"],
                                  {"part": part, "parts": parts})
        self.con.execute("BEGIN TRANSACTION")
        try:
            if pending:
                for name in DERIVED_STEPS:
                    if name in ("derived_03_voices_delete", "derived_04_voices_insert"):
                        if parts == 1:
                            self._each_series(name, {"part": 0, "parts": 1})
                    elif name == "derived_06_daily_new":
                        for lo, hi in self._day_ranges(parts):
                            self._each_series(name, {"lo": lo, "hi": hi})
                    else:
                        self._each_series(name)
            if repath:
                self.con.execute(statement("derived_touch_all"))
            if half_life is not None and (pending or repath):
                self._refresh_paths(half_life)
            self.con.execute(statement("derived_11_done"))
            self.con.execute("COMMIT")
        except duckdb.Error as exc:
            self.con.execute("ROLLBACK")
            raise StoreError("Refreshing the derived series tables failed; they will be refreshed next time",
                             str(exc).splitlines()[0]) from None
        self.dirty = True
        self.derived_stale = False
        return pending

    def _transaction(self, steps: Sequence[str], params: Mapping[str, Any] | None = None) -> None:
        self.con.execute("BEGIN TRANSACTION")
        try:
            for name in steps:
                self._each_series(name, params)
            self.con.execute("COMMIT")
        except duckdb.Error as exc:
            self.con.execute("ROLLBACK")
            raise StoreError("Refreshing the derived series tables failed; they will be refreshed next time",
                             str(exc).splitlines()[0]) from None

    def _day_ranges(self, parts: int) -> list[tuple[date, date]]:
        """The touched days (_ddays) as `parts` runs of consecutive days, each [lo, hi)."""
        days = [row[0] for row in self.con.execute(statement("derived_days")).fetchall()]
        if not days:
            return []
        size = max(1, -(-len(days) // parts))
        return [(days[i], days[min(i + size, len(days)) - 1] + timedelta(days=1)) for i in range(0, len(days), size)]

    def _each_series(self, name: str, params: Mapping[str, Any] | None = None) -> None:
        """Run a derived_* step; one with a {series} placeholder runs once per series table."""
        text = statement(name)
        if "{series}" not in text:
            self.con.execute(text, params or {})
            return
        for per, table in SERIES_TABLES.items():
            sql = text.replace("{series}", table)           # our two table names, never input
            self.con.execute(sql, {**(params or {}), **({"per": per} if "$per" in sql else {})})

    def _refresh_paths(self, half_life: float) -> None:
        row = self.con.execute(statement("derived_touched_range")).fetchone()
        first, last = row if row is not None else (None, None)
        if first is not None and last is not None:
            span = timedelta(days=max(1, int(500 * half_life)))
            lo = first
            while lo <= last:
                hi = min(last, lo + span - timedelta(days=1))
                self._each_series("derived_10_path", {"h": float(half_life), "lo": lo, "hi": hi})
                lo = hi + timedelta(days=1)
        self.con.execute(statement("series_path_half_life"), {"h": half_life})

    def _series_setting(self, name: str) -> float | None:
        value = self._scalar(statement("series_setting_get"), {"name": name})
        return None if value is None else float(value)
