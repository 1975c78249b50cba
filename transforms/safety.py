"""The rules of the safety net under every DoFn that touches input: one bad element, one error row.

Pure (no Beam): what the net's error rows say. The net itself, ``@safety_net(stage)``, wraps
a DoFn's ``process`` and lives beside the DoFns in ``transforms/stages.py``. An expected
rejection that escapes a DoFn (``InputRejected``) becomes an error row with its own type
(``rejected_error``); anything else becomes an error row typed ``unexpected:<ExceptionClass>``
(``unexpected_error``; counted apart as ``unexpected_errors`` in the manifest and summary), and
the run goes on.

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

import logging
import os
from collections.abc import Callable
from typing import Any

from transforms.errors import error_record
from transforms.records import ErrorRecord
from transforms.text.decode import InputRejected

LOG = logging.getLogger(__name__)
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


def rejected_error(
    run_id: str, stage: str, element: Any, err: InputRejected, where: Where = locate
) -> ErrorRecord:
    """The error row for an expected rejection that escaped a DoFn: it keeps its own type."""
    source, line, doc_id, sample = where(element)
    return error_record(
        run_id, stage, source, err.error_type, err.message, doc_id=doc_id, line_number=line, sample=sample
    )


def unexpected_error(
    run_id: str, stage: str, element: Any, err: BaseException, where: Where = locate
) -> ErrorRecord:
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
