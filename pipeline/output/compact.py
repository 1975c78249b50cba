"""``dealstream compact DIR``: rewrite a partition's many small Parquet files into one, atomically.

A stream commits a few files per cycle, so partitions fill with small files. Compaction must
not let a reader see half of it: the new file and the old ones side by side would show every
row twice, and deleting first would hide them. So the partition *directory* is swapped whole:

1. build the new content in ``DIR/_compact/<token>/`` (same filesystem): the merged file, plus
   hard links to files that are already big enough (they are kept, not rewritten);
2. check the merged file holds exactly the rows of the files it replaces (count and doc_ids);
3. exchange the two directories in one ``renameat2(RENAME_EXCHANGE)`` call: a reader listing
   the partition sees the old set or the new set, never a mix;
4. delete the old set (now in the staging directory).

A kill at any step leaves the partition complete (old or new); what is left in ``_compact/`` is
deleted by the next compaction or stream start. Readers that listed the partition just before
the swap may fail to open a file that has gone (an error to retry, never wrong rows). Needs a
local Linux filesystem (ext4, xfs, btrfs, tmpfs); elsewhere compaction is refused.
"""

from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import logging
import os
import secrets
import shutil
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyarrow.dataset as ds
import pyarrow.parquet as pq

from pipeline.common.arg_types import positive_int
from pipeline.common.logs import configure_logging
from pipeline.common.paths import is_local
from pipeline.output.lock import DirLock, DirLocked, DirLockUnsupported
from transforms.records import SCHEMA_VERSION, TABLES

LOG = logging.getLogger(__name__)

STAGING = "_compact"
DEFAULT_TARGET_MB = 128
DEFAULT_MIN_FILES = 2
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


class CompactError(Exception):
    """Compaction refused or failed before the swap (the partition is untouched)."""


@dataclass(frozen=True)
class Compacted:
    table: str
    partition: str
    files_before: int
    files_after: int
    rows: int
    merged_file: str


def _renameat2():
    libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
    try:
        fn = libc.renameat2
    except AttributeError:
        return None
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    return fn


def exchange_dirs(a: Path, b: Path) -> None:
    """Swap two directories atomically (Linux ``renameat2`` with ``RENAME_EXCHANGE``)."""
    fn = _renameat2()
    if fn is None:
        raise CompactError("atomic directory exchange (renameat2) is not available on this system")
    if fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) != 0:
        err = ctypes.get_errno()
        raise CompactError(f"cannot exchange {a} and {b} atomically: {os.strerror(err)}")


def visible_files(partition: Path) -> list[Path]:
    """Files readers see (hive readers skip names starting with '.' or '_')."""
    return sorted(p for p in partition.iterdir() if p.is_file() and not p.name.startswith((".", "_")))


def partitions(output: str, table: str) -> list[Path]:
    root = Path(output) / table
    column = TABLES[table][2]
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if p.is_dir() and p.name.startswith(f"{column}="))


def clean_staging(output: str) -> int:
    """Remove what interrupted compactions left (never visible to readers); returns dirs removed."""
    root = Path(output) / STAGING
    if not root.is_dir():
        return 0
    leftovers = [p for p in root.iterdir() if p.is_dir()]
    for path in leftovers:
        shutil.rmtree(path, ignore_errors=True)
    return len(leftovers)


def _doc_ids(table) -> list:
    if "doc_id" not in table.column_names:
        return []
    return sorted((value is None, value or "") for value in table.column("doc_id").to_pylist())


