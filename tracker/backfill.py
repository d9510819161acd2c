"""`tracker backfill`: the scorer over an archive on Ray Data, Parquet in and out; no store touched.

    input files (JSONL, Parquet; local or any pyarrow URI) -> lines -> actor pool of scorers -> Parquet

The same scorer as `tracker ingest` (one `Runtime` per worker, built once and reused for every
batch) reads the same records through the same `files.from_record`, so an article gets the same id
and the same statements on a cluster as on one machine. Workers never touch DuckDB: they write
`DIR/statements/month=YYYY-MM/` and `DIR/articles/month=YYYY-MM/` in the layout of
`tracker export --parquet`, and `tracker load --parquet DIR` (tracker/load.py) brings that into a
store, grouping near-duplicate stories as live ingestion does.

Ray is an optional extra (`pip install 'stance-tracker[ray]'`) and is imported only inside `run`,
so the daemon and `import tracker` never load it.
"""

from __future__ import annotations

import gzip
import io
import json
import logging
import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Iterator, Sequence

import pyarrow as pa

from tracker.config import Settings
from tracker.errors import ExtraMissingError, InputError
from tracker.models import STATEMENT_FIELDS, Article, Statement

log = logging.getLogger("tracker.backfill")

JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson")
PARQUET_SUFFIXES = (".parquet",)
LINES_PER_BLOCK = 64        # records per block handed from the readers to the scorers
SCORE_BATCH = 32            # articles a scorer actor takes at a time (one nlp.pipe call)
_FILE_BITS = 40             # input_order = file index << 40 | record number in the file

STATEMENT_SCHEMA = pa.schema([
    ("statement_id", pa.string()), ("article_id", pa.string()), ("story_id", pa.string()),
    ("published_at", pa.timestamp("us")), ("source", pa.string()), ("holder_id", pa.string()),
    ("holder_name", pa.string()), ("holder_kind", pa.string()), ("country", pa.string()), ("role", pa.string()),
    ("conflict", pa.string()), ("topic", pa.string()), ("polarity", pa.string()), ("modality", pa.string()),
    ("score", pa.float64()), ("confidence", pa.float64()), ("attribution", pa.string()), ("tone", pa.float64()),
    ("cue", pa.string()), ("evidence", pa.string()), ("char_start", pa.int32()), ("char_end", pa.int32()),
    ("cameo", pa.string()), ("plover", pa.string()), ("scorer_version", pa.string()),
])
ARTICLE_SCHEMA = pa.schema([
    ("article_id", pa.string()), ("url", pa.string()), ("source", pa.string()), ("feed_id", pa.string()),
    ("title", pa.string()), ("published_at", pa.timestamp("us")), ("fetched_at", pa.timestamp("us")),
    ("language", pa.string()), ("text", pa.string()), ("content_hash", pa.string()), ("story_id", pa.string()),
    ("minhash", pa.list_(pa.uint64())), ("word_count", pa.int32()), ("scorer_version", pa.string()),
    ("statement_count", pa.int32()), ("input_id", pa.string()), ("input_url", pa.string()),
    # Not in the store's table: where the record stood in the input (file index << 40 | record
    # number), so that `tracker load` writes articles in the order `tracker ingest` reads them.
    ("input_order", pa.int64()),
])
# What the scorers hand on: one row per input record, an article with its statements or a skip.
SCORED_SCHEMA = pa.schema(list(ARTICLE_SCHEMA) + [
    ("month", pa.string()), ("statements", pa.list_(pa.struct(list(STATEMENT_SCHEMA)))),
    ("skip_item", pa.string()), ("skip_reason", pa.string()), ("skip_detail", pa.string()),
])
LINES_SCHEMA = pa.schema([("item", pa.string()), ("input_order", pa.int64()), ("line", pa.string())])
SKIPPED_SCHEMA = pa.schema([("item", pa.string()), ("reason", pa.string()), ("detail", pa.string())])


def require_ray() -> Any:
    """The ray module, or an error that says how to install the optional extra."""
    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError as exc:
        raise ExtraMissingError(
            "`tracker backfill` needs Ray Data, an optional extra that is not installed",
            f"importing ray failed: {exc}",
            "pip install 'stance-tracker[ray]' (in a checkout, `make setup` installs the pinned version)") from None
    return ray


