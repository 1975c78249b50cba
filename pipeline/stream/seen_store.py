"""The local stream's dedup state under DIR: which entries it has handled, until their TTL.

    DIR/_state/stream_seen.parquet                 SeenEntry rows, expired ones dropped on load
    DIR/_state/stream_pending/<run_id>-<n>.parquet what a cycle saw: written before its pages
                                                   are fetched, merged once the cycle committed

The pending files are a write-ahead log: a cycle writes them before any output file, and the
stream merges them into the store only after the cycle's output and feed state are committed
(``pipeline.stream.recovery`` decides, after a kill, whether to merge or discard them). What DIR
already holds stays the backstop either way: a doc_id in ``articles/`` is never written again.

Local DIRs only (the local stream holds ``pipeline.output.lock``, which object stores lack). With
one writer per DIR, the store's temporary name is fixed, so a leftover from a kill is simply
overwritten.
"""

from __future__ import annotations

import io
import logging
import os
import uuid
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.output.atomic import write_atomically
from transforms.dedup import merge_states
from transforms.records import field_names, to_row
from transforms.stream_records import SEEN_ENTRY_SCHEMA, SeenEntry

LOG = logging.getLogger(__name__)

STATE_DIR = "_state"
STORE_NAME = "stream_seen.parquet"
PENDING_DIR = "stream_pending"
_FIELDS = field_names(SeenEntry)


def store_path(output: str) -> Path:
    return Path(output) / STATE_DIR / STORE_NAME


def pending_dir(output: str) -> Path:
    return Path(output) / STATE_DIR / PENDING_DIR


def _write_atomically(output: str, path: Path, rows: list[dict], temp_name: str | None = None) -> None:
    table = pa.Table.from_pylist(rows, schema=SEEN_ENTRY_SCHEMA)
    buffer = io.BytesIO()
    pq.write_table(table, buffer, compression="zstd")
    write_atomically(str(path), buffer.getvalue(), output, temp_name)


def _read(path: Path) -> list[SeenEntry]:
    table = pq.read_table(path, schema=SEEN_ENTRY_SCHEMA)
    return [SeenEntry(**{name: row[name] for name in _FIELDS}) for row in table.to_pylist()]


def load_seen(output: str, now: datetime) -> dict[str, SeenEntry]:
    """Entries still within their TTL at ``now`` (a damaged store is set aside: DIR stays the backstop)."""
    path = store_path(output)
    if not path.exists():
        return {}
    try:
        entries = _read(path)
    except (OSError, pa.ArrowException) as err:
        aside = path.with_name(f"{STORE_NAME}.damaged-{uuid.uuid4().hex[:8]}")
        LOG.warning(
            "stream state %s is unreadable (%s); moved to %s, starting from what DIR holds", path, err, aside
        )
        os.replace(path, aside)
        return {}
    return {entry.doc_id: entry for entry in entries if entry.expires_at > now}


def save_seen(output: str, entries: dict[str, SeenEntry]) -> Path:
    path = store_path(output)
    rows = [to_row(entries[key]) for key in sorted(entries)]
    _write_atomically(output, path, rows, STORE_NAME + ".tmp")
    return path


def write_pending(output: str, run_id: str, entries: Iterable[SeenEntry]) -> Path:
    """One write-ahead file of a cycle (a cycle may write several, one per bundle)."""
    directory = pending_dir(output)
    path = directory / f"{run_id}-{uuid.uuid4().hex[:12]}.parquet"
    _write_atomically(output, path, [to_row(e) for e in entries])
    return path


def pending_files(output: str, run_id: str) -> list[Path]:
    directory = pending_dir(output)
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.glob(f"{run_id}-*.parquet") if len(p.name) == len(run_id) + 21)


def merge_pending(output: str, run_id: str, now: datetime) -> int:
    """Fold a committed cycle's write-ahead files into the store; returns entries merged.

    Safe to repeat: the store is saved before the pending files are removed, and merging a
    record twice gives the same result.
    """
    files = pending_files(output, run_id)
    if not files:
        return 0
    seen = load_seen(output, now)
    merged = 0
    for path in files:
        for entry in _read(path):
            old = seen.get(entry.doc_id)
            seen[entry.doc_id] = entry if old is None else merge_states(old, entry)
            merged += 1
    save_seen(output, seen)
    for path in files:
        path.unlink(missing_ok=True)
    return merged


def discard_pending(output: str, run_id: str) -> int:
    files = pending_files(output, run_id)
    for path in files:
        path.unlink(missing_ok=True)
    return len(files)
