"""Property tests: the rule functions never raise and always return valid records on any text."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from transforms.deals.classify import classify
from transforms.deals.extract import extract_deals
from transforms.entities.money import find_money

DEAL_TYPES = {"acquisition", "stake", "joint_venture", "funding_round", "fdi_pledge", "project_investment"}
BOUNDS = {"exact", "at_least", "at_most", "range"}

FRAGMENTS = st.sampled_from(
    [
        "Acme Corp said it will invest $70m in Kenya over the next two to three years.",
        "LONDON, March 2 - Brightco Plc <BRT.L> agreed to buy 51 pct of <Zed Inc> for 30 mln stg.",
        "ISLAMABAD: ",
        "Rs 5,91,61,730",
        " up to $1-2 billion ",
        "has been sold to ",
        "joint venture",
        "(",
        ")",
        "<",
        ">",
        "\n\n",
        "\n    ",
        "N6.09tn ($20bn)",
        "'s ",
        "Must Read",
        "…",
        "€",
    ]
)
TEXT = st.lists(st.one_of(st.text(max_size=40), FRAGMENTS), max_size=25).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=st.one_of(st.none(), st.text(max_size=60), FRAGMENTS), text=TEXT)
def test_classify_and_extract_never_raise_and_are_valid(title, text):
    c = classify(title, text)
    assert isinstance(c.is_investment, bool)
    assert 0.0 <= c.score <= 1.0
    assert c.is_investment == (c.score >= 0.5)
    deals = extract_deals(title, text)
    assert [d.confidence for d in deals] == sorted((d.confidence for d in deals), reverse=True)
    for d in deals:
        assert text[d.evidence_start : d.evidence_end] == d.evidence
        assert 0.0 <= d.confidence <= 1.0
        assert d.deal_type is None or d.deal_type in DEAL_TYPES
        assert d.amount_bound is None or d.amount_bound in BOUNDS
        assert d.currency is None or (len(d.currency) == 3 and d.currency.isupper())
        for cc in (d.target_country, d.investor_country):
            assert cc is None or (len(cc) == 2 and cc.isupper())
        if d.amount is not None:
            assert d.amount > 0
            assert d.amount_max is None or d.amount_max > d.amount
        if d.horizon_min_years is not None:
            assert 0 < d.horizon_min_years <= d.horizon_max_years
        assert isinstance(d.investor_affiliates, tuple)


@settings(max_examples=200, deadline=None)
@given(text=TEXT)
def test_money_offsets_hold(text):
    for m in find_money(text):
        assert text[m.start : m.end] == m.text
        assert m.amount > 0
