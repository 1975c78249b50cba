"""Deal matching rules on synthetic rows (names are invented, never from the labels)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from transforms.ledger.match import DealRow, assign, deal_status, rows_match, summarise
from transforms.ledger.names import name_key, same_party


def row(doc, investor, target=None, country="US", amount=1e9, deal_type="acquisition", day=None, text="", conf=0.8):
    when = datetime(2024, 1, 1, tzinfo=UTC).replace(day=day) if day else None
    return DealRow(doc, 0, deal_type, investor, target, None, country, amount, "USD", amount, when,
                   f"http://127.0.0.1/{doc}", text, text, conf)


@pytest.mark.parametrize(
    "a,b,same",
    [
        ("Zentrix Holdings Ltd", "Zentrix Holdings Limited", True),
        ("Quorvan Group", "Quor Van", True),
        ("Mellow Foods", "Mellow Foods Inc.", True),
        ("Brinell", "Brinell Foods", True),
        ("Société Générale Ziv", "Societe Generale Ziv", True),
        ("Zentrix", "Quorvan", False),
        ("Group", "Holdings", False),  # nothing specific left: never the same party
    ],
)
def test_same_party(a, b, same):
    assert same_party(a, b) is same


def test_name_key_strips_suffixes_and_generic_words():
    assert name_key("Zen Trix Group Holding Limited") == "zen trix"
    assert name_key(None) == ""


def test_variants_of_one_deal_merge():
    rows = [row("a", "Zentrix Corp", "Mellow Foods", amount=2.0e9), row("b", "Zentrix", "Mellow Foods Inc", amount=2.1e9)]
    deals, links = assign(rows, [])
    assert len(deals) == 1 and links["a#0"] == links["b#0"]


def test_same_investor_different_targets_stay_apart():
    rows = [row("a", "Zentrix", "Mellow Foods"), row("b", "Zentrix", "Brinell Steel")]
    assert len(assign(rows, [])[0]) == 2


def test_different_investors_similar_amounts_one_country_stay_apart():
    rows = [row("a", "Zentrix", None, "KE", 5e8, "fdi_pledge"), row("b", "Quorvan", None, "KE", 5e8, "fdi_pledge")]
    assert len(assign(rows, [])[0]) == 2


def test_same_investor_pledges_to_two_countries_stay_apart():
    rows = [row("a", "Zentrix", None, "KE", 5e8, "fdi_pledge"), row("b", "Zentrix", None, "NG", 5e8, "fdi_pledge")]
    assert len(assign(rows, [])[0]) == 2


def test_raised_bid_is_the_same_deal_and_revised():
    first = row("a", "Zentrix", "Mellow Foods", amount=1.0e9, day=3, text="Zentrix bids for Mellow Foods")
    raised = row("b", "Zentrix", "Mellow Foods", amount=1.3e9, day=20, text="Zentrix raises its offer for Mellow Foods")
    deals, _ = assign([first, raised], [])
    assert len(deals) == 1 and summarise(deals[0])["status"] == "revised"


def test_a_much_larger_later_deal_by_the_same_pair_is_another_deal():
    rows = [row("a", "Zentrix", "Mellow Foods", amount=1e9), row("b", "Zentrix", "Mellow Foods", amount=2e9)]
    assert len(assign(rows, [])[0]) == 2


def test_dates_far_apart_are_different_deals_but_undated_rows_still_match():
    far = [row("a", "Zentrix", "Mellow", day=1), DealRow(**{**row("b", "Zentrix", "Mellow").__dict__,
                                                            "published_at": datetime(2027, 1, 1, tzinfo=UTC)})]
    assert len(assign(far, [])[0]) == 2
    assert rows_match(row("a", "Zentrix", "Mellow", day=1), row("b", "Zentrix", "Mellow"))


def test_completion_status_and_provenance():
    rows = [row("a", "Zentrix", "Mellow", amount=None, text="Zentrix to buy Mellow"),
            row("b", "Zentrix", "Mellow", text="Zentrix completes purchase of Mellow", conf=0.9)]
    deal = summarise(assign(rows, [])[0][0])
    assert deal["status"] == "completed" and deal["amount_doc_id"] == "b" and deal["n_articles"] == 2
    assert deal_status([rows[0]]) == "announced"


def test_assignment_is_order_independent_and_ids_stable():
    rows = [row("a", "Zentrix", "Mellow", day=2), row("b", "Zentrix", "Mellow", day=9), row("c", "Quorvan", "Brinell")]
    one, _ = assign(rows, [])
    two, _ = assign(list(reversed(rows)), [])
    assert sorted(d.deal_id for d in one) == sorted(d.deal_id for d in two)


def test_a_row_joining_two_deals_merges_them_and_records_the_merged_id():
    deals, _ = assign([row("a", "Zentrix", None, "US", 1e9)], [])  # buyer known, target not
    deals, _ = assign([row("x", None, "Mellow Foods", "US", 1e9)], deals)  # target known, buyer not
    assert len(deals) == 2
    deals, links = assign([row("b", "Zentrix", "Mellow Foods", "US", 1e9)], deals)  # both: one deal
    assert len(deals) == 1 and len(deals[0].merged_ids) == 1
    assert links["x#0"] == links["b#0"] == deals[0].deal_id
