"""The safety net under every DoFn that touches input: one bad element, one error row.

``@safety_net(stage)`` wraps a DoFn's ``process``. An expected rejection that escapes it
(``InputRejected``) becomes an error row with its own type; anything else becomes an error
row typed ``unexpected:<ExceptionClass>`` (counted apart as ``unexpected_errors`` in the
manifest and summary), and the run goes on.

Strict mode (``DEALSTREAM_STRICT=1``, set by the test suite) re-raises unexpected
exceptions instead, so the net never hides our own bugs in tests.

Fault injection (documented, for the reliability tests and ``make fuzz``): with
``DEALSTREAM_FAULT_INJECT="stage:MARKER[,stage:MARKER...]"`` the wrapped ``process`` of that
stage raises ``InjectedFault`` for any element whose source (or URL: a feed entry's page) contains
MARKER. Unset (always in production), it costs one environment lookup per element.

Stages under the net: ``read`` (seed files), ``extract``, ``classify``, ``deals``, ``fetch_feed``
and ``fetch_page`` (per feed and per entry inside a host's group), ``scan_warc`` and
``read_warc`` (per archive and per record), ``write`` (per document inside a shard's group) and
``write_log`` (per error/skip row).
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


Where = Callable[[Any], tuple[str, "int | None", "str | None", Any]]


def maybe_inject(stage: str, element: Any, where: Where = locate) -> None:
    spec = os.environ.get(FAULT_ENV)
    if not spec:
        return
    source = where(element)[0]
    names = (source, str(getattr(element, "url", None) or ""))  # a feed entry: its page URL too
    for part in spec.split(","):
        target, _, marker = part.partition(":")
        if target == stage and marker and any(marker in n for n in names):
            raise InjectedFault(f"fault injected at stage {stage!r} for {source}")


def unexpected_type(err: BaseException) -> str:
    """``unexpected:<ExceptionClass>``: how the net's rows are told apart (and counted)."""
    return UNEXPECTED_PREFIX + type(err).__name__


def unexpected_error(run_id: str, stage: str, element: Any, err: BaseException, where: Where = locate):
    """The error row for an unexpected exception (re-raises it in strict mode)."""
    if strict():
        raise err
    source, line, doc_id, sample = where(element)
    LOG.warning("unexpected %s at stage %s for %s: %r", type(err).__name__, stage, source, err)
    return error_record(
        run_id,
        stage,
        source,
        unexpected_type(err),
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


def _after_failure(dofn: Any, element: Any, row: Any) -> Iterator:
    """``after_failure(element, row)`` lets a DoFn add what its failed element still owes
    (a feed's state outcome, an archive record's index event)."""
    hook = getattr(dofn, "after_failure", None)
    if hook is not None:
        yield from hook(element, row)


def safety_net(stage: str, errors_tag: str = ERRORS, where: Where | None = None, atomic: bool = False) -> Callable:
    """Decorate ``DoFn.process(self, element)`` (or a per-item method of a DoFn that gets groups:
    ``_one_feed(self, job)``); the DoFn must have ``run_id`` and may have
    ``count_failed_input(element)`` (reading stages, so a failed input is still counted) and
    ``after_failure(element, row)``.

    ``where(element) -> (source, line, doc_id, sample)`` names the element in its error row
    (default ``locate``). ``atomic``: hold the element's outputs until it succeeds, so a failed
    element is its error row only, never half of its outputs plus the row (for elements with a
    few small outputs: a page, a WARC record, a row to write).
    """
    name = where or locate

    def decorate(process: Callable[..., Iterator]) -> Callable[..., Iterator]:
        @functools.wraps(process)
        def guarded(self, element, *args, **kwargs) -> Iterator:
            try:
                maybe_inject(stage, element, name)
                if atomic:
                    outputs = list(process(self, element, *args, **kwargs))
                    yield from outputs
                else:
                    yield from process(self, element, *args, **kwargs)
            except InputRejected as err:
                _count_failed_input(self, element)
                source, line, doc_id, sample = name(element)
                row = error_record(self.run_id, stage, source, err.error_type, err.message,
                                   doc_id=doc_id, line_number=line, sample=sample)
                yield beam.pvalue.TaggedOutput(errors_tag, row)
                yield from _after_failure(self, element, row)
            except Exception as err:  # the net: one element fails, never the run
                row = unexpected_error(self.run_id, stage, element, err, name)
                _count_failed_input(self, element)
                yield beam.pvalue.TaggedOutput(errors_tag, row)
                yield from _after_failure(self, element, row)

        return guarded

    return decorate
