"""robots.txt through the real client and a local server."""

from __future__ import annotations

import pytest

from pipeline.http.client import HttpClient, HttpSettings
from pipeline.http.politeness import host_key
from pipeline.http.robots import RobotsCache
from tests.feed_server import Response

pytest_plugins = ["tests.feed_fixtures"]
pytestmark = pytest.mark.usefixtures("no_dns")

SETTINGS = HttpSettings(
    connect_timeout=1,
    read_timeout=1,
    backoff_initial=0.01,
    max_attempts=2,
    min_host_delay=0.0,
    allow_private_networks=True,
    max_crawl_delay=0.5,
)

ROBOTS = b"""User-agent: *
Disallow: /private/

User-agent: dealstream
Disallow: /no-dealstream/
Crawl-delay: 7
"""


def test_rules_apply_to_our_agent_and_are_fetched_once(feed_server):
    feed_server.add("/robots.txt", Response(200, ROBOTS, {"Content-Type": "text/plain"}))
    client = HttpClient(SETTINGS)
    robots = RobotsCache(client)
    assert robots.check(feed_server.url("/news/1")).allowed
    verdict = robots.check(feed_server.url("/no-dealstream/2"))
    assert not verdict.allowed and verdict.error_type == "robots_disallowed"
    assert robots.check(feed_server.url("/private/3")).allowed  # that group is for other agents
    assert feed_server.count("/robots.txt") == 1
    # Crawl-delay 7 is honoured but clamped by max_crawl_delay.
    assert client.pacer.delay_for(host_key(feed_server.base)) == 0.5


def test_missing_robots_allows_everything(feed_server):
    robots = RobotsCache(HttpClient(SETTINGS))
    assert robots.check(feed_server.url("/anything")).allowed  # the server answers 404


def test_unreachable_robots_disallows_for_this_run(feed_server):
    feed_server.add("/robots.txt", Response(503, b"down"))
    verdict = RobotsCache(HttpClient(SETTINGS)).check(feed_server.url("/news/1"))
    assert not verdict.allowed and verdict.error_type == "robots_unavailable"


def test_robots_fetch_is_guarded_like_the_page(feed_server):
    settings = HttpSettings(**{**SETTINGS.__dict__, "allow_private_networks": False})
    verdict = RobotsCache(HttpClient(settings)).check(feed_server.url("/news/1"))
    assert not verdict.allowed and "blocked_address" in verdict.reason
    assert feed_server.log == []
