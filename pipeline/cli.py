"""Command line: ``dealstream run ...`` (and other subcommands registered in SUBCOMMANDS).

Flags are parsed and validated before any work starts; a bad value, a glob that matches
nothing or an unreadable config exits with status 2 and a message naming the flag. Flags
that are not dealstream's are passed to Beam (``--runner``, ``--direct_num_workers``...).
"""

from __future__ import annotations

import argparse
import importlib
import logging
import secrets
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

import apache_beam as beam
import yaml
from apache_beam.metrics.metric import MetricsFilter
from apache_beam.options.pipeline_options import PipelineOptions, StandardOptions

from pipeline import __version__
from pipeline.accounting.manifest import (
    committed_files,
    count_outcomes,
    manifest_path,
    outcomes_dict,
    write_json_atomically,
)
from pipeline.accounting.summary import render_summary
from pipeline.archives.options import WarcConfigError, warc_settings_from_args
from pipeline.archives.source import WarcInput
from pipeline.config import DEFAULT_RUNNER, DealstreamOptions
from pipeline.feeds.feed_list import FeedConfigError
from pipeline.feeds.options import feed_settings_from_args
from pipeline.feeds.source import feed_report
from pipeline.graph import RunConfig, build_pipeline
from pipeline.output.lock import DirLock, DirLocked, DirLockUnsupported, is_local
from pipeline.seed_files import METRICS_NAMESPACE, expand_globs
from transforms.records import SCHEMA_VERSION

LOG = logging.getLogger("dealstream")

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

# Subcommands other than `run` live in their own modules: name -> "module:function", where
# function(argv) parses its own flags and returns the exit status.
SUBCOMMANDS: dict[str, str] = {
    "feeds": "pipeline.feeds.command:main",
    "schema": "pipeline.output.schema_export:main",
    "stream": "pipeline.stream.command:main",
    "compact": "pipeline.output.compact:main",
}


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


def parse_run_args(
    argv: Sequence[str], extra_dests: frozenset[str] = frozenset()
) -> tuple[argparse.Namespace, list[str]]:
    """Our flags (defaults from --config, overridden by the command line) and Beam's flags."""
    parser = run_parser()
    args, beam_args = parser.parse_known_args(argv)
    if args.config:
        config = load_config(args.config, extra_dests)
        values = dict(config["values"])
        if "input" in values and isinstance(values["input"], str):
            values["input"] = [values["input"]]
        parser.set_defaults(**values)
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
    if "://" not in args.output:
        out = Path(args.output)
        if out.exists() and not out.is_dir():
            raise UsageError(f"--output: {args.output} exists and is not a directory")
        out.mkdir(parents=True, exist_ok=True)
    run_id = args.run_id or new_run_id(now)
    if not all(ch.isalnum() or ch in "-_." for ch in run_id):
        raise UsageError(f"--run-id: {run_id!r} may only hold letters, digits, '-', '_' and '.'")
    return RunConfig(
        run_id=run_id,
        output=args.output.rstrip("/") if "://" not in args.output else args.output,
        started_at=now,
        seed_refs=refs,
        max_doc_bytes=args.max_doc_bytes,
        num_shards=args.num_shards,
        strip_sidebars=args.strip_sidebars,
        feeds=feeds,
        warc=WarcInput(warc) if warc is not None else None,
    )


def _counter(result, name: str) -> int:
    counters = result.metrics().query(MetricsFilter().with_namespace(METRICS_NAMESPACE).with_name(name))["counters"]
    return sum(c.committed if c.committed is not None else c.attempted for c in counters)


def exit_status(inputs_read: int, outcomes, max_error_rate: float, feeds: dict | None = None) -> tuple[int, str]:
    """Non-zero when a scheduler should notice: nothing came out, or too many errors."""
    if feeds and feeds["all_feeds_failed"]:
        return EXIT_FAILED, f"failed: every feed failed ({feeds['feeds_failed']} of {feeds['feeds_read']})"
    # Nothing new since the last run (already written, or feeds answered 304) is not a dead run.
    duplicates = outcomes.skipped_by_reason.get("duplicate", 0) + outcomes.skipped_by_reason.get("unchanged", 0)
    if inputs_read > 0 and outcomes.articles == 0 and duplicates == 0:
        return EXIT_FAILED, "dead: inputs were read but no article was produced"
    if inputs_read > 0 and outcomes.errors / inputs_read > max_error_rate:
        return EXIT_FAILED, f"failed: error rate {outcomes.errors / inputs_read:.2f} > --max-error-rate {max_error_rate}"
    return EXIT_OK, "succeeded"


def execute(config: RunConfig, beam_args: list[str], options_record: dict, max_error_rate: float, quiet: bool) -> int:
    """One run, holding DIR's writer lock (pipeline/output/lock.py) when DIR is local."""
    if not is_local(config.output):
        return _execute(config, beam_args, options_record, max_error_rate, quiet)
    try:
        with DirLock(config.output, "run", config.run_id):
            return _execute(config, beam_args, options_record, max_error_rate, quiet)
    except (DirLocked, DirLockUnsupported) as err:
        print(f"dealstream run: error: {err}", file=sys.stderr)
        return EXIT_FAILED


