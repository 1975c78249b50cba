"""'spend' is a deal trigger when money is spent, not time: "spent formative teenage years in
Montreal" or "spent Monday trying to distance himself" must not make a person an investor."""

from __future__ import annotations

import pytest

from transforms.deals.cues import find_triggers


def _spend_triggers(text: str) -> list[str]:
    return [t.text for t in find_triggers(text) if t.kind == "invest"]


@pytest.mark.parametrize(
    "text",
    [
        "Both leaders spent formative teenage years in the same city.",
        "The striker spent Monday trying to distance himself from the remarks.",
        "She has spent the past couple of years rebuilding the brand.",
        "He spent 10 months in the job before resigning.",
        "The founder wants to spend more time with his family.",
    ],
)
def test_time_spent_is_no_trigger(text):
    assert _spend_triggers(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Orvane Motors will spend $5.5 billion on an electric vehicle plant.",
        "The group plans to spend 30 billion over five years on new mills.",
        "Kestrel spent 22.3 billion yuan on the purchase.",
        "The miner spends several billion dollars a year on new pits.",
    ],
)
def test_money_spent_is_a_trigger(text):
    assert _spend_triggers(text), text


def test_a_power_purchase_agreement_is_no_acquisition():
    sent = "The deals include a 25-year power purchase agreement worth $1.2 billion which will see Kelso build a plant."
    assert [(t.kind, t.text) for t in find_triggers(sent)] == [("build", "build")]
    assert [t.kind for t in find_triggers("Tarrow agreed to purchase Kelso for $5 million.")] == ["acquisition"]
