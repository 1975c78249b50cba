"""Walk a per-record gzip WARC one gzip member at a time, resynchronising after damage.

warcio reads a gzip WARC as one stream of members, so one damaged record costs everything
after it: a member cut in half makes the decompressor run on into the next member's bytes, a
Content-Length that is too big swallows the following records, garbage between members ends
the file, and a header line of 256 MiB is read into memory whole. Here each member is first
delimited by decompressing it with the output thrown away (memory bounded, whatever it
holds), and only then parsed, on its own bytes, as one record. So:

* a member that does not decompress (cut, corrupt) or bytes that are not a member (garbage)
  become one ``Damage`` span, and the walk goes on at the next offset where a gzip member that
  starts with ``WARC/`` begins;
* a record whose Content-Length disagrees with its member (too small: bytes left over; too
  big: the member ends first) is one error and cannot reach the next record;
* a WARC or HTTP header block that does not end within ``MAX_HEADER_BYTES`` is refused before
  any parser reads a line of it.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import BinaryIO

from pipeline.archives.payload import READ_BLOCK, open_archive

GZIP_MAGIC = b"\x1f\x8b\x08"
MAX_HEADER_BYTES = 256 * 1024  # WARC + HTTP header blocks of one record, together
RESYNC_WINDOW = 1024 * 1024  # bytes read at a time while looking for the next member


@dataclass(frozen=True)
class Member:
    """One gzip member that decompressed completely; ``head`` is its first decompressed bytes."""

    start: int
    end: int
    head: bytes
    size: int  # decompressed bytes


@dataclass(frozen=True)
class Damage:
    """Bytes ``start``..``end`` hold no complete gzip member (``end`` is where the walk goes on)."""

    start: int
    end: int
    reason: str
    resumed: bool  # a record follows at ``end``; False: the damage runs to the end of the file


class _Window:
    """Random access to an archive's raw bytes through one open handle."""

    def __init__(self, fh: BinaryIO) -> None:
        self.fh = fh

    def read(self, offset: int, size: int) -> bytes:
        self.fh.seek(offset)
        return self.fh.read(size)


def _inflate(win: _Window, start: int) -> Member | str:
    """The member starting at ``start``, or why there is none (output discarded, bounded)."""
    decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
    head = b""
    size = 0
    position = start
    while not decompressor.eof:
        chunk = win.read(position, READ_BLOCK)
        if not chunk:
            return "the gzip member is cut short (end of file inside it)"
        data = chunk
        try:
            while data and not decompressor.eof:
                out = decompressor.decompress(data, READ_BLOCK)
                size += len(out)
                if len(head) < MAX_HEADER_BYTES:
                    head += out[: MAX_HEADER_BYTES - len(head)]
                data = decompressor.unconsumed_tail
        except zlib.error as exc:
            return f"the gzip member is corrupt ({exc})"
        position += len(chunk) - len(decompressor.unused_data)
    return Member(start, position, head, size)


def _is_record_start(win: _Window, offset: int) -> bool:
    """Whether a gzip member starting with a WARC version line begins at ``offset``."""
    try:
        out = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(win.read(offset, 4096), 16)
    except zlib.error:
        return False
    return out.startswith(b"WARC/")


def _next_record_start(win: _Window, after: int) -> int | None:
    """The first offset past ``after`` where a gzip member holding a WARC record starts."""
    position = after
    while True:
        block = win.read(position, RESYNC_WINDOW + len(GZIP_MAGIC))
        if len(block) < len(GZIP_MAGIC):
            return None
        found = block.find(GZIP_MAGIC)
        while found >= 0 and found < RESYNC_WINDOW:
            if _is_record_start(win, position + found):
                return position + found
            found = block.find(GZIP_MAGIC, found + 1)
        if len(block) <= RESYNC_WINDOW:
            return None
        position += RESYNC_WINDOW


def walk_members(path: str, offset: int, fh: BinaryIO | None = None) -> Iterator[Member | Damage]:
    """Members and damaged spans from ``offset`` to the end of the file, in order.

    ``fh``: an open handle to use (every read seeks first, so it may be shared with the
    reader of each yielded member); else the file is opened here.
    """
    with _handle(path, fh) as fh:
        win = _Window(fh)
        while True:
            start_bytes = win.read(offset, len(GZIP_MAGIC))
            if not start_bytes:
                return
            if start_bytes == GZIP_MAGIC:
                found = _inflate(win, offset)
                if isinstance(found, Member):
                    yield found
                    offset = found.end
                    continue
                reason = found
            elif not start_bytes.strip(b"\r\n\x00 ") and not win.read(offset, READ_BLOCK).strip(b"\r\n\x00 "):
                return  # trailing blank padding
            else:
                reason = "bytes that are not a gzip member"
            following = _next_record_start(win, offset + 1)
            end = following if following is not None else _file_end(win, offset)
            yield Damage(offset, end, reason, following is not None)
            if following is None:
                return
            offset = following


def _file_end(win: _Window, offset: int) -> int:
    win.fh.seek(0, 2)
    return max(offset, win.fh.tell())


def header_problem(head: bytes, size: int) -> str | None:
    """Why a record's header blocks are refused before parsing (too long), or None."""
    warc_end = head.find(b"\r\n\r\n")
    if warc_end < 0:
        if size > len(head):
            return f"WARC header block longer than {MAX_HEADER_BYTES} bytes"
        return None  # short and malformed: the parser says what is wrong
    if b"application/http" in head[:warc_end].lower():
        if head.find(b"\r\n\r\n", warc_end + 4) < 0 and size > len(head):
            return f"WARC and HTTP header blocks longer than {MAX_HEADER_BYTES} bytes"
    return None


