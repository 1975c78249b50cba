"""The archive scanner and single-record reader: self-made WARCs (fresh clone) and the real
edge cases of ../shared/corpus/warc (skipped when absent)."""

from __future__ import annotations

import dataclasses
import gzip
import io
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipeline.archives.scan import (
    FRAMING_MEMBER,
    FRAMING_STREAM,
    WarcReadError,
    parse_warc_date,
    read_payload,
    read_pointer,
    scan_archive,
    skip_reason,
)
from transforms.archive_records import WarcPointer, WarcScanError

WHEN = datetime(2024, 3, 5, 10, 30, tzinfo=UTC)
PAGE = b"<!DOCTYPE html><html><head><title>T</title></head><body><p>Acme invests $5m.</p></body></html>"


def _response(
    writer: WARCWriter,
    url: str,
    payload: bytes,
    content_type: str = "text/html",
    status: str = "200 OK",
    extra=(),
):
    headers = StatusAndHeaders(status, [("Content-Type", content_type), *extra], protocol="HTTP/1.1")
    record = writer.create_warc_record(
        url,
        "response",
        payload=io.BytesIO(payload),
        http_headers=headers,
        warc_headers_dict={"WARC-Date": WHEN.strftime("%Y-%m-%dT%H:%M:%SZ")},
    )
    writer.write_record(record)


def _mixed_warc(path: Path, gzip_records: bool = True) -> None:
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=gzip_records)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test"}))
        _response(writer, "http://a.test/1", PAGE)
        request = writer.create_warc_record(
            "http://a.test/1",
            "request",
            payload=io.BytesIO(b""),
            http_headers=StatusAndHeaders("GET /1 HTTP/1.1", [("Host", "a.test")], is_http_request=True),
        )
        writer.write_record(request)
        _response(writer, "http://a.test/logo.png", b"\x89PNG....", content_type="image/png")
        _response(writer, "http://a.test/gone", b"<html>gone</html>", status="404 Not Found")
        _response(
            writer, "http://a.test/2", PAGE.replace(b"Acme", b"Beta"), content_type="application/xhtml+xml"
        )
        _response(
            writer,
            "http://a.test/gz",
            gzip.compress(PAGE.replace(b"Acme", b"Gzip Co")),
            extra=[("Content-Encoding", "gzip")],
        )


def _scan(path: Path) -> tuple[list[WarcPointer], list[WarcScanError]]:
    items = list(scan_archive(str(path)))
    return [i for i in items if isinstance(i, WarcPointer)], [
        i for i in items if isinstance(i, WarcScanError)
    ]


@pytest.mark.parametrize("gzip_records", [True, False], ids=["per-record-gzip", "plain"])
def test_scan_classifies_every_record_and_rereads_html(tmp_path: Path, gzip_records: bool) -> None:
    path = tmp_path / ("a.warc.gz" if gzip_records else "a.warc")
    _mixed_warc(path, gzip_records)
    pointers, errors = _scan(path)
    assert errors == []
    assert [p.skip_reason for p in pointers] == [
        "warc_warcinfo",
        None,
        "warc_request",
        "not_html",
        "http_404",
        None,
        None,
    ]
    assert all(p.framing == FRAMING_MEMBER for p in pointers)
    assert [p.record_index for p in pointers] == list(range(7))
    kept = [p for p in pointers if p.skip_reason is None]
    assert [p.url for p in kept] == ["http://a.test/1", "http://a.test/2", "http://a.test/gz"]
    assert all(p.warc_date == WHEN and p.http_status == 200 for p in kept)
    payloads = [read_pointer(p) for p in kept]
    assert payloads[0] == PAGE
    assert b"Beta invests" in payloads[1]
    assert b"Gzip Co invests" in payloads[2]  # content-encoding removed


def test_offsets_are_exact_byte_ranges(tmp_path: Path) -> None:
    path = tmp_path / "a.warc.gz"
    _mixed_warc(path)
    pointers, _ = _scan(path)
    data = path.read_bytes()
    assert pointers[0].warc_offset == 0
    for before, after in zip(pointers, pointers[1:], strict=False):
        assert before.warc_offset + before.warc_length == after.warc_offset
    assert pointers[-1].warc_offset + pointers[-1].warc_length == len(data)


def test_whole_file_gzip_is_rescanned_as_one_stream(tmp_path: Path) -> None:
    plain = tmp_path / "a.warc"
    _mixed_warc(plain, gzip_records=False)
    whole = tmp_path / "whole.warc.gz"
    whole.write_bytes(gzip.compress(plain.read_bytes()))
    plain_pointers, _ = _scan(plain)
    pointers, errors = _scan(whole)
    assert errors == []
    assert {p.framing for p in pointers} == {FRAMING_STREAM}
    assert [p.skip_reason for p in pointers] == [p.skip_reason for p in plain_pointers]
    kept = [p for p in pointers if p.skip_reason is None]
    assert read_pointer(kept[0]) == PAGE


