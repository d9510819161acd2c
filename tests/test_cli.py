"""The command line: every command has help with an example and appears in the README; errors go to
stderr with a next step and a non-zero exit; the main flow works in a fresh directory."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tracker import cli

REPO = Path(__file__).resolve().parent.parent


def run(*args: str, cwd: Path, env: dict[str, str] | None = None, stdin: str | None = None
        ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tracker.cli", *args], cwd=cwd, capture_output=True, text=True,
                          input=stdin, env={**os.environ, **(env or {})}, timeout=300)


def test_every_command_has_help_with_an_example_and_is_in_the_readme(capsys) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    top = capsys.readouterr().out
    for name in cli.COMMANDS:
        assert name in top, f"`tracker --help` does not list {name}"
        with pytest.raises(SystemExit) as done:
            cli.main([name, "--help"])
        assert done.value.code == 0
        text = capsys.readouterr().out
        assert "Example:" in text and f"tracker {name}" in text, name
        assert re.search(rf"`tracker {name}\b", readme), f"README does not mention `tracker {name}`"


def test_errors_go_to_stderr_with_a_next_step(tmp_path: Path) -> None:
    missing = tmp_path / "none.duckdb"
    res = run("positions", "--db", str(missing), cwd=tmp_path)
    assert res.returncode != 0 and res.stdout == ""
    assert "error:" in res.stderr and "Try:" in res.stderr and "tracker init" in res.stderr
    bad = tmp_path / "tracker.toml"
    bad.write_text("[series]\nhalf_life = 3\n")
    res = run("init", cwd=tmp_path)
    assert res.returncode == 2 and "Unknown configuration key 'series.half_life'" in res.stderr
    assert "half_life_days" in res.stderr       # the valid keys are listed


def test_init_ingest_positions_evidence_in_a_fresh_directory(tmp_path: Path) -> None:
    assert run("init", cwd=tmp_path).returncode == 0
    assert (tmp_path / "data" / "tracker.duckdb").exists()
    ing = run("ingest", "--samples", cwd=tmp_path)
    assert ing.returncode == 0, ing.stderr
    assert re.search(r"\d+ stored", ing.stdout)
    pos = run("positions", "--format", "json", cwd=tmp_path)
    rows = json.loads(pos.stdout)
    assert rows and {"conflict", "topic", "actor", "position", "stance", "top_evidence"} <= set(rows[0])
    country = rows[0]["actor"]
    ev = run("evidence", "--country", country, "--format", "csv", cwd=tmp_path)
    assert ev.returncode == 0 and ev.stdout.splitlines()[0].startswith("statement_id,")
    csv = run("sql", "SELECT count(*) AS n FROM statements WHERE country = $c", "--param", f"c={country}",
              "--format", "csv", cwd=tmp_path)
    assert csv.returncode == 0 and int(csv.stdout.splitlines()[1]) >= 1
    trend = run("trend", country, "--freq", "1mo", "--format", "csv", cwd=tmp_path)
    assert trend.returncode == 0 and "period" in trend.stdout
    env_db = tmp_path / "other.duckdb"
    assert run("init", cwd=tmp_path, env={"TRACKER_DB": str(env_db)}).returncode == 0
    assert env_db.exists()


def test_score_reads_jsonl_and_writes_statements_without_a_store(tmp_path: Path) -> None:
    art = {"id": "x1", "published": "2025-03-15", "title": "Italy",
           "text": "Italy is not planning on sending soldiers to a reassurance force in Ukraine, Prime Minister "
                   "Giorgia Meloni said."}
    res = run("score", cwd=tmp_path, stdin=json.dumps(art) + "\n{broken\n")
    assert res.returncode == 0
    out = [json.loads(line) for line in res.stdout.splitlines()]
    assert out and out[0]["article_id"] == "x1" and out[0]["holder_id"] == "person:giorgia-meloni"
    assert "bad_json" in res.stderr
    assert not (tmp_path / "data").exists()
