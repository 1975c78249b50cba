"""The feed flags of ``dealstream run``, declared once and turned into ``FeedRunSettings``.

``DealstreamOptions`` calls ``add_feed_arguments``; the CLI calls ``feed_settings_from_args``
after parsing, so a bad feed list stops the run (exit status 2) before any work starts.
The HTTP tuning flags are the shared group of ``pipeline/http/options.py``.
"""

from __future__ import annotations

import argparse

from pipeline.common.arg_types import positive_int
from pipeline.feeds.feed_list import FeedConfigError, FeedSpec, load_feed_specs, specs_from_urls
from pipeline.feeds.jobs import DEFAULT_FEED_CONTENT_MIN_WORDS, FeedRunSettings
from pipeline.http.options import add_http_arguments, http_settings_from_args


def add_feed_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("feeds")
    group.add_argument(
        "--feeds", default=None, metavar="FILE", help="YAML feed list (see configs/feeds.yaml)."
    )
    group.add_argument(
        "--feed", action="append", default=None, metavar="URL", help="A feed URL to read. Repeatable."
    )
    add_http_arguments(group)
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
    http = http_settings_from_args(args, max_bytes=args.max_doc_bytes)
    return FeedRunSettings(
        feeds=tuple(specs),
        http=http,
        respect_robots=not args.ignore_robots,
        feed_content_min_words=args.feed_content_min_words,
        max_entry_attempts=args.max_entry_attempts,
    )
