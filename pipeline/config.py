"""Flags -> a validated run config: the one PipelineOptions subclass (every `run` flag declared
once), `--config` YAML, validation before any work, and the process's logging setup."""

from __future__ import annotations

import argparse
import secrets
import tempfile
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import yaml
from apache_beam.options.pipeline_options import PipelineOptions

from pipeline.accounting.exit_status import EXIT_FAILED, EXIT_OK, EXIT_USAGE  # noqa: F401 - the commands' codes
from pipeline.archives.options import WarcConfigError, add_warc_arguments, warc_settings_from_args
from pipeline.archives.source import WarcInput
from pipeline.common.arg_types import non_negative_float, positive_int, rate
from pipeline.common.logs import configure_logging  # noqa: F401 - the commands configure logging through config
from pipeline.common.paths import is_local
from pipeline.common.runners import DEFAULT_RUNNER
from pipeline.feeds.feed_list import FeedConfigError
from pipeline.feeds.options import add_feed_arguments, feed_settings_from_args
from pipeline.graph import RunConfig
from pipeline.output.run_state import run_id_problem
from pipeline.seed_listing import expand_globs
from transforms.text.bounded import DEFAULT_MAX_DOC_SECONDS

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
            "--max-doc-seconds",
            dest="max_doc_seconds",
            type=non_negative_float,
            default=DEFAULT_MAX_DOC_SECONDS,
            help=f"Time bound on one document's extraction, enforced in a child process that is killed "
            f"beyond it (a 'timeout' error row); 0 turns the bound off (default: {DEFAULT_MAX_DOC_SECONDS:g}).",
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
            help="Identifier of this run: letters, digits, '-', '_', '.', at most 100 characters "
            "(default: UTC timestamp plus a random suffix). An id DIR already has a manifest for is refused.",
        )
        parser.add_argument(
            "--replace-run",
            dest="replace_run",
            action="store_true",
            default=False,
            help="Allow a --run-id DIR already holds: that run's files and manifest are removed, then it runs again.",
        )
        parser.add_argument(
            "--reprocess",
            action="store_true",
            default=False,
            help="Process documents DIR already has again (seed files, feeds, archives) and replace their "
            "older rows once this run is committed, instead of skipping them as duplicates (default: skip).",
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


class UsageError(Exception):
    """A problem with the command line or config, reported with exit status 2."""


def run_parser(parser: argparse.ArgumentParser | None = None) -> argparse.ArgumentParser:
    parser = parser or argparse.ArgumentParser(
        prog="dealstream run",
        epilog=f"Any other flag goes to Beam: --runner (default {DEFAULT_RUNNER}, in-process), "
        "--direct_num_workers=2 --direct_running_mode=multi_processing, or DataflowRunner options "
        "(docs/dataflow.md). Exit status: 0 ok, 1 dead/failed run or DIR locked, 2 usage error.",
    )
    DealstreamOptions._add_argparse_args(parser)
    return parser


def own_dests() -> frozenset[str]:
    return frozenset(action.dest for action in run_parser()._actions if action.dest != "help")


def load_config(path: str, extra_dests: frozenset[str] = frozenset()) -> dict:
    """YAML values for the same options as the flags (no second config system).

    ``extra_dests`` are the option names of a subcommand built on ``run`` (e.g. ``stream``):
    their values come back under "extra" for that subcommand's own parser.
    """
    try:
        with open(path, encoding="utf-8") as handle:
            data = yaml.safe_load(handle) or {}
    except OSError as err:
        raise UsageError(f"--config: cannot read {path}: {err.strerror or err}") from None
    except yaml.YAMLError as err:
        raise UsageError(f"--config: {path} is not valid YAML: {err}") from None
    if not isinstance(data, dict):
        raise UsageError(f"--config: {path} must hold a mapping of option names to values")
    known = own_dests()
    beam_args = data.pop("pipeline_args", []) or []
    if not isinstance(beam_args, list) or not all(isinstance(a, str) for a in beam_args):
        raise UsageError(f"--config: {path}: 'pipeline_args' must be a list of flags")
    normalised, extra = {}, {}
    for key, value in data.items():
        dest = str(key).replace("-", "_")
        if dest in extra_dests:
            extra[dest] = value
        elif dest in known and dest != "config":
            normalised[dest] = value
        else:
            raise UsageError(f"--config: {path}: unknown option {key!r}")
    return {"values": normalised, "pipeline_args": beam_args, "extra": extra}


def validated_config_values(parser: argparse.ArgumentParser, values: dict, path: str) -> dict:
    """YAML values run through the same validators as their flags.

    argparse applies ``type=`` only to string defaults, so a YAML ``num_shards: 0`` would skip
    ``positive_int`` and reach the workers. Each value is checked as if it had been typed on the
    command line; a bad one is a usage error naming the key.
    """
    actions = {action.dest: action for action in parser._actions}
    checked: dict = {}
    for dest, value in values.items():
        action = actions[dest]
        try:
            checked[dest] = _checked_value(action, value)
        except (argparse.ArgumentTypeError, ValueError, TypeError) as err:
            raise UsageError(f"--config: {path}: {dest}: {err}") from None
    return checked


def _checked_value(action: argparse.Action, value):
    if action.nargs == 0:  # store_true / store_false
        if not isinstance(value, bool):
            raise argparse.ArgumentTypeError(f"expected true or false, got {value!r}")
        return value
    if isinstance(action, argparse._AppendAction):
        items = value if isinstance(value, list) else [value]
        return [_checked_scalar(action, item) for item in items]
    if isinstance(value, list | dict):
        raise argparse.ArgumentTypeError(f"expected one value, got {type(value).__name__}")
    return _checked_scalar(action, value)


def _checked_scalar(action: argparse.Action, value):
    if value is None:
        return None
    if isinstance(value, bool) and action.type is not None:
        raise argparse.ArgumentTypeError(f"expected a value, got {value!r}")
    if isinstance(value, list | dict):
        raise argparse.ArgumentTypeError(f"expected one value, got {type(value).__name__}")
    text = str(value)
    result = action.type(text) if action.type is not None else text
    if action.choices is not None and result not in action.choices:
        raise argparse.ArgumentTypeError(f"must be one of {', '.join(map(str, action.choices))}, got {value!r}")
    return result


def parse_run_args(
    argv: Sequence[str], extra_dests: frozenset[str] = frozenset()
) -> tuple[argparse.Namespace, list[str]]:
    """Our flags (defaults from --config, overridden by the command line) and Beam's flags."""
    parser = run_parser()
    args, beam_args = parser.parse_known_args(argv)
    if args.config:
        config = load_config(args.config, extra_dests)
        parser.set_defaults(**validated_config_values(parser, config["values"], args.config))
        args, beam_args = parser.parse_known_args(argv)
        beam_args = list(config["pipeline_args"]) + beam_args
    unknown_own = [a for a in beam_args if a.startswith("--") and a[2:].split("=", 1)[0].replace("-", "_") in own_dests()]
    if unknown_own:
        raise UsageError(f"bad flag {unknown_own[0]}")
    if not any(a == "--runner" or a.startswith("--runner=") for a in beam_args):
        beam_args = [f"--runner={DEFAULT_RUNNER}", *beam_args]
    return args, beam_args


def new_run_id(now: datetime) -> str:
    return now.strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(3)


def check_writable_dir(output: str) -> None:
    """DIR exists (or is created) and takes a new file: a usage error before any work otherwise."""
    out = Path(output)
    if out.exists() and not out.is_dir():
        raise UsageError(f"--output: {output} exists and is not a directory")
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=out, prefix="_probe-"):
            pass
    except OSError as err:
        raise UsageError(f"--output: {output} is not writable ({err.strerror or err})") from None


