"""Graph assembly: the pipeline reads like the diagram in DESIGN.md.

    sources -> drop known docs -> extract text -> classify -> extract deals -> Parquet
                                                                        \\-> errors/skips log
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

import apache_beam as beam

from pipeline import __version__
from pipeline.archives.index_writer import WriteWarcIndex
from pipeline.archives.source import ReadWarc, WarcInput
from pipeline.feeds.jobs import FeedRunSettings
from pipeline.feeds.source import FetchFeeds, WriteFeedState
from pipeline.output.known_docs import DropKnownDocs
from pipeline.output.writers import WriteArticles, WriteRunLog
from pipeline.seed_files import ReadSeeds
from transforms.records import InputRef
from transforms.stages import ClassifyArticles, ExtractArticles, ExtractDeals
from transforms.text.bounded import DEFAULT_MAX_DOC_SECONDS


@dataclass(frozen=True)
class RunConfig:
    """Validated settings of one run (built by the CLI from the options)."""

    run_id: str
    output: str
    started_at: datetime
    seed_refs: list[InputRef] = field(default_factory=list)
    max_doc_bytes: int = 5 * 1024 * 1024
    max_doc_seconds: float = DEFAULT_MAX_DOC_SECONDS
    num_shards: int = 4
    strip_sidebars: bool = True
    reprocess: bool = False  # --reprocess: known doc_ids go through and replace their older rows
    pipeline_version: str = __version__
    feeds: FeedRunSettings | None = None
    warc: WarcInput | None = None

    @property
    def run_date(self) -> str:
        return self.started_at.date().isoformat()


class PipelineOutputs(NamedTuple):
    """The graph's PCollections, returned so tests can assert on them."""

    results: beam.PCollection  # DocResult
    errors: beam.PCollection  # ErrorRecord
    skips: beam.PCollection  # Skip
    written: beam.PCollection  # paths of committed files


def read_sources(
    p: beam.Pipeline,
    config: RunConfig,
    feed_outcomes: list | None = None,
    warc_events: list | None = None,
    entry_filter: beam.PTransform | None = None,
) -> tuple[beam.PCollection, list, list]:
    """Every configured source -> (raw documents, [error pcolls], [skip pcolls]).

    ``feed_outcomes`` collects the feed source's outcomes for the state write at the end;
    ``warc_events`` the archive records read, for the side index; ``entry_filter`` is passed to
    ``FetchFeeds`` (the local stream's dedup).
    """
    docs, errors, skips = [], [], []
    if config.seed_refs:
        seeds = p | "ReadSeeds" >> ReadSeeds(config.seed_refs, config.run_id, config.max_doc_bytes)
        docs.append(seeds.docs)
        errors.append(seeds.errors)
    if config.feeds:
        feeds = p | "FetchFeeds" >> FetchFeeds(
            config.feeds, config.run_id, config.output, entry_filter, reprocess=config.reprocess
        )
        docs.append(feeds.docs)
        errors.append(feeds.errors)
        skips.append(feeds.skips)
        if feed_outcomes is not None:
            feed_outcomes.append(feeds.outcomes)
    if config.warc is not None:
        warc = p | "ReadWarc" >> ReadWarc(
            config.run_id, config.warc.settings, config.max_doc_bytes, config.warc.archives, config.warc.items
        )
        docs.append(warc.docs)
        errors.append(warc.errors)
        skips.append(warc.skips)
        if warc_events is not None:
            warc_events.append(warc.index)
    if not docs:
        docs.append(p | "NoInput" >> beam.Create([]))
    merged = docs[0] if len(docs) == 1 else tuple(docs) | "AllDocs" >> beam.Flatten()
    return merged, errors, skips


class ProcessedDocs(NamedTuple):
    results: beam.PCollection  # DocResult: the article with its deals
    errors: beam.PCollection  # ErrorRecord from extraction, classification and deals
    skips: beam.PCollection  # Skip: documents already in DIR


class ProcessDocuments(beam.PTransform):
    """RawDocument -> DocResult: drop known docs, extract text, classify, extract deals.

    The one middle of every graph (batch run, stream cycle, unbounded stream), so the modes
    cannot drift apart. Its inner step labels (``ProcessDocuments/ExtractArticles``...) are part of
    what a Dataflow ``--update`` matches (docs/streaming.md).
    """

    def __init__(self, output: str, run_id: str, strip_sidebars: bool, started_at: datetime | None,
                 pipeline_version: str, reprocess: bool = False,
                 max_doc_seconds: float = DEFAULT_MAX_DOC_SECONDS) -> None:
        super().__init__()
        self.max_doc_seconds = max_doc_seconds
        self.output, self.run_id, self.strip_sidebars = output, run_id, strip_sidebars
        self.started_at, self.pipeline_version, self.reprocess = started_at, pipeline_version, reprocess

    def expand(self, docs: beam.PCollection) -> ProcessedDocs:
        new = docs | "DropKnownDocs" >> DropKnownDocs(self.output, self.run_id, self.reprocess)
        texts = new.docs | "ExtractArticles" >> ExtractArticles(self.run_id, self.strip_sidebars, self.max_doc_seconds)
        articles = texts.texts | "ClassifyArticles" >> ClassifyArticles(
            self.run_id, self.started_at, self.pipeline_version
        )
        deals = articles.articles | "ExtractDeals" >> ExtractDeals(self.run_id)
        errors = (texts.errors, articles.errors, deals.errors) | "Errors" >> beam.Flatten()
        return ProcessedDocs(results=deals.results, errors=errors, skips=new.skips)


def build_pipeline(
    p: beam.Pipeline, config: RunConfig, entry_filter: beam.PTransform | None = None
) -> PipelineOutputs:
    feed_outcomes: list = []
    warc_events: list = []
    docs, errors, skips = read_sources(p, config, feed_outcomes, warc_events, entry_filter)
    reprocess = config.reprocess or (config.warc is not None and config.warc.settings.reprocess)
    results = docs | "ProcessDocuments" >> ProcessDocuments(
        config.output, config.run_id, config.strip_sidebars, config.started_at, config.pipeline_version, reprocess,
        config.max_doc_seconds,
    )
    written = results.results | "WriteArticles" >> WriteArticles(config.output, config.run_id, config.num_shards)

    all_errors = (*errors, results.errors) | "AllErrors" >> beam.Flatten()
    all_skips = (*skips, results.skips, written.skips) | "AllSkips" >> beam.Flatten()
    logged = (all_errors, all_skips) | "RunLog" >> beam.Flatten() | "WriteRunLog" >> WriteRunLog(
        config.output, config.run_id, config.run_date, config.num_shards
    )
    committed = [written.paths, logged]
    for events in warc_events:  # one row per archive record read, joined with its outcome
        committed.append(
            (events, results.results, all_errors, all_skips)
            | "WriteWarcIndex" >> WriteWarcIndex(config.output, config.run_id, config.started_at, config.num_shards)
        )
    paths = tuple(committed) | "CommittedFiles" >> beam.Flatten()
    for outcomes in feed_outcomes:  # validators advance only once the output is committed
        _ = outcomes | "WriteFeedState" >> WriteFeedState(
            config.output, config.run_id, config.feeds.max_entry_attempts, after=paths
        )
    return PipelineOutputs(results=results.results, errors=all_errors, skips=all_skips, written=paths)
