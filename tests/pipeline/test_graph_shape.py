"""Batch and stream graphs share one middle: the same ProcessDocuments steps, under the same labels."""

from __future__ import annotations

from datetime import UTC, datetime

import apache_beam as beam
from apache_beam.options.pipeline_options import PipelineOptions

from pipeline.config import parse_run_args, validate
from pipeline.graph import build_pipeline
from pipeline.stream.command import unbounded_pipeline
from pipeline.stream.options import parse_stream_args
from tests.conftest import REPO

MIDDLE = ["DropKnownDocs", "ExtractArticles", "ClassifyArticles", "ExtractDeals"]


def _labels(p: beam.Pipeline) -> set[str]:
    return {t.unique_name for t in p.to_runner_api().components.transforms.values()}


def _middle(labels: set[str]) -> list[str]:
    return sorted(name.split("/")[1] for name in labels if name.startswith("ProcessDocuments/") and name.count("/") == 1)


def test_batch_and_stream_graphs_run_the_same_middle(tmp_path):
    args, beam_args = parse_run_args(["--input", str(REPO / "seeds" / "*"), "--output", str(tmp_path / "b")])
    batch = beam.Pipeline(options=PipelineOptions(beam_args))
    build_pipeline(batch, validate(args, datetime.now(UTC)))
    settings, stream_args, _ = parse_stream_args(
        ["--feed", "http://127.0.0.1:9/feed.xml", "--output", str(tmp_path / "s"), "--unbounded", "--max-polls", "1"]
    )
    stream, _ = unbounded_pipeline(settings, stream_args)
    batch_middle, stream_middle = _middle(_labels(batch)), _middle(_labels(stream))
    assert sorted(MIDDLE) == sorted(set(batch_middle) & set(MIDDLE))
    assert batch_middle == stream_middle
    for labels in (_labels(batch), _labels(stream)):
        assert not any(label.split("/")[0] in MIDDLE for label in labels), "a copy of a middle step outside ProcessDocuments"
