"""The round's lead, not its raiser, is a funding round's investor (LABELS.md); the raiser is the target.

Invented stories: the raise verb has the raiser for subject, the lead is named after "led by" in the
deal sentence or in one of the next sentences, behind a possessor or a short descriptor.
"""

from __future__ import annotations

from transforms.deals.extract import main_deal


def _row(title: str, text: str):
    found = main_deal(title, text)
    assert found is not None, "no row"
    return found[0]


def test_lead_named_in_a_later_sentence() -> None:
    text = ("Quillmark, a Lisbon-based payments start-up, said on Tuesday it has raised $40 million in a "
            "Series B round to expand across Europe. The company will hire 200 engineers. "
            "The round was led by Harborline Capital, with participation from Tessel Ventures.")
    row = _row("Quillmark raises $40 million Series B", text)
    assert row.deal_type == "funding_round"
    assert row.investor == "Harborline Capital"
    assert row.target == "Quillmark"


def test_lead_behind_a_descriptor_and_co_lead() -> None:
    text = ("Brindle Robotics has completed a $25 million Series A funding round. "
            "Led by VC firm Ostrava Growth Partners and Kelm Capital, the funding will pay for new plants.")
    row = _row("Brindle Robotics completes $25 million Series A", text)
    assert row.investor == "Ostrava Growth Partners"
    assert row.target == "Brindle Robotics"


def test_lead_behind_a_possessor() -> None:
    text = ("Vantaro Labs has raised $18 million in its Series A round jointly led by Mira Olsen's "
            "Fjordline Ventures and Pelham Capital.")
    row = _row("Vantaro Labs raises $18 million", text)
    assert row.investor == "Fjordline Ventures"
    assert row.target == "Vantaro Labs"


def test_no_lead_named_keeps_no_investor() -> None:
    text = ("Corvane Health has raised $12 million in a Series A round from an American venture firm. "
            "It plans to open clinics in three cities.")
    row = _row("Corvane Health raises $12 million", text)
    assert row.target == "Corvane Health"
    assert row.investor is None


def test_lead_named_only_in_the_headline() -> None:
    text = ("Retail platforms have drawn investors all year. Pallora, one of the larger players, "
            "announced that it has raised $125 million in Series B funding. "
            "The money will pay for warehouses in four cities.")
    row = _row("Pallora rebrands as it raises $125M Series B from Juniper Peak and Rowan", text)
    assert row.deal_type == "funding_round"
    assert row.target == "Pallora"
    assert row.investor == "Juniper Peak"


def test_anaphoric_raiser_under_a_raise_headline() -> None:
    """ "The fintech startup ... has raised $25m in a round led by X" under "Acme raises $25m":
    the headline's raiser is the target, the round's lead the investor. "Africa's largest economy"
    describes the raiser's home; it is not a macro-statistics story."""
    text = ("Even with the risks involved, digital banking is expanding. Tamsin processed $2.2 billion in "
            "transactions in February alone. The fintech startup, based in Africa's largest economy, has "
            "just raised an additional $25 million in a Series A round led by Corrow Ventures, a firm "
            "backed by a payments founder. Tamsin has now raised a total $36.6 million in two years to "
            "build a digital bank.")
    row = _row("Tamsin raises $25m for digital-only banking", text)
    assert row.deal_type == "funding_round"
    assert row.investor == "Corrow Ventures"
    assert row.target == "Tamsin"
    assert row.amount == 25_000_000


def test_financing_from_a_named_investor_is_a_round() -> None:
    text = ("Pemberly, a Chilean payment startup, has secured US$100 million in financing from Ardent "
            "Tactical Value and an unnamed West Coast investor. The funds are earmarked for growth.")
    row = _row("Chilean payment startup Pemberly lands US$100 million investment", text)
    assert row.deal_type == "funding_round"
    assert row.investor == "Ardent Tactical Value"
    assert row.target == "Pemberly"


def test_acquisition_of_fresh_funding_is_a_round_not_a_takeover() -> None:
    text = ("Data platform Morrowind Media announced the acquisition of fresh funding led by Tallis Ventures. "
            "Earlier investors also took part in this round.")
    row = _row("Morrowind Media Receives New Funding Led by Tallis Ventures", text)
    assert row.deal_type == "funding_round"
    assert row.investor == "Tallis Ventures"
    assert row.target == "Morrowind Media"


def test_an_investment_from_named_investors_is_a_round() -> None:
    text = ("Nigerian fintech Pellow has secured a $110 million investment from several investors, "
            "valuing it at $1 billion.")
    row = _row("Pellow becomes a unicorn", text)
    assert row.deal_type == "funding_round"
    assert row.target == "Pellow"


def test_raiser_past_an_appositive() -> None:
    text = ("KARACHI: Pellino, a Lahore-based decentralized mass transit startup founded in 2019, announced "
            "on Saturday that it had secured $12 million from an American venture capital firm in the "
            "country's largest and most closely watched Series A financing. "
            "The company runs buses in two cities.")
    row = _row("Pellino raises $12 million for buses", text)
    assert row.deal_type == "funding_round"
    assert row.target == "Pellino"


def test_a_round_from_a_syndicate_with_no_lead_has_no_investor() -> None:
    text = ("Quillmark, India's biggest ride-hailing service, said on Wednesday it had raised $500 million from "
            "investors including Harborline Capital, Tessel Ventures, Kelm Partners and Ostrava Growth.")
    row = _row("Quillmark raises $500 million", text)
    assert row.deal_type == "funding_round"
    assert row.investor is None and row.investor_country is None
    assert row.target == "Quillmark"


def test_a_round_from_one_named_investor_keeps_it() -> None:
    text = ("Quillmark, a Lisbon-based payments start-up, said on Tuesday it has raised $40 million from "
            "Harborline Capital and an unnamed investor to expand across Europe.")
    row = _row("Quillmark raises $40 million", text)
    assert row.investor == "Harborline Capital"
