"""Fit, score and export a candidate ranker (the training side of transforms/deals/ranker.py).

A field's training data is one list of candidates per labelled story, each candidate a dict of
named numeric features plus whether it is the labelled answer. Pointwise logistic regression
(liblinear, deterministic); a story's prediction is its top-scoring candidate. Scores are grouped
k-fold with the same groups as the is_investment model (tools.train.groups_of: outlet or source
family, same-deal stories joined), so nothing seen in training is scored.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

FOLDS = 5


@dataclass
class Story:
    """One labelled story's candidates for a field."""

    doc_id: str
    group: str
    candidates: list[Mapping[str, float]]
    correct: list[bool]  # per candidate: is it the labelled answer


def _fit(stories: Sequence[Story], c: float) -> tuple[DictVectorizer, LogisticRegression] | None:
    rows = [f for s in stories for f in s.candidates]
    ys = [int(k) for s in stories for k in s.correct]
    if not rows or len(set(ys)) < 2:
        return None
    vec = DictVectorizer(sparse=False, sort=True)
    x = vec.fit_transform(rows)
    model = LogisticRegression(C=c, solver="liblinear", max_iter=1000, random_state=0)
    model.fit(x, ys)
    return vec, model


def _pick(fitted, story: Story, threshold: float) -> int | None:
    if fitted is None or not story.candidates:
        return None
    vec, model = fitted
    p = model.predict_proba(vec.transform(story.candidates))[:, 1]
    i = int(np.argmax(p))  # first maximum: text order breaks ties, as at run time
    return i if p[i] >= threshold else None


def kfold_top1(stories: Sequence[Story], c: float = 1.0, threshold: float = 0.0) -> list[int | None]:
    """Out-of-fold pick (candidate index or None) for every story."""
    picks: list[int | None] = [None] * len(stories)
    groups = [s.group for s in stories]
    n_groups = len(set(groups))
    if n_groups < 2:
        return picks
    for train_idx, test_idx in GroupKFold(n_splits=min(FOLDS, n_groups)).split(stories, groups=groups):
        fitted = _fit([stories[i] for i in train_idx], c)
        for i in test_idx:
            picks[i] = _pick(fitted, stories[i], threshold)
    return picks


def accuracy(stories: Sequence[Story], picks: Sequence[int | None]) -> float:
    """Share of stories whose pick is a correct candidate (a story with no right candidate counts as wrong)."""
    if not stories:
        return 0.0
    return sum(1 for s, i in zip(stories, picks, strict=True) if i is not None and s.correct[i]) / len(
        stories
    )


def export(field: str, stories: Sequence[Story], c: float = 1.0, threshold: float = 0.0) -> dict:
    """Fit on all stories and return the JSON that transforms.deals.ranker.ranker_from_dict reads."""
    fitted = _fit(stories, c)
    if fitted is None:
        raise ValueError(f"{field}: no positive and negative candidates to fit")
    vec, model = fitted
    return {
        "field": field,
        "kind": "pointwise logistic regression over named candidate features (liblinear)",
        "features": vec.get_feature_names_out().tolist(),
        "coef": [round(float(v), 6) for v in model.coef_[0]],
        "intercept": round(float(model.intercept_[0]), 6),
        "threshold": threshold,
        "C": c,
        "trained_on": {"stories": len(stories), "candidates": sum(len(s.candidates) for s in stories)},
    }
