"""What DIR already holds: the doc_ids written by earlier runs, so re-runs skip them."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import apache_beam as beam
import pyarrow.dataset as ds
from apache_beam.metrics import Metrics

from pipeline.metrics import METRICS_NAMESPACE
from transforms.errors import doc_skip
from transforms.records import RawDocument

LOG = logging.getLogger(__name__)


def existing_doc_ids(output: str) -> frozenset[str]:
    """All doc_ids in DIR/articles (only that column is read; partitions are ignored)."""
    root = output.rstrip("/") + "/articles"
    try:
        dataset = ds.dataset(root, format="parquet", exclude_invalid_files=True, ignore_prefixes=[".", "_"])
        table = dataset.to_table(columns=["doc_id"])
    except (FileNotFoundError, OSError, ValueError) as err:
        LOG.debug("no existing articles under %s (%s)", root, err)
        return frozenset()
    return frozenset(table.column("doc_id").to_pylist())


class DropKnownDocsFn(beam.DoFn):
    """RawDocument -> RawDocument, or a 'duplicate' Skip when DIR already has its doc_id."""

    SKIPS = "skips"

    def __init__(self, output: str, run_id: str, reprocess: bool = False) -> None:
        self.output = output
        self.run_id = run_id
        self.reprocess = reprocess  # --reprocess: known documents go through and replace their rows
        self.known: frozenset[str] = frozenset()
        self.duplicates = Metrics.counter(METRICS_NAMESPACE, "duplicates_skipped")

    def setup(self) -> None:
        self.known = frozenset() if self.reprocess else existing_doc_ids(self.output)

    def process(self, doc: RawDocument) -> Iterator:
        if doc.doc_id in self.known:
            self.duplicates.inc()
            yield beam.pvalue.TaggedOutput(self.SKIPS, doc_skip(self.run_id, doc, "duplicate"))
        else:
            yield doc


class DropKnownDocs(beam.PTransform):
    """RawDocument -> new RawDocuments (main) and duplicate Skips ('skips')."""

    def __init__(self, output: str, run_id: str, reprocess: bool = False) -> None:
        super().__init__()
        self.output, self.run_id, self.reprocess = output, run_id, reprocess

    def expand(self, docs):
        return docs | "AgainstOutput" >> beam.ParDo(DropKnownDocsFn(self.output, self.run_id, self.reprocess)).with_outputs(
            DropKnownDocsFn.SKIPS, main="docs"
        )
