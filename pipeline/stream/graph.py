"""The unbounded graph of ``dealstream stream`` (Dataflow, or any runner that streams):

    PeriodicImpulse ─► feeds by host ─► poll (validators in keyed state) ─► entries
        ─► dedup by doc_id (keyed state, TTL timer; global window) ─► not already in DIR
        ─► WindowInto(fixed) ─► fetch pages by host ─► extract ─► classify ─► deals
        ─► Parquet per window: part-<run_id>-<window start>-<shard>.parquet

The DoFns are the batch graph's (``FetchFeedsFn``, ``SelectNewEntriesFn``, ``FetchPagesFn``,
the stages, the grouped Parquet writer); only the source, the dedup and the windowing differ.
Dedup runs before ``WindowInto`` because Beam state is per key *and window*. Not here (local
cycles only): the retry list of failed pages and the feed health file under DIR.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import apache_beam as beam
from apache_beam.coders import PickleCoder
from apache_beam.transforms.periodicsequence import PeriodicImpulse
from apache_beam.transforms.userstate import ReadModifyWriteStateSpec
from apache_beam.transforms.window import FixedWindows

from pipeline.feeds.fetch import ERRORS, OUTCOMES, SKIPS, FetchFeedsFn, FetchPagesFn
from pipeline.feeds.jobs import EntryJob, FeedJob, FeedRunSettings
from pipeline.feeds.source import SelectNewEntriesFn
from pipeline.feeds.state import FeedFetchOutcome
from pipeline.graph import PipelineOutputs, ProcessDocuments
from pipeline.http.politeness import host_key
from pipeline.output.writers import WriteDocGroupFn, WriteLogGroupFn, shard_of
from pipeline.stream.dedup import DedupEntries
from transforms.records import DocResult, ErrorRecord, Skip


@dataclass(frozen=True)
class StreamGraphConfig:
    run_id: str
    output: str
    feeds: FeedRunSettings
    start: float  # epoch seconds of the first poll
    stop: float | None  # polls happen in [start, stop); None: forever
    poll_interval: float
    ttl: timedelta
    window_seconds: float = 60.0
    num_shards: int = 4
    strip_sidebars: bool = True
    pipeline_version: str = ""


def window_tag(window) -> str:
    return window.start.to_utc_datetime(has_tz=True).strftime("%Y%m%dT%H%M%SZ")


def window_run_id(stream_run_id: str, window) -> str:
    """The run id of one window's files: the stream's id and the window start (UTC), e.g.
    ``<stream>-20261202T154500Z``. A pure function of the window, so every bundle and retry of
    a window names its files alike."""
    return f"{stream_run_id}-{window_tag(window)}"


def window_run_date(window) -> str:
    """The ``run_date`` partition of a window's errors/skips: the UTC date of its start."""
    return window.start.to_utc_datetime(has_tz=True).date().isoformat()


def feeds_by_host(_tick: Any, feeds: tuple) -> Iterator[tuple[str, tuple[FeedJob, ...]]]:
    """One poll: every enabled feed, grouped by host (the poll step is keyed by host)."""
    groups: dict[str, list[FeedJob]] = defaultdict(list)
    for spec in feeds:
        if spec.enabled:
            groups[host_key(spec.url)].append(FeedJob(spec))
    for host, jobs in sorted(groups.items()):
        yield host, tuple(jobs)


VALIDATORS_STATE = ReadModifyWriteStateSpec("validators", PickleCoder())
_VALIDATORS = beam.DoFn.StateParam(VALIDATORS_STATE)


class PollFeedsFn(FetchFeedsFn):
    """(host, [FeedJob]) -> what ``FetchFeedsFn`` yields, with ETag/Last-Modified kept in keyed state."""

    def process(self, element, validators=_VALIDATORS) -> Iterator:  # type: ignore[override]
        host, jobs = element
        known: dict[str, tuple[str | None, str | None]] = dict(validators.read() or {})
        with_validators = [FeedJob(job.spec, *known.get(job.spec.url, (None, None))) for job in jobs]
        for output in super().process((host, with_validators)):
            value = getattr(output, "value", None)
            if getattr(output, "tag", None) == OUTCOMES and isinstance(value, FeedFetchOutcome):
                if value.error is None and (value.etag or value.last_modified or not value.unchanged):
                    known[value.url] = (value.etag, value.last_modified)
            yield output
        validators.write(known)


def _as_group(job: EntryJob) -> tuple[str, list[EntryJob]]:
    return job.doc_id, [job]


def _by_host(job: EntryJob) -> tuple[str, EntryJob]:
    return host_key(job.url or job.feed_url), job


def _doc_shard(result: DocResult, shards: int) -> tuple[int, DocResult]:
    return shard_of(result.article.doc_id, shards), result


