"""A real run's output, read the way docs/warehouse.md says: DuckDB and pyarrow, every column's
type checked against the schema module, and every recipe marked `tested:` run as written."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from pipeline.cli import main as cli_main
from pipeline.output.schema_export import _duckdb_type
from transforms.records import PARTITION_SCHEMAS, SCHEMA_VERSION, TABLES

duckdb = pytest.importorskip("duckdb")

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "warehouse.md"
SEED = REPO / "seeds" / "000_ffccc2825a3c1863.txt"
VERSION_KEY = b"dealstream.schema_version"


def recipes() -> dict[str, str]:
    blocks = re.findall(r"```(?:sql|python) tested:(\S+)\n(.*?)\n```", DOC.read_text(encoding="utf-8"), re.S)
    return dict(blocks)


def _page(title: str, paragraphs: list[str], published: str | None) -> str:
    meta = f'<meta property="article:published_time" content="{published}">' if published else ""
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return (
        f"<!DOCTYPE html><html><head><title>{html.escape(title)}</title>{meta}</head>"
        f"<body><article><h1>{html.escape(title)}</h1>{body}</article></body></html>"
    )


def _seed_page(published: str | None) -> str:
    lines = [line for line in SEED.read_text(encoding="utf-8").split("\n") if line.strip()]
    return _page(lines[0], lines[1:], published)


OTHER = [
    "The city council met on Tuesday to discuss the new bus timetable for the northern districts.",
    "Residents asked for more frequent services in the evening and better lighting at stops.",
    "The council said it would publish a revised plan after a public consultation next month.",
]


def _run(inputs: list[Path], out: Path) -> None:
    argv = ["run", "--output", str(out), "--quiet"]
    for path in inputs:
        argv += ["--input", str(path)]
    assert cli_main(argv) == 0


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Two real runs into <workdir>/out: dated, undated and broken inputs; cwd is <workdir>."""
    base = tmp_path_factory.mktemp("warehouse")
    a, b = base / "in_a", base / "in_b"
    a.mkdir()
    b.mkdir()
    shutil.copy(SEED, a / "seed.txt")
    (a / "dated.html").write_text(_seed_page("2018-12-07T09:30:00+05:00"), encoding="utf-8")
    (a / "council.html").write_text(
        _page("Council reviews bus timetable", OTHER, "2024-03-05"), encoding="utf-8"
    )
    (a / "broken.html").write_bytes(bytes(range(256)) * 8)
    lines = [
        {"url": "https://news.example.org/2024/03/06/buses", "html": _page("Bus plan", OTHER, "2024-03-06")},
        {
            "url": "https://news.example.org/whale",
            "text": SEED.read_text(encoding="utf-8"),
            "published": "2018-12-08",
        },
    ]
    shutil.copy(SEED, b / "seed.txt")  # already in out/ after run A: a `duplicate` skip
    (b / "more.jsonl").write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    out = base / "out"
    _run([a / "*"], out)
    _run([b / "*"], out)
    old = Path.cwd()
    os.chdir(base)
    try:
        yield base
    finally:
        os.chdir(old)


def _tables_with_files(out: Path) -> list[str]:
    return [t for t in TABLES if list((out / t).glob("*/part-*.parquet"))]


def test_run_wrote_dated_undated_and_error_partitions(workdir: Path) -> None:
    out = workdir / "out"
    assert set(_tables_with_files(out)) == set(TABLES) - {"warc_index"}  # archive runs only
    parts = {p.name for p in (out / "articles").iterdir()}
    assert "published_date=__HIVE_DEFAULT_PARTITION__" in parts
    assert "published_date=2018-12-07" in parts  # 09:30 at UTC+5 is still the 7th in UTC


