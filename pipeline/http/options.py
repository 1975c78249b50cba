"""The HTTP tuning flags, declared once for every command that fetches (run, stream, feeds check).

One group, one set of defaults and validators, one way to turn them into ``HttpSettings``.
Short timeouts and backoffs for tests are just these flags with small values.
"""

from __future__ import annotations

import argparse

from pipeline.common.arg_types import non_negative_float, positive_float, positive_int
from pipeline.http.client import HttpSettings

DEFAULTS = HttpSettings()


def add_http_arguments(parser: argparse.ArgumentParser | argparse._ArgumentGroup) -> None:
    parser.add_argument(
        "--ignore-robots",
        dest="ignore_robots",
        action="store_true",
        default=False,
        help="Do not consult robots.txt (default: honour it).",
    )
    parser.add_argument(
        "--allow-private-networks",
        dest="allow_private_networks",
        action="store_true",
        default=False,
        help="Let URLs taken from fetched content reach private, loopback and link-local "
        "addresses (default: refused; listed feed URLs are always allowed).",
    )
    parser.add_argument(
        "--host-delay",
        dest="host_delay",
        type=non_negative_float,
        default=DEFAULTS.min_host_delay,
        metavar="SECONDS",
        help=f"Minimum time between requests to one host; a robots.txt Crawl-delay raises it "
        f"up to {DEFAULTS.max_crawl_delay:g}s (default: {DEFAULTS.min_host_delay:g}).",
    )
    parser.add_argument(
        "--http-timeout",
        dest="http_timeout",
        type=positive_float,
        default=DEFAULTS.read_timeout,
        metavar="SECONDS",
        help=f"Read timeout of one request; connect timeout is the smaller of this and "
        f"{DEFAULTS.connect_timeout:g}s (default: {DEFAULTS.read_timeout:g}).",
    )
    parser.add_argument(
        "--http-attempts",
        dest="http_attempts",
        type=positive_int,
        default=DEFAULTS.max_attempts,
        help=f"Attempts per request on 5xx, 429, timeouts (default: {DEFAULTS.max_attempts}).",
    )
    parser.add_argument(
        "--http-backoff",
        dest="http_backoff",
        type=non_negative_float,
        default=DEFAULTS.backoff_initial,
        metavar="SECONDS",
        help=f"First retry wait, doubled each time up to {DEFAULTS.backoff_max:g}s, which also caps "
        f"an honoured Retry-After (default: {DEFAULTS.backoff_initial:g}).",
    )
    parser.add_argument(
        "--http-budget",
        dest="http_budget",
        type=positive_float,
        default=DEFAULTS.url_budget,
        metavar="SECONDS",
        help="Total time for one URL: attempts, backoff, Retry-After waits, redirects and the "
        "body; a retry that would run past it is not made and the URL fails as transient "
        f"(retried on a later run) (default: {DEFAULTS.url_budget:g}).",
    )


def http_settings_from_args(args: argparse.Namespace, max_bytes: int | None = None) -> HttpSettings:
    """``HttpSettings`` from the parsed flags; ``max_bytes`` caps bodies (``--max-doc-bytes``)."""
    limits = {} if max_bytes is None else {"max_body_bytes": max_bytes, "max_decoded_bytes": max_bytes}
    return HttpSettings(
        connect_timeout=min(DEFAULTS.connect_timeout, args.http_timeout),
        read_timeout=args.http_timeout,
        attempt_deadline=max(DEFAULTS.attempt_deadline, 3 * args.http_timeout),
        max_attempts=args.http_attempts,
        backoff_initial=args.http_backoff,
        url_budget=args.http_budget,
        allow_private_networks=args.allow_private_networks,
        min_host_delay=args.host_delay,
        **limits,
    )
