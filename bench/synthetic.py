"""Synthetic statements for the store benchmark: shaped like a live store, cheap to make.

Skewed like the real thing: a few conflicts and countries take most statements, ceasefire talk
outnumbers peacekeeping talk, a story carries a few statements and is syndicated to a few
outlets, holders keep their country. Texts are random words, so nothing compresses unrealistically
well. Everything is drawn from a seeded generator: two runs build the same store.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Iterator

import numpy as np
import polars as pl

from tracker.models import Article, Statement

START = datetime(2023, 11, 25)
DAYS = 3 * 365
CONFLICTS = ["russia-ukraine", "israel-hamas", "israel-hezbollah", "israel-iran", "sudan", "drc-m23",
             "armenia-azerbaijan", "india-pakistan", "thailand-cambodia", "yemen-houthis", "myanmar",
             "ethiopia-tigray", "libya", "sahel", "haiti"]
COUNTRIES = ["USA", "RUS", "UKR", "ISR", "GBR", "FRA", "DEU", "ITA", "TUR", "CHN", "QAT", "EGY", "IRN",
             "PSE", "LBN", "POL", "SAU", "ARE", "IND", "PAK", "JPN", "CAN", "ESP", "NLD", "BEL", "SWE",
             "FIN", "NOR", "DNK", "EST", "LVA", "LTU", "HUN", "SVK", "CZE", "ROU", "BGR", "GRC", "AUT",
             "IRL", "PRT", "AUS", "KOR", "BRA", "ZAF", "SDN", "COD", "RWA", "ARM", "AZE", "THA", "KHM",
             "JOR", "SYR", "IRQ", "YEM", "ETH", "KEN", "NGA", "MEX"]
HOLDERS_PER_COUNTRY = 25
SOURCES = [f"outlet{i}.example" for i in range(400)]
VOCAB = np.array(["ceasefire", "troops", "minister", "said", "talks", "truce", "peace", "force", "border",
                  "president", "agreed", "rejected", "sanctions", "weapons", "aid", "envoy", "summit", "deal",
                  "the", "of", "and", "to", "in", "a", "on", "for", "with", "that", "would", "not", "will",
                  "government", "army", "officials", "week", "plan", "proposal", "mission", "security",
                  "guarantees", "withdrawal", "hostages", "negotiators", "statement", "spokesperson"]
                 + [f"w{i}" for i in range(4000)])


def _zipf_choice(rng: np.random.Generator, n_items: int, size: int, a: float = 1.1) -> np.ndarray:
    weights = 1.0 / np.arange(1, n_items + 1) ** a
    return rng.choice(n_items, size=size, p=weights / weights.sum())


def statement_frames(total: int, chunk: int = 500_000, seed: int = 7, per_story: int = 3,
                     copies: int = 2) -> Iterator[pl.DataFrame]:
    """`total` statement rows in frames of `chunk`, in publication order (as a live store fills)."""
    rng = np.random.default_rng(seed)
    made = 0
    while made < total:
        n = min(chunk, total - made)
        idx = np.arange(made, made + n)
        day_frac = np.sort(rng.random(n)) * (made + n - made) / total + made / total    # advancing time
        seconds = (day_frac * DAYS * 86400).astype(np.int64)
        published = (np.datetime64(START, "s") + seconds.astype("timedelta64[s]")).astype("datetime64[us]")
        story = idx // per_story
        article = story * copies + rng.integers(0, copies, n)
        c_idx = _zipf_choice(rng, len(COUNTRIES), n)
        h_idx = c_idx * HOLDERS_PER_COUNTRY + _zipf_choice(rng, HOLDERS_PER_COUNTRY, n, 1.5)
        score_base = rng.choice([1.0, 0.6, 0.3], size=n, p=[0.6, 0.3, 0.1])
        sign = np.where(rng.random(n) < 0.55, 1.0, -1.0)
        words = VOCAB[rng.integers(0, len(VOCAB), (n, 24))]
        evidence = [" ".join(row) + "." for row in words]
        frame = pl.DataFrame({
            "statement_id": [f"s{i:012x}" for i in idx],
            "article_id": [f"a{i:012x}" for i in article],
            "story_id": [f"a{i * copies:012x}" for i in story],
            "published_at": published,
            "source": np.array(SOURCES)[_zipf_choice(rng, len(SOURCES), n, 0.9)],
            "holder_id": [f"person:h{i}" for i in h_idx],
            "holder_name": [f"Holder {i}" for i in h_idx],
            "holder_kind": "person",
            "country": np.array(COUNTRIES)[c_idx],
            "role": "foreign_minister",
            "conflict": np.array(CONFLICTS)[_zipf_choice(rng, len(CONFLICTS), n, 1.3)],
            "topic": np.where(rng.random(n) < 0.85, "ceasefire", "peacekeeping"),
            "polarity": np.where(sign > 0, "support", "oppose"),
            "modality": np.select([score_base == 1.0, score_base == 0.6], ["firm", "conditional"], "hedged"),
            "score": sign * score_base,
            "confidence": np.round(0.5 + 0.5 * rng.random(n), 3),
            "attribution": rng.choice(["direct_quote", "indirect", "reported"], size=n),
            "tone": np.round(rng.uniform(-1, 1, n), 3),
            "cue": rng.choice(["backed", "rejected", "will not send", "ready to deploy", "called for"], size=n),
            "evidence": evidence,
            "char_start": rng.integers(0, 3000, n).astype(np.int32),
            "scorer_version": "bench",
        }).with_columns((pl.col("char_start") + pl.col("evidence").str.len_chars()).cast(pl.Int32).alias("char_end"),
                        pl.lit(None, pl.Utf8).alias("cameo"), pl.lit(None, pl.Utf8).alias("plover"))
        made += n
        yield frame


def pipeline_batches(total_statements: int, per_article: int, batch_articles: int, seed: int = 11,
                     words: int = 350) -> Iterator[list[tuple[Article, list[Statement]]]]:
    """What the pipeline hands Store.write: batches of (article, its statements), ids as the scorer makes them."""
    rng = np.random.default_rng(seed)
    made = 0
    n_article = 0
    while made < total_statements:
        batch = []
        for _ in range(batch_articles):
            if made >= total_statements:
                break
            published = START + timedelta(seconds=int(n_article * 37))
            text = " ".join(VOCAB[rng.integers(0, len(VOCAB), words)]) + "."
            art = Article.build(text, url=f"https://outlet{n_article % 400}.example/news/{n_article}",
                                source=f"outlet{n_article % 400}.example", title=f"Story {n_article}",
                                published=published)
            sts = []
            for k in range(min(per_article, total_statements - made)):
                c = int(rng.integers(0, len(COUNTRIES)))
                holder = f"person:h{c * HOLDERS_PER_COUNTRY + int(rng.integers(0, HOLDERS_PER_COUNTRY))}"
                start = 40 * k
                sign = 1.0 if rng.random() < 0.55 else -1.0
                sts.append(Statement(
                    statement_id=Statement.make_id(art.article_id, start, start + 30, holder, "ceasefire"),
                    article_id=art.article_id, published_at=art.published_at, source=art.source,
                    holder_id=holder, holder_name=holder, holder_kind="person", country=COUNTRIES[c],
                    role="foreign_minister", conflict=CONFLICTS[int(rng.integers(0, len(CONFLICTS)))],
                    topic="ceasefire", polarity="support" if sign > 0 else "oppose", modality="firm",
                    score=sign, confidence=0.8, attribution="indirect", tone=0.1, cue="backed",
                    evidence=text[start:start + 180], char_start=start, char_end=start + 180,
                    scorer_version="bench"))
            made += len(sts)
            n_article += 1
            batch.append((art, sts))
        yield batch
