"""The learned model's vocabulary holds no investor or target name of the labels (entities masked)."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("sklearn")


def test_vocabulary_has_no_label_names(retrained):
    model = retrained.model_json
    vocab = {w for block in ("title", "lead") for term in model[block]["vocabulary"] for w in term.split()}
    assert any(w.startswith("__org__") for w in vocab), "masking tokens are features"
    docs = retrained.docs
    lowercase_words = {w for d in docs for w in re.findall(r"\b[a-z][a-z'-]+\b", d["title"] + " " + d["body"])}
    names = {
        w.lower()
        for d in docs
        for field in ("investor", "target")
        for w in re.findall(r"\b[A-Z][A-Za-z'-]{2,}", d.get(field) or "")
    }
    # A word of a label's name that the texts never use in lower case is a proper name: it must not be a feature.
    leaked = sorted(w for w in vocab & names if w not in lowercase_words)
    assert not leaked, leaked
