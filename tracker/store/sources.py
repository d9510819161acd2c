"""Feed state: the sources polled (ETag, Last-Modified, failures, next due time), which entry URLs
are stored already, which pages failed or were refused."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Sequence

from tracker.store.connection import utcnow
from tracker.store.queries import Queries
from tracker.store.sqlfiles import statement


class Sources(Queries):
    """Feeds' polling state, known URLs, failed attempts and refusals."""

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
