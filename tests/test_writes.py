"""The one write path (tracker.writes.write_scored) on a real store: what it reports, what it records."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from tracker.files import Skip
from tracker.store import Store
from tracker.writes import write_scored


def test_an_article_that_cannot_be_written_costs_only_itself(db_path: Path, settings, make_article,
                                                              make_statement) -> None:
    good = make_article(url="https://wire.example/good")
    bad = make_article(text="Another report on the ceasefire talks in Geneva. " * 20, url="https://wire.example/bad")
    broken = replace(make_statement(article_id=bad.article_id), conflict=None)     # NOT NULL in the schema
    with Store.open(db_path, settings=settings) as s:
        run = s.start_run("test")
        report = write_scored(s, [(good, [make_statement(article_id=good.article_id)]), (bad, [broken])], "v1",
                              run_id=run, skips=[Skip("notes.txt", "empty_text", "no text")])
        assert report.stored == (good.article_id,) and report.errors == 1 and report.statements == 1
        assert [k.reason for k in report.skips] == ["empty_text", "store_error"]
        assert report.counts()["skipped"] == 2 and report.counts()["stored"] == 1
        recorded = s.sql("SELECT reason FROM skipped WHERE run_id = $r ORDER BY reason", {"r": run})
        assert recorded["reason"].to_list() == ["empty_text", "store_error"]
        assert s.sql("SELECT count(*) FROM articles").item() == 1

        again = write_scored(s, [(good, [make_statement(article_id=good.article_id)])], "v1", batch_size=1)
        assert again.unchanged == (good.article_id,) and again.stored == () and again.skips == ()


def test_with_stories_it_replaces_the_statements_of_stored_articles(db_path: Path, settings, make_article,
                                                                     make_statement) -> None:
    art = make_article(url="https://wire.example/one")
    with Store.open(db_path, settings=settings) as s:
        write_scored(s, [(art, [make_statement(article_id=art.article_id)])], "v1")
        two = [make_statement(article_id=art.article_id, char_start=0),
               make_statement(article_id=art.article_id, char_start=40, holder_id="state:UKR", country="UKR")]
        report = write_scored(s, [(art, two)], "v2", stories={art.article_id: art.article_id})
        assert report.updated == (art.article_id,) and report.statements == 2
        row = s.sql("SELECT scorer_version, statement_count FROM articles").row(0)
        assert row == ("v2", 2)
        assert s.sql("SELECT count(*) FROM statements").item() == 2
