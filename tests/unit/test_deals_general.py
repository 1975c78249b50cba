"""extract_deals() fields on invented phrasings: actor, object, type, money and countries.

Every sentence is made up from general knowledge of how news words deals (wire copy, UK business
pages, emerging-market business press); no company here exists in the corpus. Each row lists only
the fields the sentence settles; ``None`` in the table means "not checked", ``NULL`` means the
field must be empty.
"""

from __future__ import annotations

import pytest

from transforms.deals.extract import extract_deals

NULL = object()

# title, body, expected {field: value}
CASES = [
    # ---- acquisitions and stakes
    (
        "VANTOR TO ACQUIRE GLENDALE TOOL",
        "Vantor Industries Inc said it agreed to acquire Glendale Tool Co for 42 mln dlrs in cash.",
        {
            "investor": "Vantor Industries Inc",
            "target": "Glendale Tool Co",
            "deal_type": "acquisition",
            "amount": 42e6,
            "currency": "USD",
        },
    ),
    (
        "MARLOW RAISES KESSLER STAKE",
        "Marlow Group said it raised its stake in Kessler Electronics Corp to 14.8 pct from 9.9 pct.",
        {"investor": "Marlow Group", "target": "Kessler Electronics Corp", "deal_type": "stake"},
    ),
    (
        "Insurer lifts holding",
        "Avery Financial Corp has increased its equity stake in Corbin Mills Inc to 22 per cent.",
        {"investor": "Avery Financial Corp", "target": "Corbin Mills Inc", "deal_type": "stake"},
    ),
    (
        "Brewer snaps up rival",
        "Cask and Barrel Ltd has snapped up regional brewer Tolley's Ales in a deal worth £65m.",
        {"investor": "Cask and Barrel Ltd", "deal_type": "acquisition", "amount": 65e6, "currency": "GBP"},
    ),
    (
        "Banks to merge",
        "Fenway Bancorp said it agreed to merge with Alder Savings Bank in a stock swap valued at 90 mln dlrs.",
        {
            "investor": "Fenway Bancorp",
            "target": "Alder Savings Bank",
            "deal_type": "acquisition",
            "amount": 90e6,
        },
    ),
    (
        "Mumbai firm picks up stake",
        "Mumbai-based Varun Industries has picked up a 26 per cent stake in Rajgarh Cements for Rs 480 crore.",
        {
            "investor": "Varun Industries",
            "target": "Rajgarh Cements",
            "deal_type": "stake",
            "amount": 4.8e9,
            "currency": "INR",
            "target_country": "IN",
            "investor_country": "IN",
        },
    ),
    (
        "Lender acquires microfinance bank",
        "Crestline Bank Plc has acquired a 70 per cent stake in Oyo Microfinance Bank for N12 billion.",
        {
            "investor": "Crestline Bank Plc",
            "target": "Oyo Microfinance Bank",
            "deal_type": "acquisition",
            "amount": 12e9,
            "currency": "NGN",
        },
    ),
    (
        "Gulf group buys into port operator",
        "Abu Dhabi's Qasr Holding will buy a 49% stake in Malaysian port operator Selat Terminals for RM1.5 billion.",
        {
            "investor": "Qasr Holding",
            "target": "Selat Terminals",
            "deal_type": "stake",
            "amount": 1.5e9,
            "currency": "MYR",
            "target_country": "MY",
            "investor_country": "AE",
        },
    ),
    # ---- seller-side and passive framings: the buyer invests
    (
        "Engineering firm sells unit",
        "Engineering group Halstead has sold its pumps division to Swedish rival Nordvik AB for £75m.",
        {"investor": "Nordvik AB", "amount": 75e6, "currency": "GBP"},
    ),
    (
        "Insurer sold",
        "Ashgrove Insurance has been sold to Pinecrest Mutual for £450m, its owners said.",
        {"investor": "Pinecrest Mutual", "target": "Ashgrove Insurance", "amount": 450e6},
    ),
    (
        "Retailer agrees takeover",
        "Shareholders of Kingsley Plc backed a £1bn takeover by Blackmoor Capital on Thursday.",
        {
            "investor": "Blackmoor Capital",
            "target": "Kingsley Plc",
            "deal_type": "acquisition",
            "amount": 1e9,
        },
    ),
    # ---- investment pledges, plants and expansions
    (
        "Carmaker to pour $1bn into plant",
        "Heisler Motors will pour $1 billion into its assembly plant in Puebla, Mexico, to build electric cars.",
        {"investor": "Heisler Motors", "amount": 1e9, "currency": "USD", "target_country": "MX"},
    ),
    (
        "Chipmaker earmarks $2bn",
        "US chipmaker Voltra Inc has earmarked $2 billion for a new packaging plant in Penang, Malaysia.",
        {
            "investor": "Voltra Inc",
            "deal_type": "fdi_pledge",
            "amount": 2e9,
            "target_country": "MY",
            "investor_country": "US",
        },
    ),
    (
        "Miner commits $500m",
        "Canadian miner Ridgeback Resources has committed $500 million to expand its copper mine in Zambia.",
        {
            "investor": "Ridgeback Resources",
            "deal_type": "fdi_pledge",
            "amount": 500e6,
            "target_country": "ZM",
            "investor_country": "CA",
        },
    ),
    (
        "Textile firm injects Rs2bn",
        "LAHORE: Noor Textiles Ltd has injected Rs 2 billion into its spinning mill in Faisalabad to add spindles.",
        {
            "investor": "Noor Textiles Ltd",
            "deal_type": "project_investment",
            "amount": 2e9,
            "currency": "PKR",
            "target_country": "PK",
        },
    ),
    (
        "Cement maker to set up plant",
        "Tanzanian cement maker Kilimani Cement will set up a $120 million clinker plant in Kitui, Kenya.",
        {
            "investor": "Kilimani Cement",
            "deal_type": "fdi_pledge",
            "amount": 120e6,
            "target_country": "KE",
            "investor_country": "TZ",
        },
    ),
    (
        "Plant inaugurated",
        "A $80 million fruit-processing factory built by Savo Foods Ltd was inaugurated in Nakuru, Kenya on Friday.",
        {"investor": "Savo Foods Ltd", "amount": 80e6, "currency": "USD", "target_country": "KE"},
    ),
    (
        "JAPANESE FIRM TO BUILD WALES PLANT",
        "Takeda Denki Co said it will invest 30 mln stg to build a components factory in Cardiff, Wales.",
        {
            "investor": "Takeda Denki Co",
            "amount": 30e6,
            "currency": "GBP",
            "target_country": "GB",
            "target": "components factory in Cardiff, Wales",
        },
    ),
    (
        "Maker expands plant",
        "Harlow Paper Co said it will spend 120 mln dlrs to expand its Pine Bluff, Arkansas, mill.",
        {
            "investor": "Harlow Paper Co",
            "amount": 120e6,
            "target_country": "US",
            "target": "Pine Bluff, Arkansas, mill",
            "deal_type": "project_investment",
        },
    ),
    # ---- joint ventures and funding rounds
    (
        "Firms form venture",
        "Ardent Chemical Corp and Kobashi Ltd of Japan said they formed a 50-50 joint venture to make resins in Texas.",
        {"investor": "Ardent Chemical Corp", "deal_type": "joint_venture", "target_country": "US"},
    ),
    (
        "Start-up raises $12m",
        "Kenyan logistics start-up Lorimo has raised $12 million in a Series A round led by Savanna Capital.",
        {"investor": "Savanna Capital", "target": "Lorimo", "deal_type": "funding_round", "amount": 12e6},
    ),
    (
        "Fintech secures funding",
        "Lagos-based fintech Payfleet has secured $30 million in funding led by Westbridge Ventures.",
        {
            "investor": "Westbridge Ventures",
            "target": "Payfleet",
            "deal_type": "funding_round",
            "amount": 30e6,
        },
    ),
    (
        "Three funds back start-up",
        "Kestrel Ventures, Birchwood Capital and Ostara Partners invested 6 mln dlrs in Qubit Devices Inc.",
        {"investor": NULL, "target": "Qubit Devices Inc", "deal_type": "funding_round", "amount": 6e6},
    ),
    (
        "Two firms form venture",
        "Halden and Sorel of China will set up a 50 mln dlr joint venture to make tyres in Thailand.",
        {"investor": "Halden", "deal_type": "joint_venture", "target_country": "TH", "amount": 50e6},
    ),
    (
        "Cement plant set up in Sindh",
        "A new cement plant worth Rs 12 billion has been set up by Kohsar Cement Ltd in Khairpur district.",
        {"investor": "Kohsar Cement Ltd", "target": "new cement plant", "amount": 12e9},
    ),
    (
        "Carmaker invests in app",
        "Carmaker Yamashiro Motor Corp has invested $500 million in ride-hailing company Zoomly.",
        {
            "investor": "Yamashiro Motor Corp",
            "target": "Zoomly",
            "deal_type": "funding_round",
            "amount": 500e6,
        },
    ),
]