# --- inputs ------------------------------------------------------------------------------------

def filesystem_for(uri: str) -> tuple[Any, str]:
    """A pyarrow filesystem and the path in it: local paths, file://, s3://, gs://, hdfs://, ..."""
    from pyarrow import fs

    if "://" not in uri:
        return fs.LocalFileSystem(), os.path.abspath(uri)
    try:
        return fs.FileSystem.from_uri(uri)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, OSError) as exc:
        raise InputError(f"Cannot open {uri}", str(exc),
                         "give a local path or a URI pyarrow reads (file://, s3://, gs://, hdfs://)") from None


def _kind(path: str) -> str | None:
    low = path.lower()
    if low.endswith(JSONL_SUFFIXES):
        return "jsonl"
    if low.endswith(PARQUET_SUFFIXES):
        return "parquet"
    return None


def list_inputs(paths: Sequence[str]) -> list[dict[str, Any]]:
    """The input files, in the order `tracker ingest` reads them (folders recurse in name order).

    Each is {uri, kind, index}; a missing path or a file of another type stops before anything runs.
    """
    from pyarrow import fs

    out: list[dict[str, Any]] = []
    for raw in paths:
        filesystem, path = filesystem_for(raw)
        prefix = raw.split("://", 1)[0] + "://" if "://" in raw else ""
        info = filesystem.get_file_info(path)
        if info.type == fs.FileType.NotFound:
            raise InputError(f"No such file or folder: {raw}", "Nothing was scored.",
                             "check the path (JSONL or Parquet files, or folders holding them)")
        if info.type == fs.FileType.Directory:
            found = sorted(i.path for i in filesystem.get_file_info(fs.FileSelector(path, recursive=True))
                           if i.type == fs.FileType.File and _kind(i.path))
            if not found:
                raise InputError(f"No JSONL or Parquet files in {raw}", "Nothing was scored.",
                                 "give files named *.jsonl, *.jsonl.gz or *.parquet, or folders holding them")
            out += [{"uri": prefix + p if prefix else p, "kind": _kind(p)} for p in found]
        elif _kind(path) is None:
            raise InputError(f"Cannot read {raw}: not a JSONL or Parquet file", "Nothing was scored.",
                             "give files named *.jsonl, *.jsonl.gz or *.parquet (`tracker ingest` reads .txt, "
                             ".html and .json)")
        else:
            out.append({"uri": raw if prefix else path, "kind": _kind(path)})
    for i, f in enumerate(out):
        f["index"] = i
    return out


def read_lines(batch: pa.Table, block: int = LINES_PER_BLOCK) -> Iterator[pa.Table]:
    """Ray task: input files (uri, kind, index) to blocks of records (item, input_order, line).

    A Parquet row becomes the JSON object `tracker score` would read, so every record, whatever its
    file type, goes through the same `from_record` as `tracker ingest`.
    """
    for uri, kind, index in zip(batch["uri"].to_pylist(), batch["kind"].to_pylist(), batch["index"].to_pylist()):
        filesystem, path = filesystem_for(uri)
        rows: dict[str, list[Any]] = {"item": [], "input_order": [], "line": []}

        def add(item: str, n: int, line: str, rows: dict[str, list[Any]] = rows,
                index: int = index) -> Iterator[pa.Table]:
            rows["item"].append(item)
            rows["input_order"].append((index << _FILE_BITS) | n)
            rows["line"].append(line)
            if len(rows["item"]) >= block:
                yield pa.table(rows, schema=LINES_SCHEMA)
                for v in rows.values():
                    v.clear()

        if kind == "jsonl":
            with filesystem.open_input_stream(path, compression=None) as raw:
                stream: Any = gzip.GzipFile(fileobj=raw) if path.lower().endswith(".gz") else raw
                text = io.TextIOWrapper(stream, encoding="utf-8", errors="replace")
                for lineno, line in enumerate(text, start=1):
                    if line.strip():
                        yield from add(f"{uri}:{lineno}", lineno, line)
        else:
            import pyarrow.parquet as pq

            with filesystem.open_input_file(path) as fh:
                n = 0
                for rb in pq.ParquetFile(fh).iter_batches(batch_size=block):
                    for row in rb.to_pylist():
                        n += 1
                        yield from add(f"{uri}[{n - 1}]", n, json.dumps(row, default=_json_value))
        if rows["item"]:
            yield pa.table(rows, schema=LINES_SCHEMA)


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


