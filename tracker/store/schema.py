"""The schema: numbered migrations applied once each, views and macros re-created when their SQL
changes, the series settings the views read, and the gazetteer's reference tables."""

from __future__ import annotations

import re

import duckdb
import polars as pl

from tracker.config import Settings
from tracker.errors import StoreError
from tracker.store import sqlfiles
from tracker.store.connection import Connection, utcnow
from tracker.store.sqlfiles import statement

SCHEMA_META_KEYS = ("views_digest", "reference_digest")
REFERENCE_TABLES = ("actors", "actor_roles", "conflicts")


class Schema(Connection):
    """Migrations, views, series settings and reference tables."""

    def migrate(self) -> list[str]:
        """Apply the migrations not yet recorded, each in its own transaction; return their names."""
        self.con.execute(statement("migrations_table"))
        done = {v for (v,) in self.con.execute(statement("migrations_done")).fetchall()}
        applied = []
        for filename, text in sqlfiles.sql_files("migrations"):
            m = re.match(r"^(\d+)_", filename)
            if not m:
                raise StoreError(f"sql/migrations/{filename} is not named NNN_name.sql")
            version = int(m.group(1))
            if version in done:
                continue
            try:
                self.con.execute("BEGIN TRANSACTION")
                self.con.execute(text)
                self.con.execute(statement("migration_record"), {"version": version, "name": filename, "now": utcnow()})
                self.con.execute("COMMIT")
            except duckdb.Error as exc:
                self.con.execute("ROLLBACK")
                raise StoreError(f"Migration {filename} failed; the store is unchanged", str(exc)) from None
            applied.append(filename)
            self.dirty = True
        return applied

    def check_schema(self) -> None:
        """Refuse a file that is not a store, or a store of an older schema (a read-only open cannot migrate)."""
        try:
            done = {v for (v,) in self.con.execute(statement("migrations_done")).fetchall()}
        except duckdb.Error:
            raise StoreError(f"{self.path} is not a tracker store (no schema_migrations table)",
                             hint="run `tracker init` on it, or point --db at the right file") from None
        wanted = {int(f.split("_", 1)[0]) for f, _ in sqlfiles.sql_files("migrations")}
        if wanted - done:
            raise StoreError(f"The store {self.path} has an older schema",
                             hint="open it once read-write (`tracker init`) to migrate it")

    def _meta(self, key: str) -> str | None:
        value = self._scalar(statement("meta_get"), {"key": key})
        return None if value is None else str(value)

    def _set_meta(self, key: str, value: str) -> None:
        self.con.execute(statement("meta_set"), {"key": key, "value": value})

    def refresh_views(self, force: bool = False) -> bool:
        """Re-create views and macros when their SQL changed since they were last created."""
        files = sqlfiles.sql_files("views")
        digest = sqlfiles.views_digest()
        if not force and self._meta("views_digest") == digest:
            return False
        try:
            self.con.execute("BEGIN TRANSACTION")
            for filename, text in files:
                try:
                    self.con.execute(text)
                except duckdb.Error as exc:
                    raise StoreError(f"sql/views/{filename} failed", str(exc)) from None
            self._set_meta("views_digest", digest)
            self.con.execute("COMMIT")
            self.dirty = True
        except Exception:
            self.con.execute("ROLLBACK")
            raise
        return True

    def sync_series_settings(self, settings: Settings) -> None:
        """Write the configured series defaults where the views read them."""
        wanted = {
            "half_life_days": settings.half_life_days,
            "window_days": float(settings.window_days),
            "shift_min_level": settings.shift_min_level,
            "shift_min_move": settings.shift_min_move,
        }
        have = dict(self.con.execute(statement("series_settings_all")).fetchall())
        if all(have.get(k) == v for k, v in wanted.items()):
            return
        self.con.execute("BEGIN TRANSACTION")
        self.con.executemany(statement("series_setting_set"), [list(kv) for kv in wanted.items()])
        self.con.execute("COMMIT")

    def replace_reference(
        self,
        digest: str,
        actors: pl.DataFrame,
        roles: pl.DataFrame,
        conflicts: pl.DataFrame,
    ) -> bool:
        """Load the gazetteer and conflict registry into their tables, unless already loaded."""
        if self._meta("reference_digest") == digest:
            return False
        self.con.execute("BEGIN TRANSACTION")
        try:
            for table, frame in zip(REFERENCE_TABLES, (actors, roles, conflicts)):
                self.con.register("_reference_batch", frame.to_arrow())
                self.con.execute(statement(f"reference_{table}"))
                self.con.unregister("_reference_batch")
            self._set_meta("reference_digest", digest)
            self.con.execute("COMMIT")
            self.dirty = True
        except duckdb.Error as exc:
            self.con.execute("ROLLBACK")
            raise StoreError("Loading the gazetteer into the store failed", str(exc)) from None
        return True
