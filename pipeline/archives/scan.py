"""Locate records in WARC/ARC archives cheaply, and re-read one record by byte range.

The scan (``scan_archive``) walks an archive once and yields a small ``WarcPointer`` per
record — never the payload — so pointers can be reshuffled across workers without holding
payloads in memory (BEAM-NOTES "Memory"). ``read_payload`` later re-opens the archive at
the pointer's byte range and returns that one record's HTTP body, decoded from chunked
transfer-encoding and gzip/deflate/brotli content-encoding.

Archives are opened through ``apache_beam.io.filesystems.FileSystems`` so the same code
reads ``gs://`` paths on Dataflow (tested here on local files only).

Framings handled:

* per-record gzip (the WARC standard) and plain files: ``framing="member"``, offsets are
  byte positions in the file, so a record is read with one seek;
* whole-file gzip, or records split across gzip members (both invalid for random access,
  warcio refuses them after the first record): rescanned as one decompressed stream,
  ``framing="stream"``, offsets are positions in the decompressed stream. Reading one
  record then decompresses from the start of the file, so such archives are only accepted
  up to ``STREAM_FRAMING_MAX_BYTES`` (beyond that: one clean error; ``warcio recompress``
  fixes the file).

Nothing here raises on bad archives: damage becomes a ``WarcScanError`` (see
``scan_archive`` for where the scan goes on). Per-record gzip and plain WARCs are walked one
record at a time on bytes delimited beforehand (``pipeline/archives/members.py``), so one
damaged record is one error and the scan resynchronises at the next record. The reader of one record is
``pipeline/archives/payload.py``.
"""

from __future__ import annotations

import dataclasses
import gzip
import logging
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from apache_beam.io.filesystems import FileSystems

from pipeline.archives import members

# The single-record reader lives in warc_payload; re-exported so both halves are found here.
from pipeline.archives.payload import (
    ARCHIVE_ERRORS,
    FRAMING_MEMBER,
    FRAMING_STREAM,
    READ_BLOCK,
    SNIFF_BYTES,
    WarcReadError,
    open_archive,
    read_payload,
    read_pointer,
)
from pipeline.archives.record_fields import iterate_records, parse_warc_date, skip_reason
from transforms.archive_records import WarcPointer, WarcScanError

__all__ = [
    "FRAMING_MEMBER",
    "FRAMING_STREAM",
    "ResumePoint",
    "WarcReadError",
    "parse_warc_date",
    "read_payload",
    "read_pointer",
    "scan_archive",
    "skip_reason",
]

logger = logging.getLogger(__name__)

# Whole-file gzip archives cost one decompression from the file start per record read.
STREAM_FRAMING_MAX_BYTES = 256 * 1024 * 1024


def _archive_error(path: str, offset: int | None, index: int, exc: BaseException) -> WarcScanError:
    message = " ".join(str(exc).split()) or type(exc).__name__
    return WarcScanError(
        warc_file=path,
        warc_offset=offset,
        record_index=index,
        url=None,
        error_type="archive_unreadable",
        message=f"{type(exc).__name__}: {message[:500]}",
    )


def _sniff_archive(path: str) -> tuple[bool, str | None]:
    """(gzipped, "warc" | "arc" | None) from the first bytes of the (decompressed) file."""
    with open_archive(path) as fh:
        head = fh.read(READ_BLOCK)
    gzipped = head[:2] == b"\x1f\x8b"
    if gzipped:
        try:
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, SNIFF_BYTES)
        except zlib.error:
            return True, None
    head = head.lstrip(b"\r\n")
    if head.startswith(b"WARC/"):
        return gzipped, "warc"
    if head.startswith(b"filedesc:"):
        return gzipped, "arc"
    return gzipped, None


