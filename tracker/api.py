"""The small public API that notebooks, the CLI and the jobs call.

    store = tracker.open_store()                 # the configured store (./data/tracker.duckdb)
    store.positions(topic="peacekeeping")        # polars DataFrames, every one
    store.timeseries(country="ITA", topic="peacekeeping", freq="1w")
    store.shifts(conflict="russia-ukraine")
    store.statements(country="ITA", day="2025-03-15")   # the sentences behind any figure
    store.sql("SELECT * FROM statements_daily WHERE actor = $c", c="RUS")

The same functions exist at the top level (tracker.positions(...)) over the default store, opened
read-only for the call. tracker.score_text(...) scores a text without any store.
"""

from __future__ import annotations

import difflib
import re
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, TypedDict, cast

import polars as pl

from tracker.config import Settings, load_settings
from tracker.errors import ArgumentError, ConfigError
from tracker.models import TOPICS, Statement, to_utc
from tracker.runtime import Runtime
from tracker.store import Store, statement

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


# API parameter -> the CLI option that sets it, so one message serves both.
_OPTION = {"as_of": "--as-of", "start": "--start", "stop": "--stop", "day": "--day", "country": "--country",
           "conflict": "--conflict", "topic": "--topic", "holder": "--holder"}


def _label(name: str) -> str:
    return f"{name} ({_OPTION[name]})" if name in _OPTION else name


