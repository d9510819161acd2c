"""stance-tracker: who supports or opposes a ceasefire, and who will send peacekeepers, over time.

    import tracker
    store = tracker.open_store()            # ./data/tracker.duckdb unless configured otherwise
    store.positions(topic="ceasefire")      # polars DataFrames
    tracker.score_text("...", published="2025-03-15")   # a DataFrame of statements, no store needed
"""

__version__ = "0.1.0"

__all__ = ["Tracker", "open_store", "positions", "score_text", "shifts", "sql", "statements", "timeseries"]


def __getattr__(name: str) -> object:
    """The public API, imported on first use: `import tracker.models` (or any lower layer) does not
    load the store, DuckDB or the API (tests/test_contracts.py checks the layers)."""
    if name in __all__:
        from tracker import api

        return getattr(api, name)
    raise AttributeError(f"module 'tracker' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
