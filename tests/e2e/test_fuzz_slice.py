"""A fixed-seed slice of `make fuzz` (tools/fuzz.py): hostile inputs of every class plus the
hand-made seeds, mixed with good ones, through the real CLI in one batch."""

from __future__ import annotations

from tools.fuzz import main


def test_a_fixed_seed_slice_of_the_campaign_holds(capsys):
    assert main(["--inputs", "20", "--batch", "100", "--good", "3", "--seed", "7"]) == 0
    report = capsys.readouterr().out
    assert "hand-made seeds" in report and " ok" in report
    assert "lost" in report  # the table was printed
