"""classify() on invented phrasings of deals and non-deals across wire, UK and emerging-market styles.

Written from general knowledge of how business news words deals, not from any corpus text: every
company name here is made up. The point is breadth: many verbs and framings per deal type (active,
passive, seller-side, completion, plan) and several hard negatives per LABELS.md family, so the rules
are checked against news language in general rather than the phrasings of the dev split.
"""

from __future__ import annotations

import pytest

from transforms.deals.classify import classify

# (headline, lead) pairs that announce, agree or complete a capital commitment by a named investor.
POSITIVE = [
    # --- acquisitions, wire style
    (
        "VANTOR INDUSTRIES TO ACQUIRE GLENDALE TOOL",
        "Vantor Industries Inc said it agreed to acquire Glendale Tool Co for 42 mln dlrs in cash and stock.",
    ),
    (
        "HOLBROOK <HBK> COMPLETES PURCHASE OF UNIT",
        "Holbrook Corp said it completed the purchase of the valve division of Trenton Works Inc for 18 mln dlrs.",
    ),
    (
        "PARKLANE BUYS DENTON FOODS",
        "Parklane Holdings Ltd said it has bought Denton Foods Inc, a maker of frozen pies, for about 60 mln dlrs.",
    ),
    (
        "MARLOW GROUP RAISES STAKE IN KESSLER",
        "Marlow Group said it raised its stake in Kessler Electronics Corp to 14.8 pct from 9.9 pct.",
    ),
    (
        "AVERY FINANCIAL LIFTS HOLDING IN CORBIN",
        "Avery Financial Corp said it increased its holding in Corbin Mills Inc to 7.2 pct of the common shares.",
    ),
    (
        "FENWAY AND ALDER TO MERGE",
        "Fenway Bancorp and Alder Savings Bank said they agreed to merge in a stock swap valued at 90 mln dlrs.",
    ),
    (
        "GRAYSTONE MAKES TENDER OFFER FOR PELHAM",
        "Graystone Partners said it launched a 25 dlr a share tender offer for all shares of Pelham Instruments Inc.",
    ),
    # --- acquisitions, BBC / UK style
    (
        "Brewer snaps up regional rival",
        "Cask and Barrel has snapped up regional brewer Tolley's in a deal worth £65m, the firm said on Tuesday.",
    ),
    (
        "Supermarket chain takes over rival",
        "Supermarket group Harrowfield is to take over its smaller rival Dunmore Stores for £320m.",
    ),
    (
        "Retailer agrees £1bn takeover",
        "Fashion retailer Kingsley has agreed a £1bn takeover by US private equity firm Blackmoor Capital.",
    ),
    (
        "Insurer sold to US group",
        "Britain's Ashgrove Insurance has been sold to American insurer Pinecrest Mutual for £450m.",
    ),
    (
        "Engineering firm sells unit",
        "Engineering group Halstead has sold its pumps division to Swedish rival Nordvik for £75m.",
    ),
    (
        "Football club bought by tycoon",
        "Premier League club Wexford Rovers has been bought by a consortium led by businessman Tomas Rilke for £200m.",
    ),
    (
        "Telecoms group completes acquisition",
        "Telecoms firm Quillon has completed its £2.1bn acquisition of broadband provider Fibrelink.",
    ),
    # --- acquisitions and stakes, emerging markets
    (
        "Lagos lender acquires microfinance bank",
        "Tier-one lender Crestline Bank Plc has acquired a 70 per cent stake in Oyo Microfinance Bank for N12 billion.",
    ),
    (
        "Kenyan insurer buys Ugandan firm",
        "Nairobi-listed Jubila Assurance has bought a majority stake in Kampala-based Pearl General for Sh1.2 billion.",
    ),
    (
        "Conglomerate picks up 26% in cement maker",
        "Mumbai-based Varun Industries has picked up a 26 per cent stake in Rajgarh Cements for Rs 480 crore.",
    ),
    (
        "Fund takes minority stake in fintech",
        "Dubai-based Falcon Ventures has taken a minority stake in Pakistani fintech Rahbar Pay for an undisclosed sum.",
    ),
    (
        "Gulf group to buy Malaysian port operator",
        "Abu Dhabi's Qasr Holding will buy a 49% stake in Malaysian port operator Selat Terminals for RM1.5 billion.",
    ),
    (
        "JSE-listed group snaps up logistics firm",
        "JSE-listed Kopano Holdings has snapped up logistics company Vaal Freight for R350 million in cash.",
    ),
    # --- investment pledges, plants, expansions
    (
        "Carmaker to pour $1bn into Mexican plant",
        "Heisler Motors will pour $1 billion into its assembly plant in Puebla to build electric vehicles, it said.",
    ),
    (
        "Chipmaker earmarks $2bn for Penang",
        "Chipmaker Voltra has earmarked $2 billion for a new packaging plant in Penang, the company said on Monday.",
    ),
    (
        "Miner commits $500m to Zambian copper project",
        "Canadian miner Ridgeback Resources has committed $500 million to expand its copper mine in Zambia.",
    ),
    (
        "Dairy firm ploughs £40m into creamery",
        "Dairy cooperative Westmoor is ploughing £40m into its creamery in Cumbria to double cheese output.",
    ),
    (
        "Brewer pumps N20bn into Ogun brewery",
        "Brewer Golden Stool Breweries has pumped N20 billion into a new brewery line in Ogun State.",
    ),
    (
        "Textile group injects Rs 2bn into mill",
        "Faisalabad-based Noor Textiles has injected Rs 2 billion into its spinning mill to add 30,000 spindles.",
    ),
    (
        "Cement maker to set up plant in Kenya",
        "Tanzanian cement maker Kilimani Cement will set up a $120 million clinker plant in Kitui County, Kenya.",
    ),
    (
        "Group to build Sh10bn warehouse",
        "Logistics group Safari Cargo plans to build a Sh10 billion warehouse in Mombasa, its managing director said.",
    ),
    (
        "Drinks firm to establish factory in Ghana",
        "Drinks maker Coastline Beverages will establish a $60 million bottling factory near Accra, the firm said.",
    ),
    (
        "Steelmaker to expand plant",
        "Steelmaker Ironvale Ltd said it will spend 300 crore rupees to expand capacity at its plant in Odisha.",
    ),
    (
        "Tyre maker inaugurates plant",
        "Tyre maker Roadmaster on Wednesday inaugurated a 150 million dollar plant in Chonburi province, Thailand.",
    ),
    (
        "Saudi group commissions refinery",
        "Saudi petrochemicals group Rimal Industries has commissioned a $700 million refinery in Jubail, it said.",
    ),
    (
        "Japanese firm to invest in Wales",
        "Japan's Takeda Denki said it will invest 30 mln stg to build a components factory in Cardiff, Wales.",
    ),
    (
        "Investor pledges $3bn for Egyptian projects",
        "Emirati developer Sahra Properties has pledged to invest $3 billion in new tourism projects in Egypt.",
    ),
    (
        "Chinese firm to invest $300m in Pakistan",
        "China's Huaxin Motors plans to invest $300 million in a car assembly plant in Karachi over three years.",
    ),
    # --- joint ventures
    (
        "TWO FIRMS FORM JOINT VENTURE",
        "Ardent Chemical Corp and Kobashi Ltd said they formed a 50-50 joint venture to make specialty resins in Texas.",
    ),
    (
        "Firms set up JV for solar panels",
        "India's Suryadeep Power and Norway's Fjordlys have set up a joint venture to build a 500 MW solar panel plant in Gujarat.",
    ),
    (
        "Venture signed for fertiliser plant",
        "Omani firm Sohar Agro signed a joint venture agreement with Kenyan state firm Rift Chemicals to build a $200m fertiliser plant.",
    ),
    # --- funding rounds
    (
        "Nairobi start-up raises $12m",
        "Kenyan logistics start-up Lorimo has raised $12 million in a Series A round led by Savanna Capital.",
    ),
    (
        "Fintech bags $30m funding",
        "Lagos-based fintech Payfleet has secured $30 million in funding led by Westbridge Ventures, with Orbit Capital participating.",
    ),
    (
        "Edtech firm raises funds from investors",
        "Bengaluru edtech firm Vidyalok has raised Rs 150 crore from Lotus Partners and Peak Growth Fund.",
    ),
    (
        "Start-up backed by global fund",
        "Cairo-based delivery app Tawsil has raised $8 million in seed funding backed by Horizon Ventures.",
    ),
    (
        "Carmaker invests $500m in ride-hailing firm",
        "Carmaker Yamashiro has invested $500 million in ride-hailing company Zoomly, the companies said on Thursday.",
    ),
    # --- completions and passive framing
    (
        "Group completes takeover",
        "Hanover Holdings has completed its takeover of Sefton Packaging after shareholders approved the deal.",
    ),
    (
        "Factory costing $80m opens",
        "A $80 million fruit-processing factory built by Savo Foods was inaugurated in Nakuru on Friday.",
    ),
]

