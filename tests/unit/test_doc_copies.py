"""Which copy of a doc_id the writer keeps: the first by source, then content, in any input order."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

from transforms.doc_copies import keep_one_per_doc
from transforms.records import Article, DocResult


def _result(doc_id: str, source: str, text: str = "body", title: str | None = "t") -> DocResult:
    article = Article(
        doc_id=doc_id, run_id="r", source_kind="seed_file", source=source, url=None, title=title, text=text,
        content_hash="h", published_at=None, published_at_source=None, language="en", sitename=None,
        word_count=1, text_source="file", is_investment=False, investment_score=0.0,
        ingested_at=datetime(2026, 1, 1, tzinfo=UTC), pipeline_version="0",
    )
    return DocResult(article=article, investments=())


def _ids(results):
    return [(r.article.doc_id, r.article.source, r.article.text) for r in results]


def test_distinct_doc_ids_are_all_kept():
    kept, dropped = keep_one_per_doc([_result("b", "s2"), _result("a", "s1")])
    assert _ids(kept) == [("a", "s1", "body"), ("b", "s2", "body")] and dropped == []


def test_the_copy_from_the_first_source_is_kept_whatever_the_order():
    copies = [_result("a", "/in/b.html"), _result("a", "/in/a.jsonl"), _result("a", "/in/c.txt")]
    for order in itertools.permutations(copies):
        kept, dropped = keep_one_per_doc(order)
        assert _ids(kept) == [("a", "/in/a.jsonl", "body")]
        assert _ids(dropped) == [("a", "/in/b.html", "body"), ("a", "/in/c.txt", "body")]


def test_copies_from_one_source_are_chosen_by_content_not_arrival():
    """Two lines of one .jsonl with the same URL: the shuffle's order must not pick the row."""
    one, other = _result("a", "/in/x.jsonl", text="alpha"), _result("a", "/in/x.jsonl", text="beta")
    assert _ids(keep_one_per_doc([one, other])[0]) == _ids(keep_one_per_doc([other, one])[0]) == [
        ("a", "/in/x.jsonl", "alpha")
    ]


def test_nothing_is_lost():
    results = [_result(d, s) for d in "abc" for s in ("s1", "s2")]
    kept, dropped = keep_one_per_doc(results)
    assert len(kept) + len(dropped) == len(results) and len(kept) == 3
