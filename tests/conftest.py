"""Shared fixtures: paths, the corpus (skipped when ../shared is absent), CLI runs."""

from __future__ import annotations

import html
import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEED = REPO / "seeds" / "000_ffccc2825a3c1863.txt"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not (SHARED / "corpus").is_dir():
        pytest.skip(f"../shared/corpus is absent ({SHARED}); corpus tests run where it exists (CI)")
    return SHARED


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def seed_as_html(seed: str, head_extra: str = "") -> str:
    """The seed story wrapped in minimal HTML: <h1> headline, one <p> per paragraph."""
    lines = [line for line in seed.split("\n") if line.strip()]
    paragraphs = "".join(f"<p>{html.escape(line)}</p>\n" for line in lines[1:])
    return (
        f"<!DOCTYPE html><html><head><title>{html.escape(lines[0])}</title>{head_extra}</head>"
        f"<body><article><h1>{html.escape(lines[0])}</h1>\n{paragraphs}</article></body></html>"
    )


TIERS = ("unit", "pipeline", "e2e", "quality")


def pytest_collection_modifyitems(config, items):
    """Markers by folder: tests/unit (pure functions), tests/pipeline (Beam graphs, local servers),
    tests/e2e (the CLI into tmp_path), tests/quality (scores on ../shared). `-m unit` is the fast loop."""
    for item in items:
        parts = Path(str(item.fspath)).relative_to(REPO / "tests").parts
        if parts[0] in TIERS:
            item.add_marker(getattr(pytest.mark, parts[0]))


# Strict mode: the safety net (transforms/safety.py) re-raises unexpected exceptions, so a bug
# fails its test instead of becoming an error row. Subprocess CLI runs inherit it. Tests of the
# net itself turn it off for their own runs.
os.environ.setdefault("DEALSTREAM_STRICT", "1")