# (headline, lead) pairs whose main event LABELS.md calls negative, several per family.
NEGATIVE = [
    # --- earnings and results
    (
        "ARDEN CORP 1ST QTR NET RISES",
        "Arden Corp said first quarter net income rose to 12.4 mln dlrs from 9.8 mln dlrs a year earlier.",
    ),
    (
        "Bank's profit rises on acquisition",
        "Crestmoor Bank said half-year profit rose 18% to Sh8bn, helped by its purchase of a regional lender last year.",
    ),
    (
        "Miner swings to loss",
        "Gold miner Ridgeway posted a full-year loss of R1.2 billion after writing down the value of mines it acquired.",
    ),
    (
        "Cement maker declares dividend",
        "Lucky Star Cement announced a dividend of Rs 5 per share after profit after tax climbed 30 per cent.",
    ),
    # --- market moves
    (
        "Shares surge on deal hopes",
        "Shares of Quorra Telecom jumped 12% on Monday after reports that a Gulf investor could buy a stake.",
    ),
    (
        "Stocks close higher",
        "The KSE-100 index closed 450 points higher as investors bought banking and cement stocks on Tuesday.",
    ),
    (
        "Rupee weakens",
        "The rupee fell to a record low against the dollar as foreign investors pulled $1 billion out of equities.",
    ),
    # --- rumours, talks, considering
    (
        "Group in talks to buy hotel chain",
        "Larchmont Group is in talks to buy the Belvoir hotel chain for about £500m, people close to the deal said.",
    ),
    (
        "Bank mulls bid for rival",
        "Ashby Bank is mulling a bid for smaller rival Corrigan Savings, according to a newspaper report.",
    ),
    (
        "Telecom firm eyes African expansion",
        "Telecom operator Zentel is eyeing acquisitions in East Africa, its chief executive told reporters.",
    ),
    (
        "Firm exploring sale of unit",
        "Halberd Industries said it is exploring the sale of its chemicals unit and has hired advisers.",
    ),
    (
        "Investor said to be weighing stake",
        "A Qatari fund is said to be weighing a stake in Marlowe Airways, according to sources familiar with the matter.",
    ),
    (
        "Conglomerate considering plant",
        "Conglomerate Sadiq Group is considering building a $200m steel mill in Balochistan, officials said.",
    ),
    (
        "Talks on merger continue",
        "Senior executives of Brightwater Utilities and Kellan Energy are negotiating a merger that would create a $5bn group.",
    ),
    (
        "Firm reportedly set to buy rival",
        "Orion Foods is reportedly set to buy rival Kestrel Snacks for $300m, Bloomsbury News reported, citing a source.",
    ),
    (
        "Suitor approaches retailer",
        "Department store chain Haddon's confirmed it had received an approach that may or may not lead to an offer.",
    ),
    # --- rejected / withdrawn bids
    (
        "Board rejects bid",
        "The board of Westcott Plc has rejected a £700m takeover approach from Falken Group as undervaluing the firm.",
    ),
    (
        "Bidder walks away",
        "Saxon Capital has walked away from its planned $1.1bn offer for Dorrin Mining after failing to agree terms.",
    ),
    (
        "Offer lapses",
        "Harlan Corp said its tender offer for Benton Corp expired after too few shares were tendered.",
    ),
    (
        "Deal called off",
        "Pakistani conglomerate Zafar Group has pulled out of its deal to acquire a majority stake in Indus Steel.",
    ),
    # --- macro FDI statistics
    (
        "FDI inflows up 30pc",
        "Net foreign direct investment into Pakistan rose 30 per cent to $1.8 billion in the first seven months.",
    ),
    (
        "Malaysia approves RM200bn in investments",
        "Malaysia approved investments worth RM200 billion across 5,000 projects last year, the investment authority said.",
    ),
    (
        "Investment in Kenya hits record",
        "Foreign investment commitments in Kenya hit a record $3.1 billion in 2023, according to a UN report.",
    ),
    (
        "Japanese capital spending to rise",
        "Japanese manufacturers plan to increase capital spending by 5.4 pct this fiscal year, a ministry survey showed.",
    ),
    # --- policy, caps, thresholds, approval rules
    (
        "Government raises FDI limit",
        "The government has raised the foreign investment limit in insurance companies to 74 per cent from 49 per cent.",
    ),
    (
        "Cabinet approves new investment law",
        "The cabinet approved a new investment law giving foreign investors tax breaks of up to ten years.",
    ),
    (
        "Screening threshold lowered",
        "Foreign takeovers of farmland worth more than A$15 million will need approval from the review board.",
    ),
    (
        "Central bank eases rules",
        "The central bank allowed local companies to invest up to $100m abroad without prior approval.",
    ),
    # --- budgets and government spending
    (
        "Govt to spend N2tn on roads",
        "The federal government will spend N2 trillion on road construction in the 2025 budget, the minister said.",
    ),
    (
        "State unveils capital budget",
        "The state government has allocated Rs 40,000 crore for capital expenditure on irrigation and highways.",
    ),
    (
        "Ministry earmarks funds for schools",
        "The education ministry has earmarked Sh5 billion for new classrooms in arid counties this financial year.",
    ),
    # --- loans, credits, bonds, development-bank finance
    (
        "AfDB approves $150m loan for road",
        "The African Development Bank has approved a $150 million loan to finance a highway between two provinces.",
    ),
    (
        "Bank extends credit line to exporter",
        "Meridian Bank has extended a $40m credit line to textile exporter Saba Mills to finance working capital.",
    ),
    (
        "Utility sells $500m of bonds",
        "State utility Kenpower sold $500 million of 10-year Eurobonds to fund new transmission lines.",
    ),
    (
        "World Bank to lend $1bn",
        "The World Bank will lend Egypt $1 billion to support reforms in its energy sector, the lender said.",
    ),
    (
        "Company secures syndicated loan",
        "Oilfield services firm Deltamar has secured a $250m syndicated loan from a group of regional banks.",
    ),
    (
        "Lender issues sukuk",
        "Al Noor Bank raised 1 billion riyals through a sukuk issue to strengthen its capital base.",
    ),
    # --- IPOs, placements to unnamed investors
    (
        "Telecom firm plans IPO",
        "Telecom operator Savanna Mobile plans to raise $300 million in an initial public offering in Nairobi.",
    ),
    (
        "Company lists on exchange",
        "Food maker Harvest Gold raised Rs 800 crore as its shares debuted on the stock exchange on Friday.",
    ),
    (
        "Firm places shares with institutions",
        "Karrow Mining raised £45m by placing new shares with institutional investors at 120p each.",
    ),
    (
        "Rights issue launched",
        "Zenda Bank launched a N50 billion rights issue to shore up its capital ahead of new rules.",
    ),
    # --- procurement, supply, aircraft orders, engineering contracts
    (
        "Airline orders 20 jets",
        "National carrier Skyline Airways has ordered 20 narrowbody jets from Airbus in a deal worth $2.4 billion at list prices.",
    ),
    (
        "Firm wins contract to build plant",
        "Engineering group Torvald has won a $400 million contract to build a gas-fired power plant in Bangladesh.",
    ),
    (
        "Supplier to provide turbines",
        "Nordwind will supply 50 wind turbines worth 120 mln euros to a wind farm being built in Turkey.",
    ),
    (
        "RAIL CONTRACT AWARDED",
        "Calder Engineering Plc said it was awarded a 30 mln stg contract to supply signalling equipment to British Rail.",
    ),
    (
        "Ministry buys buses",
        "The transport ministry has purchased 300 buses from a Chinese manufacturer for Rs 6 billion.",
    ),
    # --- closures, shelved projects, privatisation with no buyer
    (
        "Carmaker to close plant",
        "Carmaker Thornbury will close its engine plant in Coventry next year with the loss of 900 jobs.",
    ),
    (
        "Refinery project shelved",
        "Plans for a $10bn refinery in the south have been shelved after the developer failed to raise finance.",
    ),
    (
        "Mine suspended",
        "Miner Kiboko Gold has suspended construction of its $300m mine in Tanzania because of a tax dispute.",
    ),
    (
        "Government to privatise utilities",
        "The government will privatise four power distribution companies next year, the privatisation minister said.",
    ),
    # --- MoUs to negotiate/explore, interest and keenness
    (
        "Firms sign MoU to explore refinery",
        "Petrolink and Gulfstar Energy signed a memorandum of understanding to explore building a refinery in Gwadar.",
    ),
    (
        "Investors keen on Nigeria",
        "Chinese investors are keen to invest in Nigeria's agriculture sector, the ambassador said during a visit.",
    ),
    (
        "Ministers discuss investment",
        "The two ministers discussed opportunities for investment in energy and mining during talks in Riyadh.",
    ),
    (
        "Firm expresses interest in plant",
        "South Korean automaker Hanra has expressed interest in setting up an assembly plant, the trade minister said.",
    ),
    # --- aggregates and round-ups, no identifiable investor
    (
        "Businessmen sign deals worth $2bn",
        "Businessmen from the two countries signed 25 agreements worth $2 billion at a forum in Lahore on Monday.",
    ),
    (
        "Multinational to invest in state",
        "A multinational company will invest $100m in a new factory in the state, the chief minister said.",
    ),
    (
        "Week in review",
        "Deals worth more than $4bn were announced across African markets this week, led by mining and telecoms.",
    ),
    (
        "VC fund raises money for start-ups",
        "Nairobi venture fund Baobab Capital has raised $50 million for its second fund to back early-stage start-ups.",
    ),
]


