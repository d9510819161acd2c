"""Shared fixtures: real DuckDB files in tmp dirs, one real spaCy pipeline per test session."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Any, Callable

import pytest

from tracker.config import load_settings
from tracker.models import Article, Statement
from tracker.pipeline import Runtime

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test reads the developer's config or store: env vars cleared, cwd is a tmp dir."""
    monkeypatch.delenv("TRACKER_DB", raising=False)
    monkeypatch.delenv("TRACKER_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.fixture(scope="session")
def runtime() -> Runtime:
    """The real gazetteer, lexicon and spaCy model, loaded once for the whole session."""
    settings = load_settings(config=None, db=os.devnull)
    rt = Runtime(settings)
    rt.scorer  # noqa: B018 - build now, once
    return rt


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "store" / "tracker.duckdb"


@pytest.fixture
def settings(db_path: Path) -> Any:
    return load_settings(config=None, db=db_path)


@pytest.fixture
def make_statement() -> Callable[..., Statement]:
    """A statement with sensible defaults; tests of the store and views set only what they check."""

    def make(article_id: str = "a1", holder_id: str = "state:RUS", country: str | None = "RUS",
             topic: str = "ceasefire", score: float = 1.0, confidence: float = 1.0,
             published: datetime = datetime(2025, 3, 1, 12), char_start: int = 0, conflict: str = "russia-ukraine",
             source: str = "wire.example", evidence: str = "Evidence sentence.", modality: str = "firm") -> Statement:
        polarity = "support" if score > 0 else "oppose"
        return Statement(
            statement_id=Statement.make_id(article_id, char_start, char_start + 10, holder_id, topic),
            article_id=article_id, published_at=published, source=source, holder_id=holder_id,
            holder_name=holder_id.split(":")[-1], holder_kind=holder_id.split(":")[0], country=country,
            role="government", conflict=conflict, topic=topic, polarity=polarity, modality=modality, score=score,
            confidence=confidence, attribution="reported", tone=0.0, cue="agree [ceasefire]", evidence=evidence,
            char_start=char_start, char_end=char_start + 10, scorer_version="test")

    return make


@pytest.fixture
def make_article() -> Callable[..., Article]:
    def make(text: str | None = None, url: str | None = None, published: str = "2025-03-01T12:00:00Z",
             source: str | None = None) -> Article:
        body = text or ("Reporters covered talks on a ceasefire in Ukraine. " * 20)
        return Article.build(body, url=url, published=published, source=source)

    return make

