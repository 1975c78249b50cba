"""Seed-file listing: globs -> one pointer per matched name, and what each name is.

The accounting side of the seed source: every name a pattern matches is listed, whatever it is
(dangling link, FIFO, directory, a name with a backslash), so none vanishes; the reader
(``pipeline.seed_files``) gives anything that is not a readable regular file its own error row.
Nothing here reads a file's contents.
"""

from __future__ import annotations

import errno
import glob
import os
import stat

from apache_beam.io.filesystems import FileSystems

from transforms.records import InputRef

TEXT_EXTENSIONS = (".txt",)
HTML_EXTENSIONS = (".html", ".htm", ".xhtml")
JSONL_EXTENSIONS = (".jsonl", ".ndjson")
SUPPORTED = TEXT_EXTENSIONS + HTML_EXTENSIONS + JSONL_EXTENSIONS


def input_kind(path: str) -> str | None:
    """'text', 'html', 'jsonl' or None, by extension (a trailing .gz is looked through)."""
    name = path.lower()
    for suffix in (".gz", ".bz2"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    if name.endswith(TEXT_EXTENSIONS):
        return "text"
    if name.endswith(HTML_EXTENSIONS):
        return "html"
    if name.endswith(JSONL_EXTENSIONS):
        return "jsonl"
    return None


def _match_local(pattern: str) -> list[tuple[str, int | None]]:
    """Every name a local pattern matches, as listed: dangling links, FIFOs, directories and
    names with a backslash included (Beam's matcher drops the first and the last silently)."""
    out = []
    for path in glob.glob(pattern, recursive=True, include_hidden=True):
        try:
            size = os.stat(path).st_size
        except OSError:
            size = None
        out.append((os.path.abspath(path), size))
    return out


def expand_globs(patterns: list[str]) -> tuple[list[InputRef], list[str]]:
    """Match every pattern; returns the pointers and the patterns that matched nothing.

    Every match is listed, whatever it is: the reader gives anything that is not a readable
    regular file its own error row, so no matched name vanishes.
    """
    refs: dict[str, InputRef] = {}
    empty: list[str] = []
    for pattern in patterns:
        if "://" in pattern:
            result = FileSystems.match([pattern])[0]
            matches = [(m.path, m.size_in_bytes) for m in result.metadata_list]
        else:
            matches = _match_local(pattern)
        if not matches:
            empty.append(pattern)
        for path, size in matches:
            refs.setdefault(path, InputRef("seed_file", path, size=size))
    return sorted(refs.values(), key=lambda r: r.source), empty


def not_a_readable_file(path: str) -> tuple[str, str] | None:
    """(error_type, message) when a listed local path cannot be read as a file, else None.

    Checked before opening, so a FIFO never blocks the reader and a device is never read.
    """
    if "://" in path:
        return None
    try:
        info = os.stat(path)
    except OSError as err:
        if err.errno == errno.ELOOP:
            return "link_loop", "symbolic link loop"
        if os.path.islink(path):
            return "broken_link", f"symbolic link to a missing target ({os.readlink(path)})"
        return "unreadable", f"{type(err).__name__}: {err.strerror}"
    if stat.S_ISDIR(info.st_mode):
        return "directory", "the pattern matched a directory, not a file"
    if not stat.S_ISREG(info.st_mode):
        return "not_a_regular_file", "a FIFO, socket or device file, not a regular file"
    if not os.access(path, os.R_OK):
        return "unreadable", "permission denied"
    return None
