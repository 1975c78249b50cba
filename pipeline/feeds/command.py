"""``dealstream feeds check FILE``: fetch each listed feed once and say whether it works.

For operators curating a feed list: prints status, format, entry count and newest entry
date per feed, through the same client (User-Agent, robots.txt, politeness, limits) that
runs use. Nothing is written. Exit status 0 when every enabled feed answered with entries,
1 when any did not, 2 for a bad command line or feed list.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.feeds.feed_list import FeedConfigError, FeedSpec, load_feed_specs
from pipeline.http.client import HttpClient
from pipeline.http.options import add_http_arguments, http_settings_from_args
from pipeline.http.records import ACCEPT_FEED
from pipeline.http.robots import RobotsCache
from transforms.text.feed_parse import parse_feed


@dataclass(frozen=True)
class FeedCheck:
    spec: FeedSpec
    status: int | None
    format: str | None
    entries: int
    newest: str | None
    problem: str | None  # None when the feed works
    ill_formed: str | None = None


def check_feed(spec: FeedSpec, client: HttpClient, robots: RobotsCache | None) -> FeedCheck:
    if robots is not None:
        verdict = robots.check(spec.url, trusted=True)
        if not verdict.allowed:
            return FeedCheck(spec, None, None, 0, None, f"{verdict.error_type}: {verdict.reason}")
    result = client.fetch(spec.url, trusted=True, accept=ACCEPT_FEED)
    if not result.ok:
        return FeedCheck(spec, result.status, None, 0, None, f"{result.error_type}: {result.error_message}")
    parsed = parse_feed(result.body, dict(result.headers), result.final_url)
    if not parsed.ok:
        return FeedCheck(
            spec, result.status, parsed.format, 0, None, f"{parsed.error_type}: {parsed.error_message}"
        )
    dates = [e.published for e in parsed.entries if e.published]
    problem = None if parsed.entries else "no entries"
    return FeedCheck(
        spec,
        result.status,
        parsed.format,
        len(parsed.entries),
        max(dates) if dates else None,
        problem,
        parsed.bozo_reason if parsed.bozo else None,
    )


def render(checks: list[FeedCheck]) -> str:
    rows = [("feed", "status", "format", "entries", "newest entry", "problem")]
    for c in checks:
        problem = c.problem or (f"ill-formed (recovered): {c.ill_formed}" if c.ill_formed else "")
        rows.append(
            (
                c.spec.label,
                str(c.status or "-"),
                c.format or "-",
                str(c.entries),
                c.newest or "-",
                problem[:100],
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    lines = [
        "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:5])) + "  " + row[5] for row in rows
    ]
    ok = sum(1 for c in checks if c.problem is None)
    lines.append(f"\n{ok} of {len(checks)} feeds work")
    return "\n".join(line.rstrip() for line in lines)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="dealstream feeds", description="Work with feed lists.")
    sub = p.add_subparsers(dest="action", required=True)
    check = sub.add_parser(
        "check", help="Fetch each feed once and report status, format, entries, newest date."
    )
    check.add_argument("file", metavar="FILE", help="Feed list (YAML), e.g. configs/feeds.yaml")
    add_http_arguments(check)
    check.add_argument(
        "--include-disabled", action="store_true", help="Also check feeds with enabled: false."
    )
    return p


def main(argv: Sequence[str]) -> int:
    args = parser().parse_args(list(argv))
    try:
        specs = load_feed_specs(args.file)
    except FeedConfigError as err:
        print(f"dealstream feeds check: error: {err}", file=sys.stderr)
        return 2
    specs = [s for s in specs if s.enabled or args.include_disabled]
    client = HttpClient(http_settings_from_args(args))
    robots = None if args.ignore_robots else RobotsCache(client)
    checks = []
    for spec in specs:
        checks.append(check_feed(spec, client, robots))
        print(f"checked {spec.label}", file=sys.stderr)
    print(render(checks))
    return 0 if all(c.problem is None for c in checks) else 1
