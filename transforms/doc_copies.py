"""Which copy of a ``doc_id`` a run writes when several reach one writer group.

The same document can arrive twice in one run (two seed files holding one URL, a ``.jsonl``
line repeated, two feeds listing one story). The writer keys results by ``doc_id``, so all
copies meet in one group; this rule keeps one and names the rest, whatever order the shuffle
delivered them in: the lowest ``source`` wins, then (copies from one source) the text, title
and date, so the same input always gives the same row.
"""

from __future__ import annotations

from collections.abc import Iterable

from transforms.records import DocResult


def copy_order(result: DocResult) -> tuple[str, str, str, str, str]:
    """The sort key of a copy: first source first; equal sources are ordered by their content."""
    article = result.article
    published = article.published_at.isoformat() if article.published_at else ""
    return article.source, article.doc_id, article.text, article.title or "", published


def keep_one_per_doc(results: Iterable[DocResult]) -> tuple[list[DocResult], list[DocResult]]:
    """(kept, dropped): one result per ``doc_id`` (the first by ``copy_order``), the others in order."""
    kept: dict[str, DocResult] = {}
    dropped: list[DocResult] = []
    for result in sorted(results, key=copy_order):
        if result.article.doc_id in kept:
            dropped.append(result)
        else:
            kept[result.article.doc_id] = result
    return list(kept.values()), dropped
