"""Writing articles with their statements, in batches through Arrow, and reading stored articles back.

A batch of articles and all their statements commit in one transaction, so an article never exists
without its statements or the other way round. Ids are deterministic, so writing the same article
again changes nothing; an article whose text changed (an updated story at the same URL) is replaced
together with its statements. Near-duplicates join the story of the article they copy (the clustering
is tracker.dedup's; the store keeps the band buckets and looks candidates up).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Iterable, Iterator, Mapping, Sequence

import duckdb
import polars as pl
import pyarrow as pa

from tracker import dedup
from tracker.errors import StoreError
from tracker.models import STATEMENT_FIELDS, Article, Statement, canonical_url
from tracker.store.connection import utcnow
from tracker.store.queries import Queries
from tracker.store.sqlfiles import statement

STATEMENT_SCHEMA: dict[str, Any] = {
    "statement_id": pl.Utf8, "article_id": pl.Utf8, "story_id": pl.Utf8,
    "published_at": pl.Datetime("us"), "source": pl.Utf8, "holder_id": pl.Utf8, "holder_name": pl.Utf8,
    "holder_kind": pl.Utf8, "country": pl.Utf8, "role": pl.Utf8, "conflict": pl.Utf8, "topic": pl.Utf8,
    "polarity": pl.Utf8, "modality": pl.Utf8, "score": pl.Float64, "confidence": pl.Float64,
    "attribution": pl.Utf8, "tone": pl.Float64, "cue": pl.Utf8, "evidence": pl.Utf8,
    "char_start": pl.Int32, "char_end": pl.Int32, "cameo": pl.Utf8, "plover": pl.Utf8,
    "scorer_version": pl.Utf8,
}
ARTICLE_SCHEMA: dict[str, Any] = {
    "article_id": pl.Utf8, "url": pl.Utf8, "source": pl.Utf8, "feed_id": pl.Utf8, "title": pl.Utf8,
    "published_at": pl.Datetime("us"), "fetched_at": pl.Datetime("us"), "language": pl.Utf8,
    "text": pl.Utf8, "content_hash": pl.Utf8, "story_id": pl.Utf8, "minhash": pl.List(pl.UInt64),
    "word_count": pl.Int32, "scorer_version": pl.Utf8, "statement_count": pl.Int32,
    "input_id": pl.Utf8, "input_url": pl.Utf8,
}
BAND_SCHEMA: dict[str, Any] = {"band": pl.Int16, "bucket": pl.UInt64, "day": pl.Date, "article_id": pl.Utf8}
# The tables written from a registered Arrow batch (sql/store/<table>_insert.sql).
BATCH_TABLES = ("articles", "article_bands", "statements", "derived_pending")


def statement_frame(statements: Sequence[Statement], story_ids: Sequence[str]) -> pl.DataFrame:
    """Statements as a frame of the statements table, built column by column (no per-row dicts)."""
    columns: dict[str, Any] = {name: [getattr(st, name) for st in statements] for name in STATEMENT_FIELDS}
    columns["story_id"] = list(story_ids)
    return pl.DataFrame(columns, schema=STATEMENT_SCHEMA)


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


class Articles(Queries):
    """Articles and statements in and out."""

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
            self._insert("articles", pl.DataFrame(article_rows, schema=ARTICLE_SCHEMA, orient="row"))
            self._insert("article_bands", pl.DataFrame(band_rows, schema=BAND_SCHEMA))
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

    def _stories_for(self, todo: list[tuple[str, Any, date | None]],
                     banded: dict[str, list[tuple[int, int]]]) -> dict[str, str]:
        """The story of each new article (tracker.dedup.stories_for), over the stored articles that
        share a band bucket with one of them, looked up with one query."""
        signed = [(aid, day) for aid, sig, day in todo if sig is not None]
        rows: list[Any] = []
        if signed:
            undated, lo, hi = dedup.candidate_window([day for _, day in signed])
            buckets = sorted({bucket for aid, _ in signed for _, bucket in banded[aid]})
            with self._keys(buckets=buckets):
                rows = self.con.execute(statement("article_band_candidates"),
                                        {"undated": undated, "lo": lo, "hi": hi}).fetchall()
        return dedup.stories_for(todo, banded, rows)

    def _delete_articles(self, ids: list[str]) -> None:
        with self._keys(ids=ids):
            for name in ("derived_mark_articles", "statements_delete", "article_bands_delete", "articles_delete"):
                self.con.execute(statement(name))

    def _insert(self, table: str, frame: pl.DataFrame) -> None:
        """Insert a frame into one of BATCH_TABLES by column name."""
        if frame.is_empty():
            return
        if table not in BATCH_TABLES:
            raise ValueError(f"not a table written by batch: {table}")
        self.con.register("_batch", frame.to_arrow())
        try:
            self.con.execute(statement(f"{table}_insert"))
        finally:
            self.con.unregister("_batch")

    def _insert_statements(self, frame: pl.DataFrame) -> None:
        """Insert statements and list their stories and days for the derived tables' refresh."""
        if frame.is_empty():
            return
        self._insert("statements", frame)
        self._insert("derived_pending", frame.select(
            "story_id", pl.col("published_at").dt.date().alias("day")).unique())
        self.derived_stale = True

    def insert_statements(self, frame: pl.DataFrame) -> int:
        """Bulk-insert statement rows given as a DataFrame (benchmarks and tests build stores so)."""
        missing = [c for c in STATEMENT_SCHEMA if c not in frame.columns]
        if missing:
            raise StoreError("Statement frame is missing columns", ", ".join(missing))
        dtypes: Mapping[Any, Any] = STATEMENT_SCHEMA
        self.con.register("_batch", frame.select(list(STATEMENT_SCHEMA)).cast(dtypes).to_arrow())
        try:
            self.con.execute("BEGIN TRANSACTION")
            self.con.execute(statement("statements_insert"))
            self.con.execute(statement("derived_pending_of_batch"))
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

    # reading articles back ---------------------------------------------------------------------------
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
