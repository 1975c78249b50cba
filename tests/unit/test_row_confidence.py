"""The fitted row confidence: the features the code makes are the ones the shipped model weighs, and
the story score moves it the way a calibrated probability must."""

from __future__ import annotations

import json
from importlib import resources

from tests.unit.test_deals import _seed
from transforms.deals.extract import extract_deals, main_deal
from transforms.deals.row_confidence import row_confidence, with_story_score


def _shipped() -> dict:
    return json.loads(resources.files("transforms.data").joinpath("ranker_confidence.json").read_text("utf-8"))


def test_shipped_model_weighs_exactly_the_features_extraction_makes():
    title, body = _seed()
    found = main_deal(title, body)
    assert found is not None
    _, feats = found
    model = _shipped()
    assert sorted(with_story_score(feats, 0.5)) == model["features"]
    assert all(isinstance(v, float) for v in feats.values())
    assert 0.0 < model["threshold"] < 1.0


def test_confidence_rises_with_the_story_score_and_a_rejected_story_keeps_no_row():
    title, body = _seed()
    _, feats = main_deal(title, body)
    ps = [row_confidence(feats, s)[0] for s in (0.02, 0.2, 0.5, 0.8, 0.98)]
    assert ps == sorted(ps) and ps[0] < ps[-1]
    assert extract_deals(title, body, story_score=0.02) == []  # the classifier says no: no row
    (doubtful,) = extract_deals(title, body, story_score=0.02, keep_doubtful=True)
    assert doubtful.confidence < _shipped()["threshold"]
    (kept,) = extract_deals(title, body, story_score=0.98)
    assert kept.confidence >= _shipped()["threshold"]
    assert {k: v for k, v in vars(kept).items() if k != "confidence"} == {
        k: v for k, v in vars(doubtful).items() if k != "confidence"}  # only the confidence differs


def test_keep_threshold_is_the_middle_of_a_plateau_not_the_edge_of_a_cliff():
    from tools.train_confidence import plateau_pick

    # the raw best (0.80 at index 3) sits next to a drop; the plateau 0.78-0.79 around index 2 wins
    assert plateau_pick([0.70, 0.78, 0.79, 0.80, 0.60]) == 2
    assert plateau_pick([0.5, 0.5, 0.5]) == 0  # ties: the lowest threshold
    assert plateau_pick([0.9]) == 0
