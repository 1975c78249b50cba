"""The HTTP client's typed settings and results (``HttpSettings``, ``FetchResult``), apart from
the client so the feed records and the WARC archive can use them without the networking code."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

DEFAULT_CONTACT_URL = "https://pypi.org/project/dealstream/"

ACCEPT_FEED = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
ACCEPT_HTML = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"


def package_version() -> str:
    from pipeline import __version__

    return __version__


def default_user_agent(contact_url: str = DEFAULT_CONTACT_URL) -> str:
    return f"dealstream/{package_version()} (+{contact_url})"


@dataclass(frozen=True)
class HttpSettings:
    """Limits of the client. Defaults suit an unattended crawler; tests shorten the waits."""

    user_agent: str = field(default_factory=default_user_agent)
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    attempt_deadline: float = 90.0  # one attempt, body included (a slow drip is cut here)
    max_attempts: int = 4
    backoff_initial: float = 1.0
    backoff_max: float = 60.0  # cap for backoff and for an honoured Retry-After
    url_budget: float = 30.0  # one fetch in total: attempts, waits, Retry-After, redirects
    max_body_bytes: int = 10 * 2**20  # bytes on the wire
    max_decoded_bytes: int = 40 * 2**20  # bytes after Content-Encoding is undone
    max_redirects: int = 5
    allow_private_networks: bool = False
    min_host_delay: float = 1.0
    max_host_concurrency: int = 1
    max_crawl_delay: float = 30.0


@dataclass(frozen=True)
class FetchResult:
    """What one fetch ended with. ``error_type`` is None on a 2xx or a 304."""

    url: str
    final_url: str
    status: int | None
    headers: tuple[tuple[str, str], ...] = ()  # names lower-cased, in arrival order
    body: bytes = b""
    charset: str | None = None
    error_type: str | None = None
    error_message: str | None = None
    attempts: int = 0
    redirects: tuple[str, ...] = ()
    fetched_at: datetime | None = None
    transient: bool = False  # the failure may go away later (retries exhausted)

    def header(self, name: str) -> str | None:
        name = name.lower()
        for key, value in self.headers:
            if key == name:
                return value
        return None

    @property
    def ok(self) -> bool:
        return self.error_type is None and self.status is not None and 200 <= self.status < 300

    @property
    def unchanged(self) -> bool:
        return self.error_type is None and self.status == 304

    @property
    def content_type(self) -> str:
        return (self.header("content-type") or "").split(";", 1)[0].strip().lower()


class Attempt:
    """One request/response exchange; ``error_type`` set when it failed."""

    __slots__ = ("status", "headers", "body", "error_type", "message", "retry_after")

    def __init__(self) -> None:
        self.status: int | None = None
        self.headers: tuple[tuple[str, str], ...] = ()
        self.body = b""
        self.error_type: str | None = None
        self.message: str | None = None
        self.retry_after: float | None = None


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
