"""A deal's target is a company or a project, never a sum, a currency code or only places:
the parse's object in "to invest R4.5-billion in ..." or "plants in Morocco and Slovakia"."""

from __future__ import annotations

import pytest

from transforms.deals.target import not_a_party


@pytest.mark.parametrize(
    "name",
    ["R4.5-billion", "Rs4.8", "US$5 million", "VND", "Asia", "Southeast Asian", "Morocco and Slovakia", "South Africa"],
)
def test_sums_currencies_and_places_are_no_party(name):
    assert not_a_party(name)


@pytest.mark.parametrize(
    "name",
    ["3M", "7-Eleven", "Kenya Airways", "Gulf Air", "Asia Pacific Holdings", "Board of Investment", "BYD",
     "battery plant in Komarom"],
)
def test_companies_and_projects_stay(name):
    assert not not_a_party(name)


def test_a_facility_keeps_its_place_named_as_a_city_of():
    from transforms.deals.target import facility_phrase

    text = "Tarrow plans to build a petrochemicals plant in the city of Kelsbury on the gulf coast."
    run = facility_phrase(text, 0, len(text))
    assert run is not None and run.text == "petrochemicals plant in the city of Kelsbury"
