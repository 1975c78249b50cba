"""classify() on hand-written stories covering LABELS.md's positive and hard-negative families.

The stories are invented (no corpus text); each is a headline and a short lead.
"""

from __future__ import annotations

import pytest

from transforms.deals.classify import classify

POSITIVE = [
    (
        "Shareholders approve takeover",
        "Shareholders of Denby Plc on Thursday approved its 1.2 billion pound takeover by Hartwell Group.",
    ),
    (
        "Miner completes purchase",
        "Karoo Resources has completed its acquisition of Tembo Mining for R3.2 billion, the company said in a statement.",
    ),
    (
        "Retailer opens centre",
        "Kenyan supermarket chain Naivas has opened a Sh3 billion distribution centre in Nairobi, its chief executive said.",
    ),
    (
        "Maker agrees to buy rival",
        "Northgate Foods Plc said it has agreed to buy rival Brookfield Bakeries Ltd for 120 mln stg in cash.",
    ),
    (
        "Carmaker to build plant",
        "Kestrel Motors will invest $450 million to build a new assembly plant in Ohio, the company said on Monday.",
    ),
    (
        "Group pledges $2bn for Kenya",
        "Orion Holdings has pledged to invest $2 billion in Kenya over the next five years, its chairman said.",
    ),
    (
        "Firm takes 20% stake",
        "Tamarind Capital has acquired a 20 percent stake in Lumio Networks for Rs 500 crore.",
    ),
    (
        "Venture formed",
        "Halden Chemicals Inc said it signed a joint venture agreement with Sorel SA to build a 30 mln dlr plant in Spain.",
    ),
    (
        "Start-up raises $40m",
        "Payvio has raised $40 million in a Series B round led by Granite Ventures, the start-up said.",
    ),
    (
        "Bid launched",
        "Ashcombe Group Plc said it was bidding 300 mln stg for the ordinary shares of Tillman Plc.",
    ),
    ("Unit sold", "Carraway Hotels has been sold to Meridian Properties for £80m, the owners said."),
    (
        "Plant inaugurated",
        "Sunvale Ltd on Tuesday inaugurated its $50 million manufacturing hub in the Lagos free zone.",
    ),
    (
        "Government buys 85 pct of miner",
        "The Ruritanian government has bought 85 pct of Calder Mining Corp for 25 mln dlrs, the ministry said.",
    ),
    (
        "Automaker plans plant abroad",
        "Brandt Motorenwerke AG plans to construct a car plant in Vietnam, a company spokesman said, adding talks were at an early stage.",
    ),
    (
        "Venture firms back chip start-up",
        "A group of venture capital firms led by Harbor Partners invested 4.8 mln dlrs in Quanta Devices Inc, the company said.",
    ),
]

