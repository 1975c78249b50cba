"""A total time budget per URL that Retry-After cannot stretch: counted in requests, not timed."""

from __future__ import annotations

import pytest

from pipeline.cli import main
from pipeline.http.client import HttpClient, HttpSettings
from tests.feed_server import Response, page_html, rss
from tests.outputs import read_rows

LONG = " ".join(["The utility said the new plant would supply power to two million homes from 2027."] * 8)

pytest_plugins = ["tests.feed_fixtures"]
pytestmark = pytest.mark.usefixtures("no_dns")


def client(**kw) -> HttpClient:
    base = dict(connect_timeout=1.0, read_timeout=1.0, min_host_delay=0.0, allow_private_networks=True)
    return HttpClient(HttpSettings(**{**base, **kw}))


def test_retry_after_longer_than_the_budget_gives_up_after_one_request(feed_server):
    url = feed_server.add("/busy", Response(503, headers={"Retry-After": "55"}))
    result = client(max_attempts=4, url_budget=5.0).fetch(url)
    assert result.status == 503 and result.transient and "budget" in result.error_message
    assert feed_server.count("/busy") == 1  # without the budget: 4 requests and 3 x 55 s of waiting


def test_waits_stop_where_the_budget_ends(feed_server):
    url = feed_server.add("/busy", Response(503, headers={"Retry-After": "1"}))
    result = client(max_attempts=10, url_budget=1.5).fetch(url)
    # Requests at ~0 s and ~1 s; a third would start at ~2 s, past the 1.5 s budget.
    assert result.transient and feed_server.count("/busy") == 2


def test_budget_also_cuts_a_slow_body(feed_server):
    url = feed_server.add("/drip", Response(200, b"x" * 40 * 1024, drip=0.05))
    result = client(max_attempts=1, url_budget=0.3, attempt_deadline=60.0).fetch(url)
    assert result.error_type == "timeout" and "budget" in result.error_message


@pytest.mark.parametrize("value", ["0", "-1", "soon"])
def test_budget_flag_is_validated(value, tmp_path, capsys):
    argv = ["run", "--feed", "http://127.0.0.1:9/f.xml", "--output", str(tmp_path), "--http-budget", value]
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2 and "--http-budget" in capsys.readouterr().err


def test_run_with_pages_that_all_answer_503_retry_after_55_ends_quickly(feed_server, tmp_path):
    s = feed_server
    entries = [{"title": f"Deal {i}", "link": s.url(f"/site/p{i}"), "description": "short"} for i in range(3)]
    feed = s.add_feed("/feed.xml", rss(entries), rewrite=False)
    s.add_page("/site/p2", page_html("Acme invests", [LONG]))
    for i in range(2):
        s.add(f"/site/p{i}", Response(503, page_html("busy", ["busy"]).encode(), {"Retry-After": "55"}))
    out = tmp_path / "out"
    code = main(
        [
            "run",
            "--output",
            str(out),
            "--feed",
            feed,
            "--allow-private-networks",
            "--host-delay=0",
            "--ignore-robots",
            "--quiet",
            "--http-budget",
            "10",
            "--max-error-rate",
            "1",
        ]
    )
    assert code == 0
    assert s.count("/site/p0") == 1 and s.count("/site/p1") == 1  # one request each, no 55 s waits
    assert len(read_rows(out, "articles")) == 1
    errors = read_rows(out, "errors")
    assert sorted(e["error_type"] for e in errors if e["stage"] == "fetch_page") == ["http_503", "http_503"]
