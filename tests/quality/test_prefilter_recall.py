"""The --only-investments pre-filter keeps >= 0.98 of the LABELLED investment stories (dev + train).

Recall is against the labels, not against what the classifier says, through the archive reader
(``bench.prefilter_recall``: each text as an HTML page in a WARC, read back by ``pipeline.archives.scan``).
Needs ../shared/corpus/investment-news (skips when absent).
"""

from __future__ import annotations

import pytest

from bench.prefilter_recall import INVESTMENT_NEWS, TARGET, labelled_stories, measure_records, summarise

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(
        not (INVESTMENT_NEWS / "train" / "labels.jsonl").exists(), reason=f"labelled corpus absent: {INVESTMENT_NEWS}"
    ),
]


@pytest.fixture(scope="module")
def report() -> dict:
    pairs = labelled_stories()
    records, problems = measure_records([p for _, p in pairs], {p.key: s for s, p in pairs}, full=False)
    assert not problems, problems
    return summarise(records, problems, full=False)


def test_every_labelled_text_is_measured_under_a_neutral_url():
    pairs = labelled_stories()
    assert len(pairs) >= 480 and sum(s.is_investment for s, _ in pairs) >= 200
    assert {s.split for s, _ in pairs} == {"dev", "train"}
    for story, page in pairs:  # the ids' slice names ("fdi", "mna", "funding") must not reach the URL check
        assert story.id not in page.url and not any(w in page.url for w in ("fdi", "mna", "funding", "train"))


def test_prefilter_keeps_at_least_98_percent_of_labelled_investment_stories(report):
    recall = report["recall_vs_labels"]["all"]
    assert recall["positives"] >= 200
    misses = [f"{m['id']}: {m['headline']}" for m in report["label_misses"]]
    assert recall["recall"] >= TARGET, misses
    for split in ("dev", "train"):
        assert report["recall_vs_labels"][split]["recall"] >= TARGET, (split, misses)


def test_prefilter_still_drops_pages(report):
    """Recall is cheap if nothing is dropped: the filter must still drop some labelled negatives."""
    assert report["keep_rate"]["labelled_negatives"] < 0.95
