"""``dealstream stream``: poll feeds continuously; each article is written exactly once.

Locally (the default runner) the stream is a loop of bounded cycles, each the batch graph of
``dealstream run --feeds`` with the stream's dedup plugged into the feed source
(``pipeline.stream.dedup.FilterSeenEntries``): conditional GETs, only unseen entries fetched,
Parquet committed into DIR's usual layout, so a warehouse over DIR sees rows while it runs. The
local runner cannot run an unbounded source to completion, hence cycles; exactly-once comes
from DIR (its doc_ids, the dedup store, the crash recovery of ``pipeline.stream.recovery``).

With a streaming runner (``--runner=DataflowRunner``, Flink, Prism) or ``--unbounded``, the
unbounded graph of ``pipeline.stream.graph`` is built instead and submitted.

Stops: ``--max-polls``, ``--duration``, or SIGINT/SIGTERM (the cycle in flight finishes; a
second signal abandons it, and its partial output is undone). Every stop writes the stream's
manifest ``_runs/<stream run id>.json`` and exits 0.
"""

from __future__ import annotations

import logging
import signal
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime

import apache_beam as beam
from apache_beam.options.pipeline_options import PipelineOptions

from pipeline.accounting.manifest import NON_TERMINAL_STAGES, committed_files, count_outcomes
from pipeline.common.paths import is_local
from pipeline.common.runners import is_local_runner
from pipeline.config import EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError, configure_logging
from pipeline.graph import RunConfig, build_pipeline
from pipeline.ledger.store import update_ledger
from pipeline.metrics import counter_value
from pipeline.output.committed import read_rows, stream_files
from pipeline.output.compact import CompactError, compact_dir
from pipeline.output.lock import DirLock, DirLocked, DirLockUnsupported
from pipeline.stream.dedup import FilterSeenEntries
from pipeline.stream.manifest import CycleReport, StreamManifest
from pipeline.stream.options import StreamSettings, parse_stream_args
from pipeline.stream.recovery import NOTHING, begin_cycle, end_cycle, recover
from pipeline.stream.seen_store import merge_pending

LOG = logging.getLogger(__name__)

MAX_CONSECUTIVE_FAILURES = 5
SLEEP_SLICE = 0.2
COUNTED_REASONS = ("unchanged", "duplicate", "edited", "stale")


class AbandonCycle(BaseException):
    """A second stop signal arrived while a cycle was running (BaseException: Beam must not wrap it)."""


class StopSignals:
    """SIGINT/SIGTERM: the first asks to stop after the cycle in flight, a second abandons it."""

    def __init__(self) -> None:
        self.requested: str | None = None
        self.abandoned_by: str | None = None
        self.in_cycle = False
        self._previous: dict[int, object] = {}

    def _handle(self, signum, _frame) -> None:
        name = signal.Signals(signum).name
        if self.requested is not None and self.in_cycle:
            LOG.warning("%s again: abandoning the cycle in flight", name)
            self.abandoned_by = name
            raise AbandonCycle(name)
        self.requested = self.requested or name
        LOG.warning(
            "%s: stopping %s",
            name,
            "after the cycle in flight (send again to abandon it)" if self.in_cycle else "now",
        )

    def __enter__(self) -> StopSignals:
        for signum in (signal.SIGINT, signal.SIGTERM):
            self._previous[signum] = signal.signal(signum, self._handle)
        return self

    def __exit__(self, *exc) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)


