"""Latency from a feed update to a row readable in DIR, local continuous mode (printed, not asserted).

    .venv/bin/python -m bench.stream_latency [--poll-interval 10] [--updates 8] [--memory-cycles 200]

A real server on 127.0.0.1 serves a feed (with an ETag, so quiet polls are 304s). A writer
thread adds one new entry (and its page) every ``1.3 x poll interval`` seconds; a reader thread
queries ``DIR/articles`` with DuckDB every 50 ms and notes when each entry's row is first
readable. Latency = first readable - added to the feed; expected about half a poll interval
(the wait for the next poll) plus one cycle. Then ``--memory-cycles`` quick polls of an
unchanged feed show whether the process's memory grows with the number of cycles.
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import tempfile
import threading
import time
from pathlib import Path

import duckdb

from pipeline.cli import main
from tests.feed_server import FeedServer, Response, page_html, rss

BODY = "The provincial board of investment said the new plant would add jobs and raise exports."


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class ChangingFeed:
    def __init__(self, server: FeedServer) -> None:
        self.server = server
        self.items: list[dict] = []
        self.lock = threading.Lock()
        server.add("/feed.xml", self.respond)

    def respond(self, req, _n) -> Response:
        with self.lock:
            etag = f'"v{len(self.items)}"'
            if req.headers.get("if-none-match") == etag:
                return Response(304)
            body = rss(list(reversed(self.items)))
        return Response(200, body, {"Content-Type": "application/rss+xml", "ETag": etag})

    def add(self, number: int) -> str:
        url = self.server.add_page(
            f"/site/{number}", page_html(f"Plant {number}", [f"{BODY} ({number})"] * 6)
        )
        with self.lock:
            self.items.append({"title": f"Plant {number}", "link": url})
        return url


def stream_argv(feed: str, out: str, poll: float, **bounds: str) -> list[str]:
    argv = ["stream", "--feed", feed, "--output", out, "--poll-interval", str(poll), "--quiet"]
    for flag, value in bounds.items():
        argv += [f"--{flag.replace('_', '-')}", value]
    return argv + ["--allow-private-networks", "--ignore-robots", "--host-delay", "0", "--compact-every", "0"]


def latency_run(poll: float, updates: int) -> None:
    server = FeedServer()
    feed = ChangingFeed(server)
    out = tempfile.mkdtemp(prefix="stream-latency-")
    added: dict[str, float] = {}
    readable: dict[str, float] = {}
    done = threading.Event()

    def writer() -> None:
        time.sleep(poll * 0.7)
        for number in range(updates):
            added[feed.add(number)] = time.time()
            time.sleep(poll * 1.3)

    def reader() -> None:
        con = duckdb.connect()
        while not done.is_set():
            if list(Path(out).glob("articles/*/*.parquet")):
                try:
                    urls = con.sql(f"SELECT url FROM read_parquet('{out}/articles/*/*.parquet')").fetchall()
                except duckdb.Error:
                    urls = []
                now = time.time()
                for (url,) in urls:
                    readable.setdefault(url, now)
            time.sleep(0.05)

    threads = [threading.Thread(target=writer, daemon=True), threading.Thread(target=reader, daemon=True)]
    for thread in threads:
        thread.start()
    duration = poll * 0.7 + updates * poll * 1.3 + 2 * poll
    main(stream_argv(server.url("/feed.xml"), out, poll, duration=str(duration)))
    time.sleep(0.3)
    done.set()
    server.close()
    manifest = json.loads(next(Path(out, "_runs").glob("*.json")).read_text())
    cycles = manifest["recent_cycles"]
    busy = [c["seconds"] for c in cycles if c["outcomes"]["articles"]]
    quiet = [c["seconds"] for c in cycles if not c["outcomes"]["articles"]]
    latencies = sorted(readable[url] - at for url, at in added.items() if url in readable)
    print(
        f"poll interval {poll:g}s, {len(added)} entries added, {len(latencies)} readable, {len(cycles)} cycles"
    )
    print(
        f"  cycle with a new entry: median {statistics.median(busy):.2f}s (min {min(busy):.2f}, max {max(busy):.2f})"
    )
    if quiet:
        print(f"  cycle with nothing new (304): median {statistics.median(quiet):.2f}s")
    print("  feed update -> readable row, seconds: " + ", ".join(f"{x:.2f}" for x in latencies))
    print(
        f"  median {statistics.median(latencies):.2f}s, max {max(latencies):.2f}s "
        f"(bound: poll interval + one cycle = {poll + max(busy):.2f}s)"
    )


def memory_run(cycles: int) -> None:
    server = FeedServer()
    feed = ChangingFeed(server)
    for number in range(5):
        feed.add(number)
    out = tempfile.mkdtemp(prefix="stream-memory-")
    samples: list[tuple[int, float]] = []
    done = threading.Event()

    def sampler() -> None:
        runs = Path(out, "_runs")
        while not done.is_set():
            paths = list(runs.glob("*.json")) if runs.is_dir() else []
            if paths:
                try:
                    completed = json.loads(paths[0].read_text())["cycles"]["completed"]
                except (OSError, ValueError, KeyError):
                    completed = None
                if completed and (not samples or samples[-1][0] != completed):
                    samples.append((completed, rss_mib()))
            time.sleep(0.05)

    thread = threading.Thread(target=sampler, daemon=True)
    thread.start()
    started = time.monotonic()
    main(stream_argv(server.url("/feed.xml"), out, 0.05, max_polls=str(cycles)))
    elapsed = time.monotonic() - started
    done.set()
    server.close()
    marks = [s for s in samples if s[0] in {1, 10, cycles // 4, cycles // 2, cycles} or s == samples[-1]]
    print(f"{cycles} cycles of an unchanged feed (304) in {elapsed:.1f}s = {elapsed / cycles:.2f}s per cycle")
    print("  RSS after cycle n: " + ", ".join(f"n={n}: {mib:.0f} MiB" for n, mib in marks))


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--poll-interval", type=float, default=10.0)
    parser.add_argument("--updates", type=int, default=8)
    parser.add_argument("--memory-cycles", type=int, default=200)
    args = parser.parse_args()
    logging.disable(logging.INFO)
    latency_run(args.poll_interval, args.updates)
    if args.memory_cycles:
        memory_run(args.memory_cycles)


if __name__ == "__main__":
    cli()
