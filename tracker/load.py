"""`tracker load --parquet DIR...`: a backfill's output, or exports of other stores, into this store.

    DIR/articles/month=YYYY-MM/*.parquet + DIR/statements/month=YYYY-MM/*.parquet -> store.write

Rows go through the same write path as `tracker ingest` (`Store.write` via the pipeline's batch
writer), in the order live ingestion would have met them, so near-duplicate copies are grouped into
the same stories: month by month, and in a month by publication time, then by the article's place in
the backfill's input (`input_order`, which `tracker backfill` records), else by when the exporting
store fetched it. Ids are deterministic, so loading twice changes nothing: an article already in the
store is kept as it is, unless its month is replaced (`replace=True`, `--replace`), which first
removes every stored article of the months the input holds. The derived tables are refreshed once,
when the store closes. Several folders are merged month by month: that is how the stores of several
daemons (one per region or language) become one. DuckDB is touched only through the Store.
"""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Callable, Sequence

import pyarrow as pa

from tracker.errors import InputError
from tracker.files import Skip
from tracker.models import STATEMENT_FIELDS, Article, Statement
from tracker.pipeline import RunReport, count_written, journal
from tracker.store import Store
from tracker.writes import write_scored

# The articles columns a load reads (text included); input_order only exists in a backfill's output.
ARTICLE_COLUMNS = ("article_id", "url", "source", "feed_id", "title", "published_at", "fetched_at", "language",
                   "text", "content_hash", "scorer_version", "input_id", "input_url", "input_order")
SORT_KEYS = [("published_at", "ascending"), ("input_order", "ascending"), ("fetched_at", "ascending"),
             ("article_id", "ascending")]


@dataclass
class Source:
    """One folder to load: its articles and statements as Hive-partitioned datasets."""

    where: str
    articles: Any
    statements: Any | None
    skipped: Any | None

    def months(self) -> set[str]:
        import pyarrow.dataset as ds

        out = set()
        for frag in self.articles.get_fragments():
            keys = ds.get_partition_keys(frag.partition_expression)
            if "month" in keys:
                out.add(str(keys["month"]))
        return out


def _dataset(filesystem: Any, path: str) -> Any | None:
    import pyarrow.dataset as ds
    from pyarrow import fs

    if filesystem.get_file_info(path).type != fs.FileType.Directory:
        return None
    part = ds.partitioning(pa.schema([("month", pa.string())]), flavor="hive")
    return ds.dataset(path, filesystem=filesystem, format="parquet", partitioning=part,
                      exclude_invalid_files=False)


def open_source(where: str) -> Source:
    """A backfill or export folder (local path or pyarrow URI); an error names what is missing."""
    from tracker.backfill import filesystem_for

    filesystem, path = filesystem_for(where)
    articles = _dataset(filesystem, f"{path}/articles")
    if articles is None:
        raise InputError(f"{where} is not a backfill or export folder: it has no articles/ folder",
                         "Nothing was loaded.",
                         "give the folder `tracker backfill` or `tracker export --parquet` wrote "
                         "(it holds articles/month=YYYY-MM/ and statements/month=YYYY-MM/)")
    skipped = _dataset(filesystem, f"{path}/skipped")
    return Source(where, articles, _dataset(filesystem, f"{path}/statements"), skipped)


def _month(dataset: Any, month: str, columns: Sequence[str] | None = None) -> pa.Table | None:
    import pyarrow.dataset as ds

    if dataset is None:
        return None
    names = set(dataset.schema.names)
    cols = [c for c in columns if c in names] if columns else None
    table = dataset.to_table(columns=cols, filter=ds.field("month") == month)
    return table


def _articles(sources: Sequence[Source], month: str) -> pa.Table:
    """The month's articles of every source, in the order live ingestion would have met them."""
    parts = []
    for s in sources:
        t = _month(s.articles, month, ARTICLE_COLUMNS)
        if t is None or t.num_rows == 0:
            continue
        for name in ARTICLE_COLUMNS:
            if name not in t.column_names:
                t = t.append_column(name, pa.nulls(t.num_rows, pa.int64() if name == "input_order" else pa.string()))
        t = t.select(list(ARTICLE_COLUMNS)).cast(pa.schema([
            (n, pa.int64() if n == "input_order" else
             pa.timestamp("us") if n in ("published_at", "fetched_at") else pa.string()) for n in ARTICLE_COLUMNS]))
        parts.append(t)
    if not parts:
        return pa.table({n: [] for n in ARTICLE_COLUMNS})
    return pa.concat_tables(parts).sort_by(SORT_KEYS)


