"""Analyst access: notebooks run end to end, charts and the report are written, and the report
renders in headless Chromium."""

from __future__ import annotations

import base64
import os
import re
import shutil
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest
from samplestore import sample_store as build_sample_store

from tracker.api import Tracker
from tracker.config import load_settings
from tracker.pipeline import Runtime

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
SAMPLES = Path(str(resources.files("tracker").joinpath("data/samples/articles.jsonl")))


@pytest.fixture(scope="module")
def small_store(runtime: Runtime, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store built from the bundled samples; its readers' snapshot is published on close."""
    db = tmp_path_factory.mktemp("analyst") / "tracker.duckdb"
    rt = build_sample_store(runtime, db)
    assert rt.settings.snapshot_path.exists()
    return db


def _tracker(db: Path, runtime: Runtime) -> Tracker:
    rt = runtime.sharing(load_settings(config=None, db=db))
    return Tracker(rt.open_store(read_only=True), rt)


CHART_CALL = re.compile(r"\b(heatmap_figure|stance_figure|stance_chart)\(")
CHARTS_PER_NOTEBOOK = {"overview": 2, "deep_dive": 1, "scorer": 0}


@pytest.mark.parametrize("name", ["overview", "deep_dive", "scorer"])
def test_every_notebook_runs_end_to_end_and_draws_its_charts(name: str, small_store: Path, tmp_path: Path) -> None:
    """Executed the way the README says (`jupytext --to ipynb --execute`): no cell fails, and every cell
    that draws a chart shows it as an image, not as `<Figure size ...>` text or nothing at all."""
    import nbformat

    snapshot = small_store.with_name("tracker.snapshot.duckdb")
    out = tmp_path / f"{name}.ipynb"
    res = subprocess.run([str(Path(sys.executable).parent / "jupytext"), "--to", "ipynb", "--execute",
                          str(NOTEBOOKS / f"{name}.py"), "-o", str(out)],
                         env={**os.environ, "TRACKER_NOTEBOOK_STORE": str(snapshot)}, cwd=NOTEBOOKS,
                         capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stderr[-3000:]
    nb = nbformat.read(out, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    errors = [o for c in code for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    assert sum(len(c.get("outputs", [])) for c in code) >= 2, "a notebook that shows nothing is not an analysis"
    chart_cells = [c for c in code if CHART_CALL.search(c.source)]
    assert len(chart_cells) == CHARTS_PER_NOTEBOOK[name]
    for cell in chart_cells:
        images = [o for o in cell.get("outputs", []) if "image/png" in o.get("data", {})]
        assert len(images) == 1, f"this cell shows no chart:\n{cell.source}\noutputs: {cell.get('outputs')}"
        png = base64.b64decode(images[0]["data"]["image/png"])
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 5_000
        texts = [o.get("data", {}).get("text/plain", "") for o in cell.get("outputs", [])]
        assert not any("<Figure size" in t for t in texts)


def test_notebooks_are_stored_as_percent_scripts_without_outputs() -> None:
    for path in NOTEBOOKS.glob("*.py"):
        text = path.read_text("utf-8")
        assert "format_name: percent" in text and "# %%" in text, path
    assert not list(NOTEBOOKS.glob("*.ipynb")), "keep notebooks as jupytext percent files (diff-friendly)"


def test_plot_writes_png_and_svg(small_store: Path, runtime: Runtime, tmp_path: Path) -> None:
    with _tracker(small_store, runtime) as t:
        written = t.plot(["ITA", "GBR", "RUS"], tmp_path / "pk.png", topic="peacekeeping")
    assert sorted(p.suffix for p in written) == [".png", ".svg"]
    png = (tmp_path / "pk.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000
    assert "<svg" in (tmp_path / "pk.svg").read_text()


def test_report_is_self_contained_and_renders_in_chromium(small_store: Path, runtime: Runtime, tmp_path: Path) -> None:
    with _tracker(small_store, runtime) as t:
        page = t.report(tmp_path / "report.html")
    text = page.read_text("utf-8")
    assert "Where each country stands" in text and "Latest shifts" in text and text.count("<svg") == 2
    # it loads nothing from the network (links to the source articles are only followed when clicked)
    assert not re.search(r"""src=["']?https?://|<link|<script|@import|url\(\s*["']?https?:""", text), "the report must work offline"
    assert re.search(r'<a class=src href="https?://', text), "sentences link to their articles"
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("Debian's chromium is not installed (make test installs it when it can)")
    shot = tmp_path / "report.png"
    subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1280,1600",
                    f"--screenshot={shot}", page.as_uri()], capture_output=True, timeout=120, check=False)
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 50_000     # a rendered page, not a blank one


def test_progress_is_plain_lines_when_not_on_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    from tracker.cli import ProgressLine

    with ProgressLine("ingested") as show:
        for done in (100, 499, 500, 900, 1000):
            show(done, done * 2)
    err = capsys.readouterr().err.splitlines()
    assert [line.split(", ")[:2] for line in err] == [["progress: ingested 100 articles", "200 statements"],
                                                      ["progress: ingested 500 articles", "1000 statements"],
                                                      ["progress: ingested 1000 articles", "2000 statements"]]
    assert all("articles/s" in line for line in err)


def test_progress_on_a_terminal_is_a_live_line_from_the_start() -> None:
    import io

    from rich.console import Console

    from tracker.cli import ProgressLine

    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=120)
    with ProgressLine("ingested", console=console) as show:
        show(128, 40)
    text = out.getvalue()
    assert "ingested 128 articles" in text and "articles/s" in text and "40 statements" in text
