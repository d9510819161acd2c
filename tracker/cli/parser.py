"""The `tracker` command's arguments: every command with its one-line help, example and options."""

from __future__ import annotations

import argparse

from tracker import __version__

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


def _table_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=("table", "csv", "json", "jsonl"), default="table",
                   help="output format (default: a readable table)")
    p.add_argument("--limit", type=int, default=None, help="print at most this many rows")


def build_parser() -> argparse.ArgumentParser:
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
