"""Seed-file source: pointers -> (after the shuffle) raw documents. The pointers come from
``pipeline.seed_listing`` (globs -> every matched name); this module reads and decodes them.

Only small pointers go through the Reshuffle (BEAM-NOTES: FnApiRunner holds reshuffled
payloads in memory); each file is read after it. Every input is counted here, where it is
read, independently of what becomes of it: a file is one input, except a ``.jsonl`` file,
whose lines are the inputs.
"""

from __future__ import annotations

import bz2
import contextlib
import gzip
import logging
import zlib
from collections.abc import Iterator
from typing import BinaryIO, NamedTuple

import apache_beam as beam
from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems
from apache_beam.metrics import Metrics

from pipeline.metrics import METRICS_NAMESPACE
from pipeline.seed_listing import SUPPORTED, input_kind, not_a_readable_file
from transforms.errors import error_record
from transforms.outcomes import ERRORS
from transforms.records import InputRef, RawDocument
from transforms.stages import safety_net
from transforms.text.decode import (
    InputRejected,
    decode_html,
    decode_text_file,
    doc_id_for,
    parse_jsonl_line,
)

LOG = logging.getLogger(__name__)

STAGE = "read"
_READ_CHUNK = 1 << 20


@contextlib.contextmanager
def open_input(path: str) -> Iterator[BinaryIO]:
    """Open through Beam's filesystems (local, gs://); .gz/.bz2 are decompressed as a stream.

    Beam's own CompressedFile has no ``readline(limit)``, which the .jsonl reader needs to
    bound memory, so the standard library's readers wrap the raw stream.
    """
    with FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED) as raw:
        lowered = path.lower()
        if lowered.endswith(".gz"):
            with gzip.GzipFile(fileobj=raw) as handle:
                yield handle
        elif lowered.endswith(".bz2"):
            with bz2.BZ2File(raw) as handle:
                yield handle
        else:
            yield raw


