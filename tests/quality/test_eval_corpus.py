"""make eval on the real dev corpus: the evidence invariant over the whole dev run, and the seed-like rows.

Needs ../shared/corpus/investment-news (skips when absent).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.evaluate import load_labels, predict_in_process, predict_with_pipeline, score

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "investment-news"
pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(not (CORPUS / "dev-labels.jsonl").exists(), reason=f"dev corpus absent: {CORPUS}"),
]


def test_in_process_run_keeps_evidence_offsets_on_every_dev_text():
    labels = load_labels(CORPUS)
    preds = predict_in_process(sorted(labels), CORPUS)
    res = score(labels, preds, sorted(labels))
    assert res["rows"] > 20
    assert res["evidence_invariant_violations"] == 0


def test_pipeline_run_matches_in_process_and_keeps_the_invariant(tmp_path):
    labels = load_labels(CORPUS)
    ids = sorted(labels)
    via_cli = predict_with_pipeline(ids, CORPUS)
    in_proc = predict_in_process(ids, CORPUS)
    assert set(via_cli) == set(ids)
    res = score(labels, via_cli, ids)
    assert res["evidence_invariant_violations"] == 0
    for i in ids:
        assert via_cli[i]["is_investment"] == in_proc[i]["is_investment"], i
        assert [d["evidence"] for d in via_cli[i]["deals"]] == [d["evidence"] for d in in_proc[i]["deals"]], i