def cycle_counts(output: str, files: list[str]) -> dict[str, Counter]:
    """Per feed URL: new (articles), unchanged/duplicate/edited/stale/other skips, errors."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for row in read_rows(output, files, "articles", ["source"]):
        counts[row["source"]]["new"] += 1
    for row in read_rows(output, files, "skips", ["source", "reason"]):
        reason = "duplicate" if row["reason"] == "duplicate_in_run" else row["reason"]
        counts[row["source"]][reason if reason in COUNTED_REASONS else "other_skips"] += 1
    for row in read_rows(output, files, "errors", ["source", "stage"]):
        if row["stage"] not in NON_TERMINAL_STAGES:
            counts[row["source"]]["errors"] += 1
    return dict(counts)


def run_cycle(settings: StreamSettings, number: int, beam_args: list[str]) -> CycleReport:
    """One bounded cycle: poll every feed once, write what is new, commit the dedup state."""
    started = time.monotonic()
    now = datetime.now(UTC)
    run_id = f"{settings.stream_id}-c{number:05d}"
    config = RunConfig(
        run_id=run_id,
        output=settings.output,
        started_at=now,
        max_doc_bytes=settings.run.max_doc_bytes,
        num_shards=settings.run.num_shards,
        strip_sidebars=settings.run.strip_sidebars,
        feeds=settings.run.feeds,
    )
    begin_cycle(settings.output, settings.stream_id, run_id)
    p = beam.Pipeline(options=PipelineOptions(beam_args))
    build_pipeline(p, config, entry_filter=FilterSeenEntries(settings.output, run_id, now, settings.ttl))
    result = p.run()
    result.wait_until_finish()
    files = committed_files(settings.output, run_id)
    LOG.info("cycle %d (%s): output committed (%d files); saving the dedup state", number, run_id, len(files))
    merge_pending(settings.output, run_id, now)
    return CycleReport(
        number=number,
        run_id=run_id,
        started_at=now.isoformat(),
        seconds=round(time.monotonic() - started, 3),
        inputs_read=counter_value(result, "inputs_read"),
        files=files,
        outcomes=count_outcomes(settings.output, files),
        per_feed=cycle_counts(settings.output, files),
    )


def _feed_label(settings: StreamSettings, url: str) -> str:
    names = {spec.url: spec.name for spec in settings.run.feeds.feeds}
    return names.get(url) or url


def cycle_line(settings: StreamSettings, report: CycleReport) -> str:
    """The log line of a cycle: latency, totals, then each feed's counts."""
    keys = ("new", "unchanged", "duplicate", "edited", "stale", "errors")
    totals = report.totals
    parts = [
        f"cycle {report.number} ({report.run_id}) took {report.seconds:.2f}s:",
        ", ".join(f"{k} {totals.get(k, 0)}" for k in keys),
    ]
    for spec in settings.run.feeds.feeds:
        counts = report.per_feed.get(spec.url, Counter())
        shown = " ".join(
            f"{k}={counts.get(k, 0)}" for k in (*keys, "other_skips") if k in keys or counts.get(k)
        )
        parts.append(f"| {_feed_label(settings, spec.url)}: {shown}")
    return " ".join(parts)


class StreamLoop:
    """The local stream: recover, then cycles until a bound or a signal stops it."""

    def __init__(
        self, settings: StreamSettings, beam_args: list[str], record: dict, stop: StopSignals
    ) -> None:
        self.settings, self.beam_args, self.stop = settings, beam_args, stop
        self.manifest = StreamManifest(
            settings.output, settings.stream_id, record, beam_args, settings.runner
        )
        self.code = EXIT_OK

    def run(self) -> int:
        settings = self.settings
        recovery = recover(settings.output, datetime.now(UTC))
        if recovery.action != NOTHING:
            self.manifest.note_recovery(recovery)
        self.manifest.save("running")
        started = last_compaction = time.monotonic()
        number, failures, reason = 0, 0, None
        while reason is None:
            reason = self._bound_reached(number, started)
            if reason:
                break
            number += 1
            cycle_started = time.monotonic()
            try:
                self.stop.in_cycle = True
                report = run_cycle(settings, number, self.beam_args)
                self.stop.in_cycle = False
            except AbandonCycle:  # Beam may rewrite its message: the signal's name is kept aside
                self.stop.in_cycle = False
                self._undo(number)
                reason = f"stopped by {self.stop.abandoned_by} (cycle {number} abandoned)"
                break
            except Exception as err:  # a failed cycle must not end a stream that runs for months
                self.stop.in_cycle = False
                LOG.exception("cycle %d failed: %r", number, err)
                self._undo(number)
                failures += 1
                self.manifest.add_failure(number, repr(err))
                if failures >= MAX_CONSECUTIVE_FAILURES:
                    reason, self.code = f"failed: {failures} cycles in a row failed", EXIT_FAILED
            else:
                failures = 0
                self.manifest.add_cycle(report)
                end_cycle(settings.output, settings.stream_id, report.run_id)
                LOG.info("%s", cycle_line(settings, report))
                if report.files:  # the cycle is committed: its investment rows join the ledger
                    LOG.info("%s", update_ledger(settings.output).line())
            if (
                reason is None
                and settings.compact_every
                and time.monotonic() - last_compaction >= settings.compact_every
            ):
                self._compact()
                last_compaction = time.monotonic()
            self.manifest.save("running")
            if reason is None and (settings.max_polls is None or number < settings.max_polls):
                self._sleep_until(cycle_started + settings.poll_interval, started)
        status = reason or "stopped"
        self.manifest.save(status, self.code, finished=True)
        LOG.info(
            "stream %s %s after %d poll(s); manifest %s",
            settings.stream_id,
            status,
            number,
            self.manifest.path,
        )
        return self.code

    def _bound_reached(self, polls: int, started: float) -> str | None:
        s = self.settings
        if self.stop.requested:
            return f"stopped by {self.stop.requested}"
        if s.max_polls is not None and polls >= s.max_polls:
            return f"max polls reached ({s.max_polls})"
        if s.duration is not None and time.monotonic() - started >= s.duration:
            return f"duration reached ({s.duration:g}s)"
        return None

    def _undo(self, number: int) -> None:
        """Finish or undo the cycle that did not complete, exactly as a restart would."""
        outcome = recover(self.settings.output, datetime.now(UTC))
        LOG.info("cycle %d: %s", number, outcome.action)

    def _compact(self) -> None:
        try:
            done = compact_dir(self.settings.output, min_files=self.settings.compact_min_files)
        except (CompactError, OSError) as err:
            LOG.warning("scheduled compaction skipped: %s", err)
            return
        self.manifest.add_compactions(done)

    def _sleep_until(self, deadline: float, started: float) -> None:
        duration = self.settings.duration
        end = min(deadline, started + duration) if duration is not None else deadline
        while time.monotonic() < end and not self.stop.requested:
            time.sleep(min(SLEEP_SLICE, max(0.0, end - time.monotonic())))


