"""Charts and the HTML report: stance over time, countries by week, latest shifts.

Everything here takes polars DataFrames from the API (tracker.api.Tracker) and draws them; no SQL and
no store access. matplotlib runs with the Agg backend, so charts render on servers without a screen.
The report is one self-contained HTML file: charts inlined as SVG, tables as HTML, no scripts and no
network, readable offline.
"""

from __future__ import annotations

import html
import io
from datetime import date, datetime
from pathlib import Path
from typing import Any, Sequence

import polars as pl

STANCE_COLORS = {"support": "#1b7837", "oppose": "#b2182b", "mixed": "#777777"}


def _plt() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def stance_figure(path_df: pl.DataFrame, shifts_df: pl.DataFrame, title: str) -> Any:
    """A figure of the running position of each actor over time, one panel per topic, shifts marked.

    path_df: rows of the position_path query (conflict, topic, actor, day, position, ...).
    shifts_df: rows of the shifts query for the same actors.
    """
    plt = _plt()
    topics = sorted(set(path_df["topic"].to_list())) or ["ceasefire"]
    fig, axes = plt.subplots(len(topics), 1, figsize=(10, 3.2 * len(topics)), squeeze=False, sharex=True)
    for ax, topic in zip(axes[:, 0], topics):
        part = path_df.filter(pl.col("topic") == topic)
        for (actor, conflict), grp in part.group_by(["actor", "conflict"], maintain_order=True):
            grp = grp.sort("day")
            label = f"{actor} ({conflict})" if part["conflict"].n_unique() > 1 else str(actor)
            line, = ax.step(grp["day"].to_list(), grp["position"].to_list(), where="post", label=label, linewidth=1.8)
            ax.scatter(grp["day"].to_list(), grp["position"].to_list(), s=12, color=line.get_color())
            sh = shifts_df.filter((pl.col("topic") == topic) & (pl.col("actor") == actor)
                                  & (pl.col("conflict") == conflict)) if shifts_df.height else shifts_df
            if sh.height:
                ax.scatter(sh["day"].to_list(), sh["position_after"].to_list(), marker="D", s=70,
                           facecolors="none", edgecolors=line.get_color(), linewidths=2, zorder=5)
        ax.axhline(0, color="#999999", linewidth=0.8)
        ax.set_ylim(-1.08, 1.08)
        ax.set_yticks([-1, -0.5, 0, 0.5, 1])
        ax.set_yticklabels(["oppose", "", "0", "", "support"])
        ax.set_title(topic)
        ax.grid(alpha=0.25)
        if part.height:
            ax.legend(loc="upper left", fontsize=8, ncol=2, frameon=False)
    axes[0, 0].figure.suptitle(title + "   (diamonds: shifts)", fontsize=11)
    fig.autofmt_xdate()
    fig.tight_layout()
    return fig


def heatmap_figure(weekly: pl.DataFrame, topic: str, max_countries: int = 30) -> Any:
    """Countries (rows) by week (columns), coloured by the week's mean score from oppose to support."""
    plt = _plt()
    import numpy as np

    part = weekly.filter(pl.col("topic") == topic)
    if part.height == 0:
        fig, ax = plt.subplots(figsize=(8, 1.5))
        ax.text(0.5, 0.5, f"No statements on {topic}", ha="center", va="center")
        ax.axis("off")
        return fig
    busiest = (part.group_by("actor").agg(pl.col("voices").sum()).sort("voices", descending=True)
               .head(max_countries)["actor"].to_list())
    weeks = sorted(set(part["period"].to_list()))
    grid = np.full((len(busiest), len(weeks)), np.nan)
    wi = {w: i for i, w in enumerate(weeks)}
    ai = {a: i for i, a in enumerate(busiest)}
    for row in part.filter(pl.col("actor").is_in(busiest)).iter_rows(named=True):
        grid[ai[row["actor"]], wi[row["period"]]] = row["mean_score"]
    fig, ax = plt.subplots(figsize=(max(6, 0.35 * len(weeks) + 2), max(2, 0.32 * len(busiest) + 1)))
    cmap = plt.get_cmap("RdYlGn").with_extremes(bad="#f0f0f0")
    im = ax.imshow(np.ma.masked_invalid(grid), cmap=cmap, vmin=-1, vmax=1, aspect="auto", interpolation="nearest")
    ax.set_yticks(range(len(busiest)))
    ax.set_yticklabels(busiest, fontsize=8)
    step = max(1, len(weeks) // 12)
    ax.set_xticks(range(0, len(weeks), step))
    ax.set_xticklabels([str(w) for w in weeks][::step], rotation=45, ha="right", fontsize=8)
    ax.set_title(f"{topic}: weekly mean stance by country (grey: no statements)")
    fig.colorbar(im, ax=ax, fraction=0.03, ticks=[-1, 0, 1]).ax.set_yticklabels(["oppose", "0", "support"])
    fig.tight_layout()
    return fig


def save(fig: Any, out: Path, formats: Sequence[str] = ("png", "svg")) -> list[Path]:
    """Write a figure as PNG and SVG next to each other (out's suffix is replaced)."""
    plt = _plt()
    out.parent.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt in formats:
        target = out.with_suffix("." + fmt)
        fig.savefig(target, format=fmt, dpi=130 if fmt == "png" else None)
        written.append(target)
    plt.close(fig)
    return written


def _svg(fig: Any) -> str:
    plt = _plt()
    buf = io.StringIO()
    fig.savefig(buf, format="svg")
    plt.close(fig)
    text = buf.getvalue()
    return text[text.find("<svg"):]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:+.2f}"
    if isinstance(value, (datetime, date)):
        return value.strftime("%Y-%m-%d")
    return html.escape(str(value))


