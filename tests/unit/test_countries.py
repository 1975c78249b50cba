"""Country mentions, datelines and tickers as ISO 3166-1 alpha-2 (historic codes where labels use them)."""

from __future__ import annotations

import pytest

from transforms.entities.countries import find_countries, place_country, ticker_country
from transforms.text.sentences import dateline_length, dateline_place


@pytest.mark.parametrize(
    "text,codes",
    [
        ("has shown keen interest in the Pakistani market", ["PK"]),
        ("a Chinese company and a West German bank", ["CN", "DE"]),
        ("a Yugoslav maker in Split, Yugoslavia", ["YU", "YU"]),
        ("the Soviet Union and the U.S.", ["SU", "US"]),
        ("India's biggest brewer", ["IN"]),
        ("a plant in Tamil Nadu", ["IN"]),
        ("its Bridgend engine plant in South Wales", ["GB"]),
        ("for US$233.5 million", []),
        ("the UAE firm", ["AE"]),
    ],
)
def test_find_countries(text, codes):
    assert [c.code for c in find_countries(text)] == codes


def test_all_caps_headlines():
    found = find_countries("ITALY'S AGIP PETROLI BUYS STAKE IN U.S. COMPANY", caps=True)
    assert [c.code for c in found] == ["IT", "US"]


@pytest.mark.parametrize(
    "sentence,place,code",
    [
        ("ISLAMABAD: Considering the location", "ISLAMABAD", "PK"),
        ("LAHORE : Prime Minister", "LAHORE", "PK"),
        ("LONDON, March 2 - Sony (U.K.) Ltd said", "LONDON", "GB"),
        ("PRINCETON, N.J., March 11 - Chronar Corp said", "PRINCETON, N.J.", "US"),
        ("ESCHBORN, West Germany, March 2 - Alcan said", "ESCHBORN, West Germany", "DE"),
        ("TORONTO, April 13 - Great Lakes said", "TORONTO", "CA"),
        ("KUALA LUMPUR: Malaysian Investment", "KUALA LUMPUR", "MY"),
        ("Calcutta, May 18: Japanese conglomerate Tarrow has", "Calcutta", "IN"),  # a former name
        ("New Delhi, Aug 23 (PTI): In a major development", "New Delhi", "IN"),
        ("BOMBAY, March 3 - The company said", "BOMBAY", "IN"),
        ("TOKYO, Nov 9 (Reuters) - Tarrow Motor Corp and group companies", "TOKYO", "JP"),
        ("BEIJING, Dec 12 (Reuters) – China’s Tarrow plans to invest", "BEIJING", "CN"),
        ("SANTIAGO (Reuters) - Tarrow said", "SANTIAGO", "CL"),
        ("WASHINGTON (AP) — Tarrow said", "WASHINGTON", "US"),
        ("SEOUL, Sept. 9 (Yonhap) - Tarrow said", "SEOUL", "KR"),
    ],
)
def test_datelines(sentence, place, code):
    assert dateline_place(sentence) == place
    assert place_country(place) == code
    assert sentence[dateline_length(sentence) :][0].isupper()


def test_no_dateline_in_ordinary_sentence():
    assert dateline_length("The company said it would invest.") == 0
    assert dateline_length("However, in May it said: the plan stands.") == 0


@pytest.mark.parametrize(
    "ticker,code",
    [("<SNE.T>", "JP"), ("<BP.L>", "GB"), ("<GL.TO>", "CA"), ("<F>", "US"), ("<Hawley Group Ltd>", None)],
)
def test_tickers(ticker, code):
    assert ticker_country(ticker) == code


@pytest.mark.parametrize(
    "text,name,code",
    [
        ("Pelora was founded in Dubai in 2018 and now runs kitchens across the US", "Pelora", "AE"),
        ("Tamsin got its start as a London-based payments app", "Tamsin", "GB"),
        ("In other news, Indonesian FinTech Pelora closed a round", "Pelora", "ID"),
        ("Pelora, an Indonesian fintech, closed a round", "Pelora", "ID"),
        ("India's truck and car-maker Zantor Motors said", "Zantor", "IN"),
        ("the Indian unit of Zantor said it would invest", "Zantor", None),  # a unit of, not a modifier
        ("Zantor acquired Pelora, a London-based app", "Zantor", None),  # the appositive is Pelora's
        ("Pelora, a Middle Eastern start-up, raised $60m", "Pelora", None),  # a region, no country
        ("The round was led by existing investors Quillon, Singapore’s sovereign wealth fund", "Quillon", "SG"),
        ("PEKING, March 2 - <Quillon Co> of the United States signed a venture", "Quillon", "US"),
        ("Quillon, one of the UK's biggest firms", "Quillon", None),
        ("paid 1.5 mln dlrs for a stake in <Kelso Corp>, a\nCalifornia-based maker of chips", "Kelso Corp", "US"),
        ("Zantor said Kelso, a Lowell, Mass., producer of pasta, would account for most", "Kelso", "US"),
        ("Zantor said Kelso, a Lowell producer of pasta, would account for most", "Kelso", None),
    ],
)
def test_described_country(text, name, code):
    from transforms.deals.countries import described_country

    assert described_country(text, name) == code


def test_listed_country():
    from transforms.deals.countries import listed_country

    assert listed_country("Quillon Technologies (SGX:QLT) agreed to buy", "Quillon") == "SG"
    assert listed_country("Tamsin plc (AIM: TSN), a UK company", "Tamsin") == "GB"
    assert listed_country("Quillon (NSE: QLT) said", "Quillon") is None  # India's, Nigeria's or Nairobi's
    assert listed_country("Quillon said (in a filing) that", "Quillon") is None
