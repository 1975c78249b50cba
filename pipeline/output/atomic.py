"""One atomic write for every file dealstream commits: readers see the old file or the new one.

Locally the bytes go to a temporary file in ``DIR/_tmp/`` (outside every table, so no glob over
a table, no hive reader and no ``gs://…/articles/*`` external table can ever see a half-written
or orphaned file), are fsynced, then renamed over the final name (``os.replace``: atomic on one
filesystem), and the target folder is fsynced so the rename itself survives a power cut.
Object stores (``gs://``) publish an object only when its upload completes, so there the final
name is written directly (a rename there is a copy, not an atomic step).
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems

from pipeline.common.paths import is_local

TEMP_DIR = "_tmp"


def temp_dir(output: str) -> str:
    return FileSystems.join(output, TEMP_DIR) if not is_local(output) else os.path.join(output, TEMP_DIR)


def temp_path(output: str, name: str) -> str:
    """Where a file written piece by piece (a WARC) grows before ``commit_temp`` names it."""
    if is_local(output):
        os.makedirs(temp_dir(output), exist_ok=True)
    return FileSystems.join(temp_dir(output), f"{uuid.uuid4().hex[:12]}-{name}")


def commit_temp(temp: str, path: str) -> str:
    """Give a finished temporary file (from ``temp_path``) its final name, atomically."""
    if not is_local(path):
        FileSystems.rename([temp], [path])
        return path
    directory = os.path.dirname(path) or "."
    os.makedirs(directory, exist_ok=True)
    with open(temp, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(temp, path)
    _fsync_dir(directory)
    return path


def _fsync_dir(path: str) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some filesystems cannot fsync a directory; the rename is still atomic
    finally:
        os.close(fd)


def write_atomically(path: str, data: bytes, output: str, temp_name: str | None = None) -> str:
    """Commit ``data`` at ``path`` (a file under DIR ``output``) in one step; returns ``path``.

    ``temp_name`` fixes the temporary's name in ``DIR/_tmp/`` (for a file only DIR's single
    writer saves, so a leftover is simply overwritten); by default it is random.
    """
    if not is_local(path):
        with FileSystems.create(path, compression_type=CompressionTypes.UNCOMPRESSED) as handle:
            handle.write(data)
        return path
    directory = os.path.dirname(path) or "."
    scratch = temp_dir(output)
    os.makedirs(directory, exist_ok=True)
    os.makedirs(scratch, exist_ok=True)
    temp = os.path.join(scratch, temp_name or f"{uuid.uuid4().hex}.tmp")
    try:
        with open(temp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    _fsync_dir(directory)
    return path


def remove_temporaries(output: str) -> int:
    """Delete what killed writers left in ``DIR/_tmp/`` (only while holding DIR's writer lock)."""
    if not is_local(output):
        return 0
    root = Path(output) / TEMP_DIR
    if not root.is_dir():
        return 0
    leftovers = [p for p in root.iterdir() if p.is_file()]
    for path in leftovers:
        path.unlink(missing_ok=True)
    return len(leftovers)
