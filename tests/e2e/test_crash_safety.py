"""SIGKILL a real `dealstream run` (seed files, and an archive run in batches) at several points,
run it again, and compare with an uninterrupted run: no partial file, no duplicate doc_id, the
same rows. Kill points are counts of committed files (fixed list; more with DEALSTREAM_KILL_POINTS,
see `make test-kill`)."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline.cli import main as cli_main
from tests.warc_fixtures import MARKETS, WEATHER, Rec, story, write_warc

REPO = Path(__file__).resolve().parents[2]
TABLES = ("articles", "investments", "errors", "skips")
COUNTRIES = ["Kenya", "Peru", "Vietnam", "Poland", "Chile", "Ghana", "Egypt", "Brazil"]


def _kill_points(default: list[int]) -> list[int]:
    extra = int(os.environ.get("DEALSTREAM_KILL_POINTS", "0"))
    if not extra:
        return default
    return sorted(set(default) | set(random.Random(7).sample(range(0, 40), min(extra, 40))))


@pytest.fixture(scope="module")
def seeds(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("seeds")
    for n, country in enumerate(COUNTRIES * 2):
        (folder / f"story-{n:02d}.html").write_bytes(story(n, f"Northwind Group {n}", f"${n + 2}0 million", country))
    (folder / "weather.html").write_bytes(WEATHER)
    (folder / "markets.html").write_bytes(MARKETS)
    (folder / "broken.html").write_bytes(bytes(range(256)) * 8)
    return folder


@pytest.fixture(scope="module")
def archives(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("warcs")
    for a in range(3):
        records = []
        for n in range(4):
            k = a * 4 + n
            records.append(Rec(f"http://a{a}.test/story-{n}", story(k, f"Harbor Works {k}", f"${k + 3}0 million", COUNTRIES[k % 8])))
        records.append(Rec(f"http://a{a}.test/weather", WEATHER))
        write_warc(folder / f"crawl-{a}.warc.gz", records)
    return folder


def _files(out: Path) -> list[Path]:
    return [p for t in TABLES for p in (out / t).glob("*/part-*.parquet")]


def _rows(out: Path, table: str, columns: list[str]) -> list[tuple]:
    rows = []
    for path in _files(out):
        if path.parts[-3] == table:
            rows.extend(tuple(r[c] for c in columns) for r in pq.read_table(path, columns=columns).to_pylist())
    return rows


def _kill_after(argv: list[str], out: Path, files: int) -> bool:
    """Start the CLI, SIGKILL it once ``files`` files are committed (0: once it marked its run).
    Returns whether the kill landed before the process finished."""
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", *argv], cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while proc.poll() is None:
            marked = any((out / "_runs").glob("*.running")) if (out / "_runs").is_dir() else False
            if (files == 0 and marked) or (files > 0 and len(_files(out)) >= files):
                proc.send_signal(signal.SIGKILL)
                proc.wait(timeout=30)
                return True
            time.sleep(0.002)
        return False
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)


def _assert_same(out: Path, reference: Path) -> None:
    for path in _files(out):
        pq.read_metadata(path)  # every visible file is whole
    assert not list((out / "_runs").glob("*.running"))
    articles = _rows(out, "articles", ["doc_id"])
    assert len(articles) == len(set(articles)), "a doc_id was written twice"
    assert set(articles) == set(_rows(reference, "articles", ["doc_id"]))
    deal = ["doc_id", "investor", "target_country", "amount"]
    assert Counter(_rows(out, "investments", deal)) == Counter(_rows(reference, "investments", deal))
    assert Counter(_rows(out, "errors", ["source", "stage"])) == Counter(_rows(reference, "errors", ["source", "stage"]))


def _scenario(tmp_path: Path, base: list[str], points: list[int]) -> None:
    reference = tmp_path / "reference"
    assert cli_main(["run", *base, "--output", str(reference), "--quiet"]) == 0
    landed = 0
    for i, files in enumerate(points):
        out = tmp_path / f"killed-{i}"
        same_id = i % 2 == 0  # half the re-runs reuse the killed run's id, half take a fresh one
        argv = [*base, "--output", str(out), "--quiet", "--run-id", f"k{i}"]
        killed = _kill_after(["run", *argv], out, files)
        landed += killed
        killed_mid_run = killed and any((out / "_runs").glob("*.running"))
        rerun = argv if same_id and killed else [*base, "--output", str(out), "--quiet", "--run-id", f"k{i}-again"]
        assert cli_main(["run", *rerun]) == 0, f"re-run after a kill at {files} files"
        _assert_same(out, reference)
        if killed_mid_run and files > 0:  # files were committed, then undone and redone
            assert any(json.loads(m.read_text()).get("rolled_back_runs") for m in (out / "_runs").glob("*.json"))
    assert landed, "no kill landed before the run finished: the test proved nothing"


def test_seed_run_killed_at_several_points_then_rerun_equals_uninterrupted(seeds: Path, tmp_path: Path) -> None:
    _scenario(tmp_path, ["--input", str(seeds / "*"), "--num-shards", "8"], _kill_points([0, 3]))


def test_archive_batches_killed_then_rerun_equals_uninterrupted(archives: Path, tmp_path: Path) -> None:
    _scenario(tmp_path, ["--warc", str(archives / "*.warc.gz"), "--records-per-run", "4", "--num-shards", "4"], _kill_points([5]))
