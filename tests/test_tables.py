"""Terminal tables: fitted to the terminal's width, words never split, evidence never cut."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib import resources
from pathlib import Path

import polars as pl
import pytest
from samplestore import sample_store as build_sample_store

from tracker.pipeline import Runtime
from tracker.tables import render

SAMPLES = Path(str(resources.files("tracker").joinpath("data/samples/articles.jsonl")))
SENTENCE = ("Italy is not planning on sending soldiers to a reassurance force in Ukraine, Prime Minister Giorgia "
            "Meloni said on Thursday, adding that any European mission would need a clear mandate and American "
            "backing before Rome could consider it.")


def _words(text: str) -> list[str]:
    return text.split()


def test_a_table_fits_the_width_keeps_ids_whole_and_prints_the_whole_sentence() -> None:
    df = pl.DataFrame({"conflict": ["russia-ukraine", "israel-hezbollah"], "topic": ["peacekeeping", "ceasefire"],
                       "actor": ["ITA", "USA"], "position": [-1.0, 0.4876], "top_holder": ["Giorgia Meloni", "Donald Trump"],
                       "top_evidence": [SENTENCE, "Trump said the truce would hold."]})
    for width in (120, 80, 60):
        text = render(df, width)
        lines = text.splitlines()
        assert all(len(line) <= width for line in lines), (width, text)
        assert "russia-ukraine" in text and "israel-hezbollah" in text          # never split at the hyphen
        assert not any(line.rstrip().endswith(("russia-", "israel-")) for line in lines)
        body = " ".join(text.split())
        assert " ".join(SENTENCE.split()) in body                               # the sentence, whole
        assert set(_words(text)) <= set(_words(" ".join(map(str, df.columns))) + _words(SENTENCE)
                                         + [w for v in df.iter_rows() for x in v for w in str(x).split()]
                                         + ["-1.000", "0.488", "top_evidence:"] + ["-" * n for n in range(1, 200)])
        # a row's short columns stay on one line
        assert sum(1 for line in lines if line.startswith("russia-ukraine")) == 1


@pytest.fixture(scope="module")
def sample_store(runtime: Runtime, tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("tables") / "tracker.duckdb"
    build_sample_store(runtime, db)
    return db


def _tracker(*args: str, columns: int = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tracker.cli", *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "COLUMNS": str(columns)})


def test_evidence_at_120_columns_prints_every_sentence_in_full(sample_store: Path) -> None:
    rows = json.loads(_tracker("evidence", "--db", str(sample_store), "--format", "json").stdout)
    assert rows
    res = _tracker("evidence", "--db", str(sample_store))
    assert res.returncode == 0, res.stderr
    assert all(len(line) <= 120 or " " not in line.strip() for line in res.stdout.splitlines())
    body = " ".join(res.stdout.split())
    for r in rows:
        assert " ".join(r["evidence"].split()) in body, r["evidence"]


def test_positions_at_120_columns_keep_each_row_readable(sample_store: Path) -> None:
    expected = json.loads(_tracker("positions", "--db", str(sample_store), "--format", "json").stdout)
    res = _tracker("positions", "--db", str(sample_store))
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    assert expected and all(len(line) <= 120 for line in lines)
    body = " ".join(res.stdout.split())
    for r in expected:
        # the short columns of a row on one line, ids whole; the sentence in full below it
        assert any(line.split()[:3] == [r["conflict"], r["topic"], r["actor"]] and r["stance"] in line.split()
                   for line in lines), r
        assert " ".join(r["top_evidence"].split()) in body
