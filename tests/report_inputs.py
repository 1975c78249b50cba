"""A real run over the report fixtures (dated .jsonl stories, a hostile title, a broken line) plus the seed."""

from __future__ import annotations

import shutil
from pathlib import Path

from pipeline.cli import main
from tests.conftest import REPO, SEED

FIXTURE = REPO / "tests" / "fixtures" / "report" / "articles.jsonl"
HOSTILE_TITLE = "</script><script>alert(1)</script>"


def run_for_report(base: Path) -> Path:
    inputs, out = base / "inputs", base / "out"
    inputs.mkdir()
    shutil.copy(FIXTURE, inputs / "articles.jsonl")
    shutil.copy(SEED, inputs / "seed.txt")
    assert main(["run", "--input", str(inputs / "*"), "--output", str(out), "--quiet"]) == 0
    return out
