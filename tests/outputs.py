"""Reading a run's output back the way a warehouse would (DuckDB, hive partitions pinned)."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

PARTITION_COLUMN = {"articles": "published_date", "investments": "published_date", "errors": "run_date", "skips": "run_date"}


def read_rows(out: Path, table: str) -> list[dict]:
    files = list((out / table).glob("*/*.parquet"))
    if not files:
        return []
    column = PARTITION_COLUMN[table]
    con = duckdb.connect()
    rel = con.sql(
        f"SELECT * FROM read_parquet('{out / table}/*/*.parquet', hive_partitioning=true, "
        f"hive_types={{'{column}': DATE}})"
    )
    names = rel.columns
    return [dict(zip(names, row, strict=True)) for row in rel.fetchall()]


def manifests(out: Path) -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted((out / "_runs").glob("*.json"))]
