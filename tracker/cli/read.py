"""The commands that read the store: positions, trend, shifts, evidence, sql, export, explain, runs,
plot, report."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tracker.cli.common import open_tracker, print_frame, settings_from
from tracker.errors import InputError

if TYPE_CHECKING:      # the CLI imports polars only in the commands that use it
    import polars as pl


def cmd_positions(args: argparse.Namespace) -> int:
    by = "holder" if args.by_holder else "country"
    with open_tracker(args) as t:
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
    print_frame(df, args.format, args.limit)
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
    with open_tracker(args) as t:
        df = t.timeseries(topic=args.topic, conflict=args.conflict, freq=args.freq, start=args.start,
                          stop=args.stop, **t.actor(args.who))
    cols = ["period", "conflict", "topic", "actor", "statements", "voices", "stories", "sources", "mean_score",
            "top_evidence"]
    print_frame(df.select(cols) if args.format == "table" else df, args.format, args.limit)
    return 0


def cmd_shifts(args: argparse.Namespace) -> int:
    with open_tracker(args) as t:
        df = t.shifts(country=args.country, topic=args.topic, conflict=args.conflict, half_life_days=args.half_life,
                      min_level=args.min_level, min_move=args.min_move)
    cols = ["day", "conflict", "topic", "actor", "kind", "position_before", "position_after", "before_evidence",
            "after_evidence"]
    print_frame(df.select(cols) if args.format == "table" else df, args.format, args.limit)
    return 0


def cmd_evidence(args: argparse.Namespace) -> int:
    with open_tracker(args) as t:
        df = t.statements(country=args.country, holder=args.holder, topic=args.topic, conflict=args.conflict,
                          day=args.day, start=args.start, stop=args.stop, statement_id=args.statement,
                          story_id=args.story, article=args.article)
    cols = ["published_at", "source", "holder_name", "country", "topic", "polarity", "modality", "score", "cue",
            "evidence"]
    print_frame(df.select(cols) if args.format == "table" else df, args.format, args.limit)
    return 0


def cmd_sql(args: argparse.Namespace) -> int:
    params: dict[str, Any] = {}
    for item in args.param:
        if "=" not in item:
            raise InputError(f"Bad --param {item!r}", hint="write it as NAME=VALUE")
        k, v = item.split("=", 1)
        params[k.strip()] = v
    with open_tracker(args) as t:
        print_frame(t.sql(args.query, **params), args.format, args.limit)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    with open_tracker(args) as t:
        written = t.store.export_parquet(Path(args.parquet))
    for table, n in written.items():
        print(f"{table}: {n} rows -> {Path(args.parquet) / table}/month=YYYY-MM/")
    return 0


def cmd_explain(args: argparse.Namespace) -> int:
    from tracker import files, pipeline
    from tracker.api import runtime_for

    runtime = runtime_for(settings_from(args))
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
    with open_tracker(args) as t:
        print_frame(t.runs(limit=args.limit or 20), args.format, None)
    return 0


def cmd_plot(args: argparse.Namespace) -> int:
    with open_tracker(args) as t:
        written = t.plot(args.who, args.out, topic=args.topic, conflict=args.conflict, start=args.start)
    for p in written:
        print(p)
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    with open_tracker(args) as t:
        print(t.report(args.out, weeks=args.weeks))
    return 0
