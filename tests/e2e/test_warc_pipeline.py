"""Archive runs end to end: ReadWarc in a real pipeline, the CLI into tmp_path read back with
DuckDB, --from-index, resume after deterministic kill points, --reprocess, and the real
corrupt archives of ../shared/corpus/warc with --max-error-rate 1."""

from __future__ import annotations

import dataclasses
import gzip
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import apache_beam as beam
import duckdb
import pytest
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to

from pipeline.archives import manifest as bm
from pipeline.archives.backfill import run_backfill
from pipeline.archives.options import WarcRunSettings
from pipeline.archives.source import ReadWarc
from pipeline.cli import main
from pipeline.config import parse_run_args, validate
from pipeline.run import execute
from tests.outputs import manifests, read_rows
from tests.warc_fixtures import CRAWL, MARKETS, WEATHER, Rec, seed_page, story, write_warc


def run(*argv: str) -> int:
    return main(["run", *argv])


def index_rows(out: Path) -> list[dict]:
    con = duckdb.connect()
    rel = con.sql(
        f"SELECT * FROM read_parquet('{out}/warc_index/*/*.parquet', hive_partitioning=true, "
        "hive_types={'crawl_date': DATE})"
    )
    return [dict(zip(rel.columns, row, strict=True)) for row in rel.fetchall()]


