"""The trained decision as data: a multinomial logistic regression stored as JSON weights.

Stored as plain weights (feature -> one weight per class) rather than a pickled scikit-learn object:
it loads in milliseconds with no scikit-learn at run time, it can be read and diffed, and its digest
goes into the scorer version so every statement says which model produced it. Training
(tracker/learned/train.py) needs scikit-learn; scoring does not.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

CLASSES = ("none", "support", "oppose")
PACKAGED = "data/model/decision.json"


@dataclass(frozen=True)
class LinearModel:
    classes: tuple[str, ...]
    intercept: tuple[float, ...]
    weights: Mapping[str, tuple[float, ...]]
    threshold: float                 # the least probability of support or oppose that makes a statement
    meta: Mapping[str, Any]
    digest: str

    def proba(self, feats: Iterable[str]) -> dict[str, float]:
        z = list(self.intercept)
        for f in set(feats):
            w = self.weights.get(f)
            if w is not None:
                for k, v in enumerate(w):
                    z[k] += v
        top = max(z)
        e = [math.exp(v - top) for v in z]
        s = sum(e)
        return {c: v / s for c, v in zip(self.classes, e)}

    def to_json(self) -> str:
        """JSON with one feature a line, so that a retrained model reads as a diff of weights."""
        head = {"classes": list(self.classes), "intercept": list(self.intercept), "threshold": self.threshold,
                "meta": dict(self.meta)}
        lines = [json.dumps(k, ensure_ascii=False) + ": " + json.dumps(list(v)) for k, v in sorted(self.weights.items())]
        return (json.dumps(head, sort_keys=True, ensure_ascii=False)[:-1] + ', "weights": {\n'
                + ",\n".join(lines) + "\n}}")


def from_json(text: str) -> LinearModel:
    text = text.strip()
    body = json.loads(text)
    classes = tuple(body["classes"])
    if set(classes) != set(CLASSES):
        raise ValueError(f"model classes {classes} are not {CLASSES}")
    weights = {k: tuple(float(x) for x in v) for k, v in body["weights"].items()}
    return LinearModel(classes, tuple(float(x) for x in body["intercept"]), weights, float(body["threshold"]),
                       body.get("meta", {}), hashlib.sha256(text.encode("utf-8")).hexdigest()[:10])


def build(classes: Sequence[str], intercept: Sequence[float], names: Sequence[str], coef: Any, threshold: float,
          meta: Mapping[str, Any]) -> LinearModel:
    """From a fitted linear model's arrays (coef: classes x features); near-zero weights are dropped."""
    weights = {}
    for j, name in enumerate(names):
        col = [round(float(coef[k][j]), 5) for k in range(len(classes))]
        if any(abs(v) >= 1e-4 for v in col):
            weights[name] = tuple(col)
    model = LinearModel(tuple(classes), tuple(round(float(x), 5) for x in intercept), weights, threshold, meta, "")
    return from_json(model.to_json())


def load(path: Path | None = None) -> LinearModel | None:
    """The packaged model (or the one at path); None when there is none, so the scorer runs on rules."""
    try:
        text = Path(path).read_text("utf-8") if path else \
            resources.files("tracker").joinpath(PACKAGED).read_text("utf-8")
    except (FileNotFoundError, OSError):
        return None
    return from_json(text)
