"""The verdict's second opinion on the labelled stories: it only adds positives, and each story it
turns gets the row that turned it (the row threshold is above the keep threshold)."""

from __future__ import annotations


def test_turned_stories_are_written_with_their_row(retrained):
    from transforms.deals.extract import extract_deals
    from transforms.deals.model import decide_inputs, load_model
    from transforms.deals.verdict import SECOND_OPINION_FROM, investment_verdict

    model = load_model()
    borderline = [d for d, x in zip(retrained.docs, retrained.inputs, strict=True)
                  if SECOND_OPINION_FROM <= decide_inputs(x, model).score < model.threshold]
    assert borderline, "no labelled story is borderline: the second opinion is never exercised"
    for d in borderline:
        verdict = investment_verdict(d["title"], d["body"])
        turned = verdict.is_investment
        assert any(r.startswith("row:") for r in verdict.reasons) is turned, d["id"]
        if turned:
            rows = extract_deals(d["title"], d["body"], story_score=verdict.score)
            assert rows and rows[0].confidence >= model.threshold, d["id"]
