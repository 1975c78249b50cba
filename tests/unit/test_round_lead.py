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
