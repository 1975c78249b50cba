"""Live progress: a real run under a pseudo-terminal shows updates before it ends; logs when not a TTY."""

from __future__ import annotations

import json
import logging
import os
import pty
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.common import progress
from tests.outputs import read_rows
from tests.report_inputs import FIXTURE

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
LINE = re.compile(r"(\d+)/(\d+) inputs, (\d+) articles, (\d+) errors, ([\d.]+) docs/s")


def many_stories(path: Path, copies: int) -> int:
    """The report fixtures' stories, each under many URLs (distinct docs), one per .jsonl line."""
    stories = [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines()[:4]]
    with path.open("w", encoding="utf-8") as handle:
        for n in range(copies):
            for story in stories:
                handle.write(json.dumps({**story, "url": f"{story['url']}/{n}"}) + "\n")
    return copies * len(stories)


def run_under_pty(argv: list[str]) -> tuple[int, str]:
    """Run the CLI with stderr and stdout on a pseudo-terminal; everything it printed, in order."""
    leader, follower = pty.openpty()
    env = {**os.environ, "COLUMNS": "160", "TERM": "xterm"}
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", *argv], stdin=subprocess.DEVNULL,
                            stdout=follower, stderr=follower, env=env)
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(leader)
    return proc.wait(timeout=120), b"".join(chunks).decode("utf-8", "replace")


@pytest.fixture(scope="module")
def pty_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("progress")
    total = many_stories(base / "many.jsonl", 100)
    out = base / "out"
    code, printed = run_under_pty(["run", "--input", str(base / "many.jsonl"), "--output", str(out),
                                   "--direct_num_workers=2", "--direct_running_mode=multi_processing"])
    assert code == 0, printed[-3000:]
    return base, out, total, printed


def test_pty_run_shows_updates_before_the_end_with_two_worker_processes(pty_run):
    _, out, total, printed = pty_run
    text = ANSI.sub("", printed).replace("\r", "\n")
    updates = [tuple(int(g) for g in m.groups()[:4]) for m in LINE.finditer(text)]
    assert updates and all(t == total for _, t, _, _ in updates), text[-2000:]
    intermediate = [u for u in updates if 0 < u[0] < total]
    assert intermediate, f"no update between start and end: {sorted(set(updates))}"
    assert updates[-1][0] == total  # the last line has the run's exact counts
    assert text.index("Inputs read:") > text.index(f"{intermediate[0][0]}/{total} inputs")
    assert not (out / "_tmp" / "progress").exists()


def test_progress_changes_nothing_in_the_output(pty_run, tmp_path):
    base, out, _, _ = pty_run
    quiet = tmp_path / "quiet"
    assert main(["run", "--input", str(base / "many.jsonl"), "--output", str(quiet), "--quiet"]) == 0

    def rows(directory: Path, table: str) -> list[tuple]:
        skip = {"run_id", "ingested_at"}
        return sorted(tuple((k, v) for k, v in r.items() if k not in skip) for r in read_rows(directory, table))

    for table in ("articles", "investments"):
        assert rows(out, table) == rows(quiet, table)


def test_counts_from_every_process_file_and_a_log_line_when_not_a_tty(tmp_path, monkeypatch, caplog):
    run_dir = tmp_path / "out"
    run_dir.mkdir()
    caplog.set_level(logging.INFO, logger="pipeline.common.progress")
    with progress.watch(str(run_dir), "r1", lambda: 10, enabled=True, log_every=0.2) as watcher:
        directory = Path(os.environ[progress.ENV])
        (directory / "other-worker.json").write_text(json.dumps({"articles": 3, "errors": 1}))
        progress.note("skips", 2)
        progress._TALLY.flush()
        deadline = time.monotonic() + 10
        while not any("6/10 inputs" in r.getMessage() for r in caplog.records) and time.monotonic() < deadline:
            time.sleep(0.05)
    assert watcher is not None and not watcher.interactive  # pytest's stderr is not a terminal
    assert any("progress: 6/10 inputs, 3 articles, 1 errors" in r.getMessage() for r in caplog.records)
    assert progress.ENV not in os.environ and not directory.exists()


def test_note_is_a_no_op_without_a_watch(tmp_path, monkeypatch):
    monkeypatch.delenv(progress.ENV, raising=False)
    progress.note("articles")  # nothing to write to, nothing raised
    with progress.watch(str(tmp_path), "r2", lambda: None, enabled=False) as watcher:
        assert watcher is None and progress.ENV not in os.environ


def test_totals_known_only_for_plain_files(tmp_path):
    (tmp_path / "a.jsonl").write_text('{"text": "x"}\n{"text": "y"}\n{"text": "z"}')
    (tmp_path / "b.html").write_text("<p>x</p>")
    assert progress.count_inputs([str(tmp_path / "a.jsonl"), str(tmp_path / "b.html")]) == 4
    assert progress.count_inputs([str(tmp_path / "a.jsonl.gz")]) is None
    assert progress.describe({"articles": 5, "errors": 1}, 12, 2.0) == \
        "6/12 inputs, 5 articles, 1 errors, 2.0 docs/s, ETA 3 s"