NEGATIVE = [
    (
        "Brewer's profits jump",
        "Dutch brewer Halvor has seen its profits jump thanks to its acquisition of rival Brouw last year.",
    ),
    (
        "Banks arrange hotel loan",
        "Norden Hotels and Vika Bygg are raising a 40 mln dlr loan for their joint venture hotel in Shanghai, the lead bank said.",
    ),
    (
        "Capital spending seen flat",
        "Private plant and equipment investment will grow 0.1 pct in fiscal 1988, starting April 1, a state bank survey said.",
    ),
    (
        "Telecom giant eyes stake in rival",
        "Orbit Telecom is eyeing a 30% stake in Kapa Networks, people familiar with the matter said on Monday.",
    ),
    (
        "Bidder won't raise offer",
        "Hartwell Group said on Friday it would not raise its 450p-a-share offer for Denby Plc, which has rejected the approach.",
    ),
    (
        "Firm secures World Bank loan for plant",
        "Sahel Cement has secured a $50 million loan from the World Bank to build a new kiln in Niger, the lender said.",
    ),
    (
        "FDI rises 20pc",
        "Foreign direct investment into the country rose 20 per cent to $4.2 billion in the first half, the central bank said on Tuesday.",
    ),
    (
        "Minister invites investors",
        "The minister invited Chinese investors to invest in the country's special economic zones during a meeting in Beijing.",
    ),
    (
        "Company denies takeover report",
        "Qoris Holdings on Wednesday denied a newspaper report that it was close to acquiring a majority stake in Lanta Foods.",
    ),
    (
        "Regulator blocks merger",
        "The competition regulator has blocked the proposed $3bn merger of Velo Airlines and Skyline Air, citing higher fares.",
    ),
    (
        "Government to privatise airline",
        "The government plans to sell a majority stake in the national airline next year, the finance minister told parliament.",
    ),
    (
        "Bank issues bonds",
        "Harbor Bank raised $500m through a five-year bond issue to fund lending to small businesses, it said.",
    ),
    (
        "Shares jump on takeover talk",
        "Shares in Dunmore Plc rose 8% on Tuesday on speculation that a rival may bid for the firm.",
    ),
    (
        "Firm in talks over merger",
        "Aldgate Corp said it was in talks with Brinley Inc about a possible merger, but no agreement had been reached.",
    ),
    (
        "Company considering offer",
        "The owners of Fenwick Foods are said to be considering an offer from a private equity group.",
    ),
    (
        "Bid rejected",
        "The board of Corvin Plc rejected a 400 mln stg takeover bid from Halsey Group, calling it too low.",
    ),
    (
        "Profits soar",
        "Larkspur Mining said pre-tax profits rose 40% to $1.2bn last year thanks to higher copper prices.",
    ),
    (
        "Bank loan for plant",
        "A consortium of banks is lending 50 mln dlrs to Rivera Steel to finance its new mill, the lead manager said.",
    ),
    ("IMF approves loan", "The IMF has approved a $1.2bn loan to help the country stabilise its currency."),
    (
        "Country raises FDI cap",
        "The government raised the foreign direct investment cap in telecoms to 74% and said the sector needs $20bn.",
    ),
    (
        "Budget unveiled",
        "The finance minister presented a budget that will spend Sh3 trillion on roads, schools and hospitals.",
    ),
    ("Airline orders jets", "Skyway Air has placed an order for 30 aircraft worth $2.5bn, the carrier said."),
    (
        "Listing planned",
        "Meadow Telecom plans to raise $500m from an initial public offering in London next month.",
    ),
    (
        "FDI seen rising",
        "Foreign direct investment inflows are expected to rise by a fifth to $1.3 billion this year, an official said.",
    ),
    (
        "Smelter to close",
        "Granby Aluminium said it plans to close its smelter at the end of June because of high power costs.",
    ),
    (
        "Envoy says investors keen",
        "Investors from abroad are keen to invest in the pharmaceutical sector, the ambassador said at a meeting.",
    ),
    (
        "Board signs 19 agreements",
        "The investment board signed 19 new investment agreements worth 139 million US dollars in March.",
    ),
    (
        "Firm seeks buyer for unit",
        "Hollis Industries said it retained an investment bank to seek a buyer for its packaging unit.",
    ),
    (
        "Firms sign MoU",
        "Velder Corp and Amsel AG signed a memorandum of understanding to negotiate a joint venture to make tractors.",
    ),
    (
        "Bank credit for plant",
        "A Swiss bank has granted a 20 mln franc credit to Polar Cement to finance a new kiln, the bank said.",
    ),
    (
        "Placement completed",
        "Greywell Pharma said it completed a private placement of common stock to unnamed investors, raising eight mln dlrs.",
    ),
    (
        "Aid grant funds smelter design",
        "Bexley Engineering won a 15 mln stg contract funded by a government aid grant to design a zinc smelter.",
    ),
    (
        "Agencies sign investment deals",
        "Export-credit agencies signed financing deals worth $3bn for power projects, officials said.",
    ),
]


@pytest.mark.parametrize("title,text", POSITIVE)
def test_positive_stories(title, text):
    c = classify(title, text)
    assert c.is_investment, c.reasons
    assert 0.5 <= c.score <= 1.0


@pytest.mark.parametrize("title,text", NEGATIVE)
def test_hard_negatives(title, text):
    c = classify(title, text)
    assert not c.is_investment, c.reasons
    assert 0.0 <= c.score < 0.5


def test_empty_and_none_title():
    assert classify(None, "").is_investment is False
    assert classify(None, "   \n ").score < 0.5
