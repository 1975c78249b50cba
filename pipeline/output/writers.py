"""Hive-partitioned Parquet sinks that never show a half-written file.

BEAM-NOTES: ``fileio.WriteToFiles`` loses files with nested partition folders, and
``WriteToParquet`` has no partitioning. So records are keyed by a shard, grouped, and each
group is written by one DoFn call through ``FileSystems`` to a temporary name, then renamed
to a deterministic final name (a retried bundle overwrites instead of duplicating).

Articles and their investments travel together as ``DocResult``s keyed by
``hash(doc_id) % shards``: every copy of one ``doc_id`` meets in one group, which is where
duplicates within a run are dropped, whatever partition they would land in.
"""

from __future__ import annotations

import hashlib
import io
import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date, datetime

import apache_beam as beam
import pyarrow as pa
import pyarrow.parquet as pq
from apache_beam.io.filesystems import FileSystems
from apache_beam.metrics import Metrics

from pipeline.common.progress import note
from pipeline.metrics import METRICS_NAMESPACE
from pipeline.output.atomic import write_atomically
from transforms.outcomes import SKIPS
from transforms.partitioning import partition_dir as partition_segment
from transforms.partitioning import safe_partition_value
from transforms.records import (
    SCHEMA_VERSION,
    TABLES,
    DocResult,
    ErrorRecord,
    Skip,
    to_row,
)

LOG = logging.getLogger(__name__)


def shard_of(key: str, shards: int) -> int:
    return int(hashlib.blake2b(key.encode("utf-8"), digest_size=4).hexdigest(), 16) % shards


def date_partition(when: datetime | date | None) -> str:
    """The UTC date as the partition value (NULL partition when unknown), see transforms.partitioning."""
    return safe_partition_value(when)


def partition_dir(output: str, table: str, value: str) -> str:
    """``DIR/table/column=value``; the value is escaped so data can never leave DIR."""
    return FileSystems.join(output, table, partition_segment(TABLES[table][2], value))


def file_name(run_id: str, shard: int) -> str:
    return f"part-{run_id}-{shard:05d}.parquet"


def write_parquet(path: str, table_name: str, rows: list[dict], run_id: str, output: str | None = None) -> str:
    """Write rows as one Parquet file at ``path``, atomically (temp name, then rename).

    The temporary file lives in ``DIR/_tmp/``, outside every table, so no reader's glob (nor a
    BigQuery external table over ``gs://…/articles/*``) can ever pick up a half-written or
    orphaned file. ``output`` defaults to the DIR of ``DIR/<table>/<partition>/<file>``.
    """
    _, schema, _ = TABLES[table_name]
    metadata = {b"dealstream.schema_version": SCHEMA_VERSION.encode(), b"dealstream.run_id": run_id.encode()}
    table = pa.Table.from_pylist(rows, schema=schema.with_metadata(metadata))
    buffer = io.BytesIO()
    pq.write_table(table, buffer, compression="zstd")
    return write_atomically(path, buffer.getvalue(), output or path.rsplit("/", 3)[0])


class WriteDocGroupFn(beam.DoFn):
    """(shard, [DocResult]) -> paths written; in-run duplicates -> 'skips'."""

    def __init__(self, output: str, run_id: str) -> None:
        self.output = output
        self.run_id = run_id
        self.articles = Metrics.counter(METRICS_NAMESPACE, "articles_written")
        self.investments = Metrics.counter(METRICS_NAMESPACE, "investments_written")

    def process(self, element: tuple[int, Iterable[DocResult]]) -> Iterator:
        yield from self.write_group(element, self.run_id)

    def write_group(self, element: tuple[int, Iterable[DocResult]], run_id: str) -> Iterator:
        """Write one group under ``run_id`` (a parameter, so subclasses never set state per element)."""
        shard, results = element
        seen: dict[str, DocResult] = {}
        # Keep one result per doc_id, chosen deterministically (first source, first line).
        for result in sorted(results, key=lambda r: (r.article.source, r.article.doc_id)):
            if result.article.doc_id in seen:
                yield beam.pvalue.TaggedOutput(
                    SKIPS, Skip(run_id, result.article.source, "duplicate_in_run", result.article.doc_id)
                )
                continue
            seen[result.article.doc_id] = result
        by_partition: dict[tuple[str, str], list[dict]] = defaultdict(list)
        for result in seen.values():
            value = date_partition(result.article.published_at)
            by_partition[("articles", value)].append(to_row(result.article))
            for investment in result.investments:
                by_partition[("investments", value)].append(to_row(investment))
        # Investments first, articles last: an article file is the group's commit marker, so a
        # document whose article is visible has all its investment rows committed too.
        for (table, value), rows in sorted(by_partition.items(), key=lambda item: (item[0][0] == "articles", item[0])):
            path = FileSystems.join(partition_dir(self.output, table, value), file_name(run_id, shard))
            yield write_parquet(path, table, rows, run_id, self.output)
            (self.articles if table == "articles" else self.investments).inc(len(rows))


