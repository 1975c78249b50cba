"""Money phrasings as news writes them (issue 3 item 3), parsed by transforms.entities.money."""

from __future__ import annotations

from datetime import datetime

import pytest

from transforms.entities.money import find_money, parse_amount

CASES = [
    # text, amount, amount_max, bound, currency, country hint
    ("$70m", 70e6, None, "exact", "USD", None),
    ("$70 million", 70e6, None, "exact", "USD", None),
    ("US$1.2 billion", 1.2e9, None, "exact", "USD", None),
    ("USD 5bn", 5e9, None, "exact", "USD", None),
    ("€500 million", 500e6, None, "exact", "EUR", None),
    ("£2.3bn", 2.3e9, None, "exact", "GBP", None),
    ("stg 30 mln", 30e6, None, "exact", "GBP", None),
    ("30 mln stg", 30e6, None, "exact", "GBP", None),
    ("70 mln dlrs", 70e6, None, "exact", "USD", None),
    ("3.5 billion yen", 3.5e9, None, "exact", "JPY", None),
    ("Rs 5 billion", 5e9, None, "exact", "INR", None),
    ("Rs 5 billion", 5e9, None, "exact", "PKR", "PK"),
    ("PKR 1,500 crore", 15e9, None, "exact", "PKR", None),
    ("₹2,000 crore", 20e9, None, "exact", "INR", None),
    ("₹5,91,61,730", 59161730.0, None, "exact", "INR", None),
    ("Rs 10 lakh", 1e6, None, "exact", "INR", None),
    ("N50 billion", 50e9, None, "exact", "NGN", None),
    ("N6.09tn ($20bn)", 6.09e12, None, "exact", "NGN", None),
    ("Sh24 billion", 24e9, None, "exact", "KES", None),
    ("Sh24 billion", 24e9, None, "exact", "TZS", "TZ"),
    ("RM170.6mn", 170.6e6, None, "exact", "MYR", None),
    ("SR1.2 billion", 1.2e9, None, "exact", "SAR", None),
    ("seventy million dollars", 70e6, None, "exact", "USD", None),
    ("a seven mln dlr plant", 7e6, None, "exact", "USD", None),
    ("$1-2 billion", 1e9, 2e9, "range", "USD", None),
    ("between $1 billion to $2 billion", 1e9, 2e9, "range", "USD", None),
    ("200 to 250 mln dlrs", 200e6, 250e6, "range", "USD", None),
    ("up to $500m", 500e6, None, "at_most", "USD", None),
    ("more than $1bn", 1e9, None, "at_least", "USD", None),
    ("exceeding US$200-million", 200e6, None, "at_least", "USD", None),
    ("450 mln Canadian dlr retooling", 450e6, None, "exact", "CAD", None),
    ("390 mln dlr expansion", 390e6, None, "exact", "CAD", "CA"),
    ("31.5 mln U.S. Dlrs", 31.5e6, None, "exact", "USD", "AU"),
    ("259.7m euros", 259.7e6, None, "exact", "EUR", None),
    ("4.66bn rupees", 4.66e9, None, "exact", "INR", None),
    ("75 billion bolivars", 75e9, None, "exact", "VEB", None),
    ("R194 million", 194e6, None, "exact", "ZAR", None),
    ("500 mln French francs", 500e6, None, "exact", "FRF", None),
    ("20 mln marks", 20e6, None, "exact", "DEM", None),
    ("more than W1 trillion", 1e12, None, "at_least", "KRW", None),  # Korean press
    ("a Wn4.8 billion deal", 4.8e9, None, "exact", "KRW", None),
]


def test_a_won_prefix_needs_a_scale_word():
    assert find_money("(US$1=W925)")[-1].currency == "USD"
    assert find_money("the W3C standard and the W12 engine") == []


@pytest.mark.parametrize("text,amount,amount_max,bound,currency,country", CASES)
def test_money_phrasings(text, amount, amount_max, bound, currency, country):
    m = parse_amount(text, country)
    assert m is not None
    assert m.amount == pytest.approx(amount)
    assert m.amount_max == (pytest.approx(amount_max) if amount_max else None)
    assert m.bound == bound
    assert m.currency == currency
    assert text[m.start : m.end] == m.text


def test_dlrs_in_an_ambiguous_dollar_country_has_no_currency():
    assert parse_amount("25.5 mln dlrs", "ZW").currency is None


def test_bolivar_code_follows_the_date():
    assert parse_amount("75 billion bolivars", None, datetime(2019, 1, 1)).currency == "VES"


def test_conversions_in_parentheses_are_marked():
    found = find_money("for $11bn (£5.7bn) in cash")
    assert [m.in_parens for m in found] == [False, True]


@pytest.mark.parametrize(
    "text", ["in 1987 sales rose", "a 20 pct stake", "R&D spending", "N5 highway", "the 3M company"]
)
def test_non_money(text):
    assert find_money(text) == []


@pytest.mark.parametrize(
    "text,amount,currency",
    [
        ("The 990-million-U.S.-dollar investment", 990e6, "USD"),  # Chinese state media
        ("a 5-billion-yuan plant", 5e9, "CNY"),
        ("plans to invest 11 billion reais ($2.2 billion)", 11e9, "BRL"),
    ],
)
def test_hyphenated_and_plural_currency_words(text, amount, currency):
    m = find_money(text)[0]
    assert (m.amount, m.currency) == (amount, currency)


def test_a_price_per_share_is_not_the_deals_sum():
    from transforms.deals.amount import PER_SHARE

    text = "to acquire Kelso for 40 euros ($51) per share, or 2.69 billion euros, and $3.10 per GAS stapled security"
    per = [m.text for m in find_money(text) if PER_SHARE.match(text, m.end)]
    assert per == ["40 euros", "$3.10"]


def test_dirhams_read_the_stories_country():
    from transforms.entities.money import find_money

    assert [m.currency for m in find_money("will invest 10 billion dirhams in its plant", "MA")] == ["MAD"]
    assert [m.currency for m in find_money("will invest 10 billion dirhams in its plant")] == ["AED"]
