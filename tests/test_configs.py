"""Every shipped seed and run configuration loads; malformed ones are rejected by name."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.cli import UsageError, load_config
from pipeline.sources import input_kind
from tests.conftest import REPO
from transforms.decode import decode_text_file

RUN_CONFIGS = sorted(p for p in (REPO / "configs").glob("*.yaml") if not p.name.startswith("feeds"))


@pytest.mark.parametrize("path", sorted((REPO / "seeds").iterdir()), ids=lambda p: p.name)
def test_every_seed_is_a_readable_input(path: Path):
    kind = input_kind(str(path))
    assert kind is not None, f"{path.name} has no supported extension"
    if kind == "text":
        parsed = decode_text_file(path.read_bytes())
        assert parsed.title and parsed.body


@pytest.mark.parametrize("path", RUN_CONFIGS, ids=lambda p: p.name)
def test_run_configs_load(path: Path):
    config = load_config(str(path))
    assert isinstance(config["values"], dict)


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
