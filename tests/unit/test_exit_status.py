"""The exit-status rule as a pure function: what a scheduler sees for each kind of run."""

from __future__ import annotations

import pytest

from pipeline.accounting.exit_status import EXIT_FAILED, EXIT_OK, exit_status
from pipeline.accounting.manifest import Outcomes


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


def test_the_codes_the_rule_returns_are_the_cli_codes():
    from pipeline.config import EXIT_FAILED as CLI_FAILED
    from pipeline.config import EXIT_OK as CLI_OK

    assert (EXIT_OK, EXIT_FAILED) == (CLI_OK, CLI_FAILED) == (0, 1)
    assert exit_status(10, _o(errors=10), 1.0) == (EXIT_FAILED, "dead: inputs were read but no article was produced")


def test_the_rule_needs_no_beam():
    import ast
    from pathlib import Path

    import pipeline.accounting.exit_status as module

    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    imported |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    assert not any(name.startswith("apache_beam") for name in imported)
