"""``--reprocess`` for every source, through the real CLI: seed files, feeds (served on 127.0.0.1)
and archives. A reprocessing run reads what DIR already has again and its rows replace the older
ones: afterwards every doc_id is in DIR once, from the newest run, with the same deals."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

import pipeline.run as run_module
from pipeline.cli import main
from tests.conftest import SEED, seed_as_html
from tests.feed_server import Response, page_html, rss
from tests.outputs import read_rows
from tests.warc_fixtures import WEATHER, Rec, story, write_warc

pytest_plugins = ["tests.feed_fixtures"]
pytestmark = pytest.mark.usefixtures("no_dns")

BODY = "Exporters and importers met the chamber of commerce to discuss freight costs and tariffs."
HTTP = ["--allow-private-networks", "--ignore-robots", "--host-delay", "0", "--http-attempts", "1"]
STABLE = ("doc_id", "investor", "target_country", "amount", "currency")


class Killed(BaseException):
    """Stands in for SIGKILL at one point of a run."""


def _run(out: Path, run_id: str, *argv: str) -> int:
    return main(["run", "--output", str(out), "--run-id", run_id, "--quiet", *argv])


def _manifest(out: Path, run_id: str) -> dict:
    return json.loads((out / "_runs" / f"{run_id}.json").read_text(encoding="utf-8"))


def _deals(out: Path) -> list[tuple]:
    return sorted(tuple(r[k] for k in STABLE) for r in read_rows(out, "investments"))


@pytest.fixture
def sources(feed_server, tmp_path) -> dict[str, list[str]]:
    """The CLI arguments of one seed-file, one feed and one archive source."""
    s = feed_server
    items = [
        {"title": "Whale Cloud", "link": s.add_page("/site/x", seed_as_html(SEED.read_text(encoding="utf-8")))},
        {"title": "Freight", "link": s.add_page("/site/f", page_html("Freight", [BODY] * 6))},
    ]
    feed_xml = rss(items)

    def feed(req, _n):  # answers 304 to a conditional request, as a real feed would
        s.validators_sent.append(req.headers.get("if-none-match"))
        if req.headers.get("if-none-match") == '"v1"':
            return Response(304)
        return Response(200, feed_xml, {"Content-Type": "application/rss+xml", "ETag": '"v1"'})

    s.validators_sent = []
    url = s.add("/feed.xml", feed)
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "norland.html").write_bytes(story(1, "Norland Motors", "$40 million", "Kenya"))
    (seeds / "weather.html").write_bytes(WEATHER)
    warc = write_warc(tmp_path / "crawl-00000.warc.gz", [
        Rec("http://news.test/baltic", story(2, "Baltic Steelworks", "$25 million", "Poland")),
        Rec("http://news.test/weather", WEATHER),
    ])
    return {"seed": ["--input", str(seeds / "*")], "feed": ["--feed", url, *HTTP], "warc": ["--warc", str(warc)]}


def test_every_source_reprocesses_and_its_rows_replace_the_older_ones(sources, feed_server, tmp_path):
    out = tmp_path / "out"
    for name, argv in sources.items():
        assert _run(out, f"first-{name}", *argv) == 0
    first = {r["doc_id"]: r["run_id"] for r in read_rows(out, "articles")}
    deals = _deals(out)
    assert sorted(Counter(first.values()).items()) == [("first-feed", 2), ("first-seed", 2), ("first-warc-0000", 2)]
    assert sorted(d[1] for d in deals) == ["Baltic Steelworks", "Norland Motors", "Whale Cloud"]

    # without --reprocess nothing is read again: duplicates, a 304, a completed archive
    for name, argv in sources.items():
        assert _run(out, f"again-{name}", *argv) == 0
    assert _manifest(out, "again-seed")["outcomes"]["skipped_by_reason"] == {"duplicate": 2}
    assert _manifest(out, "again-feed")["outcomes"]["skipped_by_reason"] == {"unchanged": 1}
    assert not (out / "_runs" / "again-warc-0000.json").exists()  # "Nothing to do"
    assert {r["doc_id"]: r["run_id"] for r in read_rows(out, "articles")} == first

    pages_before = feed_server.count("/site/x")
    for name, argv in sources.items():
        assert _run(out, f"re-{name}", "--reprocess", *argv) == 0, name
    articles = read_rows(out, "articles")
    assert Counter(r["doc_id"] for r in articles) == Counter(first.keys())  # each once
    assert {r["doc_id"]: r["run_id"] for r in articles} == {d: r.replace("first-", "re-") for d, r in first.items()}
    assert _deals(out) == deals  # the same deals, each once
    assert feed_server.validators_sent == [None, '"v1"', None]  # the reprocess run asked unconditionally
    assert feed_server.count("/site/x") == pages_before + 1  # and fetched the known page again
    for name in ("seed", "feed"):
        manifest = _manifest(out, f"re-{name}")
        assert manifest["reconciled"] and manifest["outcomes"]["articles"] == 2
        assert manifest["outcomes"]["skipped_by_reason"] == {}
    assert not list((out / "_runs").glob("*.running"))


def test_a_run_killed_while_replacing_is_finished_by_the_next_run(sources, tmp_path, monkeypatch):
    out = tmp_path / "out"
    assert _run(out, "first", *sources["seed"]) == 0
    real = run_module.replace_older_rows

    def die(output, run_id):
        raise Killed(run_id)

    monkeypatch.setattr(run_module, "replace_older_rows", die)
    with pytest.raises(Killed):
        _run(out, "re", "--reprocess", *sources["seed"])
    assert Counter(r["run_id"] for r in read_rows(out, "articles")) == {"first": 2, "re": 2}  # both, briefly
    assert (out / "_runs" / "re.running").exists() and (out / "_runs" / "re.json").exists()

    monkeypatch.setattr(run_module, "replace_older_rows", real)
    assert _run(out, "next", *sources["seed"]) == 0  # any next run into DIR finishes it first
    assert Counter(r["run_id"] for r in read_rows(out, "articles")) == {"re": 2}
    assert _manifest(out, "next")["outcomes"]["skipped_by_reason"] == {"duplicate": 2}
    assert not list((out / "_runs").glob("*.running"))


def test_stream_refuses_reprocess(capsys, tmp_path):
    assert main(["stream", "--feed", "http://127.0.0.1:9/feed.xml", "--output", str(tmp_path), "--reprocess"]) == 2
    assert "--reprocess" in capsys.readouterr().err
