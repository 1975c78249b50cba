"""The feed flags of ``dealstream run``, declared once and turned into ``FeedRunSettings``.

``DealstreamOptions`` calls ``add_feed_arguments``; the CLI calls ``feed_settings_from_args``
after parsing, so a bad feed list stops the run (exit status 2) before any work starts.
Short timeouts and backoffs for tests are just these flags with small values.
"""

from __future__ import annotations

import argparse

from pipeline.common.arg_types import non_negative_float, positive_float, positive_int
from pipeline.feeds.feed_list import FeedConfigError, FeedSpec, load_feed_specs, specs_from_urls
from pipeline.feeds.jobs import DEFAULT_FEED_CONTENT_MIN_WORDS, FeedRunSettings
from pipeline.http.client import HttpSettings

DEFAULTS = HttpSettings()


def add_feed_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("feeds")
    group.add_argument(
        "--feeds", default=None, metavar="FILE", help="YAML feed list (see configs/feeds.yaml)."
    )
    group.add_argument(
        "--feed", action="append", default=None, metavar="URL", help="A feed URL to read. Repeatable."
    )
    group.add_argument(
        "--ignore-robots",
        dest="ignore_robots",
        action="store_true",
        default=False,
        help="Do not consult robots.txt (default: honour it).",
    )
    group.add_argument(
        "--allow-private-networks",
        dest="allow_private_networks",
        action="store_true",
        default=False,
        help="Let URLs taken from fetched content reach private, loopback and link-local "
        "addresses (default: refused; listed feed URLs are always allowed).",
    )
    group.add_argument(
        "--host-delay",
        dest="host_delay",
        type=non_negative_float,
        default=DEFAULTS.min_host_delay,
        metavar="SECONDS",
        help=f"Minimum time between requests to one host; a robots.txt Crawl-delay raises it "
        f"up to {DEFAULTS.max_crawl_delay:g}s (default: {DEFAULTS.min_host_delay:g}).",
    )
    group.add_argument(
        "--http-timeout",
        dest="http_timeout",
        type=positive_float,
        default=DEFAULTS.read_timeout,
        metavar="SECONDS",
        help=f"Read timeout of one request; connect timeout is the smaller of this and "
        f"{DEFAULTS.connect_timeout:g}s (default: {DEFAULTS.read_timeout:g}).",
    )
    group.add_argument(
        "--http-attempts",
        dest="http_attempts",
        type=positive_int,
        default=DEFAULTS.max_attempts,
        help=f"Attempts per request on 5xx, 429, timeouts (default: {DEFAULTS.max_attempts}).",
    )
    group.add_argument(
        "--http-backoff",
        dest="http_backoff",
        type=non_negative_float,
        default=DEFAULTS.backoff_initial,
        metavar="SECONDS",
        help=f"First retry wait, doubled each time up to {DEFAULTS.backoff_max:g}s, which also caps "
        f"an honoured Retry-After (default: {DEFAULTS.backoff_initial:g}).",
    )
    group.add_argument(
        "--feed-content-min-words",
        dest="feed_content_min_words",
        type=positive_int,
        default=DEFAULT_FEED_CONTENT_MIN_WORDS,
        help="When a page cannot be fetched, write the article from the entry's own text if it "
        f"has at least this many words (default: {DEFAULT_FEED_CONTENT_MIN_WORDS}).",
    )
    group.add_argument(
        "--max-entry-attempts",
        dest="max_entry_attempts",
        type=positive_int,
        default=5,
        help="Runs that may try a failing entry page before giving up on it (default: 5).",
    )


def feed_settings_from_args(args: argparse.Namespace) -> FeedRunSettings | None:
    """FeedRunSettings for ``--feeds``/``--feed``, or None when no feed was asked for.

    Raises FeedConfigError naming the flag and the bad entry.
    """
    specs: list[FeedSpec] = []
    if getattr(args, "feeds", None):
        try:
            specs.extend(load_feed_specs(args.feeds))
        except FeedConfigError as err:
            raise FeedConfigError(f"--feeds: {err}") from None
    if getattr(args, "feed", None):
        listed = {s.url for s in specs}
        specs.extend(s for s in specs_from_urls(args.feed) if s.url not in listed)
    if not specs:
        return None
    if not any(s.enabled for s in specs):
        raise FeedConfigError("--feeds: every feed in the list is disabled (enabled: false)")
    http = HttpSettings(
        connect_timeout=min(DEFAULTS.connect_timeout, args.http_timeout),
        read_timeout=args.http_timeout,
        attempt_deadline=max(DEFAULTS.attempt_deadline, 3 * args.http_timeout),
        max_attempts=args.http_attempts,
        backoff_initial=args.http_backoff,
        max_body_bytes=args.max_doc_bytes,
        max_decoded_bytes=args.max_doc_bytes,
        allow_private_networks=args.allow_private_networks,
        min_host_delay=args.host_delay,
    )
    return FeedRunSettings(
        feeds=tuple(specs),
        http=http,
        respect_robots=not args.ignore_robots,
        feed_content_min_words=args.feed_content_min_words,
        max_entry_attempts=args.max_entry_attempts,
    )