def checked_day(name: str, value: datetime | date | str | None) -> date | None:
    """A day given as a date, datetime or ISO text, or an ArgumentError that names the parameter."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        parsed = to_utc(str(value))
    except (ValueError, TypeError):
        parsed = None
    if parsed is None:
        raise ArgumentError(f"Not a valid date for {_label(name)}: {value!r}",
                            "Dates are written YYYY-MM-DD (a full ISO time is also accepted).",
                            f"give {_label(name)} as a real day, e.g. 2025-03-15")
    return parsed.date()


def country_code(gazetteer: Any, value: str) -> str:
    """The code statements carry for a country or organisation given as a code (ITA, EU) or a name
    (Italy, European Union), or an ArgumentError listing the closest names."""
    text = value.strip()
    names = _country_names(gazetteer)
    if text.upper() in names:
        return text.upper()
    found = gazetteer.resolve(text) if text else None
    if found is not None and found.holder.kind in ("state", "org") and found.holder.country:
        return str(found.holder.country)
    by_name: dict[str, str] = {}
    for s in gazetteer.states.values():
        for n in (s.name, *s.aliases):
            by_name.setdefault(n.casefold(), s.iso3)
    for o in gazetteer.orgs.values():
        if o.code and o.holder_kind == "org":
            for n in (o.name, *o.aliases):
                by_name.setdefault(n.casefold(), o.code)
    close = difflib.get_close_matches(text.casefold(), list(by_name), n=6, cutoff=0.6)
    close += difflib.get_close_matches(text.upper(), list(names), n=3, cutoff=0.6)
    seen: list[str] = []
    for c in close:
        code = by_name.get(c, c)
        if code not in seen:
            seen.append(code)
    detail = ("Closest: " + ", ".join(f"{names[c]} ({c})" for c in seen[:4]) + ".") if seen else ""
    raise ArgumentError(f"Unknown country {value!r}", detail,
                        "give an ISO3 code (ITA), an organisation code (EU, UN, NATO) or a name (Italy); "
                        "`tracker sql \"SELECT code, name FROM actors WHERE kind = 'state' ORDER BY name\"` lists them")


def _country_names(gazetteer: Any) -> dict[str, str]:
    names = {s.iso3: s.name for s in gazetteer.states.values()}
    for o in gazetteer.orgs.values():
        if o.code and o.holder_kind == "org" and (o.code not in names or o.parent is None):
            names[o.code] = o.name
    return names


def conflict_id(registry: Any, value: str) -> str:
    """A conflict id of the registry (or 'unknown'), or an ArgumentError suggesting the closest ids."""
    from tracker.conflicts import UNKNOWN

    ids = sorted(registry.conflicts) + [UNKNOWN]
    text = value.strip().lower()
    if text in ids:
        return text
    close = [i for i in ids if text and text in i] or difflib.get_close_matches(text, ids, n=3, cutoff=0.6)
    detail = f"Did you mean {' or '.join(repr(c) for c in close[:3])}?" if close else ""
    raise ArgumentError(f"Unknown conflict {value!r}", detail, f"use one of: {', '.join(ids)}")


def checked_topic(value: str | None) -> str | None:
    if value is None or value in TOPICS:
        return value
    raise ArgumentError(f"Unknown topic {value!r}", "", f"use one of: {', '.join(TOPICS)}")


class Who(TypedDict, total=False):
    """Who a name on the command line means: a country code or a holder id (one of the two)."""

    country: str
    holder: str


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

    def _country(self, value: str | None) -> str | None:
        return None if value is None else country_code(self.runtime.gazetteer, value)

    def _conflict(self, value: str | None) -> str | None:
        return None if value is None else conflict_id(self.runtime.registry, value)

    def _holder(self, value: str | None) -> str | None:
        """A holder id as given, if the gazetteer or the store knows it; else an ArgumentError."""
        if value is None:
            return None
        value = value.strip()
        g = self.runtime.gazetteer
        known = set(g.persons) | set(g.orgs) | {s.actor_id for s in g.states.values()}
        if value in known or self.store.sql(statement("holder_has_statements"), {"h": value}).height:
            return value
        close = difflib.get_close_matches(value, sorted(known), n=3, cutoff=0.6)
        raise ArgumentError(f"Unknown holder {value!r}",
                            f"Did you mean {' or '.join(repr(c) for c in close)}?" if close else "",
                            "give a holder id such as person:giorgia-meloni or state:ITA, a country code, or a name")

    def actor(self, who: str) -> Who:
        """What a name on the command line means: {'country': code} or {'holder': holder id}.

        Accepts country and organisation codes (ITA, EU), holder ids (person:giorgia-meloni) and
        names the gazetteer knows (Italy, Meloni); anything else is an ArgumentError.
        """
        who = who.strip()
        if ":" in who:
            return {"holder": str(self._holder(who))}
        if who.upper() in _country_names(self.runtime.gazetteer):
            return {"country": who.upper()}
        r = self.runtime.gazetteer.resolve(who, on=date.today()) if who else None
        if r is None:
            try:
                country_code(self.runtime.gazetteer, who)
            except ArgumentError as exc:
                raise ArgumentError(f"Unknown country or holder {who!r}", exc.detail,
                                    "give a country code (ITA), a holder id (person:giorgia-meloni) or a name the "
                                    "gazetteer knows (Italy, Meloni)") from None
            raise ArgumentError(f"Cannot tell who {who!r} is")
        if r.holder.kind in ("state", "org") and r.holder.country:
            return {"country": r.holder.country}
        return {"holder": r.holder.holder_id}

    def positions(self, topic: str | None = None, conflict: str | None = None, country: str | None = None,
                  holder: str | None = None, by: str | None = None, as_of: datetime | date | str | None = None,
                  half_life_days: float | None = None, window_days: int | None = None) -> pl.DataFrame:
        """Where each country (by="country") or holder (by="holder") stands, with the statement that weighs most.

        country= or holder= keep one actor; as_of looks back from the end of another day (ages are
        counted in whole days); half_life_days and window_days override the configured decay.
        """
        by = by or ("holder" if holder else "country")
        if by not in ("country", "holder"):
            raise ArgumentError(f"by must be 'country' or 'holder', not {by!r}")
        actor = self._holder(holder) if by == "holder" else self._country(country)
        return self.store.query("positions", as_of=checked_day("as_of", as_of), half_life_days=half_life_days,
                                window_days=window_days, by=by, conflict=self._conflict(conflict),
                                topic=checked_topic(topic), actor=actor)

    def timeseries(self, country: str | None = None, holder: str | None = None, topic: str | None = None,
                   conflict: str | None = None, freq: str = "1d", start: date | str | None = None,
                   stop: date | str | None = None) -> pl.DataFrame:
        """Counts, distinct stories and outlets, mean score and strongest statement per period."""
        return self.store.query("timeseries", bucket=interval(freq), by="holder" if holder else "country",
                                actor=self._holder(holder) or self._country(country), conflict=self._conflict(conflict),
                                topic=checked_topic(topic), start=checked_day("start", start),
                                stop=checked_day("stop", stop))

    def shifts(self, country: str | None = None, holder: str | None = None, topic: str | None = None,
               conflict: str | None = None, half_life_days: float | None = None,
               min_level: float | None = None, min_move: float | None = None) -> pl.DataFrame:
        """When a position changed sign or moved sharply, with the statements before and after."""
        return self.store.query("shifts", half_life_days=half_life_days, min_level=min_level, min_move=min_move,
                                by="holder" if holder else "country",
                                actor=self._holder(holder) or self._country(country),
                                conflict=self._conflict(conflict), topic=checked_topic(topic))

    def position_path(self, country: str | None = None, holder: str | None = None, topic: str | None = None,
                      conflict: str | None = None, half_life_days: float | None = None,
                      start: date | str | None = None, stop: date | str | None = None) -> pl.DataFrame:
        """The running position after each day with statements (what the stance charts draw)."""
        return self.store.query("position_path", half_life_days=half_life_days, by="holder" if holder else "country",
                                actor=self._holder(holder) or self._country(country),
                                conflict=self._conflict(conflict), topic=checked_topic(topic),
                                start=checked_day("start", start), stop=checked_day("stop", stop))

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

        kinds = [self.actor(a) for a in actors]          # each checked: a code, holder id or name
        actors = [k.get("holder") or k.get("country", "") for k in kinds]
        frames, shift_frames, count_frames = [], [], []
        for a, kind in zip(actors, kinds):
            frames.append(self.position_path(topic=topic, conflict=conflict, start=start, **kind))
            sh = self.shifts(topic=topic, conflict=conflict, **kind)
            if "holder" in kind:
                sh = sh.with_columns(pl.lit(kind["holder"]).alias("actor"))
            shift_frames.append(sh)
            count_frames.append(self.store.query("actor_counts", by="holder" if "holder" in kind else "country",
                                                 actor=a, topic=topic, conflict=conflict, start=start))
        path_df = pl.concat(frames) if frames else pl.DataFrame()
        if path_df.height == 0:
            named = ", ".join(k.get("holder") or k.get("country", "") for k in kinds)
            raise ArgumentError(f"Nothing to draw for {named}",
                                "The store has no statements for them" + (f" on {topic}" if topic else "")
                                + (f" in {conflict}" if conflict else "") + (f" from {start}" if start else "") + ".",
                                "`tracker positions` lists the countries with statements (--by-holder the holders)")
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
        latest = self.store.sql(statement("statements_latest"))["t"][0]
        stop = latest.date() if latest else utcnow().date()
        start = stop - timedelta(weeks=weeks)
        weekly = self.timeseries(freq="1w", start=start)
        shifts = self.shifts()
        as_of = cast(date, positions[col["as_of"]].max()) if positions.height else stop     # each conflict has its own
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
                   article: str | None = None, limit: int = 1000) -> pl.DataFrame:
        """The statements (sentences, cues, sources) behind any figure, newest first.

        article= keeps one article, named by its article_id, its input's own id (input_id) or its URL.
        """
        return self.store.query("evidence", country=self._country(country), holder=self._holder(holder),
                                topic=checked_topic(topic), conflict=self._conflict(conflict),
                                day=checked_day("day", day), start=checked_day("start", start),
                                stop=checked_day("stop", stop), statement_id=statement_id, story_id=story_id,
                                article=article, limit=limit)

    def sql(self, query: str, **params: Any) -> pl.DataFrame:
        """Any SQL over the store's tables and views, with $name parameters bound from keywords."""
        return self.store.sql(query, params or None)

    def summary(self) -> dict[str, Any]:
        """Counts of the store's reference rows, articles and statements, and its schema version."""
        return self.store.sql(statement("store_summary")).row(0, named=True)

    def runs(self, limit: int = 20) -> pl.DataFrame:
        return self.store.query("runs", limit=limit)


def open_store(path: str | Path | None = None, read_only: bool = False, config: str | Path | None = None) -> Tracker:
    """Open a store (the configured one by default). Read-write creates and migrates it on first use."""
    settings = load_settings(config, db=path)
    runtime = runtime_for(settings)
    return Tracker(runtime.open_store(read_only=read_only), runtime)


@lru_cache(maxsize=4)
def runtime_for(settings: Settings) -> Runtime:
    """The runtime for these settings, one per process (cached): the CLI and open_store share its model."""
    return Runtime(settings)


def default_runtime() -> Runtime:
    return runtime_for(load_settings())


def _with_default(method: str, **kwargs: Any) -> pl.DataFrame:
    with open_store(read_only=True) as t:
        frame: pl.DataFrame = getattr(t, method)(**kwargs)
        return frame


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
               article_id: str = "", source: str | None = None) -> pl.DataFrame:
    """The stance statements in a text as a polars DataFrame, one row per statement with the columns
    of the statements table (no store involved); the model loads once per process."""
    from tracker.store import statement_frame

    found: list[Statement] = default_runtime().scorer.score_text(text, published=published, title=title,
                                                                  article_id=article_id, source=source)
    return statement_frame(found, [""] * len(found)).drop("story_id")
