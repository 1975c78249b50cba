"""The one HTTP client of a worker: bounded, polite, guarded, and it never raises for the network.

Built once per worker (``DoFn.setup``) from ``HttpSettings``. ``fetch`` follows redirects by
itself so the address guard sees every hop, retries transient failures (5xx, 429, timeouts,
dropped connections) with exponential backoff that honours ``Retry-After``, streams the body
with a cap on the bytes received and a second cap on the bytes after gzip/deflate/brotli
decoding (so a compression bomb is stopped early), and returns a ``FetchResult`` whose
``error_type`` says what went wrong. Proxies come from ``HTTP(S)_PROXY``/``NO_PROXY``.
"""

from __future__ import annotations

import logging
import random
import threading
import time
import urllib.request
from collections import OrderedDict
from datetime import UTC, datetime
from urllib.parse import urljoin

import urllib3
from urllib3.connectionpool import HTTPConnectionPool
from urllib3.exceptions import (
    HTTPError,
    LocationValueError,
    NameResolutionError,
    NewConnectionError,
    ProtocolError,
    ProxyError,
    SSLError,
)
from urllib3.exceptions import (
    TimeoutError as Urllib3Timeout,
)

from pipeline.http import address_guard
from pipeline.http.decoding import BodyTooLarge, ContentDecodeError, StreamDecoder, sniff_charset
from pipeline.http.pinned import MAX_POOLS, POOL_CLASSES, GuardRefused
from pipeline.http.politeness import HostPacer, host_key
from pipeline.http.records import ACCEPT_HTML, Attempt, FetchResult, HttpSettings, parse_retry_after
from pipeline.http.urls import ParsedURL, UnsafeURL, parse_url

logger = logging.getLogger(__name__)

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
TRANSIENT_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
TRANSIENT_ERRORS = frozenset({"timeout", "connection", "truncated"})


