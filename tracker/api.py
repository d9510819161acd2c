"""The small public API that notebooks, the CLI and the jobs call.

    store = tracker.open_store()                 # the configured store (./data/tracker.duckdb)
    store.positions(topic="peacekeeping")        # polars DataFrames, every one
    store.timeseries(country="ITA", topic="peacekeeping", freq="1w")
    store.shifts(conflict="russia-ukraine")
    store.statements(country="ITA", day="2025-03-15")   # the sentences behind any figure
    store.sql("SELECT * FROM statements_daily WHERE country = $c", c="RUS")

The same functions exist at the top level (tracker.positions(...)) over the default store, opened
read-only for the call. tracker.score_text(...) scores a text without any store.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import polars as pl

from tracker.config import Settings, load_settings
from tracker.errors import ConfigError
from tracker.models import Statement
from tracker.pipeline import Runtime
from tracker.store import Store

_FREQ = re.compile(r"^\s*(\d+)\s*(d|day|days|w|wk|week|weeks|mo|mon|month|months|q|quarter|quarters|y|year|years)\s*$", re.I)
_UNITS = {"d": "day", "day": "day", "days": "day", "w": "week", "wk": "week", "week": "week", "weeks": "week",
          "mo": "month", "mon": "month", "month": "month", "months": "month", "q": "quarter", "quarter": "quarter",
          "quarters": "quarter", "y": "year", "year": "year", "years": "year"}


def interval(freq: str) -> str:
    """'1d' -> '1 day', '2w' -> '14 days', '1mo' -> '1 month', '1y' -> '1 year'."""
    m = _FREQ.match(freq)
    if not m:
        raise ConfigError(f"Unknown frequency {freq!r}", hint="use e.g. 1d, 7d, 1w, 1mo, 1q or 1y")
    n, unit = int(m.group(1)), _UNITS[m.group(2).lower()]
    if unit == "week":
        return f"{7 * n} days" if n != 1 else "7 days"
    if unit == "quarter":
        return f"{3 * n} months"
    return f"{n} {unit}{'s' if n != 1 else ''}"


class Tracker:
    """An open store with the analyst's questions as methods; every answer is a polars DataFrame."""

    def __init__(self, store: Store, runtime: Runtime) -> None:
        self.store = store
        self.runtime = runtime

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> "Tracker":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def path(self) -> Path:
        return self.store.path

    def positions(self, topic: str | None = None, conflict: str | None = None, country: str | None = None,
                  holder: str | None = None, by: str | None = None, as_of: datetime | date | str | None = None,
                  half_life_days: float | None = None, window_days: int | None = None) -> pl.DataFrame:
        """Where each country (by="country") or holder (by="holder") stands, with the statement that weighs most.

        country= or holder= keep one actor; as_of looks back from the end of another day (ages are
        counted in whole days); half_life_days and window_days override the configured decay.
        """
        by = by or ("holder" if holder else "country")
        if by not in ("country", "holder"):
            raise ConfigError(f"by must be 'country' or 'holder', not {by!r}")
        return self.store.query("positions", as_of=as_of, half_life_days=half_life_days, window_days=window_days,
                                by=by, conflict=conflict, topic=topic, actor=holder if by == "holder" else country)

    def timeseries(self, country: str | None = None, holder: str | None = None, topic: str | None = None,
                   conflict: str | None = None, freq: str = "1d", start: date | str | None = None,
                   stop: date | str | None = None) -> pl.DataFrame:
        """Counts, distinct stories and outlets, mean score and strongest statement per period."""
        return self.store.query("timeseries", bucket=interval(freq), by="holder" if holder else "country",
                                actor=holder or country, conflict=conflict, topic=topic, start=start, stop=stop)

    def shifts(self, country: str | None = None, holder: str | None = None, topic: str | None = None,
               conflict: str | None = None, half_life_days: float | None = None,
               min_level: float | None = None, min_move: float | None = None) -> pl.DataFrame:
        """When a position changed sign or moved sharply, with the statements before and after."""
        return self.store.query("shifts", half_life_days=half_life_days, min_level=min_level, min_move=min_move,
                                by="holder" if holder else "country", actor=holder or country,
                                conflict=conflict, topic=topic)

    def position_path(self, country: str | None = None, holder: str | None = None, topic: str | None = None,
                      conflict: str | None = None, half_life_days: float | None = None,
                      start: date | str | None = None, stop: date | str | None = None) -> pl.DataFrame:
        """The running position after each day with statements (what the stance charts draw)."""
        return self.store.query("position_path", half_life_days=half_life_days, by="holder" if holder else "country",
                                actor=holder or country, conflict=conflict, topic=topic, start=start, stop=stop)

    def actor_names(self, actors: list[str]) -> dict[str, str]:
        """Display names for country codes (ITA -> Italy), organisation codes and holder ids."""
        g = self.runtime.gazetteer
        org_codes = {o.code: o.name for o in g.orgs.values() if o.code}
        out = {}
        for a in actors:
            if a is None:
                continue
            if ":" in a:
                h = g.holder(a, None)
                name = h.name if h else None
            else:
                s = g.states.get(a)
                name = s.name if s else org_codes.get(a)
            out[a] = name or a
        return out

    def stance_chart(self, actors: list[str], topic: str | None = None, conflict: str | None = None,
                     start: date | str | None = None) -> Any:
        """A chart of the actors' running positions per topic, one line per actor in its main conflict
        (or in `conflict`), with country names, shifts and statement counts; shows inline in Jupyter."""
        from tracker import charts

        frames, shift_frames, count_frames = [], [], []
        for a in actors:
            kind = {"holder": a} if ":" in a else {"country": a}
            frames.append(self.position_path(topic=topic, conflict=conflict, start=start, **kind))
            sh = self.shifts(topic=topic, conflict=conflict, **kind)
            if "holder" in kind:
                sh = sh.with_columns(pl.lit(a).alias("actor"))
            shift_frames.append(sh)
            count_frames.append(self.store.query("actor_counts", by="holder" if "holder" in kind else "country",
                                                 actor=a, topic=topic, conflict=conflict, start=start))
        path_df = pl.concat(frames) if frames else pl.DataFrame()
        shifts_df = pl.concat(shift_frames) if shift_frames else pl.DataFrame()
        counts = pl.concat(count_frames) if count_frames else None
        names = self.actor_names(actors)
        return charts.stance_figure(path_df, shifts_df, "Stance over time: " + ", ".join(names[a] for a in actors),
                                    names=names, counts=counts, conflict=conflict)

    def plot(self, actors: list[str], out: str | Path, topic: str | None = None, conflict: str | None = None,
             start: date | str | None = None) -> list[Path]:
        """PNG and SVG of the actors' stance over time per topic (see stance_chart)."""
        from tracker import charts

        return charts.save(self.stance_chart(actors, topic=topic, conflict=conflict, start=start), Path(out))

    def report(self, out: str | Path, weeks: int = 26) -> Path:
        """A self-contained HTML page: positions with their evidence, a heatmap per topic, the latest shifts,
        and how a position is computed."""
        from datetime import timedelta

        from tracker import charts
        from tracker.store import utcnow

        settings = self.runtime.settings
        col = charts.POSITION_COLUMNS
        positions = self.positions()
        latest = self.sql("SELECT max(published_at) AS t FROM statements")["t"][0]
        stop = latest.date() if latest else utcnow().date()
        start = stop - timedelta(weeks=weeks)
        weekly = self.timeseries(freq="1w", start=start)
        shifts = self.shifts()
        as_of = positions[col["as_of"]][0] if positions.height else stop
        counts = self.store.query("actor_counts", start=as_of - timedelta(days=settings.window_days - 1), stop=as_of)
        ids = [i for i in positions[col["statement_id"]].to_list() + shifts["before_statement_id"].to_list()
               + shifts["after_statement_id"].to_list() if i]
        links = {r["statement_id"]: r for r in
                 self.store.query("statement_links", ids=ids).iter_rows(named=True)} if ids else {}
        actors = sorted(set(positions[col["actor"]].to_list()) | set(weekly["actor"].to_list())
                        | set(shifts["actor"].to_list()))
        unknown = counts.filter(pl.col("conflict") == charts.UNKNOWN_CONFLICT)["statements"].sum()
        data = charts.ReportData(
            positions=positions, weekly=weekly, shifts=shifts, generated=utcnow(), store_path=str(self.path),
            half_life_days=settings.half_life_days, window_days=settings.window_days, weeks_start=start,
            weeks_stop=stop, names=self.actor_names(actors), counts=counts, links=links,
            unknown_statements=int(unknown or 0), scorer_note=f"stance-tracker; half-life {settings.half_life_days} "
                                                                f"days, window {settings.window_days} days")
        target = Path(out)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(charts.report_html(data), "utf-8")
        return target

    def statements(self, country: str | None = None, holder: str | None = None, topic: str | None = None,
                   conflict: str | None = None, day: date | str | None = None, start: date | str | None = None,
                   stop: date | str | None = None, statement_id: str | None = None, story_id: str | None = None,
                   limit: int = 1000) -> pl.DataFrame:
        """The statements (sentences, cues, sources) behind any figure, newest first."""
        return self.store.query("evidence", country=country, holder=holder, topic=topic, conflict=conflict, day=day,
                                start=start, stop=stop, statement_id=statement_id, story_id=story_id, limit=limit)

    def sql(self, query: str, **params: Any) -> pl.DataFrame:
        """Any SQL over the store's tables and views, with $name parameters bound from keywords."""
        return self.store.sql(query, params or None)

    def runs(self, limit: int = 20) -> pl.DataFrame:
        return self.store.query("runs", limit=limit)