class WriteLogGroupFn(beam.DoFn):
    """(shard, [ErrorRecord | Skip]) -> paths written under errors/ and skips/."""

    def __init__(self, output: str, run_id: str, run_date: str) -> None:
        self.output = output
        self.run_id = run_id
        self.run_date = run_date
        self.errors = Metrics.counter(METRICS_NAMESPACE, "errors_written")
        self.skips = Metrics.counter(METRICS_NAMESPACE, "skips_written")

    def process(self, element: tuple[int, Iterable[ErrorRecord | Skip]]) -> Iterator:
        yield from self.write_group(element, self.run_id, self.run_date)

    def write_group(self, element: tuple[int, Iterable[ErrorRecord | Skip]], run_id: str, run_date: str) -> Iterator:
        """Write one group under ``run_id`` into the ``run_date`` partition (parameters, not state)."""
        shard, records = element
        rows: dict[str, list[dict]] = defaultdict(list)
        for record in records:
            rows["errors" if isinstance(record, ErrorRecord) else "skips"].append(to_row(record))
        for table, table_rows in sorted(rows.items()):
            table_rows.sort(key=lambda r: (r["source"], r.get("line_number") or 0))
            path = FileSystems.join(
                partition_dir(self.output, table, run_date), file_name(run_id, shard)
            )
            yield write_parquet(path, table, table_rows, run_id, self.output)
            (self.errors if table == "errors" else self.skips).inc(len(table_rows))


def _key_doc(result: DocResult, shards: int) -> tuple[int, DocResult]:
    note("articles")  # keyed before the shuffle, so the count is live (common/progress.py)
    return shard_of(result.article.doc_id, shards), result


def _key_log(record: ErrorRecord | Skip, shards: int) -> tuple[int, ErrorRecord | Skip]:
    note("errors" if isinstance(record, ErrorRecord) else "skips")
    return shard_of(record.source + str(record.line_number), shards), record


class WriteArticles(beam.PTransform):
    """DocResult -> paths of articles/ and investments/ files; in-run duplicates -> 'skips'."""

    def __init__(self, output: str, run_id: str, shards: int) -> None:
        super().__init__()
        self.output, self.run_id, self.shards = output, run_id, shards

    def expand(self, results):
        return (
            results
            | "KeyByShard" >> beam.Map(_key_doc, self.shards)
            | "GroupShards" >> beam.GroupByKey()
            | "WriteFiles"
            >> beam.ParDo(WriteDocGroupFn(self.output, self.run_id)).with_outputs(SKIPS, main="paths")
        )


class WriteRunLog(beam.PTransform):
    """ErrorRecord | Skip -> paths of errors/ and skips/ files (partitioned by run date)."""

    def __init__(self, output: str, run_id: str, run_date: str, shards: int) -> None:
        super().__init__()
        self.output, self.run_id, self.run_date, self.shards = output, run_id, run_date, shards

    def expand(self, records):
        return (
            records
            | "KeyByShard" >> beam.Map(_key_log, self.shards)
            | "GroupShards" >> beam.GroupByKey()
            | "WriteFiles" >> beam.ParDo(WriteLogGroupFn(self.output, self.run_id, self.run_date))
        )
