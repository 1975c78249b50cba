"""The one way to read the runner and to tell a local path."""

from __future__ import annotations

import pytest

from pipeline.common.paths import is_local
from pipeline.common.runners import DEFAULT_RUNNER, is_local_runner, runner_of


@pytest.mark.parametrize(
    "args,runner",
    [([], DEFAULT_RUNNER), (["--runner", "DataflowRunner"], "DataflowRunner"), (["--runner=FnApiRunner"], "FnApiRunner")],
)
def test_runner_of_reads_both_flag_forms(args, runner):
    assert runner_of(args) == runner


@pytest.mark.parametrize(
    "runner,local",
    [("FnApiRunner", True), ("apache_beam.runners.direct.DirectRunner", True), ("DataflowRunner", False), (None, True)],
)
def test_is_local_runner(runner, local):
    assert is_local_runner(runner) is local


@pytest.mark.parametrize("path,local", [("out", True), ("/tmp/x", True), ("out[1]", True), ("gs://b/out", False), ("s3://b", False)])
def test_is_local(path, local):
    assert is_local(path) is local
