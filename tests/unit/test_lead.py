"""The lead is the article's first content sentences: a web page's caption, bullets and "Updated"
lines before a dateline are page furniture, not the lead."""

from __future__ import annotations

from transforms.deals.lead import analyse

PAGE = ("Founded in 1991, Corvane Media currently owns several television channels. Shutterstock\n"
        "Updated 03 November 2024\n\n"
        "• Share price of Corvane Media increased by 9.98% to SR45.75\n"
        "• Its net profit for the second quarter rose 66.5% to SR116.4 million\n\n"
        "RIYADH: Saudi Arabia's sovereign wealth fund is set to acquire a 54 percent stake in media "
        "group Corvane Media for $1.99 billion.\n\n"
        "The fund signed the agreement with a major shareholder on Nov. 1.")


def test_a_later_dateline_opens_the_lead():
    story = analyse("Wealth fund to acquire 54% stake in Corvane Media", PAGE)
    first = story.sentence(story.lead[0])
    assert first.startswith("Saudi Arabia's sovereign wealth fund is set to acquire")
    assert story.dateline == "RIYADH"
    assert story.dateline_country == "SA"


def test_a_label_that_looks_like_a_dateline_is_not_one():
    body = ("FILE PHOTO: The logo of the group is seen at its headquarters in a file photo from 2019. "
            "Halden Group said on Monday it will buy Marrow Ltd for $40 million in cash. "
            "The deal is expected to close in March.")
    story = analyse("Halden to buy Marrow", body)
    assert story.lead[0] == 0
    assert story.dateline is None or story.dateline_country is None


def test_a_first_sentence_dateline_is_kept():
    story = analyse("Acme buys Bolt", "LONDON, March 2 - Acme Plc said it would buy Bolt Ltd for 5 mln stg. "
                    "The deal is subject to approval. Bolt makes bolts.")
    assert story.dateline_country == "GB"
    assert story.sentence(story.lead[0]).startswith("Acme Plc said")


def test_the_money_country_is_the_datelines_else_the_most_named():
    wire = analyse("Tarrow to buy Kelso", "KARACHI, May 3 - Tarrow said it will buy Kelso for Rs 9 billion.")
    assert wire.money_country == "PK"
    page = analyse("Telecom deal", "In the biggest deal in Nepali history, Tarrow, a Malaysian telecoms company, has "
                   "agreed to buy a majority stake in Kelso Nepal for Rs 140 billion. Nepal's regulator "
                   "must approve it.")
    assert page.dateline_country is None
    assert page.money_country == "NP"
    assert analyse("Tarrow buys Kelso", "Tarrow bought Kelso for Rs 2 billion.").money_country is None


def test_a_rupee_sum_reads_the_stories_country():
    from transforms.deals.extract import extract_deals

    rows = extract_deals("Tarrow to buy Kelso Nepal", "In the biggest deal in Nepali history, Tarrow Group has "
                         "agreed to buy a majority stake in Kelso Nepal for Rs 140 billion. Nepal's regulator "
                         "must approve the deal.", keep_doubtful=True)
    assert rows and rows[0].currency == "NPR"


def test_a_caption_repeated_as_a_bullet_is_one_lead_sentence():
    body = ("By: AFP\n"
            "  • Tarrow plans to make two hybrid models in Brazil, creating around 2,000 jobs\n"
            "Tarrow plans to make two hybrid models in Brazil, creating around 2,000 jobs. PHOTO/File Photo\n"
            "Tarrow plans to make two hybrid models in Brazil, creating around 2,000 jobs. PHOTO/File Photo\n\n"
            "Japanese carmaker Tarrow plans to invest 11 billion reais ($2.2 billion) in hybrid production in "
            "Brazil through 2030. Despite the boom in electric cars, carmakers have long banked on hybrids.")
    story = analyse("Tarrow bets big on hybrids in Brazil with $2.2 billion plan", body)
    lead = [story.sentence(i) for i in story.lead]
    assert sum(s.startswith("Tarrow plans to make") for s in lead) == 1
    assert any(s.startswith("Japanese carmaker Tarrow plans to invest") for s in lead)


def test_an_exchange_settles_the_currency_when_no_country_is_named():
    story = analyse("Tarrow buys into Kelso", "Tarrow made an announcement to the Colombo Stock Exchange that it "
                    "has acquired 50% of Kelso Investments (Pvt) Ltd for a Consideration of Rs. 1.32 Billion.")
    assert story.money_country == "LK"
    assert len(story.sentences) == 1  # "Rs." does not end the sentence


def test_a_plant_verb_beats_the_noun_investment_of_a_sum():
    from transforms.deals.story import best_candidate

    story = analyse("Tarrow to establish motorcycle plant", "The Tarrow Motors Company would establish a motorcycle "
                    "plant in Kelsbury this year with investment of $150 million, the board's chairman said.")
    cand = best_candidate(story)
    assert cand is not None and cand.trigger.kind == "build" and cand.trigger.text == "establish"
    assert "nominal_trigger" not in cand.reasons
