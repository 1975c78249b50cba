"""The local continuous mode end to end: ``dealstream stream`` against a real server on 127.0.0.1
whose feed changes between polls (new items, an edited entry, a 304, a 500), read back with DuckDB.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from pipeline.cli import main
from pipeline.stream.seen_store import load_seen
from tests.conftest import SEED, seed_as_html
from tests.feed_server import FeedServer, Response, page_html, rss
from tests.outputs import read_rows

pytest_plugins = ["tests.feed_fixtures"]
pytestmark = pytest.mark.usefixtures("no_dns")

NOW = datetime.now(UTC)
BODY = "The regional business desk reports on trade, markets and company results this week."


def pub(delta: timedelta) -> str:
    return format_datetime(NOW - delta, usegmt=True)


def serve_site(s: FeedServer) -> dict[str, str]:
    """Pages A..E and X (the seed story: one investment); S is stale and must never be fetched."""
    urls = {}
    for key in "ABCDES":
        urls[key] = s.add_page(f"/site/{key}", page_html(f"Story {key}", [f"{BODY} Item {key}."] * 6))
    urls["X"] = s.add_page("/site/X", seed_as_html(SEED.read_text(encoding="utf-8")))
    return urls


def stream_args(out, *feeds: str, polls: int, compact_every: str = "0") -> list[str]:
    args = ["stream", "--output", str(out), "--poll-interval", "0.1", "--max-polls", str(polls)]
    for feed in feeds:
        args += ["--feed", feed]
    return args + [
        "--allow-private-networks",
        "--ignore-robots",
        "--host-delay",
        "0",
        "--http-attempts",
        "1",
        "--http-timeout",
        "5",
        "--compact-every",
        compact_every,
        "--compact-min-files",
        "2",
    ]


def test_continuous_mode_writes_each_article_exactly_once(feed_server, tmp_path, capsys):
    s = feed_server
    u = serve_site(s)
    a = {"title": "Story A", "link": u["A"], "pubDate": pub(timedelta(hours=2))}
    b1 = {"title": "Story B", "link": u["B"], "description": "first version"}
    b2 = {"title": "Story B (corrected)", "link": u["B"], "description": "second version"}
    stale = {"title": "Old S", "link": u["S"], "pubDate": pub(timedelta(days=60))}
    x = {"title": "Whale Cloud", "link": u["X"], "pubDate": pub(timedelta(hours=5))}
    c = {"title": "Story C", "link": u["C"], "pubDate": pub(timedelta(hours=1))}
    d = {"title": "Story D", "link": u["D"]}
    versions = {0: [a, b1, stale, x], 1: [a, b2, stale, x, c], 4: [d, c, x, b2, a, stale]}
    validators_seen: list[str | None] = []

    def main_feed(req, n):
        validators_seen.append(req.headers.get("if-none-match"))
        if n == 2:  # poll 3: the client must ask conditionally, and nothing changed
            return Response(304) if req.headers.get("if-none-match") == '"v1"' else Response(200, rss([a]))
        if n == 3:
            return Response(500, b"down for maintenance")
        items = versions[min(k for k in versions if k >= n) if n <= 4 else 4]
        return Response(200, rss(items), {"Content-Type": "application/rss+xml", "ETag": f'"v{n}"'})

    feed = s.add("/feed.xml", main_feed)
    # A second feed lists A too (the same article via two feeds) and E.
    other = s.add_feed("/other.xml", rss([a, {"title": "Story E", "link": u["E"]}]), rewrite=False)
    out = tmp_path / "out"
    assert main(stream_args(out, feed, other, polls=5, compact_every="0.1")) == 0  # compacts between polls
    log = capsys.readouterr().err  # the CLI configures logging to stderr

    articles = read_rows(out, "articles")
    by_url = Counter(r["url"] for r in articles)
    assert by_url == Counter({u[k]: 1 for k in "ABCDEX"}), by_url
    titles = {r["url"]: r["title"] for r in articles}
    assert titles[u["B"]] == "Story B"  # the first version is the one kept
    investments = read_rows(out, "investments")
    assert [(r["investor"], r["amount"]) for r in investments] == [("Whale Cloud", 70_000_000.0)]

    # Only unseen entries were fetched: every page once, the stale one never.
    assert {k: s.count(f"/site/{k}") for k in "ABCDESX"} == {**{k: 1 for k in "ABCDEX"}, "S": 0}
    assert validators_seen[:3] == [None, '"v0"', '"v1"']  # conditional GETs

    skips = Counter((r["source"].rsplit("/", 1)[-1], r["reason"]) for r in read_rows(out, "skips"))
    assert skips[("feed.xml", "edited")] == 1  # B changed once; its later sightings are duplicates
    assert skips[("feed.xml", "stale")] == 3  # S in each of the 3 full fetches
    assert skips[("feed.xml", "unchanged")] == 1
    assert skips[("other.xml", "duplicate")] + skips[("feed.xml", "duplicate")] >= 4
    errors = [(r["source"].rsplit("/", 1)[-1], r["error_type"]) for r in read_rows(out, "errors")]
    assert errors == [("feed.xml", "http_500")]

    # One log line per cycle with per-feed counts and the cycle's latency.
    lines = re.findall(r"cycle \d+ \(\S+\) took .*", log)
    assert len(lines) == 5
    assert re.search(r"took \d+\.\d\ds: new 4,", lines[0]) and f"{feed}: new=3 " in lines[0]
    assert "unchanged=1" in lines[2] and "errors=1" in lines[3]

    manifest = json.loads(next((out / "_runs").glob("*.json")).read_text())
    assert manifest["kind"] == "stream" and manifest["status"] == "max polls reached (5)"
    assert manifest["exit_code"] == 0 and manifest["cycles"] == {"completed": 5, "failed": 0}
    assert manifest["outcomes"]["articles"] == 6 == len(articles)  # the batch manifest's outcomes shape
    assert manifest["reconciled"] and manifest["inputs"]["read"] == manifest["outcomes"]["articles"] + manifest[
        "outcomes"]["errors"] + manifest["outcomes"]["skipped"]
    assert sum(c.get("new", 0) for c in manifest["per_feed"].values()) == 6
    assert all(cycle["reconciled"] for cycle in manifest["recent_cycles"]), manifest["recent_cycles"]
    assert manifest["compactions"]["partitions"] >= 2
    # Compaction ran after the last poll too: one file per partition, the rows above intact.
    partitions = [
        d for table in ("articles", "investments", "errors", "skips") for d in (out / table).iterdir()
    ]
    assert all(len(list(d.glob("*.parquet"))) == 1 for d in partitions), [
        list(d.iterdir()) for d in partitions
    ]
    seen = load_seen(str(out), datetime.now(UTC))
    assert len(seen) == 6  # A..E and X; the stale entry is not kept

    # A restart (a new process, a feed that lists everything again with new validators).
    s.add_feed("/feed.xml", rss([a, b2, c, d, x, stale]), rewrite=False)
    assert main(stream_args(out, feed, other, polls=1)) == 0
    log = capsys.readouterr().err
    assert Counter(r["url"] for r in read_rows(out, "articles")) == by_url
    assert {k: s.count(f"/site/{k}") for k in "ABCDEX"} == {k: 1 for k in "ABCDEX"}
    assert re.search(r"cycle 1 \(\S+\) took \S+ new 0, unchanged 0, duplicate 7, edited 0, stale 1", log), log
