"""The stream's exactly-once rule: is a feed entry new, a duplicate, an edit, or stale?

One pure function, ``judge``, decides for both faces of the stream: the local cycles (state in
a file under DIR) and the unbounded graph (Beam keyed state with an event-time timer). Both
call it with the entry's earlier state (or None) and the poll time, and keep what it returns.

* An entry seen before is a ``duplicate``; if what the feed says about it changed, it is
  ``edited`` once per change and its first version stays the one written.
* State is bounded by the TTL: a dated entry's state expires ``ttl`` after its publication, an
  undated one ``ttl`` after it was last seen (each sighting extends it).
* A dated entry older than the TTL that has no state is ``stale``: its state may have expired,
  so writing it could write it twice. This also means a stream never writes entries published
  more than the TTL ago, even on its first poll (a batch run does that).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from transforms.stream_records import SeenEntry

NEW, DUPLICATE, EDITED, STALE = "new", "duplicate", "edited", "stale"
DEFAULT_TTL = timedelta(days=30)


@dataclass(frozen=True)
class Candidate:
    """What one poll says about one entry (from the feed alone, before any page is fetched)."""

    doc_id: str
    feed_url: str
    fingerprint: str
    published: str | None  # ISO-8601 from the feed entry, or None


@dataclass(frozen=True)
class Verdict:
    outcome: str  # new | duplicate | edited | stale
    state: SeenEntry | None  # what to keep for this doc_id (None: keep nothing)


def fingerprint(title: str | None, published: str | None, summary: str | None, content: str | None) -> str:
    """A hash of what the feed says about an entry; whitespace differences are not edits."""
    parts = [" ".join((value or "").split()) for value in (title, published, summary, content)]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def entry_time(published: str | None, seen_at: datetime) -> tuple[datetime, bool]:
    """(publication time, dated): a date in the future counts as ``seen_at``; none or garbage is undated."""
    seen_at = _utc(seen_at)
    if published:
        try:
            stated = _utc(datetime.fromisoformat(published.replace("Z", "+00:00")))
        except ValueError:
            return seen_at, False
        return min(stated, seen_at), True
    return seen_at, False


def expires_at(state: SeenEntry, ttl: timedelta) -> datetime:
    return (state.entry_time if state.dated else state.last_seen_at) + ttl


def judge(
    previous: SeenEntry | None, candidate: Candidate, now: datetime, ttl: timedelta, run_id: str
) -> Verdict:
    """Decide one sighting of an entry at poll time ``now``; expired ``previous`` state is ignored."""
    now = _utc(now)
    if previous is not None and previous.expires_at > now:
        outcome = DUPLICATE if candidate.fingerprint == previous.last_fingerprint else EDITED
        seen = replace(previous, last_fingerprint=candidate.fingerprint, last_seen_at=now)
        return Verdict(outcome, replace(seen, expires_at=expires_at(seen, ttl)))
    when, dated = entry_time(candidate.published, now)
    if dated and when + ttl <= now:
        return Verdict(STALE, None)
    seen = SeenEntry(
        doc_id=candidate.doc_id,
        feed_url=candidate.feed_url,
        first_fingerprint=candidate.fingerprint,
        last_fingerprint=candidate.fingerprint,
        entry_time=when,
        dated=dated,
        first_seen_at=now,
        last_seen_at=now,
        expires_at=now,
        run_id=run_id,
    )
    return Verdict(NEW, replace(seen, expires_at=expires_at(seen, ttl)))


def merge_states(older: SeenEntry, newer: SeenEntry) -> SeenEntry:
    """Two records of one doc_id (e.g. a replayed cycle): keep the first version, the latest sighting."""
    first, last = (older, newer) if older.first_seen_at <= newer.first_seen_at else (newer, older)
    latest = newer if newer.last_seen_at >= older.last_seen_at else older
    return replace(
        first,
        last_fingerprint=latest.last_fingerprint,
        last_seen_at=latest.last_seen_at,
        expires_at=max(first.expires_at, latest.expires_at),
    )


def parse_ttl(text: str) -> timedelta:
    """``"30d"``, ``"12h"``, ``"90m"``, ``"45s"`` or plain seconds -> a positive timedelta.

    Raises:
        ValueError: not a positive duration.
    """
    text = text.strip().lower()
    units = {"d": 86400, "h": 3600, "m": 60, "s": 1}
    scale = units.get(text[-1:], None)
    number = text[:-1] if scale else text
    try:
        seconds = float(number) * (scale or 1)
    except ValueError:
        raise ValueError(f"expected a duration like 30d, 12h, 90m or 3600, got {text!r}") from None
    if seconds <= 0:
        raise ValueError(f"must be > 0, got {text!r}")
    return timedelta(seconds=seconds)
