"""FetchFeeds on a real Beam runner against a real server on 127.0.0.1."""

from __future__ import annotations

import pytest
from apache_beam.testing.test_pipeline import TestPipeline as BeamTestPipeline
from apache_beam.testing.util import assert_that

from pipeline.feeds.feed_list import FeedSpec
from pipeline.feeds.jobs import FeedRunSettings
from pipeline.feeds.source import FetchFeeds, WriteFeedState
from pipeline.feeds.state import FailedEntry, FeedHealth, FeedState, load_state, save_state
from pipeline.http.client import HttpSettings
from tests.feed_server import FIXTURES, Response, page_html, rss

pytest_plugins = ["tests.feed_fixtures"]
pytestmark = pytest.mark.usefixtures("no_dns")

LONG = " ".join(["The investment programme will expand capacity across the region."] * 12)


def http(**kw) -> HttpSettings:
    base = dict(
        connect_timeout=1.0,
        read_timeout=1.0,
        backoff_initial=0.01,
        backoff_max=1.0,
        max_attempts=2,
        min_host_delay=0.0,
        allow_private_networks=True,
    )
    return HttpSettings(**{**base, **kw})


def run_feeds(settings: FeedRunSettings, output: str, checks: dict) -> None:
    with BeamTestPipeline(runner="FnApiRunner") as p:
        out = p | "FetchFeeds" >> FetchFeeds(settings, "run1", output)
        for name, check in checks.items():
            assert_that(getattr(out, name), check, label=f"check_{name}")
        _ = out.outcomes | WriteFeedState(output, "run1", settings.max_entry_attempts)


def matcher(fn):
    def check(actual):
        fn(list(actual))

    return check


def test_feeds_to_documents_errors_skips_and_state(feed_server, tmp_path):
    s = feed_server
    s.add(
        "/robots.txt",
        Response(200, b"User-agent: *\nDisallow: /site/private/\n", {"Content-Type": "text/plain"}),
    )
    good = s.add_page("/site/good", page_html("Good story", ["Body text of the good story. " * 10]))
    missing = s.url("/site/missing")  # 404
    short_missing = s.url("/site/short-missing")  # 404, summary too short for a fallback
    private = s.url("/site/private/page")  # disallowed by robots.txt
    shared = s.add_page("/site/shared", page_html("Shared story", ["In two feeds. " * 20]))
    pdf = s.add("/site/report.pdf", Response(200, b"%PDF-1.4", {"Content-Type": "application/pdf"}))
    retry = s.add_page("/site/retry", page_html("Retried story", ["Fetched on the second run. " * 10]))
    s.add_feed(
        "/a.xml",
        rss(
            [
                {"title": "Good", "link": good, "pubDate": "Tue, 05 Mar 2024 09:30:00 GMT"},
                {"title": "Missing", "link": missing, "description": LONG},
                {"title": "Short", "link": short_missing, "description": "Too short."},
                {"title": "Private", "link": private, "description": "x"},
                {"title": "Shared A", "link": shared},
                {"title": "PDF", "link": pdf},
            ]
        ),
        rewrite=False,
    )
    s.add_feed("/b.xml", rss([{"title": "Shared B", "link": shared}]), rewrite=False)
    s.add(
        "/c.xml",
        lambda req, n: Response(304) if req.headers.get("if-none-match") == '"v1"' else Response(500),
    )
    s.add("/d.xml", Response(500, b"down"))
    s.add("/e.html", Response(200, b"<html><body>moved</body></html>", {"Content-Type": "text/html"}))
    s.add(
        "/f.xml",
        Response(200, (FIXTURES / "feeds" / "billion_laughs.xml").read_bytes(), {"Content-Type": "text/xml"}),
    )
    # Served as text/plain: feedparser flags it ill-formed but recovers the entry.
    s.add(
        "/g.xml", Response(200, rss([{"title": "Good again", "link": good}]), {"Content-Type": "text/plain"})
    )

    out = str(tmp_path)
    urls = {k: s.url(f"/{k}.xml") for k in "abcdfg"} | {"e": s.url("/e.html")}
    state = FeedState(feeds={urls["c"]: FeedHealth(url=urls["c"], etag='"v1"')})
    state.failed_entries[retry] = FailedEntry(
        url=retry, feed_url=urls["c"], attempts=1, title="Retried story"
    )
    save_state(out, state)
    settings = FeedRunSettings(
        feeds=tuple(FeedSpec(url=u, name=k) for k, u in urls.items()),
        http=http(min_host_delay=0.15),
        feed_content_min_words=50,
    )

    def docs(items):
        by_url = {d.url: d for d in items}
        assert set(by_url) == {good, missing, shared, retry}, sorted(by_url)
        assert by_url[good].content and by_url[good].published == "2024-03-05T09:30:00+00:00"
        assert by_url[good].source == urls["a"] and by_url[good].source_kind == "feed"
        assert by_url[missing].content is None and by_url[missing].text.startswith("The investment")
        assert by_url[retry].source == urls["c"]

    def errors(items):
        got = sorted((e.source.rsplit("/", 1)[-1], e.stage, e.error_type) for e in items)
        assert got == [
            ("a.xml", "fetch_page", "http_404"),
            ("a.xml", "fetch_page", "robots_disallowed"),
            ("a.xml", "fetch_page_fallback", "http_404"),
            ("d.xml", "fetch_feed", "http_500"),
            ("e.html", "parse_feed", "not_a_feed"),
            ("f.xml", "parse_feed", "unsafe_dtd"),
            ("g.xml", "parse_feed_recovered", "ill_formed_feed"),
        ], got
        assert all(e.run_id == "run1" for e in items)

    def skips(items):
        got = sorted((k.source.rsplit("/", 1)[-1], k.reason) for k in items)
        assert got == [
            ("a.xml", "not_html"),
            ("b.xml", "duplicate"),
            ("c.xml", "unchanged"),
            ("g.xml", "duplicate"),
        ], got

    run_feeds(settings, out, {"docs": matcher(docs), "errors": matcher(errors), "skips": matcher(skips)})

    # Politeness: page requests to the one host are spaced by the minimum delay.
    times = [r.at for r in s.requests_to("/site/")]
    assert len(times) == 6  # good, missing, short, shared, pdf, retry (private: robots, no request)
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert min(gaps) >= 0.1, gaps  # paced at 0.15 s; unpaced requests arrive ~2 ms apart
    assert s.count("/site/shared") == 1 and s.count("/site/private/page") == 0

    # State: validators, health, retries cleared or recorded.
    after = load_state(out)
    assert after.feeds[urls["c"]].etag == '"v1"' and after.feeds[urls["c"]].consecutive_failures == 0
    assert after.feeds[urls["d"]].consecutive_failures == 1 and after.feeds[urls["d"]].last_status == 500
    assert after.feeds[urls["a"]].entries_seen == 6 and after.feeds[urls["a"]].new_entries == 3
    assert after.failed_entries == {}  # the retry succeeded; 404s are permanent
    assert short_missing in after.given_up and private in after.given_up
    # Every response that arrived is archived.
    archives = list((tmp_path / "raw").rglob("*.warc.gz"))
    assert {a.name.split("-")[0] for a in archives} == {"feeds", "pages"}


