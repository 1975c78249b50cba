"""Learned candidate rankers: which organisation is the investor, which amount the deal's, which country the target's.

One mechanism for every field choice that is learned: `make train` fits a logistic regression over
the features of each candidate (named numeric features only, no words, so a model file can hold no
company name) and writes its weights as package data (transforms/data/ranker_<field>.json). At run
time the candidate with the highest score wins, if it clears the shipped threshold. Pure Python; no
scikit-learn at run time.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TypeVar

T = TypeVar("T")
Features = Mapping[str, float]


@dataclass(frozen=True)
class LinearRanker:
    """Weights fitted by tools/rank_train.py; `score` is the calibrated probability a candidate is right."""

    field: str
    weights: Mapping[str, float]
    intercept: float
    threshold: float = 0.0

    def score(self, features: Features) -> float:
        z = self.intercept + sum(self.weights.get(name, 0.0) * value for name, value in features.items())
        return 1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0)))

    def best(self, candidates: Sequence[T], featurize: Callable[[T], Features]) -> tuple[T | None, float]:
        """The top candidate and its score; (None, score) when even the top one is below the threshold.

        Ties keep the earlier candidate, so candidate order (text order) is the tie-break.
        """
        top: T | None = None
        top_score = -1.0
        for cand in candidates:
            s = self.score(featurize(cand))
            if s > top_score:
                top, top_score = cand, s
        if top is None or top_score < self.threshold:
            return None, max(top_score, 0.0)
        return top, top_score


def ranker_from_dict(model: Mapping) -> LinearRanker:
    """Build a ranker from the JSON that tools/rank_train.py exports."""
    return LinearRanker(
        field=model["field"],
        weights=dict(zip(model["features"], model["coef"], strict=True)),
        intercept=float(model["intercept"]),
        threshold=float(model.get("threshold", 0.0)),
    )


@cache
def load_ranker(field: str) -> LinearRanker:
    """The shipped ranker for `field` (parsed once per process)."""
    raw = resources.files("transforms.data").joinpath(f"ranker_{field}.json").read_text(encoding="utf-8")
    return ranker_from_dict(json.loads(raw))