def test_truncated_file_keeps_earlier_records_and_reports_the_cut(tmp_path: Path) -> None:
    path = tmp_path / "a.warc"
    _mixed_warc(path, gzip_records=False)
    full, _ = _scan(path)
    cut = tmp_path / "cut.warc"
    last = full[-1]
    cut.write_bytes(path.read_bytes()[: last.warc_offset + last.warc_length - 40])
    pointers, errors = _scan(cut)
    assert [p.url for p in pointers] == [p.url for p in full[:-1]]
    assert [e.error_type for e in errors] == ["truncated_record"]
    assert errors[0].url == "http://a.test/gz"


def test_garbage_and_missing_files_become_errors(tmp_path: Path) -> None:
    junk = tmp_path / "junk.warc.gz"
    junk.write_bytes(b"\x1f\x8b" + b"not really gzip" * 50)
    _, errors = _scan(junk)
    assert [e.error_type for e in errors] == ["not_an_archive"]
    text = tmp_path / "notes.warc"
    text.write_bytes(b"hello, this is not an archive\n")
    _, errors = _scan(text)
    assert [e.error_type for e in errors] == ["not_an_archive"]
    _, errors = _scan(tmp_path / "absent.warc.gz")
    assert [e.error_type for e in errors] == ["archive_unreadable"]


def test_garbage_after_good_records_ends_the_scan_with_an_error(tmp_path: Path) -> None:
    path = tmp_path / "a.warc.gz"
    _mixed_warc(path)
    good, _ = _scan(path)
    damaged = tmp_path / "damaged.warc.gz"
    damaged.write_bytes(path.read_bytes() + b"\x1f\x8b\x08\x00garbage that is not deflate" * 3)
    pointers, errors = _scan(damaged)
    assert pointers == [p.__class__(**{**p.__dict__, "warc_file": str(damaged)}) for p in good]
    assert [e.error_type for e in errors] == ["archive_unreadable"]
    assert errors[0].record_index == len(good)


def _no_uri_response(writer: WARCWriter) -> None:
    """A response record without WARC-Target-URI: warcio cannot parse it (AttributeError)."""
    headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
    writer.write_record(
        writer.create_warc_record(None, "response", payload=io.BytesIO(PAGE), http_headers=headers)
    )


@pytest.mark.parametrize("bad_at", [0, 2], ids=["first-record", "middle-record"])
def test_an_unparseable_record_is_one_error_and_the_scan_goes_on(tmp_path: Path, bad_at: int) -> None:
    path = tmp_path / "a.warc.gz"
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for i in range(4):
            if i == bad_at:
                _no_uri_response(writer)
            else:
                _response(writer, f"http://a.test/{i}", PAGE)
    pointers, errors = _scan(path)
    assert [(e.record_index, e.error_type) for e in errors] == [(bad_at, "unreadable_record")]
    assert [p.record_index for p in pointers] == [i for i in range(4) if i != bad_at]
    assert [read_pointer(p) for p in pointers] == [PAGE] * 3


def test_read_payload_limits_and_bad_ranges(tmp_path: Path) -> None:
    path = tmp_path / "a.warc.gz"
    _mixed_warc(path)
    kept = [p for p in _scan(path)[0] if p.skip_reason is None]
    with pytest.raises(WarcReadError) as too_large:
        read_pointer(kept[0], max_bytes=10)
    assert too_large.value.error_type == "too_large"
    with pytest.raises(WarcReadError) as wrong_offset:
        read_payload(str(path), kept[0].warc_offset + 7, kept[0].warc_length)
    # compressed bytes: almost always no record start; by chance they may parse as an ARC line
    assert wrong_offset.value.error_type in {"unreadable_record", "no_http_payload"}
    with pytest.raises(WarcReadError) as other_record:  # a stale pointer: the range holds another record
        read_pointer(
            dataclasses.replace(kept[1], warc_offset=kept[0].warc_offset, warc_length=kept[0].warc_length)
        )
    assert other_record.value.error_type == "record_mismatch"
    with pytest.raises(WarcReadError) as past_end:
        read_payload(str(path), path.stat().st_size - 10, 500)
    assert past_end.value.error_type == "truncated_record"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2017-03-06T04:03:53Z", datetime(2017, 3, 6, 4, 3, 53, tzinfo=UTC)),
        ("2019-08-15T01:02", datetime(2019, 8, 15, 1, 2, tzinfo=UTC)),
        ("2019-08-15T14:06:11.123456Z", datetime(2019, 8, 15, 14, 6, 11, 123456, tzinfo=UTC)),
        ("2008-10-29T05:21:46-0700", datetime(2008, 10, 29, 12, 21, 46, tzinfo=UTC)),
        ("2019", datetime(2019, 1, 1, tzinfo=UTC)),
        ("20080430204825", datetime(2008, 4, 30, 20, 48, 25, tzinfo=UTC)),
        ("2999-12-31T23:59:59Z", None),  # warcio's stand-in for an unreadable ARC date
        ("2008-10-294T05:21:46-0700", None),
        ("2019-13-01T00:00:00Z", None),
        ("yesterday", None),
        (None, None),
    ],
)
def test_parse_warc_date(text: str | None, expected: datetime | None) -> None:
    assert parse_warc_date(text) == expected


