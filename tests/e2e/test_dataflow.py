"""Dataflow readiness, validated offline (needs the gcp extra: `make test-dataflow`).

* The batch graph is submitted to the DataflowRunner with ``--dry_run=True --no_auth``: options
  are validated, the graph is built, every DoFn is pickled and the sdist of the package is
  built from pyproject.toml (``--setup_file``) -- nothing leaves the machine.
* The wheel holds ``pipeline/``, ``transforms/`` and the package data, and works from a clean
  virtualenv (its dependencies are borrowed from .venv by path, not installed).
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import tarfile
import venv
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "seeds" / "000_ffccc2825a3c1863.txt"
STAGES = {"ReadSeeds", "ProcessDocuments", "WriteArticles", "WriteRunLog"}


def _missing_gcp_extra() -> str | None:
    for module in ("google.cloud.storage", "apitools.base.py", "build"):
        try:
            importlib.import_module(module)
        except ImportError:
            return f"needs the gcp extra ({module} not importable): run `make test-dataflow`"
    return None


if _missing_gcp_extra() and os.environ.get("DEALSTREAM_REQUIRE_GCP"):
    # `make test-dataflow` installs the extra first: there a skip would hide a broken install.
    raise RuntimeError(_missing_gcp_extra())

pytestmark = [
    pytest.mark.dataflow,
    pytest.mark.skipif(_missing_gcp_extra() is not None, reason=str(_missing_gcp_extra())),
]


def _package_data_files() -> set[str]:
    data = REPO / "transforms" / "data"
    return {
        p.relative_to(REPO).as_posix()
        for p in data.rglob("*")
        if p.is_file()
        and "__pycache__" not in p.parts
        and p.suffix in {".json", ".csv", ".yaml", ".txt", ".py"}
    }


def test_batch_graph_validates_on_dataflow_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    from apache_beam.portability.api import beam_runner_api_pb2
    from apache_beam.runners.runner import PipelineState

    from pipeline.dataflow.flex_template import submit

    monkeypatch.chdir(REPO)  # --setup_file=./pyproject.toml is relative, as in the docs
    result = submit(
        [
            "--config=configs/dataflow.yaml",
            f"--input={SEED}",
            "--output=gs://dealstream-test/out",
            # the placeholders of configs/dataflow.yaml, replaced as a user would
            "--project=dealstream-test",
            "--region=us-central1",
            "--temp_location=gs://dealstream-test/tmp",
            "--staging_location=gs://dealstream-test/staging",
            # template parameter spelling, converted by pipeline.dataflow.flex_template
            "--max_doc_bytes=1000000",
            "--strip_sidebars=false",
            "--dry_run=True",
            "--no_auth",
        ]
    )
    assert result.state == PipelineState.DONE
    proto = result.job.proto_pipeline
    top_level = {t.unique_name.split("/")[0] for t in proto.components.transforms.values()}
    assert STAGES <= top_level, STAGES - top_level

    staged = {}
    for env in proto.components.environments.values():
        for artifact in env.dependencies:
            role = beam_runner_api_pb2.ArtifactStagingToRolePayload.FromString(artifact.role_payload)
            path = beam_runner_api_pb2.ArtifactFilePayload.FromString(artifact.type_payload).path
            staged[role.staged_name] = path
    assert "workflow.tar.gz" in staged, f"no sdist staged: {sorted(staged)}"
    with tarfile.open(staged["workflow.tar.gz"]) as sdist:
        names = {n.split("/", 1)[1] for n in sdist.getnames() if "/" in n}
    assert {"pipeline/cli.py", "pipeline/graph.py", "transforms/records.py", "pyproject.toml"} <= names
    assert _package_data_files() <= names, _package_data_files() - names


def test_wheel_has_packages_and_data_and_works_from_a_clean_venv(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(dist), str(REPO)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = dist.glob("dealstream-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
    assert {"pipeline/cli.py", "pipeline/output/schema_export.py", "transforms/records.py"} <= names
    assert _package_data_files() <= names, _package_data_files() - names
    assert not any(n.startswith(("tests/", "bench/", "tools/")) for n in names)

    clean = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True, symlinks=True).create(clean)
    py = clean / "bin" / "python"
    subprocess.run(
        [str(py), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
        check=True,
        timeout=300,
    )
    # Third-party dependencies come from .venv's site-packages by path only: its .pth files
    # (the editable install of this repo) are not processed, so our code must come from the wheel.
    deps = next(Path(p) for p in sys.path if p.endswith("site-packages") and Path(p, "apache_beam").is_dir())
    site = next((clean / "lib").glob("python3*/site-packages"))
    (site / "zz_borrowed_deps.pth").write_text(str(deps) + "\n", encoding="utf-8")

    check = """
import importlib, importlib.resources, pkgutil, sys
import pipeline, transforms
roots = {m.__name__: m.__file__ for m in (pipeline, transforms)}
assert all(sys.argv[1] in f for f in roots.values()), roots
for pkg in (pipeline, transforms):
    for info in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + "."):
        if not info.name.endswith("__main__"):
            importlib.import_module(info.name)
data = importlib.resources.files("transforms.data")
for name in sys.argv[2:]:
    assert (data / name).read_bytes(), name
print("ok")
"""
    data_names = [Path(p).name for p in _package_data_files() if not p.endswith(".py")]
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    proc = subprocess.run(
        [str(py), "-c", check, str(site), *data_names],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stdout + proc.stderr

    out = tmp_path / "out"
    run = subprocess.run(
        [str(clean / "bin" / "dealstream"), "run", "--input", str(SEED), "--output", str(out), "--quiet"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert list((out / "investments").glob("*/*.parquet"))
