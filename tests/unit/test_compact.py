"""Compaction: fewer files, the same rows; readers never see a half state; leftovers are invisible."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from pipeline.output.compact import STAGING, compact_dir, compact_partition, main, partitions, visible_files
from pipeline.output.writers import write_parquet
from transforms.records import PARTITION_SCHEMAS, Article, to_row

DAY = "published_date=2025-03-01"


def article(i: int) -> Article:
    return Article(
        doc_id=f"doc-{i:04d}",
        run_id=f"run-{i % 7}",
        source_kind="feed",
        source="http://127.0.0.1/feed",
        url=f"http://127.0.0.1/a/{i}",
        title=f"Story {i}",
        text="Body " * 20,
        content_hash=f"h{i}",
        published_at=datetime(2025, 3, 1, 9, tzinfo=UTC),
        published_at_source="page",
        language="en",
        sitename=None,
        word_count=20,
        text_source="page",
        is_investment=i % 3 == 0,
        investment_score=0.5,
        ingested_at=datetime(2025, 3, 1, 10, tzinfo=UTC),
        pipeline_version="0.1.0",
    )


def make_partition(out: Path, files: int, per_file: int, day: str = DAY) -> list[str]:
    """``files`` small files as a stream writes them; returns the doc_ids in them."""
    ids = []
    for f in range(files):
        rows = [to_row(article(f * per_file + j)) for j in range(per_file)]
        ids += [r["doc_id"] for r in rows]
        write_parquet(
            str(out / "articles" / day / f"part-run{f:03d}-00000.parquet"), "articles", rows, f"run{f:03d}"
        )
    return ids


def read_doc_ids(out: Path) -> list[str]:
    con = duckdb.connect()
    rows = con.sql(
        f"SELECT doc_id FROM read_parquet('{out}/articles/*/*.parquet', hive_partitioning=true, "
        "hive_types={'published_date': DATE})"
    ).fetchall()
    return [r[0] for r in rows]


def test_compaction_keeps_every_row_once_in_fewer_files(tmp_path):
    ids = make_partition(tmp_path, files=12, per_file=5)
    make_partition(tmp_path, files=1, per_file=3, day="published_date=2025-03-02")  # one file: left alone
    before = pq.read_table(tmp_path / "articles" / DAY).sort_by("doc_id")
    done = compact_dir(str(tmp_path), tables=["articles"])
    assert [(d.partition, d.files_before, d.files_after, d.rows) for d in done] == [(DAY, 12, 1, 60)]
    files = visible_files(tmp_path / "articles" / DAY)
    assert len(files) == 1 and files[0].name.startswith("part-compact-")
    assert Counter(read_doc_ids(tmp_path)) == Counter(ids + [f"doc-{i:04d}" for i in range(3)])
    after = pq.read_table(tmp_path / "articles" / DAY).sort_by("doc_id")
    assert after.equals(before)  # every column of every row, unchanged
    # pyarrow with the pinned partition type reads it too
    dataset = ds.dataset(
        tmp_path / "articles",
        format="parquet",
        partitioning=ds.partitioning(PARTITION_SCHEMAS["articles"], flavor="hive"),
    )
    assert dataset.count_rows() == 63
    assert not any((tmp_path / STAGING).iterdir())


def test_big_files_are_kept_by_link_and_only_small_ones_merged(tmp_path):
    make_partition(tmp_path, files=4, per_file=50)
    partition = tmp_path / "articles" / DAY
    assert compact_partition(str(tmp_path), "articles", partition, target_bytes=10**9).files_after == 1
    (merged,) = visible_files(partition)
    inode, size = merged.stat().st_ino, merged.stat().st_size
    for f in range(3):
        write_parquet(
            str(partition / f"part-late{f}-00000.parquet"), "articles", [to_row(article(900 + f))], f"late{f}"
        )
    result = compact_partition(
        str(tmp_path), "articles", partition, target_bytes=size
    )  # merged counts as big
    assert (result.files_before, result.files_after, result.rows) == (4, 2, 3)
    assert merged.exists() and merged.stat().st_ino == inode  # kept as a link, not rewritten
    assert Counter(read_doc_ids(tmp_path)) == Counter(
        [f"doc-{i:04d}" for i in range(200)] + ["doc-0900", "doc-0901", "doc-0902"]
    )
    assert (
        compact_partition(str(tmp_path), "articles", partition, target_bytes=size) is None
    )  # one small file: nothing to do


def test_readers_never_see_a_half_compacted_partition(tmp_path):
    """A reader thread globbing the table while files are added and compacted: never a row twice,
    never fewer rows than were committed before the read began."""
    ids = make_partition(tmp_path, files=20, per_file=4)
    committed = [len(ids)]
    stop = threading.Event()
    reads: list[tuple[int, int, int]] = []  # (rows committed before, rows read, distinct doc_ids)
    failures: list[str] = []

    def reader():
        while not stop.is_set():
            before = committed[0]
            try:
                doc_ids = read_doc_ids(tmp_path)
            except (duckdb.IOException, duckdb.InvalidInputException) as err:
                failures.append(type(err).__name__)  # a file went away under a listing: retry-able
                continue
            reads.append((before, len(doc_ids), len(set(doc_ids))))

    thread = threading.Thread(target=reader)
    thread.start()
    partition = tmp_path / "articles" / DAY
    try:
        round_ = 0
        # Keep adding and compacting until the reader has looked often enough: a loaded machine
        # gives the reader thread fewer turns per round, and a count of rounds would make this flaky.
        while round_ < 12 or (len(reads) < 10 and round_ < 400):
            for f in range(3):
                number = 1000 + round_ * 3 + f
                write_parquet(
                    str(partition / f"part-new{number}-00000.parquet"),
                    "articles",
                    [to_row(article(number))],
                    "new",
                )
                committed[0] += 1
            compact_partition(str(tmp_path), "articles", partition, target_bytes=10**9)
            round_ += 1
    finally:
        stop.set()
        thread.join(timeout=30)
    assert len(reads) >= 10, (len(reads), failures)
    assert all(rows == distinct for _, rows, distinct in reads), "a reader saw a row twice"
    assert all(rows >= before for before, rows, _ in reads), "a reader missed committed rows"
    assert Counter(read_doc_ids(tmp_path)) == Counter(ids + [f"doc-{1000 + i:04d}" for i in range(3 * round_)])
    assert len(visible_files(partition)) == 1


def test_interrupted_compaction_leaves_nothing_visible_and_is_cleaned(tmp_path):
    ids = make_partition(tmp_path, files=5, per_file=2)
    leftover = tmp_path / STAGING / "compact-19990101T000000Z-abcdef"
    leftover.mkdir(parents=True)
    write_parquet(
        str(leftover / "part-compact-x-00000.parquet"),
        "articles",
        [to_row(article(i)) for i in range(10)],
        "x",
    )
    assert Counter(read_doc_ids(tmp_path)) == Counter(ids)  # the staging dir is not under the table
    compact_dir(str(tmp_path))
    assert not leftover.exists()
    assert Counter(read_doc_ids(tmp_path)) == Counter(ids)


def test_cli_compacts_one_table_and_partition_and_respects_the_lock(tmp_path, capsys):
    make_partition(tmp_path, files=3, per_file=2)
    other = "published_date=2025-03-09"
    make_partition(tmp_path, files=3, per_file=2, day=other)
    assert main([str(tmp_path), "--table", "articles", "--partition", "2025-03-01"]) == 0
    assert "articles/published_date=2025-03-01: 3 files -> 1 (6 rows)" in capsys.readouterr().out
    counts = {p.name: len(visible_files(p)) for p in partitions(str(tmp_path), "articles")}
    assert counts == {DAY: 1, other: 3}
    assert main([str(tmp_path / "missing")]) == 2


@pytest.fixture
def other_process_lock(tmp_path):
    """DIR locked by another process (the compact CLI must refuse it)."""
    from tests.e2e.test_dir_lock import spawn_holder

    go, done = tmp_path / "go", tmp_path / "done"
    go.touch()
    holder = spawn_holder(tmp_path, go, done)
    assert holder.stdout.readline().strip() == "won"
    yield holder
    done.touch()
    holder.wait(timeout=10)


def test_cli_refuses_a_locked_dir(tmp_path, other_process_lock, capsys):
    make_partition(tmp_path, files=3, per_file=2)
    assert main([str(tmp_path)]) == 1
    assert f"pid {other_process_lock.pid}" in capsys.readouterr().err
    assert len(visible_files(tmp_path / "articles" / DAY)) == 3
