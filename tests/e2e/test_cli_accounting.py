"""Every input is accounted for; bad input becomes an error row; re-runs do not duplicate."""

from __future__ import annotations

import json
import shutil

import pytest

from pipeline.cli import main
from pipeline.config import DEFAULT_MAX_DOC_BYTES
from tests.conftest import SEED
from tests.outputs import manifests, read_rows

STORY = "{co} said on {day} it would invest ${n} million in a new factory in Ghana over three years."


def write_story(path, n: int) -> None:
    path.write_text(f"Company {n} to build plant\n\n" + STORY.format(co=f"Company{n} Ltd", day="Monday", n=n), encoding="utf-8")


def test_bad_inputs_become_error_rows_and_the_run_continues(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(SEED, inputs / "good.txt")
    (inputs / "binary.html").write_bytes(bytes(range(256)) * 40)
    (inputs / "bad-utf8.txt").write_bytes("Headline\n\nCaf\xe9 story".encode("latin-1"))
    (inputs / "empty.txt").write_bytes(b"")
    big = inputs / "huge.html"
    with big.open("wb") as handle:  # 20 MB of valid HTML
        handle.write(b"<html><body>")
        for _ in range(20 * 1024):
            handle.write(b"<p>" + b"word " * 204 + b"</p>\n")
        handle.write(b"</body></html>")
    assert big.stat().st_size > DEFAULT_MAX_DOC_BYTES
    (inputs / "mixed.jsonl").write_text(
        json.dumps({"url": "https://example.com/a", "text": "Firm A to invest $5m in Kenya plant."}) + "\n"
        + "{this is not json\n"
        + json.dumps({"url": "https://example.com/b", "html": "<html><body><p>Some page text about markets today.</p><p>More of it here, enough words.</p></body></html>"}) + "\n",
        encoding="utf-8",
    )
    (inputs / "notes.csv").write_text("a,b\n", encoding="utf-8")
    out = tmp_path / "out"
    code = main(["run", "--input", str(inputs / "*"), "--output", str(out), "--max-error-rate", "1"])
    assert code == 0

    errors = {(r["source"].rsplit("/", 1)[-1], r["line_number"]): r for r in read_rows(out, "errors")}
    assert errors[("binary.html", None)]["error_type"] == "binary_content"
    assert errors[("bad-utf8.txt", None)]["error_type"] == "invalid_utf8"
    assert errors[("empty.txt", None)]["error_type"] == "empty"
    assert errors[("huge.html", None)]["error_type"] == "too_large"
    assert errors[("mixed.jsonl", 2)]["error_type"] == "malformed_json"
    assert errors[("notes.csv", None)]["error_type"] == "unsupported_format"
    assert all(r["message"] and r["stage"] for r in errors.values())

    articles = read_rows(out, "articles")
    assert sorted(r["source"].rsplit("/", 1)[-1] for r in articles) == ["good.txt", "mixed.jsonl", "mixed.jsonl"]

    # Every input (file, or .jsonl line) maps to exactly one outcome, and the manifest agrees.
    expected_inputs = {("good.txt", None), ("binary.html", None), ("bad-utf8.txt", None), ("empty.txt", None),
                       ("huge.html", None), ("notes.csv", None), ("mixed.jsonl", 1), ("mixed.jsonl", 2),
                       ("mixed.jsonl", 3)}
    jsonl_lines = {r["url"]: i for i, r in ((1, {"url": "https://example.com/a"}), (3, {"url": "https://example.com/b"}))}
    outcomes = set(errors) | {
        (r["source"].rsplit("/", 1)[-1], jsonl_lines.get(r["url"])) for r in articles
    }
    assert outcomes == expected_inputs
    [manifest] = manifests(out)
    assert manifest["inputs"]["read"] == len(expected_inputs)
    assert manifest["reconciled"] is True


def test_run_a_then_b_then_a_keeps_one_row_per_doc(tmp_path):
    a, b, out = tmp_path / "a", tmp_path / "b", tmp_path / "out"
    a.mkdir(), b.mkdir()
    shutil.copy(SEED, a / "seed.txt")
    write_story(a / "one.txt", 1)
    write_story(b / "two.txt", 2)
    assert main(["run", "--input", str(a / "*"), "--output", str(out), "--run-id", "run-a1"]) == 0
    first = {r["doc_id"]: r["ingested_at"] for r in read_rows(out, "articles")}
    assert main(["run", "--input", str(b / "*"), "--output", str(out), "--run-id", "run-b"]) == 0
    assert main(["run", "--input", str(a / "*"), "--output", str(out), "--run-id", "run-a2"]) == 0

    articles = read_rows(out, "articles")
    doc_ids = [r["doc_id"] for r in articles]
    assert len(doc_ids) == len(set(doc_ids)) == 3
    assert {r["run_id"] for r in articles} == {"run-a1", "run-b"}  # B's rows survive
    assert all(r["ingested_at"] == first[r["doc_id"]] for r in articles if r["doc_id"] in first)
    investments = read_rows(out, "investments")
    assert len({(r["doc_id"], r["deal_index"]) for r in investments}) == len(investments)
    skips = [r for r in read_rows(out, "skips") if r["run_id"] == "run-a2"]
    assert sorted(r["reason"] for r in skips) == ["duplicate", "duplicate"]
    third = [m for m in manifests(out) if m["run_id"] == "run-a2"][0]
    assert third["exit_code"] == 0 and third["reconciled"] and third["outcomes"]["skipped"] == 2


def test_duplicate_inputs_within_one_run_are_written_once(tmp_path):
    inputs, out = tmp_path / "in", tmp_path / "out"
    inputs.mkdir()
    shutil.copy(SEED, inputs / "a.txt")
    shutil.copy(SEED, inputs / "b.txt")
    assert main(["run", "--input", str(inputs / "*"), "--output", str(out)]) == 0
    assert len(read_rows(out, "articles")) == 1
    assert [r["reason"] for r in read_rows(out, "skips")] == ["duplicate_in_run"]
    assert manifests(out)[0]["reconciled"] is True


def test_thousands_of_jsonl_lines(tmp_path):
    lines = [
        json.dumps({"url": f"https://news.example.com/story/{i}", "title": f"Story {i}",
                    "text": f"Firm{i} reported quarterly sales of {i} units, up from a year earlier.",
                    "published": f"2024-03-0{1 + i % 9}T10:00:00Z"})
        for i in range(3000)
    ]
    source = tmp_path / "many.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["run", "--input", str(source), "--output", str(out)]) == 0
    articles = read_rows(out, "articles")
    assert len(articles) == 3000 and len({r["doc_id"] for r in articles}) == 3000
    assert {r["published_date"].day for r in articles} == set(range(1, 10))
    [manifest] = manifests(out)
    assert manifest["inputs"]["read"] == 3000 and manifest["reconciled"]


def test_dead_run_exits_non_zero(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "a.txt").write_bytes(b"")
    (inputs / "b.html").write_bytes(b"\x00\x01" * 100)
    assert main(["run", "--input", str(inputs / "*"), "--output", str(tmp_path / "out"), "--max-error-rate", "1"]) == 1
    assert manifests(tmp_path / "out")[0]["status"].startswith("dead")


def test_error_rate_above_threshold_exits_non_zero(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(SEED, inputs / "good.txt")
    for i in range(3):
        (inputs / f"bad{i}.txt").write_bytes(b"")
    assert main(["run", "--input", str(inputs / "*"), "--output", str(tmp_path / "o1"), "--max-error-rate", "0.5"]) == 1
    assert main(["run", "--input", str(inputs / "*"), "--output", str(tmp_path / "o2"), "--max-error-rate", "0.8"]) == 0


@pytest.mark.parametrize(
    "argv,needle",
    [
        (["--input", "/nonexistent/*.txt", "--output", "OUT"], "--input"),
        (["--input", "seeds/*", "--output", "OUT", "--max-doc-bytes", "-5"], "--max-doc-bytes"),
        (["--input", "seeds/*", "--output", "OUT", "--max-error-rate", "2"], "--max-error-rate"),
        (["--input", "seeds/*", "--output", "OUT", "--config", "/nonexistent.yaml"], "--config"),
        (["--input", "seeds/*"], "--output"),
    ],
)
def test_usage_errors_exit_2_naming_the_flag(argv, needle, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(SEED.parents[1])
    argv = [a.replace("OUT", str(tmp_path / "out")) for a in argv]
    with pytest.raises(SystemExit) as exc:
        code = main(["run", *argv])
        raise SystemExit(code)
    assert exc.value.code == 2
    assert needle in capsys.readouterr().err
    assert not (tmp_path / "out" / "_runs").exists()


def test_config_file_supplies_options_and_rejects_unknown_keys(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(SEED.parents[1])
    bad = tmp_path / "bad.yaml"
    bad.write_text("max_doc_bytez: 5\n")
    assert main(["run", "--input", "seeds/*", "--output", str(tmp_path / "o"), "--config", str(bad)]) == 2
    assert "max_doc_bytez" in capsys.readouterr().err
    good = tmp_path / "good.yaml"
    good.write_text(f"input: seeds/*\noutput: {tmp_path / 'o2'}\nrun_id: from-config\n")
    assert main(["run", "--config", str(good)]) == 0
    assert manifests(tmp_path / "o2")[0]["run_id"] == "from-config"
