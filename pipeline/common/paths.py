"""Local path or remote URL (gs://, s3://...): the one test, so every module decides alike."""

from __future__ import annotations


def is_local(path: str) -> bool:
    """True for a path on this machine's filesystem; False for any ``scheme://`` location."""
    return "://" not in path
