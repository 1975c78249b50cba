"""Spending horizons (issue 3 item 6)."""

from __future__ import annotations

import pytest

from transforms.entities.horizon import find_horizon


@pytest.mark.parametrize(
    "text,expected",
    [
        ("pledged to invest $70 million in Pakistan over the next two to three years.", (2, 3)),
        ("will spend the money over five years", (5, 5)),
        ("will invest 75 billion bolivars in new projects during 1987-89", (3, 3)),
        ("plans to invest $20bn in Nigeria over the next five years", (5, 5)),
        ("a 30 mln stg expansion over the next three years", (3, 3)),
        ("to invest up to US$1 billion in the next five years", (5, 5)),
        ("within the next 10 years", (10, 10)),
    ],
)
def test_horizons(text, expected):
    h = find_horizon(text)
    assert h is not None and (h.min_years, h.max_years) == expected


@pytest.mark.parametrize(
    "text",
    [
        "the plant will begin operation in two years",
        "construction is to be completed by 2020",
        "over the next few years",
        "loans repayable in 30 years with a five year grace period",
        "founded 15 years ago",
        "",
    ],
)
def test_not_horizons(text):
    assert find_horizon(text) is None
