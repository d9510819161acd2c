"""What an analyst sees in the stance chart and the HTML report, over a small store written for the
purpose: names not codes, one line per actor, gaps shown, counts printed, sentences linked to their
articles, stale positions marked, nothing clipped in Chromium."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from tracker import charts
from tracker.api import Tracker
from tracker.config import load_settings
from tracker.models import Article, Statement
from tracker.pipeline import Runtime

# (country, conflict, topic, day, score): ITA speaks in January and again in June (a gap of five months);
# USA speaks on three conflicts, russia-ukraine the most; FRA only in June. One statement has no conflict.
ROWS = [
    ("ITA", "russia-ukraine", "peacekeeping", date(2025, 1, 10), 1.0),
    ("ITA", "russia-ukraine", "peacekeeping", date(2025, 1, 14), 1.0),
    ("ITA", "russia-ukraine", "peacekeeping", date(2025, 6, 20), -1.0),
    ("USA", "russia-ukraine", "ceasefire", date(2025, 1, 11), 1.0),
    ("USA", "russia-ukraine", "ceasefire", date(2025, 2, 3), 1.0),
    ("USA", "russia-ukraine", "ceasefire", date(2025, 2, 4), 0.6),
    ("USA", "israel-hamas", "ceasefire", date(2025, 2, 5), -1.0),
    ("USA", "unknown", "ceasefire", date(2025, 2, 6), 1.0),
    ("FRA", "russia-ukraine", "peacekeeping", date(2025, 6, 21), 1.0),
    ("FRA", "russia-ukraine", "ceasefire", date(2025, 6, 21), 1.0),
]


def _runtime_for(db: Path, runtime: Runtime) -> Runtime:
    return runtime.sharing(load_settings(config=None, db=db))


@pytest.fixture(scope="module")
def chart_store(runtime: Runtime, tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("charts") / "tracker.duckdb"
    items = []
    for i, (country, conflict, topic, day, score) in enumerate(ROWS):
        when = datetime(day.year, day.month, day.day, 12)
        text = f"Report {i}: {country} spoke about a {topic} in the {conflict} conflict on {day}. " * 8
        a = Article.build(text, url=f"https://wire{i % 3}.example/story-{i}", published=when)
        polarity = "support" if score > 0 else "oppose"
        st = Statement(
            statement_id=Statement.make_id(a.article_id, 0, 10, f"state:{country}", topic), article_id=a.article_id,
            published_at=when, source=a.source, holder_id=f"state:{country}", holder_name=country,
            holder_kind="state", country=country, role="government", conflict=conflict, topic=topic,
            polarity=polarity, modality="firm", score=score, confidence=1.0, attribution="reported", tone=0.0,
            cue="agree [ceasefire]", evidence=f"Sentence {i} of {country} on the {topic}.", char_start=0,
            char_end=10, scorer_version="test")
        items.append((a, [st]))
    with _runtime_for(db, runtime).open_store() as store:
        store.write(items, "test")
    return db


def _tracker(db: Path, runtime: Runtime) -> Tracker:
    rt = _runtime_for(db, runtime)
    return Tracker(rt.open_store(read_only=True), rt)


def _legend_labels(ax: Any) -> list[str]:
    leg = ax.get_legend()
    return [t.get_text() for t in leg.get_texts()] if leg else []


def test_stance_chart_names_countries_and_counts_keeps_colours_and_legend_off_the_lines(
        chart_store: Path, runtime: Runtime) -> None:
    with _tracker(chart_store, runtime) as t:
        fig = t.stance_chart(["USA", "ITA", "FRA"])
    fig.draw_without_rendering()
    axes = [ax for ax in fig.axes if ax.get_title(loc="left")]
    assert [ax.get_title(loc="left") for ax in axes] == ["ceasefire · russia-ukraine", "peacekeeping · russia-ukraine"]
    ceasefire, peacekeeping = (_legend_labels(ax) for ax in axes)
    # names, not only codes; one line per actor (USA's main conflict only); statement and outlet counts
    assert ceasefire == ["United States (USA): 3 statements, 3 outlets", "France (FRA): 1 statement, 1 outlet"]
    assert peacekeeping == ["Italy (ITA): 3 statements, 3 outlets", "France (FRA): 1 statement, 1 outlet"]
    # the same actor is the same colour in every panel
    colours: dict[str, set[str]] = {}
    for ax in axes:
        for coll in ax.collections:
            if not coll.get_label().startswith("_"):
                colours.setdefault(coll.get_label().split(" (")[0], set()).add(
                    tuple(round(c, 3) for c in coll.get_facecolor()[0][:3]))
    assert colours["France"] and len(colours["France"]) == 1
    assert len({next(iter(c)) for c in colours.values()}) == len(colours)      # and actors differ
    # the legend sits beside the plot, not on the lines
    for ax in axes:
        legend, plot = ax.get_legend().get_window_extent(), ax.get_window_extent()
        assert legend.x0 >= plot.x1
    # labelled ticks on every panel
    for ax in axes:
        assert all(label.get_text() for label in ax.get_xticklabels() if label.get_visible())
        assert "support" in " ".join(t.get_text() for t in ax.get_yticklabels())
        assert len([lb for lb in ax.get_xticklabels() if lb.get_text()]) >= 3


def test_stance_chart_draws_months_without_statements_as_a_gap(chart_store: Path, runtime: Runtime) -> None:
    with _tracker(chart_store, runtime) as t:
        fig = t.stance_chart(["ITA"], topic="peacekeeping")
    import matplotlib.dates as mdates

    ax = [ax for ax in fig.axes if ax.get_title(loc="left")][0]
    for line in ax.get_lines():
        if line.get_gid() != "line:ITA":
            continue
        days = [mdates.num2date(x).date() for x in line.get_xdata(orig=False)] \
            if not isinstance(line.get_xdata()[0], date) else list(line.get_xdata())
        assert max(days) - min(days) < (date(2025, 6, 20) - date(2025, 1, 14)), "a flat line across five months"
    assert any(line.get_gid() == "line:ITA" for line in ax.get_lines())


def test_stance_chart_draws_the_chosen_conflict(chart_store: Path, runtime: Runtime) -> None:
    with _tracker(chart_store, runtime) as t:
        fig = t.stance_chart(["USA"], conflict="israel-hamas")
    ax = [ax for ax in fig.axes if ax.get_title(loc="left")][0]
    assert ax.get_title(loc="left") == "ceasefire · israel-hamas"
    assert _legend_labels(ax) == ["United States (USA): 1 statement, 1 outlet"]


def test_plot_writes_a_png_and_an_svg_with_the_names(chart_store: Path, runtime: Runtime, tmp_path: Path) -> None:
    with _tracker(chart_store, runtime) as t:
        written = t.plot(["ITA", "USA"], tmp_path / "chart.png")
    assert sorted(p.suffix for p in written) == [".png", ".svg"]
    assert (tmp_path / "chart.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_heatmap_has_a_column_for_every_week_and_no_unknown_conflict_row() -> None:
    weekly = pl.DataFrame({
        "period": [date(2025, 4, 7), date(2025, 7, 14), date(2025, 4, 7)],
        "conflict": ["russia-ukraine", "russia-ukraine", "unknown"],
        "topic": ["ceasefire"] * 3, "actor": ["RUS", "RUS", "USA"], "voices": [2, 1, 5],
        "mean_score": [0.5, -1.0, 1.0]})
    fig = charts.heatmap_figure(weekly, "ceasefire", names={"RUS": "Russia"})
    ax = fig.axes[0]
    grid = ax.images[0].get_array()
    assert grid.shape == (1, 15)              # April to mid-July: 15 weeks, not two adjacent columns
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Russia (RUS)"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Apr 2025", "May 2025", "Jun 2025", "Jul 2025"]


def _report(chart_store: Path, runtime: Runtime, out: Path) -> str:
    with _tracker(chart_store, runtime) as t:
        return t.report(out).read_text("utf-8")


def test_report_links_every_sentence_and_shows_counts_age_and_staleness(chart_store: Path, runtime: Runtime,
                                                                         tmp_path: Path) -> None:
    page = _report(chart_store, runtime, tmp_path / "report.html")
    positions = page[page.index('id=positions'):page.index('id=weeks')]
    rows = re.findall(r"<tr class='([^']*)'>(.*?)</tr>", positions, re.S)
    assert len(rows) == 5          # USA (two conflicts), FRA twice, ITA; no row for the 'unknown' conflict
    assert "unknown" not in positions.replace("statements whose conflict could not be told", "")
    for _cls, row in rows:
        assert re.search(r'<a class=src href="https://wire\d\.example/story-\d+"', row), row
    # USA's russia-ukraine ceasefire position is four months older than the as-of day (2025-06-21): stale
    usa = [r for c, r in rows if "United States (USA)" in r and "russia-ukraine" in r][0]
    usa_cls = [c for c, r in rows if r == usa][0]
    assert "stale" in usa_cls and "2025-02-04" in usa and "137 d before" in usa
    fra = [(c, r) for c, r in rows if "France (FRA)" in r]
    assert fra and all("stale" not in c for c, _ in fra)
    # voices and outlets are printed: USA has 3 voices from 3 outlets in russia-ukraine
    cells = re.findall(r"<td class=num>([^<]*)</td>", usa)
    assert cells[1:3] == ["3", "3"]
    assert "1 statement whose conflict could not be told is left out" in page
    method = page[page.index("id=method"):]
    assert "How a position is computed" in method and "2<sup>-age/14</sup>" in method
    assert "half-life 14 days" in page[:page.index("id=positions")]


_CLIP_CHECK = """<script>
const bad = [];
for (const el of document.querySelectorAll('h1,h2,h3,th')) {
  if (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1) bad.push(el.tagName + ': ' + el.textContent);
}
for (const svg of document.querySelectorAll('svg')) {
  const box = svg.getBoundingClientRect();
  for (const t of svg.querySelectorAll('g[id^="text_"]')) {
    const r = t.getBoundingClientRect();
    if (r.width && (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1))
      bad.push('chart text ' + t.id + ' outside its chart');
  }
}
const page = document.documentElement.clientWidth;
for (const el of document.querySelectorAll('table,header,h1,h2,h3,p,.chart')) {
  if (el.getBoundingClientRect().right > page + 1) bad.push(el.tagName + ' runs off the page: ' + el.textContent.slice(0, 60));
}
document.body.setAttribute('data-clipped', JSON.stringify(bad));
</script></body>"""


def _chromium() -> str:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("Debian's chromium is not installed (make test installs it when it can)")
    return browser


def _headless(browser: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                           "--disable-background-networking", "--disable-component-update", "--disable-sync",
                           f"--user-data-dir={profile}", *args], capture_output=True, text=True, timeout=120,
                          check=False)


@pytest.mark.parametrize("width", [1280, 800])
def test_report_headings_and_chart_titles_are_not_clipped_in_chromium(chart_store: Path, runtime: Runtime,
                                                                      tmp_path: Path, width: int) -> None:
    browser = _chromium()
    page = _report(chart_store, runtime, tmp_path / "report.html")
    probe = tmp_path / "probe.html"
    probe.write_text(page.replace("</body>", _CLIP_CHECK), "utf-8")
    res = _headless(browser, tmp_path / "profile", f"--window-size={width},2000", "--dump-dom", probe.as_uri())
    m = re.search(r'data-clipped="([^"]*)"', res.stdout)
    assert m, res.stderr[-2000:]
    assert json.loads(html.unescape(m.group(1))) == []
    shot = tmp_path / "report.png"
    _headless(browser, tmp_path / "profile2", f"--window-size={width},2400", f"--screenshot={shot}", page_uri(tmp_path))
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def page_uri(folder: Path) -> str:
    return (folder / "report.html").as_uri()
