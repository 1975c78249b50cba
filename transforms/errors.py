"""Building error and skip records in one way for every stage."""

from __future__ import annotations

from datetime import UTC, datetime

from transforms.records import ErrorRecord, RawDocument, Skip
from transforms.text.decode import excerpt


def error_record(
    run_id: str,
    stage: str,
    source: str,
    error_type: str,
    message: str,
    *,
    doc_id: str | None = None,
    line_number: int | None = None,
    sample: bytes | str | None = None,
) -> ErrorRecord:
    return ErrorRecord(
        run_id=run_id,
        doc_id=doc_id,
        source=source,
        line_number=line_number,
        stage=stage,
        error_type=error_type,
        message=message[:2000],
        excerpt=excerpt(sample),
        occurred_at=datetime.now(UTC),
    )


def doc_error(run_id: str, stage: str, doc: RawDocument, error_type: str, message: str) -> ErrorRecord:
    sample = doc.text if doc.text is not None else doc.content
    return error_record(
        run_id, stage, doc.source, error_type, message, doc_id=doc.doc_id, line_number=doc.line_number, sample=sample
    )


def doc_skip(run_id: str, doc: RawDocument, reason: str) -> Skip:
    return Skip(run_id=run_id, source=doc.source, reason=reason, doc_id=doc.doc_id, line_number=doc.line_number)
