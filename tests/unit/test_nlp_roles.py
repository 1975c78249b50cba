"""The deal predicate's agent from the parse, typed by the NER; language gating of the English rules."""

from transforms.deals.roles import deal_agent, span_types
from transforms.nlp.language import english_only
from transforms.records import RawDocument
from transforms.text.extract import extract_text, make_settings


def _agent(sentence: str, trigger: str):
    role, blocked = deal_agent(sentence, 0, len(sentence), sentence.index(trigger))
    return (role.text if role else None), (role.label if role else blocked)


def test_agent_of_active_control_and_reported_verbs():
    s = "Tokyo-based Terumo Corp said it agreed to buy Brightwater Pumps of Ohio for $120 million."
    assert _agent(s, "buy") == ("Terumo Corp", "ORG")
    s = "Nakamura Heavy Industries will build a $300 million plant in Texas."
    assert _agent(s, "build")[0] == "Nakamura Heavy Industries"


def test_passive_agent_is_the_buyer():
    s = "Brightwater Pumps was acquired by Terumo Corp for $120 million."
    assert _agent(s, "acquired")[0] == "Terumo Corp"


def test_state_body_and_no_org():
    assert _agent("The Zambian government has bought 85 pct of Zeta Mines.", "bought") == (
        "The Zambian government", "STATE")
    assert _agent("The company will invest $5 billion in Ohio.", "invest")[0] is None


def test_span_types_ignore_entities_running_past_the_name():
    s = "Vela Robotics raised $12 million on Monday."
    assert "MONEY" in span_types(s, 0, len(s), s.index("$12"), s.index(" on"))
    assert "MONEY" not in span_types(s, 0, len(s), 0, len("Vela Robotics"))


def test_non_english_text_is_not_classified_by_english_rules():
    assert english_only("en") is None and english_only(None) is None
    verdict = english_only("de")
    assert verdict is not None and not verdict.is_investment and verdict.reasons == ("language:de",)


def test_extracted_text_carries_detected_language():
    body = ("Das Unternehmen teilte am Dienstag mit, dass es im Norden des Landes eine neue Fabrik bauen "
            "werde, wodurch in den nächsten drei Jahren rund zweihundert Arbeitsplätze entstehen sollen.")
    doc = RawDocument(doc_id="x", source_kind="seed_file", source="x.txt", url=None, fetched_at=None,
                      content=None, content_type="text/plain", text=body, title="Neue Fabrik")
    assert extract_text(doc, make_settings()).language == "de"
    html = f"<html lang='en'><head><title>Neue Fabrik</title></head><body><article><p>{body}</p></article></body></html>"
    doc = RawDocument(doc_id="y", source_kind="seed_file", source="y.html", url=None, fetched_at=None,
                      content=html.encode(), content_type="text/html")
    assert extract_text(doc, make_settings()).language == "de"  # the text wins over the lang attribute


def test_party_places_come_from_the_party_not_the_sentence():
    from transforms.deals.roles import party_places

    s = "Terumo Corp of Japan agreed to buy Brightwater Pumps, an Ohio maker of valves."
    assert party_places(s, 0, len(s), 0, len("Terumo Corp")) == ["Japan"]
    s = "Lumen Grid, a Chinese engineering company, will build a plant in Kenya."
    assert party_places(s, 0, len(s), 0, len("Lumen Grid")) == ["Chinese"]
    s = "Lumen Grid will build a plant in Kenya."
    assert party_places(s, 0, len(s), 0, len("Lumen Grid")) == []
