"""Damaged per-record gzip WARCs: the scan resynchronises at the next gzip member and every
record is accounted for (one error row per damaged spot, the records after it read)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.archives.scan import ResumePoint, read_pointer, scan_archive
from pipeline.cli import main
from tests.outputs import manifests, read_rows
from tests.warc_damage import DAMAGED, DAMAGES, PLAIN_DAMAGES, RECORDS, damaged_warc, expected, page
from transforms.archive_records import WarcPointer


def scan(path: Path, resume: ResumePoint | None = None):
    items = list(scan_archive(str(path), resume))
    pointers = [i for i in items if isinstance(i, WarcPointer)]
    errors = [i for i in items if not isinstance(i, WarcPointer)]
    return items, pointers, errors


CASES = [(d, True) for d in DAMAGES] + [(d, False) for d in PLAIN_DAMAGES]


@pytest.mark.parametrize("damage,gzipped", CASES, ids=[f"{d}-{'gz' if g else 'plain'}" for d, g in CASES])
def test_scan_resynchronises_after_the_damage(tmp_path: Path, damage: str, gzipped: bool) -> None:
    path = damaged_warc(tmp_path / f"{damage}.warc{'.gz' if gzipped else ''}", damage, gzipped)
    items, pointers, errors = scan(path)
    want_pointers, want_errors = expected(damage, gzipped)
    assert [(e.record_index, e.error_type) for e in errors] == want_errors, errors
    assert [p.record_index for p in pointers] == want_pointers
    assert [i.record_index for i in items] == sorted(want_pointers + [i for i, _ in want_errors])
    # the records after the damage are whole and readable by byte range
    after = [p for p in pointers if p.warc_offset > errors[0].warc_offset]
    assert len(after) == RECORDS - 1 - DAMAGED
    numbers = [int(p.url.rsplit("-", 1)[1]) for p in pointers]
    assert [read_pointer(p) for p in pointers] == [page(n) for n in numbers]


def test_resume_after_the_damage_continues_at_the_next_member(tmp_path: Path) -> None:
    path = damaged_warc(tmp_path / "a.warc.gz", "length_too_big")
    _, pointers, _ = scan(path)
    before = pointers[DAMAGED - 1]
    resume = ResumePoint(before.warc_offset + before.warc_length, before.record_index + 1)
    items, resumed, errors = scan(path, resume)
    assert [(e.record_index, e.error_type) for e in errors] == [(DAMAGED, "truncated_record")]
    assert [p.record_index for p in resumed] == list(range(DAMAGED + 1, RECORDS))


@pytest.mark.parametrize("damage", ["cut_member", "length_too_big"])
def test_cli_accounts_for_every_record_of_a_damaged_archive(tmp_path: Path, damage: str) -> None:
    path = damaged_warc(tmp_path / f"{damage}.warc.gz", damage)
    out = tmp_path / "out"
    assert main(["run", "--warc", str(path), "--output", str(out), "--max-error-rate", "1", "--quiet"]) == 0
    articles = read_rows(out, "articles")
    assert sorted(a["url"] for a in articles) == sorted(
        f"http://harbour.test/report-{i}" for i in range(RECORDS) if i != DAMAGED
    )
    errors = read_rows(out, "errors")
    assert [e["error_type"] for e in errors] == [expected(damage)[1][0][1]]
    (manifest,) = manifests(out)
    assert manifest["inputs"]["read"] == RECORDS and manifest["reconciled"]


def test_plain_warc_header_line_over_the_cap_is_refused_and_the_rest_read(
    tmp_path: Path, monkeypatch
) -> None:
    from pipeline.archives import members
    from tests.warc_damage import raw_record

    monkeypatch.setattr(members, "MAX_HEADER_BYTES", 64 * 1024)
    huge = (
        b"WARC/1.0\r\nWARC-Type: response\r\nX-Pad: "
        + b"a" * 2**20
        + b"\r\nContent-Length: 0\r\n\r\n\r\n\r\n"
    )
    records = [raw_record(i) for i in range(RECORDS)]
    records[DAMAGED] = huge
    path = tmp_path / "huge.warc"
    path.write_bytes(b"".join(records))
    _, pointers, errors = scan(path)
    assert [(e.record_index, e.error_type) for e in errors] == [(DAMAGED, "header_too_large")]
    assert [p.record_index for p in pointers] == [i for i in range(RECORDS) if i != DAMAGED]
