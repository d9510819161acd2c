"""Opening the DuckDB file (waiting while another process holds its lock) and the connection every
part of the store shares."""

from __future__ import annotations

import time
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator, Sequence

import duckdb
import pyarrow as pa

from tracker.config import Settings
from tracker.errors import StoreBusyError, StoreError

_LOCK_PATTERNS = ("could not set lock", "conflicting lock", "lock on file")


def utcnow() -> datetime:
    """Now as a naive UTC datetime (the store's convention)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def connect(path: Path, read_only: bool, wait_seconds: float) -> duckdb.DuckDBPyConnection:
    """Connect to the file; when another process holds it, retry until wait_seconds have passed and
    then raise StoreBusyError."""
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
            return duckdb.connect(str(path), read_only=read_only)
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


class Connection:
    """The open connection and the session's state, shared by every part of the store."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: Path, read_only: bool,
                 settings: Settings | None) -> None:
        self.con = con
        self.path = path
        self.read_only = read_only
        self.settings = settings
        self.dirty = False          # something was written: close() republishes the readers' snapshot
        self.publish_on_close = not read_only
        self.derived_stale = False  # statements changed since the derived tables were refreshed

    def _scalar(self, sql: str, params: Any = None) -> Any:
        """The first column of the first row (None without a row)."""
        row = self.con.execute(sql, params).fetchone() if params is not None else self.con.execute(sql).fetchone()
        return row[0] if row else None

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
