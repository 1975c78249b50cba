"""``--reprocess``: a run's rows replace the older rows of the same ``doc_id``, whatever its source.

Normal runs skip documents DIR already has. A reprocessing run (seed files, feeds, archives)
extracts them again (better rules applied to history) and, once its own files and manifest are
committed, rewrites every older ``articles/`` and ``investments/`` file that holds one of its
doc_ids without those rows (each rewrite atomic, under the same name). Before that step a reader
may briefly see both versions; never neither. The step is idempotent, so a run killed during it
is finished by the next start: archive batches through the backfill manifest
(``pipeline.archives.manifest.unfinished_replacements``), other runs through their run marker
(``finish_interrupted``: a marker beside a manifest that asked for ``--reprocess``).
"""

from __future__ import annotations

import io
import json
import logging
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from apache_beam.io.filesystems import FileSystems

from pipeline.output.atomic import write_atomically
from pipeline.output.committed import is_run_file, table_files
from pipeline.output.run_state import MARKER_SUFFIX, RUNS_DIR, finish_run, manifest_file

LOG = logging.getLogger(__name__)

REPLACED_TABLES = ("articles", "investments")


def _files(output: str, table: str) -> list[str]:
    return [FileSystems.join(output, relative) for relative in table_files(output, [table])]


def _read(path: str, columns: list[str] | None = None) -> pa.Table:
    with FileSystems.open(path) as handle:
        data = handle.read()
    return pq.read_table(io.BytesIO(data), columns=columns)


def run_doc_ids(output: str, run_id: str) -> set[str]:
    ids: set[str] = set()
    for path in _files(output, "articles"):
        if is_run_file(path.rsplit("/", 1)[-1], run_id):
            ids.update(_read(path, ["doc_id"]).column("doc_id").to_pylist())
    return ids


def _rewrite_without(output: str, path: str, doc_ids: pa.Array) -> int:
    """Drop rows whose doc_id is in ``doc_ids``; returns how many were dropped."""
    table = _read(path)
    hit = pc.is_in(table.column("doc_id"), value_set=doc_ids)
    dropped = pc.sum(hit).as_py() or 0
    if not dropped:
        return 0
    kept = table.filter(pc.invert(hit))
    if kept.num_rows == 0:
        FileSystems.delete([path])
        return dropped
    buffer = io.BytesIO()
    pq.write_table(kept, buffer, compression="zstd")  # schema and its metadata are kept
    write_atomically(path, buffer.getvalue(), output)
    return dropped


def replace_older_rows(output: str, run_id: str) -> int:
    """Remove the rows of older runs for every doc_id ``run_id`` wrote; returns the rows removed."""
    ids = run_doc_ids(output, run_id)
    if not ids:
        return 0
    value_set = pa.array(sorted(ids), type=pa.string())
    removed = 0
    for table in REPLACED_TABLES:
        for path in _files(output, table):
            if is_run_file(path.rsplit("/", 1)[-1], run_id):
                continue
            present = pc.is_in(_read(path, ["doc_id"]).column("doc_id"), value_set=value_set)
            if not pc.any(present).as_py():
                continue
            removed += _rewrite_without(output, path, value_set)
    LOG.info("reprocess %s: replaced %d older rows of %d documents", run_id, removed, len(ids))
    return removed


def _asked_to_replace(manifest: dict) -> bool:
    """A committed non-archive run that asked for ``--reprocess`` (archive batches have their own phase)."""
    options = manifest.get("options") or {}
    return bool(options.get("reprocess")) and not options.get("warc") and not options.get("from_index")


def finish_interrupted(output: str) -> list[str]:
    """Finish the replacement of every ``--reprocess`` run killed after its manifest (local DIR;
    the caller holds DIR's lock). Returns their run ids; their markers are removed."""
    runs = Path(output) / RUNS_DIR
    if not runs.is_dir():
        return []
    finished = []
    for marker in sorted(runs.glob(f"*{MARKER_SUFFIX}")):
        run_id = marker.name[: -len(MARKER_SUFFIX)]
        try:
            manifest = json.loads(Path(manifest_file(output, run_id)).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # no manifest: a killed run, rolled back by run_state.prepare_run
        if isinstance(manifest, dict) and _asked_to_replace(manifest):
            LOG.warning("run %s was killed while replacing older rows: finishing it", run_id)
            replace_older_rows(output, run_id)
            finish_run(output, run_id)
            finished.append(run_id)
    return finished
