"""transforms.text.feed_parse on self-written fixtures and, when present, the shared feed corpus."""

from __future__ import annotations

import json
import resource
import time
from pathlib import Path

import pytest

from tests.feed_server import FIXTURES
from transforms.text.feed_parse import html_to_text, parse_feed, unsafe_dtd_reason

FEEDS = FIXTURES / "feeds"
XML = {"Content-Type": "application/rss+xml"}


def parse(name: str, headers=None, url="https://news.example.com/feeds/business"):
    return parse_feed((FEEDS / name).read_bytes(), XML if headers is None else headers, url)


def test_rss20_entries_links_dates_and_content():
    result = parse("rss20_business.xml")
    assert result.ok and result.format == "rss20" and not result.bozo
    assert result.title == "Example Business Desk"
    first, relative, updated_only = result.entries
    assert first.url == "https://news.example.com/business/2024/03/05/harbour-terminal.html"
    assert first.published == "2024-03-05T04:30:00+00:00"  # +0500 converted to UTC
    assert first.entry_id == "bn-1001"
    assert first.content.startswith("KARACHI: A harbour operator") and "\n" in first.content
    assert first.summary == "The operator said the terminal would open in 2026."
    assert first.word_count > 40
    assert relative.url == "https://news.example.com/business/2024/03/04/relative.html"
    # dc:date is where feedparser puts "updated"; it is not a publication date here.
    assert updated_only.published is None


def test_atom_published_never_updated_and_xml_base():
    result = parse("atom10_markets.xml", {"Content-Type": "application/atom+xml"})
    assert result.format == "atom10"
    solar, no_published = result.entries
    assert solar.url == "https://markets.example.org/stories/solar-developer"
    assert solar.published == "2024-03-06T06:15:00+00:00"
    assert solar.title == "Fund backs solar developer"
    assert no_published.published is None


@pytest.mark.parametrize("name", ["rss20_latin1.xml", "rss20_undeclared_latin1.xml"])
def test_latin1_feeds_decode(name):
    result = parse(name, {"Content-Type": "text/xml; charset=iso-8859-1"} if "undeclared" in name else XML)
    assert result.ok and result.entries
    assert any(ch in (result.title or "") for ch in "éç")


def test_http_charset_overrides_a_wrong_declaration():
    body = (FEEDS / "rss20_latin1.xml").read_bytes()
    result = parse_feed(body, {"Content-Type": "application/xml; charset=iso-8859-1"}, "https://l.example/")
    assert "milhões" in result.entries[0].title


def test_not_a_feed_is_an_error():
    assert parse("not_a_feed.html", {"Content-Type": "text/html"}).error_type == "not_a_feed"


def test_truncated_feed_is_recovered_and_flagged():
    result = parse("truncated.xml")
    assert result.ok and result.bozo and "no element found" in result.bozo_reason
    assert result.entries[0].url == "https://cut.example.com/1"
    assert result.entries[0].published == "2024-03-06T10:00:00+00:00"


def test_wrong_content_type_is_recovered_and_flagged():
    result = parse("rss20_business.xml", {"Content-Type": "text/plain"})
    assert result.ok and len(result.entries) == 3
    assert result.bozo and "NonXMLContentType" in result.bozo_reason


def test_billion_laughs_is_refused_quickly_in_little_memory():
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    result = parse("billion_laughs.xml")
    assert result.error_type == "unsafe_dtd" and "expands other entities" in result.error_message
    assert time.monotonic() - started < 0.5
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 20_000  # KiB


def test_external_entity_is_not_read():
    result = parse("external_entity.xml")
    texts = [result.title or ""] + [f"{e.title} {e.summary}" for e in result.entries]
    assert result.entries and not any("root:" in t for t in texts)


def test_a_body_that_names_a_local_file_is_not_opened(tmp_path):
    secret = tmp_path / "secret.xml"
    secret.write_bytes((FEEDS / "rss20_business.xml").read_bytes())
    # feedparser.parse(bytes) would open() this path; parse_feed must treat it as data.
    result = parse_feed(str(secret).encode(), XML, "https://x.example/")
    assert not result.entries and result.error_type is not None


