"""The safety net at every stage of one real run: seed files, a feed over a loopback server and
WARC archives together, a fault injected at each stage (DEALSTREAM_FAULT_INJECT,
transforms/safety.py). Each bad element is one ``unexpected:InjectedFault`` row, the run exits
0, every good element is written and the manifest reconciles."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.cli import main
from tests.feed_server import page_html, rss
from tests.outputs import manifests, read_rows
from tests.warc_fixtures import Rec, news_page, write_warc

pytest_plugins = ["tests.feed_fixtures"]
pytestmark = pytest.mark.usefixtures("no_dns")

# stage -> marker in the element's source (or a feed entry's page URL); no marker contains another
MARKERS = {
    "read": "fault-read",
    "extract": "fault-extract",
    "classify": "fault-classify",
    "deals": "fault-deals",
    "write": "fault-docs",
    "write_log": "fault-log",
    "fetch_feed": "fault-feed",
    "fetch_page": "fault-page",
    "scan_warc": "fault-archive",
    "read_warc": "fault-record",
}
STORY = "{co} said on Monday it would invest ${n} million in a new factory in Ghana over three years."


def story_text(n: int) -> str:
    return f"Company {n} to build plant\n\n" + STORY.format(co=f"Company{n} Ltd", n=n)


def paragraphs(n: int) -> list[str]:
    return [STORY.format(co=f"Maker{n} Group", n=n), f"The plant will employ {100 + n} people, it said."] * 3


def name(source: str) -> str:
    return source.rstrip("/").rsplit("/", 1)[-1]


def test_a_fault_at_every_stage_of_every_source_is_one_row_and_the_run_goes_on(feed_server, tmp_path, monkeypatch):
    monkeypatch.setenv("DEALSTREAM_STRICT", "0")
    monkeypatch.setenv("DEALSTREAM_FAULT_INJECT", ",".join(f"{s}:{m}" for s, m in MARKERS.items()))
    inputs = tmp_path / "in"
    inputs.mkdir()
    for n in range(3):
        (inputs / f"good-{n}.txt").write_text(story_text(n), encoding="utf-8")
    for n, stage in enumerate(("read", "extract", "classify", "deals", "write"), start=10):
        (inputs / f"{MARKERS[stage]}.txt").write_text(story_text(n), encoding="utf-8")
    (inputs / f"{MARKERS['write_log']}.txt").write_bytes(b"")  # an error row, then a fault writing it

    pages = [feed_server.add_page(f"/site/news/story-{n}", page_html(f"Maker{n} plant", paragraphs(n))) for n in (1, 2)]
    pages.append(feed_server.add_page(f"/site/news/{MARKERS['fetch_page']}", page_html("Maker3 plant", paragraphs(3))))
    good_feed = feed_server.add_feed("/feeds/good.xml", rss([{"title": f"S{i}", "link": u} for i, u in enumerate(pages)]),
                                     rewrite=False)
    bad_feed = feed_server.add_feed(f"/feeds/{MARKERS['fetch_feed']}.xml", rss([{"title": "x", "link": pages[0]}]),
                                    rewrite=False)

    warcs = tmp_path / "warc"
    warcs.mkdir()
    write_warc(warcs / "news.warc.gz", [
        Rec("https://news.test/a", news_page("Maker4 plant", paragraphs(4))),
        Rec(f"https://news.test/{MARKERS['read_warc']}", news_page("Maker5 plant", paragraphs(5))),
        Rec("https://news.test/b", news_page("Maker6 plant", paragraphs(6))),
    ])
    write_warc(warcs / f"{MARKERS['scan_warc']}.warc.gz", [Rec("https://news.test/c", news_page("M7", paragraphs(7)))])

    out = tmp_path / "out"
    code = main([
        "run", "--input", str(inputs / "*"), "--feed", good_feed, "--feed", bad_feed,
        "--warc", str(warcs / "*.warc.gz"), "--records-per-run", "0", "--output", str(out),
        "--max-error-rate", "1", "--allow-private-networks", "--host-delay=0", "--http-attempts=1",
        "--http-timeout=5", "--quiet",
    ])
    assert code == 0

    errors = read_rows(out, "errors")
    got = sorted((r["stage"], r["error_type"], name(r["source"]), r["line_number"]) for r in errors)
    expected = [(s, "unexpected:InjectedFault", f"{m}.txt", None) for s, m in MARKERS.items()
                if s in ("read", "extract", "classify", "deals", "write", "write_log")]
    expected += [
        ("fetch_feed", "unexpected:InjectedFault", f"{MARKERS['fetch_feed']}.xml", None),
        ("fetch_page", "unexpected:InjectedFault", "good.xml", None),  # a page error names its feed
        ("scan_warc", "unexpected:InjectedFault", f"{MARKERS['scan_warc']}.warc.gz", 1),
        ("read_warc", "unexpected:InjectedFault", "news.warc.gz", 2),
    ]
    assert got == sorted(expected)
    assert all(r["message"].startswith("InjectedFault") and len(r["message"]) <= 500 for r in errors)
    page_error = next(r for r in errors if r["stage"] == "fetch_page")
    assert page_error["doc_id"] is not None

    articles = sorted(name(r["url"] or r["source"]) for r in read_rows(out, "articles"))
    assert articles == sorted(["good-0.txt", "good-1.txt", "good-2.txt", "story-1", "story-2", "a", "b"])
    [manifest] = manifests(out)
    assert manifest["outcomes"]["unexpected_errors"] == len(MARKERS)
    assert manifest["reconciled"] is True


def test_a_file_name_with_a_non_utf8_byte_is_written_escaped(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    bad = inputs.as_posix().encode() + b"/bad\xffname.txt"
    Path(bad.decode("utf-8", "surrogateescape")).write_text(story_text(1), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["run", "--input", str(inputs / "*"), "--output", str(out), "--max-error-rate", "1"]) == 0
    assert [name(r["source"]) for r in read_rows(out, "articles")] == ["bad\\xffname.txt"]
