"""tools/news_eval.py (make eval-news): the real CLI over a small copy of the html-extraction layout.

Each set's folder gets one page (readability also its expected.html, which is reference output and must
not be read as a page); the AEB page is the seed story as HTML, the one investment story, so exactly one
row must come back, unreviewed, from the right page.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from tests.conftest import seed_as_html
from tools.news_eval import SETS, load_reviewed, main, page_key, set_of

NEWS = """<!DOCTYPE html><html><head><title>Rain expected on Sunday</title></head><body><article>
<h1>Rain expected on Sunday</h1><p>Showers will move in from the west by the afternoon, forecasters said on
Friday, and temperatures will fall to eight degrees in the north of the region by the evening.</p>
<p>The council said the summer timetable for buses and trains starts on Monday as planned.</p>
</article></body></html>"""


def _page(path: Path, html: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(html.encode("utf-8")))


@pytest.fixture
def corpus(tmp_path: Path, seed_text: str) -> Path:
    root = tmp_path / "html-extraction"
    _page(root / "scrapinghub-aeb" / "html" / "aaaa.html.gz", seed_as_html(seed_text))
    _page(root / "trafilatura-eval" / "html" / "example.org.html.gz", NEWS)
    _page(root / "fundus" / "test_data" / "uk" / "Paper_2024_01_01.html.gz", NEWS.replace("Sunday", "Monday"))
    _page(root / "mozilla-readability" / "test-pages" / "site-1" / "source.html.gz", NEWS.replace("Rain", "Snow"))
    (root / "mozilla-readability" / "test-pages" / "site-1" / "expected.html").write_text(NEWS, encoding="utf-8")
    return root


def test_news_eval_counts_pages_and_lists_the_one_row(corpus: Path, tmp_path: Path, capsys):
    output = tmp_path / "eval" / "news.json"
    assert main(["--root", str(corpus), "--output", str(output), "--run-dir", str(tmp_path / "run")]) == 0
    report = json.loads(output.read_text(encoding="utf-8"))
    assert {name: s["pages"] for name, s in report["per_set"].items()} == {s.name: 1 for s in SETS}
    total = report["all_sets"]
    assert (total["pages"], total["articles"], total["investment_rows"]) == (4, 4, 1)
    assert total["rows_per_1000_pages"] == 250.0
    assert report["issue_1429_sets"]["pages"] == 3
    [row] = report["rows"]
    assert row["page"] == "scrapinghub-aeb/html/aaaa.html.gz" and row["set"] == "aeb"
    assert (row["investor"], row["deal_type"], row["amount"], row["currency"]) == (
        "Whale Cloud", "fdi_pledge", 70000000.0, "USD"
    )
    assert row["verdict"] == "unreviewed" and total["unreviewed_rows"] == 1 and total["false_rows"] == 0
    assert report["run"]["reconciled"] is True and report["run"]["inputs_read"] == 4
    printed = capsys.readouterr().out
    assert "pages 4, articles 4, investment rows 1 (250.0 per 1,000 pages)" in printed
    assert "Whale Cloud | - | fdi_pledge | 70,000,000 USD" in printed
    assert (tmp_path / "run" / "investments").is_dir()  # --run-dir keeps the pipeline output


def test_news_eval_refuses_a_used_run_dir(corpus: Path, tmp_path: Path):
    used = tmp_path / "used"
    used.mkdir()
    (used / "x").write_text("", encoding="utf-8")
    with pytest.raises(SystemExit) as exc:
        main(["--root", str(corpus), "--output", str(tmp_path / "n.json"), "--run-dir", str(used)])
    assert exc.value.code == 2


def test_news_eval_skips_without_the_corpus(tmp_path: Path, capsys):
    output = tmp_path / "news.json"
    assert main(["--root", str(tmp_path / "absent"), "--output", str(output)]) == 0
    assert "news eval skipped" in capsys.readouterr().out and not output.exists()


def test_page_keys_and_sets():
    root = Path("/x/html-extraction")
    key = page_key("/x/html-extraction/fundus/test_data/uk/A_2024_01_01.html.gz", root)
    assert key == "fundus/test_data/uk/A_2024_01_01.html.gz" and set_of(key) == "fundus"
    assert set_of("mozilla-readability/test-pages/cnn/source.html.gz") == "readability"
    assert set_of("elsewhere/page.html") == "other"


def test_shipped_review_file_is_valid():
    reviewed = load_reviewed()
    assert reviewed and all(set_of(key) != "other" for key in reviewed)
    assert all(item["note"] for item in reviewed.values())


def test_reviewed_pages_exist_in_the_shared_corpus():
    from tools.news_eval import ROOT

    if not ROOT.is_dir():
        pytest.skip(f"{ROOT} absent")
    missing = [key for key in load_reviewed() if not (ROOT / key).is_file()]
    assert not missing
