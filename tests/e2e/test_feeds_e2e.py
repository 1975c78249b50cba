"""End to end: ``dealstream run --feed ...`` against a server on 127.0.0.1, Parquet read back
with DuckDB."""

from __future__ import annotations

import hashlib
import html

import pytest

from pipeline.cli import main
from tests.conftest import seed_as_html
from tests.feed_server import Response, page_html, rss
from tests.outputs import manifests, read_rows

pytest_plugins = ["tests.feed_fixtures"]
pytestmark = pytest.mark.usefixtures("no_dns")

FAST = [
    "--allow-private-networks",
    "--host-delay=0",
    "--http-backoff=0.01",
    "--http-attempts=2",
    "--http-timeout=2",
    "--quiet",
]
LONG = " ".join(["The utility said the new plant would supply power to two million homes from 2027."] * 8)


def run(out, *args: str) -> int:
    return main(["run", "--output", str(out), *FAST, *args])


def with_etag(body: bytes, etag: str = '"v1"'):
    def handler(req, n):
        if req.headers.get("if-none-match") == etag:
            return Response(304, headers={"ETag": etag})
        return Response(200, body, {"Content-Type": "application/rss+xml", "ETag": etag})

    return handler


def test_feed_run_dates_fallback_and_incremental_rerun(feed_server, tmp_path, seed_text):
    s = feed_server
    whale = s.add_page(
        "/site/news/whale-cloud",
        seed_as_html(
            seed_text, '<meta property="article:published_time" content="2018-12-07T10:00:00+05:00">'
        ),
    )
    plain = s.add_page(
        "/site/news/plain", page_html("Plain story", ["A story without declared dates. " * 12])
    )
    dated = s.add_page(
        "/site/2024/03/01/url-dated", page_html("URL dated", ["Only the URL has a date here. " * 12])
    )
    gone = s.url("/site/news/gone")  # 404: the entry's own text becomes the article
    feed = s.add(
        "/business.xml",
        with_etag(
            rss(
                [
                    {
                        "title": "Whale Cloud to invest $70m",
                        "link": whale,
                        "pubDate": "Sat, 08 Dec 2018 09:00:00 GMT",
                    },
                    {"title": "Plain story", "link": plain, "pubDate": "Wed, 06 Mar 2024 08:00:00 GMT"},
                    {"title": "URL dated", "link": dated},
                    {
                        "title": "Utility plans plant",
                        "link": gone,
                        "pubDate": "Thu, 07 Mar 2024 06:00:00 GMT",
                        "description": html.escape(f"<p>{LONG}</p>"),
                    },
                ]
            )
        ),
    )
    out = tmp_path / "out"
    assert run(out, "--feed", feed) == 0

    articles = {row["url"]: row for row in read_rows(out, "articles")}
    assert set(articles) == {whale, plain, dated, gone}
    assert (str(articles[whale]["published_date"]), articles[whale]["published_at_source"]) == (
        "2018-12-07",
        "meta:article:published_time",
    )
    assert articles[plain]["published_at_source"] == "feed_entry"
    assert str(articles[plain]["published_date"]) == "2024-03-06"
    assert (
        articles[dated]["published_at_source"] == "url"
        and str(articles[dated]["published_date"]) == "2024-03-01"
    )
    assert (
        articles[gone]["text_source"] == "feed_content"
        and articles[gone]["published_at_source"] == "feed_entry"
    )
    assert {articles[u]["text_source"] for u in (whale, plain, dated)} == {"page"}
    assert all(row["source"] == feed and row["source_kind"] == "feed" for row in articles.values())

    deals = read_rows(out, "investments")
    assert [(d["investor"], d["amount"], d["url"]) for d in deals] == [("Whale Cloud", 70000000.0, whale)]
    errors = read_rows(out, "errors")
    assert [(e["stage"], e["error_type"]) for e in errors] == [("fetch_page_fallback", "http_404")]

    first = manifests(out)[0]
    assert first["inputs"]["read"] == 4 and first["reconciled"]
    report = first["feeds"]
    assert (
        report["feeds_read"] == 1 and report["pages_fetched"] == 3 and report["feed_content_fallbacks"] == 1
    )
    assert report["per_feed"][feed] == {
        "inputs": 4,
        "articles": 4,
        "errors": 0,
        "skipped": 0,
        "reconciled": True,
    }
    assert list((out / "raw").rglob("*.warc.gz"))

    # Second run: the feed answers 304; a second feed lists two of the same URLs. Nothing new is
    # fetched or written.
    other = s.add_feed(
        "/other.xml",
        rss([{"title": "Same", "link": whale}, {"title": "Same 2", "link": plain}]),
        rewrite=False,
    )
    pages_before = len(s.requests_to("/site/"))
    assert run(out, "--feed", feed, "--feed", other) == 0
    assert len(s.requests_to("/site/")) == pages_before
    assert s.requests_to("/business.xml")[-1].headers["if-none-match"] == '"v1"'
    assert len(read_rows(out, "articles")) == 4 and len(read_rows(out, "investments")) == 1
    second = manifests(out)[-1] if manifests(out)[-1]["run_id"] != first["run_id"] else manifests(out)[0]
    assert second["outcomes"]["skipped_by_reason"] == {"duplicate": 2, "unchanged": 1}
    assert second["reconciled"] and all(f["reconciled"] for f in second["feeds"]["per_feed"].values())