# --- the scorer actor --------------------------------------------------------------------------

def month_of(published: datetime | None) -> str:
    """The partition of an article: YYYY-MM of its publication (UTC), as `tracker export` writes it."""
    return published.strftime("%Y-%m") if published is not None else "undated"


class ScoreBatches:
    """Ray actor: builds the Runtime (gazetteer, spaCy model, lexicon, learned decision) once, then
    scores every batch of records given to it with the scorer `tracker ingest` uses."""

    def __init__(self, settings: Settings) -> None:
        from tracker.pipeline import Runtime

        self.runtime = Runtime(settings)
        self.scorer = self.runtime.scorer
        self.version: str = self.scorer.version

    def __call__(self, batch: pa.Table) -> pa.Table:
        return score_batch(self.scorer, batch)


def score_batch(scorer: Any, batch: pa.Table) -> pa.Table:
    """Records (item, input_order, line) to scored rows (SCORED_SCHEMA): each record's article with
    its statements, or the reason it was skipped, exactly as `tracker ingest` would decide."""
    from tracker import dedup
    from tracker.files import Skip, from_record
    from tracker.pipeline import score_safely

    items = batch["item"].to_pylist()
    orders = batch["input_order"].to_pylist()
    parsed: list[tuple[int, Article | Skip]] = []
    for item, order, line in zip(items, orders, batch["line"].to_pylist()):
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            parsed.append((order, Skip(item, "bad_json", str(exc))))
            continue
        parsed.append((order, from_record(obj, item)))
    articles = [a for _, a in parsed if isinstance(a, Article)]
    results = {id(a): r for a, r in score_safely(scorer, articles)} if articles else {}
    now = datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)
    cols: dict[str, list[Any]] = {name: [] for name in SCORED_SCHEMA.names}
    for order, x in parsed:
        result = results.get(id(x)) if isinstance(x, Article) else None
        if isinstance(x, Skip) or isinstance(result, Exception):
            if isinstance(x, Skip):
                skip = x
            else:
                skip = Skip(x.url or x.article_id, "score_error", f"{type(result).__name__}: {result}")
            for name in SCORED_SCHEMA.names:
                cols[name].append(None)
            cols["input_order"][-1] = order
            cols["skip_item"][-1], cols["skip_reason"][-1], cols["skip_detail"][-1] = skip.item, skip.reason, skip.detail
            continue
        statements: list[Statement] = result or []
        sig = dedup.signature(x.text)
        row = {
            "article_id": x.article_id, "url": x.url, "source": x.source, "feed_id": x.feed_id, "title": x.title,
            "published_at": x.published_at, "fetched_at": x.fetched_at or now, "language": x.language,
            "text": x.text, "content_hash": x.content_hash, "story_id": None,
            "minhash": [int(v) for v in sig] if sig is not None else None, "word_count": len(x.text.split()),
            "scorer_version": scorer.version, "statement_count": len(statements), "input_id": x.input_id,
            "input_url": x.input_url, "input_order": order, "month": month_of(x.published_at),
            "statements": [{**{f: getattr(st, f) for f in STATEMENT_FIELDS}, "story_id": None} for st in statements],
            "skip_item": None, "skip_reason": None, "skip_detail": None,
        }
        for name in SCORED_SCHEMA.names:
            cols[name].append(row[name])
    return pa.table(cols, schema=SCORED_SCHEMA)


# --- splitting the scored rows into the export layout --------------------------------------------

def articles_of(batch: pa.Table) -> pa.Table:
    """Scored rows to the articles/ table (with month for the partition)."""
    kept = batch.filter(batch["skip_reason"].is_null())
    return kept.select(ARTICLE_SCHEMA.names + ["month"])


