"""The ingestion daemon, for process managers: same as `tracker run`."""

from tracker.cli import main

if __name__ == "__main__":
    raise SystemExit(main(["run"]))