@pytest.mark.parametrize("table", list(TABLES))
def test_every_column_type_matches_the_schema_module(workdir: Path, table: str) -> None:
    out = workdir / "out"
    if table not in _tables_with_files(out):
        pytest.skip(f"this run wrote no {table} file")
    _, schema, part = TABLES[table]
    files = sorted((out / table).glob("*/part-*.parquet"))
    for f in files:
        file_schema = pq.read_schema(f)
        assert file_schema.metadata[VERSION_KEY].decode() == SCHEMA_VERSION
        assert part not in file_schema.names, "partition key must live in the path only"
        assert [(x.name, x.type) for x in file_schema] == [(x.name, x.type) for x in schema], f

    # pyarrow, partition pinned to DATE
    dataset = ds.dataset(
        out / table, format="parquet", partitioning=ds.partitioning(PARTITION_SCHEMAS[table], flavor="hive")
    )
    read = dataset.to_table()
    expected = pa.schema(list(schema) + [pa.field(part, pa.date32())])
    assert [(f.name, f.type) for f in read.schema] == [(f.name, f.type) for f in expected]
    assert read.num_rows == sum(pq.ParquetFile(f).metadata.num_rows for f in files)

    # DuckDB, as in the docs
    con = duckdb.connect()
    described = con.execute(
        f"DESCRIBE SELECT * FROM read_parquet('{out / table}/*/part-*.parquet', hive_partitioning = true, "
        f"hive_types = {{'{part}': DATE}}, union_by_name = true)"
    ).fetchall()
    want = [(f.name, _duckdb_type(f.type)) for f in schema] + [(part, "DATE")]
    assert [(r[0], r[1]) for r in described] == want


def test_docs_duckdb_views_current_rows_and_queries(workdir: Path) -> None:
    r = recipes()
    con = duckdb.connect()
    for name in ("duckdb-views", "duckdb-current", "duckdb-queries"):
        con.execute(r[name])
    total, distinct = con.execute("SELECT count(*), count(DISTINCT doc_id) FROM articles_current").fetchone()
    assert total == distinct > 0
    assert con.execute("SELECT count(*) FROM errors").fetchone()[0] >= 1
    undated = con.execute("SELECT count(*) FROM articles WHERE published_date IS NULL").fetchone()[0]
    assert undated >= 1
    whale = con.execute(
        "SELECT amount, currency, target_country FROM investments_current WHERE investor = 'Whale Cloud'"
    ).fetchall()
    assert whale and all(row == (70000000.0, "USD", "PK") for row in whale)


def test_current_rows_prefer_the_highest_pipeline_version(workdir: Path, tmp_path: Path) -> None:
    """Rewrite one real article (and its deals) as two reprocessing runs with versions 0.9.1 and
    0.10.0 -- as `--reprocess` with a newer dealstream would -- and check which one is current."""
    out = tmp_path / "out"
    shutil.copytree(workdir / "out", out)
    con = duckdb.connect()
    views = recipes()["duckdb-views"].replace("'out/", f"'{out}/")
    con.execute(views)
    con.execute(recipes()["duckdb-current"])
    doc_id, run_id = con.execute(
        "SELECT doc_id, run_id FROM investments WHERE investor = 'Whale Cloud' ORDER BY doc_id LIMIT 1"
    ).fetchone()
    later = datetime(2030, 1, 1, tzinfo=UTC)
    for version, new_run in (("0.10.0", "reprocess-b"), ("0.9.1", "reprocess-a")):
        for table in ("articles", "investments"):
            src = next(
                p
                for p in (out / table).glob(f"*/part-{run_id}-*.parquet")
                if doc_id in pq.read_table(p).column("doc_id").to_pylist()
            )
            t = pq.read_table(src)
            t = t.filter(pa.compute.equal(t.column("doc_id"), doc_id))
            t = t.set_column(t.schema.get_field_index("run_id"), "run_id", pa.array([new_run] * t.num_rows))
            t = t.set_column(
                t.schema.get_field_index("pipeline_version"),
                "pipeline_version",
                pa.array([version] * t.num_rows),
            )
            t = t.set_column(
                t.schema.get_field_index("ingested_at"),
                "ingested_at",
                pa.array([later] * t.num_rows, t.schema.field("ingested_at").type),
            )
            pq.write_table(t, src.parent / f"part-{new_run}-00000.parquet")
    current = con.execute(
        "SELECT run_id, pipeline_version FROM articles_current WHERE doc_id = ?", [doc_id]
    ).fetchall()
    assert current == [("reprocess-b", "0.10.0")]
    runs = con.execute(
        "SELECT DISTINCT run_id FROM investments_current WHERE doc_id = ?", [doc_id]
    ).fetchall()
    assert runs == [("reprocess-b",)]
    total, distinct = con.execute("SELECT count(*), count(DISTINCT doc_id) FROM articles_current").fetchone()
    assert total == distinct


