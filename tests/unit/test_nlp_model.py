"""The spaCy pipeline loads once per process, from the pinned package, without unused components."""

from transforms.nlp.model import EXCLUDED, load_nlp


def test_load_is_cached_and_lean():
    nlp = load_nlp()
    assert load_nlp() is nlp
    assert nlp.meta["version"] == "3.8.0"
    assert {"tok2vec", "parser", "ner"} <= set(nlp.pipe_names)
    assert not set(EXCLUDED) & set(nlp.pipe_names)


def test_parser_gives_subject_and_object():
    doc = load_nlp()("The company bought the factory.")
    deps = {t.text: t.dep_ for t in doc}
    assert deps["company"] == "nsubj"
    assert deps["factory"] == "dobj"
