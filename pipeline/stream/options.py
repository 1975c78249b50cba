"""The flags of ``dealstream stream`` (on top of every ``dealstream run`` flag) and its settings.

The run flags (feeds, HTTP tuning, shards, ``--config`` YAML, Beam's own flags) are parsed by
``pipeline.config.parse_run_args`` exactly as for ``dealstream run``; the stream adds its own
group, parsed first. Validation errors name the flag (exit status 2).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pipeline.accounting.manifest import manifest_path
from pipeline.common.arg_types import non_negative_float, positive_float, positive_int
from pipeline.common.paths import is_local
from pipeline.common.runners import is_local_runner, runner_of
from pipeline.config import (
    UsageError,
    load_config,
    parse_run_args,
    run_parser,
    validate,
    validated_config_values,
)
from pipeline.graph import RunConfig
from transforms.dedup import DEFAULT_TTL, parse_ttl


def _ttl(value: str) -> timedelta:
    try:
        return parse_ttl(value)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def add_stream_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("stream")
    group.add_argument(
        "--poll-interval",
        type=positive_float,
        default=300.0,
        metavar="SECONDS",
        help="Time from the start of one poll to the next (default: 300).",
    )
    group.add_argument("--max-polls", type=positive_int, default=None, help="Stop after this many polls.")
    group.add_argument(
        "--duration",
        type=positive_float,
        default=None,
        metavar="SECONDS",
        help="Start no poll after this many seconds (the one in flight finishes).",
    )
    group.add_argument(
        "--dedup-ttl",
        type=_ttl,
        default=DEFAULT_TTL,
        metavar="DURATION",
        help="How long an entry is remembered (30d, 12h, 90m or seconds). Entries published longer "
        "ago are skipped as 'stale', never written (default: 30d).",
    )
    group.add_argument(
        "--compact-every",
        type=non_negative_float,
        default=3600.0,
        metavar="SECONDS",
        help="Compact partitions' small files between polls at most this often; 0 turns it off (default: 3600).",
    )
    group.add_argument(
        "--compact-min-files",
        type=positive_int,
        default=8,
        help="Compact a partition once it has this many small files (default: 8).",
    )
    group.add_argument(
        "--window",
        type=positive_float,
        default=None,
        metavar="SECONDS",
        help="Unbounded graph only: output window length (default: the poll interval, at least 60).",
    )
    group.add_argument(
        "--unbounded",
        action="store_true",
        default=False,
        help="Build the unbounded graph even on a local runner (needs --max-polls or --duration there).",
    )


def _stream_only_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dealstream stream", add_help=False)
    add_stream_arguments(parser)
    return parser


@dataclass(frozen=True)
class StreamSettings:
    run: RunConfig  # the stream's run id, DIR, feeds and stage options; cycles copy it
    poll_interval: float
    max_polls: int | None
    duration: float | None
    ttl: timedelta
    compact_every: float
    compact_min_files: int
    window: float | None
    unbounded: bool
    runner: str

    @property
    def stream_id(self) -> str:
        return self.run.run_id

    @property
    def output(self) -> str:
        return self.run.output


def parse_stream_args(argv: Sequence[str]) -> tuple[StreamSettings, list[str], dict]:
    """(settings, Beam flags, options record); raises UsageError naming the flag."""
    if any(a in ("-h", "--help") for a in argv):
        parser = run_parser(argparse.ArgumentParser(prog="dealstream stream"))
        add_stream_arguments(parser)
        parser.print_help()
        raise SystemExit(0)
    stream_parser = _stream_only_parser()
    stream_dests = frozenset(a.dest for a in stream_parser._actions)
    stream_args, rest = stream_parser.parse_known_args(list(argv))
    args, beam_args = parse_run_args(rest, stream_dests)
    if args.config:  # the stream's own keys in the same YAML file; flags still win
        extra = load_config(args.config, stream_dests)["extra"]
        stream_parser.set_defaults(**validated_config_values(stream_parser, extra, args.config))
        stream_args, _ = stream_parser.parse_known_args(list(argv))
    config = validate(args, datetime.now(UTC))
    if config.seed_refs or getattr(config, "warc", None) is not None:
        raise UsageError("stream reads feeds only (--feeds/--feed); use 'dealstream run' for --input/--warc")
    if config.feeds is None:
        raise UsageError("--feeds FILE or --feed URL is required")
    if config.reprocess:
        raise UsageError("--reprocess applies to 'dealstream run'; a stream writes each entry once")
    runner = runner_of(beam_args)
    local_runner = is_local_runner(runner)
    unbounded = stream_args.unbounded or not local_runner
    if unbounded and local_runner and not (stream_args.max_polls or stream_args.duration):
        raise UsageError(
            "--unbounded on a local runner needs --max-polls or --duration: the local runner only "
            "runs the stages after an unbounded source once it ends"
        )
    if not unbounded and not is_local(config.output):
        raise UsageError(
            "--output: the local stream needs a local directory; use a streaming runner for gs://"
        )
    if is_local(config.output) and Path(manifest_path(config.output, config.run_id)).exists():
        # Cycle files are named after the run id: reusing one would overwrite earlier cycles' files.
        raise UsageError(f"--run-id: {config.run_id!r} was already used in {config.output}; choose another")
    settings = StreamSettings(
        run=config,
        poll_interval=stream_args.poll_interval,
        max_polls=stream_args.max_polls,
        duration=stream_args.duration,
        ttl=stream_args.dedup_ttl,
        compact_every=stream_args.compact_every,
        compact_min_files=stream_args.compact_min_files,
        window=stream_args.window,
        unbounded=unbounded,
        runner=runner,
    )
    record = {
        **vars(args),
        **{k: str(v) if isinstance(v, timedelta) else v for k, v in vars(stream_args).items()},
    }
    return settings, beam_args, record
