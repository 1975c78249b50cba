"""Partition path segments: dates as ISO, NULL as Hive's null partition, hostile text kept inside DIR."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st

from transforms.partitioning import (
    MAX_SEGMENT_BYTES,
    partition_dir,
    safe_partition_value,
    unescape_partition_value,
)
from transforms.records import NULL_PARTITION


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, NULL_PARTITION),
        ("", NULL_PARTITION),
        (NULL_PARTITION, NULL_PARTITION),
        (date(2018, 12, 7), "2018-12-07"),
        (datetime(2018, 12, 7, 23, 30, tzinfo=UTC), "2018-12-07"),
        # 01:30 on the 8th in UTC+5 is still the 7th in UTC
        (datetime(2018, 12, 8, 1, 30, tzinfo=timezone(timedelta(hours=5))), "2018-12-07"),
        (datetime(2018, 12, 7, 12, 0), "2018-12-07"),
        ("2018-12-07", "2018-12-07"),
        (42, "42"),
        ("../../etc", "..%2F..%2Fetc"),
        ("..", "%2E%2E"),
        (".", "%2E"),
        ("a\\b", "a%5Cb"),
        ("k=v", "k%3Dv"),
        ("nul\x00byte", "nul%00byte"),
        ("new\nline", "new%0Aline"),
        ("100%", "100%25"),
    ],
)
def test_safe_partition_value(value: object, expected: str) -> None:
    assert safe_partition_value(value) == expected


@pytest.mark.parametrize("value", [b"2018-12-07", True, float("nan"), "x" * (MAX_SEGMENT_BYTES + 1)])
def test_values_without_a_safe_form_are_refused(value: object) -> None:
    with pytest.raises(ValueError):
        safe_partition_value(value)


@pytest.mark.parametrize("column", ["", "a/b", "..", "x=y"])
def test_bad_column_names_are_refused(column: str) -> None:
    with pytest.raises(ValueError):
        partition_dir(column, "2018-12-07")


@given(st.text(max_size=60))
def test_any_text_stays_one_segment_inside_dir(value: str) -> None:
    base = Path("/data/out/articles")
    try:
        segment = partition_dir("published_date", value)
    except ValueError:
        return
    assert "/" not in segment and "\\" not in segment and "\x00" not in segment
    assert not any(ord(c) < 0x20 for c in segment)
    joined = Path(os.path.normpath(base / segment / "part-0.parquet"))
    assert joined.parent.parent == base
    assert joined.parent.name == segment
    if value not in ("", NULL_PARTITION):
        assert unescape_partition_value(segment.split("=", 1)[1]) == value


def test_escaped_values_read_back_as_written(tmp_path: Path) -> None:
    """pyarrow and DuckDB both undo the %XX escaping, so hostile text round-trips as data."""
    duckdb = pytest.importorskip("duckdb")
    values = ["a/b", "../up", "x=y", "plain"]
    for i, value in enumerate(values):
        folder = tmp_path / "t" / partition_dir("tag", value)
        folder.mkdir(parents=True)
        pq.write_table(pa.table({"i": [i]}), folder / "part-0.parquet")
    assert sorted(p.name for p in (tmp_path / "t").iterdir()) == sorted(
        partition_dir("tag", v) for v in values
    )
    table = ds.dataset(tmp_path / "t", partitioning="hive").to_table()
    assert {r["i"]: r["tag"] for r in table.to_pylist()} == dict(enumerate(values))
    rows = duckdb.sql(
        f"select i, tag from read_parquet('{tmp_path}/t/*/*.parquet', hive_partitioning=true)"
    ).fetchall()
    assert dict(rows) == dict(enumerate(values))


def test_the_writer_uses_safe_partition_values() -> None:
    from pipeline.output.writers import date_partition
    from pipeline.output.writers import partition_dir as sink_partition_dir

    assert date_partition(datetime(2018, 12, 8, 1, 30, tzinfo=timezone(timedelta(hours=5)))) == "2018-12-07"
    assert date_partition(None) == NULL_PARTITION
    assert sink_partition_dir("/out", "articles", "../../x").startswith("/out/articles/published_date=..%2F")