def _statements(sources: Sequence[Source], month: str) -> dict[str, list[Statement]]:
    by_article: dict[str, list[Statement]] = defaultdict(list)
    seen: set[str] = set()
    for s in sources:
        t = _month(s.statements, month, STATEMENT_FIELDS)
        if t is None or t.num_rows == 0:
            continue
        missing = [f for f in STATEMENT_FIELDS if f not in t.column_names]
        if missing:
            raise InputError(f"The statements of {s.where} (month {month}) lack columns: {', '.join(missing)}",
                             "Nothing more was loaded.", "load the output of `tracker backfill` or "
                             "`tracker export --parquet` of this version")
        for row in t.to_pylist():
            if row["statement_id"] in seen:
                continue
            seen.add(row["statement_id"])
            by_article[row["article_id"]].append(Statement(**row))
    return by_article


def load(store: Store, folders: Sequence[str], *, replace: bool = False, batch_size: int = 256,
         progress: Callable[[int, int], None] | None = None,
         note: Callable[[str], None] | None = None) -> RunReport:
    """Load backfill or export folders into the store (see the module's docstring).

    Returns the run's report: articles seen, stored, present (kept as stored), statements written.
    """
    sources = [open_source(f) for f in folders]
    months = sorted(set().union(*(s.months() for s in sources)))
    report = RunReport(job="load", run_id=store.start_run("load"))
    with journal(store, report):
        present = store.months_present(months)
        if present and replace:
            removed = store.delete_months(sorted(present))
            report.counts["removed"] += removed
            if note:
                note(f"replacing {len(present)} month(s) already in the store: removed {removed} articles "
                     f"({', '.join(sorted(present)[:6])}{', ...' if len(present) > 6 else ''})")
        elif present and note:
            note(f"{len(present)} month(s) of the input are already in the store "
                 f"({', '.join(sorted(present)[:6])}{', ...' if len(present) > 6 else ''}): articles already stored "
                 "are kept as they are; add --replace to replace those months with the input's")
        for month in months:
            _load_month(store, sources, month, report, batch_size, progress)
        for s in sources:
            if s.skipped is not None:
                rows = s.skipped.to_table(columns=["item", "reason", "detail"]).to_pylist()
                count_written(report, write_scored(store, [], "", run_id=report.run_id,
                                                   skips=[Skip(r["item"], r["reason"], r["detail"] or "") for r in rows]))
    return report


def _load_month(store: Store, sources: Sequence[Source], month: str, report: RunReport, batch_size: int,
                progress: Callable[[int, int], None] | None) -> None:
    articles = _articles(sources, month)
    statements = _statements(sources, month)
    for start in range(0, articles.num_rows, batch_size):
        rows = articles.slice(start, batch_size).to_pylist()
        report.counts["seen"] += len(rows)
        known = store.known_articles(r["article_id"] for r in rows)
        by_version: dict[str, list[tuple[Article, list[Statement]]]] = defaultdict(list)
        seen: set[str] = set()
        for r in rows:
            aid = r["article_id"]
            if aid in known or aid in seen:
                report.counts["present" if aid in known else "unchanged"] += 1
                continue
            seen.add(aid)
            article = Article(article_id=aid, text=r["text"], url=r["url"], source=r["source"], title=r["title"],
                              published_at=r["published_at"], fetched_at=r["fetched_at"], language=r["language"],
                              feed_id=r["feed_id"], input_id=r["input_id"], input_url=r["input_url"])
            by_version[r["scorer_version"] or ""].append((article, statements.pop(aid, [])))
        for version, scored in by_version.items():
            count_written(report, write_scored(store, scored, version, run_id=report.run_id))
        if progress is not None:
            progress(report.counts["seen"], report.counts["statements"])


def folders_exist(folders: Sequence[str]) -> None:
    """Stop before the store is opened when a local folder does not exist."""
    missing = [f for f in folders if "://" not in f and not os.path.isdir(f)]
    if missing:
        raise InputError(f"No such folder: {', '.join(missing)}", "Nothing was loaded and no store was touched.",
                         "give the folder `tracker backfill` or `tracker export --parquet` wrote")
