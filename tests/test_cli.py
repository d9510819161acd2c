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


# --- errors that say what was wrong and what to do (issue 11, item 6) ------------------------------

@pytest.fixture(scope="module")
def sample_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store built by `tracker ingest --samples`, for the commands that read one."""
    folder = tmp_path_factory.mktemp("cli_store")
    db = folder / "tracker.duckdb"
    res = run("ingest", "--samples", "--db", str(db), cwd=folder)
    assert res.returncode == 0, res.stderr
    return db


def _fails_clearly(res: subprocess.CompletedProcess[str], *words: str) -> None:
    assert res.returncode != 0, res.stdout
    assert res.stdout == "" and "Traceback" not in res.stderr, res.stderr
    assert "error:" in res.stderr and "Try:" in res.stderr, res.stderr
    for w in words:
        assert w in res.stderr, (w, res.stderr)


def test_a_bad_date_names_the_option_not_the_sql(sample_store: Path, tmp_path: Path) -> None:
    res = run("positions", "--as-of", "2025-13-45", "--db", str(sample_store), cwd=tmp_path)
    _fails_clearly(res, "--as-of", "'2025-13-45'", "YYYY-MM-DD")
    assert "LINE" not in res.stderr and "check the SQL" not in res.stderr and "Conversion" not in res.stderr
    res = run("evidence", "--country", "RUS", "--day", "yesterday", "--db", str(sample_store), cwd=tmp_path)
    _fails_clearly(res, "--day", "'yesterday'")


def test_a_country_name_is_accepted_where_a_code_is(sample_store: Path, tmp_path: Path) -> None:
    by_code = run("positions", "--country", "RUS", "--format", "json", "--db", str(sample_store), cwd=tmp_path)
    by_name = run("positions", "--country", "Russia", "--format", "json", "--db", str(sample_store), cwd=tmp_path)
    assert by_code.returncode == 0 and by_name.returncode == 0, by_name.stderr
    assert json.loads(by_name.stdout) == json.loads(by_code.stdout) != []
    ev = run("evidence", "--country", "russia", "--format", "csv", "--db", str(sample_store), cwd=tmp_path)
    assert ev.returncode == 0 and len(ev.stdout.splitlines()) > 1


def test_an_unknown_country_is_an_error_with_the_closest_names(sample_store: Path, tmp_path: Path) -> None:
    res = run("positions", "--country", "XYZ", "--db", str(sample_store), cwd=tmp_path)
    _fails_clearly(res, "Unknown country 'XYZ'", "ISO3")
    res = run("shifts", "--country", "Itlay", "--db", str(sample_store), cwd=tmp_path)
    _fails_clearly(res, "Unknown country 'Itlay'", "Italy (ITA)")


def test_an_unknown_conflict_suggests_the_closest_id(sample_store: Path, tmp_path: Path) -> None:
    res = run("positions", "--conflict", "ukraine", "--db", str(sample_store), cwd=tmp_path)
    _fails_clearly(res, "Unknown conflict 'ukraine'", "'russia-ukraine'", "israel-hamas")


def test_plot_of_an_unknown_actor_fails_before_drawing(sample_store: Path, tmp_path: Path) -> None:
    res = run("plot", "XYZ", "--out", str(tmp_path / "x.png"), "--db", str(sample_store), cwd=tmp_path)
    _fails_clearly(res, "XYZ")
    assert not (tmp_path / "x.png").exists() and not (tmp_path / "x.svg").exists()
    res = run("plot", "ISL", "--out", str(tmp_path / "y.png"), "--db", str(sample_store), cwd=tmp_path)
    _fails_clearly(res, "Nothing to draw for ISL")
    assert not (tmp_path / "y.png").exists()


def test_ingest_of_a_missing_file_fails_without_creating_a_store(tmp_path: Path) -> None:
    res = run("ingest", "missing.jsonl", cwd=tmp_path)
    _fails_clearly(res, "No such file or folder: missing.jsonl")
    assert not (tmp_path / "data").exists()


def test_score_of_a_missing_file_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    res = run("score", "missing.jsonl", cwd=tmp_path)
    _fails_clearly(res, "No such file: missing.jsonl")


def test_sql_csv_writes_list_columns_as_json(sample_store: Path, tmp_path: Path) -> None:
    for table in ("articles", "conflicts", "actors"):
        res = run("sql", f"SELECT * FROM {table} LIMIT 3", "--format", "csv", "--db", str(sample_store), cwd=tmp_path)
        assert res.returncode == 0 and "Traceback" not in res.stderr, res.stderr
        assert len(res.stdout.splitlines()) >= 2
    res = run("sql", "SELECT conflict_id, parties FROM conflicts WHERE conflict_id = 'russia-ukraine'",
              "--format", "csv", "--db", str(sample_store), cwd=tmp_path)
    assert '"[""state:RUS"", ""state:UKR""]"' in res.stdout


def test_explain_of_a_short_file_says_it_is_too_short(tmp_path: Path) -> None:
    short = tmp_path / "short.txt"
    short.write_text("Italy will not send soldiers to Ukraine, Meloni said.\n")
    res = run("explain", str(short), "--published", "2025-03-15", cwd=tmp_path)
    _fails_clearly(res, "short.txt", "too short", "tracker score")
    assert "No article found" not in res.stderr


def test_a_failed_query_hint_names_a_command_that_lists_the_tables(sample_store: Path, tmp_path: Path) -> None:
    res = run("sql", "SELECT * FROM nosuchtable", "--db", str(sample_store), cwd=tmp_path)
    _fails_clearly(res, "SHOW TABLES")
    listed = run("sql", "SHOW TABLES", "--format", "csv", "--db", str(sample_store), cwd=tmp_path)
    assert listed.returncode == 0 and "positions" in listed.stdout and "statements" in listed.stdout


# --- the input's own id names an article (issue 11, item 3) ----------------------------------------

def test_an_article_is_named_by_its_input_id_in_explain_and_evidence(sample_store: Path, tmp_path: Path) -> None:
    db = ("--db", str(sample_store))
    res = run("sql", "SELECT input_id, input_url, url FROM articles WHERE statement_count > 0 ORDER BY input_id LIMIT 1",
              "--format", "json", *db, cwd=tmp_path)
    row = json.loads(res.stdout)[0]
    assert row["input_id"].startswith("sample-") and row["input_url"].startswith("https://")
    shown = run("explain", row["input_id"], *db, cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert f"input id {row['input_id']}" in shown.stdout and "statement(s)" in shown.stdout
    ev = run("evidence", "--article", row["input_id"], "--format", "json", *db, cwd=tmp_path)
    rows = json.loads(ev.stdout)
    assert rows and {r["input_id"] for r in rows} == {row["input_id"]}
    by_url = run("evidence", "--article", row["input_url"], "--format", "json", *db, cwd=tmp_path)
    assert json.loads(by_url.stdout) == rows


# --- positions say what they look from and keep quiet conflicts; one vocabulary (items 4, 10) ------

@pytest.fixture
def two_year_store(tmp_path: Path, make_article, make_statement) -> Path:
    """Italy (through Meloni) on Russia-Ukraine peacekeeping in March 2025, Israel on an Israel-Iran
    ceasefire in July 2026: more than the 365-day window apart."""
    from datetime import datetime

    from tracker.config import load_settings
    from tracker.pipeline import Runtime

    db = tmp_path / "two_years.duckdb"
    a1 = make_article(url="https://wire.example/2025/meloni", published="2025-03-12T10:00:00Z")
    a2 = make_article(text="Israel agreed to the truce with Iran on Friday, officials said. " * 20,
                      url="https://wire.example/2026/truce", published="2026-07-10T10:00:00Z")
    s1 = make_statement(article_id=a1.article_id, holder_id="person:giorgia-meloni", country="ITA",
                        topic="peacekeeping", score=-1.0, published=datetime(2025, 3, 12, 10))
    s2 = make_statement(article_id=a2.article_id, holder_id="state:ISR", country="ISR", topic="ceasefire",
                        score=1.0, published=datetime(2026, 7, 10, 10), conflict="israel-iran")
    with Runtime(load_settings(config=None, db=db)).open_store() as store:
        store.write([(a1, [s1]), (a2, [s2])], "test")
    return db


def test_positions_keep_a_conflict_that_went_quiet_and_say_what_they_look_from(two_year_store: Path,
                                                                                tmp_path: Path) -> None:
    db = ("--db", str(two_year_store))
    table = run("positions", *db, cwd=tmp_path)
    assert table.returncode == 0, table.stderr
    head = table.stdout.split("|")[0]
    assert "positions as of 2026-07-10" in head and "window 365 days" in head and "half-life 14 days" in head
    assert "russia-ukraine/peacekeeping 2025-03-12" in head
    rows = json.loads(run("positions", "--format", "json", *db, cwd=tmp_path).stdout)
    by_key = {(r["conflict"], r["topic"], r["actor"]): r for r in rows}
    quiet = by_key[("russia-ukraine", "peacekeeping", "ITA")]
    assert quiet["stance"] == "oppose" and quiet["as_of"] == "2025-03-12" and quiet["window_start"] == "2024-03-13"
    assert by_key[("israel-iran", "ceasefire", "ISR")]["as_of"] == "2026-07-10"
    earlier = json.loads(run("positions", "--as-of", "2025-12-31", "--format", "json", *db, cwd=tmp_path).stdout)
    assert [(r["actor"], r["as_of"]) for r in earlier] == [("ITA", "2025-03-12")]


def test_one_vocabulary_actor_and_actor_name_in_views_queries_and_cli(two_year_store: Path, tmp_path: Path) -> None:
    db = ("--db", str(two_year_store))
    view = json.loads(run("sql", "SELECT * FROM positions WHERE actor = $c", "--param", "c=ITA", "--format", "json",
                          *db, cwd=tmp_path).stdout)
    assert view and view[0]["actor_name"] == "Italy" and view[0]["top_holder"] == "giorgia-meloni"
    assert "country" not in view[0] and "holder_name" not in view[0]
    by_country = json.loads(run("positions", "--country", "Italy", "--format", "json", *db, cwd=tmp_path).stdout)
    assert by_country[0]["actor_name"] == "Italy" and by_country[0]["actor_country"] == "ITA"
    by_holder = json.loads(run("positions", "--by-holder", "--format", "json", *db, cwd=tmp_path).stdout)
    meloni = [r for r in by_holder if r["actor"] == "person:giorgia-meloni"][0]
    assert meloni["actor_name"] == "giorgia-meloni" and meloni["actor_country"] == "ITA"
    for sql in ("SELECT * FROM shifts", "SELECT * FROM statements_daily", "SELECT * FROM statements_daily_holder"):
        cols = run("sql", sql + " LIMIT 0", "--format", "csv", *db, cwd=tmp_path).stdout.splitlines()[0].split(",")
        assert "actor" in cols and "country" not in cols, (sql, cols)
    trend = json.loads(run("trend", "ITA", "--freq", "1mo", "--format", "json", *db, cwd=tmp_path).stdout)
    assert trend[0]["actor_name"] == "Italy" and trend[0]["top_holder"] == "giorgia-meloni"


def test_score_text_returns_a_dataframe_of_statements(runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    import polars as pl

    import tracker
    from tracker import api
    from tracker.models import STATEMENT_FIELDS

    monkeypatch.setattr(api, "default_runtime", lambda: runtime)
    df = tracker.score_text("Russia rejected the proposal for a 30-day truce on Tuesday, the Kremlin said.",
                            published="2025-03-18")
    assert isinstance(df, pl.DataFrame) and tuple(df.columns) == STATEMENT_FIELDS
    assert "oppose" in df.filter(pl.col("country") == "RUS")["polarity"].to_list()
    empty = tracker.score_text("The weather was fine.", published="2025-03-18")
    assert isinstance(empty, pl.DataFrame) and empty.height == 0 and tuple(empty.columns) == STATEMENT_FIELDS
