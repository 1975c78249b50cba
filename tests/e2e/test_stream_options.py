"""``dealstream stream`` flags: which face runs, and the refusals (exit 2, naming the flag)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from pipeline.cli import main
from pipeline.config import UsageError
from pipeline.stream.options import parse_stream_args

FEED = "http://127.0.0.1:9/feed.xml"


def parse(*argv: str):
    return parse_stream_args(list(argv))


def test_local_runner_gives_cycles_and_a_streaming_runner_the_unbounded_graph(tmp_path):
    settings, beam_args, record = parse("--feed", FEED, "--output", str(tmp_path), "--dedup-ttl", "12h")
    assert not settings.unbounded and settings.runner == "FnApiRunner" and "--runner=FnApiRunner" in beam_args
    assert settings.ttl == timedelta(hours=12) and settings.poll_interval == 300.0
    assert record["dedup_ttl"] == "12:00:00"
    flink, _, _ = parse("--feed", FEED, "--output", str(tmp_path), "--runner", "FlinkRunner")
    assert flink.unbounded
    bounded, _, _ = parse("--feed", FEED, "--output", str(tmp_path), "--unbounded", "--max-polls", "2")
    assert bounded.unbounded and bounded.max_polls == 2


@pytest.mark.parametrize(
    "argv,message",
    [
        (["--unbounded"], "--unbounded on a local runner needs --max-polls or --duration"),
        (["--input", "README.md"], "stream reads feeds only"),
        (["--output", "gs://bucket/out"], "needs a local directory"),
    ],
)
def test_refusals(tmp_path, argv, message):
    base = ["--feed", FEED, "--output", str(tmp_path)]
    with pytest.raises(UsageError, match=message):
        parse(*base, *argv)


def test_a_used_run_id_is_refused_so_no_cycle_file_is_overwritten(tmp_path):
    (tmp_path / "_runs").mkdir()
    (tmp_path / "_runs" / "S1.json").write_text("{}")
    with pytest.raises(UsageError, match="--run-id: 'S1' was already used"):
        parse("--feed", FEED, "--output", str(tmp_path), "--run-id", "S1")


@pytest.mark.parametrize(
    "flag,value", [("--dedup-ttl", "3w"), ("--poll-interval", "0"), ("--max-polls", "-1")]
)
def test_bad_values_exit_2(tmp_path, flag, value, capsys):
    with pytest.raises(SystemExit) as err:
        main(["stream", "--feed", FEED, "--output", str(tmp_path), flag, value])
    assert err.value.code == 2 and flag in capsys.readouterr().err