def test_unsafe_dtd_rules():
    assert unsafe_dtd_reason(b'<!DOCTYPE r [<!ENTITY a "&b;&b;">]><r/>')
    assert unsafe_dtd_reason(b'<!DOCTYPE r [<!ENTITY a "' + b"x" * 5000 + b'">]><r/>')
    assert unsafe_dtd_reason(b'<!DOCTYPE r [<!ENTITY nbsp "&#160;">]><r/>') is None
    assert unsafe_dtd_reason(b'<!DOCTYPE r [<!ENTITY % lat1 PUBLIC "-//W3C" "x.ent">]><r/>') is None
    assert unsafe_dtd_reason(b"<rss><!ENTITY inside body is not a declaration></rss>") is None


def test_html_to_text():
    assert html_to_text("<p>One &amp; two</p><p>Three</p><script>x()</script>") == "One & two\nThree"
    assert html_to_text("") is None and html_to_text("<p> </p>") is None


# --- the shared corpus ------------------------------------------------------------------------


def _feedparser_cases(shared: Path):
    root = shared / "corpus" / "feeds" / "feedparser-tests"
    return root, json.loads((root / "index.json").read_text())


def _headers(case) -> dict[str, str]:
    headers = {"Content-Type": "application/xml"}
    for line in case.get("http_headers") or []:
        key, value = line.split(":", 1)
        headers[key.strip()] = value.strip()
    return headers


def test_feedparser_suite_ill_formed_cases_are_never_silent(shared_dir):
    root, cases = _feedparser_cases(shared_dir)
    silent = []
    for case in cases:
        if not case["expects_bozo"]:
            continue
        result = parse_feed((root / case["file"]).read_bytes(), _headers(case), "http://127.0.0.1/feed")
        if not result.bozo and result.error_type is None:
            silent.append(case["file"])
    assert silent == []


def test_feedparser_suite_wellformed_cases_keep_their_entries(shared_dir):
    import io

    import feedparser

    root, cases = _feedparser_cases(shared_dir)
    checked, lost = 0, []
    for case in cases:
        if case["expects_bozo"] or case["file"].endswith(".json"):
            continue
        body = (root / case["file"]).read_bytes()
        expected = len(feedparser.parse(io.BytesIO(body), response_headers=_headers(case)).entries)
        result = parse_feed(body, _headers(case), "http://127.0.0.1/feed")
        checked += expected > 0
        if expected and len(result.entries) != expected:
            lost.append((case["file"], result.error_type))
    assert checked > 100 and lost == []


@pytest.mark.parametrize(
    "name,fmt,count",
    [
        ("guardian.rss", "rss20", 55),
        ("heise.atom", "atom10", 15),
        ("encoding.rss", "rss20", 40),
        ("uolNoticias.rss", "rss", 15),
        ("craigslist.rss", "rss10", 25),
        ("heraldsun.rss", "rss092", 2),
    ],
)
def test_real_news_feeds(shared_dir, name, fmt, count):
    body = (shared_dir / "corpus/feeds/rss-parser/input" / name).read_bytes()
    result = parse_feed(body, {"Content-Type": "application/xml"}, "http://127.0.0.1/feed")
    assert result.ok and result.format == fmt and len(result.entries) == count
    assert all(e.url and e.url.startswith("http") for e in result.entries)
    golden_path = shared_dir / "corpus/feeds/rss-parser/output" / (name.rsplit(".", 1)[0] + ".json")
    golden = json.loads(golden_path.read_bytes().decode("latin-1" if name == "encoding.rss" else "utf-8"))
    items = golden["feed"]["items"]
    for entry, item in zip(result.entries, items, strict=True):
        link = item["link"].strip()
        # FeedBurner feeds: the publisher's own URL (feedburner:origLink) is preferred over the
        # tracking redirect that rss-parser reports; the article slug is the same.
        assert entry.url == link or entry.url.rsplit("/", 1)[-1] == link.rsplit("/", 1)[-1]
        title = " ".join((item.get("title") or "").split())
        if "&#" not in title and "<" not in title and "\ufffd" not in title:  # rss-parser keeps raw markup
            assert " ".join((entry.title or "").split()) == title


def test_not_a_feed_and_truncated_real_documents(shared_dir):
    html = (shared_dir / "corpus/feeds/rss-parser/input/unrecognized.rss").read_bytes()
    assert parse_feed(html, {"Content-Type": "text/xml"}, "http://h/").error_type == "not_a_feed"
    cut = (shared_dir / "corpus/feeds/feed-rs/fixture/rss2/rss_2.0_invalid_1.xml").read_bytes()
    assert parse_feed(cut, {"Content-Type": "text/xml"}, "http://h/").error_type == "unparseable"
