"""Hive partition path segments that data cannot turn into a path outside the output DIR.

Partition values come from data (a page's declared date, a run's date). Before such a value
becomes part of a path it goes through :func:`safe_partition_value`: dates are written as
``YYYY-MM-DD``, a missing value as Hive's null partition, and any other text is escaped the
way Hive and Spark escape partition values (``%XX`` for path separators, ``=``, ``%``,
control characters and the other characters Hive escapes), so the result is always one
plain path segment. Spark and pyarrow's ``segment_encoding="uri"`` undo the escaping when
they read the value back.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from transforms.records import NULL_PARTITION

# Characters Hive's FileUtils.escapePathName escapes, plus DEL and every control character.
_HIVE_ESCAPED = frozenset("\"#%'*/:=?\\{[]^") | frozenset(chr(c) for c in range(0x20)) | {"\x7f"}
# Longest escaped value we accept: keeps `column=value` under common 255-byte name limits.
MAX_SEGMENT_BYTES = 200


def _escape(text: str) -> str:
    out = []
    for ch in text:
        if ch in _HIVE_ESCAPED:
            out.append(f"%{ord(ch):02X}")
        else:
            out.append(ch)
    return "".join(out)


def safe_partition_value(value: object) -> str:
    """The text to put after ``column=`` in a partition folder name.

    ``None`` and empty text give ``__HIVE_DEFAULT_PARTITION__`` (read back as NULL); a
    ``datetime`` gives its UTC date (naive datetimes are taken as UTC), a ``date`` its ISO
    form; other values are escaped so the result never holds a path separator, never is
    ``.`` or ``..``, and never contains a control character.

    Raises:
        ValueError: when the escaped value is longer than ``MAX_SEGMENT_BYTES`` bytes, or
            the value is a type that has no stable text form (bytes, floats that are NaN).
    """
    if value is None:
        return NULL_PARTITION
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC)
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool) or isinstance(value, bytes | bytearray):
        raise ValueError(f"unsupported partition value type: {type(value).__name__}")
    if isinstance(value, float) and value != value:
        raise ValueError("NaN is not a partition value")
    text = str(value)
    if text == "" or text == NULL_PARTITION:
        return NULL_PARTITION
    escaped = _escape(text)
    if escaped in {".", ".."}:
        escaped = escaped.replace(".", "%2E")
    if len(escaped.encode("utf-8")) > MAX_SEGMENT_BYTES:
        raise ValueError(f"partition value too long ({len(escaped.encode('utf-8'))} bytes escaped)")
    return escaped


def unescape_partition_value(segment: str) -> str:
    """Inverse of the escaping in :func:`safe_partition_value` (what Hive/Spark do on read)."""
    out = []
    i = 0
    while i < len(segment):
        ch = segment[i]
        if ch == "%" and _is_hex(segment[i + 1 : i + 3]):
            out.append(chr(int(segment[i + 1 : i + 3], 16)))
            i += 3
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def _is_hex(pair: str) -> bool:
    return len(pair) == 2 and all(c in "0123456789abcdefABCDEF" for c in pair)


def partition_dir(column: str, value: object) -> str:
    """``column=value`` for a trusted column name and an untrusted value."""
    if not column or _escape(column) != column or column in {".", ".."}:
        raise ValueError(f"bad partition column name: {column!r}")
    return f"{column}={safe_partition_value(value)}"
