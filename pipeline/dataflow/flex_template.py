"""Dataflow Flex Template entry point for the batch graph (``dataflow/main.py`` calls it).

A Flex Template launcher passes each template parameter as ``--name=value`` and must return
soon after the job is submitted (it times out while polling otherwise), so this module:

* turns parameter names (argparse ``dest``s, e.g. ``max_doc_bytes``) into ``dealstream run``
  flags (``--max-doc-bytes``), and ``true``/``false`` into on/off flags, by reading the run
  parser itself — ``dataflow/metadata.json`` is tested against the same parser;
* validates the flags exactly as ``dealstream run`` does, builds the same graph and submits it
  **without waiting**. The run manifest (``_runs/<run_id>.json``) is written by the CLI after a
  waited run; a template launch does not write one (see docs/dataflow.md).

Any flag that is not dealstream's (``--sdk_container_image``, ``--max_num_workers``…) goes
to Beam unchanged.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from datetime import UTC, datetime

import apache_beam as beam
from apache_beam.options.pipeline_options import PipelineOptions
from apache_beam.runners.runner import PipelineResult

from pipeline.common.logs import configure_logging
from pipeline.config import UsageError, parse_run_args, run_parser, validate
from pipeline.graph import build_pipeline

LOG = logging.getLogger(__name__)

# Parameters a template does not take: a local YAML path means nothing in the launcher
# container (pass values as parameters instead), and the launcher has no terminal to be quiet on.
# reprocess: older rows are replaced after the run commits, which a launch that does not wait cannot do.
NOT_TEMPLATE_PARAMETERS = frozenset({"config", "quiet", "reprocess"})
_TRUE, _FALSE = frozenset({"true", "1", "yes"}), frozenset({"false", "0", "no"})


def template_parameters() -> dict[str, argparse.Action]:
    """Template parameter name (the option's ``dest``) -> its argparse action."""
    return {
        action.dest: action
        for action in run_parser()._actions
        if action.option_strings and action.dest != "help" and action.dest not in NOT_TEMPLATE_PARAMETERS
    }


def _is_switch(action: argparse.Action) -> bool:
    return isinstance(action, argparse._StoreTrueAction | argparse._StoreFalseAction)


def template_argv(argv: Sequence[str]) -> list[str]:
    """``--max_doc_bytes=5`` -> ``--max-doc-bytes=5``; ``--strip_sidebars=false`` -> ``--no-strip-sidebars``.

    Raises:
        UsageError: a switch parameter with a value other than true/false.
    """
    params = template_parameters()
    out: list[str] = []
    for arg in argv:
        name, has_value, value = arg[2:].partition("=") if arg.startswith("--") else ("", False, "")
        action = params.get(name)
        if action is None or not has_value:
            out.append(arg)  # Beam's, or already in dealstream's own spelling
            continue
        flag = action.option_strings[-1]
        if _is_switch(action):
            wanted = value.strip().lower()
            if wanted not in _TRUE | _FALSE:
                raise UsageError(f"--{name}: expected true or false, got {value!r}")
            # store_true flags turn the option on; store_false flags (--no-x) turn it off.
            on = wanted in _TRUE
            if on == isinstance(action, argparse._StoreTrueAction):
                out.append(flag)
            continue
        out.append(f"{flag}={value}")
    return out


def submit(argv: Sequence[str]) -> PipelineResult:
    """Validate like ``dealstream run``, build the same graph, run it and return at once."""
    args, beam_args = parse_run_args(template_argv(argv))
    config = validate(args, datetime.now(UTC))
    pipeline = beam.Pipeline(options=PipelineOptions(beam_args))
    build_pipeline(pipeline, config)
    LOG.info("submitting run %s -> %s", config.run_id, config.output)
    return pipeline.run()


def main(argv: Sequence[str] | None = None) -> int:
    configure_logging()
    try:
        result = submit(list(sys.argv[1:] if argv is None else argv))
    except UsageError as err:
        print(f"dealstream template: error: {err}", file=sys.stderr)
        return 2
    LOG.info("submitted; state %s", result.state)
    return 0
