"""The rules must generalise, not memorise: no labelled party's name may appear in shipped rules or data.

Checks every investor and target name of the dev and train labels and the seed story's parties
against the rule modules, lexicons and model files that ship in ``transforms/``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from transforms.entities.orgs import normalise_name

REPO = Path(__file__).resolve().parents[2]
LABELS = REPO.parent / "shared" / "corpus" / "investment-news" / "dev-labels.jsonl"
TRAIN_LABELS = REPO.parent / "shared" / "corpus" / "investment-news" / "train" / "labels.jsonl"
SEED_PARTIES = ["Whale Cloud", "Alibaba", "Ali Baba", "ZTE", "Ben Zhou", "Khalid Maqbool Siddiqui"]
RULE_FILES = sorted(
    p
    for p in (REPO / "transforms").rglob("*")
    if p.is_file() and p.suffix in {".py", ".json", ".csv", ".yaml", ".txt"} and "__pycache__" not in p.parts
)


def _shipped_text(lower: bool = True) -> str:
    text = "\n".join(p.read_text("utf-8", errors="replace") for p in RULE_FILES)
    return text.lower() if lower else text


def _label_names(path: Path = LABELS) -> list[str]:
    names: set[str] = set()
    for line in path.read_text("utf-8").splitlines():
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


def test_no_train_label_name_in_rules():
    """Train labels too. A one-word name that is also an English word ("Keep", "Clip", "Zip": app and
    company names in train) is looked for capitalised, as the name is written, so that "keep" in
    code or "zip" in a file name does not count but the name as a rule or lexicon entry would."""
    if not TRAIN_LABELS.exists():
        pytest.skip(f"train labels absent ({TRAIN_LABELS}); they live in ../shared, outside the repo")
    lower, cased = _shipped_text(), _shipped_text(lower=False)
    names = _label_names(TRAIN_LABELS)
    assert len(names) > 200
    leaked = []
    for n in names:
        if " " not in n.strip():
            if re.search(r"(?<![A-Za-z0-9_])" + re.escape(n.strip()) + r"(?![A-Za-z0-9_])", cased):
                leaked.append(n)
        elif _appears(n, lower):
            leaked.append(n)
    assert leaked == [], f"train label names found in shipped rules/lexicons/models: {leaked}"
