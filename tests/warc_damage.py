"""Ten-record per-record-gzip WARCs with one record damaged, built with warcio (no files kept)."""

from __future__ import annotations

import gzip
import io
import re
import zlib
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from tests.warc_fixtures import news_page

RECORDS = 10
DAMAGED = 4
HUGE_HEADER_BYTES = 256 * 2**20


def page(i: int) -> bytes:
    return news_page(
        f"Harbour report number {i} for the coastal towns",
        [
            f"The harbour authority published report {i} on Tuesday, covering ferry traffic and repairs.",
            f"Officials said section {i} of the quay would reopen after the storm damage was fixed.",
            "Local shops expect more visitors once the summer timetable starts in the first week of June.",
        ],
    )


def raw_record(i: int) -> bytes:
    """One uncompressed WARC response record."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=False)
    headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
    writer.write_record(
        writer.create_warc_record(
            f"http://harbour.test/report-{i}",
            "response",
            payload=io.BytesIO(page(i)),
            http_headers=headers,
            warc_headers_dict={"WARC-Date": "2019-01-02T08:00:00Z"},
        )
    )
    return out.getvalue()


def _set_length(record: bytes, delta: int | None = None, value: int | None = None) -> bytes:
    match = re.search(rb"Content-Length: (\d+)\r\n", record)
    new = value if value is not None else int(match.group(1)) + delta
    return record[: match.start(1)] + str(new).encode() + record[match.end(1) :]


def _huge_header_member() -> bytes:
    """A record whose WARC header holds one 256 MiB line, gzipped (~260 KB) without holding it."""
    comp = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    parts = [comp.compress(b"WARC/1.0\r\nWARC-Type: response\r\nX-Pad: ")]
    block = b"a" * 2**20
    for _ in range(HUGE_HEADER_BYTES // len(block)):
        parts.append(comp.compress(block))
    parts.append(comp.compress(b"\r\nContent-Length: 0\r\n\r\n\r\n\r\n"))
    parts.append(comp.flush())
    return b"".join(parts)


DAMAGES = (
    "cut_member",
    "length_too_small",
    "length_too_big",
    "garbage_after_member",
    "declares_2gib",
    "huge_header",
)


PLAIN_DAMAGES = tuple(d for d in DAMAGES if d != "huge_header")  # 256 MiB on disk: gzip only


def damaged_warc(path: Path, damage: str, gzipped: bool = True) -> Path:
    """Ten records, record index 4 damaged; ``gzipped=False``: an uncompressed WARC."""
    pack = gzip.compress if gzipped else bytes
    members = [pack(raw_record(i)) for i in range(RECORDS)]
    target = raw_record(DAMAGED)
    if damage == "cut_member":
        members[DAMAGED] = members[DAMAGED][: len(members[DAMAGED]) // 2]
    elif damage == "length_too_small":
        members[DAMAGED] = pack(_set_length(target, delta=-200))
    elif damage == "length_too_big":
        members[DAMAGED] = pack(_set_length(target, delta=5000))
    elif damage == "garbage_after_member":
        members[DAMAGED] += b"this is not a gzip member \x00\x01\x02" * 20
    elif damage == "declares_2gib":
        members[DAMAGED] = pack(_set_length(target, value=2 * 2**30))
    elif damage == "huge_header":
        members[DAMAGED] = _huge_header_member()
    else:
        raise ValueError(damage)
    path.write_bytes(b"".join(members))
    return path


def expected(damage: str, gzipped: bool = True) -> tuple[list[int], list[tuple[int, str]]]:
    """(record indexes that must come out as pointers, [(index, error_type)])."""
    if damage == "garbage_after_member":
        return list(range(RECORDS + 1))[: DAMAGED + 1] + list(range(DAMAGED + 2, RECORDS + 1)), [
            (DAMAGED + 1, "damaged_archive")
        ]
    error_type = {
        "cut_member": "damaged_archive" if gzipped else "truncated_record",
        "length_too_small": "content_length_mismatch",
        "length_too_big": "truncated_record",
        "declares_2gib": "truncated_record",
        "huge_header": "header_too_large",
    }[damage]
    return [i for i in range(RECORDS) if i != DAMAGED], [(DAMAGED, error_type)]
