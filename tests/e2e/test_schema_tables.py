"""`dealstream schema`, the contract and `dealstream compact` know every table a real run writes.

Checked against what runs put on disk, not against ``TABLES`` itself: a table missing from the
schema module (as ``warc_index`` once was) fails here. Outputs are parsed (JSON, DuckDB), never
searched for substrings.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline.archives.index import read_index
from pipeline.cli import main
from pipeline.output.schema_export import type_from_string
from tests.warc_fixtures import MARKETS, WEATHER, Rec, seed_page, story, write_warc

duckdb = pytest.importorskip("duckdb")

REPO = Path(__file__).resolve().parents[2]
SNAPSHOTS = {"deals"}  # one file, not hive-partitioned (docs/ledger.md)


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    """Two seed runs and two archive runs into one DIR: every kind of table gets files."""
    base = tmp_path_factory.mktemp("tables")
    first = write_warc(base / "a-00000.warc.gz", [Rec("http://news.test/whale", seed_page()), Rec("http://news.test/weather", WEATHER)])
    second = write_warc(
        base / "b-00000.warc.gz",
        [Rec("http://news.test/markets", MARKETS), Rec("http://news.test/norland", story(1, "Norland Motors", "$40 million", "Kenya"))],
    )
    broken = base / "broken.html"
    broken.write_bytes(bytes(range(256)) * 8)
    target = base / "out"
    for _ in range(2):  # the second run skips the known seed (a skips/ file)
        assert main(["run", "--input", str(REPO / "seeds" / "*"), "--input", str(broken), "--output", str(target),
                     "--max-error-rate", "1", "--quiet"]) == 0
    for archive in (first, second):
        assert main(["run", "--warc", str(archive), "--output", str(target), "--quiet"]) == 0
    return target


def _written_tables(out: Path) -> dict[str, tuple[str, list[Path]]]:
    """table -> (partition column from the folder names, files), for every partitioned table on disk."""
    found = {}
    for table in sorted(p for p in out.iterdir() if p.is_dir() and not p.name.startswith(("_", ".")) and p.name not in SNAPSHOTS):
        files = sorted(table.glob("*=*/part-*.parquet"))
        if files:
            found[table.name] = (files[0].parent.name.split("=", 1)[0], files)
    return found


def _cli(capsys, *argv: str) -> str:
    assert main(["schema", *argv]) == 0
    return capsys.readouterr().out


def test_the_run_wrote_an_archive_index(out: Path) -> None:
    assert set(_written_tables(out)) == {"articles", "investments", "errors", "skips", "warc_index"}


def test_schema_json_describes_every_written_table_as_its_files_are(out: Path, capsys) -> None:
    described = json.loads(_cli(capsys, "--format", "json"))["tables"]
    written = _written_tables(out)
    assert set(described) == set(written) | SNAPSHOTS
    for table, (partition, files) in written.items():
        desc = described[table]
        assert desc["partition"] == {"name": partition, "type": "date32[day]"}
        for path in files:
            schema = pq.read_schema(path)
            # types compared as arrow types (a file names a list's item "element"; equal types)
            assert [(c["name"], type_from_string(c["type"]), c["nullable"]) for c in desc["columns"]] == [
                (f.name, f.type, f.nullable) for f in schema
            ], path
        one = json.loads(_cli(capsys, "--format", "json", "--table", table))["tables"]
        assert one == {table: desc}


def test_schema_duckdb_ddl_loads_every_written_table(out: Path, capsys) -> None:
    con = duckdb.connect()
    con.execute(_cli(capsys, "--format", "duckdb"))
    created = {row[0] for row in con.execute("SHOW TABLES").fetchall()}
    written = _written_tables(out)
    assert created == set(written) | SNAPSHOTS
    for table, (partition, files) in written.items():
        query = (
            f"SELECT * FROM read_parquet({[str(f) for f in files]!r}, hive_partitioning=true, "
            f"hive_types={{'{partition}': DATE}}, union_by_name=true)"
        )
        read_types = [(r[0], r[1]) for r in con.execute(f"DESCRIBE {query}").fetchall()]
        ddl_types = [(r[0], r[1]) for r in con.execute(f'DESCRIBE "{table}"').fetchall()]
        assert read_types == ddl_types, table
        con.execute(f'INSERT INTO "{table}" BY NAME {query}')
        rows = sum(pq.ParquetFile(f).metadata.num_rows for f in files)
        assert con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] == rows > 0


def test_schema_bigquery_lists_every_written_table(out: Path, capsys) -> None:
    fields = json.loads(_cli(capsys, "--format", "bigquery"))
    for table, (_, files) in _written_tables(out).items():
        assert [f["name"] for f in fields[table]] == pq.read_schema(files[0]).names


def test_the_contract_holds_every_written_table(out: Path) -> None:
    contract = json.loads((REPO / "tests" / "golden" / "schema_contract.json").read_text(encoding="utf-8"))
    current = contract["versions"][contract["current_version"]]
    for table, (partition, files) in _written_tables(out).items():
        assert current[table]["partition"]["name"] == partition
        assert [c["name"] for c in current[table]["columns"]] == pq.read_schema(files[0]).names


def test_compact_merges_the_archive_index_and_it_still_reads(out: Path, capsys, tmp_path: Path) -> None:
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    index = copy / "warc_index"
    before = read_index(str(index))
    files = {p.name: sorted(p.glob("part-*.parquet")) for p in index.iterdir()}
    assert any(len(f) >= 2 for f in files.values()), "two archive runs of one crawl date: several files"
    expected = [
        f"warc_index/{name}: {len(f)} files -> 1 ({sum(pq.ParquetFile(x).metadata.num_rows for x in f)} rows)"
        for name, f in sorted(files.items())
        if len(f) >= 2
    ]
    assert main(["compact", str(copy), "--table", "warc_index"]) == 0
    assert capsys.readouterr().out.splitlines()[:-1] == expected
    assert all(len(list((index / name).glob("part-*.parquet"))) == 1 for name, f in files.items() if len(f) >= 2)
    assert not list((copy / "articles").rglob("part-compact-*"))  # --table warc_index: only that table
    assert read_index(str(index)) == before
