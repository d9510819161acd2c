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
# # How the scorer decided
# A sample of statements with the words that decided them, how the holder was found, and a full
# explanation of one article: the same output as `tracker explain`.

# %% tags=["parameters"]
import os

STORE = os.environ.get("TRACKER_NOTEBOOK_STORE", "../data/tracker.duckdb")
SAMPLE = 25

# %%
import polars as pl

import tracker
from tracker import pipeline

store = tracker.open_store(STORE, read_only=True)
pl.Config.set_tbl_rows(SAMPLE + 5)
pl.Config.set_fmt_str_lengths(120)

# %% [markdown]
# ## What kinds of statements the store holds

# %%
store.sql("""
    SELECT topic, polarity, modality, attribution, count(*) AS statements, round(avg(confidence), 2) AS confidence
    FROM statements GROUP BY ALL ORDER BY topic, statements DESC
""")

# %% [markdown]
# ## A sample: the cue, the holder, the sentence

# %%
store.sql("""
    SELECT holder_name, country, topic, polarity, modality, attribution, cue, round(tone, 2) AS tone, evidence
    FROM statements ORDER BY hash(statement_id) LIMIT $n
""", n=SAMPLE)

# %% [markdown]
# ## One article, read by the scorer
# Each sentence that produced a statement, then every topic mention and what the scorer found on the
# path from it to the holder (its predicate, speaker, negations, hedges, demands).

# %%
article_id = store.sql("SELECT article_id FROM articles ORDER BY statement_count DESC, article_id LIMIT 1")["article_id"][0]
article = pipeline.stored_article(store.store, article_id)
print(pipeline.explain(store.runtime, article, trace=True))

# %%
store.close()
