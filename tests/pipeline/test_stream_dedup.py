"""The stream's dedup rule (pure) and its keyed-state DoFn under TestStream.

TestStream runs on the BundleBasedDirectRunner in streaming mode (BEAM-NOTES): element
timestamps are the poll times, watermark advances fire the expiry timers.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import apache_beam as beam
import pytest
from apache_beam.options.pipeline_options import PipelineOptions, StandardOptions
from apache_beam.testing.test_pipeline import TestPipeline as BeamTestPipeline
from apache_beam.testing.test_stream import TestStream as BeamTestStream
from apache_beam.testing.util import assert_that, equal_to
from apache_beam.transforms.window import TimestampedValue

from pipeline.feeds.jobs import EntryJob
from pipeline.stream.dedup import DedupEntries
from transforms.dedup import (
    DUPLICATE,
    EDITED,
    NEW,
    STALE,
    Candidate,
    entry_time,
    fingerprint,
    judge,
    merge_states,
    parse_ttl,
)

T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
TTL = timedelta(days=30)


def cand(doc_id="d1", title="Title", published: datetime | None = T0, summary="s") -> Candidate:
    stamp = published.isoformat() if published else None
    return Candidate(doc_id, "http://127.0.0.1/feed", fingerprint(title, stamp, summary, None), stamp)


def test_first_sighting_is_new_then_duplicate_then_edited_once_per_change():
    first = judge(None, cand(), T0 + timedelta(hours=1), TTL, "r1")
    assert first.outcome == NEW and first.state.expires_at == T0 + TTL
    again = judge(first.state, cand(), T0 + timedelta(hours=2), TTL, "r2")
    assert again.outcome == DUPLICATE
    edited = judge(again.state, cand(title="Title (updated)"), T0 + timedelta(hours=3), TTL, "r3")
    assert edited.outcome == EDITED
    assert edited.state.first_fingerprint == first.state.first_fingerprint  # the first version stays
    assert edited.state.run_id == "r1"
    still = judge(edited.state, cand(title="Title (updated)"), T0 + timedelta(hours=4), TTL, "r4")
    assert still.outcome == DUPLICATE  # the same edit is recorded once
    back = judge(still.state, cand(), T0 + timedelta(hours=5), TTL, "r5")
    assert back.outcome == EDITED


def test_dated_entry_older_than_ttl_is_stale_with_or_without_expired_state():
    now = T0 + TTL + timedelta(seconds=1)
    assert judge(None, cand(), now, TTL, "r").outcome == STALE
    old = judge(None, cand(), T0, TTL, "r0").state
    verdict = judge(old, cand(), now, TTL, "r")  # the state has expired: the rule alone decides
    assert verdict.outcome == STALE and verdict.state is None
    assert judge(None, cand(), T0 + TTL - timedelta(seconds=1), TTL, "r").outcome == NEW


def test_undated_entry_lives_while_it_is_seen_and_is_new_again_after_a_ttl_unseen():
    first = judge(None, cand(published=None), T0, TTL, "r1").state
    assert not first.dated and first.expires_at == T0 + TTL
    seen_later = judge(first, cand(published=None), T0 + timedelta(days=20), TTL, "r2")
    assert seen_later.outcome == DUPLICATE and seen_later.state.expires_at == T0 + timedelta(days=50)
    gone = T0 + timedelta(days=51)
    assert judge(seen_later.state, cand(published=None), gone, TTL, "r3").outcome == NEW


def test_entry_time_clamps_future_dates_and_treats_garbage_as_undated():
    assert entry_time((T0 + timedelta(days=3)).isoformat(), T0) == (T0, True)
    assert entry_time("2025-02-01T00:00:00Z", T0) == (datetime(2025, 2, 1, tzinfo=UTC), True)
    assert entry_time("not a date", T0) == (T0, False)
    assert entry_time(None, T0) == (T0, False)


def test_fingerprint_ignores_whitespace_but_not_words():
    assert fingerprint("A  title", None, "x\n y", None) == fingerprint("A title", None, "x y", None)
    assert fingerprint("A title", None, "x y", None) != fingerprint("A title", None, "x z", None)


def test_merge_keeps_first_version_and_latest_sighting():
    a = judge(None, cand(), T0, TTL, "r1").state
    b = judge(a, cand(title="new"), T0 + timedelta(hours=1), TTL, "r2").state
    fresh = judge(None, cand(title="new"), T0 + timedelta(hours=1), TTL, "r2").state
    merged = merge_states(fresh, a)
    assert merged.first_fingerprint == a.first_fingerprint and merged.run_id == "r1"
    assert merged.last_fingerprint == b.last_fingerprint and merged.last_seen_at == b.last_seen_at


@pytest.mark.parametrize(
    "text,seconds", [("30d", 30 * 86400), ("12h", 43200), ("90m", 5400), ("45s", 45), ("3600", 3600)]
)
def test_parse_ttl(text, seconds):
    assert parse_ttl(text).total_seconds() == seconds


@pytest.mark.parametrize("text", ["", "0", "-3d", "soon", "3w"])
def test_parse_ttl_rejects(text):
    with pytest.raises(ValueError):
        parse_ttl(text)


# --- the keyed-state DoFn under TestStream ---------------------------------------------------

TTL_S = 1000  # seconds, small so the test's watermark can pass it


def job(key: str, title: str = "t", published: float | None = None) -> EntryJob:
    stamp = datetime.fromtimestamp(published, UTC).isoformat() if published is not None else None
    return EntryJob(
        doc_id=key,
        url=f"http://127.0.0.1/{key}",
        feed_url="http://127.0.0.1/feed",
        title=title,
        published=stamp,
    )


def at(value, ts: float):
    return TimestampedValue(value, ts)


class _Tag(beam.DoFn):
    def __init__(self, what: str) -> None:
        self.what = what

    def process(self, element, timestamp=beam.DoFn.TimestampParam):
        if self.what == "new":
            yield ("new", element.doc_id, element.title, int(timestamp))
        elif self.what == "skip":
            yield (element.reason, element.doc_id, int(timestamp))
        else:
            yield ("expired", element)


def test_dedup_doFn_on_test_stream_duplicates_edits_late_elements_and_expiry():
    stream = (
        BeamTestStream()
        .advance_watermark_to(0)
        # poll at t=100: A published at t=50, B undated, C published 2 TTLs ago
        .add_elements(
            [at(job("A", published=50), 100), at(job("B"), 100), at(job("C", published=-1900), 100)]
        )
        .add_elements([at(job("A", published=50), 110)])  # duplicate
        .add_elements([at(job("A", "t2", published=50), 120)])  # edited
        .add_elements([at(job("A", "t2", published=50), 130)])  # the same edit again: duplicate
        .advance_watermark_to(500)
        .add_elements([at(job("B"), 200)])  # late (behind the watermark), still deduplicated
        # A's state expires at 50 + TTL, B's at 200 + TTL (its last sighting)
        .advance_watermark_to(1300)
        .add_elements([at(job("A", published=50), 1400), at(job("B"), 1400)])
        .advance_watermark_to(2500)  # B's new state (1400 + TTL) expires too
        .advance_watermark_to_infinity()
    )
    options = PipelineOptions()
    options.view_as(StandardOptions).streaming = True
    with BeamTestPipeline(runner="BundleBasedDirectRunner", options=options) as p:
        out = p | stream | DedupEntries("r1", timedelta(seconds=TTL_S))
        new = out.entries | "TagNew" >> beam.ParDo(_Tag("new"))
        skips = out.skips | "TagSkips" >> beam.ParDo(_Tag("skip"))
        expired = out.expired | "TagExpired" >> beam.ParDo(_Tag("expired"))
        assert_that(
            new,
            equal_to([("new", "A", "t", 100), ("new", "B", "t", 100), ("new", "B", "t", 1400)]),
            label="new",
        )
        assert_that(
            skips,
            equal_to(
                [
                    (STALE, "C", 100),
                    (DUPLICATE, "A", 110),
                    (EDITED, "A", 120),
                    (DUPLICATE, "A", 130),
                    (DUPLICATE, "B", 200),
                    (STALE, "A", 1400),  # its state expired; dated and older than the TTL
                ]
            ),
            label="skips",
        )
        assert_that(
            expired, equal_to([("expired", "A"), ("expired", "B"), ("expired", "B")]), label="expired"
        )