class HttpClient:
    """See the module docstring. Thread-safe; one per worker."""

    def __init__(self, settings: HttpSettings | None = None, pacer: HostPacer | None = None) -> None:
        self.settings = settings or HttpSettings()
        s = self.settings
        self.pacer = pacer or HostPacer(s.min_host_delay, s.max_host_concurrency, s.max_crawl_delay)
        self._timeout = urllib3.Timeout(connect=s.connect_timeout, read=s.read_timeout)
        self._pool_size = max(4, s.max_host_concurrency)
        self._pools: OrderedDict[tuple, HTTPConnectionPool] = OrderedDict()
        self._pools_lock = threading.Lock()
        self._proxies = {k: v for k, v in urllib.request.getproxies().items() if v}
        self._proxy_managers: dict[str, urllib3.ProxyManager] = {}
        self._accept_encoding = "gzip, deflate, br" if StreamDecoder.brotli_available() else "gzip, deflate"

    def close(self) -> None:
        with self._pools_lock:
            pools, self._pools = list(self._pools.values()), OrderedDict()
        for pool in pools:
            pool.close()
        for manager in self._proxy_managers.values():
            manager.clear()

    # -- public -------------------------------------------------------------------------------

    def fetch(
        self,
        url: str,
        *,
        trusted: bool = False,
        accept: str = ACCEPT_HTML,
        etag: str | None = None,
        last_modified: str | None = None,
        max_body_bytes: int | None = None,
    ) -> FetchResult:
        """GET ``url``; ``trusted`` is for operator-listed URLs (no address guard on that host)."""
        s = self.settings
        headers = {"User-Agent": s.user_agent, "Accept": accept, "Accept-Encoding": self._accept_encoding}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        trusted_host = host_key(url) if trusted else None
        current, hops, seen, attempts = url, [], {url}, 0
        deadline = time.monotonic() + s.url_budget
        while True:
            if time.monotonic() >= deadline:
                return self._failed(
                    url,
                    current,
                    hops,
                    attempts,
                    "timeout",
                    f"over the {s.url_budget:g}s budget for this URL",
                    transient=True,
                )
            # One parse, one lookup: the guard's verdict carries the URL parts and the checked
            # addresses, and the connection goes to exactly those.
            guarded = not s.allow_private_networks and host_key(current) != trusted_host
            verdict = address_guard.check_url(
                current, allow_private_networks=not guarded, resolve_always=not self._proxied(current)
            )
            if not verdict.allowed:
                return self._failed(url, current, hops, attempts, verdict.error_type, verdict.reason)
            attempt, used = self._with_retries(
                current, verdict, headers, guarded, max_body_bytes or s.max_body_bytes, deadline
            )
            attempts += used
            if attempt.status in REDIRECT_STATUSES:
                location = dict(attempt.headers).get("location")
                if not location:
                    return self._finish(url, current, hops, attempts, attempt)
                target = urljoin(current, location.strip())
                if target in seen:
                    return self._failed(
                        url, current, hops, attempts, "redirect_loop", f"redirect loop at {target}"
                    )
                if len(hops) >= s.max_redirects:
                    return self._failed(
                        url,
                        current,
                        hops,
                        attempts,
                        "too_many_redirects",
                        f"more than {s.max_redirects} redirects",
                    )
                hops.append(target)
                seen.add(target)
                current = target
                continue
            return self._finish(url, current, hops, attempts, attempt)

    # -- internals ----------------------------------------------------------------------------

    def _failed(self, url, final_url, hops, attempts, error_type, message, status=None, transient=False):
        return FetchResult(
            url=url,
            final_url=final_url,
            status=status,
            error_type=error_type,
            error_message=message,
            attempts=attempts,
            redirects=tuple(hops),
            fetched_at=datetime.now(UTC),
            transient=transient,
        )

    def _finish(self, url, final_url, hops, attempts, attempt: Attempt) -> FetchResult:
        now = datetime.now(UTC)
        if attempt.error_type:
            return FetchResult(
                url=url,
                final_url=final_url,
                status=attempt.status,
                headers=attempt.headers,
                error_type=attempt.error_type,
                error_message=attempt.message,
                attempts=attempts,
                redirects=tuple(hops),
                fetched_at=now,
                transient=attempt.error_type in TRANSIENT_ERRORS,
            )
        status = attempt.status or 0
        error_type = message = None
        if not (200 <= status < 300 or status == 304):
            error_type, message = "http_status", f"HTTP {status}"
            if attempt.message:
                message = f"{message}: {attempt.message}"
        content_type = dict(attempt.headers).get("content-type")
        return FetchResult(
            url=url,
            final_url=final_url,
            status=status,
            headers=attempt.headers,
            body=attempt.body,
            charset=sniff_charset(content_type, attempt.body) if attempt.body else None,
            error_type=error_type,
            error_message=message,
            attempts=attempts,
            redirects=tuple(hops),
            fetched_at=now,
            transient=status in TRANSIENT_STATUSES,
        )

    def _with_retries(
        self,
        url: str,
        verdict: address_guard.GuardVerdict,
        headers: dict,
        guarded: bool,
        max_body: int,
        deadline: float,
    ) -> tuple[Attempt, int]:
        """Attempts of one URL; no wait (backoff or Retry-After) runs past ``deadline``."""
        s = self.settings
        attempt = Attempt()
        for number in range(1, s.max_attempts + 1):
            with self.pacer.turn(host_key(url)):
                attempt = self._once(verdict, headers, guarded, max_body, deadline)
            transient = attempt.error_type in TRANSIENT_ERRORS or (
                attempt.error_type is None and attempt.status in TRANSIENT_STATUSES
            )
            if not transient or number == s.max_attempts:
                return attempt, number
            wait = min(s.backoff_max, s.backoff_initial * 2 ** (number - 1)) * random.uniform(0.8, 1.0)
            if attempt.retry_after is not None:
                if attempt.retry_after > s.backoff_max:
                    attempt.message = (
                        f"Retry-After {attempt.retry_after:.0f}s exceeds the {s.backoff_max:.0f}s cap"
                    )
                    return attempt, number
                wait = max(wait, attempt.retry_after)
            if time.monotonic() + wait > deadline:
                attempt.message = (
                    f"a retry in {wait:.0f}s would exceed the {s.url_budget:g}s budget for this URL"
                )
                return attempt, number
            logger.info(
                "retrying %s in %.2fs (attempt %d: %s)",
                url,
                wait,
                number,
                attempt.error_type or attempt.status,
            )
            time.sleep(wait)
        return attempt, s.max_attempts

    def _proxied(self, url: str) -> bool:
        """Whether ``url`` goes through a proxy (which then resolves the name, not us)."""
        try:
            return self._proxy(parse_url(url)) is not None
        except UnsafeURL:
            return False

    def _proxy(self, target: ParsedURL) -> urllib3.ProxyManager | None:
        """The proxy manager for ``target`` (HTTP(S)_PROXY without a NO_PROXY match), or None."""
        proxy = self._proxies.get(target.scheme)
        if not proxy or urllib.request.proxy_bypass_environment(target.host, self._proxies):
            return None
        manager = self._proxy_managers.get(proxy)
        if manager is None:
            manager = urllib3.ProxyManager(proxy, num_pools=20, maxsize=4, block=False)
            self._proxy_managers[proxy] = manager
        return manager

    def _pool(self, target: ParsedURL, addresses: tuple[str, ...], guarded: bool) -> HTTPConnectionPool:
        key = (target.scheme, target.host, target.port, addresses, guarded)
        with self._pools_lock:
            pool = self._pools.get(key)
            if pool is not None:
                self._pools.move_to_end(key)
                return pool
            pool = POOL_CLASSES[target.scheme](
                target.host,
                target.port,
                timeout=self._timeout,
                maxsize=self._pool_size,
                block=False,
                retries=False,
                pinned=addresses,
                guarded=guarded,
            )
            self._pools[key] = pool
            evicted = self._pools.popitem(last=False)[1] if len(self._pools) > MAX_POOLS else None
        if evicted is not None:
            evicted.close()
        return pool

    def _once(
        self,
        verdict: address_guard.GuardVerdict,
        headers: dict,
        guarded: bool,
        max_body: int,
        deadline: float,
    ) -> Attempt:
        result = Attempt()
        started = time.monotonic()
        target = verdict.target
        assert target is not None
        try:
            proxy = self._proxy(target)
            if proxy is not None:  # the proxy resolves the name; the guard checked it first
                response = proxy.request(
                    "GET",
                    target.url,
                    headers=headers,
                    redirect=False,
                    retries=False,
                    preload_content=False,
                    decode_content=False,
                    timeout=self._timeout,
                )
            else:
                response = self._pool(target, verdict.addresses, guarded).urlopen(
                    "GET",
                    target.target,
                    headers=headers,
                    redirect=False,
                    retries=False,
                    assert_same_host=False,
                    preload_content=False,
                    decode_content=False,
                    timeout=self._timeout,
                )
        except GuardRefused as exc:
            result.error_type, result.message = "blocked_address", str(exc)
            return result
        except (LocationValueError, ValueError) as exc:
            result.error_type, result.message = "bad_url", str(exc)
            return result
        except NameResolutionError as exc:
            result.error_type, result.message = "dns", str(exc)
            return result
        except (TimeoutError, Urllib3Timeout) as exc:
            kind = "connection" if isinstance(exc, NewConnectionError) else "timeout"
            result.error_type, result.message = kind, str(exc)
            return result
        except (ProxyError, SSLError, ProtocolError, HTTPError, OSError) as exc:
            result.error_type, result.message = "connection", f"{type(exc).__name__}: {exc}"
            return result
        result.status = response.status
        result.headers = tuple((k.lower(), v) for k, v in response.headers.items())
        result.retry_after = parse_retry_after(response.headers.get("retry-after"))
        if response.status in REDIRECT_STATUSES or response.status == 304:
            response.drain_conn()
            response.release_conn()
            return result
        try:
            self._read_body(response, result, started, max_body, deadline)
        finally:
            response.close()
            response.release_conn()
        return result

    def _read_body(self, response, result: Attempt, started: float, max_body: int, deadline: float) -> None:
        s = self.settings
        stop_at = min(started + s.attempt_deadline, deadline)
        declared = response.headers.get("content-length")
        if declared and declared.strip().isdigit() and int(declared) > max_body:
            result.error_type = "too_large"
            result.message = f"Content-Length {declared} exceeds the {max_body}-byte limit"
            return
        decoder = StreamDecoder(response.headers.get("content-encoding"), s.max_decoded_bytes)
        received = 0
        parts: list[bytes] = []
        try:
            while True:
                # read1 returns what one socket read gave, so the deadline is checked often
                chunk = response.read1(64 * 1024, decode_content=False)
                if not chunk:
                    break
                received += len(chunk)
                if received > max_body:
                    raise BodyTooLarge(f"body exceeds the {max_body}-byte limit")
                parts.append(decoder.feed(chunk))
                if time.monotonic() > stop_at:
                    result.error_type = "timeout"
                    result.message = (
                        f"response took longer than {s.attempt_deadline:g}s "
                        f"(or the {s.url_budget:g}s budget for this URL)"
                    )
                    return
            parts.append(decoder.finish())
        except BodyTooLarge as exc:
            result.error_type, result.message = "too_large", str(exc)
            return
        except ContentDecodeError as exc:
            result.error_type, result.message = exc.error_type, str(exc)
            return
        except (TimeoutError, Urllib3Timeout) as exc:
            result.error_type, result.message = "timeout", f"reading body: {exc}"
            return
        except (ProtocolError, HTTPError, OSError) as exc:
            result.error_type, result.message = "truncated", f"body ended early: {exc}"
            return
        result.body = b"".join(parts)