@pytest.fixture(scope="module")
def news_warc(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("warc")
    later = '<meta property="article:published_time" content="2030-05-01T00:00:00Z">'
    earlier = '<meta property="article:published_time" content="2018-12-07T09:00:00Z">'
    return write_warc(
        folder / "news-00000.warc.gz",
        [
            Rec("http://news.test/whale-cloud-pakistan", b"", kind="request"),
            Rec("http://news.test/whale-cloud-pakistan", seed_page(earlier)),
            Rec("http://news.test/logo.png", b"\x89PNG\r\n", content_type="image/png"),
            Rec("http://news.test/weather", WEATHER, when=CRAWL + timedelta(days=40)),
            Rec("http://other.test/markets", MARKETS),
            Rec("http://news.test/missing", b"<html>not here</html>", status="404 Not Found"),
            # a stated date later than the crawl is impossible: rejected
            Rec(
                "http://news.test/norland-kenya",
                story(
                    1,
                    "Norland Motors",
                    "$40 million",
                    "Kenya",
                ),
            ),
            Rec(
                "http://news.test/baltic-poland",
                story(2, "Baltic Steelworks", "€25 million", "Poland").replace(
                    b"</title>", b"</title>" + later.encode()
                ),
            ),
        ],
    )


def test_read_warc_composite(news_warc: Path) -> None:
    settings = WarcRunSettings(
        date_to=CRAWL + timedelta(days=1), domains=frozenset({"news.test"}), only_investments=True
    )
    with TestPipeline(runner="FnApiRunner") as p:
        out = p | ReadWarc("r1", settings, 1_000_000, archives=[str(news_warc)])
        docs = out.docs | "DocUrls" >> beam.Map(
            lambda d: (d.url, d.source_kind, d.warc_file, d.line_number, d.warc_date)
        )
        skips = out.skips | "SkipReasons" >> beam.Map(lambda s: (s.line_number, s.reason))
        index = out.index | "Index" >> beam.Map(lambda e: (e.pointer.url, e.passed_prefilter, e.outcome))
        assert_that(
            docs,
            equal_to(
                [
                    ("http://news.test/whale-cloud-pakistan", "warc", str(news_warc), 2, CRAWL),
                    ("http://news.test/norland-kenya", "warc", str(news_warc), 7, CRAWL),
                    ("http://news.test/baltic-poland", "warc", str(news_warc), 8, CRAWL),
                ]
            ),
            label="docs",
        )
        assert_that(
            skips,
            equal_to(
                [
                    (1, "warc_request"),
                    (3, "not_html"),
                    (4, "outside_date_range"),
                    (5, "domain_not_listed"),
                    (6, "http_404"),
                ]
            ),
            label="skips",
        )
        assert_that(out.errors, equal_to([]), label="errors")
        assert_that(
            index,
            equal_to(
                [
                    ("http://news.test/whale-cloud-pakistan", True, None),
                    ("http://news.test/norland-kenya", True, None),
                    ("http://news.test/baltic-poland", True, None),
                ]
            ),
            label="index",
        )


def test_prefilter_drops_and_counts_non_deal_pages(news_warc: Path) -> None:
    settings = WarcRunSettings(only_investments=True)
    with TestPipeline(runner="FnApiRunner") as p:
        out = p | ReadWarc("r1", settings, 1_000_000, archives=[str(news_warc)])
        dropped = (
            out.skips
            | beam.Filter(lambda s: s.reason.startswith("prefilter:"))
            | beam.Map(lambda s: s.line_number)
        )
        assert_that(dropped, equal_to([4, 5]))  # weather, markets


@pytest.fixture(scope="module")
def news_run(news_warc: Path, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("out")
    assert run("--warc", str(news_warc), "--output", str(out), "--quiet") == 0
    return out


def test_cli_rows_carry_archive_columns_and_account_for_every_record(news_run: Path, news_warc: Path) -> None:
    articles = read_rows(news_run, "articles")
    assert {a["url"] for a in articles} == {
        "http://news.test/whale-cloud-pakistan",
        "http://news.test/weather",
        "http://other.test/markets",
        "http://news.test/norland-kenya",
        "http://news.test/baltic-poland",
    }
    for row in articles:
        assert row["source_kind"] == "warc" and row["warc_file"] == str(news_warc)
        assert row["warc_offset"] is not None and row["warc_length"] > 0 and row["warc_date"] is not None
    skips, errors = read_rows(news_run, "skips"), read_rows(news_run, "errors")
    assert Counter(s["reason"] for s in skips) == {"warc_request": 1, "not_html": 1, "http_404": 1}
    assert errors == []
    # every record is one outcome: rows' (source, record number) cover 1..8 exactly once
    positions = sorted(r["line_number"] for r in skips) + sorted(
        int(i["record_index"]) + 1 for i in index_rows(news_run)
    )
    assert sorted(positions) == list(range(1, 9))
    (run_manifest,) = manifests(news_run)
    assert run_manifest["inputs"]["read"] == 8 and run_manifest["reconciled"]


def test_published_at_only_from_the_page_and_never_after_the_crawl(news_run: Path) -> None:
    by_url = {a["url"]: a for a in read_rows(news_run, "articles")}
    seed = by_url["http://news.test/whale-cloud-pakistan"]
    assert seed["published_at"] == datetime(2018, 12, 7, 9, tzinfo=UTC) and seed["published_at_source"]
    assert by_url["http://news.test/baltic-poland"]["published_at"] is None  # 2030 > WARC-Date
    assert (
        by_url["http://news.test/weather"]["published_at"] is None
    )  # the crawl date is not a publication date
    investments = {i["url"]: i for i in read_rows(news_run, "investments")}
    whale = investments["http://news.test/whale-cloud-pakistan"]
    assert (whale["investor"], whale["amount"], whale["target_country"]) == (
        "Whale Cloud",
        70_000_000.0,
        "PK",
    )
    assert whale["published_at"] == datetime(2018, 12, 7, 9, tzinfo=UTC)


def test_index_rows(news_run: Path, news_warc: Path) -> None:
    rows = {r["url"]: r for r in index_rows(news_run)}
    assert set(rows) == {
        "http://news.test/whale-cloud-pakistan",
        "http://news.test/weather",
        "http://other.test/markets",
        "http://news.test/norland-kenya",
        "http://news.test/baltic-poland",
    }
    assert rows["http://other.test/markets"]["host"] == "other.test"
    assert rows["http://news.test/weather"]["crawl_date"].isoformat() == "2019-02-11"
    assert {u for u, r in rows.items() if r["is_investment"]} == {
        "http://news.test/whale-cloud-pakistan",
        "http://news.test/norland-kenya",
        "http://news.test/baltic-poland",
    }
    assert all(r["outcome"] == "article" and r["passed_prefilter"] is None for r in rows.values())
    data = news_warc.read_bytes()
    for row in rows.values():  # the byte range really is that record (one gzip member)
        member = gzip.decompress(data[row["warc_offset"] : row["warc_offset"] + row["warc_length"]])
        assert member.startswith(b"WARC/1") and f"WARC-Target-URI: {row['url']}".encode() in member


STABLE = (
    "doc_id",
    "deal_index",
    "investor",
    "target",
    "target_country",
    "amount",
    "currency",
    "deal_type",
    "evidence",
    "url",
)


def stable(rows: list[dict]) -> list[tuple]:
    return sorted(tuple(r[k] for k in STABLE) for r in rows)


def test_from_index_reproduces_the_investment_rows(news_run: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    assert (
        run(
            "--from-index",
            str(news_run / "warc_index"),
            "--only-investments",
            "--output",
            str(again),
            "--quiet",
        )
        == 0
    )
    assert stable(read_rows(again, "investments")) == stable(read_rows(news_run, "investments"))
    assert len(stable(read_rows(again, "investments"))) == 3
    # only the records indexed as investments were read
    assert sum(m["inputs"]["read"] for m in manifests(again)) == 3
    assert {a["url"] for a in read_rows(again, "articles")} == {
        i["url"] for i in read_rows(news_run, "investments")
    }


def test_rerun_skips_completed_archives(news_run: Path, news_warc: Path, capsys) -> None:
    assert run("--warc", str(news_warc), "--output", str(news_run), "--quiet") == 0
    assert "Nothing to do" in capsys.readouterr().out
    assert len(manifests(news_run)) == 1


# --- resume after a kill ------------------------------------------------------------------


class Killed(Exception):
    """Stands for the process dying at a chosen point."""


@pytest.fixture(scope="module")
def two_archives(tmp_path_factory) -> list[Path]:
    folder = tmp_path_factory.mktemp("two")
    people = [("Norland Motors", "$40 million", "Kenya"), ("Harbor Foods", "$12 million", "Vietnam")]
    paths = []
    for a, (investor, amount, country) in enumerate(people):
        paths.append(
            write_warc(
                folder / f"crawl-{a}.warc.gz",
                [
                    Rec(f"http://a{a}.test/story", story(a, investor, amount, country)),
                    Rec(f"http://a{a}.test/story", b"", kind="request"),
                    Rec(f"http://a{a}.test/weather", WEATHER),
                    Rec(f"http://a{a}.test/pic.png", b"\x89PNG", content_type="image/png"),
                    Rec(f"http://a{a}.test/markets", MARKETS),
                ],
            )
        )
    return paths


@pytest.fixture(scope="module")
def reference(two_archives: list[Path], tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("reference")
    assert (
        run(
            "--warc",
            str(two_archives[0].parent / "*.warc.gz"),
            "--output",
            str(out),
            "--records-per-run",
            "0",
            "--quiet",
        )
        == 0
    )
    return out


def _interrupted_run(out: Path, glob: str, kill_after_batch: int, damage) -> None:
    args, beam_args = parse_run_args(
        ["--warc", glob, "--output", str(out), "--records-per-run", "3", "--quiet"]
    )
    config = validate(args, datetime.now(UTC))
    batches: list[str] = []

    def run_batch(batch_config) -> int:
        code = execute(batch_config, beam_args, {}, args.max_error_rate, True)
        batches.append(batch_config.run_id)
        if len(batches) == kill_after_batch:
            damage(out, batch_config.run_id)
            raise Killed(batch_config.run_id)
        return code

    with pytest.raises(Killed):
        run_backfill(config, "FnApiRunner", run_batch, lambda n: f"killed-{n:04d}")


def _no_damage(out: Path, run_id: str) -> None:
    """Killed after every file of the batch was committed, before the manifest said so."""


def _partial_commit(out: Path, run_id: str) -> None:
    """Killed mid-commit: the batch's investments (and its run manifest) never appeared."""
    for path in out.glob(f"investments/*/part-{run_id}-*.parquet"):
        path.unlink()
    (out / "_runs" / f"{run_id}.json").unlink()


@pytest.mark.parametrize(
    ("kill_after_batch", "damage"),
    [(1, _no_damage), (2, _partial_commit)],
    ids=["after-commit", "mid-commit"],
)
def test_resume_after_kill_has_no_duplicates_and_no_gaps(
    two_archives, reference, tmp_path, kill_after_batch, damage
):
    glob = str(two_archives[0].parent / "*.warc.gz")
    _interrupted_run(tmp_path, glob, kill_after_batch, damage)
    state = bm.load(str(tmp_path))
    assert list(state.in_progress) == [f"killed-{kill_after_batch - 1:04d}"]
    assert run("--warc", glob, "--output", str(tmp_path), "--records-per-run", "3", "--quiet") == 0
    articles = read_rows(tmp_path, "articles")
    assert len(articles) == len({a["doc_id"] for a in articles})  # no duplicates
    assert {a["doc_id"] for a in articles} == {
        a["doc_id"] for a in read_rows(reference, "articles")
    }  # no gaps
    assert stable(read_rows(tmp_path, "investments")) == stable(read_rows(reference, "investments"))
    index = index_rows(tmp_path)
    assert sorted((r["warc_file"], r["warc_offset"]) for r in index) == sorted(
        (r["warc_file"], r["warc_offset"]) for r in index_rows(reference)
    )
    done = bm.load(str(tmp_path))
    assert done.in_progress == {} and done.progress == {}
    assert set(done.completed) == {str(p) for p in two_archives}
    # every record of both archives has exactly one outcome across the surviving runs
    assert sum(m["inputs"]["read"] for m in manifests(tmp_path)) == 10
    assert all(m["reconciled"] for m in manifests(tmp_path))


def test_reprocess_replaces_rows_and_survives_a_kill_while_replacing(two_archives, reference, tmp_path):
    glob = str(two_archives[0].parent / "*.warc.gz")
    assert run("--warc", glob, "--output", str(tmp_path), "--records-per-run", "0", "--quiet") == 0
    before = {a["doc_id"]: a for a in read_rows(tmp_path, "articles")}
    args, beam_args = parse_run_args(
        ["--warc", glob, "--output", str(tmp_path), "--reprocess", "--records-per-run", "0", "--quiet"]
    )
    config = validate(args, datetime.now(UTC))

    def run_batch(batch_config) -> int:
        return execute(batch_config, beam_args, {}, args.max_error_rate, True)

    # killed right after the phase switched to "replacing", before any old row was removed
    real_set_phase = bm.set_phase

    def set_phase_then_die(output, run_id, phase):
        real_set_phase(output, run_id, phase)
        raise Killed(run_id)

    bm.set_phase = set_phase_then_die
    try:
        with pytest.raises(Killed):
            run_backfill(config, "FnApiRunner", run_batch, lambda n: f"reprocess-{n:04d}")
    finally:
        bm.set_phase = real_set_phase
    assert len(read_rows(tmp_path, "articles")) == 2 * len(before)  # both versions, briefly
    # the next start finishes the replacement first; this run reprocesses once more
    assert (
        run("--warc", glob, "--output", str(tmp_path), "--reprocess", "--records-per-run", "0", "--quiet")
        == 0
    )
    after = read_rows(tmp_path, "articles")
    assert len(after) == len(before) and {a["doc_id"] for a in after} == set(before)
    assert all(a["ingested_at"] > before[a["doc_id"]]["ingested_at"] for a in after)
    assert stable(read_rows(tmp_path, "investments")) == stable(read_rows(reference, "investments"))
    assert bm.load(str(tmp_path)).in_progress == {}


# --- the real corrupt archives ----------------------------------------------------------------


def test_corpus_archives_run_through_with_every_record_accounted(shared_dir: Path, tmp_path: Path) -> None:
    from tests.unit.test_warc_source import EXPECTED

    glob = str(shared_dir / "corpus" / "warc" / "**" / "*.*")
    code = run("--warc", glob, "--output", str(tmp_path), "--max-error-rate", "1", "--quiet")
    assert code == 0
    records = sum(sum(c.values()) for c in EXPECTED.values())
    (run_manifest,) = manifests(tmp_path)
    assert run_manifest["inputs"]["read"] == records and run_manifest["reconciled"]
    rows = (
        len(read_rows(tmp_path, "articles"))
        + len(read_rows(tmp_path, "errors"))
        + len(read_rows(tmp_path, "skips"))
    )
    assert rows == records
    errors = Counter(e["error_type"] for e in read_rows(tmp_path, "errors"))
    assert errors == {"truncated_record": 2}
    assert all(e["stage"] == "read_warc" and e["line_number"] for e in read_rows(tmp_path, "errors"))


def test_bad_flags_exit_2(tmp_path: Path, capsys) -> None:
    assert run("--warc", str(tmp_path / "none-*.warc.gz"), "--output", str(tmp_path)) == 2
    assert "--warc" in capsys.readouterr().err
    assert run("--input", str(tmp_path), "--from", "2020-01-01", "--output", str(tmp_path)) == 2
    assert "--from applies to archive runs" in capsys.readouterr().err
    warc = write_warc(tmp_path / "a.warc.gz", [Rec("http://x.test/", WEATHER)])
    assert (
        run("--warc", str(warc), "--from", "2020-02-01", "--to", "2020-01-01", "--output", str(tmp_path)) == 2
    )
    assert "--from" in capsys.readouterr().err
    assert run("--warc", str(warc), "--from", "yesterday", "--output", str(tmp_path)) == 2
    assert "--from" in capsys.readouterr().err
    assert run("--from-index", str(tmp_path), "--output", str(tmp_path)) == 2
    assert "--from-index" in capsys.readouterr().err
    (tmp_path / "domains.txt").write_text("# none\n")
    assert (
        run("--warc", str(warc), "--domains", str(tmp_path / "domains.txt"), "--output", str(tmp_path)) == 2
    )
    assert "--domains" in capsys.readouterr().err


def test_records_per_run_default_depends_on_runner() -> None:
    settings = WarcRunSettings()
    assert settings.batch_size("FnApiRunner") == 5000 and settings.batch_size("DataflowRunner") == 0
    assert dataclasses.replace(settings, records_per_run=7).batch_size("DataflowRunner") == 7


def test_locked_output_runs_and_completes_nothing(news_warc: Path, tmp_path: Path, capsys) -> None:
    """Another process holds DIR's writer lock: the archive run stops with exit 1, nothing is marked done."""
    import subprocess
    import sys

    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, sys, time; f = open(sys.argv[1], 'a+'); fcntl.flock(f, fcntl.LOCK_EX); "
            "print('locked', flush=True); time.sleep(60)",
            str(tmp_path / "_dealstream.lock"),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        assert run("--warc", str(news_warc), "--output", str(tmp_path), "--quiet") == 1
    finally:
        holder.kill()
        holder.wait()
    assert "in use" in capsys.readouterr().err
    assert bm.load(str(tmp_path)).completed == {}
    assert not list(tmp_path.glob("articles/*/*.parquet"))


def test_sigkill_mid_backfill_then_resume(two_archives, reference, tmp_path) -> None:
    """A real SIGKILL of the CLI process once its first batch has committed; wherever the kill
    lands, the resumed output equals an uninterrupted run."""
    import os
    import signal
    import subprocess
    import sys
    import time

    glob = str(two_archives[0].parent / "*.warc.gz")
    argv = ["run", "--warc", glob, "--output", str(tmp_path), "--records-per-run", "3", "--quiet"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline", *argv], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 120
        while (
            not list((tmp_path / "_runs").glob("*.json"))
            and proc.poll() is None
            and time.monotonic() < deadline
        ):
            time.sleep(0.05)
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the run finished before it could be killed"
    assert run(*argv[1:]) == 0
    articles = read_rows(tmp_path, "articles")
    assert len(articles) == len({a["doc_id"] for a in articles})
    assert {a["doc_id"] for a in articles} == {a["doc_id"] for a in read_rows(reference, "articles")}
    assert stable(read_rows(tmp_path, "investments")) == stable(read_rows(reference, "investments"))
    assert bm.load(str(tmp_path)).in_progress == {}
