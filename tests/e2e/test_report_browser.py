"""The report as a person sees it: headless Chromium opens the file, charts draw, search and sort work.

Debian's `chromium` is driven through playwright's Python package (`executable_path`), never a
browser that playwright downloads. Skips with the reason when chromium or playwright is absent;
fails instead when CI is set (CI installs chromium in .ci/run).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from pipeline.cli import main
from tests.outputs import read_rows
from tests.report_inputs import run_for_report

CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
CHARTS = ("chart-month", "chart-country", "chart-type", "chart-investors", "chart-flows")


def _chromium() -> str:
    path = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    problem = None
    if path is None:
        problem = "Debian's chromium is not installed (apt-get install chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            problem = "playwright (test extra) is not installed"
    if problem:
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but {problem}")
        pytest.skip(problem)
    return path


@pytest.fixture(scope="module")
def browser_page(tmp_path_factory):
    executable = _chromium()
    from playwright.sync_api import sync_playwright

    base = tmp_path_factory.mktemp("report-browser")
    out = run_for_report(base)
    assert main(["report", str(out)]) == 0
    profile = base / "profile"
    profile.mkdir()
    problems: list[str] = []
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(profile), executable_path=executable, args=CHROMIUM_ARGS, headless=True,
            viewport={"width": 1300, "height": 1000},
        )
        page = context.new_page()
        page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
        page.on("request", lambda r: problems.append(f"request: {r.url}") if not r.url.startswith(("file:", "data:", "blob:")) else None)
        page.goto((out / "report.html").as_uri())
        yield page, out, problems
        context.close()


def test_charts_draw_with_size_and_no_errors(browser_page, tmp_path):
    page, _, problems = browser_page
    for chart in CHARTS:
        page.wait_for_selector(f"#{chart}[data-drawn=true]", timeout=20_000)
    shot = Path(os.environ.get("REPORT_SCREENSHOT", tmp_path / "report.png"))
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    for chart in CHARTS:
        box = page.locator(f"#{chart} .main-svg").first.bounding_box()
        assert box and box["width"] > 100 and box["height"] > 100, chart
        assert page.locator(f"#{chart} .point path, #{chart} .scatterlayer path").count() > 0, f"{chart} drew no marks"
    assert problems == []


def test_search_and_sort_as_a_person_would(browser_page):
    page, out, problems = browser_page
    investments = read_rows(out, "investments")
    rows = page.locator("#deals tbody tr")
    assert rows.count() == len(investments)
    page.fill("#deal-search", "smith & sons")
    assert rows.count() == 1
    evidence = rows.first.locator("td.evidence")
    assert '"Smith & Sons" said it will invest' in evidence.inner_text()
    assert evidence.locator("a").get_attribute("href") == "https://news.example/hostile"
    assert page.inner_text("#deal-count") == f"1 of {len(investments)} rows"
    page.fill("#deal-search", "")
    assert rows.count() == len(investments)

    usd_column = [h for h in page.locator("#deals th").all_inner_texts()].index("USD") + 1
    page.click("#deals th[data-key=amount_usd]")
    ascending = sorted(r["amount_usd"] for r in investments if r["amount_usd"] is not None)
    first = page.inner_text(f"#deals tbody tr:first-child td:nth-child({usd_column})")
    assert first == f"{round(ascending[0]):,}"
    page.click("#deals th[data-key=amount_usd]")
    first = page.inner_text(f"#deals tbody tr:first-child td:nth-child({usd_column})")
    assert first == f"{round(ascending[-1]):,}"
    assert page.get_attribute("#deals th[data-key=amount_usd]", "aria-sort") == "descending"
    assert problems == []
