"""extract_deals on the seed story and on small hand-written phrasings."""

from __future__ import annotations

from pathlib import Path

import pytest

from transforms.deals.classify import classify
from transforms.deals.extract import extract_deals
from transforms.text.boilerplate import strip_tail

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_ffccc2825a3c1863.txt"


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
            "Shareholders approve takeover",
            "Shareholders of Denby Plc on Thursday approved its 1.2 billion pound takeover by Hartwell Group.",
            "Hartwell Group",
            "Denby Plc",
            "acquisition",
            1.2e9,
            "GBP",
        ),
        (
            "Fintech raises $25m",
            "Lagos-based fintech Kuda has raised $25 million in a Series A round led by Valar Ventures, the company said.",
            "Valar Ventures",
            "Kuda",
            "funding_round",
            25e6,
            "USD",
        ),
        (
            "Venture to build refinery",
            "Petro Orient and Gulf Refining Co have formed a 50-50 joint venture to build a $1.5bn refinery in Oman, the companies said.",
            "Petro Orient",
            None,
            "joint_venture",
            1.5e9,
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


def test_target_nationality_named_is_not_taken_as_the_buyers():
    (d,) = extract_deals(
        "Carmaker buys 49% of supplier",
        "Hanse Auto AG said on Monday it had agreed to buy 49 percent of Spanish parts maker Ferrosa SA for 300 million euros.",
    )
    assert (d.deal_type, d.target, d.target_country, d.investor_country) == (
        "stake",
        "Ferrosa SA",
        "ES",
        None,
    )


def test_foreign_factory_pledge_is_fdi():
    (d,) = extract_deals(
        "Japanese firm to set up factory",
        "LAGOS: Japanese electronics maker Hoshi Corp will set up a $120 million television factory in Ogun State, "
        "the company announced on Monday.",
    )
    assert (d.deal_type, d.investor, d.investor_country, d.target_country) == (
        "fdi_pledge",
        "Hoshi Corp",
        "JP",
        "NG",
    )
    assert d.evidence.startswith("Japanese electronics maker")


def test_co_investors_named_as_one_subject_give_the_first_named():
    """LABELS.md: the first-named buyer when there are co-investors, also past a country modifier."""
    from transforms.deals.extract import main_deal

    found = main_deal("Harlow, Brixton to invest $19.5 bn in chip project",
                      "Harlow Ltd. and Taiwan's Brixton will invest $19.5 billion under a pact signed on "
                      "Tuesday to set up a semiconductor project in Gujarat. The plant will open in 2027.",
                      rank_investor=False)
    assert found is not None
    assert found[0].investor == "Harlow Ltd"


def _kind(title: str, body: str) -> str | None:
    rows = extract_deals(title, body, keep_doubtful=True)
    return rows[0].deal_type if rows else None


@pytest.mark.parametrize(
    "title,body",
    [
        ("Tarrow to put $1 billion into delivery app",
         "SAO PAULO - Tarrow Holdings will invest $1 billion in Colombian delivery app Zoomly, marking the "
         "first move by its new fund for the region, the company said on Tuesday."),
        ("Tarrow cash in Zoomly wallet",
         "Calcutta, May 18: Japanese conglomerate Tarrow has pumped $1.4 billion (over Rs 9,079 crore) into "
         "Zoomly Communications Ltd, an entity that operates a mobile payments platform."),
    ],
)
def test_money_put_into_a_described_company_is_a_funding_round(title, body):
    assert _kind(title, body) == "funding_round"


def test_money_into_a_plant_stays_a_project():
    assert _kind("Tarrow to invest in Zoomly plant",
                 "Tarrow Holdings will invest $100 million in its Zoomly plant in Ohio, the company said "
                 "on Tuesday.") in ("project_investment", "fdi_pledge")


def test_a_local_unit_named_after_the_country_is_a_foreign_groups_investment():
    body = ("Corvane South Africa plans to invest R4 billion in its Uitlands factory to build a new "
            "production line, the company said on Monday. The plant employs 3,000 people in South Africa.")
    rows = extract_deals("Corvane to invest R4bn in South African plant", body, keep_doubtful=True)
    assert rows and rows[0].target_country == "ZA"
    assert rows[0].deal_type == "fdi_pledge"


def test_minority_shareholders_do_not_make_a_stake():
    assert _kind("Halden shareholders approve Marrow deal",
                 "Halden Holding's shareholders have approved its $871 million acquisition of Marrow Energy "
                 "Limited despite earlier discontent among minority shareholders about dilution.") == "acquisition"


def test_a_people_in_the_plural_is_never_the_target():
    from transforms.deals.extract import main_deal

    body = ("Investigators say Privat Bank, the country's largest lender, was used by its owners. The owners used "
            "the bank deposits of Ukrainian citizens to acquire property all over the US through shell companies "
            "operated by three other Americans in Miami: John Korr, Carl Sutt, and Ed Lane.")
    found = main_deal("Biggest money laundering scheme in history uncovered", body)
    assert found is None or found[0].target is None


def test_a_crime_story_lowers_the_deal_sentences_score():
    from transforms.deals.lead import analyse
    from transforms.deals.story import score_candidate

    plain = "The owners used the bank's deposits to acquire property all over the US through shell companies."
    crime = ("The oligarchs used laundered bank deposits to acquire property all over the US through shell "
             "companies.")
    a, b = analyse("Property deals", plain), analyse("Property deals", crime)
    ca = score_candidate(a, 0, a.sentences[0], 0)
    cb = score_candidate(b, 0, b.sentences[0], 0)
    assert ca is not None and cb is not None
    assert cb.score < ca.score
    assert any("crime" in r for r in cb.reasons)


def test_a_holding_bought_earlier_does_not_size_the_deal():
    assert _kind("Tarrow Beverages takes full ownership of Kelso", "The soft drinks group Tarrow Beverages Inc has "
                 "completed its acquisition of Kelso Ltd. in Ghana, three years after buying 40% stake in the "
                 "juice maker.") == "acquisition"


def test_over_half_is_a_majority():
    from transforms.deals.extract import _deal_percentages

    assert _deal_percentages("Two funds bought over 50 per cent of Kelso Media Group.") == [50.5]
    assert _deal_percentages("Tarrow bought 50 per cent of Kelso and more than 20% of Quillon.") == [50.0, 20.5]


def test_a_stake_sized_by_its_price_is_a_stake():
    assert _kind("Zoomly takes $5.7 bn stake in Kelso", "Zoomly has taken a $5.7 billion stake in the Kelso digital "
                 "business of the Quillon group, the companies said on Wednesday.") == "stake"


def test_a_stake_in_a_venture_being_set_up_is_the_venture():
    from transforms.deals.extract import _NEW_VENTURE

    assert _NEW_VENTURE.search("Tarrow Motor Corp. and Kelso Corp. say they are setting up a joint venture to make batteries")
    assert not _NEW_VENTURE.search("Tarrow buys Kelso's stake in their joint venture")


def test_capital_put_in_together_is_a_joint_venture():
    assert _kind("Tarrow and Kelso in $1.7bn port deal", "The Emirati group Tarrow Ports and the British Kelso Group "
                 "have announced a partnership that involves a $1.72-billion joint investment to upgrade port "
                 "infrastructure in Africa.") == "joint_venture"


def test_stakes_in_several_companies_are_stakes():
    assert _kind("Tarrow Hathaway takes stakes in trading houses", "Tarrow Hathaway has taken stakes of just over 5% "
                 "in five major Japanese trading houses in what it says is a long-term investment.") == "stake"
