"""The `tracker` command: argument parsing and printing; the work is done by the library."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Sequence

from tracker import __version__
from tracker.errors import ArgumentError, InputError, TrackerError

if TYPE_CHECKING:      # the CLI imports polars, the store and the API only in the commands that use them
    import polars as pl

    from tracker.api import Tracker
    from tracker.config import Settings

EPILOG = "Run `tracker COMMAND --help` for a command's options and an example."

COMMANDS: dict[str, tuple[str, str]] = {
    # name: (one-line help, example)
    "init": ("Create the store (or migrate it) and load the gazetteer and conflict registry.",
             "tracker init --db data/tracker.duckdb"),
    "ingest": ("Score and store articles from .txt/.html/.json/.jsonl files or folders (or the bundled samples).",
               "tracker ingest ~/news/2025-03/ --samples"),
    "positions": ("Where each country (or holder) stands on each topic now, with the sentence that weighs most.",
                  "tracker positions --topic peacekeeping --conflict russia-ukraine"),
    "trend": ("The time series of one country or holder on a topic.",
              "tracker trend ITA --topic peacekeeping --freq 1w"),
    "shifts": ("When a country's position changed sign or moved sharply, with the statements before and after.",
               "tracker shifts --topic ceasefire"),
    "evidence": ("The statements behind a country/holder, topic and day: the sentences that produced the figures.",
                 "tracker evidence --country RUS --topic ceasefire --day 2025-03-18"),
    "sql": ("Run SQL over the store's tables and views; $name parameters come from --param.",
            "tracker sql \"SELECT * FROM positions WHERE actor = $c\" --param c=ITA"),
    "export": ("Write statements and articles as Parquet, partitioned by month (Hive style).",
               "tracker export --parquet exports/"),
    "backfill": ("Score an archive (JSONL or Parquet files, local or s3://...) on Ray Data and write Parquet by month; "
                 "no store.", "tracker backfill archive/2019/ archive/2020.jsonl --out backfill/ --address auto"),
    "load": ("Load a backfill's Parquet output, or exports of other stores, into the store (idempotent; merges several).",
             "tracker load --parquet backfill/ exports/region-eu/"),
    "score": ("Score articles given as JSONL (stdin or files) and print one statement per line as JSONL; no store.",
              "tracker score < articles.jsonl > statements.jsonl"),
    "explain": ("Show how the scorer read an article: each sentence, cue, holder, topic, polarity and score.",
                "tracker explain article.txt --published 2025-03-15 --trace"),
    "runs": ("List the most recent job runs and what each did.", "tracker runs --limit 5"),
    "rescore": ("Score stored articles again with the current rules (those scored by an older version, or --all).",
                "tracker rescore --all"),
    "plot": ("Draw one or several countries' (or holders') stance over time per topic as PNG and SVG, shifts marked.",
             "tracker plot ITA FRA DEU --topic peacekeeping --out charts/europe.png"),
    "report": ("Write a self-contained HTML report: positions, countries by week, latest shifts.",
               "tracker report --out report.html"),
    "run": ("Start the ingestion daemon: poll the feeds on a schedule, score and store new articles, until stopped.",
            "tracker run --feed https://example.com/rss.xml --interval 600"),
    "poll": ("Run one poll cycle over every configured feed, store what is new, and exit.",
             "tracker poll --db data/tracker.duckdb"),
    "train": ("Train the learned decision on the labelled real articles and our passages; print held-out figures.",
              "tracker train --corpus ../shared/corpus"),
    "eval": ("Measure the scorer on labelled real text (precision, recall, F1), beside rules alone and VADER.",
             "tracker eval --corpus ../shared/corpus"),
    "feeds": ("List, add or remove the feeds in your config file (tracker.toml).",
              "tracker feeds add https://example.com/world/rss.xml --name \"Example World\" --interval 900"),
}


def _out(df: pl.DataFrame, fmt: str, limit: int | None = None) -> None:
    if limit is not None and df.height > limit:
        df = df.head(limit)
    if fmt == "csv":
        sys.stdout.write(_flat(df).write_csv())
    elif fmt == "json":
        sys.stdout.write(df.write_json() + "\n")
    elif fmt == "jsonl":
        sys.stdout.write(df.write_ndjson())
    else:
        if df.height == 0:
            print("(no rows)")
            return
        from tracker.tables import render

        print(render(df, _width()))


def _width() -> int:
    """The terminal's width ($COLUMNS wins); 160 when the output is not a terminal."""
    import shutil

    return max(60, shutil.get_terminal_size((160, 24)).columns)


