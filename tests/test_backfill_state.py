"""The side index files and the backfill manifest (no pipeline: their own contracts)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow.dataset as ds
import pytest

from pipeline import backfill_manifest as bm
from pipeline.warc_index import (
    crawl_partition,
    host_of,
    index_file_path,
    index_row,
    read_index,
    write_index_file,
)
from transforms.records import NULL_PARTITION, WARC_INDEX_SCHEMA, WarcIndexRow, WarcPointer, field_names

T0 = datetime(2024, 5, 1, 12, tzinfo=UTC)


def pointer(offset: int, when: datetime | None = T0, url: str = "https://News.Test/a") -> WarcPointer:
    return WarcPointer(
        warc_file="/data/a.warc.gz",
        warc_offset=offset,
        warc_length=100,
        framing="member",
        record_index=offset // 100,
        record_type="response",
        warc_date=when,
        url=url,
        http_status=200,
        content_type="text/html; charset=latin-1",
    )


def test_index_schema_matches_its_record() -> None:
    assert WARC_INDEX_SCHEMA.names == field_names(WarcIndexRow)


def test_host_of() -> None:
    assert host_of("https://News.Test:8080/a?b") == "news.test"
    assert host_of("dns:www.example.com") is None
    assert host_of(None) is None
    assert host_of("http://[::1") is None  # invalid IPv6 literal: no crash


def test_index_round_trip_latest_row_wins_and_filters(tmp_path: Path) -> None:
    out = str(tmp_path)
    later = T0 + timedelta(days=3)
    first = [
        index_row(pointer(0), run_id="r1", indexed_at=T0, outcome="article", is_investment=True, doc_id="d0"),
        index_row(
            pointer(100), run_id="r1", indexed_at=T0, outcome="article", is_investment=False, doc_id="d1"
        ),
        index_row(pointer(200, when=None), run_id="r1", indexed_at=T0, outcome="skipped", reason="prefilter"),
    ]
    # a reprocess run reclassifies record 100 as an investment
    second = [
        index_row(
            pointer(100), run_id="r2", indexed_at=later, outcome="article", is_investment=True, doc_id="d1"
        )
    ]
    for run_id, rows in (("r1", first), ("r2", second)):
        by_part: dict[str, list[WarcIndexRow]] = {}
        for row in rows:
            by_part.setdefault(crawl_partition(row.warc_date), []).append(row)
        for part, part_rows in by_part.items():
            write_index_file(index_file_path(out, part, run_id, 0), part_rows, run_id)
    assert (tmp_path / "warc_index" / f"crawl_date={NULL_PARTITION}").is_dir()
    everything = read_index(f"{out}/warc_index")
    assert [p.warc_offset for p in everything] == [0, 100, 200]
    assert everything[0].content_type == "text/html; charset=latin-1" and everything[0].framing == "member"
    investments = read_index(f"{out}/warc_index", only_investments=True)
    assert [p.warc_offset for p in investments] == [0, 100]
    assert read_index(f"{out}/warc_index", date_from=T0 + timedelta(days=1)) == [
        everything[2]
    ]  # undated kept
    # readable as a hive dataset with the partition pinned
    table = ds.dataset(
        f"{out}/warc_index",
        format="parquet",
        partitioning=ds.partitioning(flavor="hive", schema=bm_part_schema()),
    ).to_table()
    assert table.num_rows == 4


def bm_part_schema():
    import pyarrow as pa

    return pa.schema([("crawl_date", pa.date32())])


def test_manifest_lifecycle_and_rollback(tmp_path: Path) -> None:
    out = str(tmp_path)
    a, b, c = (bm.Archive(f"/data/{n}.warc.gz", 10 + i) for i, n in enumerate("abc"))
    assert bm.load(out).pending([a, b, c]) == [a, b, c]
    bm.start_run(out, "run1", [a, b])
    bm.complete_run(out, "run1")
    manifest = bm.load(out)
    assert manifest.pending([a, b, c]) == [c]
    assert manifest.pending([bm.Archive(a.path, 999)]) == [bm.Archive(a.path, 999)]  # grown file: redo
    # run2 is killed after committing some files
    bm.start_run(out, "run2", [c])
    for rel in (
        "articles/published_date=2024-05-01/part-run2-00000.parquet",
        "warc_index/crawl_date=2024-05-01/part-run2-00003.parquet",
    ):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(b"x")
    keep = tmp_path / "articles/published_date=2024-05-01/part-run1-00000.parquet"
    keep.write_bytes(b"y")
    assert bm.roll_back_unfinished(out) == ["run2"]
    assert sorted(p.name for p in tmp_path.rglob("part-*.parquet")) == ["part-run1-00000.parquet"]
    manifest = bm.load(out)
    assert manifest.in_progress == {} and manifest.pending([a, b, c]) == [c]
    assert bm.roll_back_unfinished(out) == []
    data = json.loads((tmp_path / "_backfill" / "manifest.json").read_text())
    assert data["version"] == bm.MANIFEST_VERSION and set(data["completed"]) == {a.path, b.path}
    assert not list((tmp_path / "_backfill").glob(".tmp-*"))  # atomic writes leave no temp files


def test_complete_requires_a_started_run(tmp_path: Path) -> None:
    with pytest.raises(KeyError):
        bm.complete_run(str(tmp_path), "never-started")


def test_batches_are_bounded_and_stable() -> None:
    archives = [bm.Archive(f"/d/{i:02d}.warc.gz", 1) for i in (3, 1, 2, 0, 4)]
    assert [[a.path[-10:-8] for a in b] for b in bm.batches(archives, 2)] == [
        ["00", "01"],
        ["02", "03"],
        ["04"],
    ]
    assert len(bm.batches(archives, 0)) == 1
    assert bm.batches([], 3) == []
