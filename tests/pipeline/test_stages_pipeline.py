"""Composite transforms on a real runner (FnApiRunner), including their error outputs."""

from __future__ import annotations

from datetime import UTC, datetime

import apache_beam as beam
from apache_beam.testing.test_pipeline import TestPipeline as BeamTestPipeline
from apache_beam.testing.util import assert_that, equal_to

from pipeline.output.writers import WriteArticles
from pipeline.seed_files import ReadSeeds
from pipeline.seed_listing import expand_globs
from tests.conftest import SEED, seed_as_html
from transforms.records import Article, DocResult, RawDocument
from transforms.stages import ClassifyArticles, ExtractArticles, ExtractDeals

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def pipeline() -> BeamTestPipeline:
    return BeamTestPipeline(runner="FnApiRunner", options=beam.options.pipeline_options.PipelineOptions([]))


def test_read_seeds_routes_rejections_to_errors(tmp_path):
    (tmp_path / "seed.txt").write_bytes(SEED.read_bytes())
    (tmp_path / "junk.html").write_bytes(b"\x00\xff" * 500)
    (tmp_path / "lines.jsonl").write_text('{"url": "https://e.com/1", "text": "hello world"}\n[]\n', encoding="utf-8")
    refs, empty = expand_globs([str(tmp_path / "*")])
    assert not empty and len(refs) == 3
    with pipeline() as p:
        out = p | ReadSeeds(refs, "r1", max_doc_bytes=1_000_000)
        assert_that(
            out.docs | beam.Map(lambda d: (d.source.rsplit("/", 1)[-1], d.line_number, d.content_type)),
            equal_to([("seed.txt", None, "text/plain"), ("lines.jsonl", 1, "text/plain")]),
            label="docs",
        )
        assert_that(
            out.errors | beam.Map(lambda e: (e.source.rsplit("/", 1)[-1], e.line_number, e.error_type, e.stage)),
            equal_to([("junk.html", None, "binary_content", "read"), ("lines.jsonl", 2, "malformed_json", "read")]),
            label="errors",
        )


def _doc(doc_id: str, content: bytes | None, text: str | None = None) -> RawDocument:
    return RawDocument(doc_id, "seed_file", f"/in/{doc_id}", None, None, content, "text/html", text=text)


def test_extract_classify_and_deals_with_error_output(seed_text):
    good = _doc("good", seed_as_html(seed_text).encode())
    empty_page = _doc("nopage", b"<html><body><nav>Home</nav></body></html>")
    with pipeline() as p:
        texts = p | beam.Create([good, empty_page]) | ExtractArticles("r1")
        articles = texts.texts | ClassifyArticles("r1", NOW, "test")
        results = articles.articles | ExtractDeals("r1")
        assert_that(
            texts.errors | beam.Map(lambda e: (e.doc_id, e.stage, e.error_type)),
            equal_to([("nopage", "extract", "no_text")]),
            label="errors",
        )
        assert_that(
            results.results | beam.Map(lambda r: (r.article.doc_id, r.article.is_investment, len(r.investments))),
            equal_to([("good", True, 1)]),
            label="results",
        )


def _article(doc_id: str, source: str, published: datetime | None) -> Article:
    return Article(doc_id, "r1", "seed_file", source, None, "t", "text", "h", published, None, None, None, 1,
                   "file", False, 0.1, NOW, "test")


def test_writer_partitions_and_drops_in_run_duplicates(tmp_path):
    results = [
        DocResult(_article("a", "/in/1", datetime(2020, 5, 1, 12, tzinfo=UTC))),
        DocResult(_article("a", "/in/2", None)),  # the same doc again, from another input
        DocResult(_article("b", "/in/3", None)),
    ]
    with pipeline() as p:
        written = p | beam.Create(results) | WriteArticles(str(tmp_path), "r1", shards=2)
        assert_that(written.skips | beam.Map(lambda s: (s.doc_id, s.source, s.reason)),
                    equal_to([("a", "/in/2", "duplicate_in_run")]), label="skips")
    files = sorted(str(f.relative_to(tmp_path)) for f in tmp_path.rglob("*.parquet"))
    assert any(f.startswith("articles/published_date=2020-05-01/part-r1-") for f in files)
    assert any(f.startswith("articles/published_date=__HIVE_DEFAULT_PARTITION__/part-r1-") for f in files)


def test_jsonl_lines_keep_their_numbers_across_chunks_and_compression(tmp_path):
    import gzip
    import json

    lines = []
    for i in range(1, 26):
        if i == 7:
            lines.append("")  # blank: not an input
        elif i == 12:
            lines.append("{broken")
        else:
            lines.append(json.dumps({"url": f"https://e.com/{i}", "text": f"story {i}"}))
    payload = ("\n".join(lines) + "\n").encode("utf-8")
    (tmp_path / "plain.jsonl").write_bytes(payload)
    (tmp_path / "packed.jsonl.gz").write_bytes(gzip.compress(payload))
    refs, _ = expand_globs([str(tmp_path / "*")])
    expected_docs = [(name, i, f"https://e.com/{i}") for name in ("plain.jsonl", "packed.jsonl.gz")
                     for i in range(1, 26) if i not in (7, 12)]
    with pipeline() as p:
        out = p | ReadSeeds(refs, "r1", max_doc_bytes=1_000_000)
        assert_that(out.docs | beam.Map(lambda d: (d.source.rsplit("/", 1)[-1], d.line_number, d.url)),
                    equal_to(expected_docs), label="docs")
        assert_that(out.errors | beam.Map(lambda e: (e.source.rsplit("/", 1)[-1], e.line_number, e.error_type)),
                    equal_to([("plain.jsonl", 12, "malformed_json"), ("packed.jsonl.gz", 12, "malformed_json")]),
                    label="errors")
