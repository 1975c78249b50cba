"""One typed run manifest: a batch run, a local stream and the unbounded graph all write
``RunManifest``, read back with one reader into one type with one ``outcomes`` shape."""

from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path

import pytest

from pipeline.accounting.manifest import KIND_BATCH, KIND_STREAM, Outcomes, RunManifest, read_manifest
from pipeline.cli import main
from tests.conftest import SEED, seed_as_html
from tests.feed_server import page_html, rss
from tests.outputs import read_rows

pytest_plugins = ["tests.feed_fixtures"]
pytestmark = pytest.mark.usefixtures("no_dns")

BODY = "Exporters and importers met the chamber of commerce to discuss freight costs and tariffs."
OUTCOME_KEYS = {f.name for f in fields(Outcomes)}


def _site(s) -> str:
    items = [
        {"title": "Whale Cloud", "link": s.add_page("/site/x", seed_as_html(SEED.read_text(encoding="utf-8")))},
        {"title": "Freight", "link": s.add_page("/site/f", page_html("Freight", [BODY] * 6))},
        {"title": "Gone", "link": s.url("/site/missing")},
    ]
    return s.add_feed("/feed.xml", rss(items), rewrite=False)


def _stream(out: Path, feed: str, *extra: str) -> list[str]:
    return ["stream", "--feed", feed, "--output", str(out), "--allow-private-networks", "--ignore-robots",
            "--host-delay", "0", "--http-attempts", "1", "--compact-every", "0", *extra]


def _only_manifest(out: Path) -> tuple[RunManifest, dict]:
    (path,) = (out / "_runs").glob("*.json")
    return read_manifest(str(out), path.stem), json.loads(path.read_text(encoding="utf-8"))


def _check_against_disk(manifest: RunManifest, out: Path) -> None:
    assert isinstance(manifest.outcomes, Outcomes)
    assert manifest.outcomes.articles == len(read_rows(out, "articles")) > 0
    assert manifest.outcomes.investments == len(read_rows(out, "investments")) == 1
    assert manifest.outcomes.skipped == (len(read_rows(out, "skips")) if (out / "skips").exists() else 0)


def test_batch_and_stream_manifests_have_one_type_and_one_outcomes_shape(feed_server, tmp_path):
    feed = _site(feed_server)
    batch, stream = tmp_path / "batch", tmp_path / "stream"
    assert main(["run", "--feed", feed, "--output", str(batch), "--allow-private-networks", "--ignore-robots",
                 "--host-delay", "0", "--http-attempts", "1", "--max-error-rate", "1", "--quiet"]) == 0
    assert main(_stream(stream, feed, "--max-polls", "2", "--poll-interval", "0.1")) == 0

    b, b_json = _only_manifest(batch)
    s, s_json = _only_manifest(stream)
    assert (b.kind, s.kind) == (KIND_BATCH, KIND_STREAM)
    # the same common keys, the same outcomes keys, whatever the mode
    common = {f.name for f in fields(RunManifest)} - {"details"} | {"reconciled"}
    assert common <= set(b_json) and common <= set(s_json)
    assert set(b_json["outcomes"]) == set(s_json["outcomes"]) == OUTCOME_KEYS
    for m, out in ((b, batch), (s, stream)):
        _check_against_disk(m, out)
        assert m.reconciled and m.inputs_read == m.outcomes.total
        assert m.outcomes.errors_by_type == {"http_404": 1}
    # the same feed gives the same outcomes in both modes (the stream's second poll: duplicates)
    assert (b.outcomes.articles, b.outcomes.investments, b.outcomes.errors) == (
        s.outcomes.articles, s.outcomes.investments, s.outcomes.errors)
    assert s.details["cycles"] == {"completed": 2, "failed": 0} and s.finished_at is not None
    assert s.outcomes == sum((Outcomes.from_dict(c["outcomes"]) for c in s.details["recent_cycles"]), Outcomes())
    assert b.files and s.files is None  # a local stream's cycle files are found by name
    # read back and written again: nothing lost, nothing reshaped
    assert RunManifest.from_json(b_json).to_json() == b_json
    assert RunManifest.from_json(s_json).to_json() == s_json


def test_the_unbounded_graph_writes_the_same_manifest_with_its_files(feed_server, tmp_path):
    feed = _site(feed_server)
    out = tmp_path / "unbounded"
    assert main(_stream(out, feed, "--unbounded", "--max-polls", "1", "--poll-interval", "0.5",
                        "--runner=FnApiRunner")) == 0
    m, _ = _only_manifest(out)
    assert m.kind == KIND_STREAM and m.exit_code == 0
    on_disk = sorted(str(p.relative_to(out)) for p in out.glob("*/*/part-*.parquet"))
    assert m.files == on_disk and on_disk
    _check_against_disk(m, out)
    assert m.outcomes.errors_by_type == {"http_404": 1}
