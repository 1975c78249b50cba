"""A fixed-seed slice of `make fuzz` (tools/fuzz.py): hostile inputs of every class plus the
hand-made seeds, mixed with good ones, through the real CLI in one batch."""

from __future__ import annotations

from tools.fuzz import jsonl_inputs, judge, main, run_batch


def test_a_fixed_seed_slice_of_the_campaign_holds(capsys):
    assert main(["--inputs", "20", "--batch", "100", "--good", "3", "--seed", "7"]) == 0
    report = capsys.readouterr().out
    assert "hand-made seeds" in report and " ok" in report
    assert "lost" in report  # the table was printed


def test_the_checker_counts_a_jsonl_with_a_bom_as_the_reader_does(tmp_path):
    """A BOM-only first line is an input (the reader gives it a row); lstrip(BOM) used to hide it
    and strip a following 0xEF/0xBB/0xBF byte, so the checker called the file lost."""
    story = '{"url": "https://fuzz.test/%d", "text": "A plant will be built in Ghana by a maker."}'
    files = [
        ("bom", ".jsonl", b"\xef\xbb\xbf\n" + (story % 1).encode() + b"\n"),
        ("bom", ".jsonl", b"\xef\xbb\xbf\xbb" + (story % 2).encode() + b"\n\n"),
        ("bom", ".jsonl", b"\xef\xbb\xbf" + (story % 3).encode()),
    ]
    assert [jsonl_inputs(data) for _, _, data in files] == [2, 1, 1]
    result = run_batch(files, tmp_path / "work", "Good story text about a plant.", 1)
    assert result["code"] == 0
    assert set(judge(result, result["good_text"]).values()) == {"held"}
