"""Which archives a backfill has finished: ``DIR/_backfill/manifest.json``.

A backfill runs its archives as bounded batches, one pipeline run each. Before a batch
starts, its run is recorded as *in progress*; when the run has committed every file, its
archives move to *completed* in the same atomic write. A run killed in between leaves its
in-progress entry behind: the next start removes that run's files (they may be a partial
set, e.g. articles committed but not their investments) and processes its archives again.
So re-runs skip completed archives, and a killed run resumes with no duplicates and no gaps.

An archive is identified by its path and size, so a file that grew or was replaced is
processed again. One driver writes the manifest at a time: concurrent backfills into one DIR
are not supported.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from apache_beam.io.filesystems import FileSystems

from pipeline.warc_index import write_bytes_atomically

LOG = logging.getLogger(__name__)

MANIFEST_VERSION = 1
BACKFILL_DIR = "_backfill"
MANIFEST_NAME = "manifest.json"


@dataclass(frozen=True)
class Archive:
    path: str
    size: int


@dataclass
class BackfillManifest:
    completed: dict[str, dict[str, Any]] = field(default_factory=dict)  # path -> {size, run_id, completed_at}
    in_progress: dict[str, dict[str, Any]] = field(default_factory=dict)  # run_id -> {archives, started_at}

    def is_complete(self, archive: Archive) -> bool:
        entry = self.completed.get(archive.path)
        return entry is not None and entry.get("size") == archive.size

    def pending(self, archives: Iterable[Archive]) -> list[Archive]:
        return [a for a in archives if not self.is_complete(a)]

    def to_json(self) -> dict[str, Any]:
        return {"version": MANIFEST_VERSION, "completed": self.completed, "in_progress": self.in_progress}


def manifest_path(output: str) -> str:
    return FileSystems.join(output, BACKFILL_DIR, MANIFEST_NAME)


def load(output: str) -> BackfillManifest:
    path = manifest_path(output)
    if not FileSystems.exists(path):
        return BackfillManifest()
    with FileSystems.open(path) as handle:
        data = json.loads(handle.read().decode("utf-8"))
    if data.get("version") != MANIFEST_VERSION:
        raise ValueError(f"{path}: unsupported backfill manifest version {data.get('version')!r}")
    return BackfillManifest(
        completed=dict(data.get("completed", {})), in_progress=dict(data.get("in_progress", {}))
    )


def save(output: str, manifest: BackfillManifest) -> None:
    payload = json.dumps(manifest.to_json(), indent=2, sort_keys=True).encode("utf-8")
    write_bytes_atomically(manifest_path(output), payload)


def _now() -> str:
    return datetime.now(UTC).isoformat()


def start_run(output: str, run_id: str, archives: Sequence[Archive]) -> BackfillManifest:
    """Record that ``run_id`` is about to process ``archives`` (before any of its files exist)."""
    manifest = load(output)
    manifest.in_progress[run_id] = {
        "archives": [{"path": a.path, "size": a.size} for a in archives],
        "started_at": _now(),
    }
    save(output, manifest)
    return manifest


def complete_run(output: str, run_id: str, extra: dict[str, Any] | None = None) -> BackfillManifest:
    """Move ``run_id``'s archives to completed, in one atomic write."""
    manifest = load(output)
    entry = manifest.in_progress.pop(run_id, None)
    if entry is None:
        raise KeyError(f"run {run_id} is not in progress in {manifest_path(output)}")
    when = _now()
    for archive in entry["archives"]:
        manifest.completed[archive["path"]] = {
            "size": archive["size"],
            "run_id": run_id,
            "completed_at": when,
            **(extra or {}),
        }
    save(output, manifest)
    return manifest


def run_files(output: str, run_id: str) -> list[str]:
    """Every file a run committed under DIR (all tables use ``part-<run_id>-<shard>.parquet``)."""
    pattern = FileSystems.join(output, "*", "*", f"part-{run_id}-*.parquet")
    return sorted(m.path for m in FileSystems.match([pattern])[0].metadata_list)


def roll_back_unfinished(output: str) -> list[str]:
    """Delete the files of runs that started but never completed; returns their run ids.

    Their archives are not in ``completed``, so they are processed again by the next batch.
    """
    manifest = load(output)
    rolled_back = []
    for run_id in sorted(manifest.in_progress):
        files = run_files(output, run_id)
        if files:
            FileSystems.delete(files)
        run_json = FileSystems.join(output, "_runs", f"{run_id}.json")
        if FileSystems.exists(run_json):
            FileSystems.delete([run_json])
        LOG.warning(
            "backfill run %s did not finish: removed its %d files; its archives will be redone",
            run_id,
            len(files),
        )
        rolled_back.append(run_id)
    if rolled_back:
        manifest.in_progress.clear()
        save(output, manifest)
    return rolled_back


def batches(archives: Sequence[Archive], per_run: int) -> list[list[Archive]]:
    """Archives in bounded batches of ``per_run`` (0: all in one batch), in a stable order."""
    ordered = sorted(archives, key=lambda a: a.path)
    if per_run <= 0 or len(ordered) <= per_run:
        return [ordered] if ordered else []
    return [ordered[i : i + per_run] for i in range(0, len(ordered), per_run)]
