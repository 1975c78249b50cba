"""Keep every fetched response as a WARC record under ``DIR/raw/`` so history can be re-processed
with better rules later without fetching again (the archive source reads these files).

One writer holds one file, opened on the first record under a temporary name and renamed to
its final name on ``close()`` (a fetch DoFn closes it at the end of each bundle), so readers
never see a half-written archive. Records are gzipped one by one (the usual ``.warc.gz``
framing), each response preceded by the request that produced it.

The payload stored is the body *after* Content-Encoding was undone (that is what the client
keeps); the stored HTTP headers say so: ``Content-Encoding`` and ``Transfer-Encoding`` are
replaced by ``X-Dealstream-Original-Content-Encoding`` and ``Content-Length`` is the stored
length, so any WARC reader gets the bytes the pipeline saw.
"""

from __future__ import annotations

import io
import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus

from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

from pipeline.http.client import FetchResult
from pipeline.output.atomic import commit_temp, temp_path

logger = logging.getLogger(__name__)

_DROPPED = frozenset({"content-encoding", "transfer-encoding", "content-length"})


@dataclass(frozen=True)
class ArchivedAt:
    """Where a record went: the final file name and the record's byte range in it."""

    warc_file: str
    offset: int
    length: int


class _CountingStream:
    """Write-through wrapper that knows its position (FileSystems streams cannot ``tell``)."""

    def __init__(self, raw) -> None:
        self.raw = raw
        self.position = 0

    def write(self, data: bytes) -> int:
        self.raw.write(data)
        self.position += len(data)
        return len(data)

    def tell(self) -> int:
        return self.position

    def flush(self) -> None:
        self.raw.flush()

    def close(self) -> None:
        self.raw.close()


def raw_dir(output: str) -> str:
    return FileSystems.join(output.rstrip("/"), "raw")


def _http_headers(result: FetchResult) -> StatusAndHeaders:
    status = result.status or 0
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Unknown"
    headers = [(k, v) for k, v in result.headers if k not in _DROPPED]
    original = result.header("content-encoding")
    if original:
        headers.append(("X-Dealstream-Original-Content-Encoding", original))
    headers.append(("Content-Length", str(len(result.body))))
    return StatusAndHeaders(f"{status} {phrase}", headers, protocol="HTTP/1.1")


class WarcArchive:
    """Appends fetched responses to one WARC file of ``DIR/raw/fetch_date=YYYY-MM-DD/``."""

    def __init__(self, output: str, run_id: str, kind: str = "fetch") -> None:
        self.output = output
        self.run_id = run_id
        self.kind = kind
        self._stream: _CountingStream | None = None
        self._writer: WARCWriter | None = None
        self._temp = self._final = ""
        self.records = 0

    def _open(self, when: datetime) -> None:
        folder = FileSystems.join(raw_dir(self.output), f"fetch_date={when.date().isoformat()}")
        name = f"{self.kind}-{self.run_id}-{uuid.uuid4().hex[:12]}.warc.gz"
        self._final = FileSystems.join(folder, name)
        self._temp = temp_path(self.output, name)  # in DIR/_tmp/, outside the archive folders
        raw = FileSystems.create(self._temp, compression_type=CompressionTypes.UNCOMPRESSED)
        self._stream = _CountingStream(raw)
        self._writer = WARCWriter(self._stream, gzip=True)
        info = {"software": "dealstream", "format": "WARC File Format 1.1", "run-id": self.run_id}
        self._writer.write_record(self._writer.create_warcinfo_record(name, info))

    def write(self, result: FetchResult, request_headers: dict[str, str] | None = None) -> ArchivedAt | None:
        """Append ``result`` (a response that arrived: it has a status) as request + response."""
        if result.status is None:
            return None
        when = result.fetched_at or datetime.now(UTC)
        if self._writer is None:
            self._open(when)
        assert self._writer is not None and self._stream is not None
        date = datetime_to_iso_date(when.astimezone(UTC).replace(tzinfo=None))
        response = self._writer.create_warc_record(
            result.final_url,
            "response",
            payload=io.BytesIO(result.body),
            length=len(result.body),
            http_headers=_http_headers(result),
            warc_headers_dict={"WARC-Date": date},
        )
        request_line = [(k, v) for k, v in (request_headers or {}).items()]
        request = self._writer.create_warc_record(
            result.final_url,
            "request",
            payload=io.BytesIO(b""),
            length=0,
            http_headers=StatusAndHeaders(
                f"GET {result.final_url} HTTP/1.1", request_line, is_http_request=True
            ),
            warc_headers_dict={
                "WARC-Date": date,
                "WARC-Concurrent-To": response.rec_headers.get_header("WARC-Record-ID"),
            },
        )
        self._writer.write_record(request)
        offset = self._stream.tell()
        self._writer.write_record(response)
        self.records += 1
        return ArchivedAt(self._final, offset, self._stream.tell() - offset)

    def close(self) -> str | None:
        """Finish the file and give it its final name; returns it (None when nothing was written)."""
        if self._stream is None:
            return None
        self._stream.close()
        final = commit_temp(self._temp, self._final)
        logger.info("archived %d responses in %s", self.records, final)
        self._stream = self._writer = None
        self.records = 0
        return final