@contextmanager
def _handle(path: str, fh: BinaryIO | None) -> Iterator[BinaryIO]:
    if fh is not None:
        yield fh
        return
    with open_archive(path) as opened:
        yield opened


class MemberReader:
    """The raw bytes of one member as a file (warcio sees nothing past its end).

    With ``fh`` (an open handle of the archive) no file is opened and ``close`` leaves it open.
    """

    def __init__(self, path: str, member: Member, fh: BinaryIO | None = None) -> None:
        self._owned = fh is None
        self._fh = open_archive(path) if fh is None else fh
        self._fh.seek(member.start)
        self._left = member.end - member.start

    def read(self, size: int = -1) -> bytes:
        if self._left <= 0:
            return b""
        size = self._left if size is None or size < 0 else min(size, self._left)
        data = self._fh.read(size)
        self._left -= len(data)
        return data

    def readline(self, size: int = -1) -> bytes:  # warcio only calls read() on the raw stream
        return self.read(size)

    def close(self) -> None:
        if self._owned:
            self._fh.close()

    def __enter__(self) -> MemberReader:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


_CONTENT_LENGTH = re.compile(rb"(?im)^content-length:[ \t]*(\d{1,19})[ \t]*\r?$")
_TRAILER_SLACK = 64  # blank lines a writer may leave after a record
_TARGET_URI = re.compile(rb"(?im)^warc-target-uri:[ \t]*<?([^\r\n<>]{1,4096}?)>?[ \t]*\r?$")


def target_uri(member: Member) -> str | None:
    """The record's WARC-Target-URI from its header block, for error rows."""
    warc_end = member.head.find(b"\r\n\r\n")
    match = _TARGET_URI.search(member.head[: warc_end if warc_end >= 0 else MAX_HEADER_BYTES])
    return match.group(1).decode("utf-8", "replace") if match else None


def length_problem(member: Member) -> tuple[str, str] | None:
    """(error_type, message) when the record's Content-Length disagrees with its member."""
    warc_end = member.head.find(b"\r\n\r\n")
    if warc_end < 0:
        return None
    match = _CONTENT_LENGTH.search(member.head[:warc_end])
    if match is None:
        return None
    declared = int(match.group(1))
    expected = warc_end + 4 + declared
    if member.size < expected:
        return (
            "truncated_record",
            f"record declares Content-Length {declared}, {expected - member.size} bytes more than "
            "the archive holds for it",
        )
    if member.size > expected + 4 + _TRAILER_SLACK:
        return (
            "content_length_mismatch",
            f"record declares Content-Length {declared} but the archive holds "
            f"{member.size - expected - 4} bytes more",
        )
    return None


# A cut record leaves the next one mid-line, so a version line is looked for anywhere.
_VERSION_LINE = re.compile(rb"WARC/1\.[01]\r\n")


def _next_plain_start(win: _Window, after: int) -> int | None:
    """The first offset at or past ``after`` where a ``WARC/1.0`` or ``WARC/1.1`` line begins."""
    position = after
    while True:
        block = win.read(position, RESYNC_WINDOW + 16)
        match = _VERSION_LINE.search(block)
        if match is not None:
            return position + match.start()
        if len(block) <= RESYNC_WINDOW:
            return None
        position += RESYNC_WINDOW


def walk_plain(path: str, offset: int, fh: BinaryIO | None = None) -> Iterator[Member | Damage]:
    """Uncompressed WARC: records delimited by Content-Length when it lands on the next record
    (or the end of the file), else by the next line starting with ``WARC/``; never by reading
    a header line of unbounded length. ``fh`` as for ``walk_members``."""
    with _handle(path, fh) as fh:
        win = _Window(fh)
        file_end = _file_end(win, offset)
        while offset < file_end:
            head = win.read(offset, MAX_HEADER_BYTES)
            if not head.strip(b"\r\n\x00 \t") and offset + len(head) >= file_end:
                return
            stripped = head.lstrip(b"\r\n")
            if not stripped.startswith(b"WARC/"):
                following = _next_plain_start(win, offset + 1)
                yield Damage(
                    offset, following or file_end, "bytes that are not a WARC record", following is not None
                )
                if following is None:
                    return
                offset = following
                continue
            offset += len(head) - len(stripped)
            head = stripped
            end = _declared_end(win, offset, head, file_end)
            if end is None:
                end = _next_plain_start(win, offset + 1) or file_end
            yield Member(offset, end, head[: end - offset], end - offset)
            offset = end


def _declared_end(win: _Window, offset: int, head: bytes, file_end: int) -> int | None:
    """Where the record at ``offset`` ends by its Content-Length, when the next record (or
    only blank bytes before the end of the file) follows there."""
    warc_end = head.find(b"\r\n\r\n")
    match = _CONTENT_LENGTH.search(head[:warc_end]) if warc_end >= 0 else None
    if match is None:
        return None
    end = offset + warc_end + 4 + int(match.group(1))
    if end > file_end:
        return None
    after = win.read(end, 64)
    if after.startswith(b"\r\n\r\n"):  # the record's own trailer: it is whole, whatever follows
        return end + 4
    rest = after.lstrip(b"\r\n\x00")
    if rest.startswith(b"WARC/") or (not rest and end + len(after) >= file_end):
        return min(file_end, end + len(after) - len(rest)) if rest else file_end
    return None
