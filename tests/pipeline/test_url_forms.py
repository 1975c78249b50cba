"""One URL parser for guard and client, and connections pinned to the checked address.

A loopback "victim" listener counts TCP connections (accepts), not requests: a connect alone
is enough to scan ports. ``public.test`` resolves to 127.0.0.2, which these tests declare
public (a loopback stand-in for a real site, so nothing leaves the machine); 127.0.0.1 stays
refused by the guard, so any accept on the victim is a guard bypass.
"""

from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from pipeline.feeds.feed_list import FeedSpec
from pipeline.feeds.jobs import FeedRunSettings
from pipeline.http import address_guard
from pipeline.http.client import HttpClient, HttpSettings
from pipeline.http.urls import UnsafeURL, parse_url
from tests.feed_server import Response, rss
from tests.pipeline.test_feeds_source import matcher, run_feeds

pytest_plugins = ["tests.feed_fixtures"]

PUBLIC_STANDIN = "127.0.0.2"


class Victim:
    """A TCP listener that records every accepted connection and closes it at once."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((host, port))
        self.sock.listen(16)
        self.sock.settimeout(0.05)
        self.port = self.sock.getsockname()[1]
        self.accepts = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.accepts += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.sock.close()


@pytest.fixture
def victim():
    v = Victim()
    yield v
    v.close()


@pytest.fixture
def fake_dns(monkeypatch, no_dns):
    """``public.test`` -> 127.0.0.2 (declared public); ``rebind.test`` -> 127.0.0.2 once, then 127.0.0.1."""
    lookups: list[str] = []
    real_problem = address_guard.address_problem

    def problem(ip):
        return None if str(ip) == PUBLIC_STANDIN else real_problem(ip)

    def getaddrinfo(host, port, *args, **kwargs):
        name = host.decode() if isinstance(host, bytes) else host
        if name in ("public.test", "rebind.test"):
            lookups.append(name)
            first = lookups.count(name) == 1
            address = PUBLIC_STANDIN if name == "public.test" or first else "127.0.0.1"
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, int(port or 80)))]
        return no_dns(host, port, *args, **kwargs)

    monkeypatch.setattr(address_guard, "address_problem", problem)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return lookups


def guarded_client() -> HttpClient:
    return HttpClient(
        HttpSettings(
            connect_timeout=1.0,
            read_timeout=1.0,
            max_attempts=1,
            min_host_delay=0.0,
            allow_private_networks=False,
        )
    )


HOSTILE = [
    ("http://127.0.0.1:{v}\\@public.test/", "backslash"),
    ("http://127.0.0.1:{v}\\\\@public.test/x", "backslash"),
    ("http://127.0.0.1:{v}@public.test/", "userinfo"),
    ("http://public.test@127.0.0.1:{v}/", "userinfo"),
    ("http://u:p@public.test:{v}/", "userinfo"),
    ("http://%31%32%37.0.0.1:{v}/", "percent"),
    ("http://public%2etest:{v}/", "percent"),
    ("http://2130706433:{v}/", "non-standard form"),
    ("http://0177.0.0.1:{v}/", "non-standard form"),
    ("http://0x7f.0.0.1:{v}/", "non-standard form"),
    ("http://127.1:{v}/", "non-standard form"),
    ("http://[::1%25lo]:{v}/", "zone id"),
    ("http://[fe80::1%lo]:{v}/", "zone id"),
    ("http://127.0.0.1:{v} @public.test/", "whitespace"),
    ("http://public.test\t@127.0.0.1:{v}/", "whitespace"),
    ("http://127.0.0.1:{v}\n.public.test/", "whitespace"),
    ("http://127.0.0.1:{v}\x00.public.test/", "control"),
    ("http://127.0.0.1:+{v}/", "bad port"),
    ("http://public.test:/", "bad port"),
    ("http://pub!ic.test/", "DNS name set"),
]


@pytest.mark.parametrize("template,why", HOSTILE)
def test_hostile_forms_are_refused_by_the_one_parser(template, why):
    with pytest.raises(UnsafeURL, match=why):
        parse_url(template.format(v=8080))


@pytest.mark.parametrize(
    "url,authority,target",
    [
        ("http://Example.COM/a?b=1#frag", "example.com", "/a?b=1"),
        ("https://example.com:8443", "example.com:8443", "/"),
        ("http://[2606:4700::1111]:81/x", "[2606:4700::1111]:81", "/x"),
        ("http://bücher.example/straße", "xn--bcher-kva.example", "/stra%C3%9Fe"),
        ("http://93.184.216.34/", "93.184.216.34", "/"),
        ("HTTP://example.com:80/", "example.com", "/"),
    ],
)
def test_ordinary_urls_parse_to_what_the_client_sends(url, authority, target):
    parsed = parse_url(url)
    assert (parsed.authority, parsed.target) == (authority, target)


@pytest.mark.parametrize("template,why", HOSTILE)
def test_no_hostile_form_reaches_the_victim(template, why, victim, fake_dns):
    decoy = Victim(PUBLIC_STANDIN)
    try:
        result = guarded_client().fetch(template.format(v=victim.port))
    finally:
        decoy.close()
    assert result.error_type in ("bad_url", "blocked_address"), result
    assert victim.accepts == 0 and decoy.accepts == 0


def test_hostile_redirect_from_a_trusted_feed_reaches_no_victim(feed_server, victim, fake_dns):
    url = feed_server.add(
        "/r", Response(302, headers={"Location": f"http://127.0.0.1:{victim.port}\\@public.test/"})
    )
    result = guarded_client().fetch(url, trusted=True)
    assert result.error_type == "bad_url" and "backslash" in result.error_message
    assert victim.accepts == 0 and [r.path for r in feed_server.log] == ["/r"]


def test_hostile_entry_link_in_a_feed_run_is_an_error_row_and_no_connection(
    feed_server, victim, fake_dns, tmp_path
):
    s = feed_server
    links = [
        f"http://127.0.0.1:{victim.port}\\@public.test/a",
        f"http://public.test@127.0.0.1:{victim.port}/b",
    ]
    entries = [{"title": f"E{i}", "link": link, "description": "short"} for i, link in enumerate(links)]
    feed = s.add_feed("/feed.xml", rss(entries), rewrite=False)
    settings = FeedRunSettings(
        feeds=(FeedSpec(url=feed),),
        http=HttpSettings(connect_timeout=1.0, read_timeout=1.0, max_attempts=1, min_host_delay=0.0),
    )

    def errors(items):
        assert sorted(e.error_type for e in items) == ["bad_url", "bad_url"], items

    run_feeds(settings, str(tmp_path), {"errors": matcher(errors), "docs": matcher(lambda d: d == [])})
    assert victim.accepts == 0


class _Site(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    hosts: list[str] = []

    def log_message(self, *args):
        pass

    def do_GET(self):
        type(self).hosts.append(self.headers.get("Host", ""))
        body = b"public page"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def _site_and_victim_on_one_port():
    for _ in range(20):
        site = ThreadingHTTPServer((PUBLIC_STANDIN, 0), _Site)
        try:
            return site, Victim("127.0.0.1", site.server_address[1])
        except OSError:
            site.server_close()
    raise RuntimeError("no free port on both 127.0.0.1 and 127.0.0.2")


def test_connection_goes_to_the_checked_address_even_when_dns_rebinds(fake_dns):
    site, victim = _site_and_victim_on_one_port()
    _Site.hosts = []
    thread = threading.Thread(target=site.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        port = site.server_address[1]
        result = guarded_client().fetch(f"http://rebind.test:{port}/page")
    finally:
        site.shutdown()
        site.server_close()
        victim.close()
    assert result.ok and result.body == b"public page", result
    assert victim.accepts == 0  # a second lookup would have answered 127.0.0.1
    assert fake_dns == ["rebind.test"]  # resolved once, for the check, and connected to that
    assert _Site.hosts == [f"rebind.test:{port}"]  # Host header names the site, not the IP
