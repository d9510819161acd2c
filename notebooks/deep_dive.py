# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Deep dive: one country or leader over time, with the statements behind each point

# %% tags=["parameters"]
import os

STORE = os.environ.get("TRACKER_NOTEBOOK_STORE", "../data/tracker.duckdb")
# A country code (ITA) or a holder id (person:giorgia-meloni); empty: the most quoted country.
ACTOR = os.environ.get("TRACKER_NOTEBOOK_ACTOR", "")
TOPIC = os.environ.get("TRACKER_NOTEBOOK_TOPIC", "")   # ceasefire, peacekeeping, or empty for both

# %%
import polars as pl

import tracker

store = tracker.open_store(STORE, read_only=True)
pl.Config.set_tbl_rows(60)
pl.Config.set_fmt_str_lengths(110)
if not ACTOR:
    ACTOR = store.sql("SELECT country FROM statements WHERE country IS NOT NULL GROUP BY country "
                      "ORDER BY count(*) DESC LIMIT 1")["country"][0]
who = {"holder": ACTOR} if ":" in ACTOR else {"country": ACTOR}
topic = TOPIC or None
print("actor:", ACTOR, "topic:", topic or "both")

# %% [markdown]
# ## The position over time
# The running decayed position after each day with statements, in the actor's main conflict; marker
# area is the number of voices that day, diamonds mark shifts, a line breaks where no statement came
# for weeks. Pass `conflict="..."` to see another conflict.

# %%
store.stance_chart([ACTOR], topic=topic)

# %% [markdown]
# ## Weekly series

# %%
store.timeseries(freq="1w", topic=topic, **who).select(
    ["period", "conflict", "topic", "statements", "voices", "stories", "sources", "mean_score", "top_evidence"])

# %% [markdown]
# ## The statements behind each point
# Every point above is the statements of that day: who said it, the cue the scorer read, the sentence.

# %%
evidence = store.statements(topic=topic, **who)
evidence.select(["published_at", "source", "holder_name", "topic", "polarity", "modality", "score", "cue",
                 "evidence", "url"])

# %%
store.close()
