"""Language from the text itself; the declared language only as a hint."""

import pytest

from transforms.nlp.language import detect_language, normalise_hint, word_count

EN = ("The company said on Tuesday that it would build a new factory in the north of the country, "
      "creating about two hundred jobs over the next three years, according to a statement.")
DE = ("Das Unternehmen teilte am Dienstag mit, dass es im Norden des Landes eine neue Fabrik bauen "
      "werde, wodurch in den nächsten drei Jahren rund zweihundert Arbeitsplätze entstehen sollen.")
FR = ("L'entreprise a annoncé mardi qu'elle construirait une nouvelle usine dans le nord du pays, "
      "ce qui devrait créer environ deux cents emplois au cours des trois prochaines années.")
ES = ("La empresa anunció el martes que construirá una nueva fábrica en el norte del país, lo que "
      "creará unos doscientos empleos durante los próximos tres años, según un comunicado oficial.")
JA = "同社は火曜日、国の北部に新しい工場を建設し、今後三年間で約二百人の雇用を生み出すと発表した。"


@pytest.mark.parametrize("text,lang", [(EN, "en"), (DE, "de"), (FR, "fr"), (ES, "es"), (JA, "ja")])
def test_detects_language_of_text(text, lang):
    assert detect_language(text) == lang


def test_text_wins_over_a_wrong_hint():
    assert detect_language(DE, hint="en") == "de"
    assert detect_language(EN, hint="fr-FR") == "en"


def test_short_text_gives_hint_or_none():
    assert detect_language("Deal done.") is None
    assert detect_language("Deal done.", hint="en-GB") == "en"
    assert word_count("Deal done.") < 20 <= word_count(EN)
    assert word_count(JA) >= 20  # unspaced scripts count per character


def test_normalise_hint():
    assert normalise_hint("EN_us") == "en"
    assert normalise_hint("") is None
    assert normalise_hint("eng") is None
