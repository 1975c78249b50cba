"""Read ONE archive record by byte range and return its HTTP payload.

A ``WarcPointer`` (file, offset, length, framing) from ``pipeline.archives.scan.scan_archive``
is all it needs: the archive is opened through Beam's ``FileSystems`` (so ``gs://`` works),
the stored bytes of that record are read, and its HTTP body comes back with chunked
transfer-encoding and gzip/deflate/brotli content-encoding removed. Failures are
``WarcReadError``s with a stable ``error_type``, never warcio or zlib exceptions.
"""

from __future__ import annotations

import gzip
import io
import re
import zlib
from typing import BinaryIO

from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems
from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import ChunkedDataReader
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeadersParserException

from transforms.archive_records import WarcPointer

FRAMING_MEMBER = "member"  # offsets are positions in the file (per-record gzip, plain)
FRAMING_STREAM = "stream"  # offsets are positions in the decompressed whole-file gzip stream

READ_BLOCK = 64 * 1024
SNIFF_BYTES = 1024  # how much of a record's start drain() keeps for sniffing
# A stored record this much larger than the payload limit cannot hold a payload under it
# (headers and gzip overhead are far smaller).
_STORED_SLACK = 64 * 1024

# Everything warcio and zlib raise on damaged input, caught where an archive is read.
ARCHIVE_ERRORS: tuple[type[BaseException], ...] = (
    ArchiveLoadFailed,
    StatusAndHeadersParserException,
    zlib.error,
    EOFError,
    OSError,
    ValueError,
    IndexError,
    # warcio on malformed headers, e.g. a response record without WARC-Target-URI
    AttributeError,
    TypeError,
)


class WarcReadError(Exception):
    """One record could not be read; ``error_type`` is a short stable reason."""

    def __init__(self, error_type: str, message: str) -> None:
        super().__init__(f"{error_type}: {message}")
        self.error_type = error_type
        self.message = message


def open_archive(path: str) -> BinaryIO:
    """Raw bytes of an archive (no transparent decompression: warcio handles gzip members)."""
    return FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED)


def drain(stream: BinaryIO) -> tuple[bytes, int]:
    """Read a record's remaining block; returns (first bytes for sniffing, total bytes read)."""
    head = b""
    total = 0
    while True:
        block = stream.read(READ_BLOCK)
        if not block:
            return head, total
        if len(head) < SNIFF_BYTES:
            head += block[: SNIFF_BYTES - len(head)]
        total += len(block)


def _read_block(pointer_file: str, offset: int, length: int, framing: str) -> bytes:
    with open_archive(pointer_file) as raw:
        if framing == FRAMING_STREAM:
            with gzip.GzipFile(fileobj=raw) as fh:
                fh.seek(offset)
                return fh.read(length)
        raw.seek(offset)
        return raw.read(length)


def _decoded_stream(record: ArcWarcRecord) -> BinaryIO:
    """The HTTP body with transfer- and content-encoding removed (brotli done here: warcio 1.8.1's
    brotli hook does not work with brotli >= 1.1)."""
    encoding = (record.http_headers.get_header("Content-Encoding") or "").strip().lower()
    if encoding != "br":
        return record.content_stream()
    chunked = (record.http_headers.get_header("Transfer-Encoding") or "").strip().lower() == "chunked"
    body = ChunkedDataReader(record.raw_stream).read() if chunked else record.raw_stream.read()
    try:
        import brotli
    except ImportError as exc:
        raise WarcReadError(
            "unsupported_encoding", "brotli payload and the brotli package is missing"
        ) from exc
    try:
        return io.BytesIO(brotli.decompress(body))
    except brotli.error as exc:
        raise WarcReadError("bad_content_encoding", f"brotli: {exc}") from exc


# A stored record begins with a gzip member, a WARC version line, or an ARC header line
# (URL ... length); anything else means the byte range does not point at a record.
_RECORD_START = re.compile(rb"\x1f\x8b|WARC/|[^\r\n]{1,8000} \d+\r?\n")


def read_payload(
    warc_file: str,
    offset: int,
    length: int,
    framing: str = FRAMING_MEMBER,
    max_bytes: int | None = None,
    expected_url: str | None = None,
) -> bytes:
    """The HTTP payload of the one record at ``offset`` (``length`` bytes as stored).

    ``expected_url`` (the record's WARC-Target-URI as the scan saw it) guards against a byte
    range that no longer points at that record (a replaced file, a stale index). Raises
    ``WarcReadError`` (never a warcio/zlib exception) with a stable ``error_type``:
    ``too_large``, ``unreadable_record``, ``record_mismatch``, ``truncated_record``,
    ``no_http_payload``, ``unreadable_archive``, ``bad_content_encoding``.
    """
    if max_bytes is not None and length > max_bytes + _STORED_SLACK:
        raise WarcReadError("too_large", f"record stores {length} bytes, over the limit of {max_bytes}")
    try:
        block = _read_block(warc_file, offset, length, framing)
    except OSError as exc:
        raise WarcReadError("unreadable_archive", f"{type(exc).__name__}: {exc}") from exc
    if len(block) < length:
        raise WarcReadError(
            "truncated_record", f"expected {length} bytes at offset {offset}, got {len(block)}"
        )
    if not _RECORD_START.match(block):
        raise WarcReadError("unreadable_record", f"no record starts at offset {offset}")
    try:
        record = next(iter(ArchiveIterator(io.BytesIO(block), arc2warc=True)))
        uri = record.rec_headers.get_header("WARC-Target-URI")
        if expected_url is not None and uri != expected_url:
            raise WarcReadError(
                "record_mismatch", f"record at offset {offset} is {uri!r}, not {expected_url!r}"
            )
        if record.http_headers is None:
            raise WarcReadError("no_http_payload", f"{record.rec_type} record has no HTTP headers")
        stream = _decoded_stream(record)
        payload = stream.read() if max_bytes is None else stream.read(max_bytes + 1)
        if max_bytes is not None and len(payload) > max_bytes:
            raise WarcReadError("too_large", f"payload over the limit of {max_bytes} bytes")
        drain(record.raw_stream)
        if getattr(record.raw_stream, "limit", 0):
            raise WarcReadError("truncated_record", "record ends before its declared Content-Length")
    except StopIteration as exc:
        raise WarcReadError("unreadable_record", f"no record at offset {offset}") from exc
    except ARCHIVE_ERRORS as exc:
        raise WarcReadError(
            "unreadable_record", f"{type(exc).__name__}: {' '.join(str(exc).split())[:300]}"
        ) from exc
    return payload


def read_pointer(pointer: WarcPointer, max_bytes: int | None = None) -> bytes:
    """The payload of the record a scan (or the side index) pointed at, checked by its URL."""
    return read_payload(
        pointer.warc_file, pointer.warc_offset, pointer.warc_length, pointer.framing, max_bytes, pointer.url
    )