def test_docs_incremental_loader_loads_each_run_once(workdir: Path) -> None:
    code = recipes()["duckdb-incremental"]
    warehouse = workdir / "warehouse.duckdb"
    warehouse.unlink(missing_ok=True)
    manifests = [json.loads(p.read_text()) for p in sorted((workdir / "out" / "_runs").glob("*.json"))]
    assert len(manifests) == 2

    first: dict = {}
    exec(compile(code, "warehouse.md:duckdb-incremental", "exec"), first)  # noqa: S102 - the documented recipe
    first["con"].close()
    assert first["loaded_now"] == [m["run_id"] for m in manifests]
    con = duckdb.connect(str(warehouse))
    expected = {"articles": 0, "investments": 0}
    for m in manifests:
        for f in m["files"]:
            table = f.split("/", 1)[0]
            if table in expected:
                expected[table] += pq.ParquetFile(workdir / "out" / f).metadata.num_rows
    for table, rows in expected.items():
        assert con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == rows
    types = dict(
        con.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'articles'"
        ).fetchall()
    )
    assert types["published_date"] == "DATE" and types["published_at"] == "TIMESTAMP WITH TIME ZONE"
    con.close()

    again: dict = {}
    exec(compile(code, "warehouse.md:duckdb-incremental", "exec"), again)  # noqa: S102
    again["con"].close()
    assert again["loaded_now"] == []
    con = duckdb.connect(str(warehouse))
    assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == expected["articles"]
    con.close()


def test_docs_pyarrow_recipe(workdir: Path) -> None:
    ns: dict = {}
    exec(compile(recipes()["pyarrow"], "warehouse.md:pyarrow", "exec"), ns)  # noqa: S102
    deals = ns["deals"]
    assert deals.schema.field("published_date").type == pa.date32()
    assert deals.schema.field("amount").type == pa.float64()
    assert all(a > 1_000_000 for a in deals.column("amount").to_pylist())
    assert deals.num_rows >= 1
    con = duckdb.connect()
    con.execute(recipes()["duckdb-views"])
    assert (
        ns["undated"]
        == con.execute("SELECT count(*) FROM articles WHERE published_date IS NULL").fetchone()[0]
    )


def test_docs_incremental_loader_after_a_kill_between_commit_and_manifest(workdir: Path, tmp_path: Path) -> None:
    """The state a SIGKILL leaves after a run's Parquet is committed and before its manifest: the
    loader from the docs loads none of it, and after the re-run exactly the rows of a clean run."""
    code = recipes()["duckdb-incremental"]
    base = tmp_path / "kill"
    base.mkdir()
    inputs = base / "in"
    inputs.mkdir()
    shutil.copy(SEED, inputs / "seed.txt")
    (inputs / "council.html").write_text(_page("Council reviews bus timetable", OTHER, "2024-03-05"), encoding="utf-8")
    out = base / "out"
    assert cli_main(["run", "--input", str(inputs / "*"), "--output", str(out), "--run-id", "nightly", "--quiet"]) == 0
    clean = {
        t: sum(pq.ParquetFile(f).metadata.num_rows for f in (out / t).glob("*/part-*.parquet"))
        for t in ("articles", "investments")
    }
    assert clean["articles"] == 2 and clean["investments"] >= 1
    manifest = out / "_runs" / "nightly.json"
    manifest.unlink()  # killed here: files committed, manifest not yet written, the run still marked
    (out / "_runs" / "nightly.running").write_text("{}")
    old = Path.cwd()
    os.chdir(base)
    try:
        ns: dict = {}
        exec(compile(code, "warehouse.md:duckdb-incremental", "exec"), ns)  # noqa: S102
        ns["con"].close()
        assert ns["loaded_now"] == []  # nothing listed, nothing loaded
        assert cli_main(["run", "--input", str(inputs / "*"), "--output", str(out), "--run-id", "nightly-2", "--quiet"]) == 0
        assert json.loads((out / "_runs" / "nightly-2.json").read_text())["rolled_back_runs"] == ["nightly"]
        for _ in range(2):  # a second pass loads nothing twice
            ns = {}
            exec(compile(code, "warehouse.md:duckdb-incremental", "exec"), ns)  # noqa: S102
            ns["con"].close()
        con = duckdb.connect(str(base / "warehouse.duckdb"))
        for table, rows in clean.items():
            total, distinct = con.execute(f"SELECT count(*), count(DISTINCT doc_id) FROM {table}").fetchone()
            assert total == rows
        assert con.execute("SELECT count(*), count(DISTINCT doc_id) FROM articles").fetchone()[0] == clean["articles"]
        con.close()
    finally:
        os.chdir(old)
