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
from transforms.doc_copies import keep_one_per_doc
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
from transforms.stages import safety_net

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
    return write_table(path, arrow_table(table_name, rows, run_id), output)


def write_table(path: str, table: pa.Table, output: str | None = None) -> str:
    """``write_parquet`` for a table already built (and so already checked against its schema)."""
    buffer = io.BytesIO()
    pq.write_table(table, buffer, compression="zstd")
    return write_atomically(path, buffer.getvalue(), output or path.rsplit("/", 3)[0])


# The run-log output of the writers: Skips of in-run duplicates, and the error rows of documents
# the writer could not turn into rows. Both graphs send this tag to WriteRunLog, which files each
# record by its type, so the writer's errors land in errors/ in batch and stream alike.
RUN_LOG = SKIPS


def result_where(result: DocResult) -> tuple[str, int | None, str, str]:
    article = result.article
    return article.source, getattr(article, "line_number", None), article.doc_id, article.text


def record_where(record: ErrorRecord | Skip) -> tuple[str, int | None, str | None, None]:
    return record.source, record.line_number, record.doc_id, None


def _printable(value):
    """A string Parquet can hold: one that came from undecodable bytes (a file name with a
    non-UTF-8 byte reaches Python as a lone surrogate) is written with those bytes escaped."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            try:
                return value.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
            except UnicodeEncodeError:
                return value.encode("utf-8", "backslashreplace").decode("utf-8")
        return value
    if isinstance(value, list | tuple):
        return [_printable(v) for v in value]
    return value


def printable_row(row: dict) -> dict:
    return {key: _printable(value) for key, value in row.items()}


def arrow_table(table_name: str, rows: list[dict], run_id: str) -> pa.Table:
    _, schema, _ = TABLES[table_name]
    metadata = {b"dealstream.schema_version": SCHEMA_VERSION.encode(), b"dealstream.run_id": run_id.encode()}
    return pa.Table.from_pylist(rows, schema=schema.with_metadata(metadata))


class WriteDocGroupFn(beam.DoFn):
    """(shard, [DocResult]) -> paths written; in-run duplicates and documents that cannot be
    written -> RUN_LOG ('skips').

    Under the safety net (stage ``write``) per document: a document whose rows cannot be built
    (or do not fit the schema) is one error row, and the rest of its group is written. A failing
    write of the file itself (disk full, permissions) is not one document's fault: it fails the
    bundle, and the run ends without its manifest (the next run rolls its files back).
    """

    def __init__(self, output: str, run_id: str) -> None:
        self.output = output
        self.run_id = run_id
        self.articles = Metrics.counter(METRICS_NAMESPACE, "articles_written")
        self.investments = Metrics.counter(METRICS_NAMESPACE, "investments_written")

    @safety_net("write", errors_tag=RUN_LOG, where=result_where, atomic=True)
    def _doc_rows(self, result: DocResult, check: bool = False) -> Iterator[tuple[DocResult, list[tuple[str, dict]]]]:
        """A document's (table, row) pairs; ``check``: also build them as Arrow tables."""
        rows = [("articles", to_row(result.article))] + [("investments", to_row(i)) for i in result.investments]
        if check:
            rows = [(table, printable_row(row)) for table, row in rows]
            for table in ("articles", "investments"):
                arrow_table(table, [row for name, row in rows if name == table], "")
        yield result, rows

    def _rows_by_partition(self, results: Iterable[DocResult], check: bool, log: list) -> dict[tuple[str, str], list[dict]]:
        by_partition: dict[tuple[str, str], list[dict]] = defaultdict(list)
        for result in results:
            for out in self._doc_rows(result, check):
                if isinstance(out, beam.pvalue.TaggedOutput):
                    log.append(out)
                    continue
                done, rows = out
                value = date_partition(done.article.published_at)
                for table, row in rows:
                    by_partition[(table, value)].append(row)
        return by_partition

    def process(self, element: tuple[int, Iterable[DocResult]]) -> Iterator:
        yield from self.write_group(element, self.run_id)

    def write_group(self, element: tuple[int, Iterable[DocResult]], run_id: str) -> Iterator:
        """Write one group under ``run_id`` (a parameter, so subclasses never set state per element)."""
        shard, results = element
        kept, dropped = keep_one_per_doc(results)  # the rule: transforms/doc_copies.py
        for result in dropped:
            yield beam.pvalue.TaggedOutput(
                SKIPS, Skip(run_id, result.article.source, "duplicate_in_run", result.article.doc_id)
            )
        log: list = []
        by_partition = self._rows_by_partition(kept, False, log)
        try:
            tables = {key: arrow_table(key[0], rows, run_id) for key, rows in by_partition.items()}
        except (pa.ArrowException, TypeError, ValueError, OverflowError):
            # Some row does not fit the schema: find which documents, one by one (rare, so the
            # normal path builds each table once).
            log = []
            by_partition = self._rows_by_partition(kept, True, log)
            tables = {key: arrow_table(key[0], rows, run_id) for key, rows in by_partition.items()}
        yield from log
        # Investments first, articles last: an article file is the group's commit marker, so a
        # document whose article is visible has all its investment rows committed too.
        for (table, value), arrow in sorted(tables.items(), key=lambda item: (item[0][0] == "articles", item[0])):
            path = FileSystems.join(partition_dir(self.output, table, value), file_name(run_id, shard))
            yield write_table(path, arrow, self.output)
            (self.articles if table == "articles" else self.investments).inc(arrow.num_rows)


