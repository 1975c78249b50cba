"""The names every graph shares: tagged-output names and the stages whose error rows are not an
input's outcome. One definition, so the manifest, the feed report, the stream and the archive
index all agree on what counts as an error."""

from __future__ import annotations

# Tagged outputs of the DoFns (beam.pvalue.TaggedOutput names).
ERRORS = "errors"
SKIPS = "skips"

# Stages named in error rows that are not an input's terminal outcome.
STAGE_EXTRACT_DEALS = "extract_deals"  # deal extraction failed; the article was still written
STAGE_FEED_RECOVERED = "parse_feed_recovered"  # an ill-formed feed that was still read
STAGE_PAGE_FALLBACK = "fetch_page_fallback"  # a page failure whose entry was written from its own text

NON_TERMINAL_STAGES = frozenset({STAGE_EXTRACT_DEALS, STAGE_FEED_RECOVERED, STAGE_PAGE_FALLBACK})
