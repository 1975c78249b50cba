"""End to end: run the CLI into tmp_path and read the Parquet back with DuckDB."""

from __future__ import annotations

import json
import shutil
from datetime import date

import pytest

from pipeline.cli import main
from tests.conftest import SEED, seed_as_html
from tests.outputs import manifests, read_rows

EVIDENCE_PART = "pledged to invest $70 million in Pakistan"


def run(*argv: str) -> int:
    return main(["run", *argv])


def assert_seed_deal(row: dict) -> None:
    assert row["investor"] == "Whale Cloud"
    assert row["target"] is None
    assert row["target_country"] == "PK"
    assert row["amount"] == 70_000_000.0
    assert row["amount_bound"] == "exact"
    assert row["currency"] == "USD"
    assert (row["horizon_min_years"], row["horizon_max_years"]) == (2, 3)
    assert row["deal_type"] == "fdi_pledge"
    assert EVIDENCE_PART in row["evidence"]
    assert 0.0 <= row["confidence"] <= 1.0


@pytest.fixture(scope="module")
def seed_run(tmp_path_factory, seed_text):
    """One run over the seed as .txt, as minimal HTML, and as HTML with a published meta tag."""
    inputs = tmp_path_factory.mktemp("inputs")
    shutil.copy(SEED, inputs / "seed.txt")
    (inputs / "seed.html").write_text(seed_as_html(seed_text), encoding="utf-8")
    dated = seed_as_html(seed_text, '<meta property="article:published_time" content="2018-12-07">')
    (inputs / "seed-dated.html").write_text(dated, encoding="utf-8")
    out = tmp_path_factory.mktemp("out")
    assert run("--input", str(inputs / "*"), "--output", str(out)) == 0
    return out


def by_file(rows: list[dict]) -> dict[str, dict]:
    return {r["source"].rsplit("/", 1)[-1]: r for r in rows}


def test_seed_gives_exactly_one_investment_per_copy(seed_run):
    investments = read_rows(seed_run, "investments")
    assert sorted(r["source"].rsplit("/", 1)[-1] for r in investments) == ["seed-dated.html", "seed.html", "seed.txt"]
    for row in investments:
        assert_seed_deal(row)
    plain, html_row = by_file(investments)["seed.txt"], by_file(investments)["seed.html"]
    fields = ("investor", "target", "target_country", "amount", "currency", "deal_type", "evidence")
    assert {k: plain[k] for k in fields} == {k: html_row[k] for k in fields}


def test_evidence_offsets_point_into_the_article_text(seed_run):
    articles = {r["doc_id"]: r for r in read_rows(seed_run, "articles")}
    for row in read_rows(seed_run, "investments"):
        text = articles[row["doc_id"]]["text"]
        assert text[row["evidence_start"] : row["evidence_end"]] == row["evidence"]


def test_seed_article_row(seed_run):
    articles = by_file(read_rows(seed_run, "articles"))
    plain = articles["seed.txt"]
    assert plain["is_investment"] is True
    assert plain["published_at"] is None and plain["published_date"] is None
    assert plain["text"].rstrip().endswith("Whale Cloud and Ali Baba Group.")
    assert "Must Read" not in plain["text"]
    assert plain["title"].startswith("Alibaba")
    assert articles["seed.html"]["published_at"] is None
    assert articles["seed-dated.html"]["published_date"] == date(2018, 12, 7)
    assert articles["seed-dated.html"]["published_at_source"] == "meta:article:published_time"


def test_no_row_carries_the_sidebar_story(seed_run):
    for table in ("articles", "investments"):
        for row in read_rows(seed_run, table):
            assert "$300 billion" not in json.dumps(row, default=str)


def test_partition_paths_and_manifest(seed_run):
    assert (seed_run / "articles" / "published_date=__HIVE_DEFAULT_PARTITION__").is_dir()
    assert (seed_run / "investments" / "published_date=2018-12-07").is_dir()
    [manifest] = manifests(seed_run)
    assert manifest["status"] == "succeeded" and manifest["reconciled"] is True
    assert manifest["inputs"]["read"] == 3 and manifest["outcomes"]["articles"] == 3
    assert all((seed_run / f).is_file() for f in manifest["files"])
    assert not list(seed_run.rglob(".tmp-*")), "temporary files left behind"
    assert not list((seed_run / "_tmp").iterdir()), "temporary Parquet files left behind"
    for path in seed_run.rglob("*.parquet"):
        if path.relative_to(seed_run).parts[0] == "deals":
            assert path.name == "deals.parquet"  # the ledger snapshot (docs/ledger.md), one file
            continue
        assert path.name.startswith(f"part-{manifest['run_id']}-")


def test_summary_shows_the_table_counts_and_paths(tmp_path, capsys):
    assert run("--input", str(SEED), "--output", str(tmp_path)) == 0
    printed = capsys.readouterr().out
    assert "Investments found in run" in printed and "Whale Cloud" in printed and "70,000,000" in printed
    assert "Inputs read: 1" in printed and "[reconciled]" in printed
    assert f"Parquet: {tmp_path}/articles, {tmp_path}/investments" in printed
    assert "Manifest: " in printed and "_runs/" in printed


def test_module_entry_point_and_console_script():
    import subprocess
    import sys
    from pathlib import Path

    module = subprocess.run([sys.executable, "-m", "pipeline", "--version"], capture_output=True, text=True, check=True)
    assert module.stdout.startswith("dealstream ")
    assert "apitools not found" not in module.stderr  # Beam's import-time warning is filtered at entry
    script = Path(sys.executable).with_name("dealstream")
    if script.exists():
        usage = subprocess.run([str(script), "run", "--help"], capture_output=True, text=True, check=True)
        assert "--max-doc-bytes" in usage.stdout and "--max-error-rate" in usage.stdout
