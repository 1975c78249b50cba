"""One `dealstream run`: execute the graph under DIR's lock, build the manifest from the files the
run committed, print the summary and return the exit status (archives: bounded batches)."""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime

import apache_beam as beam
from apache_beam.options.pipeline_options import PipelineOptions

from pipeline.accounting.exit_status import exit_status
from pipeline.accounting.manifest import KIND_BATCH, RunManifest, committed_files, count_outcomes
from pipeline.accounting.summary import render_summary
from pipeline.common import progress
from pipeline.common.paths import is_local
from pipeline.common.runners import runner_of
from pipeline.config import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    UsageError,
    configure_logging,
    new_run_id,
    parse_run_args,
    validate,
)
from pipeline.feeds.source import feed_report
from pipeline.graph import RunConfig, build_pipeline
from pipeline.ledger.store import update_ledger
from pipeline.metrics import counter_value
from pipeline.output.known_docs import KnownDocsUnreadable, existing_doc_ids
from pipeline.output.lock import DirLock, DirLocked, DirLockUnsupported
from pipeline.output.reprocess import finish_interrupted, replace_older_rows
from pipeline.output.run_state import RunIdTaken, finish_run, has_manifest, prepare_run

LOG = logging.getLogger(__name__)


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
    if is_local(config.output):  # before the roll-back of killed runs, which would drop their markers
        finish_interrupted(config.output)
    try:
        prepared = prepare_run(config.output, config.run_id, bool(options_record.get("replace_run")))
    except RunIdTaken as err:
        print(f"dealstream run: error: {err}", file=sys.stderr)
        return EXIT_USAGE
    try:
        existing_doc_ids(config.output)  # fail closed before any work: a damaged DIR/articles stops here
    except KnownDocsUnreadable as err:
        finish_run(config.output, config.run_id)
        print(f"dealstream run: error: {err}", file=sys.stderr)
        return EXIT_USAGE
    LOG.info("run %s: %d seed files -> %s", config.run_id, len(config.seed_refs), config.output)
    started = time.monotonic()
    p = beam.Pipeline(options=PipelineOptions(beam_args))
    build_pipeline(p, config)
    with progress.watch(config.output, config.run_id, lambda: progress.known_total(config),
                        enabled=not quiet and progress.is_local_run(config.output, beam_args)) as watcher:
        result = p.run()
        result.wait_until_finish()
        if watcher is not None:
            watcher.finish({name: counter_value(result, f"{name}_written") for name in ("articles", "errors", "skips")})
    pipeline_seconds = time.monotonic() - started
    inputs_read = counter_value(result, "inputs_read")
    files = committed_files(config.output, config.run_id)
    outcomes = count_outcomes(config.output, files)
    feeds = feed_report(result, config.output, files) if config.feeds else None
    code, status = exit_status(inputs_read, outcomes, max_error_rate, feeds)
    details: dict = {"timings": {"pipeline_seconds": round(pipeline_seconds, 3)}}
    if feeds is not None:
        details["feeds"] = feeds
    if prepared.rolled_back:
        details["rolled_back_runs"] = list(prepared.rolled_back)
    if prepared.replaced:
        details["replaced"] = True
    manifest = RunManifest(
        run_id=config.run_id,
        kind=KIND_BATCH,
        status=status,
        exit_code=code,
        pipeline_version=config.pipeline_version,
        started_at=config.started_at.isoformat(),
        finished_at=datetime.now(UTC).isoformat(),
        options=options_record,
        pipeline_args=beam_args,
        inputs={"read": inputs_read, "seed_files": len(config.seed_refs)},
        outcomes=outcomes,
        files=files,
        details=details,
    )
    path = manifest.save(config.output)
    if config.reprocess and config.warc is None:  # archive batches replace in pipeline/archives/backfill.py
        # After the manifest, before the marker goes: a kill in between is finished by the next run.
        replace_older_rows(config.output, config.run_id)
    finish_run(config.output, config.run_id)
    print(render_summary(config.run_id, config.output, inputs_read, outcomes, files, path, pipeline_seconds))
    if is_local(config.output):  # after the manifest: the ledger only ever reads committed rows
        print(update_ledger(config.output).line())
    if code != EXIT_OK:
        print(f"Run {status}", file=sys.stderr)
    return code


def main(argv: Sequence[str]) -> int:
    """`dealstream run ARGS`: parse, validate, run; the exit status."""
    now = datetime.now(UTC)
    try:
        args, beam_args = parse_run_args(argv)
        config = validate(args, now)
    except UsageError as err:
        print(f"dealstream run: error: {err}", file=sys.stderr)
        return EXIT_USAGE
    configure_logging(args.quiet)
    record = {k: v for k, v in vars(args).items()}
    if config.warc is not None:
        return run_archives(config, beam_args, record, args)
    return execute(config, beam_args, record, args.max_error_rate, args.quiet)


def run_archives(config: RunConfig, beam_args: list[str], record: dict, args: argparse.Namespace) -> int:
    """An archive run: bounded batches, each an ordinary run, resumable (pipeline/archives/backfill.py)."""
    from pipeline.archives.backfill import BatchNotRun, combined_outcomes, run_backfill

    runner = runner_of(beam_args)

    taken: set[str] = set()

    def run_id_for(number: int) -> str:
        """The next batch's id: ``<run-id>-NNNN``, skipping ids DIR already has (a resumed archive run)."""
        if not args.run_id:
            return new_run_id(datetime.now(UTC))
        n = number
        while f"{args.run_id}-{n:04d}" in taken or has_manifest(config.output, f"{args.run_id}-{n:04d}"):
            n += 1
        taken.add(f"{args.run_id}-{n:04d}")
        return f"{args.run_id}-{n:04d}"

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


