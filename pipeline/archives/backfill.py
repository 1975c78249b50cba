"""Archive runs (``--warc``, ``--from-index``): bounded batches that resume from the manifest.

On the local runners every grouping step holds its whole input in memory (BEAM-NOTES), so a
1 GB archive in one run would need memory in proportion to its size. Here the driver scans
the archives itself (cheap: decompression and header parsing, no extraction) and hands the
pipeline ``--records-per-run`` pointers at a time; each batch is one ordinary run with its
own ``run_id`` and ``_runs/<run_id>.json``. ``--records-per-run 0`` makes one run that scans
inside the pipeline, which is what Dataflow wants (its shuffle is not in memory).

Before each batch, the slices of archives it covers go to ``DIR/_backfill/manifest.json`` as
in progress; after its files are committed they move to completed/progress. A start first
finishes or rolls back whatever a killed run left (see ``backfill_manifest``).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from apache_beam.io.filesystems import FileSystems

from pipeline.accounting.manifest import Outcomes, read_manifest
from pipeline.archives import manifest as bm
from pipeline.archives.index import read_index
from pipeline.archives.scan import FRAMING_MEMBER, ResumePoint, scan_archive
from pipeline.archives.source import WarcInput
from pipeline.output.reprocess import replace_older_rows
from transforms.archive_records import WarcPointer, WarcScanError

LOG = logging.getLogger(__name__)

ScanItem = WarcPointer | WarcScanError


class BatchNotRun(RuntimeError):
    """A batch's run ended without committing (no ``_runs/<run_id>.json``)."""


@dataclass(frozen=True)
class Batch:
    """One pipeline run's share: scanned records (or archives to scan in the pipeline)."""

    items: tuple[ScanItem, ...] = ()
    archives: tuple[str, ...] = ()
    slices: tuple[bm.Slice, ...] = ()


def _resume(manifest: bm.BackfillManifest, archive: bm.Archive) -> ResumePoint | None:
    entry = manifest.resume_point(archive)
    if entry is None:
        return None
    return ResumePoint(entry["next_offset"], entry["next_index"], entry.get("framing", FRAMING_MEMBER))


def record_batches(
    archives: Sequence[bm.Archive], manifest: bm.BackfillManifest, per_run: int
) -> Iterator[Batch]:
    """Scan archives in order and cut their records into batches of about ``per_run``.

    A cut falls after a pointer (so the next record's offset is known) and may fall inside an
    archive; a batch may span archives. Archives already in progress continue where they stopped.
    """
    items: list[ScanItem] = []
    slices: list[bm.Slice] = []
    for archive in archives:
        resume = _resume(manifest, archive)
        first = resume.record_index if resume else 0
        framing = resume.framing if resume else FRAMING_MEMBER
        last_index = first - 1
        scan = scan_archive(archive.path, resume)
        upcoming = next(scan, None)
        while upcoming is not None:
            item, upcoming = upcoming, next(scan, None)
            items.append(item)
            last_index = max(last_index, item.record_index)
            if isinstance(item, WarcPointer):
                framing = item.framing
            if len(items) >= per_run and isinstance(item, WarcPointer):
                done = upcoming is None
                next_offset = None if done else item.warc_offset + item.warc_length
                slices.append(
                    bm.Slice(
                        archive.path, archive.size, first, item.record_index + 1, next_offset, framing, done
                    )
                )
                yield Batch(items=tuple(items), slices=tuple(slices))
                items, slices = [], []
                first = item.record_index + 1
                if done:
                    break
        else:
            slices.append(bm.Slice(archive.path, archive.size, first, last_index + 1, None, framing, True))
    if items or slices:
        yield Batch(items=tuple(items), slices=tuple(slices))


def index_batches(pointers: Sequence[WarcPointer], per_run: int) -> Iterator[Batch]:
    step = per_run if per_run > 0 else max(len(pointers), 1)
    for start in range(0, len(pointers), step):
        yield Batch(items=tuple(pointers[start : start + step]))


def _batches(settings, manifest: bm.BackfillManifest, per_run: int) -> Iterator[Batch]:
    if settings.from_index:
        pointers = read_index(
            settings.from_index,
            only_investments=settings.only_investments,
            date_from=settings.date_from,
            date_to=settings.date_to,
        )
        yield from index_batches(pointers, per_run)
        return
    archives = [bm.Archive(path, size) for path, size in settings.archives]
    if settings.reprocess:
        # Redoing history is the point: completed archives are read again, from the start.
        manifest = bm.BackfillManifest()
    pending = manifest.pending(archives)
    if len(pending) < len(archives):
        LOG.info(
            "%d of %d archives already completed (DIR/_backfill/manifest.json)",
            len(archives) - len(pending),
            len(archives),
        )
    if not pending:
        return
    if per_run == 0:
        whole = tuple(bm.Slice(a.path, a.size, 0, 0, None, FRAMING_MEMBER, True) for a in pending)
        yield Batch(archives=tuple(a.path for a in pending), slices=whole)
        return
    yield from record_batches(sorted(pending, key=lambda a: a.path), manifest, per_run)


def recover(output: str) -> None:
    """Finish what a killed run left: complete its row replacement, or roll its files back."""
    for run_id in bm.unfinished_replacements(output):
        LOG.warning("run %s was killed while replacing older rows: finishing it", run_id)
        replace_older_rows(output, run_id)
        bm.complete_run(output, run_id)
    bm.roll_back_unfinished(output)


def run_backfill(
    config, runner: str | None, run_batch: Callable[[object], int], run_id_for: Callable[[int], str]
) -> list[str]:
    """Run every pending batch of an archive run; returns the run ids, in order.

    ``run_batch(config)`` runs one pipeline and writes its ``_runs`` manifest (the CLI's
    ``execute``); ``run_id_for(n)`` names the n-th batch's run.
    """
    settings = config.warc.settings
    recover(config.output)
    manifest = bm.load(config.output)
    per_run = settings.batch_size(runner)
    run_ids: list[str] = []
    for number, batch in enumerate(_batches(settings, manifest, per_run)):
        run_id = run_id_for(number)
        bm.start_run(config.output, run_id, batch.slices)
        warc = WarcInput(settings, archives=batch.archives, items=batch.items)
        run_batch(dataclasses.replace(config, run_id=run_id, warc=warc))
        if not FileSystems.exists(FileSystems.join(config.output, "_runs", f"{run_id}.json")):
            # The pipeline did not run to the end (e.g. DIR was locked): nothing is completed,
            # and the next start rolls back whatever this run may have written.
            raise BatchNotRun(f"run {run_id} ended without its manifest; its records stay pending")
        if settings.reprocess:
            bm.set_phase(config.output, run_id, bm.PHASE_REPLACING)
            replace_older_rows(config.output, run_id)
        bm.complete_run(config.output, run_id)
        run_ids.append(run_id)
    return run_ids


def combined_outcomes(output: str, run_ids: Sequence[str]) -> tuple[int, Outcomes]:
    """Inputs read and outcomes summed over the runs' ``_runs/<run_id>.json`` manifests."""
    runs = [read_manifest(output, run_id) for run_id in run_ids]
    return sum(run.inputs_read for run in runs), sum((run.outcomes for run in runs), Outcomes())
