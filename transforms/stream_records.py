"""The stream's exactly-once state: ``SeenEntry``, one feed entry the stream has handled.

Split from ``transforms/records.py``, which still exports ``SeenEntry``: keyed state pickles
it by module path (``PickleCoder``), so state written before the split names
``transforms.records.SeenEntry`` and must keep loading (``tests/unit/test_stream_records.py``).
The schema beside it is the one of ``DIR/_state/stream_seen.parquet``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pyarrow as pa

_TS = pa.timestamp("us", tz="UTC")


@dataclass(frozen=True)
class SeenEntry:
    """A feed entry the stream has handled, kept until ``expires_at`` so it is never written twice.

    ``entry_time`` is the entry's stated publication time (never later than its first sighting),
    or the first sighting when the feed gives no date (``dated`` False). The fingerprints are of
    what the feed said about the entry: the first one is the version that was written.
    """

    doc_id: str
    feed_url: str
    first_fingerprint: str
    last_fingerprint: str
    entry_time: datetime
    dated: bool
    first_seen_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    run_id: str


SEEN_ENTRY_SCHEMA = pa.schema(
    [
        ("doc_id", pa.string()),
        ("feed_url", pa.string()),
        ("first_fingerprint", pa.string()),
        ("last_fingerprint", pa.string()),
        ("entry_time", _TS),
        ("dated", pa.bool_()),
        ("first_seen_at", _TS),
        ("last_seen_at", _TS),
        ("expires_at", _TS),
        ("run_id", pa.string()),
    ]
)

__all__ = ["SeenEntry", "SEEN_ENTRY_SCHEMA"]
