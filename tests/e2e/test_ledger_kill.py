"""SIGKILL a real `dealstream run` inside its ledger update (after the run committed its rows, while
the snapshot is being rewritten), run it again, and compare with an uninterrupted run."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from pipeline.cli import main
from tests.e2e.test_ledger_e2e import OTHER, STORY_A, STORY_B

REPO = Path(__file__).resolve().parents[2]
# The child pauses at the ledger's one atomic write (after it wrote a marker), so the kill lands there.
DRIVER = """
import sys, time
from pathlib import Path
import pipeline.output.atomic as atomic
import pipeline.ledger.store as store
real = atomic.write_atomically
def paused(path, data, output, *a, **k):
    if path.endswith("deals.parquet"):
        Path(sys.argv[1]).write_text("in ledger update")
        time.sleep(120)
    return real(path, data, output, *a, **k)
store.write_atomically = paused
from pipeline.cli import main
sys.exit(main(sys.argv[2:]))
"""


def _deals(out: Path) -> list[tuple]:
    return duckdb.sql(
        f"SELECT deal_id, investor_key, target_key, list_sort(doc_ids), n_articles, status, amount_usd "
        f"FROM '{out}/deals/deals.parquet' ORDER BY deal_id"
    ).fetchall()


def _run(inputs: str, out: Path) -> None:
    assert main(["run", "--input", inputs, "--output", str(out), "--quiet"]) == 0


def test_kill_inside_ledger_update_then_rerun_equals_uninterrupted(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    (first / "a.txt").write_text(STORY_A)
    (first / "c.txt").write_text(OTHER)
    (second / "b.txt").write_text(STORY_B)
    killed, clean = tmp_path / "killed", tmp_path / "clean"
    for out in (killed, clean):
        _run(str(first / "*.txt"), out)
    before = (killed / "deals" / "deals.parquet").read_bytes()

    marker = tmp_path / "marker"
    argv = ["run", "--input", str(second / "*.txt"), "--output", str(killed), "--quiet"]
    proc = subprocess.Popen([sys.executable, "-c", DRIVER, str(marker), *argv], cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while not marker.exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert marker.exists(), "the child never reached the ledger update"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    assert (killed / "deals" / "deals.parquet").read_bytes() == before, "a killed update leaves the old snapshot"

    _run(str(second / "*.txt"), killed)  # the re-run after the kill
    _run(str(second / "*.txt"), clean)
    assert _deals(killed) == _deals(clean)
    assert max(d[4] for d in _deals(killed)) == 2, "the re-run merged the missing article"
