"""Which Beam runner a run gets, and whether it executes on this machine: read one way everywhere."""

from __future__ import annotations

from collections.abc import Sequence

# The in-process runner: an unpinned DirectRunner first tries to download Prism.
DEFAULT_RUNNER = "FnApiRunner"
# Runners that execute locally: an unbounded streaming source never lets them finish.
LOCAL_RUNNERS = frozenset({"FnApiRunner", "DirectRunner", "BundleBasedDirectRunner", "SwitchingDirectRunner"})


def runner_of(beam_args: Sequence[str]) -> str:
    """The runner Beam will use for these flags (``--runner X`` or ``--runner=X``), else the default."""
    from apache_beam.options.pipeline_options import PipelineOptions, StandardOptions

    return PipelineOptions(list(beam_args)).view_as(StandardOptions).runner or DEFAULT_RUNNER


def is_local_runner(runner: str | None) -> bool:
    """True for the runners that execute in this process or on this machine (also as a dotted path)."""
    return (runner or DEFAULT_RUNNER).split(".")[-1] in LOCAL_RUNNERS
