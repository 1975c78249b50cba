"""The unbounded graph validated offline on the DataflowRunner (``--dry_run=True --no_auth``):
options, graph construction and the pickling of every DoFn (state and timer specs included).
Nothing leaves the machine. Needs the gcp extra (``make test-dataflow``); skips without it.
"""

from __future__ import annotations

import importlib
import os

import pytest

from pipeline.stream.command import unbounded_pipeline
from pipeline.stream.options import parse_stream_args


def _missing_gcp_extra() -> str | None:
    for module in ("google.cloud.storage", "apitools.base.py"):
        try:
            importlib.import_module(module)
        except ImportError:
            return f"needs the gcp extra ({module} not importable): run `make test-dataflow`"
    return None


if _missing_gcp_extra() and os.environ.get("DEALSTREAM_REQUIRE_GCP"):
    raise RuntimeError(_missing_gcp_extra())

pytest_plugins = ["tests.feed_fixtures"]
pytestmark = [
    pytest.mark.dataflow,
    pytest.mark.usefixtures("no_dns"),  # a name lookup would fail the test
    pytest.mark.skipif(_missing_gcp_extra() is not None, reason=str(_missing_gcp_extra())),
]

STAGES = {
    "Poll",
    "FeedsByHost",
    "FetchFeedDocs",
    "DedupEntries",
    "SelectNewEntries",
    "Window",
    "FetchPages",
    "ProcessDocuments",
    "WriteArticles",
    "WriteRunLog",
}


def test_streaming_graph_validates_on_dataflow_offline():
    from apache_beam.runners.runner import PipelineState

    settings, beam_args, _ = parse_stream_args(
        [
            "--feed",
            "http://127.0.0.1:9/feed.xml",  # never fetched: nothing runs in a dry run
            "--output",
            "gs://dealstream-test/out",
            "--poll-interval",
            "300",
            "--dedup-ttl",
            "30d",
            "--runner=DataflowRunner",
            "--project=dealstream-test",
            "--region=us-central1",
            "--temp_location=gs://dealstream-test/tmp",
            "--dry_run=True",
            "--no_auth",
        ]
    )
    assert settings.unbounded and settings.max_polls is None
    pipeline, args = unbounded_pipeline(settings, beam_args)
    assert "--streaming" in args
    result = pipeline.run()
    assert result.state == PipelineState.DONE
    job = result.job
    assert job.proto.type.name == "JOB_TYPE_STREAMING"
    top_level = {t.unique_name.split("/")[0] for t in job.proto_pipeline.components.transforms.values()}
    assert STAGES <= top_level, STAGES - top_level
