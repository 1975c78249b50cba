"""Beam wrappers of the stream's dedup rule (``transforms.dedup.judge``), one per face.

* ``FilterSeenEntries`` (local cycles): state is the store under DIR (``pipeline.stream.seen_store``),
  loaded once per worker; what the cycle saw goes to the write-ahead files.
* ``DedupEntriesFn`` (unbounded graph): state is Beam keyed state per ``doc_id`` with an
  event-time timer that clears it when the TTL runs out. It must run in the global window
  (before any ``WindowInto``): state is per key *and window*.

Both run on feed entries before any page is fetched, so a known entry costs no request.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import apache_beam as beam
from apache_beam.coders import PickleCoder
from apache_beam.metrics import Metrics
from apache_beam.transforms.timeutil import TimeDomain
from apache_beam.transforms.userstate import ReadModifyWriteStateSpec, TimerSpec, on_timer
from apache_beam.utils.timestamp import Timestamp

from pipeline.feeds.jobs import EntryJob
from pipeline.metrics import METRICS_NAMESPACE
from pipeline.stream.seen_store import load_seen, write_pending
from transforms.dedup import NEW, Candidate, fingerprint, judge
from transforms.outcomes import SKIPS
from transforms.records import Skip
from transforms.stream_records import SeenEntry

EXPIRED = "expired"

# Keyed state of DedupEntriesFn (module level: Beam finds them in the DoFn's signature).
SEEN_STATE = ReadModifyWriteStateSpec("seen", PickleCoder())
EXPIRY_TIMER = TimerSpec("expiry", TimeDomain.WATERMARK)
_SEEN = beam.DoFn.StateParam(SEEN_STATE)
_EXPIRY = beam.DoFn.TimerParam(EXPIRY_TIMER)


def candidate_of(job: EntryJob) -> Candidate:
    return Candidate(
        doc_id=job.doc_id,
        feed_url=job.feed_url,
        fingerprint=fingerprint(job.title, job.published, job.summary, job.content),
        published=job.published,
    )


def key_by_doc_id(job: EntryJob) -> tuple[str, EntryJob]:
    return job.doc_id, job


class SeenFilterFn(beam.DoFn):
    """EntryJob -> the new ones (main); duplicate, edited and stale -> Skip ('skips')."""

    def __init__(self, output: str, run_id: str, now: datetime, ttl: timedelta) -> None:
        self.output, self.run_id, self.now, self.ttl = output, run_id, now, ttl
        self.seen: dict[str, SeenEntry] = {}
        self.pending: dict[str, SeenEntry] = {}

    def setup(self) -> None:
        self.seen = load_seen(self.output, self.now)

    def start_bundle(self) -> None:
        self.pending = {}

    def process(self, job: EntryJob) -> Iterator:
        verdict = judge(self.seen.get(job.doc_id), candidate_of(job), self.now, self.ttl, self.run_id)
        if verdict.state is not None:
            self.pending.setdefault(job.doc_id, verdict.state)
        Metrics.counter(METRICS_NAMESPACE, f"stream_{verdict.outcome}").inc()
        if verdict.outcome == NEW:
            yield job
        else:
            yield beam.pvalue.TaggedOutput(
                SKIPS, Skip(self.run_id, job.feed_url, verdict.outcome, job.doc_id)
            )

    def finish_bundle(self) -> None:
        # Written before this bundle's entries reach the page fetch (a GroupByKey follows).
        if self.pending:
            write_pending(self.output, self.run_id, self.pending.values())
            self.pending = {}


class FilterSeenEntries(beam.PTransform):
    """EntryJob -> (new EntryJobs, Skips): the local stream's hook into ``FetchFeeds``."""

    def __init__(self, output: str, run_id: str, now: datetime, ttl: timedelta) -> None:
        super().__init__()
        self.fn = SeenFilterFn(output, run_id, now, ttl)

    def expand(self, entries):
        judged = entries | "Judge" >> beam.ParDo(self.fn).with_outputs(SKIPS, main="entries")
        return judged.entries, judged.skips


class DedupEntriesFn(beam.DoFn):
    """(doc_id, EntryJob) -> new EntryJob (main); Skip ('skips'); expired doc_ids ('expired').

    The poll time is the element's timestamp. The kept ``SeenEntry`` expires by an event-time
    timer at its ``expires_at``: after that, a dated entry that reappears is ``stale`` (the rule
    says so without the state), an undated one is new again.

    The timer clears the state only once its time has also passed on the wall clock. A streaming
    runner's watermark follows the poll ticks, so this changes nothing there; but the local
    FnApiRunner (a bounded run of this graph) moves the watermark to the end of time after each
    bundle of ticks, which would fire every timer between two polls and forget every entry.
    """

    def __init__(self, run_id: str, ttl: timedelta) -> None:
        self.run_id, self.ttl = run_id, ttl
        self.expired = Metrics.counter(METRICS_NAMESPACE, "stream_state_expired")
        self.early = Metrics.counter(METRICS_NAMESPACE, "stream_timer_ahead_of_clock")

    def process(
        self,
        element: tuple[str, EntryJob],
        timestamp=beam.DoFn.TimestampParam,
        seen=_SEEN,
        expiry=_EXPIRY,
    ) -> Iterator:
        _doc_id, job = element
        now = timestamp.to_utc_datetime(has_tz=True)
        verdict = judge(seen.read(), candidate_of(job), now, self.ttl, self.run_id)
        if verdict.state is not None:
            seen.write(verdict.state)
            expiry.set(Timestamp.from_utc_datetime(verdict.state.expires_at.astimezone(UTC)))
        Metrics.counter(METRICS_NAMESPACE, f"stream_{verdict.outcome}").inc()
        if verdict.outcome == NEW:
            yield job
        else:
            yield beam.pvalue.TaggedOutput(
                SKIPS, Skip(self.run_id, job.feed_url, verdict.outcome, job.doc_id)
            )

    @on_timer(EXPIRY_TIMER)
    def expire(self, key=beam.DoFn.KeyParam, seen=_SEEN) -> Iterator:
        state = seen.read()
        if state is not None and state.expires_at.timestamp() > time.time():
            self.early.inc()  # the watermark ran ahead of the clock (see the docstring): keep it
            return
        seen.clear()
        self.expired.inc()
        yield beam.pvalue.TaggedOutput(EXPIRED, key)


class DedupEntries(beam.PTransform):
    """EntryJob (global window) -> new EntryJobs ('entries'), Skips ('skips'), expired ids ('expired')."""

    def __init__(self, run_id: str, ttl: timedelta) -> None:
        super().__init__()
        self.run_id, self.ttl = run_id, ttl

    def expand(self, entries):
        return (
            entries
            | "KeyByDocId" >> beam.Map(key_by_doc_id).with_output_types(tuple[str, EntryJob])
            | "Judge"
            >> beam.ParDo(DedupEntriesFn(self.run_id, self.ttl)).with_outputs(SKIPS, EXPIRED, main="entries")
        )
