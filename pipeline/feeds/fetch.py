"""The two keyed fetch steps of the feed source: feeds, then entry pages, one host per group.

Each DoFn gets all of one host's work in one element (``(host, jobs)`` after a GroupByKey),
so the per-host politeness of its client (delay, concurrency, Crawl-delay) holds across
workers. Every response that arrives is archived as WARC under ``DIR/raw/``. Every input is
counted where it is read: an entry is one input; a feed that yields no entries (failed,
unchanged, empty) is one input itself, like an empty ``.jsonl`` file.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime

import apache_beam as beam
from apache_beam.metrics import Metrics

from pipeline.feeds.jobs import (
    EntryJob,
    FeedJob,
    FeedRunSettings,
    entry_job,
    feed_content_document,
    looks_like_html,
    page_document,
)
from pipeline.feeds.raw_archive import WarcArchive
from pipeline.feeds.state import EntryOutcome, FeedFetchOutcome
from pipeline.http import address_guard
from pipeline.http.client import FetchResult, HttpClient
from pipeline.http.records import ACCEPT_FEED, ACCEPT_HTML
from pipeline.http.robots import RobotsCache
from pipeline.metrics import METRICS_NAMESPACE
from transforms.errors import error_record
from transforms.outcomes import STAGE_FEED_RECOVERED, STAGE_PAGE_FALLBACK
from transforms.records import ErrorRecord, Skip
from transforms.stages import safety_net
from transforms.text.feed_parse import parse_feed

LOG = logging.getLogger(__name__)

ERRORS, SKIPS, OUTCOMES = "errors", "skips", "outcomes"
FEED_INPUTS_NAMESPACE = "dealstream.feed_inputs"  # one counter per feed URL
# Stages of error rows that accompany an outcome instead of being one (see pipeline.accounting.manifest).


def fetch_error_type(result: FetchResult) -> str:
    if result.error_type == "http_status" and result.status:
        return f"http_{result.status}"
    return result.error_type or "fetch_failed"


def fetch_message(result: FetchResult) -> str:
    where = result.final_url if result.final_url == result.url else f"{result.url} -> {result.final_url}"
    status = f"HTTP {result.status}; " if result.status else ""
    return f"{status}{result.error_message or result.error_type} ({where}, {result.attempts} attempt(s))"


def feed_where(job: FeedJob) -> tuple[str, None, None, None]:
    """How the safety net names a failed feed: by its URL, like every feed error row."""
    return job.spec.url, None, None, None


def entry_where(job: EntryJob) -> tuple[str, None, str, str | None]:
    """How the safety net names a failed entry: its feed as the source, its doc_id, its title."""
    return job.feed_url, None, job.doc_id, job.title


class _FetchFn(beam.DoFn):
    """Shared setup: one client, robots cache and archive per worker."""

    ARCHIVE_KIND = "fetch"

    def __init__(self, run_id: str, output: str, settings: FeedRunSettings) -> None:
        self.run_id = run_id
        self.output = output
        self.settings = settings
        self.client: HttpClient | None = None
        self.robots: RobotsCache | None = None
        self.archive: WarcArchive | None = None
        self.inputs = Metrics.counter(METRICS_NAMESPACE, "inputs_read")

    def setup(self) -> None:
        self.client = HttpClient(self.settings.http)
        self.robots = RobotsCache(self.client)

    def start_bundle(self) -> None:
        self.archive = WarcArchive(self.output, self.run_id, self.ARCHIVE_KIND)

    def finish_bundle(self) -> None:
        if self.archive is not None:
            self.archive.close()

    def teardown(self) -> None:
        if self.client is not None:
            self.client.close()

    def _count_input(self, feed_url: str) -> None:
        self.inputs.inc()
        Metrics.counter(FEED_INPUTS_NAMESPACE, feed_url).inc()

    def _archive(self, result: FetchResult) -> None:
        if self.archive is not None and result.status is not None:
            self.archive.write(result, {"User-Agent": self.settings.http.user_agent})

    def _error(self, stage: str, source: str, error_type: str, message: str, doc_id=None, sample=None):
        return beam.pvalue.TaggedOutput(
            ERRORS,
            error_record(self.run_id, stage, source, error_type, message, doc_id=doc_id, sample=sample),
        )

    def _skip(self, source: str, reason: str, doc_id: str | None = None):
        return beam.pvalue.TaggedOutput(SKIPS, Skip(self.run_id, source, reason, doc_id))


class FetchFeedsFn(_FetchFn):
    """(host, [FeedJob]) -> EntryJob (main); ErrorRecord, Skip, FeedFetchOutcome (tagged)."""

    ARCHIVE_KIND = "feeds"

    def __init__(self, run_id: str, output: str, settings: FeedRunSettings) -> None:
        super().__init__(run_id, output, settings)
        self.feeds_read = Metrics.counter(METRICS_NAMESPACE, "feeds_read")
        self.feeds_failed = Metrics.counter(METRICS_NAMESPACE, "feeds_failed")
        self.feeds_unchanged = Metrics.counter(METRICS_NAMESPACE, "feeds_unchanged")
        self.feeds_ill_formed = Metrics.counter(METRICS_NAMESPACE, "feeds_ill_formed")
        self.entries_read = Metrics.counter(METRICS_NAMESPACE, "feed_entries_read")

    def process(self, element: tuple[str, Iterable[FeedJob]]) -> Iterator:
        _host, jobs = element
        for job in sorted(jobs, key=lambda j: j.spec.url):
            self.feeds_read.inc()
            yield from self._one_feed(job)  # one broken feed is its error row, never the others'

    def after_failure(self, job: FeedJob, row: ErrorRecord) -> Iterator:
        """The safety net's hook: a feed that failed is one input and still gets a state outcome."""
        self.feeds_failed.inc()
        self._count_input(job.spec.url)
        yield self._outcome(job, None, f"{row.error_type}: {row.message}")

    def _outcome(self, job: FeedJob, result: FetchResult | None, error: str | None, **kw):
        return beam.pvalue.TaggedOutput(
            OUTCOMES,
            FeedFetchOutcome(
                url=job.spec.url,
                name=job.spec.name,
                fetched_at=(
                    result.fetched_at if result and result.fetched_at else datetime.now(UTC)
                ).isoformat(),
                status=result.status if result else None,
                error=error,
                **kw,
            ),
        )

    def _failed(
        self, job: FeedJob, result: FetchResult | None, stage: str, error_type: str, message: str, sample=None
    ):
        self.feeds_failed.inc()
        self._count_input(job.spec.url)
        yield self._error(stage, job.spec.url, error_type, message, sample=sample)
        yield self._outcome(job, result, f"{error_type}: {message}")

    @safety_net("fetch_feed", where=feed_where)  # not atomic: entries already yielded were counted
    def _one_feed(self, job: FeedJob) -> Iterator:
        assert self.client is not None and self.robots is not None
        spec = job.spec
        if self.settings.respect_robots:
            verdict = self.robots.check(spec.url, trusted=True)
            if not verdict.allowed:
                yield from self._failed(job, None, "fetch_feed", verdict.error_type, verdict.reason)
                return
        result = self.client.fetch(
            spec.url, trusted=True, accept=ACCEPT_FEED, etag=job.etag, last_modified=job.last_modified
        )
        self._archive(result)
        if result.unchanged:
            self.feeds_unchanged.inc()
            self._count_input(spec.url)
            yield self._skip(spec.url, "unchanged")
            yield self._outcome(
                job,
                result,
                None,
                unchanged=True,
                etag=result.header("etag"),
                last_modified=result.header("last-modified"),
            )
            return
        if not result.ok:
            yield from self._failed(
                job, result, "fetch_feed", fetch_error_type(result), fetch_message(result)
            )
            return
        parsed = parse_feed(
            result.body, dict(result.headers), result.final_url, self.settings.http.max_decoded_bytes
        )
        if not parsed.ok:
            yield from self._failed(
                job, result, "parse_feed", parsed.error_type, parsed.error_message or "", sample=result.body
            )
            return
        if parsed.bozo:
            self.feeds_ill_formed.inc()
            yield self._error(
                STAGE_FEED_RECOVERED, spec.url, "ill_formed_feed", parsed.bozo_reason or "ill-formed"
            )
        entries = parsed.entries
        yield self._outcome(
            job,
            result,
            None,
            etag=result.header("etag"),
            last_modified=result.header("last-modified"),
            entries_seen=len(entries),
            format=parsed.format,
        )
        if not entries:
            self._count_input(spec.url)
            yield self._skip(spec.url, "no_entries")
            return
        for index, entry in enumerate(entries):
            self.entries_read.inc()
            self._count_input(spec.url)
            job_entry = entry_job(entry, spec, self.settings.feed_content_min_words)
            if spec.max_entries is not None and index >= spec.max_entries:
                yield self._skip(spec.url, "filtered", job_entry.doc_id)
                continue
            yield job_entry


