"""Every shipped seed and run configuration loads; malformed ones are rejected by name."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pipeline.config import UsageError, load_config, parse_run_args
from pipeline.seed_listing import input_kind
from tests.conftest import REPO
from transforms.text.decode import decode_text_file

RUN_CONFIGS = sorted(p for p in (REPO / "configs").glob("*.yaml") if not p.name.startswith("feeds"))


@pytest.mark.parametrize("path", sorted((REPO / "seeds").iterdir()), ids=lambda p: p.name)
def test_every_seed_is_a_readable_input(path: Path):
    kind = input_kind(str(path))
    assert kind is not None, f"{path.name} has no supported extension"
    if kind == "text":
        parsed = decode_text_file(path.read_bytes())
        assert parsed.title and parsed.body


@pytest.mark.parametrize("path", RUN_CONFIGS, ids=lambda p: p.name)
def test_run_configs_pass_the_real_parser(path: Path):
    """Every shipped config goes through the same parser and validators as the flags."""
    from pipeline.config import run_parser
    from pipeline.stream.options import parse_stream_args

    raw = yaml.safe_load(path.read_text())
    if path.name.startswith("stream"):
        settings, beam_args, _ = parse_stream_args(["--config", str(path)])
        assert settings.poll_interval == raw["poll_interval"]
    else:
        args, beam_args = parse_run_args(["--config", str(path)])
        defaults = vars(run_parser().parse_args([]))
        for key, value in raw.items():
            if key != "pipeline_args":
                assert getattr(args, key) == value, key
        assert set(vars(args)) == set(defaults)
    assert beam_args[: len(raw["pipeline_args"])] == raw["pipeline_args"]


def test_stream_options_come_from_the_same_yaml_and_flags_win(tmp_path):
    from datetime import timedelta

    from pipeline.stream.options import parse_stream_args

    path = tmp_path / "stream.yaml"
    path.write_text(
        f"feed: ['http://127.0.0.1:9/feed.xml']\noutput: {tmp_path / 'out'}\npoll_interval: 42\ndedup_ttl: 12h\n"
    )
    settings, _, _ = parse_stream_args(["--config", str(path)])
    assert settings.poll_interval == 42 and settings.ttl == timedelta(hours=12)
    settings, _, _ = parse_stream_args(["--config", str(path), "--poll-interval", "7"])
    assert settings.poll_interval == 7 and settings.ttl == timedelta(hours=12)


@pytest.mark.parametrize(
    "content,needle",
    [("max_doc_bytez: 3\n", "max_doc_bytez"), ("- a\n- b\n", "mapping"), ("a: [\n", "not valid YAML"),
     ("pipeline_args: --runner\n", "pipeline_args")],
)
def test_malformed_configs_are_rejected(tmp_path, content, needle):
    path = tmp_path / "c.yaml"
    path.write_text(content)
    with pytest.raises(UsageError) as err:
        load_config(str(path))
    assert needle in str(err.value)
