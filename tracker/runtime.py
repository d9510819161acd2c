"""The heavy objects a process builds once and shares: settings plus the gazetteer, conflict registry,
lexicons, spaCy pipeline, learned decision and scorer built from them.

The CLI and the daemon give only settings and the objects are built on first use; tests, notebooks
and benchmarks that hold a loaded model pass it in (`Runtime(settings, nlp=..., gazetteer=...)`), or
take another runtime's objects for a different store with `sharing`. The runtime also opens the
configured store with the reference tables loaded.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Any

import polars as pl

from tracker import actors, conflicts, lexicon
from tracker.actors import Gazetteer
from tracker.config import Settings
from tracker.conflicts import Registry
from tracker.errors import DataFileError, StoreBusyError
from tracker.lexicon import Lexicon
from tracker.models import ArticleScorer
from tracker.store import Store

if TYPE_CHECKING:
    from spacy.language import Language

    from tracker.stance.learned.decide import Decider

log = logging.getLogger("tracker.pipeline")     # the name its warnings have always carried


_UNSET: Any = object()      # "not given": None is a valid decider (rules alone)

# The settings the heavy objects are built from: runtimes may share the objects only when these agree.
_KNOWLEDGE = ("model", "gazetteer_extra", "conflicts_extra", "lexicon_extra", "decide_extra")


class Runtime:
    """Settings plus the heavy objects built from them: given, or built on first use.

    The CLI and the daemon give only settings; tests, notebooks and benchmarks that hold a loaded
    model pass it in (`Runtime(settings, nlp=..., gazetteer=...)`), or take another runtime's objects
    for a different store with `sharing`.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        gazetteer: Gazetteer | None = None,
        registry: Registry | None = None,
        lexicon: Lexicon | None = None,
        nlp: Language | None = None,
        decider: Decider | None = _UNSET,
        scorer: ArticleScorer | None = None,
    ) -> None:
        self.settings = settings
        self._gazetteer = gazetteer
        self._registry = registry
        self._lexicon = lexicon
        self._nlp = nlp
        self._decider = decider
        self._scorer = scorer
        self._lock = threading.RLock()      # the daemon's threads may ask for an object while it is built

    def sharing(self, settings: Settings | None = None, **objects: Any) -> Runtime:
        """A runtime with these heavy objects (built now if they are not yet), for other settings
        (another store, other feeds) or with some objects replaced (`scorer=...`).

        The settings the objects are built from (model, gazetteer, conflicts, lexicon and decide
        extras) must agree, so a shared object is never one the new settings would not build.
        """
        settings = settings or self.settings
        differ = [k for k in _KNOWLEDGE if getattr(settings, k) != getattr(self.settings, k)]
        if differ:
            raise ValueError(f"cannot share heavy objects across settings that differ in {', '.join(differ)}")
        unknown = sorted(set(objects) - {"gazetteer", "registry", "lexicon", "nlp", "decider", "scorer"})
        if unknown:
            raise TypeError(f"Runtime.sharing() got unknown object(s): {', '.join(unknown)}")
        shared: dict[str, Any] = {name: objects[name] if name in objects else getattr(self, name)
                                  for name in ("gazetteer", "registry", "lexicon", "nlp", "decider", "scorer")}
        return Runtime(settings, **shared)

    @property
    def gazetteer(self) -> Gazetteer:
        with self._lock:
            if self._gazetteer is None:
                self._gazetteer = actors.load(self.settings.gazetteer_extra)
            return self._gazetteer

    @property
    def registry(self) -> Registry:
        with self._lock:
            if self._registry is None:
                g = self.gazetteer
                known = {s.actor_id for s in g.states.values()} | set(g.orgs)
                self._registry = conflicts.load(self.settings.conflicts_extra, known_actors=known)
            return self._registry

    @property
    def lexicon(self) -> Lexicon:
        with self._lock:
            if self._lexicon is None:
                self._lexicon = lexicon.load(self.settings.lexicon_extra)
            return self._lexicon

    @property
    def nlp(self) -> Language:
        with self._lock:
            if self._nlp is None:
                from tracker import nlp

                self._nlp = nlp.build(self.gazetteer, self.settings.model or None)
            return self._nlp

    @property
    def scorer(self) -> ArticleScorer:
        with self._lock:
            if self._scorer is None:
                from tracker import nlp as nlp_mod
                from tracker.stance import Scorer

                self._scorer = Scorer(self.nlp, self.gazetteer, self.registry, self.lexicon,
                                      scan_matcher=nlp_mod.scan_matcher(self.nlp, self.gazetteer),
                                      decider=self.decider)
            return self._scorer

    @property
    def decider(self) -> Decider | None:
        """The learned decision with the packaged model; None (rules alone, with a warning) without one."""
        with self._lock:
            if self._decider is _UNSET:
                self._decider = self._load_decider()
            return self._decider

    def _load_decider(self) -> Decider | None:
        from tracker.stance.learned import model, resources
        from tracker.stance.learned.decide import Decider

        trained = model.load()
        if trained is None:
            log.warning("no trained model in the package (tracker/%s): scoring with the rules alone; "
                        "`make train` builds it", model.PACKAGED)
            return None
        try:
            data = resources.load(self.settings.decide_extra)
        except (OSError, ValueError) as exc:
            raise DataFileError("A word list of the learned decision is not valid", str(exc),
                                "fix the file named above (format: tracker/data/decide.toml), or drop it from "
                                "[decide] extra in your config") from None
        return Decider(self.gazetteer, self.lexicon, data, trained)

    def reference(self) -> tuple[str, pl.DataFrame, pl.DataFrame, pl.DataFrame]:
        """The gazetteer and registry as frames for the store's actors, actor_roles and conflicts tables."""
        actor_rows, role_rows = actors.reference_rows(self.gazetteer)
        digest = f"{self.gazetteer.digest}:{_registry_digest(self.registry)}"
        return (
            digest,
            pl.DataFrame(actor_rows, schema={"actor_id": pl.Utf8, "kind": pl.Utf8, "name": pl.Utf8, "code": pl.Utf8,
                                             "aliases": pl.List(pl.Utf8), "gender": pl.Utf8}),
            pl.DataFrame(role_rows, schema={"person_id": pl.Utf8, "body": pl.Utf8, "country": pl.Utf8, "role": pl.Utf8,
                                            "titles": pl.List(pl.Utf8), "start_date": pl.Date, "end_date": pl.Date}),
            pl.DataFrame(self.registry.rows(), schema={"conflict_id": pl.Utf8, "name": pl.Utf8,
                                                       "parties": pl.List(pl.Utf8), "since": pl.Date,
                                                       "until": pl.Date, "keywords": pl.List(pl.Utf8)}),
        )

    def open_store(self, read_only: bool = False, wait_seconds: float = 0.0) -> Store:
        """Open the configured store; a read-write open also refreshes the reference tables.

        A read-only open uses the readers' snapshot when there is one, so reading never waits for
        (or blocks) the daemon that holds the store file; the snapshot is at most one write
        session (one poll cycle) old.
        """
        path = self.settings.db_path
        if read_only and self.settings.snapshot_path.exists():
            path = self.settings.snapshot_path
        store = Store.open(path, read_only=read_only, settings=self.settings, wait_seconds=wait_seconds)
        if read_only and not store.views_current() and self.settings.db_path.exists():
            # Written by an older version: refresh views (and republish the snapshot) unless the daemon
            # holds the store, in which case its next write session does it.
            store.close()
            try:
                with self.open_store(read_only=False):
                    pass
            except StoreBusyError:
                log.warning("the store's views are from an older version; the daemon will refresh them")
            store = Store.open(path if path.exists() else self.settings.db_path, read_only=True,
                               settings=self.settings, wait_seconds=wait_seconds)
        if not read_only:
            try:
                store.replace_reference(*self.reference())
            except Exception:
                store.close()
                raise
        return store


def _registry_digest(reg: conflicts.Registry) -> str:
    import hashlib

    h = hashlib.sha1()
    for c in sorted(reg.conflicts.values(), key=lambda c: c.conflict_id):
        h.update(repr((c.conflict_id, c.name, c.parties, c.since, c.until, c.strong, c.weak)).encode())
    return h.hexdigest()[:12]
