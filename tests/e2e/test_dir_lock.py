"""One writer per DIR: held locks refuse, dead holders' locks are taken over, races have one winner."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.output.lock import DirLock, DirLocked, lock_path

REPO = Path(__file__).resolve().parents[2]

HOLDER = """
import sys, time
from pathlib import Path
from pipeline.output.lock import DirLock, DirLocked
out, go, done = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
while not go.exists():
    time.sleep(0.005)
try:
    lock = DirLock(out, "test")
    lock.acquire()
except DirLocked:
    print("lost", flush=True)
    sys.exit(0)
print("won", flush=True)
while not done.exists():
    time.sleep(0.01)
lock.release()
"""


def spawn_holder(out: Path, go: Path, done: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(out), str(go), str(done)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )


def test_a_held_lock_refuses_a_second_writer_with_who_holds_it(tmp_path):
    go, done = tmp_path / "go", tmp_path / "done"
    go.touch()
    holder = spawn_holder(tmp_path, go, done)
    assert holder.stdout.readline().strip() == "won"
    try:
        with pytest.raises(DirLocked) as err:
            DirLock(str(tmp_path), "run").acquire()
        assert err.value.holder.pid == holder.pid
        message = str(err.value)
        assert f"pid {holder.pid}" in message and "'dealstream test'" in message and "since" in message
    finally:
        done.touch()
        holder.wait(timeout=10)
    assert not lock_path(str(tmp_path)).exists()  # released and removed
    with DirLock(str(tmp_path), "stream", "S1") as again:
        assert again.previous is None
        record = json.loads(lock_path(str(tmp_path)).read_text())
        assert record["pid"] == os.getpid() and record["command"] == "stream" and record["run_id"] == "S1"


def _other_process_tries(out: Path) -> str:
    go, done = out / "go", out / "done"
    go.touch()
    done.touch()  # a winner releases at once
    stdout, _ = spawn_holder(out, go, done).communicate(timeout=30)
    return stdout.strip()


def test_nested_lock_in_the_same_process_does_not_lock_itself_out(tmp_path):
    with DirLock(str(tmp_path), "stream"):
        with DirLock(str(tmp_path), "compact") as inner:
            assert inner.held
        assert _other_process_tries(tmp_path) == "lost"  # the outer lock is still held
    assert _other_process_tries(tmp_path) == "won"


def test_lock_of_a_killed_process_is_detected_and_taken_over(tmp_path, caplog):
    go, done = tmp_path / "go", tmp_path / "done"
    go.touch()
    proc = spawn_holder(tmp_path, go, done)
    assert proc.stdout.readline().strip() == "won"
    with pytest.raises(DirLocked):  # alive: refused
        DirLock(str(tmp_path), "run").acquire()
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    assert lock_path(str(tmp_path)).exists()  # the dead holder's record is still there
    lock = DirLock(str(tmp_path), "run")
    with caplog.at_level("WARNING", logger="pipeline.output.lock"):
        previous = lock.acquire()
    try:
        assert previous is not None and previous.pid == proc.pid and previous.command == "test"
        assert "that process is gone" in caplog.text and str(proc.pid) in caplog.text
        assert json.loads(lock_path(str(tmp_path)).read_text())["pid"] == os.getpid()
    finally:
        lock.release()


def test_racing_writers_exactly_one_wins(tmp_path):
    go, done = tmp_path / "go", tmp_path / "done"
    procs = [spawn_holder(tmp_path, go, done) for _ in range(4)]
    time.sleep(0.3)  # let them all start and wait for the go
    go.touch()
    results = []
    for proc in procs:
        line = proc.stdout.readline().strip()
        results.append(line)
        if line == "lost":
            proc.wait(timeout=10)
    assert sorted(results) == ["lost", "lost", "lost", "won"]
    done.touch()
    for proc in procs:
        proc.wait(timeout=10)


def test_dealstream_run_refuses_a_locked_dir(tmp_path, capsys):
    seed = REPO / "seeds" / "000_ffccc2825a3c1863.txt"
    out = tmp_path / "out"
    out.mkdir()
    go, done = tmp_path / "go", tmp_path / "done"
    go.touch()
    holder = spawn_holder(out, go, done)
    assert holder.stdout.readline().strip() == "won"
    try:
        code = main(["run", "--input", str(seed), "--output", str(out)])
    finally:
        done.touch()
        holder.wait(timeout=10)
    assert code == 1
    err = capsys.readouterr().err
    assert "in use by 'dealstream test'" in err and f"pid {holder.pid}" in err
    assert not (out / "articles").exists()  # nothing was written
