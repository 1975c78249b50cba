"""Fetched responses land in DIR/raw/ as WARC records any WARC reader can read back."""

from __future__ import annotations

from datetime import UTC, datetime

from warcio.archiveiterator import ArchiveIterator

from pipeline.feeds.raw_archive import WarcArchive
from pipeline.http.client import FetchResult


def result(url: str, body: bytes, **kw) -> FetchResult:
    return FetchResult(
        url=url,
        final_url=url,
        status=kw.pop("status", 200),
        headers=(("content-type", "text/html; charset=utf-8"), ("content-encoding", "gzip")),
        body=body,
        fetched_at=datetime(2024, 3, 6, 12, 0, tzinfo=UTC),
        **kw,
    )


def test_records_are_written_under_a_temp_name_then_renamed(tmp_path):
    archive = WarcArchive(str(tmp_path), "run1", kind="page")
    at = archive.write(result("http://127.0.0.1/a", b"<html>a</html>"), {"User-Agent": "dealstream/test"})
    archive.write(result("http://127.0.0.1/b", b"<html>bb</html>", status=404))
    assert archive.write(FetchResult(url="x", final_url="x", status=None, error_type="timeout")) is None
    folder = tmp_path / "raw" / "fetch_date=2024-03-06"
    assert not folder.exists() or not list(folder.iterdir())  # not visible until closed
    assert [p.name for p in (tmp_path / "_tmp").iterdir()][0].endswith(".warc.gz")  # grows in DIR/_tmp/
    final = archive.close()
    files = list(folder.iterdir())
    assert [str(f) for f in files] == [final] and final.endswith(".warc.gz")
    assert at.warc_file == final

    with open(final, "rb") as handle:
        records = [
            (r.rec_type, r.rec_headers.get_header("WARC-Target-URI"), r) for r in ArchiveIterator(handle)
        ]
        kinds = [k for k, _, _ in records]
    assert kinds == ["warcinfo", "request", "response", "request", "response"]

    with open(final, "rb") as handle:
        responses = []
        for record in ArchiveIterator(handle):
            if record.rec_type == "response":
                responses.append(
                    (
                        record.rec_headers.get_header("WARC-Target-URI"),
                        record.http_headers.get_statuscode(),
                        record.http_headers.get_header("Content-Encoding"),
                        record.http_headers.get_header("X-Dealstream-Original-Content-Encoding"),
                        record.content_stream().read(),
                    )
                )
    assert responses == [
        ("http://127.0.0.1/a", "200", None, "gzip", b"<html>a</html>"),
        ("http://127.0.0.1/b", "404", None, "gzip", b"<html>bb</html>"),
    ]

    # The returned offset points at the response record.
    with open(final, "rb") as handle:
        handle.seek(at.offset)
        record = next(iter(ArchiveIterator(handle)))
        assert record.rec_type == "response" and record.content_stream().read() == b"<html>a</html>"


def test_nothing_written_means_no_file(tmp_path):
    assert WarcArchive(str(tmp_path), "run1").close() is None
    assert not (tmp_path / "raw").exists()
