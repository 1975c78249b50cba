"""Records of the archive backfill (WARC/ARC): pointers, scan damage and the side-index row.

Split from ``transforms/records.py`` (which still exports every name here, and lists
``warc_index`` in ``TABLES``); the index row and its pyarrow schema stay side by side, and
``tests/unit/test_records.py`` checks that they agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pyarrow as pa

_TS = pa.timestamp("us", tz="UTC")


@dataclass(frozen=True)
class WarcPointer:
    """One archive record located by byte range, with what the scan learnt from its headers.

    Cheap to shuffle: no payload. ``framing`` is "member" (offset/length are positions in the
    file: per-record gzip or plain) or "stream" (positions in the decompressed stream of a
    whole-file gzip). ``skip_reason`` is None for an HTTP 200 HTML response worth reading.
    """

    warc_file: str
    warc_offset: int
    warc_length: int
    framing: str
    record_index: int
    record_type: str
    warc_date: datetime | None
    url: str | None
    http_status: int | None
    content_type: str | None
    skip_reason: str | None = None


@dataclass(frozen=True)
class WarcScanError:
    """Damage found while scanning an archive (a truncated record, an unreadable stretch)."""

    warc_file: str
    warc_offset: int | None
    record_index: int
    url: str | None
    error_type: str
    message: str


@dataclass(frozen=True)
class WarcIndexRow:
    """One archive record that was examined: where it is and what became of it (``warc_index/``)."""

    warc_file: str
    warc_offset: int
    warc_length: int
    framing: str
    record_index: int
    url: str | None
    host: str | None
    warc_date: datetime | None
    content_type: str | None
    doc_id: str | None
    language: str | None
    passed_prefilter: bool | None  # None when the pre-filter was not run
    prefilter_reason: str | None
    is_investment: bool | None  # None when the record was not fully extracted
    outcome: str  # article | error | skipped
    reason: str | None  # the skip reason or error type
    run_id: str
    indexed_at: datetime


WARC_INDEX_SCHEMA = pa.schema(
    [
        ("warc_file", pa.string()),
        ("warc_offset", pa.int64()),
        ("warc_length", pa.int64()),
        ("framing", pa.string()),
        ("record_index", pa.int64()),
        ("url", pa.string()),
        ("host", pa.string()),
        ("warc_date", _TS),
        ("content_type", pa.string()),
        ("doc_id", pa.string()),
        ("language", pa.string()),
        ("passed_prefilter", pa.bool_()),
        ("prefilter_reason", pa.string()),
        ("is_investment", pa.bool_()),
        ("outcome", pa.string()),
        ("reason", pa.string()),
        ("run_id", pa.string()),
        ("indexed_at", _TS),
    ]
)
# The side index is partitioned by the crawl's UTC date (path only), so --from/--to prune files.
WARC_INDEX_PARTITION = "crawl_date"

__all__ = ["WarcPointer", "WarcScanError", "WarcIndexRow", "WARC_INDEX_SCHEMA", "WARC_INDEX_PARTITION"]
