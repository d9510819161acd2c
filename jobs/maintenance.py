"""Checkpoint the store (the daemon runs this daily by itself)."""

from tracker.api import default_runtime

if __name__ == "__main__":
    runtime = default_runtime()
    with runtime.open_store(wait_seconds=runtime.settings.daemon.store_wait_seconds) as store:
        store.checkpoint()
