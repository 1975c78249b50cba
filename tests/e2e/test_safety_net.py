"""The safety net: one bad element is one error row, the run goes on, every input is accounted for.

Faults are injected through the documented hook (DEALSTREAM_FAULT_INJECT, transforms/safety.py)
at each stage of the real graph; the hostile inputs under tests/fixtures/hostile/ trigger real
failures and run in strict mode, so each must be an expected outcome, not the net's.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from pipeline.cli import main
from tests.conftest import SEED
from tests.outputs import manifests, read_rows

HOSTILE = Path(__file__).parents[1] / "fixtures" / "hostile"
STORY = "{co} said on Monday it would invest ${n} million in a new factory in Ghana over three years."
STAGES = {"read": "INJECT-read", "extract": "INJECT-extract", "classify": "INJECT-classify", "deals": "INJECT-deals"}


def write_story(path: Path, n: int) -> None:
    path.write_text(f"Company {n} to build plant\n\n" + STORY.format(co=f"Company{n} Ltd", n=n), encoding="utf-8")


def name(source: str) -> str:
    return source.rsplit("/", 1)[-1]


def test_a_fault_at_each_stage_is_one_error_row_and_the_run_goes_on(tmp_path, monkeypatch):
    monkeypatch.setenv("DEALSTREAM_STRICT", "0")
    monkeypatch.setenv("DEALSTREAM_FAULT_INJECT", ",".join(f"{s}:{m}" for s, m in STAGES.items()))
    inputs = tmp_path / "in"
    inputs.mkdir()
    for n in range(6):
        write_story(inputs / f"good-{n}.txt", n)
    for n, marker in enumerate(STAGES.values(), start=10):
        write_story(inputs / f"{marker}.txt", n)
    out = tmp_path / "out"
    assert main(["run", "--input", str(inputs / "*"), "--output", str(out), "--max-error-rate", "1"]) == 0

    errors = read_rows(out, "errors")
    assert sorted((name(r["source"]), r["stage"], r["error_type"]) for r in errors) == sorted(
        (f"{marker}.txt", stage, "unexpected:InjectedFault") for stage, marker in STAGES.items()
    )
    assert all(r["message"].startswith("InjectedFault") and len(r["message"]) <= 500 for r in errors)
    assert sorted(name(r["source"]) for r in read_rows(out, "articles")) == [f"good-{n}.txt" for n in range(6)]
    [manifest] = manifests(out)
    assert manifest["outcomes"]["unexpected_errors"] == len(STAGES)
    assert manifest["reconciled"] is True


def test_strict_mode_turns_an_unexpected_error_into_a_failed_run(tmp_path, monkeypatch):
    monkeypatch.setenv("DEALSTREAM_STRICT", "1")
    monkeypatch.setenv("DEALSTREAM_FAULT_INJECT", "extract:INJECT-extract")
    inputs = tmp_path / "in"
    inputs.mkdir()
    write_story(inputs / "INJECT-extract.txt", 1)
    with pytest.raises(Exception, match="InjectedFault|fault injected"):
        main(["run", "--input", str(inputs / "*"), "--output", str(tmp_path / "out"), "--max-error-rate", "1"])


# Hostile seed files and the outcome each must have: "article" (as many as its lines say) or an
# error type per line. A regression found by `make fuzz` is one more file and one more line here.
EXPECTED = {
    "charset-hex.html": {None: "article"},
    "charset-rot13.html": {None: "article"},
    "charset-base64.html": {None: "article"},
    "charset-zlib.html": {None: "article"},
    "nested-arrays.jsonl": {1: "article", 2: "malformed_json"},
    "lone-surrogate.jsonl": {1: "article"},
    "bom-first-line.jsonl": {1: "article"},
    "extreme-dates.jsonl": {i: "article" for i in range(1, 6)},
    "back\\slash.txt": {None: "article"},
    "empty-objects.jsonl.gz": {**{i: "missing_content" for i in range(1, 1001)}, 1001: "amplification_limit"},
    "empty-objects.jsonl": {**{i: "missing_content" for i in range(1, 1001)}, 1001: "amplification_limit"},
    "newlines.jsonl.gz": {None: "amplification_limit"},
}


def test_hostile_seed_files_each_end_as_their_expected_rows(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    for name_ in EXPECTED:  # the seed-file cases (hostile/ also holds other kinds' folders)
        shutil.copy(HOSTILE / name_, inputs / name_)
    shutil.copy(SEED, inputs / "good.txt")
    out = tmp_path / "out"
    assert main(["run", "--input", str(inputs / "*"), "--output", str(out), "--max-error-rate", "1"]) == 0

    outcomes: dict[str, dict] = {}
    for row in read_rows(out, "errors"):
        line = row["line_number"]
        if name(row["source"]) == "newlines.jsonl.gz":
            line = None  # blank lines are not inputs; the row names where reading stopped
        outcomes.setdefault(name(row["source"]), {})[line] = row["error_type"]
    lines = {"https://hostile.test/nested-ok": 1, "https://hostile.test/surrogate": 1, "https://hostile.test/bom": 1}
    lines |= {f"https://hostile.test/date{i}": i + 1 for i in range(5)}
    for row in read_rows(out, "articles"):
        outcomes.setdefault(name(row["source"]), {})[lines.get(row["url"])] = "article"
    assert outcomes == {**EXPECTED, "good.txt": {None: "article"}}
    [manifest] = manifests(out)
    assert manifest["reconciled"] is True
    assert manifest["outcomes"]["unexpected_errors"] == 0


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file; the unreadable case needs a normal user")
def test_an_unreadable_file_is_an_error_row(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    secret = inputs / "secret.txt"
    write_story(secret, 1)
    secret.chmod(0)
    out = tmp_path / "out"
    assert main(["run", "--input", str(inputs / "*"), "--output", str(out), "--max-error-rate", "1"]) == 0
    assert [(name(r["source"]), r["error_type"]) for r in read_rows(out, "errors")] == [("secret.txt", "unreadable")]


def test_every_glob_match_is_listed_and_given_a_row(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    write_story(inputs / "good.txt", 1)
    (inputs / "dangling.txt").symlink_to(tmp_path / "missing.txt")
    (inputs / "loop-a.txt").symlink_to(inputs / "loop-b.txt")
    (inputs / "loop-b.txt").symlink_to(inputs / "loop-a.txt")
    os.mkfifo(inputs / "fifo.txt")  # opening it would block forever
    (inputs / "device.txt").symlink_to("/dev/zero")  # reading it would never end
    (inputs / "folder.txt").mkdir()
    out = tmp_path / "out"
    assert main(["run", "--input", str(inputs / "*"), "--output", str(out), "--max-error-rate", "1"]) == 0
    errors = sorted((name(r["source"]), r["error_type"]) for r in read_rows(out, "errors"))
    assert errors == [
        ("dangling.txt", "broken_link"),
        ("device.txt", "not_a_regular_file"),
        ("fifo.txt", "not_a_regular_file"),
        ("folder.txt", "directory"),
        ("loop-a.txt", "link_loop"),
        ("loop-b.txt", "link_loop"),
    ]
    [manifest] = manifests(out)
    assert manifest["inputs"]["read"] == 7
    assert manifest["reconciled"] is True
