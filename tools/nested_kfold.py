"""Rows for the labelled stories from models that never saw them: every fitted stage refit per fold.

``make train`` ships the candidate rankers (amount, investor, target and investor country) and the
row confidence fitted on all 204 labelled investment stories, so field scores of the shipped models
on those stories are full-data scores. Here the stories are split into the same grouped folds as
every other k-fold report (outlet or source family, same-deal stories together); for each fold
every ranker and the row confidence are refit on the other folds and the held-out stories are run
through ``extract_deals`` with those models, with the classifier's out-of-fold score.

Two simplifications, both stated where the numbers are reported: the candidates' features are
computed once with the shipped models upstream (a country candidate's features read the investor
the shipped investor ranker chose), and each stage keeps its shipped threshold (chosen on all
stories' out-of-fold picks). The weights, which is where fitting can flatter, are held out.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from sklearn.model_selection import GroupKFold

from tools.field_scores import SETS, _title_body, row_of
from tools.rank_train import FOLDS, Story, export
from tools.train import groups_of

STAGES = ("amount", "investor", "target_country", "investor_country", "confidence")


def _stage_stories(oof: Mapping[str, float]) -> dict[str, list[Story]]:
    """Each stage's training candidates over all labelled stories, as its ``make train`` tool builds them."""
    from tools import rank_amount, rank_country, rank_investor, train_confidence

    return {
        "amount": rank_amount.build()[1],
        "investor": rank_investor.build()[1],
        "target_country": rank_country.build("target_country")[1],
        "investor_country": rank_country.build("investor_country")[1],
        "confidence": train_confidence.build(dict(oof))[2],
    }


def _stage_c() -> dict[str, float]:
    from tools import rank_amount, rank_country, rank_investor, train_confidence

    return {"amount": rank_amount.C, "investor": rank_investor.C, "target_country": rank_country.C,
            "investor_country": rank_country.C, "confidence": train_confidence.C}


@contextmanager
def using_rankers(models: Mapping[str, Any]) -> Iterator[None]:
    """Route ``load_ranker(field)`` to ``models[field]`` (the callers import it at call time)."""
    from transforms.deals import ranker

    shipped: Callable = ranker.load_ranker
    ranker.load_ranker = lambda field: models[field] if field in models else shipped(field)
    try:
        yield
    finally:
        ranker.load_ranker = shipped


def _labelled_positives() -> list[tuple[dict, str, str]]:
    out = []
    for labels_path, texts in SETS.values():
        for line in labels_path.read_text("utf-8").splitlines():
            lab = json.loads(line) if line.strip() else {}
            if lab.get("is_investment"):
                title, body = _title_body((texts / f"{lab['id']}.txt").read_text("utf-8"))
                out.append((lab, title, body))
    return out


def nested_rows(oof: Mapping[str, float]) -> dict[str, dict | None]:
    """id -> the row ``extract_deals`` writes (None: no row) with every stage fitted on the other folds."""
    from transforms.deals.extract import extract_deals
    from transforms.deals.ranker import load_ranker, ranker_from_dict

    positives = _labelled_positives()
    labs = [lab for lab, _, _ in positives]
    groups = groups_of(labs)
    by_stage = _stage_stories(oof)
    c = _stage_c()
    thresholds = {s: load_ranker(s).threshold for s in STAGES}
    rows: dict[str, dict | None] = {}
    folds = GroupKFold(n_splits=FOLDS).split(labs, groups=groups)
    for _, test_idx in folds:
        held_out = {groups[i] for i in test_idx}  # whole outlets / deals, negatives included
        models = {}
        for stage, stories in by_stage.items():
            fit_on = [s for s in stories if s.group not in held_out and s.candidates]
            models[stage] = ranker_from_dict(export(stage, fit_on, c[stage], thresholds[stage]))
        with using_rankers(models):
            for i in test_idx:
                lab, title, body = positives[i]
                deals = extract_deals(title, body, story_score=oof[lab["id"]])
                rows[lab["id"]] = row_of(deals[0]) if deals else None
    return rows


__all__ = ["STAGES", "nested_rows", "using_rankers"]
