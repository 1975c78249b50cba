"""Outputs never overwrite or miscount (issue 12 part 5), through the real CLI, read back with pyarrow/DuckDB."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline.cli import main as cli_main
from tests.warc_fixtures import MARKETS, WEATHER, story

duckdb = pytest.importorskip("duckdb")


def _inputs(folder: Path, names: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for n, name in enumerate(names):
        page = story(n, f"Northwind {name}", f"${n + 2}0 million", "Kenya") if n % 2 == 0 else (WEATHER if n % 4 == 1 else MARKETS)
        if n % 2:
            page = page.replace(b"</h1>", f" {name}</h1>".encode())
        (folder / f"{name}.html").write_bytes(page)
    return folder


def _run(*argv: str) -> int:
    return cli_main(["run", "--quiet", *argv])


def _articles_on_disk(out: Path, run_id: str | None = None) -> int:
    where = f"WHERE run_id = '{run_id}'" if run_id else ""
    glob = str(out).replace("[", "[[]") + "/articles/*/part-*.parquet"  # DuckDB's glob, escaped
    return duckdb.connect().execute(f"SELECT count(*) FROM read_parquet('{glob}') {where}").fetchone()[0]


def _manifest(out: Path, run_id: str) -> dict:
    return json.loads((out / "_runs" / f"{run_id}.json").read_text())


def test_a_reused_run_id_is_refused_unless_replace_run(tmp_path: Path, capsys) -> None:
    a = _inputs(tmp_path / "a", ["a1", "a2", "a3", "a4"])
    b = _inputs(tmp_path / "b", ["b1", "b2", "b3", "b4", "b5", "b6"])
    out = tmp_path / "out"
    assert _run("--input", str(a / "*"), "--output", str(out), "--run-id", "daily") == 0
    before = sorted(p.read_bytes() for p in out.glob("*/*/part-*.parquet"))
    capsys.readouterr()
    assert _run("--input", str(b / "*"), "--output", str(out), "--run-id", "daily") == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--replace-run" in err[0] and "daily" in err[0]
    assert sorted(p.read_bytes() for p in out.glob("*/*/part-*.parquet")) == before  # nothing touched
    assert _run("--input", str(b / "*"), "--output", str(out), "--run-id", "daily", "--replace-run") == 0
    manifest = _manifest(out, "daily")
    assert manifest["replaced"] is True
    assert manifest["outcomes"]["articles"] == _articles_on_disk(out) == 6  # only b's run is left, counted whole


def test_a_run_id_that_prefixes_another_counts_only_its_own_files(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert _run("--input", str(_inputs(tmp_path / "a", ["x1", "x2"]) / "*"), "--output", str(out), "--run-id", "nightly") == 0
    assert _run("--input", str(_inputs(tmp_path / "b", ["y1", "y2", "y3"]) / "*"), "--output", str(out), "--run-id", "nightly-2") == 0
    for run_id, articles in (("nightly", 2), ("nightly-2", 3)):
        manifest = _manifest(out, run_id)
        assert manifest["outcomes"]["articles"] == _articles_on_disk(out, run_id) == articles
        assert manifest["reconciled"] is True
        assert all(pq.read_schema(out / f).metadata[b"dealstream.run_id"].decode() == run_id for f in manifest["files"])


def test_an_output_path_with_glob_characters_works(tmp_path: Path) -> None:
    out = tmp_path / "out[1]"
    assert _run("--input", str(_inputs(tmp_path / "a", ["g1", "g2", "g3"]) / "*"), "--output", str(out), "--run-id", "g") == 0
    manifest = _manifest(out, "g")
    assert manifest["outcomes"]["articles"] == _articles_on_disk(out) == 3
    assert manifest["reconciled"] is True


@pytest.mark.parametrize("run_id", ["../escape", "a b", ".hidden", "x" * 101, "-flag"])
def test_bad_run_ids_are_usage_errors_before_any_work(tmp_path: Path, run_id: str, capsys) -> None:
    out = tmp_path / "out"
    assert _run("--input", str(_inputs(tmp_path / "a", ["r1"]) / "*"), "--output", str(out), f"--run-id={run_id}") == 2
    assert "--run-id" in capsys.readouterr().err
    assert not out.exists()  # checked before DIR is even created


def test_an_unwritable_output_dir_is_a_usage_error(tmp_path: Path, capsys) -> None:
    seeds = _inputs(tmp_path / "a", ["w1"])
    targets = [tmp_path / "file-not-dir" / "out"]
    (tmp_path / "file-not-dir").write_text("x")
    if not os.access("/sys", os.W_OK) or os.geteuid() == 0:
        targets.append(Path("/sys"))  # a read-only directory even for root
    if os.geteuid() != 0:
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o555)
        targets.append(locked)
    for out in targets:
        capsys.readouterr()
        assert _run("--input", str(seeds / "*"), "--output", str(out)) == 2, out
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and "--output" in err[0] and "Traceback" not in err[0]


@pytest.mark.parametrize("kind", ["garbage", "foreign"])
def test_an_unreadable_file_in_articles_stops_the_run(tmp_path: Path, kind: str, capsys) -> None:
    seeds = _inputs(tmp_path / "a", ["k1", "k2", "k3"])
    out = tmp_path / "out"
    assert _run("--input", str(seeds / "*"), "--output", str(out), "--run-id", "first") == 0
    bad = out / "articles" / "published_date=2024-01-01" / "part-other-00000.parquet"
    bad.parent.mkdir(parents=True, exist_ok=True)
    if kind == "garbage":
        bad.write_bytes(b"PAR1 this is not parquet")
    else:
        pq.write_table(pa.table({"doc_id": pa.array([1, 2], pa.int64())}), bad)
    capsys.readouterr()
    assert _run("--input", str(seeds / "*"), "--output", str(out), "--run-id", "second") == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(bad) in err[0]
    assert not (out / "_runs" / "second.json").exists()
    assert not list(out.glob("*/*/part-second-*.parquet"))  # no document written again
    shutil.rmtree(bad.parent)