def compact_partition(
    output: str, table: str, partition: Path, target_bytes: int, min_files: int = DEFAULT_MIN_FILES
) -> Compacted | None:
    """Merge the partition's files smaller than ``target_bytes`` into one; None when fewer than ``min_files``."""
    files = [p for p in visible_files(partition) if p.suffix == ".parquet"]
    small = [p for p in files if p.stat().st_size < target_bytes]
    if len(small) < max(min_files, 2):
        return None
    _, schema, _ = TABLES[table]
    merged = ds.dataset([str(p) for p in small], schema=schema, format="parquet").to_table()
    expected_rows = sum(pq.ParquetFile(p).metadata.num_rows for p in small)
    token = f"compact-{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"
    stage = Path(output) / STAGING / token
    stage.mkdir(parents=True)
    try:
        for path in visible_files(partition):
            if path not in small:
                os.link(path, stage / path.name)  # kept as is: same inode, no copy
        name = f"part-{token}-00000.parquet"
        metadata = {
            b"dealstream.schema_version": SCHEMA_VERSION.encode(),
            b"dealstream.run_id": token.encode(),
        }
        temp = stage / f".tmp-{name}"
        pq.write_table(merged.replace_schema_metadata(metadata), temp, compression="zstd")
        with open(temp, "rb") as handle:
            os.fsync(handle.fileno())
        os.rename(temp, stage / name)
        written = pq.read_table(stage / name, columns=["doc_id"] if "doc_id" in schema.names else None)
        if written.num_rows != expected_rows or _doc_ids(written) != _doc_ids(merged):
            raise CompactError(
                f"{partition}: merged file has {written.num_rows} rows, expected {expected_rows}"
            )
        _fsync_dir(stage)
        exchange_dirs(stage, partition)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    _fsync_dir(partition.parent)
    shutil.rmtree(stage, ignore_errors=True)  # now the old files
    return Compacted(table, partition.name, len(files), len(files) - len(small) + 1, expected_rows, name)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _wanted(partition: Path, wanted: set[str]) -> bool:
    return not wanted or partition.name in wanted or partition.name.split("=", 1)[1] in wanted


def compact_dir(
    output: str,
    tables: Sequence[str] = tuple(TABLES),
    wanted_partitions: Sequence[str] = (),
    target_bytes: int = DEFAULT_TARGET_MB * 2**20,
    min_files: int = DEFAULT_MIN_FILES,
) -> list[Compacted]:
    """Compact every matching partition; the caller holds DIR's lock (``DirLock`` nests)."""
    if not is_local(output):
        raise CompactError(
            f"{output}: compaction needs a local directory (object stores cannot swap atomically)"
        )
    clean_staging(output)
    done = []
    for table in tables:
        for partition in partitions(output, table):
            if _wanted(partition, set(wanted_partitions)):
                result = compact_partition(output, table, partition, target_bytes, min_files)
                if result is not None:
                    LOG.info(
                        "compacted %s/%s: %d files -> %d (%d rows)",
                        table,
                        result.partition,
                        result.files_before,
                        result.files_after,
                        result.rows,
                    )
                    done.append(result)
    return done


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dealstream compact", description="Rewrite partitions' small Parquet files into one, atomically."
    )
    parser.add_argument("output", metavar="DIR", help="The output directory of dealstream runs (local).")
    parser.add_argument(
        "--table", action="append", choices=sorted(TABLES), help="Only this table (repeatable; default: all)."
    )
    parser.add_argument(
        "--partition",
        action="append",
        default=[],
        metavar="P",
        help="Only this partition, e.g. published_date=2024-03-05 or 2024-03-05 (repeatable; default: all).",
    )
    parser.add_argument(
        "--target-size-mb",
        type=positive_int,
        default=DEFAULT_TARGET_MB,
        help=f"Files at least this big are kept as they are (default: {DEFAULT_TARGET_MB}).",
    )
    parser.add_argument(
        "--min-files",
        type=positive_int,
        default=DEFAULT_MIN_FILES,
        help=f"Compact a partition only when it has this many small files (default: {DEFAULT_MIN_FILES}).",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    configure_logging()
    if not Path(args.output).is_dir():
        print(f"dealstream compact: error: {args.output} is not a directory", file=sys.stderr)
        return 2
    try:
        with DirLock(args.output, "compact"):
            done = compact_dir(
                args.output,
                args.table or tuple(TABLES),
                args.partition,
                args.target_size_mb * 2**20,
                args.min_files,
            )
    except (DirLocked, DirLockUnsupported, CompactError) as err:
        print(f"dealstream compact: error: {err}", file=sys.stderr)
        return 1
    for item in done:
        print(
            f"{item.table}/{item.partition}: {item.files_before} files -> {item.files_after} ({item.rows} rows)"
        )
    print(f"Compacted {len(done)} partition(s) in {args.output}")
    return 0