def validate(args: argparse.Namespace, now: datetime) -> RunConfig:
    if not args.output:
        raise UsageError("--output DIR is required")
    try:
        feeds = feed_settings_from_args(args)
    except FeedConfigError as err:
        raise UsageError(str(err)) from None
    try:
        warc = warc_settings_from_args(args)
    except WarcConfigError as err:
        raise UsageError(str(err)) from None
    if not args.input and feeds is None and warc is None:
        raise UsageError("--input GLOB, --feeds FILE, --feed URL, --warc GLOB or --from-index DIR is required (at least one)")
    refs, empty = expand_globs(list(args.input)) if args.input else ([], [])
    if empty:
        raise UsageError(f"--input: {empty[0]!r} matches no file")
    run_id = args.run_id or new_run_id(now)
    problem = run_id_problem(run_id)
    if problem:
        raise UsageError(f"--run-id: {run_id[:120]!r} {problem}")
    if is_local(args.output):
        check_writable_dir(args.output)
    return RunConfig(
        run_id=run_id,
        output=args.output.rstrip("/") if is_local(args.output) else args.output,
        started_at=now,
        seed_refs=refs,
        max_doc_bytes=args.max_doc_bytes,
        max_doc_seconds=args.max_doc_seconds,
        num_shards=args.num_shards,
        strip_sidebars=args.strip_sidebars,
        reprocess=args.reprocess,
        feeds=feeds,
        warc=WarcInput(warc) if warc is not None else None,
    )
