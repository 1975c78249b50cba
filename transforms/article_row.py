"""The ``Article`` row of a classified document: which field comes from where.

A pure function, so the classify DoFn (``transforms/stages.py``) only calls it: the document's
identity and archive position from the ``RawDocument``, the text and its metadata from
extraction, the verdict from classification, and the run's stamps.
"""

from __future__ import annotations

from datetime import datetime

from transforms.records import Article, Classification, ExtractedText
from transforms.text.decode import content_hash


def article_row(
    item: ExtractedText,
    verdict: Classification,
    *,
    run_id: str,
    ingested_at: datetime,
    pipeline_version: str,
) -> Article:
    """One ``articles/`` row: ``word_count`` and ``content_hash`` are of the clean text."""
    doc = item.doc
    return Article(
        doc_id=doc.doc_id,
        run_id=run_id,
        source_kind=doc.source_kind,
        source=doc.source,
        url=doc.url,
        title=item.title,
        text=item.text,
        content_hash=content_hash(item.text),
        published_at=item.published_at,
        published_at_source=item.published_at_source,
        language=item.language,
        sitename=item.sitename,
        word_count=len(item.text.split()),
        text_source=item.text_source,
        is_investment=verdict.is_investment,
        investment_score=float(verdict.score),
        ingested_at=ingested_at,
        pipeline_version=pipeline_version,
        warc_file=doc.warc_file,
        warc_offset=doc.warc_offset,
        warc_length=doc.warc_length,
        warc_date=doc.warc_date,
    )
