"""`dealstream schema` renderers: BigQuery JSON, plain JSON and DuckDB DDL from the one schema module."""

from __future__ import annotations

import json

import pyarrow as pa
import pytest

from pipeline.output.schema_export import FORMATS, bigquery_fields, describe_schemas, render
from transforms.records import DEAL_SCHEMA, INVESTMENT_SCHEMA, SCHEMA_VERSION, TABLES


def test_bigquery_types_and_modes() -> None:
    fields = {f["name"]: f for f in bigquery_fields(INVESTMENT_SCHEMA)}
    assert list(fields) == INVESTMENT_SCHEMA.names
    assert fields["investor_affiliates"] == {
        "name": "investor_affiliates",
        "type": "STRING",
        "mode": "REPEATED",
    }
    assert fields["amount"]["type"] == "FLOAT64"
    assert fields["deal_index"]["type"] == "INT64"
    assert fields["published_at"]["type"] == "TIMESTAMP"
    assert "published_date" not in fields  # partition key lives in the path only


def test_bigquery_single_table_is_a_bq_schema_list() -> None:
    parsed = json.loads(render("bigquery", "articles"))
    assert isinstance(parsed, list)
    assert [f["name"] for f in parsed] == TABLES["articles"][1].names
    assert set(json.loads(render("bigquery"))) == set(TABLES) | {"deals"}


def test_json_matches_the_contract_description() -> None:
    parsed = json.loads(render("json"))
    assert parsed["schema_version"] == SCHEMA_VERSION
    assert parsed["tables"] == describe_schemas()


def test_duckdb_ddl_runs_and_has_every_column_plus_partition() -> None:
    duckdb = pytest.importorskip("duckdb")
    con = duckdb.connect()
    con.execute(render("duckdb"))
    for name, (_, schema, part) in TABLES.items():
        cols = [r[0] for r in con.execute(f'DESCRIBE "{name}"').fetchall()]
        assert cols == schema.names + [part]
    types = dict(
        con.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'investments'"
        ).fetchall()
    )
    assert types["investor_affiliates"] == "VARCHAR[]"
    assert types["published_at"] == "TIMESTAMP WITH TIME ZONE"
    assert types["published_date"] == "DATE"


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_renders_every_table(fmt: str) -> None:
    """Parsed, not searched: each format names exactly the tables, each with all its columns."""
    text = render(fmt)
    if fmt == "duckdb":
        duckdb = pytest.importorskip("duckdb")
        con = duckdb.connect()
        con.execute(text)
        rendered = {r[0]: [c[0] for c in con.execute(f'DESCRIBE "{r[0]}"').fetchall()] for r in con.execute("SHOW TABLES").fetchall()}
        expected = {name: schema.names + [part] for name, (_, schema, part) in TABLES.items()} | {"deals": DEAL_SCHEMA.names}
    elif fmt == "bigquery":
        rendered = {name: [f["name"] for f in fields] for name, fields in json.loads(text).items()}
        expected = {name: schema.names for name, (_, schema, _) in TABLES.items()} | {"deals": DEAL_SCHEMA.names}
    else:
        rendered = {name: [c["name"] for c in table["columns"]] for name, table in json.loads(text)["tables"].items()}
        expected = {name: schema.names for name, (_, schema, _) in TABLES.items()} | {"deals": DEAL_SCHEMA.names}
    assert rendered == expected


def test_unknown_format_or_table_is_an_error() -> None:
    with pytest.raises(ValueError, match="format"):
        render("avro")
    with pytest.raises(ValueError, match="table"):
        render("json", "nope")
    with pytest.raises(ValueError):
        bigquery_fields(pa.schema([("d", pa.decimal128(10, 2))]))


def test_dealstream_schema_subcommand(capsys: pytest.CaptureFixture[str]) -> None:
    from pipeline.cli import main

    assert main(["schema", "--format", "bigquery", "--table", "investments"]) == 0
    fields = json.loads(capsys.readouterr().out)
    assert [f["name"] for f in fields] == INVESTMENT_SCHEMA.names
    assert main(["schema", "--format", "duckdb"]) == 0
    duckdb = pytest.importorskip("duckdb")
    con = duckdb.connect()
    con.execute(capsys.readouterr().out)  # parsed and run, not searched
    assert {r[0] for r in con.execute("SHOW TABLES").fetchall()} == set(TABLES) | {"deals"}
    with pytest.raises(SystemExit) as exc:
        main(["schema", "--format", "avro"])
    assert exc.value.code == 2
