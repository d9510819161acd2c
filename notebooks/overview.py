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
# # Overview: where countries stand on a ceasefire and on sending peacekeepers
#
# The positions table, a countries-by-week heatmap for each topic, and the latest shifts. Every row
# can be traced to its sentences with `store.statements(...)` (see the deep-dive notebook).
#
# Open it in Jupyter as the README says (`jupytext --to ipynb --execute overview.py`, or JupyterLab with
# jupytext), or run it as a script.

# %% tags=["parameters"]
import os

# The store to read (TRACKER_NOTEBOOK_STORE overrides); a read-only open reads its snapshot, so the daemon keeps writing.
STORE = os.environ.get("TRACKER_NOTEBOOK_STORE", "../data/tracker.duckdb")
WEEKS = 26

# %%
from datetime import timedelta

import polars as pl

import tracker
from tracker import charts

store = tracker.open_store(STORE, read_only=True)
pl.Config.set_tbl_rows(40)
pl.Config.set_fmt_str_lengths(90)

# %% [markdown]
# ## Positions
# The decayed, confidence-weighted mean of each country's recent statements, +1 support to -1 oppose,
# with the statement that weighs most.

# %%
positions = store.positions()
positions.select(["conflict", "topic", "actor", "stance", "position", "voices", "last_statement_at", "top_holder",
                  "top_evidence"])

# %% [markdown]
# ## Countries by week
# One row per country in one conflict, one column per week (grey: no statements that week).

# %%
latest = store.sql("SELECT max(published_at) AS t FROM statements")["t"][0]
start = (latest - timedelta(weeks=WEEKS)).date() if latest else None
weekly = store.timeseries(freq="1w", start=start)
names = store.actor_names(weekly["actor"].unique().to_list())
charts.heatmap_figure(weekly, "ceasefire", names=names, start=start)

# %%
charts.heatmap_figure(weekly, "peacekeeping", names=names, start=start)

# %% [markdown]
# ## Latest shifts
# Days when a country's position changed sign or moved sharply, with the statements before and after.

# %%
store.shifts().select(["day", "conflict", "topic", "actor", "kind", "position_before", "position_after",
                       "before_evidence", "after_evidence"]).head(20)

# %%
store.close()