@pytest.mark.parametrize("title,text", POSITIVE, ids=[t for t, _ in POSITIVE])
def test_general_positive_phrasings(title, text):
    c = classify(title, text)
    assert c.is_investment, c.reasons


@pytest.mark.parametrize("title,text", NEGATIVE, ids=[t for t, _ in NEGATIVE])
def test_general_hard_negatives(title, text):
    c = classify(title, text)
    assert not c.is_investment, c.reasons


# A second, harder batch: multi-sentence leads, passive and formal framings, and negatives whose
# wording sits close to a deal.
POSITIVE_HARD = [
    (
        "Cement plant set up in Sindh",
        "A new cement plant worth Rs 12 billion has been set up by Kohsar Cement Ltd in Khairpur district. "
        "The plant will produce 7,000 tonnes a day.",
    ),
    (
        "Malaysian group to buy property firm",
        "Tanjung Raya Bhd has entered into a sale and purchase agreement to acquire Permata Land Sdn Bhd for "
        "RM120 million, it said in a filing to Bursa Malaysia.",
    ),
    (
        "Private equity firm completes buyout",
        "Private equity firm Redhill Partners has completed its $1.2 billion buyout of software maker Lumira.",
    ),
    (
        "Fertiliser plant construction begins",
        "Conglomerate Obi Industries has begun construction of a $2.5 billion fertiliser plant in Cross River State, "
        "its chairman said on Saturday.",
    ),
    (
        "Retailer to spend $300m on new stores",
        "South African retailer Karoo Mart will spend $300 million opening 100 new stores in Kenya and Uganda "
        "over three years.",
    ),
    (
        "Firm inks deal to acquire rival",
        "Cairo-based Nile Pharma has inked a deal to acquire local rival Delta Drugs for EGP 1.5 billion.",
    ),
    (
        "KESTON SAYS IT HOLDS 5.3 PCT OF BARTLETT",
        "Keston Partners said it bought 520,000 shares of Bartlett Instruments Inc, or 5.3 pct of the total "
        "outstanding, for investment purposes.",
    ),
    (
        "Telecom group to invest £500m in network",
        "Telecoms group Albion Connect is to invest £500m in upgrading its UK broadband network over three years, "
        "it said on Wednesday.",
    ),
    (
        "Three funds back robotics start-up",
        "Kestrel Ventures, Birchwood Capital and Ostara Partners invested 6 mln dlrs in Qubit Devices Inc, the "
        "company said.",
    ),
    (
        "Sovereign fund takes stake in airline",
        "The Gulf state's sovereign wealth fund, Rimal Investment Authority, will take a 25% stake in Zephyr "
        "Airways for $400 million.",
    ),
    (
        "Group agrees £2bn takeover",
        "Household goods maker Pennington has agreed to a £2bn takeover by US rival Coldwater Brands, ending "
        "months of uncertainty.",
    ),
]

