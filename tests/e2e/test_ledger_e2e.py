"""The ledger through the real CLI: incremental runs, idempotent re-runs, rebuild equals incremental."""

from __future__ import annotations

import duckdb

from pipeline.cli import main

STORY_A = """Zentrix Corp agrees to buy Mellow Foods for $2 billion

NEW YORK - Zentrix Corp said on Monday it agreed to acquire Mellow Foods Inc for $2 billion in cash,
its largest acquisition. Zentrix will pay $40 a share for Mellow Foods, the companies said.
The deal is expected to close next year.
"""
STORY_B = """Zentrix to acquire Mellow Foods in $2.1 billion deal

Zentrix has agreed to acquire Mellow Foods in a deal worth $2.1 billion including debt, the
buyer said. Zentrix Corp expects the acquisition of Mellow Foods to add to earnings.
"""
OTHER = """Quorvan buys Brinell Steel for $500 million

Quorvan Group said it will acquire Brinell Steel for $500 million, expanding in steel.
"""


def _deals(out) -> list[tuple]:
    return duckdb.sql(
        f"SELECT deal_id, investor_key, target_key, list_sort(doc_ids), n_articles, status "
        f"FROM '{out}/deals/deals.parquet' ORDER BY deal_id"
    ).fetchall()


def test_incremental_idempotent_and_rebuild(tmp_path, capsys):
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "a.txt").write_text(STORY_A)
    (inputs / "c.txt").write_text(OTHER)
    (tmp_path / "b.txt").write_text(STORY_B)
    out = tmp_path / "out"
    assert main(["run", "--input", str(inputs / "*.txt"), "--output", str(out), "--quiet"]) == 0
    first = _deals(out)
    assert len(first) == 2, first
    assert main(["run", "--input", str(tmp_path / "b.txt"), "--output", str(out), "--quiet"]) == 0
    assert "0 new deal(s), 1 article(s) merged into known deals" in capsys.readouterr().out
    second = _deals(out)
    assert [d[0] for d in second] == [d[0] for d in first], "deal ids never change"
    assert sorted(d[4] for d in second) == [1, 2]
    snapshot = (out / "deals" / "deals.parquet").read_bytes()
    assert main(["run", "--input", str(tmp_path / "b.txt"), "--output", str(out), "--quiet"]) == 0
    assert (out / "deals" / "deals.parquet").read_bytes() == snapshot, "a re-run changes nothing"
    assert main(["deals", "rebuild", str(out)]) == 0
    assert _deals(out) == second, "rebuild gives the same deals as the incremental path"


def test_a_missed_update_is_caught_up_by_the_next(tmp_path):
    """Killed between the run's commit and the ledger update: the next update adds what was missing."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "a.txt").write_text(STORY_A)
    out = tmp_path / "out"
    assert main(["run", "--input", str(inputs / "*.txt"), "--output", str(out), "--quiet"]) == 0
    (out / "deals" / "deals.parquet").unlink()  # as if the update never ran
    (tmp_path / "b.txt").write_text(STORY_B)
    assert main(["run", "--input", str(tmp_path / "b.txt"), "--output", str(out), "--quiet"]) == 0
    deals = _deals(out)
    assert len(deals) == 1 and deals[0][4] == 2
