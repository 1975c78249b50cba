"""What DIR already holds: the doc_ids written by earlier runs, so re-runs skip them.

Fails closed: a file in ``DIR/articles`` that cannot be read as an articles file (damaged, or
another program's Parquet with no string ``doc_id``) stops the run with its path, instead of
reading as "nothing known" and writing every document again.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import apache_beam as beam
import pyarrow as pa
from apache_beam.metrics import Metrics

from pipeline.metrics import METRICS_NAMESPACE
from pipeline.output.committed import absolute, read_file, table_files
from transforms.errors import doc_skip
from transforms.outcomes import SKIPS
from transforms.records import RawDocument

LOG = logging.getLogger(__name__)


class KnownDocsUnreadable(Exception):
    """A file in DIR/articles cannot be read for its doc_ids (the run must not go on)."""


def _doc_ids_of(output: str, relative: str) -> list[str]:
    try:
        table = read_file(output, relative, ["doc_id"])
    except (OSError, ValueError, KeyError, pa.ArrowException) as err:
        raise KnownDocsUnreadable(
            f"{absolute(output, relative)} is not a readable articles file ({err}); "
            "move it out of DIR or restore it, then run again"
        ) from None
    column = table.column("doc_id")
    if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
        raise KnownDocsUnreadable(
            f"{absolute(output, relative)}: doc_id is {column.type}, not a string: not a dealstream "
            "articles file; move it out of DIR, then run again"
        )
    return column.to_pylist()


def existing_doc_ids(output: str) -> frozenset[str]:
    """All doc_ids in DIR/articles (only that column is read); raises ``KnownDocsUnreadable``."""
    known: set[str] = set()
    for relative in table_files(output, ["articles"]):
        known.update(_doc_ids_of(output, relative))
    return frozenset(known)


class DropKnownDocsFn(beam.DoFn):
    """RawDocument -> RawDocument, or a 'duplicate' Skip when DIR already has its doc_id."""

    SKIPS = SKIPS

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
