"""Flex Template files match the CLI: parameters, their spelling and value checks, the image.

These need no gcp extra; the offline Dataflow validation is in tests/e2e/test_dataflow.py.
"""

from __future__ import annotations

import importlib.util
import json
import re
from importlib.metadata import version
from pathlib import Path

import pytest

from pipeline.config import UsageError, load_config, parse_run_args
from pipeline.dataflow.flex_template import NOT_TEMPLATE_PARAMETERS, template_argv, template_parameters

REPO = Path(__file__).resolve().parents[2]
METADATA = json.loads((REPO / "dataflow" / "metadata.json").read_text(encoding="utf-8"))
PARAMS = {p["name"]: p for p in METADATA["parameters"]}
SEED = REPO / "seeds" / "000_ffccc2825a3c1863.txt"


def test_metadata_parameters_are_exactly_the_cli_options() -> None:
    cli = set(template_parameters())
    assert set(PARAMS) == cli, (
        f"dataflow/metadata.json is out of step with `dealstream run`: missing {sorted(cli - set(PARAMS))}, "
        f"unknown {sorted(set(PARAMS) - cli)}; run tools/regen_flex_metadata.py"
    )
    assert not NOT_TEMPLATE_PARAMETERS & set(PARAMS)


def test_metadata_file_is_what_the_regen_script_makes() -> None:
    spec = importlib.util.spec_from_file_location(
        "regen_flex_metadata", REPO / "tools" / "regen_flex_metadata.py"
    )
    assert spec and spec.loader
    regen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(regen)
    assert regen.generated(METADATA) == METADATA, (
        "dataflow/metadata.json is stale: run tools/regen_flex_metadata.py"
    )


def test_parameter_names_are_valid_and_documented() -> None:
    for name, param in PARAMS.items():
        assert re.fullmatch(r"[a-z][a-z0-9_]*", name), name
        assert param["label"] and param["helpText"], name
        for regex in param.get("regexes", []):
            re.compile(regex)


def test_each_default_passes_its_own_regex_and_parses_back() -> None:
    """A parameter set to the CLI default must pass the template's check and mean the same."""
    defaults, _ = parse_run_args(["--input", str(SEED), "--output", "gs://bucket-x/out"])
    for name in template_parameters():
        default = getattr(defaults, name)
        if default is None or isinstance(default, list):
            continue
        text = str(default).lower() if isinstance(default, bool) else str(default)
        for regex in PARAMS[name].get("regexes", []):
            assert re.fullmatch(regex, text), (name, text, regex)
        args, _ = parse_run_args(
            template_argv(["--input", str(SEED), "--output", "gs://bucket-x/out", f"--{name}={text}"])
        )
        assert getattr(args, name) == default, name


@pytest.mark.parametrize(
    ("param", "value", "ok"),
    [
        ("max_doc_bytes", "1000", True),
        ("max_doc_bytes", "0", False),
        ("max_doc_bytes", "-5", False),
        ("max_error_rate", "0.25", True),
        ("max_error_rate", "1.5", False),
        ("output", "gs://my-bucket/dealstream/out", True),
        ("output", "/tmp/out", False),
        ("input", "gs://my-bucket/in/*.jsonl", True),
    ],
)
def test_regexes_accept_and_reject(param: str, value: str, ok: bool) -> None:
    assert any(re.fullmatch(r, value) for r in PARAMS[param]["regexes"]) is ok


def test_template_argv_converts_names_and_switches() -> None:
    argv = template_argv(
        ["--input=gs://b1b/x/*", "--max_doc_bytes=1000", "--strip_sidebars=false", "--max_num_workers=3"]
    )
    assert argv == [
        "--input=gs://b1b/x/*",
        "--max-doc-bytes=1000",
        "--no-strip-sidebars",
        "--max_num_workers=3",
    ]
    assert template_argv(["--strip_sidebars=true"]) == []
    switches_on = [
        n for n, a in template_parameters().items() if a.option_strings[-1].startswith("--") and a.nargs == 0
    ]
    for name in switches_on:
        assert len(template_argv([f"--{name}=true"]) + template_argv([f"--{name}=false"])) == 1
    with pytest.raises(UsageError):
        template_argv(["--strip_sidebars=maybe"])


def test_beam_flags_pass_through_to_beam() -> None:
    args, beam_args = parse_run_args(
        template_argv(
            [
                "--input",
                str(SEED),
                "--output",
                "gs://bucket-x/out",
                "--num_shards=7",
                "--runner=DataflowRunner",
                "--sdk_container_image=img:1",
            ]
        )
    )
    assert args.num_shards == 7
    assert "--runner=DataflowRunner" in beam_args and "--sdk_container_image=img:1" in beam_args


def _dockerfile() -> str:
    return (REPO / "dataflow" / "Dockerfile").read_text(encoding="utf-8")


def test_dockerfile_matches_the_installed_beam_and_copies_what_exists() -> None:
    text = _dockerfile()
    beam = re.search(r"^ARG BEAM_VERSION=(\S+)$", text, re.M)
    assert beam and beam.group(1) == version("apache-beam")
    assert re.search(r"^FROM apache/beam_python3\.11_sdk:\$\{BEAM_VERSION\}$", text, re.M)
    copied = {}
    for src, dest in re.findall(r"^COPY (?!--from)(.+) (\S+)$", text, re.M):
        for path in src.split():
            assert (REPO / path).exists(), f"Dockerfile copies missing {path}"
            copied[path] = dest
    entry = re.search(r"^ENV FLEX_TEMPLATE_PYTHON_PY_FILE=(\S+)$", text, re.M)
    assert entry and entry.group(1) == "/template/main.py" and copied["dataflow/main.py"] == "./main.py"
    assert {"pipeline", "transforms", "pyproject.toml"} <= set(copied)


def test_dataflow_config_loads_and_pins_the_dataflow_runner() -> None:
    config = load_config(str(REPO / "configs" / "dataflow.yaml"))
    args = config["pipeline_args"]
    assert "--runner=DataflowRunner" in args
    for flag in ("--project=", "--region=", "--temp_location=gs://", "--setup_file="):
        assert any(a.startswith(flag) for a in args), flag


def test_reprocess_is_refused_by_a_template_launch() -> None:
    """A launch returns at submission, so it could never replace the older rows: not a parameter."""
    assert "reprocess" not in template_parameters()
    argv = template_argv(["--input", str(SEED), "--output", "gs://bucket-x/out", "--reprocess=true"])
    with pytest.raises(SystemExit) as refused:  # argparse: "--reprocess: ignored explicit argument"
        parse_run_args(argv)
    assert refused.value.code == 2
