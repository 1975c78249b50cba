"""``ReadWarc``: archives -> pointers -> (after the shuffle) raw documents and index events.

Plays the part the seed source plays for files. Only ``WarcPointer``s (file, offset, length
and header facts, no payload) cross the Reshuffle (BEAM-NOTES: FnApiRunner holds reshuffled
payloads in memory), which also spreads one large archive over all workers; each record's
payload is read after it. Every archive record is an input, counted here (``inputs_read``)
independently of its outcome: a RawDocument, an ErrorRecord, or a Skip with a reason
(``warc_request``, ``not_html``, ``http_404``, ``outside_date_range``, ``prefilter:…``).

Rows coming from an archive carry ``source`` = the archive path and ``line_number`` = the
record's 1-based position in it, so any output row leads back to its record. The ``index``
output (``IndexEvent``) feeds ``WriteWarcIndex`` (``pipeline/archives/index_writer.py``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import apache_beam as beam
from apache_beam.metrics import Metrics

from pipeline.archives.index import host_of
from pipeline.archives.options import WarcRunSettings, host_allowed
from pipeline.archives.payload import WarcReadError, read_pointer
from pipeline.archives.scan import scan_archive
from pipeline.metrics import METRICS_NAMESPACE
from transforms.archive_records import WarcPointer, WarcScanError
from transforms.deals.prefilter import prefilter
from transforms.errors import error_record
from transforms.records import ErrorRecord, RawDocument, Skip
from transforms.safety import MESSAGE_LIMIT, UNEXPECTED_PREFIX, maybe_inject, strict, unexpected_type
from transforms.stages import safety_net
from transforms.text.decode import InputRejected, decode_html, doc_id_for

LOG = logging.getLogger(__name__)

STAGE = "read_warc"
SCAN_STAGE = "scan_warc"
ERRORS, SKIPS, INDEX = "errors", "skips", "index"


@dataclass(frozen=True)
class IndexEvent:
    """A record that was read (or tried): its pointer and, when already final, its outcome."""

    pointer: WarcPointer
    doc_id: str | None
    passed_prefilter: bool | None
    prefilter_reason: str | None
    outcome: str | None = None  # None: decided downstream (article, error or skip of the doc)
    reason: str | None = None


@dataclass(frozen=True)
class WarcInput:
    """The archive source of one run: archives to scan in the pipeline, or records already scanned."""

    settings: WarcRunSettings
    archives: tuple[str, ...] = ()
    items: tuple[WarcPointer | WarcScanError, ...] = ()


def record_number(item: WarcPointer | WarcScanError) -> int:
    return item.record_index + 1


def archive_where(path: str) -> tuple[str, None, None, None]:
    return path, None, None, None


def record_where(item: WarcPointer | WarcScanError) -> tuple[str, int, None, None]:
    """How the safety net names a failed record: its archive and 1-based position, like every WARC row."""
    return item.warc_file, record_number(item), None, None


class ScanArchiveFn(beam.DoFn):
    """Archive path -> WarcPointer | WarcScanError for each of its records (never raises).

    The safety net of the scan (stage ``scan_warc``): an unexpected exception ends the walk
    with one ``WarcScanError`` typed ``unexpected:<Class>`` for the rest of the archive, which
    ``ReadWarcRecordFn`` counts as one input and writes as one error row (strict mode re-raises).
    """

    def __init__(self) -> None:
        self.archives = Metrics.counter(METRICS_NAMESPACE, "archives_scanned")

    def process(self, path: str) -> Iterator[WarcPointer | WarcScanError]:
        self.archives.inc()
        next_index = 0
        try:
            maybe_inject(SCAN_STAGE, path, archive_where)
            for item in scan_archive(path):
                next_index = item.record_index + 1
                yield item
        except Exception as err:  # the net: one archive's failure is one row, never the run
            if strict():
                raise
            LOG.warning("unexpected %s scanning %s: %r", type(err).__name__, path, err)
            yield WarcScanError(
                warc_file=path,
                warc_offset=None,
                record_index=next_index,
                url=None,
                error_type=unexpected_type(err),
                message=f"{type(err).__name__}: {err}; rest of the archive not scanned"[:MESSAGE_LIMIT],
            )


class ReadWarcRecordFn(beam.DoFn):
    """WarcPointer | WarcScanError -> RawDocument (main); ErrorRecord ('errors'); Skip ('skips');
    IndexEvent ('index') for every record that was read.

    Counts ``inputs_read`` once per archive record.
    """

    def __init__(self, run_id: str, settings: WarcRunSettings, max_doc_bytes: int) -> None:
        self.run_id = run_id
        self.settings = settings
        self.max_doc_bytes = max_doc_bytes
        self.inputs = Metrics.counter(METRICS_NAMESPACE, "inputs_read")
        self.read = Metrics.counter(METRICS_NAMESPACE, "warc_records_read")
        self.prefiltered = Metrics.counter(METRICS_NAMESPACE, "warc_prefilter_dropped")

    def _skip(self, item: WarcPointer, reason: str, doc_id: str | None = None) -> beam.pvalue.TaggedOutput:
        return beam.pvalue.TaggedOutput(
            SKIPS, Skip(self.run_id, item.warc_file, reason, doc_id, record_number(item))
        )

    def _filtered(self, item: WarcPointer) -> str | None:
        lower, upper = self.settings.date_from, self.settings.date_to
        if lower or upper:
            if item.warc_date is None:
                return "no_warc_date"
            if (lower and item.warc_date < lower) or (upper and item.warc_date >= upper):
                return "outside_date_range"
        if not host_allowed(host_of(item.url), self.settings.domains):
            return "domain_not_listed"
        return None

    def process(self, item: WarcPointer | WarcScanError) -> Iterator:
        self.inputs.inc()  # counted before the net, so a failed record is still one input
        yield from self._read(item)

    def after_failure(self, item: WarcPointer | WarcScanError, row: ErrorRecord) -> Iterator:
        """The safety net's hook: a record that failed still gets its index row."""
        if isinstance(item, WarcPointer):
            yield beam.pvalue.TaggedOutput(INDEX, IndexEvent(item, None, None, None, "error", row.error_type))

    @safety_net(STAGE, where=record_where, atomic=True)
    def _read(self, item: WarcPointer | WarcScanError) -> Iterator:
        if isinstance(item, WarcScanError):
            where = "" if item.warc_offset is None else f" at offset {item.warc_offset}"
            by_net = item.error_type.startswith(UNEXPECTED_PREFIX)  # ScanArchiveFn's net
            yield beam.pvalue.TaggedOutput(
                ERRORS,
                error_record(
                    self.run_id,
                    SCAN_STAGE if by_net else STAGE,
                    item.warc_file,
                    item.error_type,
                    f"{item.message}{where}" + (f" ({item.url})" if item.url else ""),
                    line_number=record_number(item),
                ),
            )
            return
        reason = item.skip_reason or self._filtered(item)
        if reason:
            yield self._skip(item, reason)
            return
        try:
            payload = read_pointer(item, self.max_doc_bytes)
        except WarcReadError as err:
            yield beam.pvalue.TaggedOutput(
                ERRORS,
                error_record(
                    self.run_id,
                    STAGE,
                    item.warc_file,
                    err.error_type,
                    f"{err.message} ({item.url})",
                    line_number=record_number(item),
                ),
            )
            yield beam.pvalue.TaggedOutput(INDEX, IndexEvent(item, None, None, None, "error", err.error_type))
            return
        self.read.inc()
        try:
            doc_id = doc_id_for(item.url, "" if item.url else decode_html(payload)[0])
        except InputRejected as err:  # no URL to name it by, and the bytes are not text
            yield beam.pvalue.TaggedOutput(
                ERRORS,
                error_record(
                    self.run_id,
                    STAGE,
                    item.warc_file,
                    err.error_type,
                    err.message,
                    line_number=record_number(item),
                    sample=payload,
                ),
            )
            yield beam.pvalue.TaggedOutput(INDEX, IndexEvent(item, None, None, None, "error", err.error_type))
            return
        passed, why = None, None
        if self.settings.only_investments:
            passed, why = prefilter(item.url, payload)
            if not passed:
                self.prefiltered.inc()
                yield self._skip(item, f"prefilter:{why}", doc_id)
                yield beam.pvalue.TaggedOutput(
                    INDEX, IndexEvent(item, doc_id, False, why, "skipped", f"prefilter:{why}")
                )
                return
        yield beam.pvalue.TaggedOutput(INDEX, IndexEvent(item, doc_id, passed, why))
        yield RawDocument(
            doc_id=doc_id,
            source_kind="warc",
            source=item.warc_file,
            url=item.url,
            fetched_at=item.warc_date,
            content=payload,
            content_type=item.content_type or "text/html",
            line_number=record_number(item),
            warc_file=item.warc_file,
            warc_offset=item.warc_offset,
            warc_length=item.warc_length,
            warc_date=item.warc_date,
        )