class WriteLogGroupFn(beam.DoFn):
    """(shard, [ErrorRecord | Skip]) -> paths written under errors/ and skips/.

    Under the safety net (stage ``write_log``) per record: a record that cannot be turned into
    a row is replaced by an ``unexpected:<Class>`` error row for the same source and line, so
    the input it stood for still has exactly one row.
    """

    def __init__(self, output: str, run_id: str, run_date: str) -> None:
        self.output = output
        self.run_id = run_id
        self.run_date = run_date
        self.errors = Metrics.counter(METRICS_NAMESPACE, "errors_written")
        self.skips = Metrics.counter(METRICS_NAMESPACE, "skips_written")

    @safety_net("write_log", where=record_where, atomic=True)
    def _row(self, record: ErrorRecord | Skip, check: bool = False) -> Iterator[tuple[str, dict]]:
        table = "errors" if isinstance(record, ErrorRecord) else "skips"
        row = to_row(record)
        if check:
            row = printable_row(row)
            arrow_table(table, [row], "")  # a row that does not fit fails here, alone
        yield table, row

    def _rows(self, records: Iterable[ErrorRecord | Skip], check: bool) -> dict[str, list[dict]]:
        rows: dict[str, list[dict]] = defaultdict(list)
        for record in records:
            for out in self._row(record, check):
                if isinstance(out, beam.pvalue.TaggedOutput):  # the net's stand-in error row
                    rows["errors"].append(printable_row(to_row(out.value)))
                else:
                    rows[out[0]].append(out[1])
        return rows

    def _tables(self, records: list[ErrorRecord | Skip], check: bool, run_id: str) -> dict[str, pa.Table]:
        tables = {}
        for table, table_rows in self._rows(records, check).items():
            table_rows.sort(key=lambda r: (r["source"], r.get("line_number") or 0))
            tables[table] = arrow_table(table, table_rows, run_id)
        return tables

    def process(self, element: tuple[int, Iterable[ErrorRecord | Skip]]) -> Iterator:
        yield from self.write_group(element, self.run_id, self.run_date)

    def write_group(self, element: tuple[int, Iterable[ErrorRecord | Skip]], run_id: str, run_date: str) -> Iterator:
        """Write one group under ``run_id`` into the ``run_date`` partition (parameters, not state)."""
        shard, records = element
        records = list(records)
        try:
            tables = self._tables(records, False, run_id)
        except (pa.ArrowException, TypeError, ValueError, OverflowError):
            tables = self._tables(records, True, run_id)  # find the records that do not fit, one by one
        for table, arrow in sorted(tables.items()):
            path = FileSystems.join(
                partition_dir(self.output, table, run_date), file_name(run_id, shard)
            )
            yield write_table(path, arrow, self.output)
            (self.errors if table == "errors" else self.skips).inc(arrow.num_rows)


def _key_doc(result: DocResult, shards: int) -> tuple[int, DocResult]:
    note("articles")  # keyed before the shuffle, so the count is live (common/progress.py)
    return shard_of(result.article.doc_id, shards), result


def _key_log(record: ErrorRecord | Skip, shards: int) -> tuple[int, ErrorRecord | Skip]:
    note("errors" if isinstance(record, ErrorRecord) else "skips")
    return shard_of(record.source + str(record.line_number), shards), record


class WriteArticles(beam.PTransform):
    """DocResult -> paths of articles/ and investments/ files; the run log (in-run duplicates,
    documents that could not be written) -> 'skips'."""

    def __init__(self, output: str, run_id: str, shards: int) -> None:
        super().__init__()
        self.output, self.run_id, self.shards = output, run_id, shards

    def expand(self, results):
        return (
            results
            | "KeyByShard" >> beam.Map(_key_doc, self.shards)
            | "GroupShards" >> beam.GroupByKey()
            | "WriteFiles"
            >> beam.ParDo(WriteDocGroupFn(self.output, self.run_id)).with_outputs(RUN_LOG, main="paths")
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
