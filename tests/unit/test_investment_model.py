"""The pure-Python scorer of the learned model: tf-idf blocks, dense parts, gate, threshold."""

from __future__ import annotations

import math

import pytest

from transforms.deals.model import StoryInputs, decide_inputs, model_from_dict
from transforms.records import Classification

RULE = Classification(False, 0.1, ("score:0.00",))


def _model(**over) -> dict:
    raw = {
        "token_pattern": r"(?u)__[a-z]+__|\b[a-z][a-z'-]+\b",
        "title": {"vocabulary": ["__org__", "acquire", "__org__ acquire"], "idf": [1.0, 2.0, 3.0],
                  "coef": [0.0, 1.0, 2.0], "ngram_max": 2},
        "lead": {"vocabulary": ["talks"], "idf": [1.5], "coef": [-4.0], "ngram_max": 2},
        "dense_names": ["has_candidate", "flag:no_named_investor"],
        "dense_coef": [1.0, -6.0],
        "dense_scale": 0.5,
        "intercept": -0.5,
        "threshold": 0.5,
        "gate_probability": 0.03,
    }
    raw.update(over)
    return raw


def _sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-z))


def test_tfidf_block_matches_sklearn_formula():
    m = model_from_dict(_model())
    # title "__ORG__ acquire": tf 1 each; weights idf; l2 norm over the 3 present terms
    w = [1.0, 2.0, 3.0]
    norm = math.sqrt(sum(v * v for v in w))
    want = (0.0 * 1 + 1.0 * 2 + 2.0 * 3) / norm
    assert m.title.score("__ORG__ Acquire") == pytest.approx(want)
    assert m.title.score("nothing known here") == 0.0
    # sublinear tf: "talks talks" -> (1 + ln 2) * idf, normalised to one term: the coefficient itself
    assert m.lead.score("talks talks") == pytest.approx(-4.0)


def test_probability_adds_blocks_dense_and_intercept():
    m = model_from_dict(_model())
    x = StoryInputs(False, RULE, {"has_candidate": 1.0}, "__ORG__ acquire", "in talks")
    z = -0.5 + m.title.score("__ORG__ acquire") + m.lead.score("in talks") + 0.5 * 1.0
    verdict = decide_inputs(x, m)
    assert verdict.score == pytest.approx(round(_sigmoid(z), 4))
    assert verdict.is_investment is (_sigmoid(z) >= 0.5)
    assert verdict.reasons[0].startswith("model:") and verdict.reasons[1:] == RULE.reasons


def test_dense_negative_part_turns_the_verdict():
    m = model_from_dict(_model())
    pos = decide_inputs(StoryInputs(False, RULE, {"has_candidate": 1.0}, "__ORG__ acquire", ""), m)
    neg = decide_inputs(StoryInputs(False, RULE, {"has_candidate": 1.0, "flag:no_named_investor": 1.0},
                                    "__ORG__ acquire", ""), m)
    assert pos.is_investment and not neg.is_investment


def test_gated_story_gets_the_gate_probability():
    m = model_from_dict(_model())
    verdict = decide_inputs(StoryInputs(True, RULE, {}), m)
    assert verdict == Classification(False, 0.03, ("gate:no_deal_sentence",) + RULE.reasons)


def test_threshold_is_read_from_the_model():
    x = StoryInputs(False, RULE, {}, "", "")
    low = model_from_dict(_model(intercept=0.0, threshold=0.4))
    high = model_from_dict(_model(intercept=0.0, threshold=0.6))
    assert decide_inputs(x, low).is_investment and not decide_inputs(x, high).is_investment


def test_shipped_model_loads_and_decides_a_plain_deal():
    from transforms.deals.model import decide

    v = decide("Acme Corp to buy Zeta Ltd for $50 million",
               "Acme Corp said on Monday it has agreed to buy Zeta Ltd, a maker of valves, for $50 million in cash.")
    assert 0.0 <= v.score <= 1.0 and v.reasons[0].startswith("model:")
    assert decide("Weather", "Rain is expected over the weekend in most of the region, forecasters said.").score < 0.5
