"""Charts and the HTML report: stance over time, countries by week, latest shifts.

Everything here takes polars DataFrames from the API (tracker.api.Tracker) and draws them; no SQL and
no store access. Figures are built without pyplot (no global figure registry, no backend to pick), so
the same code writes files from the CLI on a server and shows inline in Jupyter: a `Chart` knows how to
render itself as PNG, which is what a notebook displays. The report is one self-contained HTML file:
charts inlined as SVG, tables as HTML, no scripts and no network, readable offline.
"""

from __future__ import annotations

import html
import io
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Mapping, Sequence, cast

import polars as pl
from matplotlib.figure import Figure

STANCE_COLORS = {"support": "#1b7837", "oppose": "#b2182b", "mixed": "#777777"}
# Distinct, colour-blind-friendly line colours (Tableau 10); actor i gets colour i in every panel.
ACTOR_COLORS = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
                "#9c755f", "#bab0ac")
UNKNOWN_CONFLICT = "unknown"

# The columns of the positions frame that the report reads, in one place: a renamed column in the store
# (country -> actor, holder_name -> top_holder, ...) is a change of one value here.
POSITION_COLUMNS = {
    "conflict": "conflict", "topic": "topic", "actor": "actor", "stance": "stance", "position": "position",
    "weight": "weight", "voices": "voices", "statements": "statements", "last": "last_statement_at",
    "holder": "top_holder", "evidence": "top_evidence", "statement_id": "top_statement_id", "as_of": "as_of",
}


class Chart(Figure):
    """A matplotlib Figure that displays itself inline in Jupyter (image/png, image/svg+xml).

    Built without pyplot, so it never touches a backend: `save()` writes files anywhere, and the last
    expression of a notebook cell shows the chart rather than `<Figure size ...>`.
    """

    def _repr_png_(self) -> bytes:
        buf = io.BytesIO()
        self.savefig(buf, format="png", dpi=100)
        return buf.getvalue()

    def __repr__(self) -> str:
        return f"<Chart {self.get_suptitle() or 'stance-tracker chart'}>"


def _names(names: Mapping[str, str] | None, actor: str) -> str:
    name = (names or {}).get(actor)
    return f"{name} ({actor})" if name and name != actor and ":" not in actor else (name or actor)


def _counted(n: pl.DataFrame) -> str:
    statements, sources = int(n["statements"].sum()), int(cast(int, n["sources"].max()))
    return (f": {statements} statement{'s' if statements != 1 else ''}, "
            f"{sources} outlet{'s' if sources != 1 else ''}")


def main_conflicts(path_df: pl.DataFrame) -> dict[str, str]:
    """Each actor's main conflict: the one with the most voices, a known conflict before 'unknown'."""
    if path_df.height == 0:
        return {}
    totals = (path_df.group_by(["actor", "conflict"]).agg(pl.col("voices").sum().alias("v"))
              .with_columns((pl.col("conflict") == UNKNOWN_CONFLICT).alias("unknown"))
              .sort(["actor", "unknown", "v", "conflict"], descending=[False, False, True, False]))
    return {r["actor"]: r["conflict"] for r in totals.unique("actor", keep="first").iter_rows(named=True)}


def _segments(days: list[date], values: list[float], gap_days: int) -> list[tuple[list[date], list[float]]]:
    """Split a series where no statement came for more than gap_days: a gap is drawn as a gap."""
    out: list[tuple[list[date], list[float]]] = []
    for d, v in zip(days, values):
        if out and (d - out[-1][0][-1]).days <= gap_days:
            out[-1][0].append(d)
            out[-1][1].append(v)
        else:
            out.append(([d], [v]))
    return out


