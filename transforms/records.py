"""Record types passed between stages and the pyarrow schemas of the sinks.

This is the one place where the contracts live. Each written record type has its
dataclass and its pyarrow schema side by side; ``tests/unit/test_records.py`` checks that the
two agree. Schema changes are additive and bump ``SCHEMA_VERSION``, which is written into
every Parquet file's metadata. The archive backfill's records are defined in
``transforms/archive_records.py`` and the stream's state in ``transforms/stream_records.py``;
this module exports them too.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pyarrow as pa

# Exported here as part of the one contract. SeenEntry must stay importable from this path:
# stream state pickled before the split names transforms.records.SeenEntry.
from transforms.archive_records import (
    WARC_INDEX_PARTITION,
    WARC_INDEX_SCHEMA,
    WarcIndexRow,
    WarcPointer,
    WarcScanError,
)
from transforms.stream_records import SEEN_ENTRY_SCHEMA, SeenEntry

SCHEMA_VERSION = "3"

# Outcome names used in counters, skip rows and the run manifest.
OUTCOME_ARTICLE = "article"
OUTCOME_ERROR = "error"
OUTCOME_SKIPPED = "skipped"


@dataclass(frozen=True)
class InputRef:
    """A pointer to one input, cheap to shuffle: the payload is read after the shuffle."""

    source_kind: str  # seed_file | feed | warc
    source: str  # path, feed URL or archive path
    line_number: int | None = None  # for .jsonl inputs: 1-based line (of a chunk's first line)
    size: int | None = None  # bytes (of the file, or of a .jsonl chunk)
    offset: int | None = None  # byte offset of a .jsonl chunk in its file
    lines: int | None = None  # lines in a .jsonl chunk


@dataclass(frozen=True)
class RawDocument:
    """One document read from a source, before text extraction."""

    doc_id: str
    source_kind: str
    source: str
    url: str | None
    fetched_at: datetime | None
    content: bytes | None  # raw bytes (HTML); None when ``text`` is given directly
    content_type: str  # "text/html" | "text/plain"
    text: str | None = None  # already-decoded text (.txt files, .jsonl "text")
    title: str | None = None  # from the feed entry / .jsonl / first line of a .txt
    published: str | None = None  # stated publication date from the source (feed / jsonl)
    summary: str | None = None
    line_number: int | None = None
    warc_file: str | None = None
    warc_offset: int | None = None
    warc_length: int | None = None
    warc_date: datetime | None = None


@dataclass(frozen=True)
class ExtractedText:
    """The clean text of a document and what the extractor found around it."""

    doc: RawDocument
    title: str | None
    text: str
    text_source: str  # page | feed_content | file
    published_at: datetime | None
    published_at_source: str | None
    language: str | None
    sitename: str | None


@dataclass(frozen=True)
class DealFields:
    """One deal found in an article's text by the rule functions (no run metadata)."""

    deal_type: str | None
    investor: str | None
    target: str | None
    target_country: str | None
    investor_country: str | None
    amount: float | None
    amount_max: float | None
    amount_bound: str | None  # exact | at_least | at_most | range
    currency: str | None
    amount_text: str | None
    horizon_min_years: int | None
    horizon_max_years: int | None
    evidence: str
    evidence_start: int
    evidence_end: int
    confidence: float
    investor_affiliates: tuple[str, ...] = ()
    amount_usd: float | None = None


@dataclass(frozen=True)
class Classification:
    is_investment: bool
    score: float  # in [0, 1]
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class Article:
    doc_id: str
    run_id: str
    source_kind: str
    source: str
    url: str | None
    title: str | None
    text: str
    content_hash: str
    published_at: datetime | None
    published_at_source: str | None
    language: str | None
    sitename: str | None
    word_count: int
    text_source: str
    is_investment: bool
    investment_score: float
    ingested_at: datetime
    pipeline_version: str
    warc_file: str | None = None
    warc_offset: int | None = None
    warc_length: int | None = None
    warc_date: datetime | None = None


@dataclass(frozen=True)
class Investment:
    doc_id: str
    run_id: str
    source: str
    deal_index: int
    deal_type: str | None
    investor: str | None
    investor_affiliates: list[str]
    investor_country: str | None
    target: str | None
    target_country: str | None
    amount: float | None
    amount_max: float | None
    amount_bound: str | None
    currency: str | None
    amount_usd: float | None
    amount_text: str | None
    horizon_min_years: int | None
    horizon_max_years: int | None
    evidence: str
    evidence_start: int
    evidence_end: int
    confidence: float
    url: str | None
    title: str | None
    published_at: datetime | None
    ingested_at: datetime
    pipeline_version: str


@dataclass(frozen=True)
class ErrorRecord:
    run_id: str
    doc_id: str | None
    source: str
    line_number: int | None
    stage: str
    error_type: str
    message: str
    excerpt: str | None
    occurred_at: datetime


@dataclass(frozen=True)
class Skip:
    """An input that was read but deliberately not written (duplicate, filtered, not HTML)."""

    run_id: str
    source: str
    reason: str
    doc_id: str | None = None
    line_number: int | None = None


@dataclass(frozen=True)
class DocResult:
    """An article with the deals found in it: written together so they are deduplicated together."""

    article: Article
    investments: tuple[Investment, ...] = ()


_TS = pa.timestamp("us", tz="UTC")

ARTICLE_SCHEMA = pa.schema(
    [
        ("doc_id", pa.string()),
        ("run_id", pa.string()),
        ("source_kind", pa.string()),
        ("source", pa.string()),
        ("url", pa.string()),
        ("title", pa.string()),
        ("text", pa.string()),
        ("content_hash", pa.string()),
        ("published_at", _TS),
        ("published_at_source", pa.string()),
        ("language", pa.string()),
        ("sitename", pa.string()),
        ("word_count", pa.int32()),
        ("text_source", pa.string()),
        ("is_investment", pa.bool_()),
        ("investment_score", pa.float64()),
        ("ingested_at", _TS),
        ("pipeline_version", pa.string()),
        ("warc_file", pa.string()),
        ("warc_offset", pa.int64()),
        ("warc_length", pa.int64()),
        ("warc_date", _TS),
    ]
)

