"""The commands that put articles in (or score them without a store) and keep the scorer and feeds:
init, ingest, backfill, load, score, rescore, run, poll, feeds, train, eval."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from tracker.cli.common import ProgressLine, open_tracker, print_frame, settings_from
from tracker.errors import ArgumentError, InputError

if TYPE_CHECKING:
    from tracker.config import Settings


def cmd_init(args: argparse.Namespace) -> int:
    with open_tracker(args, read_only=False) as t:
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
    runtime = runtime_for(settings_from(args))
    store = runtime.open_store(read_only=False)
    interrupted: pipeline.Interrupted | None = None
    try:
        with ProgressLine("ingested") as show:

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


def cmd_backfill(args: argparse.Namespace) -> int:
    from tracker import backfill

    if args.workers is not None and args.workers < 1:
        raise ArgumentError(f"--workers {args.workers} is not a number of workers", hint="give 1 or more")
    backfill.require_ray()
    report = backfill.run(settings_from(args), args.inputs, args.out, address=args.address, workers=args.workers,
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
    runtime = runtime_for(settings_from(args))
    store = runtime.open_store(read_only=False)
    try:
        with ProgressLine("loaded") as show:
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
    runtime = runtime_for(settings_from(args))
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


def cmd_rescore(args: argparse.Namespace) -> int:
    from tracker import pipeline
    from tracker.api import runtime_for

    runtime = runtime_for(settings_from(args))
    with runtime.open_store(read_only=False) as store, ProgressLine("rescored") as show:
        report = pipeline.rescore(runtime, store, everything=args.all, progress=show)
    print(report.summary().replace("updated", "rescored"))
    return 0 if report.status == "ok" else 1


def _daemon_settings(args: argparse.Namespace) -> Settings:
    return settings_from(args).with_overrides(feeds=args.feed or None, interval=args.interval,
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

        settings = settings_from(args)
        import polars as pl

        states: dict[str, Any] = {}
        if settings.db_path.exists():
            with open_tracker(args) as t:
                states = t.store.source_states([source_id(f) for f in settings.feeds])
        rows = []
        for f in settings.feeds:
            st = states.get(source_id(f), {})
            rows.append({"name": f.name, "location": f.location, "enabled": f.enabled,
                         "interval_s": f.interval_seconds or settings.daemon.poll_interval_seconds,
                         "last_status": st.get("last_status"), "failures": st.get("failures"),
                         "next_poll_at": st.get("next_poll_at"), "last_error": st.get("last_error")})
        print_frame(pl.DataFrame(rows, infer_schema_length=None), getattr(args, "format", "table"), getattr(args, "limit", None))
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
        settings_from(args)      # validate the result the way every command will read it
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
    report.run_training(runtime_for(settings_from(args)), _corpus(args), out, print)
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from tracker.api import runtime_for
    from tracker.stance.learned import report

    report.run_eval(runtime_for(settings_from(args)), _corpus(args), print, baseline=not args.no_baseline)
    return 0
