"""Frames as text tables for a terminal: columns fitted to its width, words never split, text never cut.

Short values (codes, dates, numbers, conflict ids) get columns as wide as their longest value and do
not wrap. Long text (a sentence, a cue, a title) wraps on word boundaries in its own column when the
terminal leaves it room; otherwise it is printed in full on indented lines under its row, so a
sentence is always readable whole. Pure: a frame and a width in, a string out.
"""

from __future__ import annotations

import textwrap
from datetime import date, datetime
from typing import Any

import polars as pl

# Columns that hold prose: wrapped, never cut.
TEXT_COLUMNS = {"evidence", "top_evidence", "before_evidence", "after_evidence", "cue", "title", "url",
                "last_error", "detail", "summary", "text"}
MIN_TEXT_WIDTH = 36       # a prose column narrower than this reads worse than a line of its own
GAP = "  "


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.3f}" if abs(value) < 1e6 else f"{value:.4g}"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M") if (value.hour, value.minute, value.second) != (0, 0, 0) \
            else value.strftime("%Y-%m-%d")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return ", ".join(cell(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}={cell(v)}" for k, v in value.items())
    return " ".join(str(value).split())


def _wrap(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, max(1, width), break_long_words=False, break_on_hyphens=False) or [""]


def render(df: pl.DataFrame, width: int) -> str:
    """The frame as a table at most `width` characters wide (a single word longer than that excepted)."""
    columns = df.columns
    rows = [[cell(v) for v in r] for r in df.iter_rows()]
    longest = {c: max([len(c)] + [len(r[i]) for r in rows]) for i, c in enumerate(columns)}
    numeric = {c for c, t in zip(columns, df.dtypes) if t.is_numeric()}
    prose = [c for c in columns if c in TEXT_COLUMNS or longest[c] > 40]
    short = [c for c in columns if c not in prose]
    widths = {c: longest[c] for c in short}
    used = sum(widths.values()) + len(GAP) * max(0, len(short) - 1)
    # Short columns that still do not fit give up width down to their longest word or their name.
    for c in sorted(short, key=lambda c: -widths[c]):
        if used <= width:
            break
        word = max([len(w) for r in rows for w in r[columns.index(c)].split()] + [len(c)])
        give = min(widths[c] - word, used - width)
        if give > 0:
            widths[c] -= give
            used -= give
    room = width - used - len(GAP) * len(prose)
    inline = [c for c in prose if room >= MIN_TEXT_WIDTH * len(prose)] if prose else []
    if inline:
        total = sum(longest[c] for c in inline)
        for c in inline:
            widths[c] = min(longest[c], max(MIN_TEXT_WIDTH, room * longest[c] // total))
    below = [c for c in prose if c not in inline]
    shown = [c for c in columns if c in widths]

    def line(values: dict[str, list[str]], k: int) -> str:
        parts = []
        for c in shown:
            text = values[c][k] if k < len(values[c]) else ""
            parts.append(text.rjust(widths[c]) if c in numeric else text.ljust(widths[c]))
        return GAP.join(parts).rstrip()

    head = {c: _wrap(c, widths[c]) for c in shown}
    out = [line(head, k) for k in range(max(len(v) for v in head.values()))] if shown else []
    out.append(GAP.join("-" * widths[c] for c in shown))
    multi = bool(below) or any(len(_wrap(r[columns.index(c)], widths[c])) > 1 for r in rows for c in shown)
    indent = "    "
    for n, r in enumerate(rows):
        values = {c: _wrap(r[columns.index(c)], widths[c]) for c in shown}
        out += [line(values, k) for k in range(max([len(v) for v in values.values()] + [1]))]
        for c in below:
            text = r[columns.index(c)]
            if text:
                out += textwrap.wrap(f"{c}: {text}", width, initial_indent=indent, subsequent_indent=indent + "  ",
                                     break_long_words=False, break_on_hyphens=False)
        if multi and n < len(rows) - 1:
            out.append("")
    return "\n".join(out)
