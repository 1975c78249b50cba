"""The one PipelineOptions subclass: every dealstream flag is declared here, once."""

from __future__ import annotations

import argparse

from apache_beam.options.pipeline_options import PipelineOptions

from pipeline.feed_options import FEED_OPTION_DESTS, add_feed_arguments
from pipeline.warc_options import WARC_OPTION_DESTS, add_warc_arguments

DEFAULT_MAX_DOC_BYTES = 5 * 1024 * 1024
DEFAULT_MAX_ERROR_RATE = 0.5
DEFAULT_NUM_SHARDS = 4
# The in-process runner: an unpinned DirectRunner first tries to download Prism.
DEFAULT_RUNNER = "FnApiRunner"


def _positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {value!r}") from None
    if number <= 0:
        raise argparse.ArgumentTypeError(f"must be > 0, got {number}")
    return number


def _rate(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number between 0 and 1, got {value!r}") from None
    if not 0.0 <= number <= 1.0:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1, got {number}")
    return number


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
            type=_positive_int,
            default=DEFAULT_MAX_DOC_BYTES,
            help=f"Documents larger than this are rejected as too_large without being read whole "
            f"(default: {DEFAULT_MAX_DOC_BYTES}).",
        )
        parser.add_argument(
            "--max-error-rate",
            dest="max_error_rate",
            type=_rate,
            default=DEFAULT_MAX_ERROR_RATE,
            help=f"Exit non-zero when errors/inputs exceeds this share (default: {DEFAULT_MAX_ERROR_RATE}).",
        )
        parser.add_argument(
            "--num-shards",
            dest="num_shards",
            type=_positive_int,
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


OWN_OPTION_DESTS = frozenset(
    {
        "input",
        "output",
        "config",
        "max_doc_bytes",
        "max_error_rate",
        "num_shards",
        "run_id",
        "strip_sidebars",
        "quiet",
    }
)
OWN_OPTION_DESTS = OWN_OPTION_DESTS | FEED_OPTION_DESTS | WARC_OPTION_DESTS