def statements_of(batch: pa.Table) -> pa.Table:
    """Scored rows to the statements/ table: one row per statement, with its article's month."""
    import pyarrow.compute as pc

    kept = batch.filter(batch["skip_reason"].is_null())
    lists = kept["statements"].combine_chunks()
    if len(lists) == 0:
        return STATEMENT_SCHEMA.append(pa.field("month", pa.string())).empty_table()
    flat = pc.list_flatten(lists)
    parents = pc.list_parent_indices(lists)
    table = pa.Table.from_struct_array(flat) if len(flat) else STATEMENT_SCHEMA.empty_table()
    months = pc.take(kept["month"].combine_chunks(), parents)
    return table.select(STATEMENT_SCHEMA.names).append_column("month", months)


def skips_of(batch: pa.Table) -> pa.Table:
    skipped = batch.filter(batch["skip_reason"].is_valid())
    return pa.table({"item": skipped["skip_item"], "reason": skipped["skip_reason"],
                     "detail": skipped["skip_detail"]}, schema=SKIPPED_SCHEMA)


# --- the run -----------------------------------------------------------------------------------

@dataclass
class BackfillReport:
    files: int = 0
    articles: int = 0
    statements: int = 0
    skipped: int = 0
    workers: int = 0
    seconds: float = 0.0
    scoring_seconds: float = 0.0     # reading and scoring, up to the staging write; the rest is Parquet writing
    out: str = ""
    reasons: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        rate = self.articles / self.seconds if self.seconds else 0.0
        text = (f"backfill: {self.files} files, {self.articles} articles scored, {self.statements} statements, "
                f"{self.skipped} skipped; {self.workers} workers, {self.seconds:.1f}s ({rate:.1f} articles/s; "
                f"reading and scoring {self.scoring_seconds:.1f}s, writing {self.seconds - self.scoring_seconds:.1f}s) "
                f"-> {self.out}")
        if self.reasons:
            text += "; skipped: " + ", ".join(f"{r} {n}" for r, n in sorted(self.reasons.items(), key=lambda x: -x[1]))
        return text


def _check_output(out: str) -> tuple[Any, str]:
    from pyarrow import fs

    filesystem, path = filesystem_for(out)
    info = filesystem.get_file_info(path)
    if info.type == fs.FileType.File:
        raise InputError(f"The output {out} is a file", "Nothing was scored.", "give a folder (new or empty)")
    if info.type == fs.FileType.Directory and filesystem.get_file_info(fs.FileSelector(path, recursive=False)):
        raise InputError(f"The output folder {out} is not empty", "Nothing was scored.",
                         "give a new or empty folder (a backfill is written once; `tracker load` merges several)")
    return filesystem, path


