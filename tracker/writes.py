"""The one write path: a batch of scored articles into the store, and what happened as a plain value.

`tracker ingest`, `tracker rescore`, the poller (and so `tracker poll` and the daemon) and `tracker
load` all write through `write_scored`. A batch is written in one transaction; when that fails, its
articles are written one by one, so the article that cannot be written costs only itself (it is
skipped with reason `store_error`). The skipped items of the batch are recorded in `skipped` in the
same call, so nothing vanishes without a trace.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Mapping, Sequence

from tracker.errors import StoreError
from tracker.files import Skip
from tracker.models import Article, Statement
from tracker.store import Store, WriteResult

Scored = tuple[Article, Sequence[Statement]]


@dataclass(frozen=True)
class WriteReport:
    """What writing a batch did: the article ids by outcome, the statement rows written, the
    articles that could not be written, and every skipped item recorded (those given and those)."""

    stored: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    statements: int = 0
    errors: int = 0
    skips: tuple[Skip, ...] = ()

    def counts(self) -> Counter[str]:
        """The run counters this batch adds (`stored`, `updated`, ..., `skipped`)."""
        return Counter({"stored": len(self.stored), "updated": len(self.updated), "unchanged": len(self.unchanged),
                        "statements": self.statements, "errors": self.errors, "skipped": len(self.skips)})


def write_scored(
    store: Store,
    scored: Sequence[Scored],
    scorer_version: str,
    *,
    run_id: int | None = None,
    skips: Sequence[Skip] = (),
    batch_size: int | None = None,
    stories: Mapping[str, str] | None = None,
) -> WriteReport:
    """Write scored articles (in batches of batch_size, all at once without it) and record skips.

    Articles already stored with the same text are left alone (`unchanged`), changed ones replaced
    with their statements (`updated`), near-duplicates join the story they copy. With `stories`
    (article id -> story id) the articles are stored already (a rescore): only their statements are
    replaced, under those story ids, and they count as `updated`. `skips` are the batch's items
    skipped before writing (unreadable, not scored); they are recorded under `run_id` with the
    articles that could not be written, and returned in the report.
    """
    result = WriteResult()
    failed: list[Skip] = []
    size = batch_size or max(1, len(scored))
    for start in range(0, len(scored), size):
        chunk = scored[start:start + size]
        try:
            result.merge(_write(store, chunk, scorer_version, stories))
        except StoreError:
            for pair in chunk:              # isolate the article that cannot be written; the others land
                try:
                    result.merge(_write(store, [pair], scorer_version, stories))
                except StoreError as exc:
                    failed.append(Skip(pair[0].url or pair[0].article_id, "store_error", exc.render()))
    recorded = (*skips, *failed)
    store.record_skips(run_id, [(s.item, s.reason, s.detail) for s in recorded])
    return WriteReport(stored=tuple(result.stored), updated=tuple(result.updated),
                       unchanged=tuple(result.unchanged), statements=result.statements, errors=len(failed),
                       skips=recorded)


def _write(store: Store, chunk: Sequence[Scored], version: str, stories: Mapping[str, str] | None) -> WriteResult:
    if stories is None:
        return store.write(chunk, version)
    items = [(a.article_id, stories[a.article_id], sts) for a, sts in chunk]
    rows = store.replace_statements(items, version)
    return WriteResult(updated=[a.article_id for a, _ in chunk], statements=rows)
