"""The rules must generalise, not memorise: no labelled party's name may appear in shipped rules or data.

Checks every investor and target name of the dev labels (both the tune and the check split) and the
seed story's parties against the rule modules and lexicons that ship in ``transforms/``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from transforms.entities.orgs import normalise_name

REPO = Path(__file__).resolve().parents[2]
LABELS = REPO.parent / "shared" / "corpus" / "investment-news" / "dev-labels.jsonl"
SEED_PARTIES = ["Whale Cloud", "Alibaba", "Ali Baba", "ZTE", "Ben Zhou", "Khalid Maqbool Siddiqui"]
RULE_FILES = sorted(
    p
    for p in (REPO / "transforms").rglob("*")
    if p.is_file() and p.suffix in {".py", ".json", ".csv", ".yaml", ".txt"} and "__pycache__" not in p.parts
)


def _shipped_text() -> str:
    return "\n".join(p.read_text("utf-8", errors="replace") for p in RULE_FILES).lower()


def _label_names() -> list[str]:
    names: set[str] = set()
    for line in LABELS.read_text("utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            for key in ("investor", "target"):
                if row.get(key):
                    names.add(row[key])
    return sorted(names)


def _appears(name: str, corpus: str) -> bool:
    """The normalised name as whole words; a one-word stem left by suffix removal ("News" of
    "News Corporation") is too common a word, so the name is then looked for as written."""
    norm = normalise_name(name)
    full = " ".join(re.sub(r"[^\w\s&]", " ", re.sub(r"\([^)]*\)", " ", name)).lower().split())
    if " " not in norm and full != norm:
        norm = full
    if len(norm) < 3:
        return False
    return re.search(r"(?<![a-z0-9])" + re.escape(norm) + r"(?![a-z0-9])", corpus) is not None


def test_seed_parties_are_not_named_in_rules():
    corpus = _shipped_text()
    assert RULE_FILES, "no rule files found"
    leaked = [n for n in SEED_PARTIES if _appears(n, corpus)]
    assert leaked == []


def test_no_dev_label_name_in_rules():
    if not LABELS.exists():
        pytest.skip(f"dev labels absent ({LABELS}); they live in ../shared, outside the repo")
    corpus = _shipped_text()
    names = _label_names()
    assert len(names) > 50
    leaked = [n for n in names if _appears(n, corpus)]
    assert leaked == [], f"label names found in shipped rules/lexicons: {leaked}"


def test_the_check_can_fail():
    assert _appears("Whale Cloud Ltd", "... whale cloud ...")
    assert not _appears("Whale Cloud", "whale clouds")
