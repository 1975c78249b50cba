"""Building the Article row: every column from the right place, with the schema's type."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pyarrow as pa

from transforms.article_row import article_row
from transforms.records import ARTICLE_SCHEMA, Article, Classification, ExtractedText, RawDocument, to_row
from transforms.text.decode import content_hash

FETCHED = datetime(2019, 1, 2, 8, 0, tzinfo=UTC)
PUBLISHED = datetime(2018, 12, 7, 4, 30, tzinfo=UTC)
INGESTED = datetime(2026, 12, 2, 16, 0, tzinfo=UTC)


def _item() -> ExtractedText:
    doc = RawDocument(
        doc_id="d1", source_kind="warc", source="/a/crawl.warc.gz", url="http://news.test/x", fetched_at=FETCHED,
        content=b"<html/>", content_type="text/html", title="raw title", published="2018-01-01",
        warc_file="crawl.warc.gz", warc_offset=123, warc_length=456, warc_date=FETCHED,
    )
    return ExtractedText(
        doc=doc, title="Clean title", text="Whale Cloud  to invest\n$70 million", text_source="page",
        published_at=PUBLISHED, published_at_source="json_ld", language="en", sitename="News",
    )


def test_each_column_comes_from_its_source():
    row = article_row(_item(), Classification(True, 1), run_id="r1", ingested_at=INGESTED, pipeline_version="9.9")
    assert row == Article(
        doc_id="d1", run_id="r1", source_kind="warc", source="/a/crawl.warc.gz", url="http://news.test/x",
        title="Clean title",  # extraction's title, not the raw document's
        text="Whale Cloud  to invest\n$70 million", content_hash=content_hash("Whale Cloud  to invest\n$70 million"),
        published_at=PUBLISHED, published_at_source="json_ld", language="en", sitename="News", word_count=6,
        text_source="page", is_investment=True, investment_score=1.0, ingested_at=INGESTED, pipeline_version="9.9",
        warc_file="crawl.warc.gz", warc_offset=123, warc_length=456, warc_date=FETCHED,
    )


def test_types_are_the_schema_types():
    """Checked by type, not only by name: an int score must still land as a float64 column."""
    row = article_row(_item(), Classification(False, 0), run_id="r1", ingested_at=INGESTED, pipeline_version="9.9")
    assert type(row.investment_score) is float and type(row.word_count) is int
    table = pa.Table.from_pylist([to_row(row)], schema=ARTICLE_SCHEMA)
    assert table.schema == ARTICLE_SCHEMA
    read = table.to_pylist()[0]
    for f in dataclasses.fields(Article):
        value = read[f.name]
        assert value == getattr(row, f.name), f.name
        assert value is None or type(value) is type(getattr(row, f.name)), f.name


def test_a_seed_file_has_no_archive_columns():
    item = _item()
    doc = dataclasses.replace(item.doc, source_kind="seed_file", warc_file=None, warc_offset=None, warc_length=None,
                              warc_date=None)
    row = article_row(dataclasses.replace(item, doc=doc), Classification(False, 0.25), run_id="r", ingested_at=INGESTED,
                      pipeline_version="1")
    assert (row.warc_file, row.warc_offset, row.warc_length, row.warc_date) == (None, None, None, None)
    assert row.investment_score == 0.25 and row.is_investment is False
