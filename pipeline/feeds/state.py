"""The small state a feed crawler keeps between runs, in ``DIR/_state/feeds.json``.

* validators (ETag / Last-Modified) per feed, for conditional GETs;
* entries whose page fetch failed, retried on later runs (even when the feed answers 304)
  until ``max_attempts``, then given up with a final error;
* a health record per feed (last status, consecutive failures, entries seen, time of the
  newest new entry) so a dead feed is noticed.

The file is rewritten whole through a temporary name and a rename, so a crash never leaves
half a state file. Updates are pure functions over the dataclasses; only ``load_state`` and
``save_state`` touch storage.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime

from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems

from pipeline.output.atomic import write_atomically
from pipeline.output.run_state import write_undoable

logger = logging.getLogger(__name__)

STATE_VERSION = 1
DEFAULT_MAX_ENTRY_ATTEMPTS = 5
MAX_GIVEN_UP = 50_000  # remembered permanent failures (oldest forgotten first)


def state_path(output: str) -> str:
    return FileSystems.join(output.rstrip("/"), "_state", "feeds.json")


@dataclass
class FeedHealth:
    url: str
    name: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    last_status: int | None = None
    last_error: str | None = None
    last_fetched_at: str | None = None
    last_success_at: str | None = None
    consecutive_failures: int = 0
    entries_seen: int = 0  # entries in the last successful fetch
    new_entries: int = 0  # entries of the last run that were new to DIR
    new_entries_total: int = 0
    newest_entry_at: str | None = None  # when the newest new entry was published (or seen)
    format: str | None = None


@dataclass
class FailedEntry:
    """An entry whose page could not be fetched; enough to retry it without the feed."""

    url: str
    feed_url: str
    attempts: int = 0
    last_error: str | None = None
    first_failed_at: str | None = None
    last_failed_at: str | None = None
    title: str | None = None
    published: str | None = None
    summary: str | None = None
    content: str | None = None


@dataclass
class FeedState:
    feeds: dict[str, FeedHealth] = field(default_factory=dict)
    failed_entries: dict[str, FailedEntry] = field(default_factory=dict)
    given_up: dict[str, str] = field(default_factory=dict)  # url -> "when: why", not fetched again
    updated_at: str | None = None
    run_id: str | None = None


@dataclass(frozen=True)
class FeedFetchOutcome:
    """What one run learnt about one feed (emitted by the feed-fetch step)."""

    url: str
    name: str | None
    fetched_at: str
    status: int | None
    error: str | None  # "error_type: message" when the fetch or parse failed
    unchanged: bool = False
    etag: str | None = None
    last_modified: str | None = None
    entries_seen: int = 0
    format: str | None = None


@dataclass(frozen=True)
class EntryOutcome:
    """What became of one entry's page this run (emitted by the page-fetch step)."""

    url: str
    feed_url: str
    ok: bool
    new: bool  # it produced a new document (page or feed content)
    transient: bool = False  # the failure may go away: keep it for a later run
    error: str | None = None
    at: str | None = None
    published: str | None = None
    title: str | None = None
    summary: str | None = None
    content: str | None = None


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


def apply_feed_outcome(state: FeedState, outcome: FeedFetchOutcome) -> None:
    health = state.feeds.get(outcome.url) or FeedHealth(url=outcome.url)
    health.name = outcome.name or health.name
    health.last_status = outcome.status
    health.last_fetched_at = outcome.fetched_at
    if outcome.error:
        health.last_error = outcome.error
        health.consecutive_failures += 1
    else:
        health.last_error = None
        health.consecutive_failures = 0
        health.last_success_at = outcome.fetched_at
        if outcome.etag or outcome.last_modified or not outcome.unchanged:
            health.etag = outcome.etag
            health.last_modified = outcome.last_modified
        if not outcome.unchanged:
            health.entries_seen = outcome.entries_seen
            health.format = outcome.format or health.format
    health.new_entries = 0
    state.feeds[outcome.url] = health


