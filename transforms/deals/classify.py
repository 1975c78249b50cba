"""Is this an investment story? Decided by the headline and lead, as LABELS.md defines it.

The score is a logistic squash of the lead's best deal-sentence score (``story.score_candidate``):
named actor + deal trigger + commitment + amount, minus the hard-negative cue families. A story
with no deal sentence in its lead scores low whatever else it mentions.
"""

from __future__ import annotations

import math

from transforms.deals.story import Story, analyse, best_candidate
from transforms.records import Classification

THRESHOLD = 2.0  # candidate score at which a story counts as an investment (score 0.5)
_SLOPE = 1.2


def classify(title: str | None, text: str) -> Classification:
    return classify_story(analyse(title, text or ""))


def classify_story(story: Story) -> Classification:
    """The rules' verdict on an analysed story (the learned model reads it as one feature)."""
    cand = best_candidate(story)
    if cand is None:
        return Classification(False, 0.02, ("no_deal_sentence",))
    p = 1 / (1 + math.exp(-_SLOPE * (cand.score - THRESHOLD)))
    p = round(min(max(p, 0.0), 1.0), 4)
    reasons = (f"score:{cand.score:.2f}",) + cand.reasons
    return Classification(p >= 0.5, p, reasons)
