"""A real HTTP server on 127.0.0.1 for feed and page tests, with a request log.

Routes answer with fixed responses, sequences (500, 500, then 200), or misbehaviour (delays,
slow drips, truncated bodies, redirects). Feed files can be served with their entry links
rewritten to ``http://127.0.0.1:<port>/site/<original host>/<path>`` so that nothing a test
fetches leaves loopback. The server also answers proxy-style requests (``GET http://host/x``)
and logs them as proxied, which is how the HTTPS_PROXY/NO_PROXY test sees the proxy used.

``no_dns`` is a fixture that makes any host-name lookup other than ``localhost`` fail, so a
test that would reach out to a real site fails loudly instead of sending a DNS query.
"""

from __future__ import annotations

import gzip
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # before the status line
    drip: float = 0.0  # seconds between 1 KiB pieces of the body
    declared_length: int | None = None  # a Content-Length larger than the body: truncation
    send_length: bool = True  # False: no Content-Length, the body ends when the connection closes


@dataclass(frozen=True)
class LoggedRequest:
    at: float  # time.monotonic() when the request line arrived
    path: str
    headers: dict[str, str]
    proxied: bool


Handler = Callable[["LoggedRequest", int], Response]

_LINK_TEXT = re.compile(
    rb"(<(?:link|guid|feedburner:origLink)\b[^>]*>\s*(?:<!\[CDATA\[)?\s*)https?://([^<\s\]]+)"
)
_LINK_HREF = re.compile(rb"(<link\b[^>]*\bhref=[\"'])https?://([^\"']+)")


class FeedServer:
    def __init__(self) -> None:
        self.routes: dict[str, Handler] = {}
        self.log: list[LoggedRequest] = []
        self._lock = threading.Lock()
        self._counts: dict[str, int] = {}
        server = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # else headers and body wait on delayed ACKs (~40 ms)

            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                server._handle(self)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    # -- routes -------------------------------------------------------------------------------

    def url(self, path: str) -> str:
        return self.base + path

    def add(self, path: str, response: Response | Handler) -> str:
        self.routes[path] = response if callable(response) else (lambda _req, _n, r=response: r)
        return self.url(path)

    def add_sequence(self, path: str, responses: list[Response]) -> str:
        """The n-th request gets responses[n] (the last one repeats)."""
        return self.add(path, lambda _req, n: responses[min(n, len(responses) - 1)])

    def add_page(self, path: str, html: bytes | str, **headers: str) -> str:
        body = html.encode("utf-8") if isinstance(html, str) else html
        return self.add(path, Response(200, body, {"Content-Type": "text/html; charset=utf-8", **headers}))

    def add_feed(
        self, path: str, body: bytes, content_type: str = "application/rss+xml", rewrite: bool = True
    ) -> str:
        if rewrite:
            body = self.rewrite_links(body)
        return self.add(path, Response(200, body, {"Content-Type": content_type}))

    def rewrite_links(self, body: bytes) -> bytes:
        """Point absolute entry links at this server's ``/site/<host>/<path>`` pages."""
        local = f"http://127.0.0.1:{self.port}/site/".encode()
        body = _LINK_TEXT.sub(lambda m: m.group(1) + local + m.group(2), body)
        return _LINK_HREF.sub(lambda m: m.group(1) + local + m.group(2), body)

    def requests_to(self, prefix: str) -> list[LoggedRequest]:
        with self._lock:
            return [r for r in self.log if r.path.startswith(prefix)]

    def count(self, path: str) -> int:
        with self._lock:
            return self._counts.get(path, 0)

    # -- serving ------------------------------------------------------------------------------

    def _route(self, path: str) -> Handler | None:
        if path in self.routes:
            return self.routes[path]
        prefixes = [p for p in self.routes if p.endswith("*") and path.startswith(p[:-1])]
        return self.routes[max(prefixes, key=len)] if prefixes else None

    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        proxied = h.path.startswith("http://")
        path = urlsplit(h.path).path if proxied else h.path
        with self._lock:
            request = LoggedRequest(
                time.monotonic(), path, {k.lower(): v for k, v in h.headers.items()}, proxied
            )
            self.log.append(request)
            n = self._counts.get(path, 0)
            self._counts[path] = n + 1
        handler = self._route(path.split("?", 1)[0])
        response = (
            handler(request, n) if handler else Response(404, b"not found", {"Content-Type": "text/plain"})
        )
        try:
            self._send(h, response)
        except (BrokenPipeError, ConnectionResetError):
            pass

    @staticmethod
    def _send(h: BaseHTTPRequestHandler, r: Response) -> None:
        if r.delay:
            time.sleep(r.delay)
        h.send_response(r.status)
        for key, value in r.headers.items():
            h.send_header(key, value)
        length = r.declared_length if r.declared_length is not None else len(r.body)
        if r.send_length:
            h.send_header("Content-Length", str(length))
        if r.declared_length is not None or not r.send_length:
            h.send_header("Connection", "close")
            h.close_connection = True
        h.end_headers()
        if not r.drip:
            h.wfile.write(r.body)
        else:
            for start in range(0, len(r.body), 1024):
                h.wfile.write(r.body[start : start + 1024])
                h.wfile.flush()
                time.sleep(r.drip)
        h.wfile.flush()


def gzip_response(body: bytes, content_type: str = "text/html; charset=utf-8") -> Response:
    return Response(200, gzip.compress(body), {"Content-Type": content_type, "Content-Encoding": "gzip"})


def page_html(title: str, paragraphs: list[str], published: str | None = None) -> str:
    meta = f'<meta property="article:published_time" content="{published}">' if published else ""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title>{meta}</head>"
        f"<body><article><h1>{title}</h1>{body}</article></body></html>"
    )


def rss(items: list[dict], title: str = "Test feed", link: str = "http://127.0.0.1/") -> bytes:
    """A small RSS 2.0 document; item keys: title, link, pubDate, description, guid."""
    parts = []
    for item in items:
        fields = "".join(
            f"<{key}>{value}</{key}>" for key, value in item.items() if key != "content" and value is not None
        )
        if item.get("content"):
            fields += f"<content:encoded><![CDATA[{item['content']}]]></content:encoded>"
        parts.append(f"<item>{fields}</item>")
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        f"<channel><title>{title}</title><link>{link}</link><description>d</description>"
        + "".join(parts)
        + "</channel></rss>"
    ).encode("utf-8")