def run(settings: Settings, inputs: Sequence[str], out: str, *, address: str | None = None,
        workers: int | None = None, batch_size: int = SCORE_BATCH) -> BackfillReport:
    """Score every record of the inputs on Ray Data and write DIR/{statements,articles,skipped}.

    address: an existing Ray cluster ("auto", "ray://host:10001", "host:6379"); None starts a
    local one on this machine's cores for the run and stops it afterwards. workers: scorer actors
    (one CPU each); default the cluster's CPUs.
    """
    import time

    ray = require_ray()
    files = list_inputs(inputs)
    filesystem, out_path = _check_output(out)
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    if not log.isEnabledFor(logging.INFO):
        # Ray Data logs every dataset's plan and timing at INFO; -v shows them.
        for name in ("ray", "ray.data"):
            logging.getLogger(name).setLevel(logging.WARNING)
    started_here = False
    if not ray.is_initialized():
        if address:
            ray.init(address=address, log_to_driver=False)
        else:
            ray.init(num_cpus=workers or os.cpu_count() or 1, include_dashboard=False, log_to_driver=False,
                     configure_logging=False)
        started_here = True
    try:
        cpus = int(ray.cluster_resources().get("CPU", 1))
        n = max(1, workers or cpus)
        report = BackfillReport(files=len(files), workers=n, out=out)
        t0 = time.perf_counter()
        ctx = ray.data.DataContext.get_current()
        ctx.enable_progress_bars = False
        # Ray Data merges a task's outputs into blocks of up to target_max_block_size (128 MiB), so
        # one big file would reach a single scorer. Blocks of about a batch of articles keep every
        # scorer busy (a repartition step would need a CPU of its own, which the scorers hold).
        block_bytes = ctx.target_max_block_size
        ctx.target_max_block_size = max(32 * 1024, batch_size * 4 * 1024)
        base = out.rstrip("/") if "://" in out else out_path
        staging = f"{base}/_scored"
        # Readers and writers take no CPU of their own: the CPUs are the scorers', and reading a
        # line costs nothing next to scoring it.
        scored = (ray.data.from_items(files, override_num_blocks=len(files))
                  .map_batches(read_lines, batch_size=1, batch_format="pyarrow", num_cpus=0,
                               fn_kwargs={"block": batch_size})
                  .map_batches(ScoreBatches, fn_constructor_args=(settings,), num_cpus=1,
                               compute=ray.data.ActorPoolStrategy(size=n), batch_size=batch_size,
                               batch_format="pyarrow"))
        try:
            # Few, big staging files: each file is a read task for the passes below.
            scored.write_parquet(staging, ray_remote_args={"num_cpus": 0}, min_rows_per_file=5_000)
        finally:
            ctx.target_max_block_size = block_bytes
        report.scoring_seconds = time.perf_counter() - t0
        staged = ray.data.read_parquet(staging, num_cpus=0)
        remote = {"num_cpus": 0}
        staged.map_batches(statements_of, batch_format="pyarrow", num_cpus=0).write_parquet(
            f"{base}/statements", partition_cols=["month"], ray_remote_args=remote, min_rows_per_file=100_000)
        staged.map_batches(articles_of, batch_format="pyarrow", num_cpus=0).write_parquet(
            f"{base}/articles", partition_cols=["month"], ray_remote_args=remote, min_rows_per_file=20_000)
        _tally(filesystem, out_path, report)
        filesystem.delete_dir(f"{out_path}/_scored")
        report.seconds = time.perf_counter() - t0
        return report
    finally:
        if started_here:
            ray.shutdown()


def _tally(filesystem: Any, out_path: str, report: BackfillReport) -> None:
    """Count articles, statements and skips from the staging files (in this process, streaming a few
    columns), and write the skipped records to DIR/skipped/."""
    import pyarrow.dataset as ds
    import pyarrow.parquet as pq

    staged = ds.dataset(f"{out_path}/_scored", filesystem=filesystem, format="parquet")
    writer = None
    try:
        for batch in staged.to_batches(columns=["skip_item", "skip_reason", "skip_detail", "statements"]):
            table = pa.Table.from_batches([batch])
            counts = _counts(table)
            for what, count in zip(counts["what"].to_pylist(), counts["n"].to_pylist()):
                if what == "articles":
                    report.articles += count
                elif what == "statements":
                    report.statements += count
                else:
                    report.skipped += count
                    report.reasons[what] = report.reasons.get(what, 0) + count
            skips = skips_of(table)
            if skips.num_rows:
                if writer is None:
                    filesystem.create_dir(f"{out_path}/skipped", recursive=True)
                    writer = pq.ParquetWriter(f"{out_path}/skipped/part-0.parquet", SKIPPED_SCHEMA,
                                              filesystem=filesystem)
                writer.write_table(skips)
    finally:
        if writer is not None:
            writer.close()


def _counts(batch: pa.Table) -> pa.Table:
    """Per block: articles, statements, and skipped records by reason (what, n)."""
    import pyarrow.compute as pc

    kept = batch.filter(batch["skip_reason"].is_null())
    n = pc.sum(pc.list_value_length(kept["statements"])).as_py() if kept.num_rows else 0
    what, counts = ["articles", "statements"], [kept.num_rows, int(n or 0)]
    reasons = batch.filter(batch["skip_reason"].is_valid())["skip_reason"].value_counts()
    for entry in reasons.to_pylist():
        what.append(entry["values"])
        counts.append(int(entry["counts"]))
    return pa.table({"what": pa.array(what, pa.string()), "n": pa.array(counts, pa.int64())})
