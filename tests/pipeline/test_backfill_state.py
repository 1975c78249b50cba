"""The side index files and the backfill manifest (no pipeline: their own contracts)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from pipeline.archives import manifest as bm
from pipeline.archives.index import (
    crawl_partition,
    host_of,
    index_file_path,
    index_row,
    read_index,
    write_index_file,
)
from transforms.archive_records import WARC_INDEX_SCHEMA, WarcIndexRow, WarcPointer
from transforms.records import NULL_PARTITION, TABLES

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


def test_index_files_are_the_warc_index_table_of_the_schema_module(tmp_path: Path) -> None:
    """Record vs schema, names and types: tests/unit/test_records.py (warc_index is in TABLES).
    Here: the index writer puts its files where TABLES says, with exactly the schema's types."""
    assert TABLES["warc_index"] == (WarcIndexRow, WARC_INDEX_SCHEMA, "crawl_date")
    path = index_file_path(str(tmp_path), crawl_partition(T0), "r1", 3)
    write_index_file(path, [index_row(pointer(100), run_id="r1", indexed_at=T0, outcome="article")], "r1")
    assert Path(path).relative_to(tmp_path).parts[:2] == ("warc_index", "crawl_date=2024-05-01")
    assert [(f.name, f.type) for f in pq.read_schema(path)] == [(f.name, f.type) for f in WARC_INDEX_SCHEMA]


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


def whole(archive: bm.Archive) -> bm.Slice:
    return bm.Slice(archive.path, archive.size, 0, 5, None, "member", True)


def test_manifest_lifecycle_and_rollback(tmp_path: Path) -> None:
    out = str(tmp_path)
    a, b, c = (bm.Archive(f"/data/{n}.warc.gz", 10 + i) for i, n in enumerate("abc"))
    assert bm.load(out).pending([a, b, c]) == [a, b, c]
    bm.start_run(out, "run1", [whole(a), bm.Slice(b.path, b.size, 0, 3, 700, "member", False)])
    bm.complete_run(out, "run1")
    manifest = bm.load(out)
    assert manifest.pending([a, b, c]) == [b, c]
    assert manifest.resume_point(b) == {
        "size": b.size,
        "next_index": 3,
        "next_offset": 700,
        "framing": "member",
        "run_id": "run1",
    }
    assert manifest.resume_point(bm.Archive(b.path, 999)) is None  # a grown file starts again
    assert manifest.pending([bm.Archive(a.path, 999)]) == [bm.Archive(a.path, 999)]
    # run2 finishes b and starts c, and is killed after committing some files
    bm.start_run(out, "run2", [bm.Slice(b.path, b.size, 3, 5, None, "member", True), whole(c)])
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
    assert manifest.in_progress == {} and manifest.pending([a, b, c]) == [b, c]
    assert manifest.resume_point(b)["next_index"] == 3  # progress of the finished run survives
    assert bm.roll_back_unfinished(out) == []
    bm.start_run(out, "run3", [bm.Slice(b.path, b.size, 3, 5, None, "member", True), whole(c)])
    bm.complete_run(out, "run3")
    data = json.loads((tmp_path / "_backfill" / "manifest.json").read_text())
    assert data["version"] == bm.MANIFEST_VERSION and set(data["completed"]) == {a.path, b.path, c.path}
    assert data["progress"] == {} and data["in_progress"] == {}
    assert not list((tmp_path / "_backfill").glob(".tmp-*"))  # atomic writes leave no temp files


def test_runs_replacing_rows_are_not_rolled_back(tmp_path: Path) -> None:
    out = str(tmp_path)
    a = bm.Archive("/data/a.warc.gz", 1)
    bm.start_run(out, "r", [whole(a)])
    bm.set_phase(out, "r", bm.PHASE_REPLACING)
    (tmp_path / "articles" / "p=1").mkdir(parents=True)
    (tmp_path / "articles" / "p=1" / "part-r-00000.parquet").write_bytes(b"x")
    assert bm.roll_back_unfinished(out) == []
    assert bm.unfinished_replacements(out) == ["r"]
    assert (tmp_path / "articles" / "p=1" / "part-r-00000.parquet").exists()


def test_complete_requires_a_started_run(tmp_path: Path) -> None:
    with pytest.raises(KeyError):
        bm.complete_run(str(tmp_path), "never-started")


def _archives(tmp_path: Path) -> list[bm.Archive]:
    from tests.warc_fixtures import MARKETS, WEATHER, Rec, write_warc

    paths = [
        write_warc(tmp_path / "a.warc.gz", [Rec(f"http://a.test/{i}", WEATHER) for i in range(7)]),
        write_warc(
            tmp_path / "b.warc", [Rec(f"http://b.test/{i}", MARKETS) for i in range(4)], gzip_records=False
        ),
    ]
    return [bm.Archive(str(p), p.stat().st_size) for p in paths]


@pytest.mark.parametrize("per_run", [1, 3, 5, 11, 50])
def test_record_batches_cover_every_record_once(tmp_path: Path, per_run: int) -> None:
    from pipeline.archives.backfill import record_batches
    from pipeline.archives.scan import scan_archive

    archives = _archives(tmp_path)
    full = [item for a in archives for item in scan_archive(a.path)]
    batches = list(record_batches(archives, bm.BackfillManifest(), per_run))
    assert [item for b in batches for item in b.items] == full
    assert all(len(b.items) <= per_run for b in batches)
    for archive in archives:  # the slices of an archive tile it and the last one is done
        pieces = [s for b in batches for s in b.slices if s.path == archive.path]
        assert pieces[0].first_index == 0 and pieces[-1].done and not any(s.done for s in pieces[:-1])
        assert all(x.next_index == y.first_index for x, y in zip(pieces, pieces[1:], strict=False))


def test_record_batches_resume_mid_archive(tmp_path: Path) -> None:
    from pipeline.archives.backfill import record_batches
    from pipeline.archives.scan import scan_archive

    archives = _archives(tmp_path)
    first = next(iter(record_batches(archives, bm.BackfillManifest(), 3)))
    (cut,) = first.slices
    manifest = bm.BackfillManifest(
        progress={
            cut.path: {
                "size": cut.size,
                "next_index": cut.next_index,
                "next_offset": cut.next_offset,
                "framing": cut.framing,
            }
        }
    )
    rest = [item for b in record_batches(archives, manifest, 3) for item in b.items]
    full = [item for a in archives for item in scan_archive(a.path)]
    assert rest == full[3:]