def _read_limited(path: str, limit: int) -> bytes:
    """Read at most limit+1 bytes, so an oversized file is detected without reading it whole."""
    with open_input(path) as handle:
        chunks, total = [], 0
        while total <= limit:
            chunk = handle.read(min(_READ_CHUNK, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    return b"".join(chunks)


# A .jsonl file is cut into chunks of consecutive lines that are shuffled as pointers and read
# after the shuffle, so one large file spreads over every worker and no worker is left with a
# long tail. Small chunks balance work; each costs one open+seek when read.
CHUNK_MAX_LINES = 8
CHUNK_MAX_BYTES = 8 << 20
# Amplification bounds for one .jsonl file (docs/reliability.md): a few KB of gzip
# must not become millions of rows or minutes of reading. Beyond either, the rest of the file
# is one error row (the lines before it keep their own outcomes).
MAX_DECOMPRESSION_RATIO = 100  # decompressed / compressed bytes, checked past MIN_BOMB_BYTES
MIN_BOMB_BYTES = 1 << 20
MAX_BAD_LINES_PER_FILE = 1000  # bad lines (short ones, uncompressed) from one file before it is abandoned
MAX_LINES_PER_FILE = 10_000_000  # lines read from one file, blank ones included
# An uncompressed .jsonl is chunked unparsed, so its bad lines show only after the shuffle; the
# lines that amplify (a 3-byte `{}` line becomes a ~300-byte error row) are short, and short
# lines are cheap to parse here. After MAX_BAD_LINES_PER_FILE rejected short lines the rest of
# the file is one amplification_limit row, as for a compressed file.
SHORT_LINE_BYTES = 64


def _short_and_bad(line: bytes) -> bool:
    """A short .jsonl line that the reader will reject (checked in the indexer, where lines are counted)."""
    if len(line) >= SHORT_LINE_BYTES:
        return False
    try:
        parse_jsonl_line(line)
    except InputRejected:
        return True
    return False


class ReadSeedFileFn(beam.DoFn):
    """InputRef -> RawDocument; rejected inputs to the 'errors' output.

    Counts ``inputs_read`` once per file (per line for .jsonl). An uncompressed .jsonl file
    reaches this stage as chunk pointers made by IndexSeedFilesFn.
    """

    ERRORS = ERRORS

    def __init__(self, run_id: str, max_doc_bytes: int) -> None:
        self.run_id = run_id
        self.max_doc_bytes = max_doc_bytes
        self.inputs = Metrics.counter(METRICS_NAMESPACE, "inputs_read")

    def count_failed_input(self, ref: InputRef) -> None:
        """The safety net's hook: a whole file that failed is one input (a chunk's lines were counted)."""
        if ref.offset is None:
            self.inputs.inc()

    def _error(self, ref: InputRef, error_type: str, message: str, line: int | None = None, sample=None):
        return beam.pvalue.TaggedOutput(
            self.ERRORS,
            error_record(
                self.run_id, STAGE, ref.source, error_type, message, line_number=line, sample=sample
            ),
        )

    @safety_net(STAGE)
    def process(self, ref: InputRef) -> Iterator:
        if ref.offset is not None:
            yield from read_jsonl_chunk(self.run_id, ref)
            return
        kind = input_kind(ref.source)
        if kind == "jsonl":
            yield from self._read_jsonl(ref)
            return
        self.inputs.inc()
        if kind is None:
            yield self._error(
                ref, "unsupported_format", f"unsupported file type; expected one of {SUPPORTED}"
            )
            return
        compressed = ref.source.lower().endswith((".gz", ".bz2"))
        if ref.size is not None and ref.size > self.max_doc_bytes and not compressed:
            yield self._error(ref, "too_large", f"{ref.size} bytes > --max-doc-bytes {self.max_doc_bytes}")
            return
        try:
            data = _read_limited(ref.source, self.max_doc_bytes)
        except (OSError, EOFError, zlib.error) as err:
            yield self._error(ref, "unreadable", f"{type(err).__name__}: {err}")
            return
        if len(data) > self.max_doc_bytes:
            yield self._error(ref, "too_large", f"more than --max-doc-bytes {self.max_doc_bytes} bytes")
            return
        try:
            yield self._document(ref, kind, data)
        except InputRejected as err:
            yield self._error(ref, err.error_type, err.message, sample=data)

    def _document(self, ref: InputRef, kind: str, data: bytes) -> RawDocument:
        if kind == "text":
            parsed = decode_text_file(data)
            return RawDocument(
                doc_id=doc_id_for(None, parsed.title + "\n" + parsed.body),
                source_kind="seed_file",
                source=ref.source,
                url=None,
                fetched_at=None,
                content=None,
                content_type="text/plain",
                text=parsed.body,
                title=parsed.title,
            )
        html, charset = decode_html(data)
        return RawDocument(
            doc_id=doc_id_for(None, html),
            source_kind="seed_file",
            source=ref.source,
            url=None,
            fetched_at=None,
            content=data,
            content_type=f"text/html; charset={charset}",
        )

    def _abandon(self, ref: InputRef, after_line: int, why: str) -> Iterator:
        """The rest of an amplifying file as one input with one error row."""
        self.inputs.inc()
        yield self._error(
            ref, "amplification_limit",
            f"rest of the file not read after line {after_line}: {why} (limits: ratio {MAX_DECOMPRESSION_RATIO}, "
            f"{MAX_BAD_LINES_PER_FILE} bad lines, {MAX_LINES_PER_FILE} lines)", after_line + 1,
        )

    def _read_jsonl(self, ref: InputRef, chunked: bool = False) -> Iterator:
        """Count and check every line; parse it here, or (chunked) emit pointers to chunks of lines."""
        line_number = position = 0
        chunk: list[int] = []  # [first line, offset, bytes, lines]
        bad_lines = 0

        def flush():
            if chunk:
                first, offset, size, lines = chunk
                chunk.clear()
                return InputRef("seed_file", ref.source, first, size=size, offset=offset, lines=lines)
            return None

        try:
            with open_input(ref.source) as handle:
                while True:
                    start = position
                    line = handle.readline(self.max_doc_bytes + 1)
                    if not line:
                        break
                    position += len(line)
                    line_number += 1
                    if line_number > MAX_LINES_PER_FILE or (
                        ref.size and position > MIN_BOMB_BYTES and position > MAX_DECOMPRESSION_RATIO * ref.size
                        and not chunked
                    ):
                        yield from self._abandon(ref, line_number - 1, f"{position} bytes / {line_number} lines read")
                        return
                    too_long = len(line) > self.max_doc_bytes and not line.endswith(b"\n")
                    while too_long and line and not line.endswith(b"\n"):
                        line = handle.readline(_READ_CHUNK)  # skip the rest without holding it
                        position += len(line)
                    if not too_long and not line.strip():
                        if (out := flush()) is not None:
                            yield out
                        continue  # blank lines are not inputs
                    self.inputs.inc()
                    if too_long:
                        if (out := flush()) is not None:
                            yield out
                        yield self._error(
                            ref, "too_large", f"line longer than {self.max_doc_bytes} bytes", line_number
                        )
                        continue
                    if not chunked:
                        for out in jsonl_item(self.run_id, ref, line, line_number):
                            bad_lines += isinstance(out, beam.pvalue.TaggedOutput)
                            yield out
                        if bad_lines >= MAX_BAD_LINES_PER_FILE:
                            yield from self._abandon(ref, line_number, f"{bad_lines} bad lines")
                            return
                        continue
                    if chunk and (chunk[3] >= CHUNK_MAX_LINES or chunk[2] + len(line) > CHUNK_MAX_BYTES):
                        yield flush()
                    if not chunk:
                        chunk.extend([line_number, start, 0, 0])
                    chunk[2] += len(line)
                    chunk[3] += 1
                    bad_lines += _short_and_bad(line)
                    if bad_lines >= MAX_BAD_LINES_PER_FILE:  # the lines so far keep their rows
                        yield flush()
                        yield from self._abandon(ref, line_number, f"{bad_lines} bad short lines")
                        return
            if (out := flush()) is not None:
                yield out
        except (OSError, EOFError, zlib.error) as err:
            if (out := flush()) is not None:
                yield out  # the lines counted so far are still read
            self.inputs.inc()
            yield self._error(ref, "unreadable", f"{type(err).__name__}: {err} (after line {line_number})")
            return
        if line_number == 0:
            self.inputs.inc()
            yield self._error(ref, "empty", "file has no lines")


def jsonl_item(run_id: str, ref: InputRef, line: bytes, line_number: int) -> Iterator:
    """One .jsonl line -> a RawDocument, or an 'errors' output naming the line."""
    try:
        item = parse_jsonl_line(line)
    except InputRejected as err:
        yield beam.pvalue.TaggedOutput(
            ReadSeedFileFn.ERRORS,
            error_record(
                run_id, STAGE, ref.source, err.error_type, err.message, line_number=line_number, sample=line
            ),
        )
        return
    html_bytes = item.html.encode("utf-8") if item.html else None
    yield RawDocument(
        doc_id=doc_id_for(item.url, item.html if item.html else item.text or ""),
        source_kind="seed_file",
        source=ref.source,
        url=item.url,
        fetched_at=None,
        content=html_bytes,
        content_type="text/html; charset=utf-8" if html_bytes else "text/plain",
        text=None if html_bytes else item.text,
        title=item.title,
        published=item.published,
        line_number=line_number,
    )


def read_jsonl_chunk(run_id: str, chunk: InputRef) -> Iterator:
    """A .jsonl chunk pointer -> one RawDocument (or error) per line. Lines were counted already."""
    assert chunk.offset is not None and chunk.size is not None and chunk.line_number is not None
    try:
        with open_input(chunk.source) as handle:
            handle.seek(chunk.offset)
            data = handle.read(chunk.size)
    except OSError as err:
        for i in range(chunk.lines or 0):
            yield beam.pvalue.TaggedOutput(
                ReadSeedFileFn.ERRORS,
                error_record(
                    run_id,
                    STAGE,
                    chunk.source,
                    "unreadable",
                    f"{type(err).__name__}: {err}",
                    line_number=chunk.line_number + i,
                ),
            )
        return
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    if len(lines) != chunk.lines:  # the file changed since it was indexed: each line still ends somewhere
        lines = (lines + [b""] * (chunk.lines or 0))[: chunk.lines]
    for i, line in enumerate(lines):
        yield from jsonl_item(run_id, chunk, line, chunk.line_number + i)


class IndexSeedFilesFn(ReadSeedFileFn):
    """File pointer -> work units: the file itself, or for an uncompressed .jsonl one pointer per
    chunk of lines (its lines are counted here, where they are read)."""

    @safety_net(STAGE)
    def process(self, ref: InputRef) -> Iterator:
        if (bad := not_a_readable_file(ref.source)) is not None:
            self.inputs.inc()
            yield self._error(ref, *bad)
            return
        if input_kind(ref.source) == "jsonl" and not ref.source.lower().endswith((".gz", ".bz2")):
            yield from self._read_jsonl(ref, chunked=True)
        else:
            yield ref


class ReadSeeds(beam.PTransform):
    """Seed files -> RawDocument (main) and ErrorRecord ('errors')."""

    def __init__(self, refs: list[InputRef], run_id: str, max_doc_bytes: int) -> None:
        super().__init__()
        self.refs = refs
        self.run_id = run_id
        self.max_doc_bytes = max_doc_bytes

    def expand(self, pbegin):
        # Only pointers cross the two shuffles; payloads are read after the second one, in the
        # same fused stage as extraction, so FnApiRunner never holds them in memory.
        units = (
            pbegin
            | "ListFiles" >> beam.Create(self.refs)
            | "SpreadFiles" >> beam.Reshuffle()
            | "IndexFiles"
            >> beam.ParDo(IndexSeedFilesFn(self.run_id, self.max_doc_bytes)).with_outputs(
                ReadSeedFileFn.ERRORS, main="units"
            )
        )
        read = (
            units.units
            | "SpreadUnits" >> beam.Reshuffle()
            | "ReadFiles"
            >> beam.ParDo(ReadSeedFileFn(self.run_id, self.max_doc_bytes)).with_outputs(
                ReadSeedFileFn.ERRORS, main="docs"
            )
        )
        return _Outputs(
            docs=read.docs, errors=(units.errors, read.errors) | "AllSeedErrors" >> beam.Flatten()
        )


class _Outputs(NamedTuple):
    docs: beam.PCollection
    errors: beam.PCollection
