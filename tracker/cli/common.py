"""What the commands share: the settings and the store a command opens, printing a table (or CSV, JSON,
JSONL), and the progress line of a command that runs over many articles."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:      # the CLI imports polars, the store and the API only in the commands that use them
    import polars as pl

    from tracker.api import Tracker
    from tracker.config import Settings


def settings_from(args: argparse.Namespace) -> Settings:
    from tracker.config import load_settings

    return load_settings(args.config, db=args.db)


def open_tracker(args: argparse.Namespace, read_only: bool = True) -> Tracker:
    from tracker.api import Tracker, runtime_for

    runtime = runtime_for(settings_from(args))
    return Tracker(runtime.open_store(read_only=read_only), runtime)


def print_frame(df: pl.DataFrame, fmt: str, limit: int | None = None) -> None:
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


class ProgressLine:
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

    def __enter__(self) -> "ProgressLine":
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
