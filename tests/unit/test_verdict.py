"""The is_investment verdict's rule: the story model's threshold, or its borderline story's row."""

from __future__ import annotations

import pytest

from transforms.deals.verdict import SECOND_OPINION_FROM, investment_verdict, second_opinion


@pytest.mark.parametrize(("story", "row", "expected"), [
    (0.72, None, True),  # the story model alone
    (0.5, 0.0, True),  # at the threshold, whatever the row
    (0.45, 0.62, True),  # borderline story, confident row
    (0.45, 0.49, False),  # borderline story, row below the threshold
    (0.45, None, False),  # borderline story, no row
    (SECOND_OPINION_FROM - 0.01, 0.99, False),  # too far from a deal for a second opinion
])
def test_second_opinion(story, row, expected):
    assert second_opinion(story, row) is expected


def test_clear_stories_keep_the_story_models_verdict():
    from transforms.deals.model import decide

    deal = ("Acme Corp to buy Zeta Ltd for $50 million",
            "Acme Corp said on Monday it agreed to buy Zeta Ltd for $50 million in cash.")
    weather = ("Weather", "Rain is expected over the weekend in most of the region, forecasters said.")
    for title, text in (deal, weather):
        assert investment_verdict(title, text) == decide(title, text)
