"""One atomic write and one exact listing of a run's files (pipeline/output/atomic.py, committed.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.output.atomic import TEMP_DIR, remove_temporaries, write_atomically
from pipeline.output.committed import read_rows, run_files, stream_files, table_files

REPO = Path(__file__).resolve().parents[2]


def test_write_lands_whole_and_the_temporary_lives_outside_every_table(tmp_path: Path) -> None:
    out = tmp_path / "out"
    target = out / "articles" / "published_date=2024-01-01" / "part-r-00000.parquet"
    write_atomically(str(target), b"first", str(out))
    write_atomically(str(target), b"second", str(out))  # replaces in one step
    assert target.read_bytes() == b"second"
    assert [p.name for p in target.parent.iterdir()] == [target.name]
    assert (out / TEMP_DIR).is_dir() and not list((out / TEMP_DIR).iterdir())
    (out / TEMP_DIR / "left-by-a-killed-writer.tmp").write_bytes(b"x")
    assert remove_temporaries(str(out)) == 1


def test_no_module_commits_files_by_its_own_rename() -> None:
    """Every writer goes through atomic.py: no other module renames a temporary into place."""
    allowed = {
        "pipeline/output/atomic.py",  # the one implementation
        "pipeline/output/compact.py",  # swaps whole partition directories (renameat2), a different mechanism
        "pipeline/stream/seen_store.py",  # moves a damaged store aside (not a commit)
        "pipeline/report/command.py",  # the HTML report goes wherever the user asks, not into DIR
    }
    offenders = []
    for path in sorted((REPO / "pipeline").rglob("*.py")):
        relative = path.relative_to(REPO).as_posix()
        text = path.read_text(encoding="utf-8")
        if relative not in allowed and re.search(r"os\.replace\(|os\.rename\(|FileSystems\.rename\(", text):
            offenders.append(relative)
    assert offenders == []


def _parquet(path: Path, doc_ids: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table({"doc_id": doc_ids}), path)


def test_a_run_is_matched_by_its_whole_name_not_a_prefix(tmp_path: Path) -> None:
    out = tmp_path / "out[1]"  # glob characters in DIR are listed, not globbed
    _parquet(out / "articles" / "published_date=2024-01-01" / "part-nightly-00000.parquet", ["a"])
    _parquet(out / "articles" / "published_date=2024-01-01" / "part-nightly-2-00000.parquet", ["b"])
    _parquet(out / "skips" / "run_date=2024-01-01" / "part-nightly-2-00003.parquet", ["c"])
    _parquet(out / "articles" / "published_date=2024-01-02" / "part-s1-c00001-00000.parquet", ["d"])
    _parquet(out / "_tmp" / "x" / "part-nightly-00001.parquet", ["hidden"])
    assert run_files(str(out), "nightly") == ["articles/published_date=2024-01-01/part-nightly-00000.parquet"]
    assert len(run_files(str(out), "nightly-2")) == 2
    assert run_files(str(out), "s1") == []
    assert stream_files(str(out), "s1") == ["articles/published_date=2024-01-02/part-s1-c00001-00000.parquet"]
    assert len(table_files(str(out))) == 4
    rows = read_rows(str(out), run_files(str(out), "nightly-2"), "articles", ["doc_id"])
    assert rows == [{"doc_id": "b"}]