def _execute(config: RunConfig, beam_args: list[str], options_record: dict, max_error_rate: float, quiet: bool) -> int:
    LOG.info("run %s: %d seed files -> %s", config.run_id, len(config.seed_refs), config.output)
    started = time.monotonic()
    p = beam.Pipeline(options=PipelineOptions(beam_args))
    build_pipeline(p, config)
    result = p.run()
    result.wait_until_finish()
    pipeline_seconds = time.monotonic() - started
    inputs_read = _counter(result, "inputs_read")
    files = committed_files(config.output, config.run_id)
    outcomes = count_outcomes(config.output, files)
    feeds = feed_report(result, config.output, files) if config.feeds else None
    code, status = exit_status(inputs_read, outcomes, max_error_rate, feeds)
    manifest = {
        "run_id": config.run_id,
        "status": status,
        "exit_code": code,
        "pipeline_version": config.pipeline_version,
        "schema_version": SCHEMA_VERSION,
        "started_at": config.started_at.isoformat(),
        "finished_at": datetime.now(UTC).isoformat(),
        "timings": {"pipeline_seconds": round(pipeline_seconds, 3)},
        "options": options_record,
        "pipeline_args": beam_args,
        "inputs": {"read": inputs_read, "seed_files": len(config.seed_refs)},
        "outcomes": outcomes_dict(outcomes),
        "reconciled": inputs_read == outcomes.total,
        "files": files,
    }
    if feeds is not None:
        manifest["feeds"] = feeds
    path = manifest_path(config.output, config.run_id)
    write_json_atomically(path, manifest)
    print(render_summary(config.run_id, config.output, inputs_read, outcomes, files, path, pipeline_seconds))
    if code != EXIT_OK:
        print(f"Run {status}", file=sys.stderr)
    return code


def cmd_run(argv: Sequence[str]) -> int:
    now = datetime.now(UTC)
    try:
        args, beam_args = parse_run_args(argv)
        config = validate(args, now)
    except UsageError as err:
        print(f"dealstream run: error: {err}", file=sys.stderr)
        return EXIT_USAGE
    _configure_logging(args.quiet)
    record = {k: v for k, v in vars(args).items()}
    if config.warc is not None:
        return run_archives(config, beam_args, record, args)
    return execute(config, beam_args, record, args.max_error_rate, args.quiet)


def run_archives(config: RunConfig, beam_args: list[str], record: dict, args: argparse.Namespace) -> int:
    """An archive run: bounded batches, each an ordinary run, resumable (pipeline/archives/backfill.py)."""
    from pipeline.archives.backfill import BatchNotRun, combined_outcomes, run_backfill

    runner = PipelineOptions(beam_args).view_as(StandardOptions).runner

    def run_id_for(number: int) -> str:
        return f"{args.run_id}-{number:04d}" if args.run_id else new_run_id(datetime.now(UTC))

    def run_batch(batch_config: RunConfig) -> int:
        return execute(batch_config, beam_args, record, args.max_error_rate, args.quiet)

    try:
        if is_local(config.output):  # held across batches (they nest), so no other writer slips in between
            with DirLock(config.output, "backfill", config.run_id):
                run_ids = run_backfill(config, runner, run_batch, run_id_for)
        else:
            run_ids = run_backfill(config, runner, run_batch, run_id_for)
    except (DirLocked, DirLockUnsupported, BatchNotRun) as err:
        print(f"dealstream run: error: {err}", file=sys.stderr)
        return EXIT_FAILED
    if not run_ids:
        print(f"Nothing to do: every archive is already completed in {config.output}/_backfill/manifest.json")
        return EXIT_OK
    inputs_read, outcomes = combined_outcomes(config.output, run_ids)
    code, status = exit_status(inputs_read, outcomes, args.max_error_rate)
    print(
        f"Archive run {status}: {len(run_ids)} run(s), {inputs_read} records read -> {outcomes.articles} articles, "
        f"{outcomes.investments} investments, {outcomes.errors} errors, {outcomes.skipped} skipped"
    )
    if code != EXIT_OK:
        print(f"Run {status}", file=sys.stderr)
    return code


def _configure_logging(quiet: bool) -> None:
    # force=True: importing apache_beam already configured the root logger (BEAM-NOTES).
    logging.basicConfig(level=logging.WARNING if quiet else logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s", force=True)
    for noisy in ("apache_beam", "trafilatura", "htmldate", "charset_normalizer"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def _handler(name: str) -> Callable[[Sequence[str]], int] | None:
    """Import only the requested subcommand's module, so one subcommand cannot break another."""
    if name == "run":
        return cmd_run
    target = SUBCOMMANDS.get(name)
    if target is None:
        return None
    module_name, _, function = target.partition(":")
    return getattr(importlib.import_module(module_name), function)


DESCRIPTIONS = {
    "run": "read inputs (files, feeds, archives), extract investments, write partitioned Parquet",
    "stream": "poll feeds continuously; each article written exactly once",
    "compact": "rewrite a partition's small files into fewer, atomically",
    "feeds": "'feeds check FILE': fetch each listed feed once and report its health",
    "schema": "print the output schemas (bigquery | json | duckdb)",
}

USAGE = """usage: dealstream <command> [options]

commands:
{commands}
Run 'dealstream <command> --help' for a command's options.
"""


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help"):
        names = ["run", *SUBCOMMANDS]
        commands = "".join(f"  {name:<9} {DESCRIPTIONS.get(name, '')}\n" for name in names)
        print(USAGE.format(commands=commands))
        return EXIT_OK if argv else EXIT_USAGE
    if argv[0] in ("--version", "-V"):
        print(f"dealstream {__version__}")
        return EXIT_OK
    handler = _handler(argv[0])
    if handler is None:
        print(f"dealstream: unknown command {argv[0]!r}; try 'dealstream --help'", file=sys.stderr)
        return EXIT_USAGE
    return handler(argv[1:])


if __name__ == "__main__":
    sys.exit(main())