NEGATIVE_HARD = [
    (
        "Group said to prepare bid",
        "Larchmont Group is understood to be preparing a bid for the Belvoir hotel chain, according to people "
        "familiar with the matter.",
    ),
    (
        "Rival could make offer",
        "Ashby Bank could make an offer for Corrigan Savings as early as next week, Sky News reported.",
    ),
    (
        "Airline to buy 12 aircraft",
        "State carrier Air Zambezi has signed a deal to buy 12 regional aircraft worth $600 million at list prices.",
    ),
    (
        "Gulf carrier seals $4 billion deal with Aerion at air show",
        "Gulf carrier Sandstorm Air finalized a deal to purchase 18 of Aerion's 900-X Skyliner jets, executives "
        "of both companies said at the air show.",
    ),
    (
        "Railway orders locomotives",
        "Pakistan Railways will purchase 55 locomotives from a US manufacturer under a $500 million contract.",
    ),
    (
        "Foreign buyers face screening",
        "Foreign companies buying stakes worth more than $50 million in local firms will need approval from a new "
        "screening body, the treasurer said.",
    ),
    (
        "Firms agree to study refinery",
        "Petrolink and Gulfstar Energy agreed to jointly study the feasibility of a $6bn refinery at Gwadar.",
    ),
    (
        "Investor shows interest",
        "Turkish conglomerate Anka Holding has expressed interest in investing in Pakistan's renewable energy "
        "sector, the board of investment said.",
    ),
    (
        "Province attracts record investment",
        "Punjab attracted Rs 500 billion in private investment last year, the provincial investment board said.",
    ),
    (
        "State to invest in roads",
        "The Lagos State Government will invest N100 billion in roads and bridges this year, the commissioner for "
        "finance said.",
    ),
    (
        "Firm signs Exim financing",
        "Kenya Power has signed a $200 million financing agreement with a Chinese export-import bank to upgrade its grid.",
    ),
    (
        "Company prices notes",
        "Mining group Copperbelt Minerals priced $750 million of senior notes due 2030 to refinance existing debt.",
    ),
    (
        "IPO draws anchor investors",
        "Harvest Gold raised Rs 240 crore from anchor investors ahead of its initial public offering on Monday.",
    ),
    (
        "Carmaker lays off workers",
        "Carmaker Thornbury will lay off 900 workers and mothball its engine plant in Coventry next year.",
    ),
    (
        "Project put on hold",
        "Oceanic Steel has put its $1bn steel mill project in Odisha on hold, citing weak demand.",
    ),
    (
        "Results lifted by acquisition",
        "Telecom operator Zentel reported a 25 per cent rise in quarterly revenue, boosted by the acquisition "
        "of Fibrelink last year. Net profit rose to $120m.",
    ),
    (
        "Stock hits high on deal report",
        "Shares in Quorra Telecom hit a record high after a newspaper said a Gulf investor was weighing a bid.",
    ),
]


