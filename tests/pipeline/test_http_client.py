"""The HTTP client against a real server on 127.0.0.1 that misbehaves on purpose."""

from __future__ import annotations

import gzip
import time

import brotli
import pytest

from pipeline.http.client import HttpClient, HttpSettings, parse_retry_after
from tests.feed_server import Response, gzip_response

pytest_plugins = ["tests.feed_fixtures"]  # the feed_server and no_dns fixtures

pytestmark = pytest.mark.usefixtures("no_dns")

FAST = dict(
    connect_timeout=1.0,
    read_timeout=1.0,
    backoff_initial=0.01,
    backoff_max=2.0,
    min_host_delay=0.0,
    max_attempts=3,
    allow_private_networks=True,
)


def client(**overrides) -> HttpClient:
    return HttpClient(HttpSettings(**{**FAST, **overrides}))


def test_plain_fetch_sends_user_agent_and_detects_charset(feed_server):
    url = feed_server.add(
        "/p", Response(200, "café".encode("latin-1"), {"Content-Type": "text/html; charset=ISO-8859-1"})
    )
    result = client().fetch(url)
    assert result.ok and result.status == 200 and result.attempts == 1
    assert result.body.decode(result.charset) == "café"
    ua = feed_server.requests_to("/p")[0].headers["user-agent"]
    assert ua.startswith("dealstream/") and "(+http" in ua


def test_charset_from_document_when_header_has_none(feed_server):
    body = b'<?xml version="1.0" encoding="windows-1252"?><rss/>'
    url = feed_server.add("/x", Response(200, body, {"Content-Type": "application/xml"}))
    assert client().fetch(url).charset == "cp1252"


def test_500s_then_success_is_retried(feed_server):
    url = feed_server.add_sequence("/flaky", [Response(500), Response(503), Response(200, b"ok")])
    result = client().fetch(url)
    assert result.ok and result.body == b"ok"
    assert result.attempts == 3 and feed_server.count("/flaky") == 3


def test_500s_exhaust_retries_as_transient_error(feed_server):
    url = feed_server.add("/down", Response(502, b"bad gateway"))
    result = client(max_attempts=2).fetch(url)
    assert result.error_type == "http_status" and result.status == 502 and result.transient
    assert feed_server.count("/down") == 2


def test_404_is_not_retried(feed_server):
    url = feed_server.add("/gone", Response(404, b"nope"))
    result = client().fetch(url)
    assert result.error_type == "http_status" and result.status == 404 and not result.transient
    assert feed_server.count("/gone") == 1


def test_429_waits_for_retry_after(feed_server):
    url = feed_server.add_sequence(
        "/limited", [Response(429, headers={"Retry-After": "1"}), Response(200, b"ok")]
    )
    result = client().fetch(url)
    assert result.ok
    first, second = feed_server.requests_to("/limited")
    assert second.at - first.at >= 0.95


def test_429_with_retry_after_beyond_cap_gives_up_at_once(feed_server):
    url = feed_server.add("/later", Response(429, headers={"Retry-After": "3600"}))
    result = client(backoff_max=5.0).fetch(url)
    assert result.status == 429 and result.transient and "cap" in result.error_message
    assert feed_server.count("/later") == 1


def test_slower_than_read_timeout_is_a_timeout(feed_server):
    url = feed_server.add("/slow", Response(200, b"late", delay=1.5))
    result = client(read_timeout=0.2, max_attempts=2).fetch(url)
    assert result.error_type == "timeout" and result.transient
    assert feed_server.count("/slow") == 2


def test_slow_drip_is_cut_by_the_attempt_deadline(feed_server):
    url = feed_server.add("/drip", Response(200, b"x" * 20 * 1024, drip=0.05))
    started = time.monotonic()
    result = client(attempt_deadline=0.3, max_attempts=1).fetch(url)
    assert result.error_type == "timeout"
    assert time.monotonic() - started < 0.9


def test_redirects_are_followed_and_recorded(feed_server):
    feed_server.add("/a", Response(301, headers={"Location": "/b"}))
    feed_server.add("/b", Response(302, headers={"Location": feed_server.url("/c")}))
    feed_server.add("/c", Response(200, b"end"))
    result = client().fetch(feed_server.url("/a"))
    assert result.ok and result.body == b"end"
    assert result.final_url == feed_server.url("/c") and len(result.redirects) == 2


def test_redirect_loop_stops(feed_server):
    feed_server.add("/r1", Response(302, headers={"Location": "/r2"}))
    feed_server.add("/r2", Response(302, headers={"Location": "/r1"}))
    result = client().fetch(feed_server.url("/r1"))
    assert result.error_type == "redirect_loop"
    assert feed_server.count("/r1") == 1 and feed_server.count("/r2") == 1


def test_too_many_redirects_stops(feed_server):
    feed_server.add("/hop*", lambda req, n: Response(302, headers={"Location": f"{req.path}x"}))
    result = client(max_redirects=3).fetch(feed_server.url("/hop"))
    assert result.error_type == "too_many_redirects"
    assert len(feed_server.requests_to("/hop")) == 4


