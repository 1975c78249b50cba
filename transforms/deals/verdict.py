"""The article's is_investment verdict: the story model's, with a second opinion from its deal row.

The story model (model.py) reads the headline and lead; the row confidence (row_confidence.py)
reads the deal row extraction found, and its probability that the row is right is also a
probability that the story is an investment (a row is right only on an investment story). So a
borderline story (story probability at least ``SECOND_OPINION_FROM``, below the threshold) whose
row the row model puts at or above the same threshold is an investment too, with the row's
probability in its reasons. ``investment_score`` stays the story model's calibrated probability.
The extraction runs only for those borderline stories: a page far from a deal costs no more.
"""

from __future__ import annotations

from datetime import datetime

from transforms.records import Classification

SECOND_OPINION_FROM = 0.3  # the band's floor: the stories turned on held-out folds scored 0.36-0.49


def investment_verdict(title: str | None, text: str, published_at: datetime | None = None) -> Classification:
    """The story model's verdict, turned positive when its borderline story's deal row is confidently right."""
    from transforms.deals.model import decide, load_model

    verdict = decide(title, text)
    threshold = load_model().threshold
    if verdict.is_investment or verdict.score < SECOND_OPINION_FROM:
        return verdict
    p_row = row_probability(title, text, verdict.score, published_at)
    if not second_opinion(verdict.score, p_row, threshold):
        return verdict
    return Classification(True, verdict.score, (*verdict.reasons, f"row:{p_row:.3f}"))


def row_probability(title: str | None, text: str, story_score: float,
                    published_at: datetime | None = None) -> float | None:
    """The row model's P(row right) for the story's main deal (None: extraction found no row)."""
    from transforms.deals.extract import main_deal
    from transforms.deals.row_confidence import row_confidence

    found = main_deal(title, text, published_at)
    return None if found is None else row_confidence(found[1], story_score)[0]


def second_opinion(story_score: float, row_score: float | None, threshold: float = 0.5) -> bool:
    """The verdict rule on two scores (what the training tools score held-out folds with)."""
    if story_score >= threshold:
        return True
    return story_score >= SECOND_OPINION_FROM and row_score is not None and row_score >= threshold


__all__ = ["SECOND_OPINION_FROM", "investment_verdict", "row_probability", "second_opinion"]