class ReadWarc(beam.PTransform):
    """Archives (or given pointers) -> RawDocument ('docs'), ErrorRecord ('errors'), Skip ('skips'),
    IndexEvent ('index').

    With ``archives``, the archives are scanned inside the pipeline (one worker per archive);
    with ``items``, the scan was done by the caller (bounded local batches, ``--from-index``).
    Either way only pointers are reshuffled, and payloads are read after the shuffle.
    """

    def __init__(
        self,
        run_id: str,
        settings: WarcRunSettings,
        max_doc_bytes: int,
        archives: Iterable[str] = (),
        items: Iterable[WarcPointer | WarcScanError] = (),
    ) -> None:
        super().__init__()
        self.run_id = run_id
        self.settings = settings
        self.max_doc_bytes = max_doc_bytes
        self.archives = list(archives)
        self.items = list(items)

    def expand(self, pbegin):
        if self.archives:
            pointers = (
                pbegin
                | "ListArchives" >> beam.Create(self.archives)
                | "SpreadArchives" >> beam.Reshuffle()
                | "ScanArchives" >> beam.ParDo(ScanArchiveFn())
            )
        else:
            pointers = pbegin | "ListRecords" >> beam.Create(self.items)
        return (
            pointers
            | "SpreadRecords" >> beam.Reshuffle()
            | "ReadRecords"
            >> beam.ParDo(ReadWarcRecordFn(self.run_id, self.settings, self.max_doc_bytes)).with_outputs(
                ERRORS, SKIPS, INDEX, main="docs"
            )
        )