@pytest.mark.parametrize(
    "target",
    ["http://localhost:{port}/secret", "http://169.254.169.254/latest/meta-data/", "file:///etc/passwd"],
)
def test_redirect_to_a_guarded_address_is_refused_before_sending(feed_server, target):
    target = target.format(port=feed_server.port)
    url = feed_server.add("/feed", Response(302, headers={"Location": target}))
    # The operator listed this feed (trusted), so 127.0.0.1 itself may be fetched; the redirect
    # target comes from the response and is checked.
    result = client(allow_private_networks=False).fetch(url, trusted=True)
    assert result.error_type in ("blocked_address", "blocked_scheme"), result
    assert [r.path for r in feed_server.log] == ["/feed"]


def test_untrusted_loopback_url_is_refused_without_a_request(feed_server):
    url = feed_server.add("/entry", Response(200, b"secret"))
    result = client(allow_private_networks=False).fetch(url)
    assert result.error_type == "blocked_address" and "loopback" in result.error_message
    assert feed_server.log == []


def test_truncated_body_is_an_error(feed_server):
    url = feed_server.add("/cut", Response(200, b"x" * 500, declared_length=5000))
    result = client(max_attempts=2).fetch(url)
    assert result.error_type == "truncated" and result.transient
    assert feed_server.count("/cut") == 2


@pytest.mark.parametrize("send_length", [True, False])
def test_oversized_body_is_too_large(feed_server, send_length):
    url = feed_server.add("/big", Response(200, b"x" * 300_000, send_length=send_length))
    result = client(max_body_bytes=100_000).fetch(url)
    assert result.error_type == "too_large" and not result.transient and result.body == b""
    assert feed_server.count("/big") == 1


def test_gzip_bomb_is_stopped_at_the_decoded_cap(feed_server):
    bomb = gzip.compress(b"\0" * 64 * 2**20, compresslevel=9)  # 64 MiB of zeros in ~64 KB
    assert len(bomb) < 100_000
    url = feed_server.add(
        "/bomb", Response(200, bomb, {"Content-Type": "text/html", "Content-Encoding": "gzip"})
    )
    result = client(max_decoded_bytes=2 * 2**20).fetch(url)
    assert result.error_type == "too_large" and "bomb" in result.error_message and result.body == b""


def test_gzip_and_brotli_bodies_are_decoded(feed_server):
    text = b"<html><body><p>" + b"word " * 2000 + b"</p></body></html>"
    gz = feed_server.add("/gz", gzip_response(text))
    br = feed_server.add("/br", Response(200, brotli.compress(text), {"Content-Encoding": "br"}))
    c = client()
    assert c.fetch(gz).body == text and c.fetch(br).body == text
    assert "br" in feed_server.requests_to("/br")[0].headers["accept-encoding"]


def test_corrupt_gzip_is_an_error(feed_server):
    url = feed_server.add("/corrupt", Response(200, b"not gzip at all", {"Content-Encoding": "gzip"}))
    assert client().fetch(url).error_type == "bad_content_encoding"


def test_conditional_get_returns_unchanged(feed_server):
    def handler(req, n):
        if req.headers.get("if-none-match") == '"v1"':
            return Response(304)
        return Response(200, b"<rss/>", {"ETag": '"v1"', "Last-Modified": "Mon, 01 Jan 2024 00:00:00 GMT"})

    url = feed_server.add("/cond", handler)
    c = client()
    first = c.fetch(url)
    assert first.ok and first.header("etag") == '"v1"'
    second = c.fetch(url, etag=first.header("etag"), last_modified=first.header("last-modified"))
    assert second.unchanged and second.error_type is None and second.body == b""
    assert feed_server.requests_to("/cond")[1].headers["if-modified-since"] == "Mon, 01 Jan 2024 00:00:00 GMT"


def test_http_proxy_from_environment_and_no_proxy(feed_server, monkeypatch):
    feed_server.add("/via", Response(200, b"proxied"))
    monkeypatch.setenv("HTTP_PROXY", feed_server.base)
    monkeypatch.setenv("http_proxy", feed_server.base)
    # A name that is never resolved locally: the proxy receives the absolute URL.
    result = client().fetch("http://feeds.example.invalid/via", trusted=True)
    assert result.ok and result.body == b"proxied"
    assert feed_server.log[-1].proxied and feed_server.log[-1].path == "/via"
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    assert client().fetch(feed_server.url("/via")).ok
    assert not feed_server.log[-1].proxied


def test_connection_refused_is_a_transient_connection_error():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # bound but not listening: connections are refused
        result = client(max_attempts=2).fetch(f"http://127.0.0.1:{port}/x")
    assert result.error_type == "connection" and result.transient and result.attempts == 2


def test_politeness_spaces_requests_to_one_host(feed_server):
    url = feed_server.add("/p*", Response(200, b"ok"))
    c = client(min_host_delay=0.25)
    for i in range(4):
        assert c.fetch(f"{url[:-1]}{i}").ok
    times = [r.at for r in feed_server.requests_to("/p")]
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert len(gaps) == 3 and min(gaps) >= 0.2, gaps  # paced at 0.25 s; unpaced ~2 ms


def test_parse_retry_after_forms():
    from datetime import UTC, datetime

    now = datetime(2024, 1, 1, tzinfo=UTC)
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after("Mon, 01 Jan 2024 00:00:30 GMT", now) == 30.0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None
