"""One poll cycle, for cron or systemd timers: same as `tracker poll`."""

from tracker.cli import main

if __name__ == "__main__":
    raise SystemExit(main(["poll"]))
