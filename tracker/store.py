"""The only place that talks to DuckDB: migrate, write articles with their statements, query.

The store is one DuckDB file, created on first use. Its schema comes from numbered migrations in
sql/migrations (each applied once, in a transaction, and recorded); views and table macros come
from sql/views and are re-created whenever their text changes; named queries live in sql/queries,
each with a header naming its parameters and columns. Values are always bound, never formatted in.

Writes are batched through Arrow: a batch of articles and all their statements commit in one
transaction, so an article never exists without its statements or the other way round. Ids are
deterministic, so writing the same article again changes nothing; an article whose text changed
(an updated story at the same URL) is replaced together with its statements.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from importlib import resources
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

import duckdb
import polars as pl
import pyarrow as pa

from tracker import dedup
from tracker.config import Settings
from tracker.errors import StoreBusyError, StoreError
from tracker.models import STATEMENT_FIELDS, Article, Statement

SCHEMA_META_KEYS = ("views_digest", "reference_digest")

_STATEMENT_SCHEMA: dict[str, Any] = {
    "statement_id": pl.Utf8, "article_id": pl.Utf8, "story_id": pl.Utf8,
    "published_at": pl.Datetime("us"), "source": pl.Utf8, "holder_id": pl.Utf8, "holder_name": pl.Utf8,
    "holder_kind": pl.Utf8, "country": pl.Utf8, "role": pl.Utf8, "conflict": pl.Utf8, "topic": pl.Utf8,
    "polarity": pl.Utf8, "modality": pl.Utf8, "score": pl.Float64, "confidence": pl.Float64,
    "attribution": pl.Utf8, "tone": pl.Float64, "cue": pl.Utf8, "evidence": pl.Utf8,
    "char_start": pl.Int32, "char_end": pl.Int32, "cameo": pl.Utf8, "plover": pl.Utf8,
    "scorer_version": pl.Utf8,
}
_ARTICLE_SCHEMA: dict[str, Any] = {
    "article_id": pl.Utf8, "url": pl.Utf8, "source": pl.Utf8, "feed_id": pl.Utf8, "title": pl.Utf8,
    "published_at": pl.Datetime("us"), "fetched_at": pl.Datetime("us"), "language": pl.Utf8,
    "text": pl.Utf8, "content_hash": pl.Utf8, "story_id": pl.Utf8, "minhash": pl.List(pl.UInt64),
    "word_count": pl.Int32, "scorer_version": pl.Utf8, "statement_count": pl.Int32,
    "input_id": pl.Utf8, "input_url": pl.Utf8,
}
_BAND_SCHEMA: dict[str, Any] = {"band": pl.Int16, "bucket": pl.UInt64, "day": pl.Date, "article_id": pl.Utf8}

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

# WAL size at which DuckDB checkpoints in the middle of a write session (see Store.open).
WAL_CHECKPOINT_MB = 256

_LOCK_PATTERNS = ("could not set lock", "conflicting lock", "lock on file")


def utcnow() -> datetime:
    """Now as a naive UTC datetime (the store's convention)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


# --- SQL files ---------------------------------------------------------------------------------

def _sql_root() -> Any:
    """sql/ ships inside the package as tracker.sql; in a source checkout it sits beside tracker/."""
    here = Path(__file__).resolve().parent.parent / "sql"
    if (here / "migrations").is_dir() and (here / "queries").is_dir():
        return here
    return resources.files("tracker.sql")


def _sql_files(folder: str) -> list[tuple[str, str]]:
    root = _sql_root().joinpath(folder)
    files = sorted((p.name, p.read_text("utf-8")) for p in root.iterdir() if p.name.endswith(".sql"))
    return files


@dataclass(frozen=True)
class QueryParam:
    name: str
    type: str
    default: str
    description: str

    def default_value(self, settings: Settings | None) -> Any:
        text = self.default.strip()
        if text.upper() == "NULL":
            return None
        if text.startswith("@"):
            if settings is None:
                raise StoreError(f"Query parameter {self.name} needs settings for its default")
            return getattr(settings, text[1:])
        if text.startswith("'") and text.endswith("'"):
            return text[1:-1]
        return float(text) if "." in text else int(text)


@dataclass(frozen=True)
class NamedQuery:
    """A query file of sql/queries: its header documents parameters and result columns."""

    name: str
    summary: str
    params: tuple[QueryParam, ...]
    columns: tuple[str, ...]
    sql: str

    def bind(self, given: Mapping[str, Any], settings: Settings | None) -> dict[str, Any]:
        known = {p.name for p in self.params}
        unknown = sorted(set(given) - known)
        if unknown:
            raise StoreError(
                f"Unknown parameter(s) for query '{self.name}': {', '.join(unknown)}",
                f"Valid parameters: {', '.join(sorted(known)) or '(none)'}.",
            )
        values = {}
        for p in self.params:
            values[p.name] = given[p.name] if given.get(p.name) is not None else p.default_value(settings)
        return values


_HEADER = re.compile(r"^--\s*(name|summary|param|columns):\s*(.*)$")
_PARAM = re.compile(r"^(\w+)\s+(\w+)\s*=\s*(NULL|@\w+|'[^']*'|-?[\d.]+)\s*(?:--\s*(.*))?$", re.I)


def parse_named_query(filename: str, text: str) -> NamedQuery:
    """Read a query file's header; a file without name, columns or well-formed params is an error."""
    name = summary = ""
    params: list[QueryParam] = []
    columns: list[str] = []
    for line in text.splitlines():
        m = _HEADER.match(line.strip())
        if not m:
            continue
        key, value = m.group(1), m.group(2).strip()
        if key == "name":
            name = value
        elif key == "summary":
            summary = value
        elif key == "columns":
            columns.extend(c.strip() for c in value.split(",") if c.strip())
        else:
            pm = _PARAM.match(value)
            if not pm:
                raise StoreError(f"sql/queries/{filename}: bad param header", f"'{value}'",
                                 "write it as: -- param: name TYPE = default  -- description")
            params.append(QueryParam(pm.group(1), pm.group(2).upper(), pm.group(3), pm.group(4) or ""))
    if not name or not columns:
        raise StoreError(f"sql/queries/{filename}: header must name the query and its columns")
    return NamedQuery(name, summary, tuple(params), tuple(columns), text)


def views_digest() -> str:
    """A digest of sql/views: the store records it when it (re)creates its views."""
    files = _sql_files("views")
    return hashlib.sha1("".join(name + text for name, text in files).encode()).hexdigest()


_STATEMENTS: dict[str, str] = {}


def statement(name: str) -> str:
    """A statement of sql/store/ by name (read once)."""
    if name not in _STATEMENTS:
        _STATEMENTS[name] = _sql_root().joinpath("store").joinpath(f"{name}.sql").read_text("utf-8")
    return _STATEMENTS[name]


def named_queries() -> dict[str, NamedQuery]:
    """Every named query shipped in sql/queries, by name."""
    out = {}
    for filename, text in _sql_files("queries"):
        q = parse_named_query(filename, text)
        out[q.name] = q
    return out


def statement_frame(statements: Sequence[Statement], story_ids: Sequence[str]) -> pl.DataFrame:
    """Statements as a frame of the statements table, built column by column (no per-row dicts)."""
    columns: dict[str, Any] = {name: [getattr(st, name) for st in statements] for name in STATEMENT_FIELDS}
    columns["story_id"] = list(story_ids)
    return pl.DataFrame(columns, schema=_STATEMENT_SCHEMA)


# --- results of a write ------------------------------------------------------------------------

@dataclass
class WriteResult:
    """What a batch write did, article by article."""

    stored: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    statements: int = 0
    story_of: dict[str, str] = field(default_factory=dict)

    def merge(self, other: "WriteResult") -> None:
        self.stored += other.stored
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.statements += other.statements
        self.story_of.update(other.story_of)


# --- the store ---------------------------------------------------------------------------------

class Store:
    """An open DuckDB store. Use as a context manager, or call close()."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: Path, read_only: bool, settings: Settings | None):
        self.con = con
        self.path = path
        self.read_only = read_only
        self.settings = settings
        self.dirty = False          # something was written: close() republishes the readers' snapshot
        self.publish_on_close = not read_only
        self.derived_stale = False  # statements changed since the derived tables were refreshed

    # opening ------------------------------------------------------------------------------------
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
        if read_only and not path.exists():
            raise StoreError(f"No store at {path}", hint="run `tracker init` (or `make run`) to create it")
        if not read_only:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"Cannot create the folder for the store {path}", str(exc)) from None
        deadline = time.monotonic() + wait_seconds
        delay = 0.05
        while True:
            try:
                con = duckdb.connect(str(path), read_only=read_only)
                break
            except duckdb.Error as exc:
                msg = str(exc)
                if any(p in msg.lower() for p in _LOCK_PATTERNS):
                    if time.monotonic() < deadline:
                        time.sleep(delay)
                        delay = min(delay * 2, 1.0)
                        continue
                    raise StoreBusyError(
                        f"The store {path} is in use by another process",
                        msg.splitlines()[0],
                        "read it through the published snapshot, or stop the other process",
                    ) from None
                raise StoreError(f"Cannot open the store {path}", msg.splitlines()[0],
                                 "check the path; if the file is not a DuckDB database, move it away") from None
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
                store._check_schema()
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

    @staticmethod
    def snapshot_of(path: Path) -> Path:
        """Where the readers' snapshot of a store file lives: data/tracker.snapshot.duckdb."""
        return path.with_name(path.stem + ".snapshot" + path.suffix)

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

    # schema ---------------------------------------------------------------------------------------
    def migrate(self) -> list[str]:
        """Apply the migrations not yet recorded, each in its own transaction; return their names."""
        self.con.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)"
        )
        done = {v for (v,) in self.con.execute("SELECT version FROM schema_migrations").fetchall()}
        applied = []
        for filename, text in _sql_files("migrations"):
            m = re.match(r"^(\d+)_", filename)
            if not m:
                raise StoreError(f"sql/migrations/{filename} is not named NNN_name.sql")
            version = int(m.group(1))
            if version in done:
                continue
            try:
                self.con.execute("BEGIN TRANSACTION")
                self.con.execute(text)
                self.con.execute("INSERT INTO schema_migrations VALUES (?, ?, ?)", [version, filename, utcnow()])
                self.con.execute("COMMIT")
            except duckdb.Error as exc:
                self.con.execute("ROLLBACK")
                raise StoreError(f"Migration {filename} failed; the store is unchanged", str(exc)) from None
            applied.append(filename)
            self.dirty = True
        return applied

    def _check_schema(self) -> None:
        try:
            done = {v for (v,) in self.con.execute("SELECT version FROM schema_migrations").fetchall()}
        except duckdb.Error:
            raise StoreError(f"{self.path} is not a tracker store (no schema_migrations table)",
                             hint="run `tracker init` on it, or point --db at the right file") from None
        wanted = {int(f.split("_", 1)[0]) for f, _ in _sql_files("migrations")}
        if wanted - done:
            raise StoreError(f"The store {self.path} has an older schema",
                             hint="open it once read-write (`tracker init`) to migrate it")

    def _meta(self, key: str) -> str | None:
        row = self.con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return row[0] if row else None

    def _set_meta(self, key: str, value: str) -> None:
        self.con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, value])

    def views_current(self) -> bool:
        """Do the store's views and macros match this version's sql/views, over fresh derived tables?"""
        try:
            return self._meta("views_digest") == views_digest() and not self.derived_due()
        except duckdb.Error:
            return False

    # derived tables ---------------------------------------------------------------------------------
    def derived_due(self) -> bool:
        """Must the derived tables be refreshed (writes pending, or the half-life changed)?"""
        half_life = self._series_setting("half_life_days")
        return self.pending_derived() > 0 or (
            half_life is not None and half_life != self._series_setting("path_half_life_days"))

    def pending_derived(self) -> int:
        """How many (story, day) pairs wait for the derived tables' refresh."""
        return int(self.con.execute("SELECT count(*) FROM derived_pending").fetchone()[0])

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
        stories = int(self.con.execute("SELECT count(DISTINCT story_id) FROM derived_pending").fetchone()[0])
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
        days = [row[0] for row in self.con.execute("SELECT day FROM _ddays ORDER BY day").fetchall()]
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
        first, last = self.con.execute(statement("derived_touched_range")).fetchone()
        if first is not None and last is not None:
            span = timedelta(days=max(1, int(500 * half_life)))
            lo = first
            while lo <= last:
                hi = min(last, lo + span - timedelta(days=1))
                self._each_series("derived_10_path", {"h": float(half_life), "lo": lo, "hi": hi})
                lo = hi + timedelta(days=1)
        self.con.execute("INSERT OR REPLACE INTO series_settings VALUES ('path_half_life_days', ?)", [half_life])

    def _series_setting(self, name: str) -> float | None:
        row = self.con.execute("SELECT value FROM series_settings WHERE name = ?", [name]).fetchone()
        return float(row[0]) if row else None

    def _insert_statements(self, frame: pl.DataFrame) -> None:
        """Insert statements and list their stories and days for the derived tables' refresh."""
        if frame.is_empty():
            return
        self._insert("statements", frame)
        self._insert("derived_pending", frame.select(
            "story_id", pl.col("published_at").dt.date().alias("day")).unique())
        self.derived_stale = True

    def refresh_views(self, force: bool = False) -> bool:
        """Re-create views and macros when their SQL changed since they were last created."""
        files = _sql_files("views")
        digest = views_digest()
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
        have = dict(self.con.execute("SELECT name, value FROM series_settings").fetchall())
        if all(have.get(k) == v for k, v in wanted.items()):
            return
        self.con.execute("BEGIN TRANSACTION")
        self.con.executemany("INSERT OR REPLACE INTO series_settings VALUES (?, ?)", list(wanted.items()))
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
            for table, frame in (("actors", actors), ("actor_roles", roles), ("conflicts", conflicts)):
                self.con.execute(f"DELETE FROM {table}")  # table names are ours, never user input
                self.con.register("_reference_batch", frame.to_arrow())
                self.con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _reference_batch")
                self.con.unregister("_reference_batch")
            self._set_meta("reference_digest", digest)
            self.con.execute("COMMIT")
            self.dirty = True
        except duckdb.Error as exc:
            self.con.execute("ROLLBACK")
            raise StoreError("Loading the gazetteer into the store failed", str(exc)) from None
        return True

    # writing --------------------------------------------------------------------------------------
    @contextmanager
    def _keys(self, **lists: Sequence[Any]) -> Iterator[None]:
        """Bind lists of keys as one-column tables `_name` (column k) for the statements in sql/store.

        A Python list bound as a parameter is converted element by element (and DuckDB probes for
        pandas on each element), which costs milliseconds per thousand keys; an Arrow column costs
        microseconds. Band buckets are UBIGINT, every other key a string.
        """
        names = []
        try:
            for name, values in lists.items():
                kind = pa.uint64() if name == "buckets" else pa.string()
                self.con.register(f"_{name}", pa.table({"k": pa.array(list(values), kind)}))
                names.append(f"_{name}")
            yield
        finally:
            for n in names:
                self.con.unregister(n)

    def write(self, items: Sequence[tuple[Article, Sequence[Statement]]], scorer_version: str) -> WriteResult:
        """Write articles with their statements in one transaction (all of the batch or nothing).

        An article already stored with the same text is left alone; one whose text changed is
        replaced with its new statements. Near-duplicates get the story id of the article they copy.
        Every table is written with one Arrow insert and near-duplicate candidates are looked up
        with one query per batch, so the cost per row stays flat however big the batch is.
        """
        if self.read_only:
            raise StoreError("The store is open read-only", hint="open it with read_only=False to write")
        result = WriteResult()
        if not items:
            return result
        ids = [a.article_id for a, _ in items]
        self.con.execute("BEGIN TRANSACTION")
        try:
            with self._keys(ids=ids):
                existing = dict(self.con.execute(statement("articles_existing")).fetchall())
            todo: list[tuple[Article, Sequence[Statement], Any, Any]] = []
            seen_in_batch: set[str] = set()
            replaced: list[str] = []
            for article, statements in items:
                aid = article.article_id
                if aid in seen_in_batch or existing.get(aid) == article.content_hash:
                    result.unchanged.append(aid)
                    continue
                seen_in_batch.add(aid)
                if aid in existing:
                    replaced.append(aid)
                day = article.published_at.date() if article.published_at else None
                todo.append((article, statements, dedup.signature(article.text), day))
            if replaced:
                self._delete_articles(replaced)
            banded = {a.article_id: dedup.bands(sig) for a, _, sig, _ in todo if sig is not None}
            stories = self._stories_for([(a.article_id, sig, day) for a, _, sig, day in todo], banded)
            article_rows: list[dict[str, Any]] = []
            band_rows: dict[str, list[Any]] = {"band": [], "bucket": [], "day": [], "article_id": []}
            statements_out: list[Statement] = []
            story_ids: list[str] = []
            for article, statements, sig, day in todo:
                aid = article.article_id
                story_id = stories[aid]
                if sig is not None:
                    for band, bucket in banded[aid]:
                        band_rows["band"].append(band)
                        band_rows["bucket"].append(bucket)
                        band_rows["day"].append(day)
                        band_rows["article_id"].append(aid)
                article_rows.append({
                    "article_id": aid, "url": article.url, "source": article.source, "feed_id": article.feed_id,
                    "title": article.title, "published_at": article.published_at,
                    "fetched_at": article.fetched_at or utcnow(), "language": article.language,
                    "text": article.text, "content_hash": article.content_hash, "story_id": story_id,
                    "minhash": [int(x) for x in sig] if sig is not None else None,
                    "word_count": len(article.text.split()), "scorer_version": scorer_version,
                    "statement_count": len(statements), "input_id": article.input_id,
                    "input_url": article.input_url,
                })
                statements_out.extend(statements)
                story_ids.extend([story_id] * len(statements))
                result.story_of[aid] = story_id
                (result.updated if aid in existing else result.stored).append(aid)
            self._insert("articles", pl.DataFrame(article_rows, schema=_ARTICLE_SCHEMA, orient="row"))
            self._insert("article_bands", pl.DataFrame(band_rows, schema=_BAND_SCHEMA))
            self._insert_statements(statement_frame(statements_out, story_ids))
            self.con.execute("COMMIT")
            self.dirty = True
        except BaseException as exc:
            try:
                self.con.execute("ROLLBACK")
            except duckdb.Error:
                pass
            if isinstance(exc, duckdb.Error):
                raise StoreError("Writing a batch of articles failed; nothing of the batch was stored",
                                 str(exc).splitlines()[0]) from None
            raise
        result.statements = len(statements_out)
        return result

    def _stories_for(self, todo: list[tuple[str, Any, Any]], banded: dict[str, list[tuple[int, int]]]) -> dict[str, str]:
        """The story id of each (article id, signature, day): the story of the most similar earlier
        near-duplicate (stored, or earlier in this batch) published within the window, else its own id."""
        out: dict[str, str] = {}
        signed = [(aid, sig, day) for aid, sig, day in todo if sig is not None]
        index: dict[int, list[tuple[str, str, Any, Any]]] = {}
        if signed:
            buckets = sorted({bucket for aid, _, _ in signed for _, bucket in banded[aid]})
            days = [day for _, _, day in signed if day is not None]
            window = timedelta(days=dedup.WINDOW_DAYS)
            with self._keys(buckets=buckets):
                rows = self.con.execute(statement("article_band_candidates"), {
                    "undated": any(day is None for _, _, day in signed),
                    "lo": min(days) - window if days else None, "hi": max(days) + window if days else None,
                }).fetchall()
            for bucket, other, story, minhash, day in rows:
                index.setdefault(bucket, []).append((other, story, minhash, day))
        for aid, sig, day in todo:
            if sig is None:
                out[aid] = aid
                continue
            own_buckets = [bucket for _, bucket in banded[aid]]
            candidates: dict[str, tuple[str, Any]] = {}
            for bucket in own_buckets:
                for other, story, other_sig, other_day in index.get(bucket, ()):
                    if other == aid or (day is None) != (other_day is None):
                        continue
                    if day is not None and abs((other_day - day).days) > dedup.WINDOW_DAYS:
                        continue
                    candidates[other] = (story, other_sig)
            best, best_sim = aid, 0.0
            for other, (story, other_sig) in sorted(candidates.items()):
                if other_sig is None:
                    continue
                sim = dedup.similarity(sig, other_sig)
                if sim >= dedup.THRESHOLD and sim > best_sim:
                    best, best_sim = story, sim
            out[aid] = best
            for bucket in own_buckets:
                index.setdefault(bucket, []).append((aid, best, sig, day))
        return out

    def _delete_articles(self, ids: list[str]) -> None:
        with self._keys(ids=ids):
            for name in ("derived_mark_articles", "statements_delete", "article_bands_delete", "articles_delete"):
                self.con.execute(statement(name))

    def _insert(self, table: str, frame: pl.DataFrame) -> None:
        if frame.is_empty():
            return
        self.con.register("_batch", frame.to_arrow())
        try:
            self.con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _batch")  # our table names only
        finally:
            self.con.unregister("_batch")

    def insert_statements(self, frame: pl.DataFrame) -> int:
        """Bulk-insert statement rows given as a DataFrame (benchmarks and tests build stores so)."""
        missing = [c for c in _STATEMENT_SCHEMA if c not in frame.columns]
        if missing:
            raise StoreError("Statement frame is missing columns", ", ".join(missing))
        self.con.register("_batch", frame.select(list(_STATEMENT_SCHEMA)).cast(_STATEMENT_SCHEMA).to_arrow())
        try:
            self.con.execute("BEGIN TRANSACTION")
            self.con.execute("INSERT INTO statements BY NAME SELECT * FROM _batch")
            self.con.execute("INSERT INTO derived_pending SELECT DISTINCT story_id, CAST(published_at AS DATE) FROM _batch")
            self.con.execute("COMMIT")
            self.derived_stale = True
            self.dirty = True
        except duckdb.Error as exc:
            self.con.execute("ROLLBACK")
            raise StoreError("Inserting statements failed", str(exc).splitlines()[0]) from None
        finally:
            self.con.unregister("_batch")
        return frame.height

    def replace_statements(self, items: Sequence[tuple[str, str, Sequence[Statement]]], scorer_version: str) -> int:
        """Swap the statements of stored articles for new ones (a rescore), one transaction for the batch.

        items: (article_id, story_id, statements). The articles themselves are unchanged but for the
        scorer version and statement count.
        """
        if not items:
            return 0
        ids = [aid for aid, _, _ in items]
        frame = statement_frame([st for _, _, sts in items for st in sts],
                                [story for _, story, sts in items for _ in sts])
        counts = pl.DataFrame({"article_id": ids, "n": [len(sts) for _, _, sts in items]},
                              schema={"article_id": pl.Utf8, "n": pl.Int32})
        self.con.execute("BEGIN TRANSACTION")
        try:
            with self._keys(ids=ids):
                self.con.execute(statement("derived_mark_articles"))
                self.con.execute(statement("statements_delete"))
            self._insert_statements(frame)
            self.con.register("_counts", counts.to_arrow())
            self.con.execute(statement("articles_rescored"), {"version": scorer_version})
            self.con.unregister("_counts")
            self.con.execute("COMMIT")
            self.dirty = True
        except BaseException as exc:
            self.con.execute("ROLLBACK")
            if isinstance(exc, duckdb.Error):
                raise StoreError("Rescoring a batch failed; its old statements are kept", str(exc).splitlines()[0]) from None
            raise
        return frame.height

    def iter_articles(self, only_version_not: str | None = None, batch_size: int = 200) -> Iterator[list[dict[str, Any]]]:
        """Stored articles in batches (all, or those scored by another scorer version).

        The ids are read in full first and each page is fetched by id, so the caller may write on this
        connection between pages: a streamed result would be ended by the first write, and the loop
        would stop early without an error.
        """
        ids = [row[0] for row in self.con.execute(statement("articles_to_rescore"), {"version": only_version_not}).fetchall()]
        for start in range(0, len(ids), batch_size):
            with self._keys(ids=ids[start:start + batch_size]):
                page = self.sql(statement("articles_by_ids"))
            yield page.to_dicts()

    def note_inputs(self, articles: Sequence[Article]) -> int:
        """Record the input id and URL of stored articles that have none yet (stored before the
        column existed, or first read without an id); returns how many articles were given."""
        rows = [a for a in articles if a.input_id or a.input_url]
        if not rows or self.read_only:
            return 0
        table = pa.table({"article_id": pa.array([a.article_id for a in rows], pa.string()),
                          "input_id": pa.array([a.input_id for a in rows], pa.string()),
                          "input_url": pa.array([a.input_url for a in rows], pa.string())})
        self.con.register("_inputs", table)
        try:
            self.con.execute(statement("articles_note_inputs"))
        finally:
            self.con.unregister("_inputs")
        self.dirty = True
        return len(rows)

    def article_by_key(self, key: str) -> dict[str, Any] | None:
        """A stored article named by its article_id, input_id or URL (as given or canonical)."""
        from tracker.models import canonical_url

        df = self.sql(statement("article_by_key"), {"key": key, "url": canonical_url(key) if "://" in key else key})
        return df.row(0, named=True) if df.height else None

    def months_present(self, months: Sequence[str]) -> dict[str, int]:
        """Stored articles per month (YYYY-MM of publication, or 'undated') among the given months."""
        if not months:
            return {}
        with self._keys(months=months):
            return dict(self.con.execute(statement("articles_months")).fetchall())

    def delete_months(self, months: Sequence[str]) -> int:
        """Remove the articles of the given months with their statements, in one transaction (a load
        with --replace); their stories and days are listed for the derived tables' refresh."""
        if self.read_only:
            raise StoreError("The store is open read-only", hint="open it with read_only=False to write")
        if not months:
            return 0
        self.con.execute("BEGIN TRANSACTION")
        try:
            with self._keys(months=months):
                ids = [row[0] for row in self.con.execute(statement("articles_in_months")).fetchall()]
            if ids:
                self._delete_articles(ids)
            self.con.execute("COMMIT")
        except duckdb.Error as exc:
            self.con.execute("ROLLBACK")
            raise StoreError("Removing the months to replace failed; the store is unchanged",
                             str(exc).splitlines()[0]) from None
        if ids:
            self.dirty = True
            self.derived_stale = True
        return len(ids)

    def known_articles(self, ids: Iterable[str]) -> dict[str, str]:
        """content_hash of the given article ids that are already stored."""
        ids = list(ids)
        if not ids:
            return {}
        with self._keys(ids=ids):
            return dict(self.con.execute(statement("articles_existing")).fetchall())

    # sources (feeds) ----------------------------------------------------------------------------------
    def ensure_source(self, source_id: str, kind: str, url: str | None, name: str, domain: str | None,
                      language: str | None, interval: int) -> None:
        self.con.execute(statement("source_ensure"), {"source_id": source_id, "kind": kind, "url": url, "name": name,
                                                      "domain": domain, "language": language, "interval": interval})

    def source_states(self, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        if not ids:
            return {}
        with self._keys(ids=ids):
            df = self.sql(statement("source_states"))
        return {row["source_id"]: row for row in df.iter_rows(named=True)}

    def update_source(self, source_id: str, *, status: str, now: datetime, error: str | None, etag: str | None,
                      last_modified: str | None, advance: bool, interval: int, max_backoff: int,
                      soon: bool = False) -> None:
        self.con.execute(statement("source_update"), {
            "source_id": source_id, "status": status, "now": now, "error": error, "etag": etag,
            "last_modified": last_modified, "advance": advance, "interval": interval, "max_backoff": max_backoff,
            "soon": soon})

    def known_urls(self, urls: Sequence[str]) -> set[str]:
        if not urls:
            return set()
        with self._keys(urls=urls):
            return {row[0] for row in self.con.execute(statement("articles_known_urls")).fetchall()}

    def failed_attempts(self, urls: Sequence[str], reasons: Sequence[str]) -> dict[str, int]:
        if not urls:
            return {}
        with self._keys(urls=urls, reasons=reasons):
            return dict(self.con.execute(statement("skipped_attempts")).fetchall())

    def remember_refusals(self, rows: Sequence[tuple[str, str, str, str, datetime | None]]) -> None:
        """Remember refused pages (canonical url, item as given, reason, detail, retry_at or None for never)."""
        now = utcnow()
        for url, item, reason, detail, retry_at in rows:
            self.con.execute(statement("refusals_upsert"), {"url": url, "item": item, "reason": reason,
                                                            "detail": detail, "now": now, "retry_at": retry_at})

    def refused_urls(self, urls: Sequence[str]) -> set[str]:
        """The URLs among these that were refused and are not due for a retry."""
        if not urls:
            return set()
        with self._keys(urls=urls):
            return {r[0] for r in self.con.execute(statement("refusals_known"), {"now": utcnow()}).fetchall()}

    # the readers' snapshot ----------------------------------------------------------------------------
    @staticmethod
    def remove_stale_snapshots(target: Path, alive: Callable[[int], bool]) -> list[Path]:
        """Remove temporary snapshot copies (`.name.<pid>.tmp`) left by processes that are gone."""
        removed = []
        for tmp in Path(target).parent.glob(f".{Path(target).name}.*.tmp"):
            pid = tmp.name[len(Path(target).name) + 2:-len(".tmp")]
            if pid.isdigit() and alive(int(pid)):
                continue
            try:
                tmp.unlink()
                removed.append(tmp)
            except FileNotFoundError:
                pass
        return removed

    def publish_snapshot(self, target: Path) -> Path:
        """Publish a read-only copy for readers: checkpoint, copy to a temporary file, rename over.

        Readers open the snapshot, never the file the writer holds, so neither blocks the other; a
        reader with the old snapshot open keeps reading it (the rename replaces only the name).
        """
        import os
        import shutil

        if self.read_only:
            raise StoreError("A read-only store cannot publish a snapshot")
        self.con.execute("CHECKPOINT")
        self.dirty = False
        target = Path(target)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        try:
            shutil.copyfile(self.path, tmp)
            os.replace(tmp, target)
        finally:
            if tmp.exists():
                tmp.unlink()
        return target

    # runs -----------------------------------------------------------------------------------------
    def start_run(self, job: str) -> int:
        import os

        row = self.con.execute(statement("run_start"), {"job": job, "now": utcnow(), "pid": os.getpid()}).fetchone()
        assert row is not None
        return int(row[0])

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
        self.con.execute(
            "UPDATE runs SET finished_at = ?, status = ?, articles_seen = ?, articles_stored = ?, "
            "articles_updated = ?, articles_unchanged = ?, articles_skipped = ?, statements_stored = ?, "
            "errors = ?, counts = ?, message = ? WHERE run_id = ?",
            [utcnow(), status, counts.get("seen", 0), counts.get("stored", 0), counts.get("updated", 0),
             counts.get("unchanged", 0), counts.get("skipped", 0), counts.get("statements", 0),
             counts.get("errors", 0), json.dumps(dict(counts), sort_keys=True), message, run_id],
        )

    def record_skips(self, run_id: int | None, skips: Sequence[tuple[str, str, str]]) -> None:
        """Remember skipped items (item, reason, detail) so nothing vanishes without a trace."""
        if not skips:
            return
        now = utcnow()
        self.con.executemany(
            "INSERT INTO skipped VALUES (?, ?, ?, ?, ?)", [[run_id, now, i, r, d] for i, r, d in skips]
        )

    # reading ----------------------------------------------------------------------------------------
    def sql(self, query: str, params: Mapping[str, Any] | Sequence[Any] | None = None) -> pl.DataFrame:
        """Run any SQL with bound parameters ($name or ?) and return a polars DataFrame."""
        if self.derived_stale and not self.read_only:
            self.refresh_derived()
        try:
            rel = self.con.execute(query, params) if params else self.con.execute(query)
            if rel.description is None:
                return pl.DataFrame()
            return rel.pl()
        except duckdb.Error as exc:
            raise StoreError("The query failed", str(exc).strip(),
                             "check the SQL; `tracker sql \"SHOW TABLES\"` lists the tables and views, "
                             "`tracker sql \"DESCRIBE statements\"` the columns of one") from None

    def query(self, name: str, **params: Any) -> pl.DataFrame:
        """Run a named query of sql/queries with its documented parameters."""
        queries = named_queries()
        if name not in queries:
            raise StoreError(f"No named query '{name}'", f"Available: {', '.join(sorted(queries))}.")
        q = queries[name]
        try:
            return self.sql(q.sql, q.bind(params, self.settings))
        except StoreError as exc:
            if exc.title != "The query failed":
                raise
            raise StoreError(f"The {name} query failed", exc.detail,
                             "check the values given to it (dates as YYYY-MM-DD, numbers as numbers)") from None

    def export_parquet(self, folder: Path) -> dict[str, int]:
        """statements/ and articles/ as Parquet under folder, Hive-partitioned by month=YYYY-MM.

        Streams record batches, so memory stays flat for any store size; an existing export of the
        same month is replaced file by file (no stale part files are left behind).
        """
        import pyarrow.dataset as ds

        folder.mkdir(parents=True, exist_ok=True)
        out = {}
        for table in ("statements", "articles"):
            query = (f"SELECT *, coalesce(strftime(published_at, '%Y-%m'), 'undated') AS month FROM {table} "
                     "ORDER BY published_at")
            reader = self.con.execute(query).to_arrow_reader(100_000)
            counted = 0

            def batches() -> Iterator[Any]:
                nonlocal counted
                for b in reader:
                    counted += b.num_rows
                    yield b

            ds.write_dataset(batches(), folder / table, schema=reader.schema, format="parquet",
                             partitioning=["month"], partitioning_flavor="hive",
                             existing_data_behavior="delete_matching", basename_template="part-{i}.parquet")
            out[table] = counted
        return out

    def checkpoint(self) -> None:
        self.con.execute("CHECKPOINT")
