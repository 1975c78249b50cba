"""extract_deals on the seed story and on small hand-written phrasings."""

from __future__ import annotations

from pathlib import Path

import pytest

from transforms.boilerplate import strip_tail
from transforms.classify import classify
from transforms.deals import extract_deals

SEED = Path(__file__).resolve().parents[1] / "seeds" / "000_ffccc2825a3c1863.txt"


def _seed() -> tuple[str, str]:
    raw = SEED.read_text("utf-8")
    title, _, body = raw.partition("\n")
    return title.strip(), strip_tail(body.strip("\n"))


def test_seed_gives_exactly_the_whale_cloud_row():
    title, body = _seed()
    deals = extract_deals(title, body)
    assert len(deals) == 1
    d = deals[0]
    assert d.investor == "Whale Cloud"
    assert d.target is None
    assert d.target_country == "PK"
    assert d.investor_country == "CN"
    assert d.amount == 70000000.0 and d.amount_bound == "exact" and d.currency == "USD"
    assert d.amount_usd == 70000000.0
    assert (d.horizon_min_years, d.horizon_max_years) == (2, 3)
    assert d.deal_type == "fdi_pledge"
    assert body[d.evidence_start : d.evidence_end] == d.evidence
    assert d.evidence.startswith("Considering the demographical")
    assert "pledged to invest $70 million in Pakistan" in d.evidence
    assert d.evidence.endswith("over the next two to three years.")
    assert 0.0 <= d.confidence <= 1.0
    assert {"Ali Baba Group", "ZTE"} <= set(d.investor_affiliates)


def test_seed_classified_as_investment_and_no_sidebar_amount():
    title, body = _seed()
    assert classify(title, body).is_investment
    raw_body = SEED.read_text("utf-8").partition("\n")[2]
    for d in extract_deals(title, raw_body):
        assert d.amount != 300e9


def test_human_capital_phrase_is_not_a_deal():
    body = (
        "He asked the company's chief executive to invest in the human capital of the country, "
        "to which both leaders agreed."
    )
    assert extract_deals("Minister meets executives", body) == []


@pytest.mark.parametrize(
    "title,body,investor,target,deal_type,amount,currency",
    [
        (
            "Maker buys rival",
            "Acme Widgets Corp said it has agreed to buy rival Brightco Inc for 120 mln dlrs.",
            "Acme Widgets Corp",
            "Brightco Inc",
            "acquisition",
            120e6,
            "USD",
        ),
        (
            "Fund takes stake",
            "Northbay Capital has bought a 20% stake in Lumen Foods for $45m, the company said.",
            "Northbay Capital",
            "Lumen Foods",
            "stake",
            45e6,
            "USD",
        ),
        (
            "Government buys miner",
            "The Zambian government has bought 85 pct of Calder Mining Corp for 25 mln dlrs, the ministry said.",
            "Zambian government",
            "Calder Mining Corp",
            "acquisition",
            25e6,
            "USD",
        ),
        (
            "Seller exits",
            "The Grand Hotel has been sold to Harbour Holdings for £80m, its owner said.",
            None,
            None,
            None,
            80e6,
            "GBP",
        ),
    ],
)
def test_simple_deals(title, body, investor, target, deal_type, amount, currency):
    deals = extract_deals(title, body)
    assert deals, "expected a deal"
    d = deals[0]
    if investor is not None:
        assert d.investor == investor
    if target is not None:
        assert d.target == target
    if deal_type is not None:
        assert d.deal_type == deal_type
    assert d.amount == amount and d.currency == currency
    assert body[d.evidence_start : d.evidence_end] == d.evidence
