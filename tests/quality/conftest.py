"""One retrain for the model tests of this tier (fit only: the same call `make train` makes)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest


@dataclass
class Retrained:
    model_json: dict
    docs: list[dict]
    inputs: list


@pytest.fixture(scope="session")
def retrained(shared_dir, tmp_path_factory) -> Retrained:
    pytest.importorskip("sklearn")
    from tools.train import features, load_labelled, main
    from transforms.deals.model import MODEL_FILE

    out: Path = tmp_path_factory.mktemp("train")
    assert main(["--out", str(out), "--no-kfold"]) == 0
    docs = load_labelled()
    return Retrained(json.loads((out / MODEL_FILE).read_text()), docs, features(docs))
