"""The unbounded graph, run locally with a bounded PeriodicImpulse in --streaming mode, gives the
same article and investment rows as the local cycles from the same served feeds."""

from __future__ import annotations

import re
import time
from collections import Counter
from datetime import timedelta

import apache_beam as beam
import pytest
from apache_beam.options.pipeline_options import PipelineOptions

from pipeline.cli import main
from pipeline.feeds.feed_list import FeedSpec
from pipeline.feeds.jobs import FeedRunSettings
from pipeline.http.client import HttpSettings
from pipeline.stream.graph import StreamGraphConfig, build_stream_pipeline
from tests.conftest import SEED, seed_as_html
from tests.feed_server import page_html, rss
from tests.outputs import read_rows

pytest_plugins = ["tests.feed_fixtures"]
pytestmark = pytest.mark.usefixtures("no_dns")

IGNORED = {"run_id", "ingested_at"}
BODY = "Exporters and importers met the chamber of commerce to discuss freight costs and tariffs."


def comparable(rows: list[dict]) -> list[tuple]:
    return sorted(tuple(sorted((k, str(v)) for k, v in r.items() if k not in IGNORED)) for r in rows)


def test_unbounded_graph_and_cycles_write_identical_rows(feed_server, tmp_path):
    s = feed_server
    items = [
        {
            "title": "Whale Cloud",
            "link": s.add_page("/site/x", seed_as_html(SEED.read_text(encoding="utf-8"))),
        },
        {
            "title": "Freight",
            "link": s.add_page("/site/f", page_html("Freight", [BODY] * 6, "2025-02-03T08:00:00Z")),
            "pubDate": "Mon, 03 Feb 2025 08:00:00 GMT",
        },
        {"title": "Tariffs", "link": s.add_page("/site/t", page_html("Tariffs", [BODY + " Tariffs."] * 6))},
    ]
    feed = s.add_feed("/feed.xml", rss(items), rewrite=False)  # no validators: every poll is a 200
    ttl = timedelta(days=3650)  # the dated entry is years old: keep it inside the TTL

    cycles = tmp_path / "cycles"
    argv = ["stream", "--feed", feed, "--output", str(cycles), "--max-polls", "1", "--dedup-ttl", "3650d"]
    argv += ["--allow-private-networks", "--ignore-robots", "--host-delay", "0", "--compact-every", "0"]
    assert main(argv) == 0
    pages_after_cycles = {p: s.count(p) for p in ("/site/x", "/site/f", "/site/t")}

    unbounded = tmp_path / "unbounded"
    settings = FeedRunSettings(
        feeds=(FeedSpec(url=feed),),
        http=HttpSettings(min_host_delay=0.0, allow_private_networks=True, read_timeout=10.0),
        respect_robots=False,
    )
    start = time.time()
    cfg = StreamGraphConfig(
        run_id="stream1",
        output=str(unbounded),
        feeds=settings,
        start=start,
        stop=start + 1.5,  # polls at start and start + 1 s
        poll_interval=1.0,
        ttl=ttl,
        window_seconds=60.0,
        num_shards=2,
        pipeline_version="0.1.0",
    )
    with beam.Pipeline(options=PipelineOptions(["--runner=FnApiRunner", "--streaming"])) as p:
        build_stream_pipeline(p, cfg)

    assert s.count("/feed.xml") == 3  # one cycle + two polls of the unbounded graph
    # Each page once per mode: the second poll's entries were duplicates in keyed state.
    assert {p: s.count(p) - pages_after_cycles[p] for p in pages_after_cycles} == {
        p: 1 for p in pages_after_cycles
    }
    skips = Counter(r["reason"] for r in read_rows(unbounded, "skips"))
    assert skips == Counter({"duplicate": 3})

    cycle_articles, stream_articles = read_rows(cycles, "articles"), read_rows(unbounded, "articles")
    assert len(stream_articles) == 3 and comparable(stream_articles) == comparable(cycle_articles)
    investments = read_rows(unbounded, "investments")
    assert len(investments) == 1 and comparable(investments) == comparable(read_rows(cycles, "investments"))

    names = [p.name for p in unbounded.glob("*/*/*.parquet")]
    assert names and all(re.fullmatch(r"part-stream1-\d{8}T\d{6}Z-\d{5}\.parquet", n) for n in names), names
