"""``WriteWarcIndex``: each archive record that was read, joined with what became of its document.

``ReadWarc`` emits an ``IndexEvent`` per record it read; an event whose outcome is already known
(an error, a pre-filter skip) becomes its row directly, the others are matched by doc_id with
the outcome downstream (article, error or skip). Only small summaries are grouped, never
article texts; the rows go to ``DIR/warc_index/`` through ``pipeline/archives/index.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

import apache_beam as beam
from apache_beam.metrics import Metrics

from pipeline.archives.index import crawl_partition, index_file_path, index_row, write_index_file
from pipeline.archives.source import STAGE, IndexEvent
from pipeline.metrics import METRICS_NAMESPACE
from pipeline.output.writers import shard_of
from transforms.archive_records import WarcIndexRow
from transforms.outcomes import NON_TERMINAL_STAGES
from transforms.records import DocResult, ErrorRecord, Skip


@dataclass(frozen=True)
class DocOutcome:
    """What became of one document downstream, small enough to group by doc_id."""

    outcome: str  # article | error | skipped
    source: str
    warc_offset: int | None
    reason: str | None
    language: str | None = None
    is_investment: bool | None = None


def result_outcome(result: DocResult) -> tuple[str, DocOutcome]:
    article = result.article
    return article.doc_id, DocOutcome(
        "article", article.source, article.warc_offset, None, article.language, article.is_investment
    )


def log_outcomes(record: ErrorRecord | Skip) -> Iterator[tuple[str, DocOutcome]]:
    if record.doc_id is None:
        return
    if isinstance(record, ErrorRecord):
        # Errors recorded for an article that was still written are not the record's outcome.
        if record.stage not in NON_TERMINAL_STAGES and record.stage != STAGE:
            yield record.doc_id, DocOutcome("error", record.source, None, record.error_type)
    elif not record.reason.startswith("prefilter:"):
        yield record.doc_id, DocOutcome("skipped", record.source, None, record.reason)


def _settle_in_run_duplicates(outcomes: list[DocOutcome]) -> list[DocOutcome]:
    """The sink keeps one article per doc_id and skips the others as duplicate_in_run: mark the
    later copies (by archive and offset) as those skips, so each record gets one outcome."""
    dropped = [o for o in outcomes if o.outcome == "skipped" and o.reason == "duplicate_in_run"]
    if not dropped:
        return outcomes
    articles = sorted(
        (o for o in outcomes if o.outcome == "article"), key=lambda o: (o.source, o.warc_offset or 0)
    )
    kept, copies = articles[: len(articles) - len(dropped)], articles[len(articles) - len(dropped) :]
    others = [o for o in outcomes if o.outcome != "article" and o not in dropped]
    return [
        *kept,
        *others,
        *(DocOutcome("skipped", o.source, o.warc_offset, "duplicate_in_run") for o in copies),
    ]


def _match(
    events: list[IndexEvent], outcomes: list[DocOutcome]
) -> Iterator[tuple[IndexEvent, DocOutcome | None]]:
    """Pair each read record with its outcome: an article by its offset, else one in the same archive."""
    left = _settle_in_run_duplicates(list(outcomes))
    for event in sorted(events, key=lambda e: (e.pointer.warc_file, e.pointer.warc_offset)):
        pick = next(
            (
                o
                for o in left
                if o.warc_offset == event.pointer.warc_offset and o.source == event.pointer.warc_file
            ),
            None,
        )
        pick = pick or next(
            (o for o in left if o.warc_offset is None and o.source == event.pointer.warc_file), None
        )
        pick = pick or (left[0] if left else None)
        if pick is not None:
            left.remove(pick)
        yield event, pick


class JoinIndexFn(beam.DoFn):
    """(doc_id, {events, outcomes}) -> WarcIndexRow for each read record of that document."""

    def __init__(self, run_id: str, indexed_at: datetime) -> None:
        self.run_id = run_id
        self.indexed_at = indexed_at

    def process(self, element) -> Iterator[WarcIndexRow]:
        _, grouped = element
        # No events: a document from another source (seed file, feed), nothing to index.
        for event, outcome in _match(list(grouped["events"]), list(grouped["outcomes"])):
            yield index_row(
                event.pointer,
                run_id=self.run_id,
                indexed_at=self.indexed_at,
                outcome=outcome.outcome if outcome else "unknown",
                reason=outcome.reason if outcome else None,
                doc_id=event.doc_id,
                language=outcome.language if outcome else None,
                passed_prefilter=event.passed_prefilter,
                prefilter_reason=event.prefilter_reason,
                is_investment=outcome.is_investment if outcome else None,
            )


def final_row(event: IndexEvent, run_id: str, indexed_at: datetime) -> WarcIndexRow:
    return index_row(
        event.pointer,
        run_id=run_id,
        indexed_at=indexed_at,
        outcome=event.outcome or "unknown",
        reason=event.reason,
        doc_id=event.doc_id,
        passed_prefilter=event.passed_prefilter,
        prefilter_reason=event.prefilter_reason,
    )


def _is_final(event: IndexEvent) -> bool:
    return event.outcome is not None


def _is_pending(event: IndexEvent) -> bool:
    return event.outcome is None


def _key_event(event: IndexEvent) -> tuple[str, IndexEvent]:
    return event.doc_id or "", event


def _key_row(row: WarcIndexRow, shards: int) -> tuple[tuple[str, int], WarcIndexRow]:
    return (crawl_partition(row.warc_date), shard_of(f"{row.warc_file}:{row.warc_offset}", shards)), row


class WriteIndexGroupFn(beam.DoFn):
    """((crawl_date, shard), [WarcIndexRow]) -> path of the index file written."""

    def __init__(self, output: str, run_id: str) -> None:
        self.output = output
        self.run_id = run_id
        self.rows = Metrics.counter(METRICS_NAMESPACE, "warc_index_rows_written")

    def process(self, element) -> Iterator[str]:
        (partition, shard), rows = element
        path = index_file_path(self.output, partition, self.run_id, shard)
        self.rows.inc(write_index_file(path, rows, self.run_id, self.output))
        yield path


class WriteWarcIndex(beam.PTransform):
    """(IndexEvent, DocResult, ErrorRecord, Skip PCollections) -> paths of DIR/warc_index/ files.

    Only small summaries are grouped (doc_id -> outcome), never article texts.
    """

    def __init__(self, output: str, run_id: str, indexed_at: datetime, shards: int) -> None:
        super().__init__()
        self.output, self.run_id, self.indexed_at, self.shards = output, run_id, indexed_at, shards

    def expand(self, inputs):
        events, results, errors, skips = inputs
        final = events | "FinalEvents" >> beam.Filter(_is_final)
        pending = events | "PendingEvents" >> beam.Filter(_is_pending)
        outcomes = (
            (results | "ArticleOutcomes" >> beam.Map(result_outcome)),
            (errors | "ErrorOutcomes" >> beam.FlatMap(log_outcomes)),
            (skips | "SkipOutcomes" >> beam.FlatMap(log_outcomes)),
        ) | "AllOutcomes" >> beam.Flatten()
        joined = (
            {"events": pending | "KeyEvents" >> beam.Map(_key_event), "outcomes": outcomes}
            | "ByDoc" >> beam.CoGroupByKey()
            | "Join" >> beam.ParDo(JoinIndexFn(self.run_id, self.indexed_at))
        )
        finals = final | "FinalRows" >> beam.Map(final_row, self.run_id, self.indexed_at)
        return (
            (joined, finals)
            | "AllRows" >> beam.Flatten()
            | "KeyByPartition" >> beam.Map(_key_row, self.shards)
            | "GroupShards" >> beam.GroupByKey()
            | "WriteFiles" >> beam.ParDo(WriteIndexGroupFn(self.output, self.run_id))
        )
