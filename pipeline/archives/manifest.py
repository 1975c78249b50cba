"""Which archives a backfill has finished: ``DIR/_backfill/manifest.json``.

A backfill runs its archives as bounded batches of records, one pipeline run each. Before a
batch starts, its run and the archive slices it covers are recorded as *in progress*; when
the run has committed every file, its slices move to *completed* (whole archives) or
*progress* (where a partly done archive continues) in one atomic write. A run killed in
between leaves its in-progress entry behind: the next start removes that run's files (they
may be a partial set, e.g. articles committed but not their investments) and reads those
records again. So re-runs skip completed archives, and a killed run resumes with no
duplicates and no gaps.

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

from pipeline.output.atomic import write_atomically
from pipeline.output.committed import run_files as committed_run_files

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
    # path -> {size, run_id, completed_at}: archives fully processed
    completed: dict[str, dict[str, Any]] = field(default_factory=dict)
    # path -> {size, next_index, next_offset, framing}: archives processed up to a record
    progress: dict[str, dict[str, Any]] = field(default_factory=dict)
    # run_id -> {slices, phase, started_at}: runs started and not yet completed
    in_progress: dict[str, dict[str, Any]] = field(default_factory=dict)

    def is_complete(self, archive: Archive) -> bool:
        entry = self.completed.get(archive.path)
        return entry is not None and entry.get("size") == archive.size

    def pending(self, archives: Iterable[Archive]) -> list[Archive]:
        return [a for a in archives if not self.is_complete(a)]

    def resume_point(self, archive: Archive) -> dict[str, Any] | None:
        """Where a partly processed archive continues, or None to start at its beginning."""
        entry = self.progress.get(archive.path)
        return entry if entry is not None and entry.get("size") == archive.size else None

    def to_json(self) -> dict[str, Any]:
        return {
            "version": MANIFEST_VERSION,
            "completed": self.completed,
            "progress": self.progress,
            "in_progress": self.in_progress,
        }


@dataclass(frozen=True)
class Slice:
    """The records of one archive that one run processes: positions [first_index, next_index)."""

    path: str
    size: int
    first_index: int
    next_index: int
    next_offset: int | None  # where the next record starts (None when the archive is done)
    framing: str
    done: bool  # the slice reaches the end of the archive

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


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
        completed=dict(data.get("completed", {})),
        progress=dict(data.get("progress", {})),
        in_progress=dict(data.get("in_progress", {})),
    )


def save(output: str, manifest: BackfillManifest) -> None:
    payload = json.dumps(manifest.to_json(), indent=2, sort_keys=True).encode("utf-8")
    write_atomically(manifest_path(output), payload, output)


def _now() -> str:
    return datetime.now(UTC).isoformat()


PHASE_PIPELINE = "pipeline"  # the run's pipeline may be writing files
PHASE_REPLACING = "replacing"  # files committed; older rows of its doc_ids are being removed


def start_run(output: str, run_id: str, slices: Sequence[Slice]) -> BackfillManifest:
    """Record that ``run_id`` is about to process ``slices`` (before any of its files exist)."""
    manifest = load(output)
    manifest.in_progress[run_id] = {
        "slices": [s.to_json() for s in slices],
        "phase": PHASE_PIPELINE,
        "started_at": _now(),
    }
    save(output, manifest)
    return manifest


def set_phase(output: str, run_id: str, phase: str) -> None:
    manifest = load(output)
    manifest.in_progress[run_id]["phase"] = phase
    save(output, manifest)


def complete_run(output: str, run_id: str) -> BackfillManifest:
    """Move ``run_id``'s slices to completed (or progress), in one atomic write."""
    manifest = load(output)
    entry = manifest.in_progress.pop(run_id, None)
    if entry is None:
        raise KeyError(f"run {run_id} is not in progress in {manifest_path(output)}")
    when = _now()
    for piece in entry["slices"]:
        if piece["done"]:
            manifest.progress.pop(piece["path"], None)
            manifest.completed[piece["path"]] = {
                "size": piece["size"],
                "run_id": run_id,
                "completed_at": when,
            }
        else:
            manifest.progress[piece["path"]] = {
                "size": piece["size"],
                "next_index": piece["next_index"],
                "next_offset": piece["next_offset"],
                "framing": piece["framing"],
                "run_id": run_id,
            }
    save(output, manifest)
    return manifest


def run_files(output: str, run_id: str) -> list[str]:
    """Every file a run committed under DIR (absolute paths; matched by the whole name)."""
    return [FileSystems.join(output, relative) for relative in committed_run_files(output, run_id)]


def roll_back_unfinished(output: str) -> list[str]:
    """Delete the files of runs that started but never finished writing; returns their run ids.

    Their slices are neither completed nor in progress any more, so the next batches process
    those records again. Runs that got as far as replacing older rows are left for
    ``unfinished_replacements``: their own files are complete and older rows may be gone.
    """
    manifest = load(output)
    rolled_back = []
    for run_id in sorted(manifest.in_progress):
        if manifest.in_progress[run_id].get("phase") == PHASE_REPLACING:
            continue
        files = run_files(output, run_id)
        if files:
            FileSystems.delete(files)
        run_json = FileSystems.join(output, "_runs", f"{run_id}.json")
        if FileSystems.exists(run_json):
            FileSystems.delete([run_json])
        LOG.warning(
            "run %s did not finish: removed its %d files; its records will be read again", run_id, len(files)
        )
        rolled_back.append(run_id)
    for run_id in rolled_back:
        del manifest.in_progress[run_id]
    if rolled_back:
        save(output, manifest)
    return rolled_back


def unfinished_replacements(output: str) -> list[str]:
    """Runs whose files are committed but whose replacement of older rows may be incomplete."""
    manifest = load(output)
    return sorted(r for r, e in manifest.in_progress.items() if e.get("phase") == PHASE_REPLACING)
