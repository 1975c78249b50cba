"""The shipped is_investment model is what `make train` builds from ../shared, judged by its predictions.

Retrains from the labelled texts (fit only, no k-fold) and compares, on every labelled story, the
shipped model's probability and verdict with the retrained one's, both scored by the pipeline's
own pure-Python scorer; then the files themselves.
"""

from __future__ import annotations

import json
from importlib import resources

import numpy as np


def test_shipped_model_is_what_make_train_builds(retrained):
    from transforms.deals.model import MODEL_FILE, decide_inputs, load_model, model_from_dict

    again = model_from_dict(retrained.model_json)
    shipped = load_model()
    differ = []
    for d, x in zip(retrained.docs, retrained.inputs, strict=True):
        a, b = decide_inputs(x, shipped), decide_inputs(x, again)
        if a.is_investment != b.is_investment or abs(a.score - b.score) > 1e-9:
            differ.append((d["id"], a.score, b.score))
    assert not differ, f"{len(differ)} of {len(retrained.docs)} stories scored differently: {differ[:5]}; run make train"
    shipped_file = json.loads(resources.files("transforms.data").joinpath(MODEL_FILE).read_text("utf-8"))
    assert shipped_file == retrained.model_json


def test_shipped_model_separates_the_labels(retrained):
    """Fit-on-all floor (the honest numbers are the grouped k-fold ones in the model card)."""
    from tools.train import prf
    from transforms.deals.model import decide_inputs, load_model

    y = np.array([int(d["is_investment"]) for d in retrained.docs])
    pred = np.array([int(decide_inputs(x, load_model()).is_investment) for x in retrained.inputs])
    assert prf(y, pred)["f1"] >= 0.85


def test_shipped_amount_ranker_is_what_make_train_builds(shared_dir):
    from tools.rank_amount import SHIPPED, fitted_model

    shipped = json.loads(SHIPPED.read_text())
    again = fitted_model()
    assert again == shipped, "ranker_amount.json differs from a retrain: run make train"


def test_shipped_investor_ranker_is_what_make_train_builds(shared_dir):
    from tools.rank_investor import SHIPPED, fitted_model

    assert fitted_model() == json.loads(SHIPPED.read_text()), "ranker_investor.json differs from a retrain: run make train"