def run_local(settings: StreamSettings, beam_args: list[str], record: dict) -> int:
    lock = DirLock(settings.output, "stream", settings.stream_id)
    try:
        lock.acquire()
    except (DirLocked, DirLockUnsupported) as err:
        print(f"dealstream stream: error: {err}", file=sys.stderr)
        return EXIT_FAILED
    try:
        with StopSignals() as stop:
            return StreamLoop(settings, beam_args, record, stop).run()
    finally:
        lock.release()


def unbounded_pipeline(settings: StreamSettings, beam_args: list[str]) -> tuple[beam.Pipeline, list[str]]:
    """The unbounded graph with its polls bounded by --max-polls/--duration (if given)."""
    from pipeline.stream.graph import StreamGraphConfig, build_stream_pipeline

    start = time.time()
    stop = None
    if settings.max_polls:
        stop = start + (settings.max_polls - 0.5) * settings.poll_interval
    if settings.duration:
        stop = min(stop or float("inf"), start + settings.duration)
    cfg = StreamGraphConfig(
        run_id=settings.stream_id,
        output=settings.output,
        feeds=settings.run.feeds,
        start=start,
        stop=stop,
        poll_interval=settings.poll_interval,
        ttl=settings.ttl,
        window_seconds=settings.window or max(60.0, settings.poll_interval),
        num_shards=settings.run.num_shards,
        strip_sidebars=settings.run.strip_sidebars,
        pipeline_version=settings.run.pipeline_version,
    )
    args = beam_args if "--streaming" in beam_args else [*beam_args, "--streaming"]
    p = beam.Pipeline(options=PipelineOptions(args))
    build_stream_pipeline(p, cfg)
    return p, args


def run_unbounded(settings: StreamSettings, beam_args: list[str], record: dict) -> int:
    """Submit the unbounded graph; on a local runner (bounded polls) wait and write the manifest."""
    p, args = unbounded_pipeline(settings, beam_args)
    local = is_local_runner(settings.runner)
    if not local:
        result = p.run()
        LOG.info("unbounded graph handed to %s; state %s", settings.runner, result.state)
        print(
            f"Stream {settings.stream_id} handed to {settings.runner} (state {result.state}); output {settings.output}"
        )
        return EXIT_OK
    if not is_local(settings.output):
        p.run().wait_until_finish()
        return EXIT_OK
    try:
        with DirLock(settings.output, "stream", settings.stream_id):
            result = p.run()
            result.wait_until_finish()
            manifest = StreamManifest(settings.output, settings.stream_id, record, args, settings.runner)
            manifest.files = stream_files(settings.output, settings.stream_id)
            manifest.inputs_read = counter_value(result, "inputs_read")
            manifest.outcomes = count_outcomes(settings.output, manifest.files)
            manifest.save("finished (bounded run of the unbounded graph)", EXIT_OK, finished=True)
    except (DirLocked, DirLockUnsupported) as err:
        print(f"dealstream stream: error: {err}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        settings, beam_args, record = parse_stream_args(argv)
    except UsageError as err:
        print(f"dealstream stream: error: {err}", file=sys.stderr)
        return EXIT_USAGE
    configure_logging(bool(record.get("quiet")))
    if settings.unbounded:
        return run_unbounded(settings, beam_args, record)
    return run_local(settings, beam_args, record)


if __name__ == "__main__":
    sys.exit(main())
