"""The side index of archive records: ``DIR/warc_index/crawl_date=YYYY-MM-DD/part-<run>-<shard>.parquet``.

One row per HTML response record a backfill examined (where it is, what the pre-filter said,
whether full extraction found an investment). ``--from-index`` turns rows back into
``WarcPointer``s, so a re-run reads just those records by byte range instead of scanning
whole archives again. Files are written like the other tables (pipeline/output/atomic.py)
under a deterministic name. Paths go through ``FileSystems`` (gs:// works; tested locally only).
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterable
from datetime import date, datetime
from urllib.parse import urlsplit

import pyarrow as pa
import pyarrow.parquet as pq
from apache_beam.io.filesystems import FileSystems

from pipeline.output.atomic import write_atomically
from transforms.archive_records import WARC_INDEX_PARTITION, WARC_INDEX_SCHEMA, WarcIndexRow, WarcPointer
from transforms.records import NULL_PARTITION, SCHEMA_VERSION, to_row

LOG = logging.getLogger(__name__)

INDEX_TABLE = "warc_index"


def host_of(url: str | None) -> str | None:
    if not url:
        return None
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    return host.lower() if host else None


def index_row(
    pointer: WarcPointer,
    *,
    run_id: str,
    indexed_at: datetime,
    outcome: str,
    reason: str | None = None,
    doc_id: str | None = None,
    language: str | None = None,
    passed_prefilter: bool | None = None,
    prefilter_reason: str | None = None,
    is_investment: bool | None = None,
) -> WarcIndexRow:
    return WarcIndexRow(
        warc_file=pointer.warc_file,
        warc_offset=pointer.warc_offset,
        warc_length=pointer.warc_length,
        framing=pointer.framing,
        record_index=pointer.record_index,
        url=pointer.url,
        host=host_of(pointer.url),
        warc_date=pointer.warc_date,
        content_type=pointer.content_type,
        doc_id=doc_id,
        language=language,
        passed_prefilter=passed_prefilter,
        prefilter_reason=prefilter_reason,
        is_investment=is_investment,
        outcome=outcome,
        reason=reason,
        run_id=run_id,
        indexed_at=indexed_at,
    )


def crawl_partition(when: datetime | None) -> str:
    return NULL_PARTITION if when is None else when.date().isoformat()


def index_file_path(output: str, partition: str, run_id: str, shard: int) -> str:
    return FileSystems.join(
        output, INDEX_TABLE, f"{WARC_INDEX_PARTITION}={partition}", f"part-{run_id}-{shard:05d}.parquet"
    )


def write_index_file(path: str, rows: Iterable[WarcIndexRow], run_id: str, output: str | None = None) -> int:
    """One Parquet file of index rows (sorted by archive position); returns the row count.

    Committed like every table's files (pipeline/output/atomic.py: the temporary lives in
    ``DIR/_tmp/``, never inside ``warc_index/``); ``output`` defaults to DIR three folders up.
    """
    ordered = sorted(rows, key=lambda r: (r.warc_file, r.warc_offset))
    metadata = {b"dealstream.schema_version": SCHEMA_VERSION.encode(), b"dealstream.run_id": run_id.encode()}
    schema = WARC_INDEX_SCHEMA.with_metadata(metadata)
    table = pa.Table.from_pylist([to_row(r) for r in ordered], schema=schema)
    buffer = io.BytesIO()
    pq.write_table(table, buffer, compression="zstd")
    write_atomically(path, buffer.getvalue(), output or path.rsplit("/", 3)[0])
    return len(ordered)


def index_files(index_dir: str) -> list[str]:
    pattern = FileSystems.join(index_dir.rstrip("/"), f"{WARC_INDEX_PARTITION}=*", "part-*.parquet")
    return sorted(m.path for m in FileSystems.match([pattern])[0].metadata_list)


def _partition_date(path: str) -> date | None:
    for part in path.split("/"):
        if part.startswith(f"{WARC_INDEX_PARTITION}="):
            value = part.split("=", 1)[1]
            return None if value == NULL_PARTITION else date.fromisoformat(value)
    return None


def read_index(
    index_dir: str,
    *,
    only_investments: bool = False,
    date_from: datetime | None = None,
    date_to: datetime | None = None,
) -> list[WarcPointer]:
    """Pointers to the records an index lists (latest row per record), in archive order.

    ``only_investments`` keeps records that full extraction classified as investments;
    ``date_from``/``date_to`` (WARC-Date, inclusive/exclusive) prune partitions first.
    """
    latest: dict[tuple[str, int], dict] = {}
    for path in index_files(index_dir):
        day = _partition_date(path)
        if day is not None and date_from is not None and day < date_from.date():
            continue
        if day is not None and date_to is not None and day > date_to.date():
            continue
        with FileSystems.open(path) as handle:
            table = pq.read_table(io.BytesIO(handle.read()), schema=WARC_INDEX_SCHEMA)
        for row in table.to_pylist():
            key = (row["warc_file"], row["warc_offset"])
            if key not in latest or row["indexed_at"] >= latest[key]["indexed_at"]:
                latest[key] = row
    pointers = []
    for (_, _), row in sorted(latest.items()):
        if only_investments and not row["is_investment"]:
            continue
        when = row["warc_date"]
        if when is not None and ((date_from and when < date_from) or (date_to and when >= date_to)):
            continue
        pointers.append(
            WarcPointer(
                warc_file=row["warc_file"],
                warc_offset=row["warc_offset"],
                warc_length=row["warc_length"],
                framing=row["framing"],
                record_index=row["record_index"],
                record_type="response",
                warc_date=when,
                url=row["url"],
                http_status=200,
                content_type=row["content_type"],
                skip_reason=None,
            )
        )
    LOG.info("index %s: %d records selected", index_dir, len(pointers))
    return pointers
