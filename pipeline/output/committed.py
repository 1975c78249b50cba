"""What a run committed under DIR: its files by exact name, and one reader of their rows.

Every table names a run's files ``part-<run_id>-<shard>.parquet``; a run is matched by the whole
name (``nightly`` never matches ``part-nightly-2-00000.parquet``), and local folders are listed,
not globbed, so an output path holding glob characters (``out[1]``) works.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable

import pyarrow as pa
import pyarrow.parquet as pq
from apache_beam.io.filesystems import FileSystems

from pipeline.common.paths import is_local

_SHARD = r"\d{5}"


def is_run_file(name: str, run_id: str) -> bool:
    """``name`` (a file name) is one of ``run_id``'s files, not another run's sharing a prefix."""
    return re.fullmatch(rf"part-{re.escape(run_id)}-{_SHARD}\.parquet", name) is not None


def is_cycle_file(name: str, stream_id: str) -> bool:
    """One of a stream's files: a local cycle's (``part-<stream id>-c<NNNNN>-<shard>.parquet``) or
    an unbounded graph's window's (``part-<stream id>-<YYYYMMDDTHHMMSSZ>-<shard>.parquet``)."""
    unit = r"(?:c\d{5}|\d{8}T\d{6}Z)"
    return re.fullmatch(rf"part-{re.escape(stream_id)}-{unit}-{_SHARD}\.parquet", name) is not None


def table_files(output: str, tables: Iterable[str] | None = None) -> list[str]:
    """Every committed ``part-*.parquet`` under DIR's tables (paths relative to DIR), sorted.

    ``tables=None``: every visible top-level folder (hive readers skip ``_`` and ``.`` names).
    """
    if not is_local(output):
        names = ["*"] if tables is None else list(tables)
        patterns = [FileSystems.join(output, t, "*", "part-*.parquet") for t in names]
        prefix = output.rstrip("/") + "/"
        return sorted(
            m.path[len(prefix) :] if m.path.startswith(prefix) else m.path
            for result in FileSystems.match(patterns)
            for m in result.metadata_list
        )
    if tables is None:
        try:
            tables = [e.name for e in os.scandir(output) if e.is_dir() and not e.name.startswith(("_", "."))]
        except FileNotFoundError:
            return []
    found = []
    for table in tables:
        try:
            partitions = [e for e in os.scandir(os.path.join(output, table)) if e.is_dir()]
        except (FileNotFoundError, NotADirectoryError):
            continue
        for partition in partitions:
            for entry in os.scandir(partition.path):
                if entry.is_file() and entry.name.startswith("part-") and entry.name.endswith(".parquet"):
                    found.append(f"{table}/{partition.name}/{entry.name}")
    return sorted(found)


def run_files(output: str, run_id: str, tables: Iterable[str] | None = None) -> list[str]:
    """The files ``run_id`` committed (relative to DIR), matched by their whole name."""
    return [f for f in table_files(output, tables) if is_run_file(f.rsplit("/", 1)[-1], run_id)]


def stream_files(output: str, stream_id: str) -> list[str]:
    """The files every cycle of a stream committed (relative to DIR)."""
    return [f for f in table_files(output) if is_cycle_file(f.rsplit("/", 1)[-1], stream_id)]


def absolute(output: str, relative: str) -> str:
    return FileSystems.join(output, relative) if not is_local(output) else os.path.join(output, relative)


def read_file(output: str, relative: str, columns: list[str] | None = None) -> pa.Table:
    """One committed file's rows (only ``columns``), local or remote."""
    path = absolute(output, relative)
    if is_local(output):
        return pq.read_table(path, columns=columns)
    with FileSystems.open(path) as handle:
        return pq.read_table(pa.BufferReader(handle.read()), columns=columns)


def read_rows(output: str, files: Iterable[str], table: str, columns: list[str]) -> list[dict]:
    """The rows of ``table`` in a run's committed ``files`` (relative paths, e.g. a manifest's)."""
    rows: list[dict] = []
    for relative in files:
        if relative.split("/", 1)[0] == table:
            rows.extend(read_file(output, relative, columns).to_pylist())
    return rows