def apply_entry_outcome(state: FeedState, outcome: EntryOutcome, max_attempts: int) -> str | None:
    """Update retries and health for one entry; returns a give-up message when the cap is hit."""
    health = state.feeds.get(outcome.feed_url)
    if outcome.new and health is not None:
        health.new_entries += 1
        health.new_entries_total += 1
        stamp = outcome.published or outcome.at
        if stamp and (health.newest_entry_at is None or stamp > health.newest_entry_at):
            health.newest_entry_at = stamp
    if outcome.ok or outcome.new:
        state.failed_entries.pop(outcome.url, None)
        return None
    if not outcome.transient:
        state.failed_entries.pop(outcome.url, None)
        _give_up(state, outcome.url, f"{outcome.at}: {outcome.error}")
        return None
    failed = state.failed_entries.get(outcome.url) or FailedEntry(
        url=outcome.url, feed_url=outcome.feed_url, first_failed_at=outcome.at
    )
    failed.attempts += 1
    failed.last_error = outcome.error
    failed.last_failed_at = outcome.at
    failed.title = outcome.title or failed.title
    failed.published = outcome.published or failed.published
    failed.summary = outcome.summary or failed.summary
    failed.content = outcome.content or failed.content
    if failed.attempts >= max_attempts:
        state.failed_entries.pop(outcome.url, None)
        message = f"gave up after {failed.attempts} attempts: {outcome.error}"
        _give_up(state, outcome.url, f"{outcome.at}: {message}")
        return message
    state.failed_entries[outcome.url] = failed
    return None


def _give_up(state: FeedState, url: str, why: str) -> None:
    state.given_up.pop(url, None)
    state.given_up[url] = why  # insertion order = age
    while len(state.given_up) > MAX_GIVEN_UP:
        state.given_up.pop(next(iter(state.given_up)))


def retry_entries(state: FeedState, feed_urls: set[str] | None = None) -> list[FailedEntry]:
    """Failed entries to try again this run (of the listed feeds, when given)."""
    return [
        entry
        for entry in sorted(state.failed_entries.values(), key=lambda e: e.url)
        if feed_urls is None or entry.feed_url in feed_urls
    ]


def to_json(state: FeedState) -> str:
    data = {
        "version": STATE_VERSION,
        "updated_at": state.updated_at,
        "run_id": state.run_id,
        "feeds": {url: dataclasses.asdict(h) for url, h in sorted(state.feeds.items())},
        "failed_entries": {url: dataclasses.asdict(e) for url, e in sorted(state.failed_entries.items())},
        "given_up": state.given_up,
    }
    return json.dumps(data, indent=2, ensure_ascii=False)


def _known_fields(cls, raw: dict) -> dict:
    names = {f.name for f in dataclasses.fields(cls)}
    return {k: v for k, v in raw.items() if k in names}


def from_json(text: str) -> FeedState:
    data = json.loads(text)
    if not isinstance(data, dict) or data.get("version") != STATE_VERSION:
        raise ValueError(
            f"unsupported feed state version {data.get('version') if isinstance(data, dict) else data!r}"
        )
    return FeedState(
        feeds={url: FeedHealth(**_known_fields(FeedHealth, h)) for url, h in data.get("feeds", {}).items()},
        failed_entries={
            url: FailedEntry(**_known_fields(FailedEntry, e))
            for url, e in data.get("failed_entries", {}).items()
        },
        given_up=dict(data.get("given_up") or {}),
        updated_at=data.get("updated_at"),
        run_id=data.get("run_id"),
    )


def load_state(output: str) -> FeedState:
    """The state kept in DIR, or an empty one (a damaged file is logged and set aside)."""
    path = state_path(output)
    if not FileSystems.exists(path):
        return FeedState()
    try:
        with FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED) as handle:
            return from_json(handle.read().decode("utf-8"))
    except (OSError, ValueError, TypeError) as exc:
        logger.warning("ignoring unreadable feed state %s (%s); starting afresh", path, exc)
        return FeedState()


def save_state(output: str, state: FeedState, run_id: str | None = None) -> str:
    """Write the state atomically; with a run id, undoably: a run rolled back after a kill
    takes its state change back with it (pipeline/output/run_state.py)."""
    state.updated_at = now_iso()
    state.run_id = run_id or state.run_id
    data = to_json(state).encode("utf-8")
    if run_id is None:
        return write_atomically(state_path(output), data, output)
    return write_undoable(state_path(output), data, output, run_id)
