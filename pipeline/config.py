"""The one PipelineOptions subclass: every dealstream flag is declared here, once."""

from __future__ import annotations

import argparse

from apache_beam.options.pipeline_options import PipelineOptions

from pipeline.archives.options import add_warc_arguments
from pipeline.common.arg_types import positive_int, rate
from pipeline.common.runners import DEFAULT_RUNNER  # noqa: F401 - re-exported for the CLI
from pipeline.feeds.options import add_feed_arguments

DEFAULT_MAX_DOC_BYTES = 5 * 1024 * 1024
DEFAULT_MAX_ERROR_RATE = 0.5
DEFAULT_NUM_SHARDS = 4


class DealstreamOptions(PipelineOptions):
    """Options of ``dealstream run`` (also settable from ``--config`` YAML)."""

    @classmethod
    def _add_argparse_args(cls, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--input",
            action="append",
            default=None,
            metavar="GLOB",
            help="Seed files to read (.txt, .html/.htm, .jsonl; .gz allowed). Repeatable.",
        )
        parser.add_argument(
            "--output", default=None, metavar="DIR", help="Output directory (local path or gs://)."
        )
        parser.add_argument(
            "--config", default=None, metavar="FILE", help="YAML file with values for these options."
        )
        parser.add_argument(
            "--max-doc-bytes",
            dest="max_doc_bytes",
            type=positive_int,
            default=DEFAULT_MAX_DOC_BYTES,
            help=f"Documents larger than this are rejected as too_large without being read whole "
            f"(default: {DEFAULT_MAX_DOC_BYTES}).",
        )
        parser.add_argument(
            "--max-error-rate",
            dest="max_error_rate",
            type=rate,
            default=DEFAULT_MAX_ERROR_RATE,
            help=f"Exit non-zero when errors/inputs exceeds this share (default: {DEFAULT_MAX_ERROR_RATE}).",
        )
        parser.add_argument(
            "--num-shards",
            dest="num_shards",
            type=positive_int,
            default=DEFAULT_NUM_SHARDS,
            help=f"Output groups per run; at most one file per group and partition (default: {DEFAULT_NUM_SHARDS}).",
        )
        parser.add_argument(
            "--run-id",
            dest="run_id",
            default=None,
            help="Identifier of this run (default: UTC timestamp plus a random suffix).",
        )
        parser.add_argument(
            "--no-strip-sidebars",
            dest="strip_sidebars",
            action="store_false",
            default=True,
            help="Keep 'Must Read'/'Related' blocks in the text (default: strip them).",
        )
        parser.add_argument(
            "--quiet", action="store_true", default=False, help="Print only the final summary lines."
        )
        add_feed_arguments(parser)
        add_warc_arguments(parser)
