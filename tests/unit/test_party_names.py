"""A party's name tidied to the company (invented names; no labelled company)."""

from transforms.deals.party_names import described_party, full_form, tidy_party
from transforms.entities.orgs import name_runs


def test_wire_prefix_and_ticker_tail_are_not_part_of_the_name():
    assert tidy_party("BRIEF-Qolmar Optics Technology") == "Qolmar Optics Technology"
    assert tidy_party("Vendrix Latam VNDX.MX") == "Vendrix Latam"


def test_a_place_descriptor_before_the_name_is_dropped():
    assert tidy_party("North Utopia-based Brelco") == "Brelco"
    assert tidy_party("Indonesian FinTech Payzo") == "Payzo"


def test_only_a_description_is_no_name():
    assert tidy_party("North Utopia-based") is None
    assert tidy_party("UK-headquartered") is None
    assert tidy_party("Group PLC") is None


def test_names_that_are_names_stay():
    for name in ("Brelco Holdings Ltd", "Gulf Navigation Holding", "Brooge Energy Limited (BEL)", "Ruritania Telecom"):
        assert tidy_party(name) == name


def test_an_acronym_defined_in_the_story_is_given_in_full():
    text = "Zarnia Flour Mills (ZFM) said on Monday that its board backs the offer. ZFM shares rose."
    assert full_form("ZFM", "", text) == "Zarnia Flour Mills (ZFM)"
    assert full_form("QRS", "", text) == "QRS"  # not defined: left as it is
    assert full_form("Brelco", "", text) == "Brelco"


def test_the_company_after_a_bare_descriptor():
    text = "Shareholders voted for a takeover by North Utopia-based conglomerate Brelco on Friday."
    run = next(r for r in name_runs(text) if r.text.endswith("-based"))
    assert described_party(text, run).text == "Brelco"
    text2 = "Shareholders voted for a takeover by North Utopia-based investors on Friday."
    run2 = next(r for r in name_runs(text2) if r.text.endswith("-based"))
    assert described_party(text2, run2) is None


def test_the_legal_name_a_story_introduces_the_party_by():
    text = "Harrowgate Motor Corp. said on Monday it would build a plant. Harrowgate will spend $1bn."
    assert full_form("Harrowgate", "", text) == "Harrowgate Motor Corp."
    assert full_form("Quenby", "", "Quenby Industries Ltd plans a refinery.") == "Quenby Industries Ltd"


def test_a_later_longer_name_is_not_the_party():
    # the short form comes first: a later "X Appliances Ltd" / "X Ethiopia" is a subsidiary
    text = "Harrowgate said it will invest. Harrowgate Appliances Ltd will run the plant."
    assert full_form("Harrowgate", "", text) == "Harrowgate"
    assert full_form("Harrowgate", "", "Harrowgate Ethiopia opened a brewery.") == "Harrowgate"
    assert full_form("Harrowgate", "", "Harrowgate Appliances (Thailand) Ltd opened.") == "Harrowgate"


def test_a_lower_case_article_is_not_part_of_the_name():
    assert tidy_party("the Harbour Round Capital") == "Harbour Round Capital"
    assert tidy_party("The Harbour Corporation") == "The Harbour Corporation"  # as the company writes it


def test_a_funds_vintage_number_is_part_of_its_name():
    from transforms.deals.party_names import full_form

    assert full_form("Tarrow Vision Fund", "", "Tarrow Vision Fund 2 led a $400 million round.") == "Tarrow Vision Fund 2"
    assert full_form("Kelso Partners", "", "Kelso Partners III invested.") == "Kelso Partners III"
    assert full_form("Tarrow Fund", "", "Tarrow Fund 2 billion in assets") == "Tarrow Fund"  # a sum, not a vintage
    assert full_form("Tarrow Group", "", "Tarrow Group 2 said") == "Tarrow Group"  # only funds are numbered


def test_an_article_and_a_demonym_before_a_name_are_its_description():
    assert tidy_party("the Chinese Quillon Technology Co. Limited (QTL") == "Quillon Technology Co. Limited (QTL)"
    assert tidy_party("The Kelso Corporation") == "The Kelso Corporation"
    assert tidy_party("Quillon Holdings (QH)") == "Quillon Holdings (QH)"