def _flat(df: pl.DataFrame) -> pl.DataFrame:
    """Nested columns (lists, structs) as JSON text, since CSV holds only flat values."""
    import polars as pl

    nested = [c for c, t in df.schema.items() if t.is_nested() or t == pl.Object]
    if not nested:
        return df
    return df.with_columns(pl.Series(c, [None if v is None else json.dumps(v, ensure_ascii=False, default=str)
                                         for v in df[c].to_list()], dtype=pl.Utf8) for c in nested)


def _table_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=("table", "csv", "json", "jsonl"), default="table",
                   help="output format (default: a readable table)")
    p.add_argument("--limit", type=int, default=None, help="print at most this many rows")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tracker",
        description="Who supports or opposes a ceasefire, and who will send peacekeepers: a DuckDB time series "
                    "built from the news.",
        epilog=EPILOG,
    )
    parser.add_argument("--version", action="version", version=f"stance-tracker {__version__}")
    # Global options are accepted before or after the command (`tracker --db X positions` or
    # `tracker positions --db X`); SUPPRESS keeps a later default from overwriting an earlier value.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", default=argparse.SUPPRESS,
                        help="the DuckDB store (default: $TRACKER_DB or ./data/tracker.duckdb)")
    common.add_argument("--config", default=argparse.SUPPRESS,
                        help="a TOML config file (default: $TRACKER_CONFIG or ./tracker.toml)")
    common.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS,
                        help="log more detail to stderr")
    for action in common._actions:
        parser._add_action(action)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str) -> argparse.ArgumentParser:
        summary, example = COMMANDS[name]
        return sub.add_parser(name, help=summary, description=f"{summary}\n\nExample:\n  {example}",
                              formatter_class=argparse.RawDescriptionHelpFormatter, parents=[common])

    add("init")
    p = add("ingest")
    p.add_argument("paths", nargs="*", help="files or folders (.txt, .html, .json, .jsonl)")
    p.add_argument("--samples", action="store_true", help="also ingest the sample articles bundled with the package")
    p.add_argument("--batch-size", type=int, default=128, help="articles scored and written per transaction")

    p = add("positions")
    p.add_argument("--topic", choices=("ceasefire", "peacekeeping"))
    p.add_argument("--conflict", help="a conflict id, e.g. russia-ukraine (see `tracker sql \"FROM conflicts\"`)")
    p.add_argument("--country", help="one country code (ISO3) or organisation code")
    p.add_argument("--by-holder", action="store_true", help="one row per holder (person, state, organisation)")
    p.add_argument("--as-of", help="the day to look from (YYYY-MM-DD); default: the newest day with statements")
    p.add_argument("--half-life", type=float, help="days after which a statement weighs half (default from config)")
    p.add_argument("--window", type=int, help="ignore statements older than this many days")
    _table_args(p)

    p = add("trend")
    p.add_argument("who", help="a country code (ITA), a holder id (person:giorgia-meloni) or a name (Meloni)")
    p.add_argument("--topic", choices=("ceasefire", "peacekeeping"))
    p.add_argument("--conflict")
    p.add_argument("--freq", default="1d", help="bucket size: 1d, 1w, 1mo, 1q, 1y (default 1d)")
    p.add_argument("--start", help="first day (YYYY-MM-DD)")
    p.add_argument("--stop", help="last day (YYYY-MM-DD)")
    _table_args(p)

    p = add("shifts")
    p.add_argument("--topic", choices=("ceasefire", "peacekeeping"))
    p.add_argument("--conflict")
    p.add_argument("--country")
    p.add_argument("--half-life", type=float)
    p.add_argument("--min-level", type=float, help="a sign change needs both sides at least this far from zero")
    p.add_argument("--min-move", type=float, help="or a move at least this large")
    _table_args(p)

    p = add("evidence")
    p.add_argument("--country")
    p.add_argument("--holder", help="a holder id, e.g. person:keir-starmer or state:RUS")
    p.add_argument("--topic", choices=("ceasefire", "peacekeeping"))
    p.add_argument("--conflict")
    p.add_argument("--day", help="one UTC day (YYYY-MM-DD)")
    p.add_argument("--start")
    p.add_argument("--stop")
    p.add_argument("--statement", help="one statement id")
    p.add_argument("--story", help="one story id (all copies of a syndicated story)")
    p.add_argument("--article", help="one article: its article id, its input's own id (e.g. a corpus id) or its URL")
    _table_args(p)

    p = add("sql")
    p.add_argument("query", help="SQL text; tables: statements, articles, sources, runs, actors, conflicts, ...")
    p.add_argument("--param", action="append", default=[], metavar="NAME=VALUE", help="bind $NAME to VALUE")
    _table_args(p)

    p = add("export")
    p.add_argument("--parquet", required=True, metavar="DIR", help="folder to write statements/ and articles/ into")

    p = add("backfill")
    p.add_argument("inputs", nargs="+", metavar="INPUT",
                   help="JSONL (.jsonl, .jsonl.gz) or Parquet files or folders: local paths or pyarrow URIs (s3://...); "
                        "records with the fields `tracker score` takes")
    p.add_argument("--out", required=True, metavar="DIR", help="a new or empty folder (or URI) for statements/, "
                                                                "articles/ and skipped/")
    p.add_argument("--address", help="an existing Ray cluster (auto, ray://HOST:10001, HOST:6379); default: start a "
                                     "local one on this machine's cores")
    p.add_argument("--workers", type=int, help="scorer actors, one CPU and one loaded model each (default: the "
                                               "cluster's CPUs)")
    p.add_argument("--batch-size", type=int, default=32, help="articles a worker scores at a time")

    p = add("load")
    p.add_argument("--parquet", required=True, nargs="+", metavar="DIR",
                   help="folders written by `tracker backfill` or `tracker export --parquet` (several are merged)")
    p.add_argument("--replace", action="store_true",
                   help="replace the months of the input that the store already holds (default: keep stored articles)")
    p.add_argument("--batch-size", type=int, default=256, help="articles written per transaction")

    p = add("score")
    p.add_argument("files", nargs="*", help="JSONL files (default: stdin); fields id, text, published, title, url, source")
    p.add_argument("--full", action="store_true", help="parse every paragraph (slower; same statements)")

    p = add("explain")
    p.add_argument("article", help="a .txt/.html/.json/.jsonl file (first article), or an article in the store named "
                                   "by its article id, its input's own id (e.g. a corpus id) or its URL")
    p.add_argument("--published", help="the article's date, when the file does not say (YYYY-MM-DD)")
    p.add_argument("--trace", action="store_true", help="also show topic mentions that produced no statement, and why")

    p = add("train")
    p.add_argument("--corpus", default="../shared/corpus", help="folder with train_labels.jsonl, news.jsonl (and dev, extra)")
    p.add_argument("--out", help="where to write the model (default: the package's tracker/data/model/decision.json)")

    p = add("eval")
    p.add_argument("--corpus", default="../shared/corpus", help="folder with the labelled corpus files")
    p.add_argument("--no-baseline", action="store_true", help="skip the VADER baseline (it parses every article whole)")

    p = add("runs")
    _table_args(p)

    p = add("rescore")
    p.add_argument("--all", action="store_true", help="rescore every article, not only those of older scorer versions")

    p = add("plot")
    p.add_argument("who", nargs="+", help="country codes (ITA), holder ids (person:giorgia-meloni) or names")
    p.add_argument("--topic", choices=("ceasefire", "peacekeeping"))
    p.add_argument("--conflict")
    p.add_argument("--start", help="first day (YYYY-MM-DD)")
    p.add_argument("--out", default="stance.png", help="output file; a .png and an .svg are written (default stance.png)")

    p = add("report")
    p.add_argument("--out", default="report.html", help="the HTML file to write (default report.html)")
    p.add_argument("--weeks", type=int, default=26, help="weeks shown in the heatmaps (default 26)")

    for name in ("run", "poll"):
        p = add(name)
        p.add_argument("--feed", action="append", default=[], metavar="URL",
                       help="poll this feed instead of the configured ones (repeatable)")
        p.add_argument("--interval", type=int, metavar="SECONDS", help="poll interval for every feed")
        p.add_argument("--allow-host", action="append", default=[], metavar="HOST",
                       help="let this host past the SSRF guard (e.g. 127.0.0.1 for a local feed; repeatable)")

    p = add("feeds")
    fsub = p.add_subparsers(dest="feeds_command", metavar="ACTION")
    fl = fsub.add_parser("list", help="list the configured feeds with their polling state", parents=[common])
    _table_args(fl)
    fa = fsub.add_parser("add", help="add a feed to your config file", parents=[common])
    fa.add_argument("url", help="the feed's URL (RSS, Atom or JSON Feed)")
    fa.add_argument("--name", help="a name for it (default: the URL)")
    fa.add_argument("--interval", type=int, metavar="SECONDS", help="how often to poll it")
    fa.add_argument("--language", help="the feed's language code, when its entries do not say")
    fr = fsub.add_parser("remove", help="remove a feed from your config file", parents=[common])
    fr.add_argument("feed", help="the feed's URL or name")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    for name, default in (("db", None), ("config", None), ("verbose", False)):
        if not hasattr(args, name):
            setattr(args, name, default)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if not args.command:
        parser.print_help()
        return 2
    handler: Callable[[argparse.Namespace], int] = HANDLERS[args.command]
    try:
        return handler(args) or 0
    except TrackerError as exc:
        print(f"error: {exc.title}", file=sys.stderr)
        if exc.detail:
            print(f"  {exc.detail}", file=sys.stderr)
        if exc.hint:
            print(f"  Try: {exc.hint}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


# --- handlers --------------------------------------------------------------------------------------

def _settings(args: argparse.Namespace) -> Settings:
    from tracker.config import load_settings

    return load_settings(args.config, db=args.db)


def _open(args: argparse.Namespace, read_only: bool = True) -> Tracker:
    from tracker.api import Tracker, runtime_for

    runtime = runtime_for(_settings(args))
    return Tracker(runtime.open_store(read_only=read_only), runtime)


def cmd_init(args: argparse.Namespace) -> int:
    with _open(args, read_only=False) as t:
        row = t.summary()
        print(f"store ready: {t.path}")
        print(f"  schema version {row['schema']}; {row['actors']} actors, {row['roles']} dated roles, "
              f"{row['conflicts']} conflicts; {row['articles']} articles, {row['statements']} statements")
    return 0


def cmd_ingest(args: argparse.Namespace) -> int:
    from tracker import files, pipeline
    from tracker.api import runtime_for

    paths = list(args.paths)
    if args.samples:
        from importlib import resources

        paths.append(str(resources.files("tracker").joinpath("data/samples/articles.jsonl")))
    if not paths:
        raise InputError("Nothing to ingest", hint="give files or folders, or --samples for the bundled articles")
    _check_inputs(paths)
    runtime = runtime_for(_settings(args))
    store = runtime.open_store(read_only=False)
    interrupted: pipeline.Interrupted | None = None
    try:
        with _progress("ingested") as show:

            def progress(r: pipeline.RunReport) -> None:
                show(r.counts["seen"], r.counts["statements"])

            try:
                report = pipeline.ingest(runtime, store, files.read_paths(paths), batch_size=args.batch_size,
                                         progress=progress)
            except pipeline.Interrupted as stop:
                report = stop.report
                interrupted = stop
            else:
                interrupted = None
    finally:
        store.close()
    if interrupted is not None:
        c = report.counts
        print(report.summary())
        print(f"interrupted: {c['stored'] + c['updated']} articles stored by this run ({c['statements']} statements), "
              f"{interrupted.saved} of them scored just before the interruption.", file=sys.stderr)
        print("  Try: run the same command again to go on; articles already stored are skipped", file=sys.stderr)
        return 130
    print(report.summary())
    for s in report.skips[:20]:
        print(f"  skipped {s.item}: {s.reason} ({s.detail})", file=sys.stderr)
    if len(report.skips) > 20:
        print(f"  ... and {len(report.skips) - 20} more (see the `skipped` table)", file=sys.stderr)
    return 0 if report.status == "ok" else 1


def _check_inputs(paths: Sequence[str]) -> None:
    """Stop before anything is opened or created when an input file or folder does not exist."""
    from tracker.files import SUFFIXES

    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        raise InputError(f"No such file or folder: {', '.join(missing)}", "Nothing was read and no store was touched.",
                         "check the path (files or folders of " + ", ".join(SUFFIXES) + ")")
    for p in paths:
        if Path(p).is_file() and Path(p).suffix.lower() not in SUFFIXES:
            raise InputError(f"Cannot read {p}: unsupported file type {Path(p).suffix or '(none)'!r}",
                             "Nothing was read and no store was touched.",
                             "give " + ", ".join(SUFFIXES) + " files, or folders holding them")


def cmd_positions(args: argparse.Namespace) -> int:
    by = "holder" if args.by_holder else "country"
    with _open(args) as t:
        df = t.positions(topic=args.topic, conflict=args.conflict, country=args.country, by=by, as_of=args.as_of,
                         half_life_days=args.half_life, window_days=args.window)
        settings = t.runtime.settings
    cols = ["conflict", "topic", "actor", "actor_name", "stance", "position", "weight", "voices", "days",
            "last_statement_at", "top_holder", "top_evidence"]
    if args.format == "table":
        for line in _positions_header(df, args.as_of, args.window or settings.window_days,
                                      args.half_life or settings.half_life_days):
            print(line)
        # On a terminal the day of the newest statement is enough (its time is in --format json).
        import polars as pl

        df = df.select(cols).with_columns(pl.col("last_statement_at").dt.date()).rename(
            {"last_statement_at": "last_day"})
    _out(df, args.format, args.limit)
    return 0


def _positions_header(df: pl.DataFrame, as_of: str | None, window: int, half_life: float) -> list[str]:
    """What the positions look from: the as-of day, the window and half-life, and every conflict and
    topic that went quiet earlier (its rows are its latest state, as of its own newest day)."""
    import shutil
    import textwrap

    if df.height == 0:
        return [f"positions as of {as_of or 'the newest statement'}; window {window} days, half-life {half_life:g} days"]
    newest = max(df["as_of"].to_list())
    said = f"{as_of}" if as_of else f"{newest} (the newest statement)"
    width = max(40, min(shutil.get_terminal_size((160, 24)).columns, 160) - 2)
    lines = textwrap.wrap(f"positions as of {said}; window {window} days, half-life {half_life:g} days, each conflict "
                          "and topic counted back from its own newest statement", width=width)
    quiet = (df.filter(df["as_of"] < newest).select("conflict", "topic", "as_of").unique()
             .sort(["as_of", "conflict", "topic"]))
    if quiet.height:
        lines.append("went quiet earlier, shown as of their newest statement:")
        listed = ", ".join(f"{c}/{t} {d}" for c, t, d in quiet.iter_rows())
        lines += textwrap.wrap(listed, width=width, initial_indent="  ", subsequent_indent="  ")
    return lines


def cmd_trend(args: argparse.Namespace) -> int:
    with _open(args) as t:
        df = t.timeseries(topic=args.topic, conflict=args.conflict, freq=args.freq, start=args.start,
                          stop=args.stop, **t.actor(args.who))
    cols = ["period", "conflict", "topic", "actor", "statements", "voices", "stories", "sources", "mean_score",
            "top_evidence"]
    _out(df.select(cols) if args.format == "table" else df, args.format, args.limit)
    return 0


def cmd_shifts(args: argparse.Namespace) -> int:
    with _open(args) as t:
        df = t.shifts(country=args.country, topic=args.topic, conflict=args.conflict, half_life_days=args.half_life,
                      min_level=args.min_level, min_move=args.min_move)
    cols = ["day", "conflict", "topic", "actor", "kind", "position_before", "position_after", "before_evidence",
            "after_evidence"]
    _out(df.select(cols) if args.format == "table" else df, args.format, args.limit)
    return 0


def cmd_evidence(args: argparse.Namespace) -> int:
    with _open(args) as t:
        df = t.statements(country=args.country, holder=args.holder, topic=args.topic, conflict=args.conflict,
                          day=args.day, start=args.start, stop=args.stop, statement_id=args.statement,
                          story_id=args.story, article=args.article)
    cols = ["published_at", "source", "holder_name", "country", "topic", "polarity", "modality", "score", "cue",
            "evidence"]
    _out(df.select(cols) if args.format == "table" else df, args.format, args.limit)
    return 0


def cmd_sql(args: argparse.Namespace) -> int:
    params: dict[str, Any] = {}
    for item in args.param:
        if "=" not in item:
            raise InputError(f"Bad --param {item!r}", hint="write it as NAME=VALUE")
        k, v = item.split("=", 1)
        params[k.strip()] = v
    with _open(args) as t:
        _out(t.sql(args.query, **params), args.format, args.limit)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    with _open(args) as t:
        written = t.store.export_parquet(Path(args.parquet))
    for table, n in written.items():
        print(f"{table}: {n} rows -> {Path(args.parquet) / table}/month=YYYY-MM/")
    return 0


def cmd_backfill(args: argparse.Namespace) -> int:
    from tracker import backfill

    if args.workers is not None and args.workers < 1:
        raise ArgumentError(f"--workers {args.workers} is not a number of workers", hint="give 1 or more")
    backfill.require_ray()
    report = backfill.run(_settings(args), args.inputs, args.out, address=args.address, workers=args.workers,
                          batch_size=args.batch_size)
    print(report.summary())
    print(f"  load it with: tracker load --parquet {args.out}")
    return 0


def cmd_load(args: argparse.Namespace) -> int:
    from tracker import load
    from tracker.api import runtime_for

    load.folders_exist(args.parquet)
    sources = [load.open_source(f) for f in args.parquet]       # a wrong folder stops before the store opens
    del sources
    runtime = runtime_for(_settings(args))
    store = runtime.open_store(read_only=False)
    try:
        with _progress("loaded") as show:
            report = load.load(store, args.parquet, replace=args.replace, batch_size=args.batch_size, progress=show,
                               note=lambda text: print(text, file=sys.stderr))
        print("refreshing the derived tables ...", file=sys.stderr)
    finally:
        store.close()
    c = report.counts
    print(f"load: {c['seen']} articles read, {c['stored']} stored, {c['present']} already present (kept), "
          f"{c['removed']} removed by --replace, {c['statements']} statements, {c['skipped']} skipped items recorded, "
          f"{c['errors']} errors; {report.seconds:.1f}s (run {report.run_id})")
    return 0 if report.status == "ok" else 1


def cmd_score(args: argparse.Namespace) -> int:
    from tracker import pipeline
    from tracker.api import runtime_for

    for f in args.files:
        if not Path(f).is_file():
            raise InputError(f"No such file: {f}", "Nothing was scored.",
                             "give JSONL files (one article object per line), or pipe them on stdin")
    runtime = runtime_for(_settings(args))
    streams = [Path(f).open(encoding="utf-8", errors="replace") for f in args.files] if args.files else [sys.stdin]
    counts = {"articles": 0, "statements": 0, "skipped": 0}

    def lines() -> Any:
        for stream in streams:
            name = getattr(stream, "name", "<stdin>")
            for lineno, line in enumerate(stream, start=1):
                yield f"{name}:{lineno}", line

    for item in pipeline.score_lines(runtime, lines(), fast=not args.full):
        if isinstance(item, dict):
            sys.stdout.write(json.dumps(item, ensure_ascii=False, default=_json_default) + "\n")
            counts["statements"] += 1
        elif isinstance(item, str):
            counts["articles"] += 1
        else:
            counts["skipped"] += 1
            print(f"skipped {item.item}: {item.reason} ({item.detail})", file=sys.stderr)
    print(f"scored {counts['articles']} articles: {counts['statements']} statements, {counts['skipped']} skipped",
          file=sys.stderr)
    return 0


def _json_default(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def cmd_explain(args: argparse.Namespace) -> int:
    from tracker import files, pipeline
    from tracker.api import runtime_for

    runtime = runtime_for(_settings(args))
    article = None
    p = Path(args.article)
    if p.exists():
        skips: list[files.Skip] = []
        for item in files.read_paths([p]):
            if isinstance(item, files.Skip):
                skips.append(item)
                continue
            article = item
            break
        if article is None:
            reasons = "; ".join(f"{s.item}: {s.reason.replace('_', ' ')} ({s.detail})" for s in skips[:3])
            raise InputError(f"No article could be read from {args.article}", reasons or "The file holds no article.",
                             "give the whole article (the scorer needs at least 40 words of English); to score a "
                             "sentence or two, pipe a JSON line into `tracker score`")
    else:
        store = runtime.open_store(read_only=True)
        try:
            article = pipeline.stored_article(store, args.article)
        finally:
            store.close()
    if article is None:
        raise InputError(f"No article {args.article!r}: not a file, nor an article id or URL in the store",
                         hint="give an article file, or an id from `tracker sql \"SELECT article_id, input_id, url "
                              "FROM articles\"`")
    if args.published:
        from dataclasses import replace

        from tracker.models import to_utc
        article = replace(article, published_at=to_utc(args.published))
    result = pipeline.explain(runtime, article, trace=args.trace)
    print(result)
    return 0


def cmd_runs(args: argparse.Namespace) -> int:
    with _open(args) as t:
        _out(t.runs(limit=args.limit or 20), args.format, None)
    return 0


def cmd_rescore(args: argparse.Namespace) -> int:
    from tracker import pipeline
    from tracker.api import runtime_for

    runtime = runtime_for(_settings(args))
    with runtime.open_store(read_only=False) as store, _progress("rescored") as show:
        report = pipeline.rescore(runtime, store, everything=args.all, progress=show)
    print(report.summary().replace("updated", "rescored"))
    return 0 if report.status == "ok" else 1


class _progress:
    """Progress of a command that runs over many articles: articles done, articles/s, statements found.

    On a terminal a live line (rich) that starts at once and keeps its clock running while a batch is
    scored; otherwise plain lines on stderr, the first at the first batch, then every 500 articles or
    30 seconds. Use as a context manager; call it with (articles done, statements found).
    """

    def __init__(self, what: str, console: Any = None, every: int = 500, seconds: float = 30.0) -> None:
        import time

        self.what, self.every, self.seconds = what, every, seconds
        self.started = self.last_at = time.monotonic()
        self.last_done = -1
        self.console = console
        self.live: Any = None
        self.task: Any = None
        if console is None and sys.stderr.isatty():
            from rich.console import Console

            self.console = Console(stderr=True)

    def __enter__(self) -> "_progress":
        if self.console is not None:
            from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

            self.live = Progress(SpinnerColumn(), TextColumn(f"{self.what} " + "{task.completed} articles"),
                                 TextColumn("{task.fields[rate]:.1f} articles/s"),
                                 TextColumn("{task.fields[statements]} statements"), TimeElapsedColumn(),
                                 console=self.console, transient=False)
            self.live.start()
            self.task = self.live.add_task(self.what, total=None, rate=0.0, statements=0)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.live is not None:
            self.live.stop()

    def __call__(self, done: int, statements: int) -> None:
        import time

        now = time.monotonic()
        rate = done / max(now - self.started, 1e-6)
        if self.live is not None:
            self.live.update(self.task, completed=done, rate=rate, statements=statements)
            return
        if self.last_done < 0 or done // self.every > self.last_done // self.every or now - self.last_at >= self.seconds:
            self.last_done, self.last_at = done, now
            print(f"progress: {self.what} {done} articles, {statements} statements, {rate:.1f} articles/s, "
                  f"{now - self.started:.0f} s at {time.strftime('%H:%M:%S')}", file=sys.stderr, flush=True)


def cmd_plot(args: argparse.Namespace) -> int:
    with _open(args) as t:
        written = t.plot(args.who, args.out, topic=args.topic, conflict=args.conflict, start=args.start)
    for p in written:
        print(p)
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    with _open(args) as t:
        print(t.report(args.out, weeks=args.weeks))
    return 0


def _daemon_settings(args: argparse.Namespace) -> Settings:
    return _settings(args).with_overrides(feeds=args.feed or None, interval=args.interval,
                                          allow_hosts=args.allow_host or None)


def cmd_run(args: argparse.Namespace) -> int:
    from tracker.api import runtime_for
    from tracker.daemon import Daemon, setup_logging

    setup_logging(args.verbose)
    return Daemon(runtime_for(_daemon_settings(args))).run()


def cmd_poll(args: argparse.Namespace) -> int:
    from tracker import poll
    from tracker.api import runtime_for
    from tracker.daemon import setup_logging

    setup_logging(args.verbose)          # one line per skipped page, as `tracker run` logs them
    runtime = runtime_for(_daemon_settings(args))
    if not any(f.enabled for f in runtime.settings.feeds):
        raise InputError("No feeds to poll", hint="add one with `tracker feeds add URL` or pass --feed URL")
    report = poll.poll_once(runtime)
    print(report.summary())
    c = report.counts
    print(f"  feeds: {c['feeds_polled']} polled, {c['feeds_not_modified']} not modified, {c['feeds_failed']} failed")
    return 0 if report.status == "ok" else 1


def cmd_feeds(args: argparse.Namespace) -> int:
    from tracker.config import DEFAULT_CONFIG_NAME, find_config_file, user_feeds, write_feeds

    action = args.feeds_command or "list"
    if action == "list":
        from tracker.poll import source_id

        settings = _settings(args)
        import polars as pl

        states: dict[str, Any] = {}
        if settings.db_path.exists():
            with _open(args) as t:
                states = t.store.source_states([source_id(f) for f in settings.feeds])
        rows = []
        for f in settings.feeds:
            st = states.get(source_id(f), {})
            rows.append({"name": f.name, "location": f.location, "enabled": f.enabled,
                         "interval_s": f.interval_seconds or settings.daemon.poll_interval_seconds,
                         "last_status": st.get("last_status"), "failures": st.get("failures"),
                         "next_poll_at": st.get("next_poll_at"), "last_error": st.get("last_error")})
        _out(pl.DataFrame(rows, infer_schema_length=None), getattr(args, "format", "table"), getattr(args, "limit", None))
        if settings.config_path is None:
            print("(these are the bundled sample feeds; `tracker feeds add URL` starts your own list in "
                  f"./{DEFAULT_CONFIG_NAME})", file=sys.stderr)
        return 0
    path = find_config_file(args.config) or Path.cwd() / DEFAULT_CONFIG_NAME
    current = user_feeds(path)
    if action == "add":
        if any(f.get("url") == args.url for f in current):
            raise InputError(f"{args.url} is already in {path}")
        entry = {"name": args.name or args.url, "url": args.url, "interval_seconds": args.interval,
                 "language": args.language}
        write_feeds(path, current + [entry])
        _settings(args)      # validate the result the way every command will read it
        print(f"added {args.url} to {path}")
        return 0
    kept = [f for f in current if args.feed not in (f.get("url"), f.get("name"), f.get("path"))]
    if len(kept) == len(current):
        raise InputError(f"No feed {args.feed!r} in {path}", hint="`tracker feeds list` shows the configured feeds")
    write_feeds(path, kept)
    print(f"removed {args.feed} from {path}")
    return 0


def _corpus(args: argparse.Namespace) -> Path:
    corpus = Path(args.corpus)
    if not corpus.is_dir():
        raise InputError(f"No corpus folder at {corpus}",
                         hint="pass --corpus with the folder that holds train_labels.jsonl and news.jsonl")
    return corpus


def cmd_train(args: argparse.Namespace) -> int:
    from importlib import resources

    from tracker.api import runtime_for
    from tracker.stance.learned import model, report

    out = Path(args.out) if args.out else Path(str(resources.files("tracker").joinpath(model.PACKAGED)))
    report.run_training(runtime_for(_settings(args)), _corpus(args), out, print)
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from tracker.api import runtime_for
    from tracker.stance.learned import report

    report.run_eval(runtime_for(_settings(args)), _corpus(args), print, baseline=not args.no_baseline)
    return 0


HANDLERS: dict[str, Callable[[argparse.Namespace], int]] = {
    "init": cmd_init, "ingest": cmd_ingest, "positions": cmd_positions, "trend": cmd_trend, "shifts": cmd_shifts,
    "evidence": cmd_evidence, "sql": cmd_sql, "export": cmd_export, "score": cmd_score, "explain": cmd_explain,
    "runs": cmd_runs, "run": cmd_run, "poll": cmd_poll, "feeds": cmd_feeds, "plot": cmd_plot, "report": cmd_report,
    "rescore": cmd_rescore, "train": cmd_train, "eval": cmd_eval, "backfill": cmd_backfill, "load": cmd_load,
}

if __name__ == "__main__":
    raise SystemExit(main())
