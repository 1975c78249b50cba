"""The grouped folds of `make train`: outlets and same-deal stories never straddle train and test."""

from __future__ import annotations

import pytest

pytest.importorskip("sklearn")

from tools.train import family, groups_of, outlet  # noqa: E402


@pytest.mark.parametrize(
    "doc_id,want",
    [("train2-mna-reuters-003", "reuters"), ("train2-fdi-2merkato-001", "2merkato"), ("bbc-business-013", "bbc"),
     ("reuters-523", "reuters"), ("adaderana-1", "adaderana")],
)
def test_outlet(doc_id, want):
    assert outlet(doc_id) == want


def test_family():
    assert family("train2-mna-reuters-003") == "train:mna"
    assert family("bbc-business-013") == "dev:bbc"
    assert family("adaderana-1") == "dev:modern"


def test_same_deal_stories_share_a_group_across_outlets():
    docs = [
        {"id": "train2-mna-alpha-001", "is_investment": True, "investor": "Zentrix Corp", "target": "Mellow Foods"},
        {"id": "train2-mna-beta-001", "is_investment": True, "investor": "Zentrix Corp", "target": "Mellow Foods"},
        {"id": "train2-mna-gamma-001", "is_investment": True, "investor": "Quorvan", "target": "Brinell"},
        {"id": "train2-mna-alpha-002", "is_investment": False, "investor": None, "target": None},
    ]
    groups = groups_of(docs)
    assert groups[0] == groups[1] == groups[3]  # beta joins alpha through the shared deal
    assert groups[2] != groups[0]
