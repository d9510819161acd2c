"""stance-tracker: who supports or opposes a ceasefire, and who will send peacekeepers, over time.

    import tracker
    store = tracker.open_store()            # ./data/tracker.duckdb unless configured otherwise
    store.positions(topic="ceasefire")      # polars DataFrames
    tracker.score_text("...", published="2025-03-15")   # a DataFrame of statements, no store needed
"""

__version__ = "0.1.0"

from tracker.api import (  # noqa: E402
    Tracker,
    open_store,
    positions,
    score_text,
    shifts,
    sql,
    statements,
    timeseries,
)

__all__ = ["Tracker", "open_store", "positions", "score_text", "shifts", "sql", "statements", "timeseries"]