def _scan_stream(path: str, is_arc: bool) -> Iterator[WarcPointer | WarcScanError]:
    size = FileSystems.match([path])[0].metadata_list[0].size_in_bytes
    if size > STREAM_FRAMING_MAX_BYTES:
        yield WarcScanError(
            warc_file=path,
            warc_offset=None,
            record_index=0,
            url=None,
            error_type="whole_file_gzip",
            message=(
                f"archive is one gzip stream ({size} bytes), not per-record gzip: records cannot be read "
                "by byte range; fix with `warcio recompress`"
            ),
        )
        return
    index = 0
    last_offset: int | None = None
    with open_archive(path) as raw, gzip.GzipFile(fileobj=raw) as fh:
        try:
            for item in iterate_records(path, fh, FRAMING_STREAM, is_arc):
                last_offset = item.warc_offset
                index = item.record_index + 1
                yield item
        except ARCHIVE_ERRORS as exc:
            yield _archive_error(path, last_offset, index, exc)


@dataclass(frozen=True)
class ResumePoint:
    """Where a partly processed archive continues: the next record's offset and position."""

    offset: int
    record_index: int
    framing: str = FRAMING_MEMBER


def _member_end(path: str, offset: int) -> int | None:
    """Where the gzip member starting at ``offset`` ends, or None when none starts there."""
    decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
    consumed = 0
    try:
        with open_archive(path) as fh:
            fh.seek(offset)
            while not decompressor.eof:
                chunk = fh.read(READ_BLOCK)
                if not chunk:
                    return None
                data = chunk
                while data and not decompressor.eof:
                    decompressor.decompress(data, READ_BLOCK)  # output discarded, bounded
                    data = decompressor.unconsumed_tail
                consumed += len(chunk) - len(decompressor.unused_data)
    except (zlib.error, OSError):
        return None
    return offset + consumed


def _walk(
    path: str, is_arc: bool, gzipped: bool, offset: int, index: int, detect_framing: bool
) -> Iterator[WarcPointer | WarcScanError]:
    """Records from ``offset`` on (member framing). In a per-record gzip file, a record warcio
    cannot parse becomes one ``unreadable_record`` error and the walk goes on at the next gzip
    member; elsewhere the first unreadable point ends the walk with ``archive_unreadable``."""
    while True:
        emitted = 0
        resume_at = offset  # where the record being parsed starts
        try:
            with open_archive(path) as fh:
                fh.seek(offset)
                items = iterate_records(path, fh, FRAMING_MEMBER, is_arc, start_index=index)
                if detect_framing:
                    # Hold the first item until the second parses: that is where a
                    # non-per-record gzip file shows itself.
                    first = next(items, None)
                    second = next(items, None) if first is not None else None
                    items = _chain([i for i in (first, second) if i is not None], items)
                for item in items:
                    emitted += 1
                    index = item.record_index + 1
                    if isinstance(item, WarcPointer):
                        resume_at = item.warc_offset + item.warc_length
                    elif item.warc_offset is not None and gzipped:
                        resume_at = _member_end(path, item.warc_offset) or item.warc_offset
                    yield item
            return
        except ARCHIVE_ERRORS as exc:
            if detect_framing and gzipped and emitted == 0:
                logger.info(
                    "%s: not per-record gzip (%s); rescanning as one stream", path, type(exc).__name__
                )
                stream = _scan_stream(path, is_arc)
                first = next(stream, None)
                if not (
                    isinstance(first, WarcScanError) and first.record_index == 0 and first.warc_offset is None
                ):
                    yield from _chain([first] if first is not None else [], stream)
                    return
                # Neither framing parses the first record: it is one bad record; go on after it.
            following = _member_end(path, resume_at) if gzipped else None
            if following is None or following <= resume_at:
                yield _archive_error(path, resume_at, index, exc)
                return
            message = " ".join(str(exc).split()) or type(exc).__name__
            yield WarcScanError(
                warc_file=path,
                warc_offset=resume_at,
                record_index=index,
                url=None,
                error_type="unreadable_record",
                message=f"{type(exc).__name__}: {message[:500]} (gzip member of {following - resume_at} bytes skipped)",
            )
            offset, index, detect_framing = following, index + 1, False


def _member_error(
    path: str, start: int, index: int, error_type: str, message: str, url: str | None = None
) -> WarcScanError:
    return WarcScanError(
        warc_file=path,
        warc_offset=start,
        record_index=index,
        url=url,
        error_type=error_type,
        message=message,
    )