@pytest.mark.parametrize("title,body,want", CASES, ids=[c[0] for c in CASES])
def test_general_deal_fields(title, body, want):
    deals = extract_deals(title, body, keep_doubtful=True)  # the fields, whatever the row confidence
    assert deals, "expected a deal"
    d = deals[0]
    got = {k: getattr(d, k) for k in want}
    expect = {k: (None if v is NULL else v) for k, v in want.items()}
    assert got == expect
    assert body[d.evidence_start : d.evidence_end] == d.evidence


@pytest.mark.parametrize(
    "title,body",
    [
        (
            "Airline orders jets",
            "Skyline Airways has ordered 20 jets from Airbus in a deal worth $2.4 billion.",
        ),
        (
            "Firm wins contract",
            "Torvald Engineering has won a $400 million contract to build a power plant in Bangladesh.",
        ),
        (
            "Talks on merger",
            "Brightwater Utilities and Kellan Energy are in talks about a merger worth $5bn.",
        ),
        ("Bid rejected", "Westcott Plc has rejected a £700m takeover approach from Falken Group."),
        (
            "Loan approved",
            "The African Development Bank has approved a $150 million loan for a highway in Ghana.",
        ),
    ],
)
def test_general_non_deals_give_no_row(title, body):
    from transforms.deals.classify import classify

    assert not classify(title, body).is_investment