def stance_figure(path_df: pl.DataFrame, shifts_df: pl.DataFrame, title: str = "Stance over time",
                  names: Mapping[str, str] | None = None, counts: pl.DataFrame | None = None,
                  conflict: str | None = None, gap_days: int = 45) -> Chart:
    """The running position of each actor over time, one panel per topic, shifts marked.

    path_df: rows of the position_path query (conflict, topic, actor, day, voices, position, ...).
    shifts_df: rows of the shifts query for the same actors.
    names: actor code or id -> display name ("ITA" -> "Italy").
    counts: rows of the actor_counts query; their statements and outlets are printed in the legend.
    conflict: draw this conflict for every actor; by default each actor's main conflict, one line each.
    gap_days: a stretch this long without statements breaks the line.
    Marker area grows with the number of voices that day.
    """
    if conflict is not None:
        path_df = path_df.filter(pl.col("conflict") == conflict)
        chosen = {a: conflict for a in path_df["actor"].unique().to_list()} if path_df.height else {}
    else:
        chosen = main_conflicts(path_df)
    if path_df.height:
        path_df = path_df.filter(pl.struct(["actor", "conflict"]).map_elements(
            lambda r: chosen.get(r["actor"]) == r["conflict"], return_dtype=pl.Boolean))
    actors = list(dict.fromkeys(path_df["actor"].to_list())) if path_df.height else []
    colour = {a: ACTOR_COLORS[i % len(ACTOR_COLORS)] for i, a in enumerate(actors)}
    conflicts = sorted(set(chosen.values()))
    topics = sorted(set(path_df["topic"].to_list())) if path_df.height else ["ceasefire"]

    fig = Chart(figsize=(11, 1.0 + 3.0 * len(topics)), layout="constrained")
    axes = fig.subplots(len(topics), 1, squeeze=False, sharex=True)[:, 0]
    import matplotlib.dates as mdates

    for ax, topic in zip(axes, topics):
        part = path_df.filter(pl.col("topic") == topic) if path_df.height else path_df
        for actor in actors:
            grp = part.filter(pl.col("actor") == actor).sort("day") if part.height else part
            if grp.height == 0:
                continue
            c, cf = colour[actor], chosen[actor]
            days, pos = grp["day"].to_list(), grp["position"].to_list()
            for seg_days, seg_pos in _segments(days, pos, gap_days):
                if len(seg_days) > 1:
                    ax.step(seg_days, seg_pos, where="post", color=c, linewidth=1.8, gid=f"line:{actor}")
            sizes = [14 + 10 * min(v, 20) for v in grp["voices"].to_list()]
            label = _names(names, actor)
            if len(conflicts) > 1:
                label += f", {cf}"
            if counts is not None and counts.height:
                n = counts.filter((pl.col("actor") == actor) & (pl.col("conflict") == cf) & (pl.col("topic") == topic))
                if n.height:
                    label += _counted(n)
            ax.scatter(days, pos, s=sizes, color=c, alpha=0.85, edgecolors="white", linewidths=0.6, zorder=3,
                       label=label)
            if shifts_df.height:
                sh = shifts_df.filter((pl.col("topic") == topic) & (pl.col("actor") == actor) & (pl.col("conflict") == cf))
                if sh.height:
                    ax.scatter(sh["day"].to_list(), sh["position_after"].to_list(), marker="D", s=80,
                               facecolors="none", edgecolors=c, linewidths=2, zorder=5)
        ax.axhline(0, color="#999999", linewidth=0.8)
        ax.set_ylim(-1.1, 1.1)
        ax.set_yticks([-1, -0.5, 0, 0.5, 1])
        ax.set_yticklabels(["-1 oppose", "-0.5", "0 mixed", "+0.5", "+1 support"])
        ax.set_ylabel("running position")
        ax.set_title(f"{topic}" + (f" · {conflicts[0]}" if len(conflicts) == 1 else ""), loc="left", fontsize=11)
        ax.grid(alpha=0.25)
        locator = mdates.AutoDateLocator(minticks=4, maxticks=10)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
        ax.tick_params(labelbottom=True)
        if part.height:
            ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False,
                      title="marker area: voices that day", title_fontsize=7)
        else:
            ax.text(0.5, 0.5, f"No statements on {topic}", ha="center", va="center", transform=ax.transAxes)
    axes[-1].set_xlabel(f"day of the statements (UTC); lines break after {gap_days} days without one")
    fig.suptitle(title + "   (diamonds: shifts)", fontsize=12)
    return fig


