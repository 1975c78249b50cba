"""The units of work of the feed source and how they become RawDocuments.

``FeedJob`` (one listed feed, with its validators) and ``EntryJob`` (one entry whose page is
to be fetched, carrying what the feed said about it) are small and cheap to shuffle; page
bytes only exist after the keyed fetch step. ``FeedRunSettings`` is everything the feed
source needs from the options, built once by the CLI.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from pipeline.feeds.feed_list import FeedSpec
from pipeline.feeds.state import FailedEntry
from pipeline.http.client import FetchResult, HttpSettings
from transforms.records import RawDocument
from transforms.text.decode import doc_id_for
from transforms.text.feed_parse import FeedEntry

SOURCE_KIND = "feed"
DEFAULT_FEED_CONTENT_MIN_WORDS = 80
HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass(frozen=True)
class FeedRunSettings:
    """What the feed source needs for one run (built by the CLI from the options)."""

    feeds: tuple[FeedSpec, ...]
    http: HttpSettings = field(default_factory=HttpSettings)
    respect_robots: bool = True
    feed_content_min_words: int = DEFAULT_FEED_CONTENT_MIN_WORDS
    max_entry_attempts: int = 5


@dataclass(frozen=True)
class FeedJob:
    spec: FeedSpec
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class EntryJob:
    """One feed entry on its way to a page fetch (or straight to a feed-content article)."""

    doc_id: str
    url: str | None
    feed_url: str
    title: str | None = None
    published: str | None = None
    summary: str | None = None
    content: str | None = None
    fetch_page: bool = True
    min_words: int = DEFAULT_FEED_CONTENT_MIN_WORDS
    attempts: int = 0  # earlier runs that failed to fetch this page
    retry: bool = False  # came from the state's retry list, not from this run's feed

    @property
    def body_text(self) -> str:
        return self.content or self.summary or ""

    @property
    def word_count(self) -> int:
        return len(self.body_text.split())

    @property
    def has_fallback(self) -> bool:
        return self.word_count >= self.min_words


def entry_job(entry: FeedEntry, spec: FeedSpec, default_min_words: int) -> EntryJob:
    """An EntryJob for a parsed entry; entries without a link get an id from their own text."""
    text = "\n".join(t for t in (entry.title, entry.body_text) if t)
    return EntryJob(
        doc_id=doc_id_for(entry.url, text),
        url=entry.url,
        feed_url=spec.url,
        title=entry.title,
        published=entry.published,
        summary=entry.summary,
        content=entry.content,
        fetch_page=spec.fetch_pages,
        min_words=spec.feed_content_min_words or default_min_words,
    )


def retry_job(failed: FailedEntry, spec: FeedSpec | None, default_min_words: int) -> EntryJob:
    return EntryJob(
        doc_id=doc_id_for(failed.url, ""),
        url=failed.url,
        feed_url=failed.feed_url,
        title=failed.title,
        published=failed.published,
        summary=failed.summary,
        content=failed.content,
        fetch_page=True,
        min_words=(spec.feed_content_min_words if spec else None) or default_min_words,
        attempts=failed.attempts,
        retry=True,
    )


def looks_like_html(result: FetchResult) -> bool:
    """HTML by Content-Type, or (for a missing/generic type) by the first bytes."""
    if result.content_type in HTML_TYPES:
        return True
    if result.content_type not in ("", "application/octet-stream", "text/plain"):
        return False
    head = result.body[:512].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<body" in head


def page_document(job: EntryJob, result: FetchResult) -> RawDocument:
    content_type = "text/html" + (f"; charset={result.charset}" if result.charset else "")
    return RawDocument(
        doc_id=job.doc_id,
        source_kind=SOURCE_KIND,
        source=job.feed_url,
        url=job.url,
        fetched_at=result.fetched_at,
        content=result.body,
        content_type=content_type,
        title=job.title,
        published=job.published,
        summary=job.summary,
    )


def feed_content_document(job: EntryJob, fetched_at: datetime | None) -> RawDocument:
    """The article written from the entry's own text (``text_source`` = feed_content)."""
    return RawDocument(
        doc_id=job.doc_id,
        source_kind=SOURCE_KIND,
        source=job.feed_url,
        url=job.url,
        fetched_at=fetched_at,
        content=None,
        content_type="text/plain",
        text=job.body_text,
        title=job.title,
        published=job.published,
        summary=job.summary,
    )
