"""The output schemas as other systems spell them: BigQuery JSON, plain JSON, DuckDB DDL.

Everything here is derived from ``transforms.records`` (the one place the schemas live), so
``dealstream schema --format …`` and the schema contract (``tests/golden/schema_contract.json``)
cannot drift from what the writer writes. Pure functions; the CLI only prints their result.
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

import pyarrow as pa

from transforms.records import DEAL_SCHEMA, SCHEMA_VERSION, TABLES

# Tables that are one snapshot file, not hive-partitioned (docs/ledger.md).
SNAPSHOTS: dict[str, pa.Schema] = {"deals": DEAL_SCHEMA}

FORMATS = ("bigquery", "json", "duckdb")

# A table description: {"partition": {"name", "type"}, "columns": [{"name", "type", "nullable"}]}
TableDescription = dict[str, Any]


def file_schemas() -> dict[str, pa.Schema]:
    """Columns inside the files, per table (the partition column is in the path only)."""
    return {name: schema for name, (_, schema, _) in TABLES.items()} | SNAPSHOTS


def partition_columns() -> dict[str, str | None]:
    return {name: column for name, (_, _, column) in TABLES.items()} | {name: None for name in SNAPSHOTS}


def describe_table(schema: pa.Schema, partition: str | None) -> TableDescription:
    """A JSON-able description that compares equal exactly when the schemas do."""
    desc: TableDescription = {
        "columns": [{"name": f.name, "type": str(f.type), "nullable": f.nullable} for f in schema]
    }
    if partition:
        desc["partition"] = {"name": partition, "type": str(pa.date32())}
    return desc


def describe_schemas() -> dict[str, TableDescription]:
    parts = partition_columns()
    return {name: describe_table(schema, parts[name]) for name, schema in file_schemas().items()}


# ---- type strings back to pyarrow (for files written with an older version's schema) --------

_SIMPLE = {
    str(t): t
    for t in (
        pa.string(),
        pa.large_string(),
        pa.binary(),
        pa.bool_(),
        pa.int8(),
        pa.int16(),
        pa.int32(),
        pa.int64(),
        pa.float32(),
        pa.float64(),
        pa.date32(),
    )
}
_TIMESTAMP = re.compile(r"^timestamp\[(s|ms|us|ns)(?:, tz=([^\]]+))?\]$")
_LIST = re.compile(r"^list<(?:item|element): (.+)>$")


def type_from_string(text: str) -> pa.DataType:
    """Inverse of ``str(pa_type)`` for the types our schemas use.

    Raises:
        ValueError: for a type string this module does not know (add it when a schema needs it).
    """
    if text in _SIMPLE:
        return _SIMPLE[text]
    if m := _TIMESTAMP.match(text):
        return pa.timestamp(m.group(1), tz=m.group(2))
    if m := _LIST.match(text):
        return pa.list_(type_from_string(m.group(1)))
    raise ValueError(f"unknown arrow type string: {text!r}")


def schema_from_description(desc: TableDescription) -> pa.Schema:
    return pa.schema(
        [pa.field(c["name"], type_from_string(c["type"]), nullable=c["nullable"]) for c in desc["columns"]]
    )


def additive_violations(
    old: Mapping[str, TableDescription], new: Mapping[str, TableDescription]
) -> list[str]:
    """Why ``new`` is not an additive change of ``old`` (empty when it is).

    Additive: every old table is still there with the same partition column, and every old
    column keeps its name, type and nullability; new columns must be nullable so old files
    read as NULL in them.
    """
    problems = []
    for table, old_desc in old.items():
        if table not in new:
            problems.append(f"{table}: table removed")
            continue
        new_desc = new[table]
        if old_desc.get("partition") != new_desc.get("partition"):
            problems.append(
                f"{table}: partition changed {old_desc.get('partition')} -> {new_desc.get('partition')}"
            )
        new_cols = {c["name"]: c for c in new_desc["columns"]}
        old_names = set()
        for col in old_desc["columns"]:
            old_names.add(col["name"])
            now = new_cols.get(col["name"])
            if now is None:
                problems.append(f"{table}.{col['name']}: column removed or renamed")
            elif (now["type"], now["nullable"]) != (col["type"], col["nullable"]):
                problems.append(
                    f"{table}.{col['name']}: {col['type']} (nullable={col['nullable']}) -> "
                    f"{now['type']} (nullable={now['nullable']})"
                )
        for name, col in new_cols.items():
            if name not in old_names and not col["nullable"]:
                problems.append(f"{table}.{name}: new column must be nullable")
    return problems


# ---- renderers -------------------------------------------------------------------------------


def _bigquery_type(t: pa.DataType) -> str:
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return "STRING"
    if pa.types.is_integer(t):
        return "INT64"
    if pa.types.is_floating(t):
        return "FLOAT64"
    if pa.types.is_boolean(t):
        return "BOOL"
    if pa.types.is_timestamp(t):
        return "TIMESTAMP"
    if pa.types.is_date(t):
        return "DATE"
    if pa.types.is_binary(t):
        return "BYTES"
    raise ValueError(f"no BigQuery type for {t}")


def bigquery_fields(schema: pa.Schema) -> list[dict[str, str]]:
    """``bq`` schema JSON for the file columns; lists become REPEATED (needs list inference)."""
    fields = []
    for f in schema:
        if pa.types.is_list(f.type):
            fields.append({"name": f.name, "type": _bigquery_type(f.type.value_type), "mode": "REPEATED"})
        else:
            mode = "NULLABLE" if f.nullable else "REQUIRED"
            fields.append({"name": f.name, "type": _bigquery_type(f.type), "mode": mode})
    return fields


def _duckdb_type(t: pa.DataType) -> str:
    if pa.types.is_list(t):
        return _duckdb_type(t.value_type) + "[]"
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return "VARCHAR"
    if pa.types.is_timestamp(t):
        return "TIMESTAMP WITH TIME ZONE" if t.tz else "TIMESTAMP"
    simple = {
        pa.int8(): "TINYINT",
        pa.int16(): "SMALLINT",
        pa.int32(): "INTEGER",
        pa.int64(): "BIGINT",
        pa.float32(): "FLOAT",
        pa.float64(): "DOUBLE",
        pa.bool_(): "BOOLEAN",
        pa.date32(): "DATE",
        pa.binary(): "BLOB",
    }
    if t in simple:
        return simple[t]
    raise ValueError(f"no DuckDB type for {t}")


def duckdb_ddl(table: str, schema: pa.Schema, partition: str | None) -> str:
    """``CREATE TABLE`` whose columns match what DuckDB reads from the hive-partitioned files."""
    cols = [f'    "{f.name}" {_duckdb_type(f.type)}' + ("" if f.nullable else " NOT NULL") for f in schema]
    if partition:
        cols.append(f'    "{partition}" DATE')
    return f'CREATE TABLE IF NOT EXISTS "{table}" (\n' + ",\n".join(cols) + "\n);"


def render(fmt: str, table: str | None = None) -> str:
    """The text ``dealstream schema --format FMT [--table T]`` prints.

    Raises:
        ValueError: for an unknown format or table name.
    """
    schemas = file_schemas()
    if table is not None and table not in schemas:
        raise ValueError(f"unknown table {table!r}; choose from {', '.join(schemas)}")
    names = [table] if table else list(schemas)
    parts = partition_columns()
    if fmt == "bigquery":
        if table:
            return json.dumps(bigquery_fields(schemas[table]), indent=2)
        return json.dumps({n: bigquery_fields(schemas[n]) for n in names}, indent=2)
    if fmt == "json":
        described = describe_schemas()
        doc = {"schema_version": SCHEMA_VERSION, "tables": {n: described[n] for n in names}}
        return json.dumps(doc, indent=2)
    if fmt == "duckdb":
        header = f"-- dealstream schema version {SCHEMA_VERSION}"
        return "\n\n".join([header] + [duckdb_ddl(n, schemas[n], parts[n]) for n in names])
    raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")


def main(argv: Sequence[str]) -> int:
    """``dealstream schema --format bigquery|json|duckdb [--table T]``: print the output schemas."""
    parser = argparse.ArgumentParser(
        prog="dealstream schema", description="Print the Parquet output schemas for a warehouse."
    )
    parser.add_argument("--format", choices=FORMATS, default="json", help="Output format (default: json).")
    parser.add_argument(
        "--table", choices=sorted(file_schemas()), default=None, help="Only this table (default: every table)."
    )
    args = parser.parse_args(list(argv))
    print(render(args.format, args.table))
    return 0