def _week(d: date) -> date:
    return d - timedelta(days=d.weekday())


def heatmap_figure(weekly: pl.DataFrame, topic: str, max_rows: int = 30, names: Mapping[str, str] | None = None,
                   start: date | None = None, stop: date | None = None, title: bool = True) -> Chart:
    """Countries (rows) by week (columns), coloured by the week's mean score from oppose to support.

    One row per (country, conflict); statements whose conflict is unknown are left out. Every week
    from start to stop is a column, so a month without statements is a visible grey gap.
    """
    import numpy as np
    from matplotlib import colormaps

    part = weekly.filter((pl.col("topic") == topic) & pl.col("conflict").is_not_null()
                         & (pl.col("conflict") != UNKNOWN_CONFLICT))
    if part.height == 0:
        fig = Chart(figsize=(8, 1.2), layout="constrained")
        ax = fig.subplots()
        ax.text(0.5, 0.5, f"No statements on {topic} in these weeks", ha="center", va="center")
        ax.axis("off")
        return fig
    part = part.with_columns(pl.col("period").cast(pl.Date))
    rows = (part.group_by(["actor", "conflict"]).agg(pl.col("voices").sum())
            .sort(["voices", "actor", "conflict"], descending=[True, False, False]).head(max_rows))
    keys = [(r["actor"], r["conflict"]) for r in rows.iter_rows(named=True)]
    first = _week(start or cast(date, part["period"].min()))
    last = _week(stop or cast(date, part["period"].max()))
    weeks = [first + timedelta(weeks=i) for i in range((last - first).days // 7 + 1)]
    grid = np.full((len(keys), len(weeks)), np.nan)
    ki = {k: i for i, k in enumerate(keys)}
    wi = {w: i for i, w in enumerate(weeks)}
    for r in part.iter_rows(named=True):
        k, w = (r["actor"], r["conflict"]), _week(r["period"])
        if k in ki and w in wi and r["mean_score"] is not None:
            grid[ki[k], wi[w]] = r["mean_score"]
    several = len({c for _, c in keys}) > 1
    labels = [_names(names, a) + (f" · {c}" if several else "") for a, c in keys]
    width = min(16.0, max(8.0, 0.22 * len(weeks) + 0.07 * max(len(x) for x in labels) + 2.0))
    fig = Chart(figsize=(width, max(2.2, 0.3 * len(keys) + 1.4)), layout="constrained")
    ax = fig.subplots()
    cmap = colormaps["RdYlGn"].with_extremes(bad="#eeeeee")
    im = ax.imshow(np.ma.masked_invalid(grid), cmap=cmap, vmin=-1, vmax=1, aspect="auto", interpolation="nearest")
    ax.set_yticks(range(len(keys)))
    ax.set_yticklabels(labels, fontsize=8)
    months = [i for i, w in enumerate(weeks) if i == 0 or w.month != weeks[i - 1].month]
    ax.set_xticks(months)
    ax.set_xticklabels([weeks[i].strftime("%b %Y") for i in months], rotation=0, fontsize=8)
    ax.set_xlabel("week (columns are every week, grey: no statements)", fontsize=8)
    if title:
        ax.set_title(f"{topic}: weekly mean stance", loc="left", fontsize=10)
    cb = fig.colorbar(im, ax=ax, fraction=0.03, pad=0.01, ticks=[-1, 0, 1])
    cb.ax.set_yticklabels(["oppose", "0", "support"], fontsize=8)
    return fig


def save(fig: Figure, out: Path, formats: Sequence[str] = ("png", "svg")) -> list[Path]:
    """Write a figure as PNG and SVG next to each other (out's suffix is replaced)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt in formats:
        target = out.with_suffix("." + fmt)
        fig.savefig(target, format=fmt, dpi=130 if fmt == "png" else None)
        written.append(target)
    return written


def _svg(fig: Figure) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg")
    text = buf.getvalue()
    return text[text.find("<svg"):]


# --- the HTML report -------------------------------------------------------------------------------

@dataclass
class ReportData:
    """What the report shows, gathered by Tracker.report from the store."""

    positions: pl.DataFrame
    weekly: pl.DataFrame
    shifts: pl.DataFrame
    generated: datetime
    store_path: str
    half_life_days: float
    window_days: int
    weeks_start: date | None = None
    weeks_stop: date | None = None
    names: Mapping[str, str] = field(default_factory=dict)
    counts: pl.DataFrame | None = None            # actor_counts over each position's window
    links: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)   # statement id -> url, title, source
    unknown_statements: int = 0
    scorer_note: str = ""

    @property
    def stale_days(self) -> int:
        """A position is stale when its newest statement is four half-lives old (it weighs 1/16)."""
        return max(1, round(4 * self.half_life_days))


def _esc(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def _day(value: Any) -> str:
    if isinstance(value, (datetime, date)):
        return value.strftime("%Y-%m-%d")
    return _esc(value)


def _sentence(text: Any, statement_id: Any, data: ReportData) -> str:
    """A sentence, linked to the article it comes from (and its outlet named) when the store has a URL."""
    link = data.links.get(statement_id or "") or {}
    body = f"&ldquo;{_esc(text)}&rdquo;" if text else ""
    url = link.get("url")
    if not url:
        return body
    where = _esc(link.get("source") or "source")
    title = f' title="{_esc(link.get("title"))}"' if link.get("title") else ""
    return f'{body} <a class=src href="{_esc(url)}"{title}>{where}</a>'


def _positions_table(part: pl.DataFrame, data: ReportData) -> str:
    if part.height == 0:
        return "<p class=empty>No positions on this topic.</p>"
    col = POSITION_COLUMNS
    # Positions carry each conflict's own as-of day (a quiet conflict keeps its last state); age and
    # staleness are counted from the newest of them, the report's day, so a quiet conflict shows as old.
    as_of = part[col["as_of"]].max() if col["as_of"] in part.columns else None
    rows = []
    for r in part.iter_rows(named=True):
        actor, conflict, topic = r[col["actor"]], r[col["conflict"]], r[col["topic"]]
        sources = ""
        if data.counts is not None and data.counts.height:
            n = data.counts.filter((pl.col("actor") == actor) & (pl.col("conflict") == conflict)
                                   & (pl.col("topic") == topic))
            sources = str(n["sources"][0]) if n.height else ""
        last = r[col["last"]]
        last_day = last.date() if isinstance(last, datetime) else last
        age = (as_of - last_day).days if isinstance(as_of, date) and isinstance(last_day, date) else None
        stale = age is not None and age > data.stale_days
        age_text = f"{age} d before" if age else "that day" if age == 0 else ""
        cls = f"{_esc(r[col['stance']])}{' stale' if stale else ''}"
        rows.append(
            f"<tr class='{cls}'><td>{_esc(r[col['stance']])}{' <span class=tag>stale</span>' if stale else ''}</td>"
            f"<td class=who>{_esc(_names(data.names, actor))}</td><td class=nw>{_esc(conflict)}</td>"
            f"<td class=num>{r[col['position']]:+.2f}</td><td class=num>{r[col['voices']]}</td>"
            f"<td class=num>{sources}</td><td class=num>{r[col['weight']]:.2f}</td>"
            f"<td class=nw>{_day(last)}<br><small>{age_text}</small></td><td>{_esc(r[col['holder']])}</td>"
            f"<td>{_sentence(r[col['evidence']], r[col['statement_id']], data)}</td></tr>")
    head = ("<tr><th>stance</th><th>country</th><th>conflict</th><th title='decayed, confidence-weighted mean, "
            "-1 oppose to +1 support'>position</th><th title='statements counted once per story'>voices</th>"
            "<th>outlets</th><th title='decayed evidence mass behind the position'>weight</th>"
            "<th>last statement</th><th>who weighs most</th><th>the sentence that weighs most</th></tr>")
    return f"<table><thead>{head}</thead><tbody>{''.join(rows)}</tbody></table>"


def _shifts_table(shifts: pl.DataFrame, data: ReportData) -> str:
    if shifts.height == 0:
        return "<p class=empty>No shifts yet.</p>"
    rows = []
    for r in shifts.iter_rows(named=True):
        rows.append(
            f"<tr><td class=nw>{_day(r['day'])}</td><td class=who>{_esc(_names(data.names, r['actor']))}</td>"
            f"<td class=nw>{_esc(r['conflict'])}</td><td>{_esc(r['topic'])}</td><td>{_esc(r['kind'])}</td>"
            f"<td class=num>{r['position_before']:+.2f}</td><td class=num>{r['position_after']:+.2f}</td>"
            f"<td>{_sentence(r['before_evidence'], r['before_statement_id'], data)}</td>"
            f"<td>{_sentence(r['after_evidence'], r['after_statement_id'], data)}</td></tr>")
    head = ("<tr><th>day</th><th>country</th><th>conflict</th><th>topic</th><th>kind</th><th>before</th>"
            "<th>after</th><th>statement before</th><th>statement after</th></tr>")
    return f"<table><thead>{head}</thead><tbody>{''.join(rows)}</tbody></table>"


_CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#222;background:#fafafa}
header{background:#1f2d3d;color:#fff;padding:18px 28px}header h1{margin:0;font-size:22px}
header p{margin:4px 0 0;color:#c8d3df}main{padding:10px 28px 40px;max-width:1400px}
h2{margin-top:32px;border-bottom:2px solid #ddd;padding-bottom:4px}h3{margin:22px 0 6px}
table{border-collapse:collapse;width:100%;background:#fff;font-size:13px}
th,td{border-bottom:1px solid #e6e6e6;padding:5px 8px;text-align:left;vertical-align:top}
th{background:#f0f3f6;position:sticky;top:0}.nw{white-space:nowrap}.num{text-align:right;white-space:nowrap}
.who{min-width:8em}small{color:#777}a.src{font-size:12px;white-space:nowrap}
tr.support td:first-child{border-left:4px solid #1b7837}tr.oppose td:first-child{border-left:4px solid #b2182b}
tr.mixed td:first-child{border-left:4px solid #888}tr.stale td{color:#8a8a8a}tr.stale a{color:#7a8aa0}
.tag{background:#f3e3b5;color:#6b5200;border-radius:3px;padding:0 4px;font-size:11px}
.chart{background:#fff;padding:8px;margin:10px 0;overflow-x:auto}.chart svg{max-width:100%;height:auto}
.empty{color:#888}.method{max-width:60em}footer{color:#888;font-size:12px;margin-top:30px}
.path{overflow-wrap:anywhere}
@media (max-width:1000px){main{padding:6px 10px 30px}header{padding:12px 10px}th,td{padding:4px 3px}
table{font-size:12px}.nw,.num{white-space:normal}.who{min-width:0}a.src{white-space:normal}}
"""


def report_html(data: ReportData) -> str:
    """The report page: positions, a heatmap per topic, the latest shifts, the method; self-contained."""
    col = POSITION_COLUMNS
    positions = data.positions.filter(pl.col(col["conflict"]) != UNKNOWN_CONFLICT)
    as_of = positions[col["as_of"]][0] if positions.height and col["as_of"] in positions.columns else None
    hl = f"{data.half_life_days:g}"
    parts = [f"<!doctype html><html lang=en><head><meta charset=utf-8><title>Stance tracker report</title>"
             f"<meta name=viewport content='width=device-width, initial-scale=1'><style>{_CSS}</style></head><body>",
             "<header><h1>Ceasefire and peacekeeping stances</h1>"
             f"<p>Generated {data.generated:%Y-%m-%d %H:%M} UTC from <span class=path>{_esc(data.store_path)}</span>. "
             f"Positions as of {_day(as_of) if as_of else 'the newest statement'}, half-life {hl} days, "
             f"window {data.window_days} days. Every sentence links to its article; "
             "<code>tracker evidence</code> lists the rest.</p></header><main>"]
    parts.append("<h2 id=positions>Where each country stands</h2>"
                 f"<p>Position: the decayed, confidence-weighted mean of the country's statements (+1 support, "
                 f"-1 oppose), a statement weighing half after {hl} days. <em>Voices</em> counts statements once "
                 f"per story, <em>outlets</em> the distinct sources in the window. A position whose newest "
                 f"statement is more than {data.stale_days} days older than the as-of day is marked "
                 f"<span class=tag>stale</span>: it rests on old news. See <a href='#method'>how a position is "
                 "computed</a>.</p>")
    for topic in ("ceasefire", "peacekeeping"):
        part = positions.filter(pl.col(col["topic"]) == topic).sort(
            [col["conflict"], col["position"]], descending=[False, True])
        parts.append(f"<h3>{topic}</h3>")
        parts.append(_positions_table(part, data))
    if data.unknown_statements:
        n = data.unknown_statements
        parts.append(f"<p><small>{n} statement{'s' if n != 1 else ''} whose conflict could not be told "
                     f"{'are' if n != 1 else 'is'} left out of the positions and heatmaps.</small></p>")
    span = (f"{_day(data.weeks_start)} to {_day(data.weeks_stop)}" if data.weeks_start and data.weeks_stop else "")
    parts.append(f"<h2 id=weeks>Countries by week</h2><p>Each row a country in one conflict, each column a week "
                 f"{span}; colour is the week's mean score, grey a week without statements.</p>")
    for topic in ("ceasefire", "peacekeeping"):
        fig = heatmap_figure(data.weekly, topic, names=data.names, start=data.weeks_start, stop=data.weeks_stop,
                             title=False)
        parts.append(f"<h3>{topic}: weekly mean stance by country</h3><div class=chart>{_svg(fig)}</div>")
    parts.append("<h2 id=shifts>Latest shifts</h2><p>Days when a position changed sign or moved sharply, with "
                 "the statements before and after.</p>")
    shifts = data.shifts.filter(pl.col("conflict") != UNKNOWN_CONFLICT) if data.shifts.height else data.shifts
    parts.append(_shifts_table(shifts.head(30), data))
    parts.append(
        "<h2 id=method>How a position is computed</h2><div class=method><ol>"
        "<li>The scorer reads each sentence that mentions a ceasefire or a peacekeeping force and records who "
        "takes a side (a country, its leader, an organisation), support (+) or opposition (-), and how firmly: "
        "1.0 firm, 0.6 conditional, 0.3 hedged. Each statement keeps its sentence and article.</li>"
        "<li>Copies of one story in several outlets count once (a <em>voice</em>).</li>"
        f"<li>A voice weighs its confidence times 2<sup>-age/{hl}</sup>, its age in days before the as-of day; "
        f"voices older than {data.window_days} days are ignored.</li>"
        "<li>The position is the weighted mean of the voices' scores: above +0.15 reads as support, below "
        "-0.15 as oppose, between as mixed. <em>Weight</em> is the sum of the weights: small when the "
        "position rests on few or old statements.</li>"
        "<li>A shift is a day when the running position changes sign (both sides clearly away from zero) or "
        "moves sharply.</li></ol>"
        "<p>The scorer reads sentences, not context: a stance only implied by a country's role is missed, and "
        "some statements are wrong. Follow the links to check.</p></div>")
    parts.append(f"<footer>{_esc(data.scorer_note)}</footer></main></body></html>")
    return "\n".join(parts)
