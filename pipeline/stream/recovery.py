"""Crash safety of the local stream: a marker names the cycle in flight; a restart finishes or undoes it.

A cycle commits in this order (``pipeline.stream.command``):

1. ``DIR/_state/stream.json`` marks run R in progress (with the feed state's run id before it);
2. the graph writes R's write-ahead dedup records, then its Parquet files, then the feed state
   (validators, retries) stamped with R — only after every file is committed;
3. the write-ahead records are merged into the dedup store, the stream manifest is updated,
   and the marker is cleared.

So after a kill, the feed state tells how far R got: stamped R means every file of R is in DIR
(finish: merge its records); still the earlier stamp means R's files may be partial and its
feed validators were not advanced (undo: delete R's files and records, and the next cycle
fetches the same entries again). Anything else means another writer ran in between; R's files
are then kept, and DIR's doc_ids keep them from being written twice. Runs only under the lock.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pipeline.accounting.manifest import committed_files
from pipeline.feeds.state import load_state
from pipeline.output.atomic import TEMP_DIR, write_atomically
from pipeline.output.compact import clean_staging
from pipeline.stream.seen_store import PENDING_DIR, STATE_DIR, discard_pending, merge_pending
from transforms.records import TABLES

LOG = logging.getLogger(__name__)

MARKER = "stream.json"
FORWARD, BACK, KEPT, NOTHING = "rolled_forward", "rolled_back", "kept", "none"


@dataclass(frozen=True)
class Recovery:
    action: str  # rolled_forward | rolled_back | kept | none
    run_id: str | None = None  # the interrupted cycle
    stream_id: str | None = None  # the stream it belonged to
    files_removed: int = 0
    entries_merged: int = 0
    orphans_removed: int = 0


def marker_path(output: str) -> Path:
    return Path(output) / STATE_DIR / MARKER


def read_marker(output: str) -> dict:
    path = marker_path(output)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as err:
        LOG.warning("unreadable stream marker %s (%s): treating it as absent", path, err)
        return {}
    return data if isinstance(data, dict) else {}


def _write_marker(output: str, data: dict) -> None:
    write_atomically(str(marker_path(output)), json.dumps(data, indent=2).encode("utf-8"), output)


def begin_cycle(output: str, stream_id: str, run_id: str) -> None:
    _write_marker(
        output,
        {
            "stream_id": stream_id,
            "in_progress": run_id,
            "feed_state_before": load_state(output).run_id,
            "started_at": datetime.now(UTC).isoformat(),
        },
    )


def end_cycle(output: str, stream_id: str, run_id: str) -> None:
    _write_marker(
        output,
        {
            "stream_id": stream_id,
            "in_progress": None,
            "last_completed": run_id,
            "at": datetime.now(UTC).isoformat(),
        },
    )


def roll_back(output: str, run_id: str) -> int:
    """Delete every output file of ``run_id`` (found by its deterministic names)."""
    files = committed_files(output, run_id)
    for relative in files:
        (Path(output) / relative).unlink(missing_ok=True)
    return len(files)


def remove_orphans(output: str) -> int:
    """Temporary files of writers that died (safe: the caller holds DIR's only writer lock)."""
    root = Path(output)
    candidates = [p for table in TABLES for p in (root / table).glob("*/.tmp-*")]
    candidates += list((root / "_runs").glob(".tmp-*"))
    candidates += [p for p in (root / TEMP_DIR).glob("*") if p.is_file()]  # every writer's temporaries
    candidates += list((root / STATE_DIR).glob("*.tmp-*"))  # random temp names; fixed ones are overwritten
    candidates += list((root / STATE_DIR).glob(".tmp-*"))
    candidates += list((root / STATE_DIR / PENDING_DIR).glob(".tmp-*"))
    for path in candidates:
        path.unlink(missing_ok=True)
    return len(candidates) + clean_staging(output)


def recover(output: str, now: datetime) -> Recovery:
    """Finish or undo the cycle a killed stream left in flight (see the module docstring)."""
    marker = read_marker(output)
    run_id = marker.get("in_progress")
    orphans = remove_orphans(output)
    if not run_id:
        return Recovery(NOTHING, orphans_removed=orphans)
    stream_id = marker.get("stream_id")
    stamped = load_state(output).run_id
    if stamped == run_id:
        merged = merge_pending(output, run_id, now)
        recovery = Recovery(FORWARD, run_id, stream_id, entries_merged=merged, orphans_removed=orphans)
        LOG.warning("cycle %s was interrupted after its output was committed: finished it", run_id)
    elif stamped == marker.get("feed_state_before"):
        removed = roll_back(output, run_id)
        discard_pending(output, run_id)
        recovery = Recovery(BACK, run_id, stream_id, files_removed=removed, orphans_removed=orphans)
        LOG.warning(
            "cycle %s was interrupted before its output was committed: removed its %d file(s); "
            "its entries will be fetched again",
            run_id,
            removed,
        )
    else:
        discard_pending(output, run_id)
        recovery = Recovery(KEPT, run_id, stream_id, orphans_removed=orphans)
        LOG.warning(
            "cycle %s was interrupted and another run wrote into %s since; its files are kept "
            "(doc_ids already in DIR are never written again)",
            run_id,
            output,
        )
    _write_marker(
        output,
        {"stream_id": stream_id, "in_progress": None, "recovered": recovery.__dict__, "at": now.isoformat()},
    )
    return recovery