class FetchPagesFn(_FetchFn):
    """(host, [EntryJob]) -> RawDocument (main); ErrorRecord, Skip, EntryOutcome (tagged).

    A page that cannot be had (HTTP error, robots, refused address, retries exhausted) is an
    error row; when the entry's own text has at least ``min_words`` words an article is also
    written from it (``text_source`` = feed_content) and the error row is marked as such.
    """

    ARCHIVE_KIND = "pages"

    def __init__(self, run_id: str, output: str, settings: FeedRunSettings) -> None:
        super().__init__(run_id, output, settings)
        self.fetched = Metrics.counter(METRICS_NAMESPACE, "pages_fetched")
        self.failed = Metrics.counter(METRICS_NAMESPACE, "pages_failed")
        self.fallbacks = Metrics.counter(METRICS_NAMESPACE, "feed_content_fallbacks")

    def process(self, element: tuple[str, Iterable[EntryJob]]) -> Iterator:
        _host, jobs = element
        for job in sorted(jobs, key=lambda j: j.doc_id):
            yield from self._one_entry(job)

    def after_failure(self, job: EntryJob, row: ErrorRecord) -> Iterator:
        """The safety net's hook: a failed entry still gets its state outcome (it was counted at its feed)."""
        yield self._outcome(job, ok=False, new=False, error=f"{row.error_type}: {row.message}")

    def _outcome(self, job: EntryJob, ok: bool, new: bool, transient: bool = False, error: str | None = None):
        return beam.pvalue.TaggedOutput(
            OUTCOMES,
            EntryOutcome(
                url=job.url or job.doc_id,
                feed_url=job.feed_url,
                ok=ok,
                new=new,
                transient=transient,
                error=error,
                at=datetime.now(UTC).isoformat(),
                published=job.published,
                title=job.title,
                summary=job.summary,
                content=job.content,
            ),
        )

    @safety_net("fetch_page", where=entry_where, atomic=True)
    def _one_entry(self, job: EntryJob) -> Iterator:
        assert self.client is not None and self.robots is not None
        if job.url is None or not job.fetch_page:
            yield from self._without_page(job)
            return
        guard = address_guard.check_url(
            job.url, allow_private_networks=self.settings.http.allow_private_networks
        )
        if not guard.allowed:  # refused before robots.txt is asked for, so nothing is sent
            yield from self._page_failed(job, None, guard.error_type, guard.reason, guard.error_type == "dns")
            return
        if self.settings.respect_robots:
            verdict = self.robots.check(job.url)
            if not verdict.allowed:
                transient = verdict.error_type == "robots_unavailable"
                yield from self._page_failed(job, None, verdict.error_type, verdict.reason, transient)
                return
        result = self.client.fetch(
            job.url, accept=ACCEPT_HTML, max_body_bytes=self.settings.http.max_body_bytes
        )
        self._archive(result)
        if not result.ok:
            yield from self._page_failed(
                job, result, fetch_error_type(result), fetch_message(result), result.transient
            )
            return
        if not looks_like_html(result):
            yield self._skip(job.feed_url, "not_html", job.doc_id)
            yield self._outcome(job, ok=True, new=False)
            return
        self.fetched.inc()
        yield page_document(job, result)
        yield self._outcome(job, ok=True, new=True)

    def _without_page(self, job: EntryJob) -> Iterator:
        """Entries without a link, or of feeds marked ``fetch_pages: false``."""
        if job.body_text.strip() and (job.url is not None or job.has_fallback):
            yield feed_content_document(job, datetime.now(UTC))
            yield self._outcome(job, ok=True, new=True)
            return
        error_type = "no_link" if job.url is None else "no_content"
        message = "entry has no link to fetch" if job.url is None else "entry has no text of its own"
        yield self._error(
            "fetch_page", job.feed_url, error_type, message, doc_id=job.doc_id, sample=job.title
        )
        yield self._outcome(job, ok=False, new=False, error=error_type)

    def _page_failed(
        self, job: EntryJob, result: FetchResult | None, error_type: str, message: str, transient: bool
    ):
        self.failed.inc()
        attempt = job.attempts + 1
        limit = self.settings.max_entry_attempts
        if job.has_fallback:
            self.fallbacks.inc()
            yield self._error(
                STAGE_PAGE_FALLBACK,
                job.feed_url,
                error_type,
                f"{message}; article written from the entry's own text ({job.word_count} words)",
                doc_id=job.doc_id,
            )
            yield feed_content_document(job, result.fetched_at if result else datetime.now(UTC))
            yield self._outcome(job, ok=False, new=True, transient=False, error=f"{error_type}: {message}")
            return
        if transient and attempt < limit:
            message = f"{message}; will retry on a later run (attempt {attempt} of {limit})"
        elif transient:
            message = f"{message}; giving up after {attempt} attempts"
        yield self._error("fetch_page", job.feed_url, error_type, message, doc_id=job.doc_id)
        yield self._outcome(job, ok=False, new=False, transient=transient, error=f"{error_type}: {message}")