def _table(df: pl.DataFrame, columns: Sequence[str], headers: Sequence[str], stance_col: str | None = None) -> str:
    if df.height == 0:
        return "<p class=empty>Nothing yet.</p>"
    rows = []
    for row in df.select(columns).iter_rows(named=True):
        cls = f' class="{html.escape(str(row[stance_col]))}"' if stance_col and row.get(stance_col) else ""
        rows.append(f"<tr{cls}>" + "".join(f"<td>{_cell(row[c])}</td>" for c in columns) + "</tr>")
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


_CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#222;background:#fafafa}
header{background:#1f2d3d;color:#fff;padding:18px 28px}header h1{margin:0;font-size:22px}
header p{margin:4px 0 0;color:#c8d3df}main{padding:10px 28px 40px;max-width:1400px}
h2{margin-top:32px;border-bottom:2px solid #ddd;padding-bottom:4px}
table{border-collapse:collapse;width:100%;background:#fff;font-size:13px}
th,td{border-bottom:1px solid #e6e6e6;padding:5px 8px;text-align:left;vertical-align:top}
th{background:#f0f3f6;position:sticky;top:0}td:nth-child(4),td:nth-child(5){white-space:nowrap}
tr.support td:first-child{border-left:4px solid #1b7837}tr.oppose td:first-child{border-left:4px solid #b2182b}
tr.mixed td:first-child{border-left:4px solid #888}.chart{background:#fff;padding:8px;margin:10px 0}
.chart svg{max-width:100%;height:auto}.empty{color:#888}footer{color:#888;font-size:12px;margin-top:30px}
"""


def report_html(positions: pl.DataFrame, weekly: pl.DataFrame, shifts: pl.DataFrame, generated: datetime,
                store_path: str, scorer_note: str = "") -> str:
    """The report page: positions, a heatmap per topic, the latest shifts; self-contained."""
    parts = [f"<!doctype html><html lang=en><head><meta charset=utf-8><title>Stance tracker report</title>"
             f"<meta name=viewport content='width=device-width, initial-scale=1'><style>{_CSS}</style></head><body>",
             "<header><h1>Ceasefire and peacekeeping stances</h1>"
             f"<p>Generated {generated:%Y-%m-%d %H:%M} UTC from {html.escape(store_path)}. "
             "Every figure traces back to sentences: see <code>tracker evidence</code>.</p></header><main>"]
    parts.append("<h2>Where each country stands</h2><p>Decayed, confidence-weighted mean of recent statements "
                 "(+1 support, -1 oppose); the sentence is the statement that weighs most.</p>")
    for topic in ("ceasefire", "peacekeeping"):
        part = positions.filter(pl.col("topic") == topic).sort(["conflict", "position"], descending=[False, True])
        parts.append(f"<h3>{topic}</h3>")
        parts.append(_table(part, ["stance", "actor", "conflict", "position", "last_statement_at", "top_holder",
                                   "top_evidence"],
                            ["stance", "country", "conflict", "position", "last statement", "who", "sentence"],
                            stance_col="stance"))
    parts.append("<h2>Countries by week</h2>")
    for topic in ("ceasefire", "peacekeeping"):
        parts.append(f"<div class=chart>{_svg(heatmap_figure(weekly, topic))}</div>")
    parts.append("<h2>Latest shifts</h2>")
    parts.append(_table(shifts.head(30), ["day", "actor", "conflict", "topic", "kind", "position_before",
                                          "position_after", "before_evidence", "after_evidence"],
                        ["day", "country", "conflict", "topic", "kind", "before", "after", "statement before",
                         "statement after"]))
    parts.append(f"<footer>{html.escape(scorer_note)}</footer></main></body></html>")
    return "\n".join(parts)
