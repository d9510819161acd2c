"""The `tracker` command: argument parsing and printing; the work is done by the library.

main() parses the arguments (tracker/cli/parser.py) and runs a command's handler: those that put
articles in or keep the scorer and feeds are in tracker/cli/ingest.py, those that read the store in
tracker/cli/read.py; what they share (settings, tables, progress) in tracker/cli/common.py.
"""

from __future__ import annotations

import argparse
import logging
import sys
from typing import Callable, Sequence

from tracker.cli.common import ProgressLine
from tracker.cli.ingest import (
    cmd_backfill,
    cmd_eval,
    cmd_feeds,
    cmd_ingest,
    cmd_init,
    cmd_load,
    cmd_poll,
    cmd_rescore,
    cmd_run,
    cmd_score,
    cmd_train,
)
from tracker.cli.parser import COMMANDS, EPILOG, build_parser
from tracker.cli.read import (
    cmd_evidence,
    cmd_explain,
    cmd_export,
    cmd_plot,
    cmd_positions,
    cmd_report,
    cmd_runs,
    cmd_shifts,
    cmd_sql,
    cmd_trend,
)
from tracker.errors import TrackerError

__all__ = ["COMMANDS", "EPILOG", "HANDLERS", "ProgressLine", "main"]


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
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


HANDLERS: dict[str, Callable[[argparse.Namespace], int]] = {
    "init": cmd_init, "ingest": cmd_ingest, "positions": cmd_positions, "trend": cmd_trend, "shifts": cmd_shifts,
    "evidence": cmd_evidence, "sql": cmd_sql, "export": cmd_export, "score": cmd_score, "explain": cmd_explain,
    "runs": cmd_runs, "run": cmd_run, "poll": cmd_poll, "feeds": cmd_feeds, "plot": cmd_plot, "report": cmd_report,
    "rescore": cmd_rescore, "train": cmd_train, "eval": cmd_eval, "backfill": cmd_backfill, "load": cmd_load,
}
