"""A run's life in DIR: refused when its id is taken, marked while in flight, undone if killed.

A run writes ``DIR/_runs/<run_id>.running`` before its pipeline starts and removes it after its
manifest ``DIR/_runs/<run_id>.json`` is committed. A marker without a manifest therefore names a
run that was killed (the DIR lock proves its writer is gone): the next run into DIR deletes that
run's files (some groups may be written, others not) so its documents are no longer "known" and
are processed again, whole. Loaders that read manifests never saw those files; globbing readers
see them go and come back under the new run. Object stores have no lock, so a live run cannot be
told from a dead one there: recovery is local only (docs/reliability.md).
"""

from __future__ import annotations

import json
import logging
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pipeline.common.paths import is_local
from pipeline.output.atomic import remove_temporaries, write_atomically
from pipeline.output.committed import run_files

LOG = logging.getLogger(__name__)

RUNS_DIR = "_runs"
MARKER_SUFFIX = ".running"
MAX_RUN_ID_LENGTH = 100
_RUN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


class RunIdTaken(Exception):
    """DIR already holds a committed run with this id (``--replace-run`` redoes it)."""


def run_id_problem(run_id: str) -> str | None:
    """Why ``run_id`` cannot name files (None when it can): checked before any work."""
    if not run_id:
        return "must not be empty"
    if len(run_id) > MAX_RUN_ID_LENGTH:
        return f"is {len(run_id)} characters long; at most {MAX_RUN_ID_LENGTH}"
    if not _RUN_ID.fullmatch(run_id):
        return "may only hold letters, digits, '-', '_' and '.', and must start with a letter or digit"
    return None


def manifest_file(output: str, run_id: str) -> str:
    return os.path.join(output, RUNS_DIR, f"{run_id}.json")


def marker_file(output: str, run_id: str) -> str:
    return os.path.join(output, RUNS_DIR, f"{run_id}{MARKER_SUFFIX}")


def has_manifest(output: str, run_id: str) -> bool:
    if not is_local(output):
        from apache_beam.io.filesystems import FileSystems

        return FileSystems.exists(FileSystems.join(output, RUNS_DIR, f"{run_id}.json"))
    return os.path.exists(manifest_file(output, run_id))


def delete_run(output: str, run_id: str) -> int:
    """Remove every file of ``run_id`` and its manifest; returns the data files removed."""
    files = run_files(output, run_id)
    for relative in files:
        Path(output, relative).unlink(missing_ok=True)
    Path(manifest_file(output, run_id)).unlink(missing_ok=True)
    return len(files)


@dataclass(frozen=True)
class Prepared:
    """What ``prepare_run`` did before the pipeline started."""

    rolled_back: tuple[str, ...] = ()  # killed runs whose files were removed
    replaced: bool = False  # --replace-run removed an earlier run of this id


def prepare_run(output: str, run_id: str, replace: bool = False) -> Prepared:
    """Before a run's pipeline (the caller holds DIR's lock): undo killed runs, check the id, mark.

    Raises ``RunIdTaken`` when ``run_id`` has a manifest and ``replace`` is false.
    """
    if not is_local(output):
        if has_manifest(output, run_id) and not replace:
            raise RunIdTaken(_taken(output, run_id))
        return Prepared()
    rolled_back = roll_back_killed(output)
    remove_temporaries(output)
    replaced = False
    if has_manifest(output, run_id):
        if not replace:
            raise RunIdTaken(_taken(output, run_id))
        removed = delete_run(output, run_id)
        LOG.warning("--replace-run: removed run %s (%d files) before running it again", run_id, removed)
        replaced = True
    payload = {"run_id": run_id, "pid": os.getpid(), "started_at": datetime.now(UTC).isoformat()}
    write_atomically(marker_file(output, run_id), json.dumps(payload).encode("utf-8"), output)
    return Prepared(tuple(rolled_back), replaced)


def finish_run(output: str, run_id: str) -> None:
    """After the manifest is committed: the run is no longer in flight."""
    if is_local(output):
        Path(marker_file(output, run_id)).unlink(missing_ok=True)


UNDO_SUFFIX = ".undo"


def write_undoable(path: str, data: bytes, output: str, run_id: str) -> str:
    """Commit a state file that a run replaces (``DIR/_state/feeds.json``), keeping what it
    replaced in ``<path>.undo`` until the next run, so that rolling this run back (killed after
    the state, before its manifest) also puts the state back. Without it the feed state kept the
    killed run's validators: the re-run got 304s and the rolled-back articles never came back.
    """
    if is_local(path):
        undo = Path(path + UNDO_SUFFIX)
        taken = json.loads(undo.read_text(encoding="utf-8")).get("run_id") if undo.exists() else None
        if taken != run_id:  # the first save of this run: remember the state it found
            before = Path(path).read_text(encoding="utf-8") if Path(path).exists() else None
            payload = {"run_id": run_id, "before": before}
            write_atomically(str(undo), json.dumps(payload).encode("utf-8"), output)
    return write_atomically(path, data, output)


def _undo_state(output: str, run_id: str) -> None:
    """Put back the state files ``run_id`` replaced (see ``write_undoable``)."""
    for undo in sorted((Path(output) / "_state").glob(f"*{UNDO_SUFFIX}")):
        try:
            payload = json.loads(undo.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            LOG.warning("ignoring unreadable %s (%s)", undo, exc)
            continue
        if payload.get("run_id") != run_id:
            continue
        target = str(undo)[: -len(UNDO_SUFFIX)]
        if payload.get("before") is None:
            Path(target).unlink(missing_ok=True)
        else:
            write_atomically(target, payload["before"].encode("utf-8"), output)
        undo.unlink(missing_ok=True)
        LOG.warning("run %s was killed: %s put back as it was before that run", run_id, target)


def roll_back_killed(output: str) -> list[str]:
    """Delete the files of every run that has a marker but no manifest, and put back the state
    files it replaced; returns their ids."""
    runs = Path(output) / RUNS_DIR
    if not runs.is_dir():
        return []
    killed = []
    for marker in sorted(runs.glob(f"*{MARKER_SUFFIX}")):
        run_id = marker.name[: -len(MARKER_SUFFIX)]
        if not has_manifest(output, run_id):
            removed = delete_run(output, run_id)
            _undo_state(output, run_id)
            LOG.warning("run %s was killed before its manifest: removed its %d files; they are redone", run_id, removed)
            killed.append(run_id)
        marker.unlink(missing_ok=True)
    return killed


def _taken(output: str, run_id: str) -> str:
    return (
        f"--run-id {run_id}: {manifest_file(output, run_id)} already exists (a finished run); choose another "
        "id, or pass --replace-run to remove that run's files and run it again"
    )
