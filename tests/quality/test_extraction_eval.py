"""The extraction scorer: hand-worked cases, then the published AEB numbers from reference outputs."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.extraction_eval import (
    DocCounts,
    aggregate_aeb,
    aggregate_snippets,
    load_aeb,
    load_aeb_reference,
    score_aeb,
    shingle_counts,
    shingles,
    snippet_counts,
    tokenize,
)

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "html-extraction"


def test_tokenize_keeps_case_and_unicode_words() -> None:
    assert tokenize("Ärger, im Büro! x_y 42") == ["Ärger", "im", "Büro", "x_y", "42"]
    assert tokenize(None) == []


def test_short_text_is_one_shingle() -> None:
    assert shingles("a b") == {("a", "b"): 1}
    assert shingles("") == {}
    assert sum(shingles("a b c d e").values()) == 2


def test_identical_texts_score_one() -> None:
    c = shingle_counts("one two three four five", "one  two three, four five")
    assert (c.tp, c.fp, c.fn) == (1.0, 0.0, 0.0)
    assert c.precision == c.recall == 1.0


def test_extra_tail_costs_precision_only() -> None:
    truth = "a b c d e f"  # 3 shingles
    c = shingle_counts(truth, truth + " g h")  # 5 shingles, 3 shared
    assert c.tp == pytest.approx(3 / 5)
    assert c.fp == pytest.approx(2 / 5)
    assert c.fn == 0.0
    assert c.precision == pytest.approx(0.6)
    assert c.recall == 1.0


def test_repeated_shingles_count_as_multiset() -> None:
    c = shingle_counts("a b c d", "a b c d a b c d")  # pred has (a,b,c,d) twice + 3 others
    assert c.tp == pytest.approx(1 / 5)
    assert c.fp == pytest.approx(4 / 5)


def test_empty_prediction_is_left_out_of_precision_but_counts_for_recall() -> None:
    counts = [shingle_counts("a b c d", ""), shingle_counts("a b c d", "a b c d")]
    score = aggregate_aeb(counts)
    assert score.precision == 1.0
    assert score.recall == 0.5
    assert score.f1 == pytest.approx(2 * 0.5 / 1.5)


def test_both_empty_is_perfect() -> None:
    assert DocCounts(0.0, 0.0, 0.0).precision == 1.0
    assert score_aeb({"x": "a b c d"}, {}).recall == 0.0


def test_snippets_normalise_whitespace_and_count_crash_as_empty() -> None:
    c = snippet_counts("Hello\n  world. Footer", ["Hello world.", "missing"], ["Footer", "Nav"])
    assert (c.tp, c.fn, c.fp, c.tn) == (1, 1, 1, 1)
    crashed = snippet_counts(None, ["a"], ["b"])
    assert (crashed.tp, crashed.fn, crashed.fp, crashed.tn) == (0, 1, 0, 1)
    score = aggregate_snippets([c, crashed])
    assert score.precision == pytest.approx(0.5)
    assert score.recall == pytest.approx(1 / 3)
    assert score.f1 == pytest.approx(2 / (2 + 1 + 2))


@pytest.mark.corpus
@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus/html-extraction not present")
@pytest.mark.parametrize(
    ("name", "p", "r", "f1"),
    [
        ("trafilatura", 0.938, 0.978, 0.958),
        ("readability", None, None, 0.922),
        ("html-text", None, 0.994, 0.665),
    ],
)
def test_scorer_reproduces_published_aeb_numbers(
    name: str, p: float | None, r: float | None, f1: float
) -> None:
    pages = load_aeb(CORPUS)
    truth = {pg.page_id: pg.truth or "" for pg in pages}
    score = score_aeb(truth, load_aeb_reference(CORPUS, name))
    assert score.n_docs == 181
    assert score.f1 == pytest.approx(f1, abs=0.0005)
    if p is not None:
        assert score.precision == pytest.approx(p, abs=0.0005)
    if r is not None:
        assert score.recall == pytest.approx(r, abs=0.0005)