@pytest.mark.parametrize("title,text", POSITIVE_HARD, ids=[t for t, _ in POSITIVE_HARD])
def test_harder_positive_phrasings(title, text):
    c = classify(title, text)
    assert c.is_investment, c.reasons


@pytest.mark.parametrize("title,text", NEGATIVE_HARD, ids=[t for t, _ in NEGATIVE_HARD])
def test_harder_negatives(title, text):
    c = classify(title, text)
    assert not c.is_investment, c.reasons


# Multi-sentence leads: the deal after a scene-setting opener, and a past deal inside another story.
LEADS = [
    (
        True,
        "Big boost for Kenya manufacturing",
        "NAIROBI: The country's manufacturing sector is set for a major boost. Tanzanian cement maker Kilimani "
        "Cement Ltd will invest $120 million in a clinker plant in Kitui, the company said on Monday.",
    ),
    (
        True,
        "New investment for the Eastern Cape",
        "Jobs are on the way for the Eastern Cape. German carmaker Rheinwerk AG has committed R6 billion to expand "
        "its assembly plant in East London, the company announced on Tuesday.",
    ),
    (
        True,
        "Conglomerate sells packaging arm",
        "Halberd Industries will sell its packaging division to Northgate Corp for 200 mln dlrs in cash, the "
        "companies said.",
    ),
    (
        True,
        "Bank gets new shareholder",
        "Foreign lender Harbourside Bank has acquired a 9.9 per cent stake in Zenda Bank for N25 billion, Zenda "
        "said in a notice to the exchange.",
    ),
    (
        False,
        "Economy grows 5pc",
        "The economy grew 5 per cent in the second quarter, driven by manufacturing and services. Earlier this "
        "year, Kilimani Cement announced it would invest $120 million in a clinker plant.",
    ),
    (
        False,
        "Minister meets investors",
        "Trade minister Ali Raza met a delegation of Chinese businessmen on Monday. The delegation showed keen "
        "interest in investing in textiles and agriculture.",
    ),
    (
        False,
        "Firm denies plan to sell unit",
        "Halberd Industries denied reports it planned to sell its chemicals unit to Northgate Corp for 200 mln dlrs.",
    ),
    (
        False,
        "Bank to raise capital",
        "Zenda Bank plans to raise N50 billion in fresh capital through a public offer to meet new capital rules.",
    ),
    (
        False,
        "Investors pledge $10bn at summit",
        "Investors pledged more than $10 billion at the two-day investment summit, the prime minister said.",
    ),
    (
        False,
        "Board approves projects",
        "The Board of Investment approved 12 projects worth Rs 90 billion, including a steel mill and two textile units.",
    ),
]


@pytest.mark.parametrize("want,title,text", LEADS, ids=[t for _, t, _ in LEADS])
def test_multi_sentence_leads(want, title, text):
    assert classify(title, text).is_investment is want