def test_skip_reasons() -> None:
    assert skip_reason("response", 200, "text/html; charset=utf-8", False) is None
    assert skip_reason("response", 200, None, True) is None
    assert skip_reason("response", 200, None, False) == "not_html"
    assert skip_reason("response", 301, "text/html", False) == "http_301"
    assert skip_reason("revisit", 200, "text/html", False) == "warc_revisit"
    assert skip_reason("response", None, None, True) == "no_http_status"


# --- the real edge cases: ../shared/corpus/warc --------------------------------------------

# Per file: records by outcome (the skip reason, "read" for HTML 200 responses whose payload
# is read back, or the error type). Totals and types agree with SOURCE.md where it states
# them (warcfile: warcinfo + 17 request / 16 response / 16 metadata; clueweb: 29 responses;
# block-sized: 3 unknown; the second gov.uk crawl: 55 revisits); the rest were counted with
# warcio 1.8.1's ArchiveIterator and checked by hand.
EXPECTED = {
    "format-edge-cases/resiliparse/block-sized-records.warc.gz": {"warc_unknown": 3},
    "format-edge-cases/resiliparse/clueweb-quirk.warc.gz": {"warc_warcinfo": 1, "read": 29},
    "format-edge-cases/resiliparse/warcfile.warc.gz": {
        "warc_warcinfo": 1,
        "warc_request": 17,
        "read": 16,
        "warc_metadata": 16,
    },
    "format-edge-cases/warcio/bad.arc": {"warc_warcinfo": 1, "no_http_status": 3},
    "format-edge-cases/warcio/example-bad-non-chunked.warc.gz": {
        "warc_warcinfo": 2,
        "read": 1,
        "warc_request": 2,
        "warc_revisit": 1,
    },
    "format-edge-cases/warcio/example-bad.warc.gz.bad": {
        "warc_warcinfo": 1,
        "read": 1,
        "warc_request": 2,
        "warc_revisit": 1,
        "http_302": 1,
    },
    "format-edge-cases/warcio/example-digest.warc": {"warc_request": 4},
    "format-edge-cases/warcio/example-iana.org-chunked.warc": {
        "warc_warcinfo": 1,
        "read": 1,
        "warc_request": 1,
    },
    "format-edge-cases/warcio/example-resource.warc.gz": {"warc_warcinfo": 2, "warc_resource": 1},
    "format-edge-cases/warcio/example-space-in-target-uri.warc.gz": {"warc_warcinfo": 1, "warc_resource": 1},
    # the ARC header declares 1591 bytes; the file holds 1579 after it
    "format-edge-cases/warcio/example-space-in-url.arc": {"warc_warcinfo": 1, "truncated_record": 1},
    "format-edge-cases/warcio/example-trunc.warc": {"warc_warcinfo": 2, "read": 1, "warc_request": 1},
    "format-edge-cases/warcio/example-wget-bad-target-uri.warc.gz": {
        "warc_warcinfo": 1,
        "warc_request": 1,
        "read": 1,
        "warc_metadata": 1,
        "warc_resource": 2,
    },
    # the response's payload sits in its own gzip member: read as one stream
    "format-edge-cases/warcio/example-wrong-chunks.warc.gz": {"read": 1, "warc_request": 1},
    "format-edge-cases/warcio/example.arc": {"warc_warcinfo": 1, "read": 1},
    "format-edge-cases/warcio/example.arc.gz": {"warc_warcinfo": 1, "read": 1},
    "format-edge-cases/warcio/example.warc": {
        "warc_warcinfo": 2,
        "read": 1,
        "warc_request": 2,
        "warc_revisit": 1,
    },
    "format-edge-cases/warcio/example.warc.gz": {
        "warc_warcinfo": 2,
        "read": 1,
        "warc_request": 2,
        "warc_revisit": 1,
    },
    "format-edge-cases/warcio/post-test.warc.gz": {"not_html": 3, "warc_request": 3},
    "format-edge-cases/webarchive-discovery/IAH-20080430204825-00000-blackbook-truncated.warc.gz": {
        "warc_warcinfo": 1,
        "no_http_status": 1,
        "not_html": 5,
        "warc_request": 7,
        "warc_metadata": 7,
        "read": 2,
    },
    "format-edge-cases/webarchive-discovery/compression/transfer_compression_brotli.warc.gz": {
        "warc_warcinfo": 1,
        "warc_request": 1,
        "read": 1,
        "warc_metadata": 1,
        "warc_resource": 1,
    },
    "format-edge-cases/webarchive-discovery/compression/transfer_compression_gzip.warc.gz": {
        "warc_warcinfo": 1,
        "warc_request": 1,
        "read": 1,
        "warc_metadata": 1,
        "warc_resource": 1,
    },
    "format-edge-cases/webarchive-discovery/compression/transfer_compression_none.warc.gz": {
        "warc_warcinfo": 1,
        "warc_request": 1,
        "read": 1,
        "warc_metadata": 1,
        "warc_resource": 1,
    },
    "format-edge-cases/webarchive-discovery/gov.uk-revisit-warcs/BL-20140325121225068-00000-32090~opera~8443.warc.gz": {
        "warc_warcinfo": 1,
        "no_http_status": 3,
        "not_html": 25,
        "warc_request": 62,
        "warc_metadata": 62,
        "read": 32,
        "http_404": 3,
        "http_403": 1,
        "http_302": 1,
    },
    "format-edge-cases/webarchive-discovery/gov.uk-revisit-warcs/BL-20140325122341434-00000-32090~opera~8443.warc.gz": {
        "warc_warcinfo": 1,
        "no_http_status": 3,
        "warc_revisit": 55,
        "warc_request": 62,
        "warc_metadata": 62,
        "http_403": 1,
        "read": 6,
    },
    "format-edge-cases/webarchive-discovery/ip-host-testcase.warc.gz": {
        "warc_warcinfo": 1,
        "warc_request": 1,
        "http_404": 1,
        "warc_metadata": 1,
        "warc_resource": 2,
    },
    "format-edge-cases/webarchive-discovery/truncated_datetime.warc": {
        "warc_warcinfo": 1,
        "warc_request": 1,
        "read": 1,
        "warc_metadata": 1,
        "warc_resource": 1,
    },
    # declared Content-Length 88275, about 75 KB present: one clean error, no article from half a page
    "news/resiliparse/clipped.warc.gz": {"truncated_record": 1},
}


