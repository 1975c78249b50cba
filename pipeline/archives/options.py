"""The archive-backfill flags (``--warc``, ``--from``, ``--to``, ...) and their validated settings.

Declared here and added to ``DealstreamOptions`` by one call, like the feed flags, so the
options class stays the single place users look for flags.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from apache_beam.io.filesystems import FileSystems

from pipeline.archives.index import index_files
from pipeline.common.arg_types import non_negative_int
from pipeline.common.runners import is_local_runner

# Records per pipeline run on the local runners: FnApiRunner holds what crosses a grouping
# step in memory (BEAM-NOTES), so a bounded batch keeps memory flat whatever the archive size.
DEFAULT_LOCAL_RECORDS_PER_RUN = 5000


class WarcConfigError(ValueError):
    """A bad archive flag; the message names the flag."""


@dataclass(frozen=True)
class WarcRunSettings:
    """What an archive run reads and how (picklable: it travels inside the graph)."""

    patterns: tuple[str, ...] = ()  # --warc globs
    from_index: str | None = None  # --from-index DIR/warc_index
    date_from: datetime | None = None  # inclusive, UTC, on WARC-Date
    date_to: datetime | None = None  # exclusive, UTC
    domains: frozenset[str] | None = None
    reprocess: bool = False
    only_investments: bool = False
    records_per_run: int | None = None  # None: decided by the runner
    archives: tuple[tuple[str, int], ...] = field(default=())  # (path, size) matched by --warc

    def batch_size(self, runner: str | None) -> int:
        """Records per run: 0 means one run that scans the archives inside the pipeline."""
        if self.records_per_run is not None:
            return self.records_per_run
        return DEFAULT_LOCAL_RECORDS_PER_RUN if is_local_runner(runner) else 0


def add_warc_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("archive backfill (WARC/ARC)")
    group.add_argument(
        "--warc",
        action="append",
        default=None,
        metavar="GLOB",
        help="WARC/ARC archives to read (.warc, .warc.gz, .arc, .arc.gz; local or gs://). Repeatable.",
    )
    group.add_argument(
        "--from",
        dest="date_from",
        default=None,
        metavar="DATE",
        help="Only records crawled on/after DATE (WARC-Date, YYYY-MM-DD or ISO 8601; default: no limit).",
    )
    group.add_argument(
        "--to",
        dest="date_to",
        default=None,
        metavar="DATE",
        help="Only records crawled on/before DATE (a whole day when no time is given; default: no limit).",
    )
    group.add_argument(
        "--domains",
        dest="domains_file",
        default=None,
        metavar="FILE",
        help="Only records whose host is one of these domains or a subdomain (one per line, # comments).",
    )
    group.add_argument(
        "--only-investments",
        dest="only_investments",
        action="store_true",
        default=False,
        help="Run a cheap pre-filter on each record and fully extract only possible investment stories; "
        "with --from-index, re-read only records indexed as investments (default: off).",
    )
    group.add_argument(
        "--from-index",
        dest="from_index",
        default=None,
        metavar="DIR",
        help="Re-read the records listed in a side index (DIR/warc_index) by byte range instead of scanning.",
    )
    group.add_argument(
        "--records-per-run",
        dest="records_per_run",
        type=non_negative_int,
        default=None,
        help=f"Archive records per pipeline run; a backfill runs as bounded batches that resume from "
        f"DIR/_backfill/manifest.json. 0: one run that scans inside the pipeline (for Dataflow). "
        f"(default: {DEFAULT_LOCAL_RECORDS_PER_RUN} on local runners, 0 otherwise)",
    )


def parse_date_bound(value: str, flag: str, end: bool) -> datetime:
    """A --from/--to value in UTC; a bare date means the start (or, for --to, the end) of that day."""
    text = value.strip()
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            start = datetime.combine(day, time(0), tzinfo=UTC)
            return start + timedelta(days=1) if end else start
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise WarcConfigError(f"{flag}: {value!r} is not a date (YYYY-MM-DD or ISO 8601)") from None
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).astimezone(UTC)


def load_domains(path: str) -> frozenset[str]:
    try:
        with FileSystems.open(path) as handle:
            text = handle.read().decode("utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise WarcConfigError(f"--domains: cannot read {path}: {err}") from None
    domains = set()
    for line in text.splitlines():
        entry = line.split("#", 1)[0].strip().lower().rstrip(".")
        if not entry:
            continue
        if "/" in entry or " " in entry:
            raise WarcConfigError(f"--domains: {path}: {line.strip()!r} is not a domain name")
        domains.add(entry.removeprefix("www."))
    if not domains:
        raise WarcConfigError(f"--domains: {path} lists no domain")
    return frozenset(domains)


def host_allowed(host: str | None, domains: frozenset[str] | None) -> bool:
    if domains is None:
        return True
    if not host:
        return False
    host = host.lower().rstrip(".")
    parts = host.split(".")
    return any(".".join(parts[i:]) in domains for i in range(len(parts)))


def match_archives(patterns: list[str]) -> tuple[list[tuple[str, int]], list[str]]:
    """(path, size) of every file the globs match, and the globs that matched nothing."""
    found: dict[str, int] = {}
    empty = []
    for pattern, result in zip(patterns, FileSystems.match(patterns), strict=True):
        files = [m for m in result.metadata_list if "://" in m.path or not os.path.isdir(m.path)]
        if not files:
            empty.append(pattern)
        for meta in files:
            found.setdefault(meta.path, meta.size_in_bytes)
    return sorted(found.items()), empty


def warc_settings_from_args(args: argparse.Namespace) -> WarcRunSettings | None:
    """Validated settings, or None when no archive flag was given."""
    patterns = list(args.warc or [])
    if not patterns and not args.from_index:
        for dest, flag in (
            ("date_from", "--from"),
            ("date_to", "--to"),
            ("domains_file", "--domains"),
            ("only_investments", "--only-investments"),
            ("records_per_run", "--records-per-run"),
        ):
            if getattr(args, dest, None) not in (None, False):
                raise WarcConfigError(f"{flag} applies to archive runs: give --warc GLOB or --from-index DIR")
        return None
    if patterns and args.from_index:
        raise WarcConfigError("--from-index: give either --warc or --from-index, not both")
    archives: list[tuple[str, int]] = []
    if patterns:
        archives, empty = match_archives(patterns)
        if empty:
            raise WarcConfigError(f"--warc: {empty[0]!r} matches no file")
    if args.from_index and not index_files(args.from_index):
        raise WarcConfigError(
            f"--from-index: {args.from_index} holds no warc_index files (crawl_date=*/part-*.parquet)"
        )
    date_from = parse_date_bound(args.date_from, "--from", end=False) if args.date_from else None
    date_to = parse_date_bound(args.date_to, "--to", end=True) if args.date_to else None
    if date_from and date_to and date_from >= date_to:
        raise WarcConfigError(f"--from {args.date_from} is not before --to {args.date_to}")
    return WarcRunSettings(
        patterns=tuple(patterns),
        from_index=args.from_index,
        date_from=date_from,
        date_to=date_to,
        domains=load_domains(args.domains_file) if args.domains_file else None,
        reprocess=bool(getattr(args, "reprocess", False)),  # declared by the run options (pipeline/config.py)
        only_investments=bool(args.only_investments),
        records_per_run=args.records_per_run,
        archives=tuple(archives),
    )