def _log_shard(record: ErrorRecord | Skip, shards: int) -> tuple[int, ErrorRecord | Skip]:
    return shard_of(record.source + str(record.doc_id), shards), record


class WriteWindowDocsFn(WriteDocGroupFn):
    """``WriteDocGroupFn`` per window: files named part-<run_id>-<window start>-<shard>.parquet.

    The window's run id is a local value (``window_run_id``): a DoFn instance serves many
    windows, possibly at once, so nothing per element is kept on ``self``.
    """

    def process(self, element: tuple[int, Iterable], window=beam.DoFn.WindowParam) -> Iterator:  # type: ignore[override]
        yield from self.write_group(element, window_run_id(self.run_id, window))


class WriteWindowLogFn(WriteLogGroupFn):
    """``WriteLogGroupFn`` per window: errors/skips partitioned by the window's date."""

    def __init__(self, output: str, run_id: str) -> None:
        super().__init__(output, run_id, "")

    def process(self, element: tuple[int, Iterable], window=beam.DoFn.WindowParam) -> Iterator:  # type: ignore[override]
        yield from self.write_group(element, window_run_id(self.run_id, window), window_run_date(window))


def build_stream_pipeline(p: beam.Pipeline, cfg: StreamGraphConfig) -> PipelineOutputs:
    from apache_beam.utils.timestamp import MAX_TIMESTAMP

    window = FixedWindows(cfg.window_seconds)
    ticks = p | "Poll" >> PeriodicImpulse(
        start_timestamp=cfg.start,
        stop_timestamp=cfg.stop if cfg.stop is not None else MAX_TIMESTAMP,
        fire_interval=cfg.poll_interval,
    )
    polled = (
        ticks
        | "FeedsByHost" >> beam.FlatMap(feeds_by_host, cfg.feeds.feeds).with_output_types(tuple[str, Any])
        | "FetchFeedDocs"
        >> beam.ParDo(PollFeedsFn(cfg.run_id, cfg.output, cfg.feeds)).with_outputs(
            ERRORS, SKIPS, OUTCOMES, main="entries"
        )
    )
    deduped = polled.entries | "DedupEntries" >> DedupEntries(cfg.run_id, cfg.ttl)
    selected = (
        deduped.entries
        | "AsGroups" >> beam.Map(_as_group)
        | "SelectNewEntries"
        >> beam.ParDo(SelectNewEntriesFn(cfg.output, cfg.run_id)).with_outputs(
            SKIPS, OUTCOMES, main="entries"
        )
    )
    pages = (
        selected.entries
        | "Window" >> beam.WindowInto(window)
        | "KeyEntriesByHost" >> beam.Map(_by_host)
        | "GroupEntriesByHost" >> beam.GroupByKey()
        | "FetchPages"
        >> beam.ParDo(FetchPagesFn(cfg.run_id, cfg.output, cfg.feeds)).with_outputs(
            ERRORS, SKIPS, OUTCOMES, main="docs"
        )
    )
    results = pages.docs | "ProcessDocuments" >> ProcessDocuments(
        cfg.output, cfg.run_id, cfg.strip_sidebars, None, cfg.pipeline_version
    )
    written = (
        results.results
        | "KeyByShard" >> beam.Map(_doc_shard, cfg.num_shards)
        | "GroupShards" >> beam.GroupByKey()
        | "WriteArticles"
        >> beam.ParDo(WriteWindowDocsFn(cfg.output, cfg.run_id)).with_outputs(SKIPS, main="paths")
    )
    # What happened before the windowing joins the window of its poll.
    poll_errors = polled.errors | "WindowPollErrors" >> beam.WindowInto(window)
    poll_skips = (
        (polled.skips, deduped.skips, selected.skips)
        | "PollSkips" >> beam.Flatten()
        | "WindowPollSkips" >> beam.WindowInto(window)
    )
    errors = (
        poll_errors,
        pages.errors,
        results.errors,
    ) | "AllErrors" >> beam.Flatten()
    skips = (poll_skips, pages.skips, results.skips, written.skips) | "AllSkips" >> beam.Flatten()
    logged = (
        (errors, skips)
        | "RunLog" >> beam.Flatten()
        | "KeyLogByShard" >> beam.Map(_log_shard, cfg.num_shards)
        | "GroupLogShards" >> beam.GroupByKey()
        | "WriteRunLog" >> beam.ParDo(WriteWindowLogFn(cfg.output, cfg.run_id))
    )
    paths = (written.paths, logged) | "CommittedFiles" >> beam.Flatten()
    return PipelineOutputs(results=results.results, errors=errors, skips=skips, written=paths)
