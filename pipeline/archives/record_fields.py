"""One WARC/ARC record -> its ``WarcPointer`` fields: date, HTTP status, type, skip reason.

Shared by the scan of whole archives (``scan.py``) and the member-by-member walk after damage
(``scan._walk_members``); holds no file handling of its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.recordloader import ArcWarcRecord

from pipeline.archives.payload import SNIFF_BYTES, drain
from transforms.archive_records import WarcPointer, WarcScanError

HTML_TYPES = ("text/html", "application/xhtml+xml")

_WARC_DATE = re.compile(
    r"^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?$"
)
_ARC_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})(\d{2})?(\d{2})?(\d{2})?$")


def parse_warc_date(value: str | None) -> datetime | None:
    """A WARC-Date (W3C-ISO8601, possibly truncated, or a 14-digit ARC date) in UTC; None if invalid.

    ClueWeb09's ``2008-10-294T…`` and other impossible dates give None rather than a guess.
    """
    if not value:
        return None
    raw = value.strip()
    match = _WARC_DATE.match(raw)
    if match:
        year, month, day, hour, minute, second, frac, zone = match.groups()
    else:
        match = _ARC_DATE.match(raw)
        if not match:
            return None
        year, month, day, hour, minute, second = match.groups()
        frac, zone = None, None
    tz = UTC
    if zone and zone != "Z":
        sign = 1 if zone[0] == "+" else -1
        digits = zone[1:].replace(":", "")
        tz = timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
    try:
        when = datetime(
            int(year),
            int(month or 1),
            int(day or 1),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            int((frac or "0")[:6].ljust(6, "0")),
            tzinfo=tz,
        )
    except ValueError:
        return None
    when = when.astimezone(UTC)
    # A crawl cannot happen in the future (warcio turns unreadable ARC dates into 2999-12-31).
    return None if when > datetime.now(UTC) + timedelta(days=1) else when


def is_html_type(content_type: str | None) -> bool:
    if not content_type:
        return False
    return content_type.split(";", 1)[0].strip().lower() in HTML_TYPES


def _sniff_html(head: bytes) -> bool:
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return start.startswith((b"<!doctype html", b"<html")) or b"<html" in start[:SNIFF_BYTES]


def skip_reason(
    record_type: str, http_status: int | None, content_type: str | None, sniffed_html: bool
) -> str | None:
    """Why a record is not worth extracting, or None when it is an HTTP 200 HTML response."""
    if record_type != "response":
        return f"warc_{record_type or 'untyped'}"
    if http_status is None:
        return "no_http_status"
    if http_status != 200:
        return f"http_{http_status}"
    if content_type is None:
        return None if sniffed_html else "not_html"
    return None if is_html_type(content_type) else "not_html"


def _status(record: ArcWarcRecord) -> int | None:
    if record.http_headers is None or record.rec_type not in ("response", "revisit"):
        return None
    code = record.http_headers.get_statuscode()
    try:
        return int(code) if code else None
    except ValueError:
        return None


def _http_content_type(record: ArcWarcRecord) -> str | None:
    if record.http_headers is None:
        return None
    value = record.http_headers.get_header("Content-Type")
    return value.strip() if value else None


def iterate_records(
    path: str, fh: BinaryIO, framing: str, is_arc: bool, start_index: int = 0
) -> Iterator[WarcPointer | WarcScanError]:
    """Pointers for every record of one opened stream; raises ARCHIVE_ERRORS on damage.

    ARC records are converted to WARC headers. In a WARC file, ARC parsing stays off: warcio
    would otherwise take any garbage line for an ARC header.
    """
    iterator = ArchiveIterator(fh, arc2warc=is_arc)
    for index, record in enumerate(iterator, start=start_index):
        http_status = _status(record)
        content_type = _http_content_type(record)
        head, _ = drain(record.raw_stream)
        missing = getattr(record.raw_stream, "limit", 0) or 0
        offset = iterator.get_record_offset()
        length = iterator.get_record_length()
        date_text = record.rec_headers.get_header("WARC-Date")
        url = record.rec_headers.get_header("WARC-Target-URI")
        if missing > 0:
            yield WarcScanError(
                warc_file=path,
                warc_offset=offset,
                record_index=index,
                url=url,
                error_type="truncated_record",
                message=f"record declares {missing} more bytes than the archive holds (Content-Length {record.length})",
            )
            continue
        encoded = bool(record.http_headers and record.http_headers.get_header("Content-Encoding"))
        sniffed = not encoded and _sniff_html(head)
        yield WarcPointer(
            warc_file=path,
            warc_offset=offset,
            warc_length=length,
            framing=framing,
            record_index=index,
            record_type=record.rec_type or "",
            warc_date=parse_warc_date(date_text),
            url=url,
            http_status=http_status,
            content_type=content_type,
            skip_reason=skip_reason(record.rec_type or "", http_status, content_type, sniffed),
        )
