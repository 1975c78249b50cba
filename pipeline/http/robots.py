"""robots.txt, fetched through the worker's HTTP client and cached per host for the run.

Follows RFC 9309 where ``urllib.robotparser`` leaves a choice: a 4xx answer (no robots.txt)
allows everything; a 5xx, a network failure or a refused address means "unreachable", which
the RFC says must be treated as a complete disallow, so the URL fails transiently and is
retried on a later run. ``Crawl-delay`` raises the host's delay in the pacer (clamped there).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit
from urllib.robotparser import RobotFileParser

from pipeline.http.client import HttpClient
from pipeline.http.politeness import host_key

logger = logging.getLogger(__name__)

ROBOTS_MAX_BYTES = 512 * 1024  # RFC 9309: parse at least the first 500 KiB
ROBOTS_ACCEPT = "text/plain, */*;q=0.5"


@dataclass(frozen=True)
class RobotsVerdict:
    allowed: bool
    error_type: str | None = None  # robots_disallowed | robots_unavailable
    reason: str | None = None


@dataclass(frozen=True)
class _HostRules:
    parser: RobotFileParser | None  # None: allow everything
    unavailable: str | None = None  # reason when robots.txt could not be read


def robots_url(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/robots.txt", "", ""))


def rules_from_text(text: str) -> RobotFileParser:
    parser = RobotFileParser()
    parser.parse(text.splitlines())
    return parser


class RobotsCache:
    """Answers "may this URL be fetched?" for one worker, one robots.txt fetch per host."""

    def __init__(self, client: HttpClient, user_agent_token: str = "dealstream") -> None:
        self.client = client
        self.token = user_agent_token
        self._rules: dict[str, _HostRules] = {}
        self._lock = threading.Lock()

    def _load(self, url: str, trusted: bool) -> _HostRules:
        result = self.client.fetch(
            robots_url(url), trusted=trusted, accept=ROBOTS_ACCEPT, max_body_bytes=ROBOTS_MAX_BYTES
        )
        if result.ok:
            text = result.body.decode(result.charset or "utf-8", errors="replace")
            return _HostRules(rules_from_text(text))
        if result.status is not None and 400 <= result.status < 500:
            return _HostRules(None)
        if result.error_type == "too_large":
            # Over the RFC's parsing limit: treated like a missing file rather than a wall.
            return _HostRules(None)
        reason = f"robots.txt unavailable: {result.error_type} {result.error_message or ''}".strip()
        return _HostRules(None, unavailable=reason)

    def rules(self, url: str, trusted: bool = False) -> _HostRules:
        key = f"{urlsplit(url).scheme}://{host_key(url)}"
        with self._lock:
            cached = self._rules.get(key)
        if cached is not None:
            return cached
        rules = self._load(url, trusted)
        if rules.parser is not None:
            delay = rules.parser.crawl_delay(self.token)
            if delay is not None:
                applied = self.client.pacer.set_delay(host_key(url), float(delay))
                logger.info("%s asks for Crawl-delay %s; using %.1fs", key, delay, applied)
        with self._lock:
            self._rules.setdefault(key, rules)
        return rules

    def check(self, url: str, trusted: bool = False) -> RobotsVerdict:
        rules = self.rules(url, trusted)
        if rules.unavailable:
            return RobotsVerdict(False, "robots_unavailable", rules.unavailable)
        if rules.parser is None or rules.parser.can_fetch(self.token, url):
            return RobotsVerdict(True)
        return RobotsVerdict(False, "robots_disallowed", f"robots.txt disallows {url} for {self.token}")
