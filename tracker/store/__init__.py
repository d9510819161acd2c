"""The only package that talks to DuckDB: one public Store, its jobs in one module each.

The store is one DuckDB file, created on first use. Its schema comes from numbered migrations in
sql/migrations (each applied once, in a transaction, and recorded); views and table macros come
from sql/views and are re-created whenever their text changes; named queries live in sql/queries,
each with a header naming its parameters and columns; the store's own statements in sql/store.
Values are always bound, never formatted in.

    connection.py  opening the file (waiting on another process's lock); the shared connection
    sqlfiles.py    reading sql/: migrations, views, queries, the store's statements
    schema.py      migrations, views, series settings, the gazetteer's reference tables
    derived.py     the derived tables' refresh for what a write session touched
    queries.py     running SQL and the named queries
    articles.py    articles and statements in (one transaction a batch) and back out
    sources.py     feeds' polling state, known URLs, failed attempts, refusals
    journal.py     runs and skipped items
    snapshot.py    the readers' snapshot, checkpoints, the Parquet export
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from tracker.config import Settings
from tracker.store.articles import Articles, WriteResult, statement_frame
from tracker.store.connection import connect, utcnow
from tracker.store.derived import DERIVED_CHUNK_STORIES, DERIVED_STEPS, SERIES_TABLES
from tracker.store.journal import Journal
from tracker.store.queries import NamedQuery, QueryParam, named_queries, parse_named_query
from tracker.store.schema import SCHEMA_META_KEYS
from tracker.store.snapshot import Snapshot
from tracker.store.sources import Sources
from tracker.store.sqlfiles import statement, views_digest

__all__ = [
    "DERIVED_CHUNK_STORIES", "DERIVED_STEPS", "SCHEMA_META_KEYS", "SERIES_TABLES", "WAL_CHECKPOINT_MB",
    "NamedQuery", "QueryParam", "Store", "WriteResult", "named_queries", "parse_named_query",
    "statement", "statement_frame", "utcnow", "views_digest",
]

# WAL size at which DuckDB checkpoints in the middle of a write session (see Store.open).
WAL_CHECKPOINT_MB = 256


class Store(Articles, Sources, Journal, Snapshot):
    """An open DuckDB store. Use as a context manager, or call close()."""

    @classmethod
    def open(
        cls,
        path: str | Path,
        *,
        read_only: bool = False,
        settings: Settings | None = None,
        wait_seconds: float = 0.0,
    ) -> "Store":
        """Open (and on first use create and migrate) the store at path.

        A read-write open migrates the schema and refreshes views. When another process holds the
        file, a StoreBusyError is raised after waiting up to wait_seconds.
        """
        path = Path(path)
        con = connect(path, read_only, wait_seconds)
        store = cls(con, path, read_only, settings)
        try:
            if settings is not None:
                con.execute(f"SET memory_limit = '{settings.memory_limit}'")   # validated by config.py
            if not read_only:
                # DuckDB checkpoints whenever 16 MB of WAL pile up, which made a checkpoint of most
                # commits of a busy session (two thirds of the write time). A write session
                # checkpoints when it closes (publish_snapshot), so let the WAL grow until then.
                con.execute(f"SET checkpoint_threshold = '{WAL_CHECKPOINT_MB}MB'")
            if read_only:
                store.check_schema()
            else:
                store.migrate()
                store.refresh_views()
                if settings is not None:
                    store.sync_series_settings(settings)
                store.derived_stale = store.derived_due()
        except Exception:
            con.close()
            raise
        return store

    def close(self) -> None:
        """Close; after a session that wrote, publish the snapshot readers open (see publish_snapshot)."""
        try:
            if not self.read_only and self.derived_stale:
                self.refresh_derived()
            if self.dirty and self.publish_on_close and not self.read_only:
                self.publish_snapshot(self.snapshot_of(self.path))
        finally:
            try:
                self.con.close()
            except duckdb.Error:
                pass

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def views_current(self) -> bool:
        """Do the store's views and macros match this version's sql/views, over fresh derived tables?"""
        try:
            return self._meta("views_digest") == views_digest() and not self.derived_due()
        except duckdb.Error:
            return False
