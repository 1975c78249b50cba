"""SIGKILL a real `dealstream run` (seed files, a feed over a loopback server, an archive run in
batches) at many points, run it again, and compare with an uninterrupted run: no partial file, no
duplicate doc_id, the same rows. A kill point is either a count of committed files (0: once the
run is marked) or a fraction of the uninterrupted run's wall time (start-up, reading, fetching,
before any file). `make test` kills each path at 2 fixed points; `make test-kill`
(DEALSTREAM_KILL_POINTS=20) goes through every file count and then time fractions drawn with a
fixed seed until 20 kills per path have landed before the run's manifest (a kill that lands after
it found a finished run: compared as it is, not counted)."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline.cli import main as cli_main
from tests.feed_server import FeedServer, Response, rss
from tests.warc_fixtures import MARKETS, WEATHER, Rec, story, write_warc

REPO = Path(__file__).resolve().parents[2]
TABLES = ("articles", "investments", "errors", "skips")
COUNTRIES = ["Kenya", "Peru", "Vietnam", "Poland", "Chile", "Ghana", "Egypt", "Brazil"]
KillPoint = tuple[str, float]  # ("files", n), ("time", fraction of the uninterrupted run), ("state", 0)


def _wanted() -> int:
    return int(os.environ.get("DEALSTREAM_KILL_POINTS", "0"))


def _kill_points(default: list[KillPoint], reference_files: int, seed: int, extra: list[KillPoint]) -> Iterator[KillPoint]:
    """The default points, or with DEALSTREAM_KILL_POINTS=N: the extra points, every file count
    the uninterrupted run passes through, then time fractions (drawn with ``seed``) without end;
    the caller stops once N kills have landed."""
    if not _wanted():
        yield from default
        return
    rnd = random.Random(seed)
    yield from extra
    yield from (("files", float(n)) for n in range(0, max(reference_files, 1)))
    while True:
        yield ("time", round(rnd.uniform(0.05, 0.75), 3))


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


def _kill_after(argv: list[str], out: Path, point: KillPoint, reference_seconds: float) -> bool:
    """Start the CLI, SIGKILL it at ``point``. Returns whether the kill landed before the process
    finished."""
    kind, value = point
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", *argv], cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    started = time.monotonic()
    try:
        while proc.poll() is None:
            if kind == "state":  # the feed state is saved after the files, before the manifest
                due = (out / "_state" / "feeds.json").exists()
            elif kind == "time":
                due = time.monotonic() - started >= value * reference_seconds
            elif value == 0:
                due = (out / "_runs").is_dir() and any((out / "_runs").glob("*.running"))
            else:
                due = len(_files(out)) >= value
            if due:
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


def _scenario(tmp_path: Path, base: list[str], default: list[KillPoint], seed: int,
              extra: list[KillPoint] = ()) -> None:
    reference = tmp_path / "reference"
    started = time.monotonic()
    ref = subprocess.run([sys.executable, "-m", "pipeline", "run", *base, "--output", str(reference), "--quiet"],
                         cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=600)
    assert ref.returncode == 0
    reference_seconds = time.monotonic() - started
    wanted = _wanted()
    landed = tried = 0
    kinds: Counter[str] = Counter()
    for i, point in enumerate(_kill_points(default, len(_files(reference)), seed, list(extra))):
        if wanted and (landed >= wanted or tried >= 3 * wanted):
            break
        tried += 1
        out = tmp_path / f"killed-{i}"
        same_id = i % 2 == 0  # half the re-runs reuse the killed run's id, half take a fresh one
        argv = [*base, "--output", str(out), "--quiet", "--run-id", f"k{i}"]
        killed = _kill_after(["run", *argv], out, point, reference_seconds)
        if (out / "_runs" / f"k{i}.json").exists():  # it had finished (killed while exiting at most)
            _assert_same(out, reference)
            continue
        landed += killed
        kinds[point[0]] += killed
        killed_mid_run = killed and any((out / "_runs").glob("*.running"))
        committed = len(_files(out))
        rerun = argv if same_id and killed else [*base, "--output", str(out), "--quiet", "--run-id", f"k{i}-again"]
        assert cli_main(["run", *rerun]) == 0, f"re-run after a kill at {point}"
        _assert_same(out, reference)
        if killed_mid_run and committed > 0:  # files were committed, then undone and redone
            assert any(json.loads(m.read_text()).get("rolled_back_runs") for m in (out / "_runs").glob("*.json"))
    print(f"kill points tried: {tried}, landed before the run's manifest: {landed} {dict(kinds)}")
    assert landed >= wanted if wanted else landed, f"only {landed} of {tried} kills landed before the run finished"


def test_seed_run_killed_at_several_points_then_rerun_equals_uninterrupted(seeds: Path, tmp_path: Path) -> None:
    _scenario(tmp_path, ["--input", str(seeds / "*"), "--num-shards", "8"], [("files", 0), ("files", 3)], 7)


def test_archive_batches_killed_then_rerun_equals_uninterrupted(archives: Path, tmp_path: Path) -> None:
    _scenario(
        tmp_path,
        ["--warc", str(archives / "*.warc.gz"), "--records-per-run", "4", "--num-shards", "4"],
        [("files", 5), ("time", 0.4)],
        8,
    )


@pytest.fixture
def news_feed(monkeypatch):
    """A feed of 12 stories and a weather page, with an ETag (a re-run asks If-None-Match), plus
    one entry whose page is gone (an error row): served on 127.0.0.1 to the CLI subprocesses."""
    server = FeedServer()
    items = []
    for n in range(12):
        link = server.add_page(f"/site/news/story-{n}", story(n, f"Lakeside Foods {n}", f"${n + 4}0 million", COUNTRIES[n % 8]))
        items.append({"title": f"Lakeside Foods {n}", "link": link, "guid": link})
    items.append({"title": "Weather", "link": server.add_page("/site/news/weather", WEATHER)})
    items.append({"title": "Gone", "link": server.url("/site/news/gone")})  # 404, no fallback text
    body = rss(items)

    def feed(req, _n):
        if req.headers.get("if-none-match") == '"v1"':
            return Response(304, headers={"ETag": '"v1"'})
        return Response(200, body, {"Content-Type": "application/rss+xml", "ETag": '"v1"'})

    url = server.add("/feeds/news.xml", feed)
    yield url
    server.close()


def test_feed_run_killed_then_rerun_equals_uninterrupted(news_feed: str, tmp_path: Path) -> None:
    flags = ["--allow-private-networks", "--host-delay=0", "--http-attempts=1", "--http-timeout=5"]
    _scenario(tmp_path, ["--feed", news_feed, *flags, "--num-shards", "4"], [("files", 0), ("files", 4), ("state", 0)], 9,
              extra=[("state", 0)])
