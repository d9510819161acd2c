"""A small store for tests that read one: the bundled sample articles ingested with the session's
heavy objects."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from tracker import files, pipeline
from tracker.config import load_settings
from tracker.pipeline import Runtime


def sample_store(runtime: Runtime, db: Path) -> Runtime:
    """A store at db with the bundled sample articles ingested, sharing the session's heavy objects."""
    rt = runtime.sharing(load_settings(config=None, db=db))
    samples = Path(str(resources.files("tracker").joinpath("data/samples/articles.jsonl")))
    with rt.open_store() as store:
        pipeline.ingest(rt, store, files.read_paths([samples]))
    return rt