def open_store(path: str | Path | None = None, read_only: bool = False, config: str | Path | None = None) -> Tracker:
    """Open a store (the configured one by default). Read-write creates and migrates it on first use."""
    settings = load_settings(config, db=path)
    runtime = _runtime(settings)
    return Tracker(runtime.open_store(read_only=read_only), runtime)


@lru_cache(maxsize=4)
def _runtime(settings: Settings) -> Runtime:
    return Runtime(settings)


def default_runtime() -> Runtime:
    return _runtime(load_settings())


def _with_default(method: str, **kwargs: Any) -> Any:
    with open_store(read_only=True) as t:
        return getattr(t, method)(**kwargs)


def positions(**kwargs: Any) -> pl.DataFrame:
    """Tracker.positions over the default store."""
    return _with_default("positions", **kwargs)


def timeseries(**kwargs: Any) -> pl.DataFrame:
    """Tracker.timeseries over the default store."""
    return _with_default("timeseries", **kwargs)


def shifts(**kwargs: Any) -> pl.DataFrame:
    """Tracker.shifts over the default store."""
    return _with_default("shifts", **kwargs)


def statements(**kwargs: Any) -> pl.DataFrame:
    """Tracker.statements over the default store."""
    return _with_default("statements", **kwargs)


def sql(query: str, **params: Any) -> pl.DataFrame:
    """Tracker.sql over the default store."""
    with open_store(read_only=True) as t:
        return t.sql(query, **params)


def score_text(text: str, published: datetime | date | str | None = None, title: str | None = None,
               article_id: str = "", source: str | None = None) -> list[Statement]:
    """The stance statements in a text (no store involved); the model loads once per process."""
    return default_runtime().scorer.score_text(text, published=published, title=title, article_id=article_id,
                                               source=source)
