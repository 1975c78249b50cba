"""Numbers for the feed path, printed (not asserted): parse speed, client speed on loopback,
and what the billion-laughs pre-check saves.

    .venv/bin/python -m bench.feeds_bench

Needs ../shared/corpus for the parse and page numbers; sends traffic to 127.0.0.1 only.
"""

from __future__ import annotations

import io
import resource
import statistics
import time
from pathlib import Path

import feedparser

from pipeline.http.client import HttpClient, HttpSettings
from tests.feed_server import FIXTURES, FeedServer, Response
from transforms.text.feed_parse import parse_feed

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


def bench_parse() -> None:
    files = sorted((SHARED / "feeds/rss-parser/input").glob("*")) + sorted(
        (SHARED / "feeds/feed-rs/fixture").rglob("*.xml")
    )
    bodies = [f.read_bytes() for f in files]
    started = time.perf_counter()
    entries = 0
    for _ in range(3):
        for body in bodies:
            entries += len(
                parse_feed(body, {"Content-Type": "application/xml"}, "http://127.0.0.1/f").entries
            )
    elapsed = time.perf_counter() - started
    size = sum(map(len, bodies)) * 3 / 2**20
    print(
        f"parse_feed: {len(bodies) * 3} documents, {entries} entries, {size:.1f} MiB in {elapsed:.2f}s "
        f"= {len(bodies) * 3 / elapsed:.0f} docs/s, {entries / elapsed:.0f} entries/s"
    )


def bench_fetch() -> None:
    pages = sorted((SHARED / "html-extraction/scrapinghub-aeb/html").glob("*.html.gz"))
    server = FeedServer()
    try:
        for i, page in enumerate(pages):
            server.add(
                f"/p{i}",
                Response(200, page.read_bytes(), {"Content-Type": "text/html", "Content-Encoding": "gzip"}),
            )
        client = HttpClient(HttpSettings(min_host_delay=0.0, allow_private_networks=True))
        latencies = []
        started = time.perf_counter()
        decoded = 0
        for i in range(len(pages)):
            t = time.perf_counter()
            result = client.fetch(server.url(f"/p{i}"))
            latencies.append(time.perf_counter() - t)
            decoded += len(result.body)
        elapsed = time.perf_counter() - started
        print(
            f"HttpClient on loopback: {len(pages)} gzip pages ({decoded / 2**20:.1f} MiB decoded) in {elapsed:.2f}s "
            f"= {len(pages) / elapsed:.0f} pages/s, median {statistics.median(latencies) * 1000:.1f} ms"
        )
    finally:
        server.close()


def bench_billion_laughs() -> None:
    body = (FIXTURES / "feeds" / "billion_laughs.xml").read_bytes()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t = time.perf_counter()
    result = parse_feed(body, {"Content-Type": "text/xml"}, "http://127.0.0.1/")
    ours = time.perf_counter() - t
    mid = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t = time.perf_counter()
    raw = feedparser.parse(io.BytesIO(body), response_headers={"content-type": "text/xml"})
    theirs = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        f"billion laughs: parse_feed -> {result.error_type} in {ours * 1000:.2f} ms (+{(mid - before) / 1024:.0f} MiB peak); "
        f"bare feedparser -> bozo={raw.bozo} ({type(raw.get('bozo_exception')).__name__}) "
        f"in {theirs * 1000:.0f} ms (+{(after - mid) / 1024:.0f} MiB peak)"
    )


if __name__ == "__main__":
    if SHARED.is_dir():
        bench_parse()
        bench_fetch()
    else:
        print(f"{SHARED} absent: parse and fetch numbers skipped")
    bench_billion_laughs()
