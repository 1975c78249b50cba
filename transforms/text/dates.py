"""Publication dates, only from sources that state one (DESIGN.md "Dates").

Order: the page's own declared date (JSON-LD, meta tags), the feed entry's ``published``,
a date in the URL. Never ``updated``/``modified``, never a date in the body, never the
fetch or archive date: those are upper bounds, and a candidate later than the bound is
rejected as impossible.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from functools import cache

_URL_DATE = re.compile(
    r"/((?:19|20)\d{2})[/-](0?[1-9]|1[0-2])[/-](0?[1-9]|[12]\d|3[01])(?=[/\-_.]|$)"
)
_MIN_YEAR = 1900


@cache
def _dateparser():
    import dateparser  # slow to import; only needed for free-form stated dates

    return dateparser


def parse_stated_date(value: str | None) -> datetime | None:
    """A stated date string as an aware UTC datetime, or None when it is not a date."""
    if not value or not isinstance(value, str):
        return None
    raw = value.strip()
    if not raw or len(raw) > 80:
        return None
    parsed: datetime | None = None
    try:
        parsed = datetime.fromisoformat(raw.replace("Z", "+00:00") if raw.endswith("Z") else raw)
    except ValueError:
        try:
            parsed = parsedate_to_datetime(raw)  # RFC 822, as in RSS
        except (TypeError, ValueError, IndexError, OverflowError):
            try:
                parsed = _dateparser().parse(
                    raw,
                    settings={"RETURN_AS_TIMEZONE_AWARE": True, "TO_TIMEZONE": "UTC", "PREFER_DAY_OF_MONTH": "first"},
                )
            except (OverflowError, ValueError):
                return None
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        parsed = parsed.astimezone(UTC)
    except (OverflowError, ValueError):  # year 1 or 9999 with an offset: not a real date
        return None
    return parsed if parsed.year >= _MIN_YEAR else None


def date_from_url(url: str | None) -> datetime | None:
    if not url:
        return None
    match = _URL_DATE.search(url)
    if not match:
        return None
    year, month, day = (int(g) for g in match.groups())
    try:
        return datetime(year, month, day, tzinfo=UTC)
    except ValueError:
        return None


def choose_published(
    page_dates: Iterable[tuple[str, str]],
    entry_published: str | None,
    url: str | None,
    upper_bound: datetime | None,
    entry_label: str = "feed_entry",
) -> tuple[datetime | None, str | None]:
    """Pick the first plausible stated date; returns (published_at, where it came from)."""
    candidates: list[tuple[str, datetime | None]] = [(src, parse_stated_date(v)) for src, v in page_dates]
    candidates.append((entry_label, parse_stated_date(entry_published)))
    candidates.append(("url", date_from_url(url)))
    for source, when in candidates:
        if when is None:
            continue
        if upper_bound is not None and when > upper_bound:
            continue  # later than the fetch/archive date: impossible, not a publication date
        return when, source
    return None, None
