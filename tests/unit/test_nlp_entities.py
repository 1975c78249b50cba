"""Entity types come from the statistical NER, and masking leaves no names or digits behind."""

import re

from transforms.nlp.entities import Entity, entities, mask_entities

SENTENCE = (
    "Tokyo-based Nakamura Heavy Industries agreed to buy Brightwater Pumps of Ohio for $120 million, "
    "chief executive Maria Gonzalez said on Tuesday."
)


def _labels(text):
    return {e.text: e.label for e in entities(text)}


def test_offsets_index_the_text():
    found = entities(SENTENCE)
    assert found
    for e in found:
        assert isinstance(e, Entity)
        assert SENTENCE[e.start : e.end] == e.text


def test_types_of_a_deal_sentence():
    labels = _labels(SENTENCE)
    assert labels.get("Maria Gonzalez") == "PERSON"
    assert labels.get("Ohio") == "GPE"
    assert labels.get("$120 million") == "MONEY"
    assert labels.get("Tuesday") == "DATE"
    assert any(label == "ORG" for label in labels.values())
    assert all(label != "ORG" for text, label in labels.items() if text in {"Maria Gonzalez", "Ohio"})


def test_person_is_not_an_organisation():
    labels = _labels("Kamala Harris met Boeing executives in Seattle on Monday.")
    assert labels.get("Kamala Harris") == "PERSON"
    assert labels.get("Boeing") == "ORG"
    assert labels.get("Seattle") == "GPE"


def test_mask_removes_names_and_digits():
    masked = mask_entities(SENTENCE)
    for name in ("Nakamura", "Brightwater", "Ohio", "Gonzalez", "Tokyo", "120", "Tuesday"):
        assert name not in masked
    assert not re.search(r"\d", masked)
    assert "__MONEY__" in masked and "__PERSON__" in masked and "__DATE__" in masked
    assert "agreed to buy" in masked  # the predicate stays readable


def test_mask_digits_outside_entities_and_empty_text():
    assert mask_entities("") == ""
    assert not re.search(r"\d", mask_entities("the plan has 3 phases and 12.5 more"))
    assert "__NORP__" in mask_entities("A German carmaker will build a plant.")


def test_a_sum_the_parser_reads_is_masked_as_money():
    from transforms.nlp.entities import mask_entities

    masked = mask_entities("Kelso gets $200mn from Tarrow Capital, others")
    assert "__MONEY__" in masked and "$" not in masked and "200" not in masked
    assert "__PERSON__" not in masked and "__ORDINAL__" not in masked
