"""Per-host politeness: a concurrency limit and a minimum delay between requests to one host.

One ``HostPacer`` lives inside the HTTP client of a worker and every request that client
sends (retries, redirect hops and robots.txt included) waits for its turn here. The limits
hold across workers because the pipeline keys work by host and fetches all of one host's
URLs inside one keyed step (``host_key``), so a host is only ever served by one pacer at a
time within a run.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

from pipeline.http.urls import UnsafeURL, parse_url

logger = logging.getLogger(__name__)


def host_key(url: str) -> str:
    """The politeness key of a URL: its lower-cased ``host[:port]`` (empty when unparseable)."""
    try:
        parsed = parse_url(url)
    except UnsafeURL:
        return _loose_host_key(url)
    return parsed.host if parsed.default_port else f"{parsed.host}:{parsed.port}"


def _loose_host_key(url: str) -> str:
    """``urllib.parse``'s reading, for URLs the strict parser refuses (they fail later anyway)."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        port = parts.port
    except ValueError:
        return ""
    if port is not None and port != (443 if parts.scheme == "https" else 80):
        return f"{host}:{port}"
    return host


class _HostState:
    __slots__ = ("delay", "last_start", "lock", "slots")

    def __init__(self, delay: float, concurrency: int) -> None:
        self.delay = delay
        self.last_start: float | None = None
        self.lock = threading.Lock()
        self.slots = threading.BoundedSemaphore(concurrency)


class HostPacer:
    """Spaces request starts to one host by at least ``min_delay`` seconds and caps how many
    requests to that host are in flight at once.

    ``set_delay`` raises one host's delay (a robots.txt ``Crawl-delay``), clamped to
    ``max_delay`` so a hostile robots.txt cannot stall a worker.
    """

    def __init__(
        self,
        min_delay: float = 1.0,
        max_concurrency: int = 1,
        max_delay: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if min_delay < 0 or max_delay < 0:
            raise ValueError("delays must be >= 0")
        if max_concurrency < 1:
            raise ValueError("max_concurrency must be >= 1")
        self.min_delay = min_delay
        self.max_concurrency = max_concurrency
        self.max_delay = max(max_delay, min_delay)
        self._clock = clock
        self._sleep = sleep
        self._hosts: dict[str, _HostState] = {}
        self._lock = threading.Lock()

    def _state(self, host: str) -> _HostState:
        with self._lock:
            state = self._hosts.get(host)
            if state is None:
                state = _HostState(self.min_delay, self.max_concurrency)
                self._hosts[host] = state
            return state

    def set_delay(self, host: str, seconds: float | None) -> float:
        """Use ``seconds`` (clamped to [min_delay, max_delay]) between requests to ``host``."""
        state = self._state(host)
        wanted = self.min_delay if seconds is None else float(seconds)
        state.delay = min(max(wanted, self.min_delay), self.max_delay)
        return state.delay

    def delay_for(self, host: str) -> float:
        return self._state(host).delay

    @contextmanager
    def turn(self, host: str) -> Iterator[None]:
        """Hold one of the host's concurrency slots, after waiting out its delay."""
        state = self._state(host)
        state.slots.acquire()
        try:
            with state.lock:
                now = self._clock()
                if state.last_start is not None:
                    wait = state.last_start + state.delay - now
                    if wait > 0:
                        self._sleep(wait)
                        now = self._clock()
                state.last_start = now
            yield
        finally:
            state.slots.release()