def test_guard_fetches_the_listed_feed_but_none_of_its_loopback_entries(feed_server, tmp_path):
    s = feed_server
    entries = [{"title": f"E{i}", "link": s.url(f"/site/e{i}"), "description": "short"} for i in range(3)]
    feed = s.add_feed("/feed.xml", rss(entries), rewrite=False)
    s.add_page("/site/e0", page_html("never", ["never fetched"]))
    settings = FeedRunSettings(feeds=(FeedSpec(url=feed),), http=http(allow_private_networks=False))

    def errors(items):
        assert sorted(e.error_type for e in items) == ["blocked_address"] * 3
        assert all("loopback" in e.message for e in items)

    def no_docs(items):
        assert items == []

    run_feeds(settings, str(tmp_path), {"errors": matcher(errors), "docs": matcher(no_docs)})
    assert [r.path for r in s.log] == ["/robots.txt", "/feed.xml"]


def test_unchanged_feed_still_retries_its_failed_entries_until_the_cap(feed_server, tmp_path):
    s = feed_server
    s.add("/feed.xml", Response(304))
    flaky = s.add("/site/flaky", Response(503, b"busy"))
    out = str(tmp_path)
    state = FeedState(feeds={s.url("/feed.xml"): FeedHealth(url=s.url("/feed.xml"), etag='"x"')})
    state.failed_entries[flaky] = FailedEntry(url=flaky, feed_url=s.url("/feed.xml"), attempts=1)
    save_state(out, state)
    settings = FeedRunSettings(
        feeds=(FeedSpec(url=s.url("/feed.xml")),), http=http(), max_entry_attempts=3, respect_robots=False
    )

    def errors(items):
        assert [e.error_type for e in items] == ["http_503"]
        assert "attempt 2 of 3" in items[0].message

    run_feeds(settings, out, {"errors": matcher(errors)})
    assert load_state(out).failed_entries[flaky].attempts == 2
    assert s.count("/site/flaky") == 2  # two attempts within the run (max_attempts=2)
