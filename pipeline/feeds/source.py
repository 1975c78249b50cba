"""``FetchFeeds``: the feed source. Listed feeds -> their new entries' pages as RawDocuments.

    feeds ─► key by host ─► fetch+parse feeds ─► entries ─┬─► one per doc_id, new to DIR only
    retry list (state) ──────────────────────────────────┘        │
                                 RawDocument ◄─ fetch pages ◄─ key by host

It plays the same role as ``ReadSeeds``: RawDocuments on the main output, ErrorRecords and
Skips beside them, and ``inputs_read`` counted where entries are read. ``outcomes`` feeds
``WriteFeedState``, which the graph runs after the output files are committed, so validators
are only advanced once the articles they vouch for are safely written.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from typing import NamedTuple

import apache_beam as beam
import pyarrow.parquet as pq
from apache_beam.io.filesystems import FileSystems
from apache_beam.metrics import Metrics
from apache_beam.metrics.metric import MetricsFilter

from pipeline.accounting.manifest import NON_TERMINAL_STAGES
from pipeline.feeds.fetch import (
    ERRORS,
    FEED_INPUTS_NAMESPACE,
    OUTCOMES,
    SKIPS,
    FetchFeedsFn,
    FetchPagesFn,
)
from pipeline.feeds.jobs import EntryJob, FeedJob, FeedRunSettings, retry_job
from pipeline.feeds.state import (
    EntryOutcome,
    FeedFetchOutcome,
    apply_entry_outcome,
    apply_feed_outcome,
    load_state,
    retry_entries,
    save_state,
)
from pipeline.http.politeness import host_key
from pipeline.metrics import METRICS_NAMESPACE
from pipeline.output.known_docs import existing_doc_ids
from transforms.records import Skip

LOG = logging.getLogger(__name__)


class FeedOutputs(NamedTuple):
    docs: beam.PCollection  # RawDocument
    errors: beam.PCollection  # ErrorRecord
    skips: beam.PCollection  # Skip
    outcomes: beam.PCollection  # FeedFetchOutcome | EntryOutcome


def plan_jobs(
    settings: FeedRunSettings, output: str, reprocess: bool = False
) -> tuple[list[FeedJob], list[EntryJob]]:
    """Feed jobs with their stored validators, and the entries due for a retry.

    ``reprocess``: no validators, so a feed answers with its entries rather than 304.
    """
    state = load_state(output)
    jobs, specs = [], {}
    for spec in settings.feeds:
        if not spec.enabled:
            continue
        specs[spec.url] = spec
        health = None if reprocess else state.feeds.get(spec.url)
        jobs.append(FeedJob(spec, health.etag if health else None, health.last_modified if health else None))
    retries = [
        retry_job(failed, specs.get(failed.feed_url), settings.feed_content_min_words)
        for failed in retry_entries(state, set(specs))
    ]
    return jobs, retries


def _by_host_of_feed(job: FeedJob) -> tuple[str, FeedJob]:
    return host_key(job.spec.url), job


def _by_host_of_entry(job: EntryJob) -> tuple[str, EntryJob]:
    return host_key(job.url or job.feed_url), job


def _by_doc_id(job: EntryJob) -> tuple[str, EntryJob]:
    return job.doc_id, job


class CountRetriesFn(beam.DoFn):
    """Entries from the retry list are inputs of this run too: count them where they enter."""

    def __init__(self) -> None:
        self.inputs = Metrics.counter(METRICS_NAMESPACE, "inputs_read")
        self.retried = Metrics.counter(METRICS_NAMESPACE, "feed_entries_retried")

    def process(self, job: EntryJob) -> Iterator[EntryJob]:
        self.inputs.inc()
        self.retried.inc()
        Metrics.counter(FEED_INPUTS_NAMESPACE, job.feed_url).inc()
        yield job


class SelectNewEntriesFn(beam.DoFn):
    """(doc_id, [EntryJob]) -> the one EntryJob worth fetching, or Skips with reasons.

    The same URL from two feeds (or from a feed and the retry list) is fetched once; a doc_id
    already in DIR is a ``duplicate`` and a URL given up on earlier is ``previously_failed``
    (no request is sent for either, so a scheduled run only does new work).
    """

    def __init__(self, output: str, run_id: str, reprocess: bool = False) -> None:
        self.output = output
        self.run_id = run_id
        self.reprocess = reprocess  # --reprocess: doc_ids DIR has are fetched again
        self.known: frozenset[str] = frozenset()
        self.given_up: frozenset[str] = frozenset()
        self.duplicates = Metrics.counter(METRICS_NAMESPACE, "duplicates_skipped")

    def setup(self) -> None:
        self.known = frozenset() if self.reprocess else existing_doc_ids(self.output)
        self.given_up = frozenset(load_state(self.output).given_up)

    def process(self, element: tuple[str, Iterable[EntryJob]]) -> Iterator:
        doc_id, jobs = element
        # Prefer the copy from this run's feed (fresh metadata), then a stable feed order.
        ordered = sorted(jobs, key=lambda j: (j.retry, j.feed_url))
        chosen = ordered[0]
        attempts = max(j.attempts for j in ordered)
        for extra in ordered[1:]:
            self.duplicates.inc()
            yield beam.pvalue.TaggedOutput(SKIPS, Skip(self.run_id, extra.feed_url, "duplicate", doc_id))
        if doc_id in self.known:
            self.duplicates.inc()
            yield beam.pvalue.TaggedOutput(SKIPS, Skip(self.run_id, chosen.feed_url, "duplicate", doc_id))
            yield beam.pvalue.TaggedOutput(
                OUTCOMES, EntryOutcome(url=chosen.url or doc_id, feed_url=chosen.feed_url, ok=True, new=False)
            )
            return
        if chosen.url in self.given_up and not chosen.retry:
            yield beam.pvalue.TaggedOutput(
                SKIPS, Skip(self.run_id, chosen.feed_url, "previously_failed", doc_id)
            )
            return
        if attempts != chosen.attempts:
            chosen = EntryJob(**{**chosen.__dict__, "attempts": attempts})
        yield chosen


class FetchFeeds(beam.PTransform):
    """Feed list -> RawDocument ('docs'), ErrorRecord ('errors'), Skip ('skips') and
    FeedFetchOutcome/EntryOutcome ('outcomes', for ``WriteFeedState``).

    Feeds and pages are each fetched inside a step keyed by host, so per-host politeness
    holds however many workers run. ``entry_filter`` (optional) sees the feeds' entries before
    they are selected and fetched: a PTransform EntryJob -> (EntryJobs kept, Skips); the local
    stream's dedup (``pipeline.stream.dedup.FilterSeenEntries``) plugs in here.
    """

    def __init__(
        self,
        settings: FeedRunSettings,
        run_id: str,
        output: str,
        entry_filter: beam.PTransform | None = None,
        reprocess: bool = False,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.run_id = run_id
        self.output = output
        self.entry_filter = entry_filter
        self.reprocess = reprocess

    def expand(self, pbegin) -> FeedOutputs:
        jobs, retries = plan_jobs(self.settings, self.output, self.reprocess)
        feeds = (
            pbegin
            | "ListFeeds" >> beam.Create(jobs)
            | "KeyFeedsByHost" >> beam.Map(_by_host_of_feed)
            | "GroupFeedsByHost" >> beam.GroupByKey()
            | "FetchFeedDocs"
            >> beam.ParDo(FetchFeedsFn(self.run_id, self.output, self.settings)).with_outputs(
                ERRORS, SKIPS, OUTCOMES, main="entries"
            )
        )
        retried = (
            pbegin | "ListRetries" >> beam.Create(retries) | "CountRetries" >> beam.ParDo(CountRetriesFn())
        )
        entries, filter_skips = feeds.entries, []
        if self.entry_filter is not None:
            entries, skipped = feeds.entries | "FilterEntries" >> self.entry_filter
            filter_skips.append(skipped)
        selected = (
            (entries, retried)
            | "AllEntries" >> beam.Flatten()
            | "KeyEntriesByDocId" >> beam.Map(_by_doc_id)
            | "GroupEntriesByDocId" >> beam.GroupByKey()
            | "SelectNewEntries"
            >> beam.ParDo(SelectNewEntriesFn(self.output, self.run_id, self.reprocess)).with_outputs(
                SKIPS, OUTCOMES, main="entries"
            )
        )
        pages = (
            selected.entries
            | "KeyEntriesByHost" >> beam.Map(_by_host_of_entry)
            | "GroupEntriesByHost" >> beam.GroupByKey()
            | "FetchPages"
            >> beam.ParDo(FetchPagesFn(self.run_id, self.output, self.settings)).with_outputs(
                ERRORS, SKIPS, OUTCOMES, main="docs"
            )
        )
        errors = (feeds.errors, pages.errors) | "FeedErrors" >> beam.Flatten()
        skips = (feeds.skips, *filter_skips, selected.skips, pages.skips) | "FeedSkips" >> beam.Flatten()
        outcomes = (feeds.outcomes, selected.outcomes, pages.outcomes) | "FeedOutcomes" >> beam.Flatten()
        return FeedOutputs(pages.docs, errors, skips, outcomes)


class WriteFeedStateFn(beam.DoFn):
    """[outcomes] -> the state file path (validators, retries, health); runs once per run."""

    def __init__(self, output: str, run_id: str, max_entry_attempts: int) -> None:
        self.output = output
        self.run_id = run_id
        self.max_entry_attempts = max_entry_attempts

    def process(self, outcomes: list, committed: list | None = None) -> Iterator[str]:
        state = load_state(self.output)
        for outcome in outcomes:
            if isinstance(outcome, FeedFetchOutcome):
                apply_feed_outcome(state, outcome)
        for outcome in outcomes:
            if isinstance(outcome, EntryOutcome):
                gave_up = apply_entry_outcome(state, outcome, self.max_entry_attempts)
                if gave_up:
                    LOG.warning("entry %s: %s", outcome.url, gave_up)
        yield save_state(self.output, state, self.run_id)


class WriteFeedState(beam.PTransform):
    """Outcomes -> state file, written after ``after`` (the committed files) is complete."""

    def __init__(
        self, output: str, run_id: str, max_entry_attempts: int, after: beam.PCollection | None = None
    ):
        super().__init__()
        self.output, self.run_id, self.max_entry_attempts, self.after = (
            output,
            run_id,
            max_entry_attempts,
            after,
        )

    def expand(self, outcomes):
        gathered = outcomes | "GatherOutcomes" >> beam.combiners.ToList()
        fn = WriteFeedStateFn(self.output, self.run_id, self.max_entry_attempts)
        if self.after is None:
            return gathered | "SaveState" >> beam.ParDo(fn)
        return gathered | "SaveState" >> beam.ParDo(fn, committed=beam.pvalue.AsList(self.after))


# --- run report (used by the CLI for the manifest and the exit status) ----------------------


def _counters(result, namespace: str) -> dict[str, int]:
    query = result.metrics().query(MetricsFilter().with_namespace(namespace))["counters"]
    totals: dict[str, int] = defaultdict(int)
    for counter in query:
        value = counter.committed if counter.committed is not None else counter.attempted
        totals[counter.key.metric.name] += value or 0
    return dict(totals)


def _rows(output: str, relative: str, columns: list[str]) -> list[dict]:
    with FileSystems.open(FileSystems.join(output, relative)) as handle:
        return pq.read_table(handle, columns=columns).to_pylist()


def feed_report(result, output: str, files: list[str]) -> dict:
    """Per-feed reconciliation: inputs counted where read vs. outcomes found in this run's files."""
    inputs = _counters(result, FEED_INPUTS_NAMESPACE)
    totals = _counters(result, METRICS_NAMESPACE)
    outcomes: dict[str, Counter] = defaultdict(Counter)
    for relative in files:
        table = relative.split("/", 1)[0]
        if table == "articles":
            for row in _rows(output, relative, ["source", "source_kind"]):
                if row["source_kind"] == "feed":
                    outcomes[row["source"]]["articles"] += 1
        elif table == "errors":
            for row in _rows(output, relative, ["source", "stage"]):
                if row["source"] in inputs and row["stage"] not in NON_TERMINAL_STAGES:
                    outcomes[row["source"]]["errors"] += 1
        elif table == "skips":
            for row in _rows(output, relative, ["source"]):
                if row["source"] in inputs:
                    outcomes[row["source"]]["skipped"] += 1
    per_feed = {}
    for url in sorted(set(inputs) | set(outcomes)):
        counts = outcomes[url]
        total = counts["articles"] + counts["errors"] + counts["skipped"]
        per_feed[url] = {
            "inputs": inputs.get(url, 0),
            "articles": counts["articles"],
            "errors": counts["errors"],
            "skipped": counts["skipped"],
            "reconciled": inputs.get(url, 0) == total,
        }
    feeds_read = totals.get("feeds_read", 0)
    return {
        "feeds_read": feeds_read,
        "feeds_failed": totals.get("feeds_failed", 0),
        "feeds_unchanged": totals.get("feeds_unchanged", 0),
        "feeds_ill_formed": totals.get("feeds_ill_formed", 0),
        "entries_read": totals.get("feed_entries_read", 0),
        "entries_retried": totals.get("feed_entries_retried", 0),
        "pages_fetched": totals.get("pages_fetched", 0),
        "pages_failed": totals.get("pages_failed", 0),
        "feed_content_fallbacks": totals.get("feed_content_fallbacks", 0),
        "all_feeds_failed": feeds_read > 0 and totals.get("feeds_failed", 0) == feeds_read,
        "per_feed": per_feed,
    }
