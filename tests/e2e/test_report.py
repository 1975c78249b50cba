"""`dealstream report` over a real run: the page's numbers, evidence, escaping and self-containment."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.report.render import script_safe
from tests.outputs import manifests, read_rows
from tests.report_inputs import HOSTILE_TITLE, run_for_report


class _Page(HTMLParser):
    """Tags with their attributes, script bodies, and the text of elements with an id."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[tuple[dict, str]] = []
        self.by_id: dict[str, str] = {}
        self._open: list[tuple[str, str | None]] = []
        self._script: dict | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if tag == "script":
            self._script = attributes
            self.scripts.append((attributes, ""))
        self._open.append((tag, attributes.get("id")))
        if attributes.get("id"):
            self.by_id.setdefault(attributes["id"], "")

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = None
        while self._open:
            if self._open.pop()[0] == tag:
                break

    def handle_data(self, data):
        if self._script is not None:
            attributes, body = self.scripts[-1]
            self.scripts[-1] = (attributes, body + data)
        for _, element_id in self._open:
            if element_id:
                self.by_id[element_id] += data


def parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def report(*argv: str) -> int:
    return main(["report", *argv])


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    return run_for_report(tmp_path_factory.mktemp("report"))


@pytest.fixture(scope="module")
def page(run_dir) -> _Page:
    assert report(str(run_dir)) == 0
    return parse(run_dir / "report.html")


def table_rows(page: _Page) -> list[dict]:
    scripts = {attrs.get("id"): body for attrs, body in page.scripts}
    return json.loads(scripts["report-table"])["rows"]


def test_headline_numbers_match_the_tables(run_dir, page):
    investments, articles = read_rows(run_dir, "investments"), read_rows(run_dir, "articles")
    errors = read_rows(run_dir, "errors")
    assert len(investments) >= 3 and len(errors) == 1  # the broken .jsonl line
    assert page.by_id["n-deals"].strip() == str(len(investments))
    assert page.by_id["n-articles"].strip() == str(len(articles))
    assert page.by_id["n-runs"].strip() == str(len(manifests(run_dir))) == "1"
    assert page.by_id["n-errors"].strip() == "1"
    share = sum(a["is_investment"] for a in articles) / len(articles)
    assert page.by_id["n-share"].strip() == f"{100 * share:.0f}%"
    dated = sorted(r["published_date"] for r in investments if r["published_date"])
    assert page.by_id["n-period"].strip() == f"{dated[0]} – {dated[-1]}"
    assert page.by_id["q-undated"].strip() == str(sum(a["published_date"] is None for a in articles))
    assert "malformed_json" in page.by_id["q-errors"]


def test_evidence_sentence_and_source_link_in_the_table(run_dir, page):
    rows = {r["url"]: r for r in table_rows(page)}
    expected = {r["url"] or "": r for r in read_rows(run_dir, "investments")}
    assert set(rows) == set(expected)
    hostile = rows["https://news.example/hostile"]
    assert hostile["evidence"] == expected["https://news.example/hostile"]["evidence"]
    assert hostile["evidence"].startswith('"Smith & Sons" said it will invest')  # the dateline opens the lead
    assert hostile["title"] == HOSTILE_TITLE
    seed = next(r for r in rows.values() if r["investor"] == "Whale Cloud")
    assert "pledged to invest $70 million in Pakistan" in seed["evidence"]


def test_page_loads_nothing_from_outside(page, run_dir):
    text = (run_dir / "report.html").read_text(encoding="utf-8")
    assert not [t for t, a in page.tags if "src" in a], "a tag loads a resource"
    assert not [a for t, a in page.tags if t == "link"]
    assert not [a for t, a in page.tags if "href" in a], "no static links: the table's links are made by its script"
    styles = re.findall(r"<style>(.*?)</style>", text, flags=re.S)
    assert styles and not any(re.search(r"@import|url\(", s) for s in styles)
    assert "Plotly" in text and "cdn.plot.ly" not in text.split("/* plotly.js")[0]
    assert "default-src 'none'" in text  # CSP: the browser refuses any fetch the page might try


def test_hostile_title_cannot_open_a_script(page, run_dir):
    text = (run_dir / "report.html").read_text(encoding="utf-8")
    assert HOSTILE_TITLE not in text and "<script>alert(1)" not in text
    ids = [attrs.get("id") for attrs, _ in page.scripts]
    assert ids == ["report-figures", "report-table", None, None]  # JSON, JSON, plotly.js, ours: nothing injected
    for _attrs, body in page.scripts[:2]:
        assert "<" not in body and "&" not in body
        json.loads(body)


def test_script_safe_escapes_what_could_end_a_script_and_round_trips():
    value = {"t": "</script><!-- & \u2028\u2029 'x' \"y\""}
    safe = script_safe(json.dumps(value, ensure_ascii=False))
    assert not set("<>&\u2028\u2029") & set(safe)
    assert json.loads(safe) == value


def test_filters(run_dir, tmp_path):
    investments = read_rows(run_dir, "investments")

    def deals_on_page(*flags: str) -> int:
        out = tmp_path / "r.html"
        assert report(str(run_dir), "--out", str(out), *flags) == 0
        return int(parse(out).by_id["n-deals"])

    assert deals_on_page("--country", "pt") == sum(r["target_country"] == "PT" for r in investments)
    start = sorted(r["published_date"] for r in investments if r["published_date"])[1]
    assert deals_on_page("--from", start.isoformat()) == sum(
        1 for r in investments if r["published_date"] and r["published_date"] >= start)
    assert deals_on_page("--to", start.isoformat()) == sum(
        1 for r in investments if r["published_date"] and r["published_date"] <= start)
    cut = sorted(r["confidence"] for r in investments)[len(investments) // 2]
    assert deals_on_page("--min-confidence", str(cut)) == sum(r["confidence"] >= cut for r in investments)


def test_empty_dir_gives_a_page_and_exit_0(tmp_path, capsys):
    assert report(str(tmp_path)) == 0
    page = parse(tmp_path / "report.html")
    assert page.by_id["n-deals"].strip() == "0"
    assert "Nothing here yet" in page.by_id["empty-note"]
    assert "Report:" in capsys.readouterr().out


def test_usage_errors(tmp_path, capsys):
    assert report(str(tmp_path / "missing")) == 2
    assert report(str(tmp_path), "--from", "2024-05-01", "--to", "2024-01-01") == 2
    with pytest.raises(SystemExit) as exit_info:
        report(str(tmp_path), "--country", "Portugal")
    assert exit_info.value.code == 2