def test_every_feed_failing_exits_non_zero(feed_server, tmp_path):
    a = feed_server.add("/a.xml", Response(500, b"down"))
    b = feed_server.add(
        "/b.xml", Response(200, b"<html><body>not a feed</body></html>", {"Content-Type": "text/html"})
    )
    out = tmp_path / "out"
    assert run(out, "--feed", a, "--feed", b) == 1
    manifest = manifests(out)[0]
    assert manifest["status"].startswith("failed: every feed failed")
    assert sorted(e["error_type"] for e in read_rows(out, "errors")) == ["http_500", "not_a_feed"]


@pytest.mark.parametrize(
    "content,needle",
    [
        (
            "feeds:\n  - url: ftp://x.example/feed\n    name: Bad\n",
            "feeds[0] (Bad): url 'ftp://x.example/feed'",
        ),
        ("feeds:\n  - url: https://x.example/feed\n    language: english\n", "language 'english'"),
    ],
)
def test_bad_feed_list_is_a_usage_error(tmp_path, capsys, content, needle):
    path = tmp_path / "feeds.yaml"
    path.write_text(content)
    assert main(["run", "--feeds", str(path), "--output", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "--feeds" in err and needle in err


def test_feeds_check_reports_each_feed(feed_server, tmp_path, capsys):
    good = feed_server.add_feed(
        "/good.xml", rss([{"title": "A", "link": "http://x/1", "pubDate": "Wed, 06 Mar 2024 08:00:00 GMT"}])
    )
    bad = feed_server.url("/missing.xml")
    path = tmp_path / "feeds.yaml"
    path.write_text(f"feeds:\n  - url: {good}\n    name: Good\n  - url: {bad}\n    name: Missing\n")
    assert main(["feeds", "check", str(path), "--host-delay", "0", "--http-attempts", "1"]) == 1
    out = capsys.readouterr().out
    good_line = next(line for line in out.splitlines() if line.startswith("Good"))
    assert "200" in good_line and "rss20" in good_line and "2024-03-06T08:00:00+00:00" in good_line
    assert "http_status" in next(line for line in out.splitlines() if line.startswith("Missing"))
    assert "1 of 2 feeds work" in out
    assert not feed_server.requests_to("/site/")  # check fetches feeds only


def test_real_news_feed_with_real_pages(feed_server, tmp_path, shared_dir):
    """The Guardian's feed snapshot, its links rewritten to pages from the AEB benchmark
    (served gzip-encoded, as stored)."""
    pages = sorted((shared_dir / "corpus/html-extraction/scrapinghub-aeb/html").glob("*.html.gz"))

    def page(req, n):
        index = int(hashlib.sha256(req.path.encode()).hexdigest(), 16) % len(pages)
        body = pages[index].read_bytes()
        return Response(200, body, {"Content-Type": "text/html", "Content-Encoding": "gzip"})

    feed_server.add("/site/*", page)
    body = (shared_dir / "corpus/feeds/rss-parser/input/guardian.rss").read_bytes()
    feed = feed_server.add_feed("/guardian.rss", body)
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text(f"feeds:\n  - url: {feed}\n    name: Guardian\n    max_entries: 20\n")
    out = tmp_path / "out"
    assert run(out, "--feeds", str(feeds)) == 0
    articles = read_rows(out, "articles")
    manifest = manifests(out)[0]
    assert manifest["inputs"]["read"] == 55 and manifest["reconciled"]
    assert manifest["outcomes"]["skipped_by_reason"] == {"filtered": 35}
    assert len(articles) + manifest["outcomes"]["errors"] == 20
    assert len(articles) >= 18
    assert len(feed_server.requests_to("/site/")) == 20
    assert all(row["url"].startswith(feed_server.base + "/site/") for row in articles)
    assert all(row["text_source"] == "page" and row["word_count"] > 20 for row in articles)
    # Every entry request stayed on loopback and carried our User-Agent.
    assert all(r.headers["user-agent"].startswith("dealstream/") for r in feed_server.log)


def test_politeness_holds_across_worker_processes(feed_server, tmp_path):
    """Two worker processes, two feeds on one host: the host's pages are still fetched one at a
    time, at least --host-delay apart (they are fetched inside one host-keyed group)."""
    s = feed_server
    links = [
        s.add_page(f"/site/p{i}", page_html(f"Story {i}", [f"Story number {i} text. " * 12]))
        for i in range(6)
    ]
    a = s.add_feed("/a.xml", rss([{"title": f"A{i}", "link": links[i]} for i in range(3)]), rewrite=False)
    b = s.add_feed("/b.xml", rss([{"title": f"B{i}", "link": links[i]} for i in range(3, 6)]), rewrite=False)
    out = tmp_path / "out"
    args = ["--host-delay=0.4", "--feed", a, "--feed", b]
    assert run(out, *args, "--direct_num_workers=2", "--direct_running_mode=multi_processing") == 0
    assert len(read_rows(out, "articles")) == 6
    times = sorted(r.at for r in s.requests_to("/site/"))
    gaps = [later - earlier for earlier, later in zip(times, times[1:], strict=False)]
    # Server-side arrival times jitter a little under load; unpaced requests are ~2 ms apart.
    assert len(times) == 6 and min(gaps) >= 0.3, gaps