def _member_item(
    path: str, member: members.Member, index: int, fh: BinaryIO | None = None
) -> WarcPointer | WarcScanError:
    """The one record of one gzip member, parsed on that member's bytes alone."""
    problem = members.header_problem(member.head, member.size)
    if problem:
        return _member_error(path, member.start, index, "header_too_large", problem)
    mismatch = members.length_problem(member)
    if mismatch:
        return _member_error(path, member.start, index, *mismatch, url=members.target_uri(member))
    try:
        with members.MemberReader(path, member, fh) as reader:
            item = next(iterate_records(path, reader, FRAMING_MEMBER, False, start_index=index), None)
    except ARCHIVE_ERRORS as exc:
        message = " ".join(str(exc).split()) or type(exc).__name__
        return _member_error(
            path, member.start, index, "unreadable_record", f"{type(exc).__name__}: {message[:500]}"
        )
    if item is None:
        return _member_error(path, member.start, index, "unreadable_record", "gzip member holds no record")
    if isinstance(item, WarcPointer):
        return dataclasses.replace(item, warc_offset=member.start, warc_length=member.end - member.start)
    return dataclasses.replace(item, warc_offset=member.start)


def _first_member_is_one_record(path: str) -> bool:
    """Whether the archive starts with a gzip member holding exactly one well-formed record."""
    first = next(members.walk_members(path, 0), None)
    if not isinstance(first, members.Member):
        return False
    if members.header_problem(first.head, first.size) or members.length_problem(first):
        return False
    return isinstance(_member_item(path, first, 0), WarcPointer)


def _walk_members(
    path: str, offset: int, index: int, gzipped: bool = True
) -> Iterator[WarcPointer | WarcScanError]:
    """One item per gzip member (or plain record), one error per damaged span, in order."""
    walk = members.walk_members if gzipped else members.walk_plain
    with open_archive(path) as fh:  # one handle for the walk and every record (one GCS open)
        yield from _items_of_walk(path, walk(path, offset, fh), index, fh)


def _items_of_walk(
    path: str, walk: Iterator, index: int, fh: BinaryIO
) -> Iterator[WarcPointer | WarcScanError]:
    for found in walk:
        if isinstance(found, members.Member):
            yield _member_item(path, found, index, fh)
        else:
            if found.resumed:
                error_type, what = "damaged_archive", "skipped to the next record"
            else:
                error_type, what = "archive_unreadable", "to the end of the file, no record found after them"
            yield _member_error(
                path,
                found.start,
                index,
                error_type,
                f"{found.reason}: {found.end - found.start} bytes {what}",
            )
        index += 1


def _chain(head: list, tail: Iterator) -> Iterator:
    yield from head
    yield from tail


def scan_archive(path: str, resume: ResumePoint | None = None) -> Iterator[WarcPointer | WarcScanError]:
    """Every record of one archive as a pointer (with a skip reason when it is not HTML 200), or errors.

    Per-record gzip and plain archives are walked once. When a gzip archive breaks before its
    second record (whole-file gzip, a record split across gzip members), it is walked again as
    one decompressed stream. A record that cannot be parsed later on is one error: in a
    per-record gzip file the walk continues at the next gzip member, in other files it ends
    there, after the records already found. ``resume`` continues a scan where an earlier
    batch stopped.
    """
    try:
        gzipped, kind = _sniff_archive(path)
    except OSError as exc:
        yield _archive_error(path, None, 0, exc)
        return
    if kind is None:
        yield WarcScanError(
            warc_file=path,
            warc_offset=0,
            record_index=0,
            url=None,
            error_type="not_an_archive",
            message="file does not start with a WARC record or an ARC file header"
            + (" (gzip)" if gzipped else ""),
        )
        return
    is_arc = kind == "arc"
    if resume is not None and resume.framing == FRAMING_STREAM:
        for item in _scan_stream(path, is_arc):
            if item.record_index >= resume.record_index:
                yield item
        return
    if not is_arc:
        if resume is not None:
            yield from _walk_members(path, resume.offset, resume.record_index, gzipped)
            return
        if not gzipped or _first_member_is_one_record(path):
            yield from _walk_members(path, 0, 0, gzipped)
            return
    if resume is not None:
        yield from _walk(path, is_arc, gzipped, resume.offset, resume.record_index, detect_framing=False)
        return
    yield from _walk(path, is_arc, gzipped, 0, 0, detect_framing=True)
