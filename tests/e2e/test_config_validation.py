"""A bad value in --config YAML fails like the same bad flag: exit 2, naming the key.

argparse runs ``type=`` only on string defaults, so YAML values used to skip the validators
(``num_shards: 0`` crashed the workers, ``max_error_rate: 7`` turned the error gate off).
"""

from __future__ import annotations

import argparse

import pytest

from pipeline.cli import main
from pipeline.config import UsageError, parse_run_args, run_parser
from pipeline.stream.options import _stream_only_parser


def _validated_actions(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    return [a for a in parser._actions if a.type is not None or a.choices is not None or a.nargs == 0]


def _bad_values(action: argparse.Action) -> list[object]:
    if action.nargs == 0:
        return ["yes please", 3]
    bad: list[object] = ["not a value %%", {"a": 1}]
    if action.type is not None:
        for candidate in (-1, 0, 7, -0.5):
            try:
                action.type(str(candidate))
            except (argparse.ArgumentTypeError, ValueError):
                bad.append(candidate)
                break
    return bad


RUN_CASES = [
    (action.dest, value)
    for action in _validated_actions(run_parser())
    for value in _bad_values(action)
    if action.dest not in ("help",)
]


def test_every_validated_run_option_is_covered():
    dests = {dest for dest, _ in RUN_CASES}
    assert {"num_shards", "max_error_rate", "max_doc_bytes", "strip_sidebars"} <= dests


@pytest.mark.parametrize("dest,value", RUN_CASES, ids=lambda v: str(v))
def test_bad_yaml_value_is_a_usage_error_naming_the_key(tmp_path, capsys, dest, value):
    import yaml

    config = tmp_path / "c.yaml"
    config.write_text(yaml.safe_dump({dest: value}))
    code = main(["run", "--config", str(config), "--input", str(tmp_path / "nothing*"), "--output", str(tmp_path / "o")])
    assert code == 2
    err = capsys.readouterr().err
    assert f"{dest}:" in err and "--config" in err, err
    assert not (tmp_path / "o").exists(), "no work may start on a bad config"


def test_good_yaml_values_are_converted_like_flags(tmp_path):
    config = tmp_path / "c.yaml"
    config.write_text("num_shards: '3'\nmax_error_rate: 1\nstrip_sidebars: false\ninput: a.txt\n")
    args, _ = parse_run_args(["--config", str(config)])
    assert args.num_shards == 3 and args.max_error_rate == 1.0 and args.strip_sidebars is False
    assert args.input == ["a.txt"]


STREAM_CASES = [
    (action.dest, value)
    for action in _validated_actions(_stream_only_parser())
    for value in _bad_values(action)
    if action.dest != "help"
]


@pytest.mark.parametrize("dest,value", STREAM_CASES, ids=lambda v: str(v))
def test_bad_stream_yaml_value_is_a_usage_error(tmp_path, dest, value):
    import yaml

    from pipeline.stream.options import parse_stream_args

    config = tmp_path / "s.yaml"
    config.write_text(yaml.safe_dump({"feed": ["http://127.0.0.1:9/f.xml"], "output": str(tmp_path / "o"), dest: value}))
    with pytest.raises(UsageError, match=f"{dest}:"):
        parse_stream_args(["--config", str(config)])


@pytest.mark.parametrize(
    "argv",
    [
        ["feeds", "check", "f.yaml", "--http-attempts", "0"],
        ["feeds", "check", "f.yaml", "--http-timeout", "-1"],
        ["feeds", "check", "f.yaml", "--host-delay", "x"],
        ["compact", "d", "--min-files", "0"],
        ["compact", "d", "--target-size-mb", "-3"],
    ],
    ids=" ".join,
)
def test_other_commands_validate_their_numbers(argv, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    assert argv[-2] in capsys.readouterr().err


def test_feeds_check_shares_the_run_http_flags():
    from pipeline.feeds.command import parser

    check = parser()._subparsers._group_actions[0].choices["check"]
    run_http = {a.dest: a.default for a in run_parser()._actions if a.dest.startswith(("http_", "host_"))}
    check_http = {a.dest: a.default for a in check._actions if a.dest.startswith(("http_", "host_"))}
    assert check_http == run_http and len(run_http) >= 4
