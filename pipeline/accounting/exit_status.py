"""The exit-status rule of ``dealstream run``: what a scheduler (cron, Airflow) sees.

Pure: counts in, (status, words) out. 0 when the run did its job, including "nothing new"
(every input already in DIR, or every feed answered 304); 1 when inputs were read and no
article came out, when the error rate is above ``--max-error-rate``, or when every feed failed;
2 (usage errors) is decided before any work, in ``pipeline/config.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pipeline.accounting.manifest import Outcomes

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

# Skip reasons that mean "nothing new since the last run", not a dead run.
NOTHING_NEW = ("duplicate", "unchanged")


def exit_status(
    inputs_read: int, outcomes: Outcomes, max_error_rate: float, feeds: dict[str, Any] | None = None
) -> tuple[int, str]:
    """Non-zero when a scheduler should notice: nothing came out, or too many errors."""
    if feeds and feeds["all_feeds_failed"]:
        return EXIT_FAILED, f"failed: every feed failed ({feeds['feeds_failed']} of {feeds['feeds_read']})"
    nothing_new = sum(outcomes.skipped_by_reason.get(reason, 0) for reason in NOTHING_NEW)
    if inputs_read > 0 and outcomes.articles == 0 and nothing_new == 0:
        return EXIT_FAILED, "dead: inputs were read but no article was produced"
    if inputs_read > 0 and outcomes.errors / inputs_read > max_error_rate:
        return EXIT_FAILED, f"failed: error rate {outcomes.errors / inputs_read:.2f} > --max-error-rate {max_error_rate}"
    return EXIT_OK, "succeeded"
