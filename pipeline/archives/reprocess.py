"""``--reprocess``: a run's rows replace the older rows of the same ``doc_id``.

Normal runs skip documents DIR already has. A reprocessing run extracts them again (better
rules applied to history) and, once its own files are committed, rewrites every older
``articles/`` and ``investments/`` file that holds one of its doc_ids without those rows
(each rewrite atomic, under the same name). Before that step a reader may briefly see both
versions; never neither. The step is idempotent, so a run killed during it is finished by
the next start (``backfill_manifest.unfinished_replacements``).
"""

from __future__ import annotations

import io
import logging

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from apache_beam.io.filesystems import FileSystems

from pipeline.output.atomic import write_atomically
from pipeline.output.committed import is_run_file, table_files

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
