"""Feed state: validators, retries with a cap, health, atomic round trip."""

from __future__ import annotations

import json

from pipeline.feeds.state import (
    EntryOutcome,
    FeedFetchOutcome,
    FeedState,
    apply_entry_outcome,
    apply_feed_outcome,
    load_state,
    retry_entries,
    save_state,
    state_path,
)

FEED = "http://127.0.0.1:1/feed"


def fetched(**kw) -> FeedFetchOutcome:
    base = dict(url=FEED, name="F", fetched_at="2024-03-06T00:00:00+00:00", status=200, error=None)
    return FeedFetchOutcome(**{**base, **kw})


def test_validators_kept_across_a_304_and_failures_counted():
    state = FeedState()
    apply_feed_outcome(state, fetched(etag='"a"', last_modified="Wed, 06 Mar 2024", entries_seen=3))
    apply_feed_outcome(state, fetched(status=304, unchanged=True))
    health = state.feeds[FEED]
    assert (health.etag, health.entries_seen, health.consecutive_failures) == ('"a"', 3, 0)
    apply_feed_outcome(state, fetched(status=500, error="http_status: HTTP 500"))
    apply_feed_outcome(state, fetched(status=None, error="timeout: slow"))
    health = state.feeds[FEED]
    assert health.consecutive_failures == 2 and health.last_error == "timeout: slow"
    assert health.etag == '"a"' and health.last_success_at == "2024-03-06T00:00:00+00:00"


def test_transient_entry_failures_are_retried_until_the_cap():
    state = FeedState()
    apply_feed_outcome(state, fetched())
    outcome = EntryOutcome(
        url="http://e/1", feed_url=FEED, ok=False, new=False, transient=True, error="timeout"
    )
    assert apply_entry_outcome(state, outcome, max_attempts=3) is None
    assert apply_entry_outcome(state, outcome, max_attempts=3) is None
    assert [e.url for e in retry_entries(state)] == ["http://e/1"]
    assert state.failed_entries["http://e/1"].attempts == 2
    gave_up = apply_entry_outcome(state, outcome, max_attempts=3)
    assert gave_up and "3 attempts" in gave_up and retry_entries(state) == []


def test_success_or_permanent_failure_clears_a_retry_and_counts_new_entries():
    state = FeedState()
    apply_feed_outcome(state, fetched())
    apply_entry_outcome(state, EntryOutcome("http://e/1", FEED, ok=False, new=False, transient=True), 5)
    apply_entry_outcome(
        state, EntryOutcome("http://e/1", FEED, ok=True, new=True, published="2024-03-05T00:00:00+00:00"), 5
    )
    apply_entry_outcome(state, EntryOutcome("http://e/2", FEED, ok=False, new=False, transient=False), 5)
    assert state.failed_entries == {}
    health = state.feeds[FEED]
    assert health.new_entries == 1 and health.newest_entry_at == "2024-03-05T00:00:00+00:00"


def test_round_trip_is_atomic_and_tolerates_damage(tmp_path):
    out = str(tmp_path)
    state = FeedState()
    apply_feed_outcome(state, fetched(etag='"x"'))
    apply_entry_outcome(
        state, EntryOutcome("http://e/1", FEED, ok=False, new=False, transient=True, title="T"), 5
    )
    path = save_state(out, state, run_id="r1")
    assert path == state_path(out) and json.loads(open(path).read())["run_id"] == "r1"
    # no temp left; the undo record (what r1 replaced) waits for the next run
    assert sorted(p.name for p in (tmp_path / "_state").iterdir()) == ["feeds.json", "feeds.json.undo"]
    again = load_state(out)
    assert again.feeds[FEED].etag == '"x"' and again.failed_entries["http://e/1"].title == "T"
    (tmp_path / "_state" / "feeds.json").write_text("{not json")
    assert load_state(out).feeds == {}
    assert load_state(str(tmp_path / "nothing")).feeds == {}


def test_a_killed_run_takes_its_state_change_back_with_it(tmp_path):
    """Killed after its feed state, before its manifest: rolling the run back restores the state
    the run found (else the re-run sends the killed run's ETag, gets 304, and its rolled-back
    articles never come back)."""
    from pipeline.output.run_state import roll_back_killed

    out = str(tmp_path)
    first = FeedState()
    apply_feed_outcome(first, fetched(etag='"old"'))
    save_state(out, first, run_id="r1")
    (tmp_path / "_runs").mkdir()
    (tmp_path / "_runs" / "r1.json").write_text("{}")  # r1 finished
    second = load_state(out)
    apply_feed_outcome(second, fetched(etag='"new"'))
    save_state(out, second, run_id="r2")
    save_state(out, second, run_id="r2")  # a second save of the same run keeps the first undo
    (tmp_path / "_runs" / "r2.running").write_text("{}")  # r2 was killed before its manifest
    assert load_state(out).feeds[FEED].etag == '"new"'
    assert roll_back_killed(out) == ["r2"]
    assert load_state(out).feeds[FEED].etag == '"old"' and load_state(out).run_id == "r1"
    assert roll_back_killed(out) == []  # nothing left to undo


def test_rolling_back_the_first_run_removes_the_state_it_created(tmp_path):
    from pipeline.output.run_state import roll_back_killed

    out = str(tmp_path)
    state = FeedState()
    apply_feed_outcome(state, fetched(etag='"v"'))
    save_state(out, state, run_id="r1")
    (tmp_path / "_runs").mkdir()
    (tmp_path / "_runs" / "r1.running").write_text("{}")
    assert roll_back_killed(out) == ["r1"]
    assert not (tmp_path / "_state" / "feeds.json").exists()
