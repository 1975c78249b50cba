"""Recovery of a cycle left in flight, for each point a kill can hit (built as the kill leaves DIR).

The SIGKILL tests (test_stream_kill.py) reach two of these points through a real process; the
window between the Parquet commit and the feed-state save has no request or file to block on,
so it is built here: R's files present, the feed state still at its earlier stamp.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pipeline.feeds.state import FeedState, save_state
from pipeline.output.writers import write_parquet
from pipeline.stream.recovery import BACK, FORWARD, KEPT, NOTHING, begin_cycle, read_marker, recover
from pipeline.stream.seen_store import load_seen, pending_files, write_pending
from tests.unit.test_compact import article
from transforms.dedup import Candidate, judge
from transforms.records import Skip, to_row

NOW = datetime.now(UTC)
R = "S1-c00002"


def leave_cycle_in_flight(out, stamp_before: str | None) -> None:
    """DIR as a kill leaves it mid-commit: R's files written, R marked in progress, R's WAL."""
    if stamp_before:
        save_state(str(out), FeedState(), stamp_before)
    begin_cycle(str(out), "S1", R)
    for table, rows in (
        ("articles", [to_row(article(1)), to_row(article(2))]),
        ("skips", [to_row(Skip(R, "f", "duplicate", "x"))]),
    ):
        write_parquet(str(out / table / "d=1" / f"part-{R}-00000.parquet"), table, rows, R)
    write_parquet(
        str(out / "articles" / "d=1" / "part-S1-c00001-00000.parquet"),
        "articles",
        [to_row(article(0))],
        "S1-c00001",
    )
    seen = judge(None, Candidate("doc-0001", "f", "fp", None), NOW, timedelta(days=30), R).state
    write_pending(str(out), R, [seen])


def files(out) -> list[str]:
    return sorted(p.name for p in out.glob("*/*/*.parquet"))


def test_files_without_a_saved_feed_state_are_rolled_back(tmp_path):
    leave_cycle_in_flight(tmp_path, stamp_before="S1-c00001")
    result = recover(str(tmp_path), NOW)
    assert (result.action, result.run_id, result.files_removed) == (BACK, R, 2)
    assert files(tmp_path) == ["part-S1-c00001-00000.parquet"]  # the earlier cycle is untouched
    assert not pending_files(str(tmp_path), R) and load_seen(str(tmp_path), NOW) == {}
    assert read_marker(str(tmp_path))["in_progress"] is None
    assert recover(str(tmp_path), NOW).action == NOTHING  # idempotent


def test_first_cycle_without_any_feed_state_is_rolled_back(tmp_path):
    leave_cycle_in_flight(tmp_path, stamp_before=None)
    assert recover(str(tmp_path), NOW).action == BACK


def test_files_with_the_feed_state_stamped_are_kept_and_the_wal_merged(tmp_path):
    leave_cycle_in_flight(tmp_path, stamp_before="S1-c00001")
    save_state(str(tmp_path), FeedState(), R)  # the cycle got as far as its feed state
    result = recover(str(tmp_path), NOW)
    assert (result.action, result.entries_merged) == (FORWARD, 1)
    assert len(files(tmp_path)) == 3
    assert set(load_seen(str(tmp_path), NOW)) == {"doc-0001"}


def test_another_writer_in_between_keeps_the_files(tmp_path):
    leave_cycle_in_flight(tmp_path, stamp_before="S1-c00001")
    save_state(str(tmp_path), FeedState(), "batch-run")  # e.g. a `dealstream run` after the kill
    result = recover(str(tmp_path), NOW)
    assert result.action == KEPT and len(files(tmp_path)) == 3
    assert not pending_files(str(tmp_path), R)


def test_orphaned_temporary_files_and_compaction_leftovers_are_removed(tmp_path):
    partition = tmp_path / "articles" / "published_date=2025-01-01"
    partition.mkdir(parents=True)
    (partition / ".tmp-0123.parquet").write_bytes(b"half")
    (tmp_path / "_state").mkdir()
    (tmp_path / "_state" / "feeds.json.tmp-ab12cd34").write_text("{")
    (tmp_path / "_compact" / "compact-x").mkdir(parents=True)
    result = recover(str(tmp_path), NOW)
    assert result.action == NOTHING and result.orphans_removed == 3
    assert not list(partition.iterdir()) and not list((tmp_path / "_compact").iterdir())
