"""The make-eval scorer: field matching rules and aggregate numbers on hand-made labels."""

from __future__ import annotations

import pytest

from tools.evaluate import CHECK_IDS, FIELDS, field_correct, norm_evidence, score

LABEL = {
    "id": "x-1",
    "is_investment": True,
    "deal_type": "acquisition",
    "investor": "Acme Holdings Plc",
    "target": "Bolt Ltd",
    "target_country": "GB",
    "investor_country": "US",
    "amount": 100e6,
    "currency": "GBP",
    "horizon_years": [2, 3],
    "evidence": "Acme Holdings Plc said it agreed to buy Bolt Ltd for 100 mln stg.",
}
ROW = {
    "deal_type": "acquisition",
    "investor": "ACME HOLDINGS",
    "target": "Bolt",
    "target_country": "GB",
    "investor_country": "US",
    "amount": 100.5e6,
    "currency": "GBP",
    "horizon_min_years": 2,
    "horizon_max_years": 3,
    "evidence": "Acme Holdings Plc said it agreed\n  to buy Bolt Ltd for 100 mln stg.",
    "evidence_start": 0,
    "evidence_end": 10,
    "confidence": 0.9,
}


@pytest.mark.parametrize("field", FIELDS)  # the scorer's own list, not a copy of it
def test_matching_row_is_correct_on_every_field(field):
    assert field_correct(field, LABEL, ROW)


WRONG = [
    ("investor", {"investor": "Acme Industries"}),
    ("target", {"target": "Volt Ltd"}),
    ("target_country", {"target_country": "US"}),
    ("investor_country", {"investor_country": "CN"}),
    ("deal_type", {"deal_type": "fdi_pledge"}),
    ("amount", {"amount": 102e6}),
    ("amount", {"currency": "USD"}),
    ("horizon", {"horizon_min_years": 3}),
    ("evidence", {"evidence": "Something else."}),
]


@pytest.mark.parametrize("field,change", WRONG)
def test_wrong_values_are_wrong(field, change):
    assert not field_correct(field, LABEL, {**ROW, **change})


def test_every_scored_field_has_a_wrong_value_case():
    """A field the scorer adds must come with a case showing it can be scored wrong."""
    assert {field for field, _ in WRONG} == set(FIELDS)


def test_missing_row_is_wrong_unless_label_is_null():
    assert not field_correct("amount", LABEL, None)
    assert field_correct("amount", {**LABEL, "amount": None, "currency": None}, None)


def test_wire_dateline_dropped_from_evidence():
    assert norm_evidence("LONDON, March 2 - Acme said it would\n invest.") == "Acme said it would invest."


def test_aggregate_scores_and_calibration():
    labels = {
        "a": LABEL | {"id": "a"},
        "b": {**LABEL, "id": "b", "is_investment": False},
        "c": LABEL | {"id": "c"},
    }
    text = "Acme Holdings said x"
    preds = {
        "a": {"is_investment": True, "score": 0.9, "text": text, "deals": [{**ROW, "evidence": text[0:10]}]},
        "b": {"is_investment": True, "score": 0.7, "text": text, "deals": [{**ROW, "evidence": "broken"}]},
        "c": {"is_investment": False, "score": 0.2, "text": text, "deals": []},
    }
    res = score(labels, preds, ["a", "b", "c"])
    cls = res["is_investment"]
    assert (cls["tp"], cls["fp"], cls["fn"]) == (1, 1, 1)
    assert res["fields_on_true_investments"]["amount"]["accuracy"] == 0.5
    assert res["evidence_invariant_violations"] == 1
    cal = res["confidence_calibration"]
    assert cal["n"] == 2 and cal["brier"] == pytest.approx(((0.9 - 1) ** 2 + (0.9 - 0) ** 2) / 2, abs=1e-4)
    assert sum(b["n"] for b in cal["bins"]) == 2
    assert any(m["id"] == "c" and m["field"] == "is_investment" for m in res["misses"])


def test_check_split_is_thirty_named_ids():
    assert len(CHECK_IDS) == 30
