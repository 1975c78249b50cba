"""The investor-country ranker's candidates: every country tied to the investor, with named features.

Invented stories (no labelled name): the features say where a country is named relative to the
investor and the trigger and which cascade strategies vote for it; the shipped ranker then picks
the investor's own country over the target's.
"""

from __future__ import annotations

from transforms.deals.extract import main_deal


def _trace(title: str, text: str, field: str = "investor_country") -> tuple[object, dict]:
    trace: dict = {}
    found = main_deal(title, text, trace=trace)
    assert found is not None
    return found[0], {c.code: c.features for c in trace[field]}


def test_a_country_modifying_the_investor_outranks_the_target_country():
    row, cands = _trace(
        "Acme Motors to build $300 million plant in Vietnam",
        "Japan's Acme Motors will invest $300 million to build a new assembly plant in Vietnam, "
        "the carmaker said on Tuesday. The plant near Hanoi will employ 2,000 workers.",
    )
    assert cands["JP"].get("sent_before_investor") == 1.0
    assert cands["JP"].get("vote_investor_modifiers") == 1.0
    assert cands["VN"].get("is_target_country") == 1.0
    assert "sent_before_investor" not in cands["VN"]
    assert row.investor_country == "JP"
    assert row.target_country == "VN"
    assert row.deal_type == "fdi_pledge"


def test_a_country_in_the_investors_own_name_is_a_feature():
    row, cands = _trace(
        "Kenya Growth Fund buys stake in Zambian miller",
        "The Kenya Growth Fund has agreed to buy a 30 percent stake in Zambezi Millers, a Lusaka-based "
        "maize processor, for $40 million, the fund said on Monday.",
    )
    assert cands["KE"].get("in_investor_name") == 1.0
    assert "in_investor_name" not in cands.get("ZM", {})
    assert row.investor_country == "KE"


def test_every_candidate_has_the_story_level_features():
    _, cands = _trace(
        "Acme Motors to build $300 million plant in Vietnam",
        "Japan's Acme Motors will invest $300 million to build a new assembly plant in Vietnam, "
        "the carmaker said on Tuesday.",
    )
    for feats in cands.values():
        assert {"mentions", "mention_share", "in_lead", "first_named", "only_country"} <= set(feats)
    assert sum(f["first_named"] for f in cands.values()) == 1.0


def test_a_country_ending_the_investors_name_votes_unless_it_is_the_targets():
    from transforms.deals.countries import _Deal, _investor_own_name
    from transforms.deals.story import analyse, best_candidate

    text = ("The Zantor Motors Company Japan would establish a motorcycle plant in Karachi with an "
            "investment of $150 million, the board said.")
    story = analyse("Zantor to build plant", text)
    cand = best_candidate(story)
    assert cand is not None
    from transforms.entities.orgs import NameRun

    inv = NameRun("Zantor Motors Company Japan", 4, 31, words=("Zantor", "Motors", "Company", "Japan"))
    assert _investor_own_name(_Deal(story, cand, inv, "PK", "build", None)) == "JP"
    local = NameRun("Zantor Motors Company Japan", 4, 31, words=("Zantor",))
    assert _investor_own_name(_Deal(story, cand, local, "JP", "build", None)) is None  # a local unit


def test_an_exchange_listing_is_a_candidate_and_votes():
    row, cands = _trace(
        "Quillon Technologies to acquire 51% of Indian brick maker",
        "Quillon Technologies (SGX:QLT) agreed to acquire a 51% stake in Marbrite Products, an Indian "
        "maker of aerated blocks, for 336.6 million Indian rupees, according to a filing.",
    )
    assert cands["SG"].get("investor_listed") == 1.0
    assert cands["SG"].get("vote_investor_listing") == 1.0
    assert "investor_listed" not in cands.get("IN", {})


def test_the_leads_own_currency_and_a_city_in_the_targets_name_are_target_features():
    _, cands = _trace(
        "Decoding Zoomly's $120 Mn round",
        "Mobility startup Zoomly raised $120 million in a Series E round from Westmark Capital. The board at "
        "Zoomly passed a resolution to raise Rs 1,002 crore (approximately $120 million) from Westmark.",
        "target_country",
    )
    assert cands["IN"].get("lead_currency_own") == 1.0
    _, cands = _trace(
        "Tycoon buys London Evening Courier",
        "Former spy Ivan Petrovsky has agreed to buy the London Evening Courier for a nominal sum of one pound.",
        "target_country",
    )
    assert cands["GB"].get("in_target_name") == 1.0
