"""The run-time ranker picks what the trained model picks, and the threshold can refuse every candidate."""

from __future__ import annotations

import random

import pytest

from transforms.deals.ranker import LinearRanker, ranker_from_dict

rank_train = pytest.importorskip("tools.rank_train")


def _stories(n: int = 60, seed: int = 3) -> list:
    rng = random.Random(seed)
    out = []
    for k in range(n):
        cands, correct = [], []
        right = rng.randrange(4)
        for j in range(4):
            good = j == right
            cands.append(
                {
                    "agent": float(good and rng.random() < 0.8),
                    "in_title": float(rng.random() < (0.7 if good else 0.3)),
                    "position": j / 4,
                }
            )
            correct.append(good)
        out.append(rank_train.Story(doc_id=f"d{k}", group=f"g{k % 7}", candidates=cands, correct=correct))
    return out


def test_shipped_form_picks_what_sklearn_picks():
    stories = _stories()
    model = rank_train.export("investor", stories, c=1.0)
    ranker = ranker_from_dict(model)
    fitted = rank_train._fit(stories, 1.0)
    for s in stories:
        want = rank_train._pick(fitted, s, 0.0)
        got, _ = ranker.best(list(range(len(s.candidates))), lambda i, s=s: s.candidates[i])
        assert got == want


def test_kfold_learns_the_signal_and_scores_out_of_fold():
    stories = _stories()
    acc = rank_train.accuracy(stories, rank_train.kfold_top1(stories))
    assert acc > 0.6  # "agent" marks the right candidate 80 % of the time; chance is 0.25


def test_threshold_refuses_weak_candidates():
    ranker = LinearRanker(field="x", weights={"a": 1.0}, intercept=-5.0, threshold=0.5)
    assert ranker.best([0, 1], lambda i: {"a": float(i)}) == (
        None,
        pytest.approx(1 / (1 + 2.718281828**4), rel=1e-3),
    )
    strong = LinearRanker(field="x", weights={"a": 10.0}, intercept=-5.0, threshold=0.5)
    assert strong.best([0, 1], lambda i: {"a": float(i)})[0] == 1


def test_nested_kfold_routes_a_stage_to_its_fold_model_and_restores_the_shipped_one():
    """tools.nested_kfold scores held-out stories with per-fold models: while the override is on,
    the pipeline's own ranker lookup returns the fold's model; afterwards the shipped one again."""
    from tools.nested_kfold import using_rankers
    from transforms.deals import ranker

    shipped = ranker.load_ranker("investor")
    fold_model = ranker.LinearRanker("investor", {"x": 1.0}, 0.0, 0.9)
    with using_rankers({"investor": fold_model}):
        assert ranker.load_ranker("investor") is fold_model
        assert ranker.load_ranker("amount") is ranker.load_ranker("amount")  # other stages: shipped
    assert ranker.load_ranker("investor") is shipped
