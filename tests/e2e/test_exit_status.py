"""The exit-status rule as a pure function: what a scheduler sees for each kind of run."""

from __future__ import annotations

import pytest

from pipeline.accounting.manifest import Outcomes
from pipeline.run import exit_status


def _o(articles=0, errors=0, skipped=None) -> Outcomes:
    skipped = skipped or {}
    return Outcomes(articles=articles, errors=errors, skipped=sum(skipped.values()), skipped_by_reason=skipped)


@pytest.mark.parametrize(
    "inputs,outcomes,rate,code,word",
    [
        (10, _o(articles=10), 0.5, 0, "succeeded"),
        (0, _o(), 0.5, 0, "succeeded"),  # nothing to read is not a failure
        (10, _o(errors=10), 1.0, 1, "dead"),  # read but nothing produced
        (10, _o(skipped={"duplicate": 10}), 0.5, 0, "succeeded"),  # all known already
        (10, _o(skipped={"unchanged": 10}), 0.5, 0, "succeeded"),  # feeds answered 304
        (10, _o(skipped={"not_html": 10}), 0.5, 1, "dead"),  # only skips that are not "nothing new"
        (10, _o(articles=4, errors=6), 0.5, 1, "error rate 0.60"),
        (10, _o(articles=5, errors=5), 0.5, 0, "succeeded"),  # at the limit is allowed
        (10, _o(articles=1, errors=9), 1.0, 0, "succeeded"),  # --max-error-rate 1 turns the gate off
    ],
)
def test_exit_status_rule(inputs, outcomes, rate, code, word):
    got_code, status = exit_status(inputs, outcomes, rate)
    assert got_code == code and word in status


def test_every_feed_failing_fails_the_run_whatever_else():
    feeds = {"all_feeds_failed": True, "feeds_failed": 3, "feeds_read": 3}
    code, status = exit_status(0, _o(), 0.5, feeds)
    assert code == 1 and "every feed failed (3 of 3)" in status
    assert exit_status(0, _o(), 0.5, {"all_feeds_failed": False})[0] == 0
