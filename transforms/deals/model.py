"""The learned is_investment decision: a logistic model shipped as package data, scored in pure Python.

``make train`` (tools/train.py) fits it on the labelled dev + train stories and writes
``transforms/data/investment_model.json`` (card: ``transforms/data/MODEL_CARD.md``). Its inputs:
word 1-2-grams of the headline and of the headline + lead after the statistical NER has masked
every entity to its type (so no name can be a feature), and the named parts of the rules
(``story_features``). A story with no deal sentence in its lead and no deal trigger in its
headline is not parsed at all: it gets the gate probability (the labelled rate of such stories),
which keeps the NER off pages that cannot be deals. scikit-learn is needed to train, not to run.
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections import Counter
from dataclasses import dataclass
from importlib import resources

from transforms.deals.classify import classify_story
from transforms.deals.cues import find_triggers
from transforms.deals.lead import Story, analyse
from transforms.deals.story import best_candidate
from transforms.deals.story_features import lead_text, story_features
from transforms.records import Classification

MODEL_FILE = "investment_model.json"


@dataclass(frozen=True)
class StoryInputs:
    """What the model reads of one story; ``gated`` stories skip the NER and the n-grams."""

    gated: bool
    rule: Classification
    dense: dict[str, float]
    masked_title: str = ""
    masked_lead: str = ""


def passes_gate(story: Story) -> bool:
    """A deal sentence in the lead, or a deal trigger in the headline."""
    return best_candidate(story) is not None or bool(find_triggers(story.title))


def story_inputs(title: str | None, text: str) -> StoryInputs:
    from transforms.nlp.entities import mask_entities

    story = analyse(title, text or "")
    rule = classify_story(story)
    if not passes_gate(story):
        return StoryInputs(True, rule, {})
    dense = story_features(story, rule.score)
    return StoryInputs(False, rule, dense, mask_entities(story.title), mask_entities(lead_text(story.title, story.text)))


@dataclass(frozen=True)
class TextBlock:
    """One tf-idf block: sklearn's TfidfVectorizer (lowercase, sublinear tf, l2 norm) re-done."""

    index: dict[str, int]
    idf: tuple[float, ...]
    coef: tuple[float, ...]
    ngram_max: int
    pattern: re.Pattern[str]

    def score(self, text: str) -> float:
        tokens = self.pattern.findall(text.lower())
        grams = Counter()
        for n in range(1, self.ngram_max + 1):
            for i in range(len(tokens) - n + 1):
                j = self.index.get(" ".join(tokens[i : i + n]))
                if j is not None:
                    grams[j] += 1
        weights = {j: (1.0 + math.log(tf)) * self.idf[j] for j, tf in grams.items()}
        norm = math.sqrt(sum(w * w for w in weights.values()))
        if not norm:
            return 0.0
        return sum(w * self.coef[j] for j, w in weights.items()) / norm


@dataclass(frozen=True)
class InvestmentModel:
    title: TextBlock
    lead: TextBlock
    dense_names: tuple[str, ...]
    dense_coef: tuple[float, ...]
    dense_scale: float
    intercept: float
    threshold: float
    gate_probability: float

    def probability(self, inputs: StoryInputs) -> float:
        if inputs.gated:
            return self.gate_probability
        z = self.intercept + self.title.score(inputs.masked_title) + self.lead.score(inputs.masked_lead)
        z += self.dense_scale * sum(c * inputs.dense.get(n, 0.0) for n, c in zip(self.dense_names, self.dense_coef, strict=True))
        return 1.0 / (1.0 + math.exp(-max(min(z, 40.0), -40.0)))


def model_from_dict(raw: dict) -> InvestmentModel:
    pattern = re.compile(raw["token_pattern"])

    def block(b: dict) -> TextBlock:
        return TextBlock({t: i for i, t in enumerate(b["vocabulary"])}, tuple(b["idf"]), tuple(b["coef"]),
                         int(b["ngram_max"]), pattern)

    return InvestmentModel(block(raw["title"]), block(raw["lead"]), tuple(raw["dense_names"]),
                           tuple(raw["dense_coef"]), float(raw["dense_scale"]), float(raw["intercept"]),
                           float(raw["threshold"]), float(raw["gate_probability"]))


@functools.cache
def load_model() -> InvestmentModel:
    raw = resources.files("transforms.data").joinpath(MODEL_FILE).read_text("utf-8")
    return model_from_dict(json.loads(raw))


def decide_inputs(inputs: StoryInputs, model: InvestmentModel) -> Classification:
    p = round(model.probability(inputs), 4)
    head = ("gate:no_deal_sentence",) if inputs.gated else (f"model:{p:.3f}",)
    return Classification(p >= model.threshold, p, head + tuple(inputs.rule.reasons))


def decide(title: str | None, text: str, model: InvestmentModel | None = None) -> Classification:
    """Is this an investment story? The shipped model's calibrated probability and its verdict."""
    return decide_inputs(story_inputs(title, text), model or load_model())
