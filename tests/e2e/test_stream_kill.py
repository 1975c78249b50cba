"""Kills and signals, made deterministic: the test server blocks on a chosen request (or the stream
blocks on a FIFO at its state's temporary name), the test sends the signal, then restarts and
compares the output with an uninterrupted run of the same served feed.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.feeds.state import load_state
from pipeline.stream.recovery import read_marker
from pipeline.stream.seen_store import STORE_NAME, load_seen, store_path
from tests.conftest import SEED, seed_as_html
from tests.feed_server import FeedServer, Response, page_html, rss
from tests.outputs import read_rows

pytest_plugins = ["tests.feed_fixtures"]
pytestmark = pytest.mark.usefixtures("no_dns")  # in-process parts; the subprocess only gets 127.0.0.1 URLs

REPO = Path(__file__).resolve().parents[2]
IGNORED = {"run_id", "ingested_at"}  # differ between any two runs by design
BODY = "The business desk reports on trade, markets and company results in the region this week."


class Gate:
    """Blocks the first request to ``path`` once armed, until released."""

    def __init__(self) -> None:
        self.path: str | None = None
        self.reached = threading.Event()
        self.release = threading.Event()

    def arm(self, path: str) -> None:
        self.path = path
        self.reached.clear()
        self.release.clear()

    def open(self) -> None:
        self.path = None
        self.release.set()

    def wrap(self, path: str, response: Response):
        def handler(_req, _n):
            if self.path == path:
                self.path = None
                self.reached.set()
                self.release.wait(60)
            return response

        return handler


@pytest.fixture(scope="module")
def site():
    server = FeedServer()
    gate = Gate()
    items = []
    for key in "ABCD":
        html = page_html(f"Story {key}", [f"{BODY} ({key})"] * 6)
        path = f"/site/{key}"
        server.add(
            path, gate.wrap(path, Response(200, html.encode(), {"Content-Type": "text/html; charset=utf-8"}))
        )
        items.append({"title": f"Story {key}", "link": server.url(path)})
    seed = seed_as_html(SEED.read_text(encoding="utf-8")).encode()
    server.add(
        "/site/X", gate.wrap("/site/X", Response(200, seed, {"Content-Type": "text/html; charset=utf-8"}))
    )
    items.append({"title": "Whale Cloud", "link": server.url("/site/X")})
    body = rss(items)

    def feed(req, _n):
        if req.headers.get("if-none-match") == '"v1"':
            return Response(304)
        return Response(200, body, {"Content-Type": "application/rss+xml", "ETag": '"v1"'})

    server.add("/feed.xml", feed)
    server.gate = gate
    yield server
    gate.open()
    server.close()


def args(site: FeedServer, out: Path, *extra: str) -> list[str]:
    return [
        "stream",
        "--feed",
        site.url("/feed.xml"),
        "--output",
        str(out),
        "--allow-private-networks",
        "--ignore-robots",
        "--host-delay",
        "0",
        "--http-timeout",
        "30",
        "--compact-every",
        "0",
        *extra,
    ]


@pytest.fixture(scope="module")
def uninterrupted(site, tmp_path_factory):
    out = tmp_path_factory.mktemp("uninterrupted")
    assert main(args(site, out, "--max-polls", "1")) == 0
    return out


def rows(out: Path, table: str) -> list[tuple]:
    got = [
        tuple(sorted((k, str(v)) for k, v in r.items() if k not in IGNORED)) for r in read_rows(out, table)
    ]
    return sorted(got)


def assert_same_output(out: Path, baseline: Path) -> None:
    articles = read_rows(out, "articles")
    assert len(articles) == 5 and len({r["doc_id"] for r in articles}) == 5
    assert rows(out, "articles") == rows(baseline, "articles")
    assert rows(out, "investments") == rows(baseline, "investments")
    assert len(read_rows(out, "investments")) == 1


class Stream:
    """``python -m pipeline stream ...`` in a subprocess, its stderr lines readable with a timeout."""

    def __init__(self, argv: list[str]) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "pipeline", *argv], cwd=REPO, stderr=subprocess.PIPE, text=True
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.log: list[str] = []
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        for line in self.proc.stderr:
            self.lines.put(line)

    def wait_for(self, text: str, timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                assert self.proc.poll() is None, (
                    f"stream exited ({self.proc.returncode}): {''.join(self.log)[-2000:]}"
                )
                continue
            self.log.append(line)
            if text in line:
                return line
        raise AssertionError(f"no {text!r} within {timeout}s: {''.join(self.log)[-2000:]}")

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)


def test_kill_while_a_page_is_fetched_then_restart_equals_uninterrupted(site, uninterrupted, tmp_path):
    out = tmp_path / "out"
    site.gate.arm("/site/C")
    stream = Stream(args(site, out, "--max-polls", "1"))
    try:
        assert site.gate.reached.wait(60), "the stream never asked for the gated page"
        stream.kill()
    finally:
        site.gate.open()
    assert not list(out.glob("articles/*/*.parquet"))  # nothing committed yet
    killed = read_marker(str(out))["in_progress"]
    assert killed

    assert main(args(site, out, "--max-polls", "1")) == 0
    assert_same_output(out, uninterrupted)
    manifests = {p.stem: json.loads(p.read_text()) for p in (out / "_runs").glob("*.json")}
    restarted = next(m for m in manifests.values() if m["status"].startswith("max polls"))
    assert restarted["recovered"]["action"] == "rolled_back" and restarted["recovered"]["run_id"] == killed
    old = next(m for m in manifests.values() if m is not restarted)
    assert old["status"].startswith(f"interrupted; cycle {killed} rolled_back")


def test_kill_after_files_are_committed_before_state_is_saved(site, uninterrupted, tmp_path):
    out = tmp_path / "out"
    (out / "_tmp").mkdir(parents=True)
    # The stream saves its dedup store through a fixed temporary name in DIR/_tmp/ (it is DIR's
    # only writer): a FIFO there blocks that save after the cycle's Parquet and feed state are committed.
    fifo = out / "_tmp" / (STORE_NAME + ".tmp")
    os.mkfifo(fifo)
    stream = Stream(args(site, out, "--max-polls", "1"))
    try:
        stream.wait_for("output committed")
        time.sleep(0.2)
        assert stream.proc.poll() is None  # blocked opening the FIFO
    finally:
        stream.kill()
    killed = read_marker(str(out))["in_progress"]
    assert len({r["doc_id"] for r in read_rows(out, "articles")}) == 5  # the files are there
    assert load_state(str(out)).run_id == killed  # and the feed state says so
    assert not store_path(str(out)).exists()  # but the stream's own state was not saved
    fifo.unlink()  # a real kill leaves at most a partial regular file there, which a save overwrites

    assert main(args(site, out, "--max-polls", "1")) == 0
    assert_same_output(out, uninterrupted)
    assert len(load_seen(str(out), datetime.now(UTC))) == 5  # the write-ahead records were merged


def _signal_when(condition, *signums: int) -> threading.Thread:
    """Send ``signums`` to this process once ``condition()`` holds (the stream runs in the main thread)."""

    def run():
        deadline = time.monotonic() + 60
        while not condition() and time.monotonic() < deadline:
            time.sleep(0.05)
        for signum in signums:
            os.kill(os.getpid(), signum)
            time.sleep(0.1)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_sigint_during_a_cycle_finishes_it_and_exits_0_with_a_manifest(site, tmp_path):
    out = tmp_path / "out"
    site.gate.arm("/site/B")
    thread = _signal_when(site.gate.reached.is_set, signal.SIGINT)
    threading.Thread(target=lambda: (thread.join(), time.sleep(0.2), site.gate.open()), daemon=True).start()
    assert main(args(site, out, "--poll-interval", "120")) == 0
    manifest = json.loads(next((out / "_runs").glob("*.json")).read_text())
    assert manifest["status"] == "stopped by SIGINT" and manifest["exit_code"] == 0
    assert manifest["cycles"] == {"completed": 1, "failed": 0}
    assert len(read_rows(out, "articles")) == 5  # the cycle in flight was finished
    assert read_marker(str(out))["in_progress"] is None


def test_sigterm_between_polls_stops_at_once(site, tmp_path):
    out = tmp_path / "out"

    def first_cycle_done() -> bool:
        paths = list((out / "_runs").glob("*.json"))
        return bool(paths) and json.loads(paths[0].read_text())["cycles"]["completed"] == 1

    _signal_when(first_cycle_done, signal.SIGTERM)
    started = time.monotonic()
    assert main(args(site, out, "--poll-interval", "120")) == 0
    assert time.monotonic() - started < 60  # not the poll interval
    manifest = json.loads(next((out / "_runs").glob("*.json")).read_text())
    assert manifest["status"] == "stopped by SIGTERM" and manifest["cycles"]["completed"] == 1


def test_second_signal_abandons_the_cycle_and_undoes_it(site, tmp_path):
    out = tmp_path / "out"
    site.gate.arm("/site/D")
    thread = _signal_when(site.gate.reached.is_set, signal.SIGINT, signal.SIGTERM)
    threading.Thread(target=lambda: (thread.join(), time.sleep(0.2), site.gate.open()), daemon=True).start()
    assert main(args(site, out, "--poll-interval", "120")) == 0
    manifest = json.loads(next((out / "_runs").glob("*.json")).read_text())
    assert manifest["status"] == "stopped by SIGTERM (cycle 1 abandoned)", manifest["status"]
    assert not read_rows(out, "articles")  # undone: no partial output
    assert read_marker(str(out))["in_progress"] is None
    assert load_state(str(out)).run_id is None  # the feed state was never saved: validators unchanged
    assert not list((out / "_state" / "stream_pending").glob("*.parquet"))