@pytest.fixture(scope="module")
def warc_corpus(shared_dir: Path) -> Path:
    return shared_dir / "corpus" / "warc"


def test_every_corpus_archive_is_listed(warc_corpus: Path) -> None:
    found = {
        str(p.relative_to(warc_corpus))
        for p in warc_corpus.rglob("*")
        if p.is_file() and p.name != "SOURCE.md"
    }
    assert found == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_archive_outcomes(warc_corpus: Path, name: str) -> None:
    outcomes: Counter[str] = Counter()
    for item in scan_archive(str(warc_corpus / name)):
        if isinstance(item, WarcScanError):
            outcomes[item.error_type] += 1
        elif item.skip_reason:
            outcomes[item.skip_reason] += 1
        else:
            payload = read_pointer(item)  # raises if a kept record cannot be read back
            assert payload.strip(), item
            outcomes["read"] += 1
    assert dict(outcomes) == EXPECTED[name]


def test_encodings_give_the_same_page(warc_corpus: Path) -> None:
    """brotli, gzip and no content-encoding of one page decode to the same bytes."""
    folder = warc_corpus / "format-edge-cases" / "webarchive-discovery" / "compression"
    payloads = set()
    for kind in ("none", "gzip", "brotli"):
        kept = [
            p
            for p in scan_archive(str(folder / f"transfer_compression_{kind}.warc.gz"))
            if isinstance(p, WarcPointer) and p.skip_reason is None
        ]
        payloads.add(read_pointer(kept[0]))
    assert len(payloads) == 1 and next(iter(payloads)).lstrip().startswith(b"<html>")


def test_chunked_and_euc_jp_payloads(warc_corpus: Path) -> None:
    chunked = [
        p
        for p in scan_archive(str(warc_corpus / "format-edge-cases/warcio/example-iana.org-chunked.warc"))
        if isinstance(p, WarcPointer) and p.skip_reason is None
    ]
    body = read_pointer(chunked[0])
    assert body.startswith(b"<!doctype html>") and body.rstrip().endswith(b"</html>")
    quirk = [
        p
        for p in scan_archive(str(warc_corpus / "format-edge-cases/resiliparse/clueweb-quirk.warc.gz"))
        if isinstance(p, WarcPointer) and p.skip_reason is None
    ]
    assert all(p.warc_date is None for p in quirk)  # "2008-10-294T…" is not a date
    assert all(b"<html" in read_pointer(p)[:2000].lower() for p in quirk)  # gzip content-encoding removed
