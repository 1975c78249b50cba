"""The Parquet schemas are a contract: versioned, additive, readable across versions.

``tests/golden/schema_contract.json`` holds every released schema version; regenerate it with
``tools/regen_schema_contract.py`` (which refuses a change without a version bump).
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from pipeline.output.schema_export import (
    additive_violations,
    describe_schemas,
    duckdb_ddl,
    schema_from_description,
    type_from_string,
)
from transforms.records import NULL_PARTITION, PARTITION_SCHEMAS, SCHEMA_VERSION, TABLES

REPO = Path(__file__).resolve().parents[2]
CONTRACT_PATH = REPO / "tests" / "golden" / "schema_contract.json"
REGEN = REPO / "tools" / "regen_schema_contract.py"
VERSION_KEY = b"dealstream.schema_version"


def _contract() -> dict[str, Any]:
    return json.loads(CONTRACT_PATH.read_text(encoding="utf-8"))


def _ordered_versions(contract: dict[str, Any]) -> list[str]:
    return sorted(contract["versions"], key=lambda v: tuple(int(p) for p in v.split(".")))


def _regen_module():
    spec = importlib.util.spec_from_file_location("regen_schema_contract", REGEN)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ---- the contract itself ----------------------------------------------------------------------


def test_contract_is_at_the_current_version() -> None:
    contract = _contract()
    assert contract["current_version"] == SCHEMA_VERSION
    assert _ordered_versions(contract)[-1] == SCHEMA_VERSION


def test_schemas_match_the_contract_for_this_version() -> None:
    """Fails on any schema change made without bumping SCHEMA_VERSION and regenerating."""
    released = _contract()["versions"][SCHEMA_VERSION]
    assert describe_schemas() == released, (
        "schemas in transforms/records.py differ from tests/golden/schema_contract.json for version "
        f"{SCHEMA_VERSION}: bump SCHEMA_VERSION and run tools/regen_schema_contract.py"
    )


def test_every_release_is_additive_over_the_one_before() -> None:
    contract = _contract()
    versions = _ordered_versions(contract)
    for old, new in zip(versions, versions[1:], strict=False):
        assert additive_violations(contract["versions"][old], contract["versions"][new]) == [], (old, new)


def test_regen_script_check_passes_on_a_clean_tree() -> None:
    proc = subprocess.run(
        [sys.executable, str(REGEN), "--check"], capture_output=True, text=True, timeout=120, check=False
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_regen_refuses_change_without_bump_and_non_additive_change(monkeypatch: pytest.MonkeyPatch) -> None:
    regen = _regen_module()
    contract = _contract()
    changed = json.loads(json.dumps(describe_schemas()))
    changed["articles"]["columns"].append({"name": "extra", "type": "string", "nullable": True})
    monkeypatch.setattr(regen, "describe_schemas", lambda: changed)
    new, message = regen.updated_contract(contract)
    assert new is None and "bump SCHEMA_VERSION" in message

    bumped = str(int(SCHEMA_VERSION.split(".")[0]) + 1)
    monkeypatch.setattr(regen, "SCHEMA_VERSION", bumped)
    new, message = regen.updated_contract(contract)
    assert new is not None and new["current_version"] == bumped
    assert new["versions"][SCHEMA_VERSION] == contract["versions"][SCHEMA_VERSION]

    retyped = json.loads(json.dumps(describe_schemas()))
    retyped["articles"]["columns"][0]["type"] = "int64"
    monkeypatch.setattr(regen, "describe_schemas", lambda: retyped)
    new, message = regen.updated_contract(contract)
    assert new is None and "not an additive change" in message


# ---- what "additive" means --------------------------------------------------------------------


def _desc(*cols: tuple[str, str, bool]) -> dict[str, Any]:
    return {
        "t": {
            "columns": [{"name": n, "type": t, "nullable": nl} for n, t, nl in cols],
            "partition": {"name": "published_date", "type": "date32[day]"},
        }
    }


@pytest.mark.parametrize(
    ("new", "problem"),
    [
        (_desc(("a", "string", True), ("b", "int32", True), ("c", "double", True)), None),
        (_desc(("a", "string", True)), "column removed"),
        (_desc(("a", "string", True), ("bb", "int32", True)), "column removed"),
        (_desc(("a", "string", True), ("b", "int64", True)), "int32"),
        (_desc(("a", "string", False), ("b", "int32", True)), "nullable"),
        (_desc(("a", "string", True), ("b", "int32", True), ("c", "double", False)), "must be nullable"),
        ({}, "table removed"),
    ],
)
def test_additive_violations(new: dict[str, Any], problem: str | None) -> None:
    old = _desc(("a", "string", True), ("b", "int32", True))
    found = additive_violations(old, new)
    if problem is None:
        assert found == []
    else:
        assert found and problem in " ".join(found)


def test_type_strings_round_trip_for_every_column() -> None:
    for _, schema, _ in TABLES.values():
        for f in schema:
            assert type_from_string(str(f.type)) == f.type
    with pytest.raises(ValueError):
        type_from_string("decimal128(10, 2)")


# ---- old and new files read together -----------------------------------------------------------


def _sample(t: pa.DataType, i: int) -> Any:
    if pa.types.is_list(t):
        return [_sample(t.value_type, i)]
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return f"v{i}"
    if pa.types.is_boolean(t):
        return i % 2 == 0
    if pa.types.is_integer(t):
        return i + 1
    if pa.types.is_floating(t):
        return i + 0.5
    if pa.types.is_timestamp(t):
        return datetime(2018, 12, 7, 10, i, tzinfo=UTC)
    if pa.types.is_date(t):
        return date(2018, 12, 7)
    raise AssertionError(f"no sample for {t}")


def _write(path: Path, schema: pa.Schema, version: str, i: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    row = {f.name: _sample(f.type, i) for f in schema}
    table = pa.Table.from_pylist([row], schema=schema).replace_schema_metadata(
        {VERSION_KEY: version.encode()}
    )
    pq.write_table(table, path)


def _previous(table: str) -> tuple[str, pa.Schema]:
    """The newest older version's schema of this table that differs from today's, or (while none
    does) the current one minus its last column, standing in for an older release."""
    contract = _contract()
    versions = _ordered_versions(contract)
    schema = TABLES[table][1]
    for prev in reversed(versions[:-1]):  # the newest older version in which this table differs
        described = contract["versions"][prev].get(table)
        if described is not None and schema_from_description(described) != schema:
            return prev, schema_from_description(described)
    return "simulated-previous", schema.remove(len(schema) - 1)


@pytest.mark.parametrize("table", list(TABLES))
def test_previous_and_current_version_files_read_together(tmp_path: Path, table: str) -> None:
    duckdb = pytest.importorskip("duckdb")
    _, schema, part = TABLES[table]
    prev_version, prev_schema = _previous(table)
    added = [name for name in schema.names if name not in prev_schema.names]
    assert added, "the previous version must lack at least one column for this test to mean anything"
    root = tmp_path / table
    _write(root / f"{part}=2018-12-07" / "part-old.parquet", prev_schema, prev_version, 1)
    _write(root / f"{part}={NULL_PARTITION}" / "part-new.parquet", schema, SCHEMA_VERSION, 2)

    # pyarrow: the current schema (plus the pinned partition column) over both files
    partitioning = ds.partitioning(PARTITION_SCHEMAS[table], flavor="hive")
    full = pa.schema(list(schema) + list(PARTITION_SCHEMAS[table]))
    rows = ds.dataset(root, schema=full, partitioning=partitioning).to_table().to_pylist()
    by_part = {r[part]: r for r in rows}
    assert set(by_part) == {date(2018, 12, 7), None}
    old, new = by_part[date(2018, 12, 7)], by_part[None]
    assert all(old[name] is None for name in added)
    assert all(new[name] is not None for name in added)
    for name in prev_schema.names:
        assert old[name] == _sample(schema.field(name).type, 1)

    # DuckDB: union_by_name over both files gives the types of the published DDL
    con = duckdb.connect()
    con.execute(duckdb_ddl(table, schema, part))
    query = (
        f"SELECT * FROM read_parquet('{root}/*/*.parquet', hive_partitioning=true, "
        f"hive_types={{'{part}': DATE}}, union_by_name=true)"
    )
    read_types = {r[0]: r[1] for r in con.execute(f"DESCRIBE {query}").fetchall()}
    ddl_types = {r[0]: r[1] for r in con.execute(f'DESCRIBE "{table}"').fetchall()}
    assert read_types == ddl_types
    con.execute(f'INSERT INTO "{table}" BY NAME {query}')
    counts = con.execute(f'SELECT count(*), count("{part}"), count("{added[-1]}") FROM "{table}"').fetchone()
    assert counts == (2, 1, 1)
    versions = {pq.read_schema(p).metadata[VERSION_KEY].decode() for p in root.rglob("*.parquet")}
    assert versions == {prev_version, SCHEMA_VERSION}
