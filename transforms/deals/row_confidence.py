"""How likely a deal row is right, fitted on the labels: the row's `confidence`, and which rows to keep.

A row is right when its story is an investment and its investor is the labelled one (LABELS.md:
the investor is what makes a deal a deal). Its features say how the row was found (investor in
the deal sentence or resolved from an earlier one, typed ORG or PERSON by the NER, amount and
countries found or missing, the deal type, the rules' cue families) plus the story's own
``investment_score``; `make train` (tools/train_confidence.py) fits a logistic regression on them
and a keep threshold on held-out folds. Named numeric features only, no words: the model file
holds no name. Shipped as ``transforms/data/ranker_confidence.json`` through the rankers' one
mechanism (transforms/deals/ranker.py). Pure Python, no Beam.
"""

from __future__ import annotations

import math
import re

from transforms.deals.lead import Candidate, Story
from transforms.deals.roles import span_types
from transforms.entities.money import Money
from transforms.entities.orgs import NameRun

Features = dict[str, float]
DEAL_TYPES = ("acquisition", "stake", "funding_round", "fdi_pledge", "project_investment", "joint_venture", "sold_to")
_STATE = re.compile(r"\b(?:government|ministry|state|treasury|authority|council|fund|agency|bank)\b", re.I)


def _in_title(name: str | None, title: str) -> bool:
    return bool(name) and name.split()[0].lower() in title.lower()


def row_features(story: Story, cand: Candidate, inv: NameRun | None, investor: str | None,
                 target: str | None, money: Money | None, deal_type: str,
                 target_country: str | None, investor_country: str | None,
                 target_place_country: str | None) -> Features:
    """The row's named features, without the story score (``with_story_score`` adds it)."""
    sp = cand.span
    in_sentence = inv is not None and sp.start <= inv.start < sp.end and "anaphora" not in cand.reasons
    types = span_types(story.text, sp.start, sp.end, inv.start, inv.end) if in_sentence else set()
    f: Features = {
        "cand_score": min(max(cand.score, 0.0), 6.0) / 6.0,
        "inv_none": float(investor is None),
        "inv_in_sentence": float(in_sentence),
        "inv_anaphora": float("anaphora" in cand.reasons),
        "inv_org": float("ORG" in types),
        "inv_person": float("PERSON" in types),
        "inv_place": float(bool(types & {"GPE", "LOC", "NORP"})),
        "inv_state": float(bool(investor and _STATE.search(investor))),
        "inv_words": min(len(investor.split()), 4) / 4 if investor else 0.0,
        "inv_in_title": float(_in_title(investor, story.title or "")),
        "target_none": float(target is None),
        "target_in_title": float(_in_title(target, story.title or "")),
        "money_none": float(money is None),
        "money_in_sentence": float(money is not None and sp.start <= money.start < sp.end),
        "target_country_none": float(target_country is None),
        "target_country_place": float(target_place_country is not None),
        "investor_country_none": float(investor_country is None),
        "nominal_trigger": float("nominal_trigger" in cand.reasons),
        "government_spending": float("government_spending" in cand.reasons),
        "neg_cue": float(any(r.startswith("neg:") for r in cand.reasons)),
        "title_neg_cue": float(any(r.startswith("title_neg:") for r in cand.reasons)),
        "wire": float(story.wire),
    }
    for t in DEAL_TYPES:
        f[f"type_{t}"] = float(deal_type == t)
    return f


def with_story_score(features: Features, story_score: float) -> Features:
    """The features plus the story's investment_score as a clipped logit (what the model reads)."""
    p = min(max(story_score, 0.01), 0.99)
    return {**features, "story_logit": math.log(p / (1 - p))}


def row_confidence(features: Features, story_score: float) -> tuple[float, bool]:
    """(calibrated P(row right), whether it clears the shipped keep threshold)."""
    from transforms.deals.ranker import load_ranker

    model = load_ranker("confidence")
    p = model.score(with_story_score(features, story_score))
    return p, p >= model.threshold
