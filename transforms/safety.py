"""The safety net under every DoFn that touches input: one bad element, one error row.

``@safety_net(stage)`` wraps a DoFn's ``process``. An expected rejection that escapes it
(``InputRejected``) becomes an error row with its own type; anything else becomes an error
row typed ``unexpected:<ExceptionClass>`` (counted apart as ``unexpected_errors`` in the
manifest and summary), and the run goes on.

Strict mode (``DEALSTREAM_STRICT=1``, set by the test suite) re-raises unexpected
exceptions instead, so the net never hides our own bugs in tests.

Fault injection (documented, for the reliability tests and ``make fuzz``): with
``DEALSTREAM_FAULT_INJECT="stage:MARKER[,stage:MARKER...]"`` the wrapped ``process`` of that
stage raises ``InjectedFault`` for any element whose source contains MARKER. Unset (always in
production), it costs one environment lookup per element.
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Callable, Iterator
from typing import Any

import apache_beam as beam

from transforms.errors import error_record
from transforms.text.decode import InputRejected

LOG = logging.getLogger(__name__)
ERRORS = "errors"
STRICT_ENV = "DEALSTREAM_STRICT"
FAULT_ENV = "DEALSTREAM_FAULT_INJECT"
UNEXPECTED_PREFIX = "unexpected:"
MESSAGE_LIMIT = 500


class InjectedFault(RuntimeError):
    """Raised by the fault-injection hook; never raised unless FAULT_ENV is set."""


def strict() -> bool:
    return os.environ.get(STRICT_ENV, "") not in ("", "0")


def locate(element: Any) -> tuple[str, int | None, str | None, Any]:
    """(source, line_number, doc_id, sample) of any element the stages handle."""
    for inner in ("article", "doc"):  # DocResult.article, ExtractedText.doc
        if hasattr(element, inner) and not hasattr(element, "source"):
            element = getattr(element, inner)
    source = getattr(element, "source", None)
    if source is None:
        source = getattr(element, "url", None) or repr(element)[:200]
    sample = getattr(element, "text", None)
    if sample is None:
        sample = getattr(element, "content", None)
    return str(source), getattr(element, "line_number", None), getattr(element, "doc_id", None), sample


def _maybe_inject(stage: str, element: Any) -> None:
    spec = os.environ.get(FAULT_ENV)
    if not spec:
        return
    source = locate(element)[0]
    for part in spec.split(","):
        target, _, marker = part.partition(":")
        if target == stage and marker and marker in source:
            raise InjectedFault(f"fault injected at stage {stage!r} for {source}")


def unexpected_error(run_id: str, stage: str, element: Any, err: BaseException):
    """The error row for an unexpected exception (re-raises it in strict mode)."""
    if strict():
        raise err
    source, line, doc_id, sample = locate(element)
    LOG.warning("unexpected %s at stage %s for %s: %r", type(err).__name__, stage, source, err)
    return error_record(
        run_id,
        stage,
        source,
        UNEXPECTED_PREFIX + type(err).__name__,
        f"{type(err).__name__}: {err}"[:MESSAGE_LIMIT],
        doc_id=doc_id,
        line_number=line,
        sample=sample,
    )


def _count_failed_input(dofn: Any, element: Any) -> None:
    """A reading DoFn counts its inputs; ``count_failed_input`` lets it count the one that failed."""
    hook = getattr(dofn, "count_failed_input", None)
    if hook is not None:
        hook(element)


def safety_net(stage: str, errors_tag: str = ERRORS) -> Callable:
    """Decorate ``DoFn.process(self, element)``; the DoFn must have ``run_id`` and may have
    ``count_failed_input(element)`` (reading stages, so a failed input is still counted)."""

    def decorate(process: Callable[..., Iterator]) -> Callable[..., Iterator]:
        @functools.wraps(process)
        def guarded(self, element, *args, **kwargs) -> Iterator:
            try:
                _maybe_inject(stage, element)
                yield from process(self, element, *args, **kwargs)
            except InputRejected as err:
                _count_failed_input(self, element)
                source, line, doc_id, sample = locate(element)
                yield beam.pvalue.TaggedOutput(
                    errors_tag,
                    error_record(self.run_id, stage, source, err.error_type, err.message,
                                 doc_id=doc_id, line_number=line, sample=sample),
                )
            except Exception as err:  # the net: one element fails, never the run
                row = unexpected_error(self.run_id, stage, element, err)
                _count_failed_input(self, element)
                yield beam.pvalue.TaggedOutput(errors_tag, row)

        return guarded

    return decorate