INVESTMENT_SCHEMA = pa.schema(
    [
        ("doc_id", pa.string()),
        ("run_id", pa.string()),
        ("source", pa.string()),
        ("deal_index", pa.int32()),
        ("deal_type", pa.string()),
        ("investor", pa.string()),
        ("investor_affiliates", pa.list_(pa.string())),
        ("investor_country", pa.string()),
        ("target", pa.string()),
        ("target_country", pa.string()),
        ("amount", pa.float64()),
        ("amount_max", pa.float64()),
        ("amount_bound", pa.string()),
        ("currency", pa.string()),
        ("amount_usd", pa.float64()),
        ("amount_text", pa.string()),
        ("horizon_min_years", pa.int32()),
        ("horizon_max_years", pa.int32()),
        ("evidence", pa.string()),
        ("evidence_start", pa.int32()),
        ("evidence_end", pa.int32()),
        ("confidence", pa.float64()),
        ("url", pa.string()),
        ("title", pa.string()),
        ("published_at", _TS),
        ("ingested_at", _TS),
        ("pipeline_version", pa.string()),
    ]
)

ERROR_SCHEMA = pa.schema(
    [
        ("run_id", pa.string()),
        ("doc_id", pa.string()),
        ("source", pa.string()),
        ("line_number", pa.int64()),
        ("stage", pa.string()),
        ("error_type", pa.string()),
        ("message", pa.string()),
        ("excerpt", pa.string()),
        ("occurred_at", _TS),
    ]
)

SKIP_SCHEMA = pa.schema(
    [
        ("run_id", pa.string()),
        ("source", pa.string()),
        ("reason", pa.string()),
        ("doc_id", pa.string()),
        ("line_number", pa.int64()),
    ]
)

# The deal ledger (docs/ledger.md): one row per real-world deal, a snapshot rewritten atomically
# at DIR/deals/deals.parquet after every run. Not partitioned, so not in TABLES (compaction and
# the partitioned loaders do not apply); `dealstream schema` prints it with the tables (SCHEMA_VERSION 2).
DEAL_SCHEMA = pa.schema(
    [
        ("deal_id", pa.string()),
        ("deal_type", pa.string()),
        ("investor", pa.string()),
        ("investor_key", pa.string()),
        ("target", pa.string()),
        ("target_key", pa.string()),
        ("investor_country", pa.string()),
        ("target_country", pa.string()),
        ("amount", pa.float64()),
        ("currency", pa.string()),
        ("amount_usd", pa.float64()),
        ("amount_doc_id", pa.string()),
        ("status", pa.string()),
        ("first_seen", pa.timestamp("us", tz="UTC")),
        ("last_seen", pa.timestamp("us", tz="UTC")),
        ("n_articles", pa.int64()),
        ("doc_ids", pa.list_(pa.string())),
        ("row_keys", pa.list_(pa.string())),
        ("urls", pa.list_(pa.string())),
        ("merged_ids", pa.list_(pa.string())),
        ("provenance", pa.list_(pa.string())),
        ("updated_at", pa.timestamp("us", tz="UTC")),
    ]
)

NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__"


# table name -> (record type, file schema, partition column kept in the path only). Every
# hive-partitioned table under DIR, so `dealstream schema`, the contract and `compact` know
# each one; warc_index is written by archive runs only.
TABLES: dict[str, tuple[type, pa.Schema, str]] = {
    "articles": (Article, ARTICLE_SCHEMA, "published_date"),
    "investments": (Investment, INVESTMENT_SCHEMA, "published_date"),
    "errors": (ErrorRecord, ERROR_SCHEMA, "run_date"),
    "skips": (Skip, SKIP_SCHEMA, "run_date"),
    "warc_index": (WarcIndexRow, WARC_INDEX_SCHEMA, WARC_INDEX_PARTITION),
}

# Partition columns as readers must pin them (pyarrow infers strings, DuckDB VARCHAR when
# every partition is the null one).
PARTITION_SCHEMAS: dict[str, pa.Schema] = {
    name: pa.schema([(col, pa.date32())]) for name, (_, _, col) in TABLES.items()
}


def to_row(record: Any) -> dict[str, Any]:
    """A record as a plain dict in schema column order (for pyarrow)."""
    row = dataclasses.asdict(record)
    if isinstance(row.get("investor_affiliates"), tuple):
        row["investor_affiliates"] = list(row["investor_affiliates"])
    return row


def field_names(record_type: type) -> list[str]:
    return [f.name for f in dataclasses.fields(record_type)]


__all__ = [
    "SCHEMA_VERSION",
    "InputRef",
    "RawDocument",
    "ExtractedText",
    "DealFields",
    "Classification",
    "Article",
    "Investment",
    "ErrorRecord",
    "Skip",
    "DocResult",
    "SKIP_SCHEMA",
    "ARTICLE_SCHEMA",
    "INVESTMENT_SCHEMA",
    "ERROR_SCHEMA",
    "TABLES",
    "PARTITION_SCHEMAS",
    "DEAL_SCHEMA",
    "NULL_PARTITION",
    "to_row",
    "field_names",
    "WarcPointer",
    "WarcScanError",
    "WarcIndexRow",
    "WARC_INDEX_SCHEMA",
    "WARC_INDEX_PARTITION",
    "SeenEntry",
    "SEEN_ENTRY_SCHEMA",
]
