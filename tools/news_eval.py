"""General-news precision (``make eval-news``, part of ``make eval``): investment rows on pages that are not deal news.

The pages of ``../shared/corpus/html-extraction/`` (AEB, trafilatura-eval, fundus, mozilla-readability) are
general news and web pages: almost none is an investment story, so nearly every investment row the pipeline
writes for them is a false one. This runs the real pipeline CLI (``dealstream run``, as ``make run`` does) over
all of them, reads ``articles``/``investments`` back with DuckDB, and prints pages, articles, rows, rows per
1,000 pages (also for the issue's 1,429 pages: the sets without readability) and every row for reading.

Each row is matched to a page verdict read by a person (``tools/news_eval_reviewed.json``: "no_deal" or
"deal" per page key, with a note), so the false rows per 1,000 pages (target <= 2) are counted, not guessed;
a row on a page nobody has read yet is "unreviewed" and counted as possibly false until someone reads it.
JSON goes to ``--output`` (default ``out/eval/news.json``). Skips with a message when ``../shared`` is absent.
"""

from __future__ import annotations

import argparse
import json
import logging
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parents[1]
ROOT = REPO.parent / "shared" / "corpus" / "html-extraction"
REVIEWED = Path(__file__).with_name("news_eval_reviewed.json")
TARGET_FALSE_PER_1000 = 2.0


@dataclass(frozen=True)
class PageSet:
    """One sub-corpus: its name, the glob of its pages under ROOT, and whether the issue's 1,429 count it."""

    name: str
    pattern: str
    in_issue_count: bool


# The issue's "1,429 pages" are AEB (181) + trafilatura-eval (990) + fundus (258); readability's 40 news
# test pages are added here (their expected.html is reference output, not a page, so only source.html.gz).
SETS: tuple[PageSet, ...] = (
    PageSet("aeb", "scrapinghub-aeb/html/*.html.gz", True),
    PageSet("trafilatura-eval", "trafilatura-eval/html/*.gz", True),
    PageSet("fundus", "fundus/test_data/*/*.html.gz", True),
    PageSet("readability", "mozilla-readability/test-pages/*/source.html.gz", False),
)

ROW_COLUMNS = ("source", "url", "title", "investor", "target", "deal_type", "amount", "currency", "confidence", "evidence")


def page_key(source: str, root: Path) -> str:
    """The page's path under ROOT (``fundus/test_data/uk/Metro_2024_07_17.html.gz``): stable across machines."""
    path = Path(source)
    for base in (root, root.resolve()):
        try:
            return path.relative_to(base).as_posix()
        except ValueError:
            continue
    return path.as_posix()


def set_of(key: str) -> str:
    """Which PageSet a page key belongs to (by its first folder)."""
    for page_set in SETS:
        if key.split("/", 1)[0] == page_set.pattern.split("/", 1)[0]:
            return page_set.name
    return "other"


def count_pages(root: Path) -> dict[str, int]:
    """Pages per set, counted from the files on disk (independently of the pipeline's own counts)."""
    return {s.name: len(list(root.glob(s.pattern))) for s in SETS}


def _cli() -> list[str]:
    script = Path(sys.executable).with_name("dealstream")
    return [str(script)] if script.exists() else [sys.executable, "-m", "pipeline"]


def run_pipeline(root: Path, out: Path, workers: int) -> dict[str, Any]:
    """``dealstream run`` over every page set into ``out``; returns the run's manifest."""
    cmd = _cli() + ["run", "--output", str(out), "--max-error-rate", "1", "--quiet"]
    for page_set in SETS:
        cmd += ["--input", str(root / page_set.pattern)]
    if workers > 1:
        cmd += [f"--direct_num_workers={workers}", "--direct_running_mode=multi_processing"]
    logger.info("running %s", " ".join(cmd))
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"pipeline failed ({proc.returncode}):\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}")
    manifests = sorted((out / "_runs").glob("*.json"))
    if len(manifests) != 1:
        raise RuntimeError(f"expected one run manifest in {out / '_runs'}, found {len(manifests)}")
    return json.loads(manifests[0].read_text(encoding="utf-8"))


def read_tables(out: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(articles: source, language, is_investment; investment rows: ROW_COLUMNS) read back with DuckDB."""
    import duckdb

    con = duckdb.connect()

    def rows(table: str, columns: Sequence[str]) -> list[dict[str, Any]]:
        if not list((out / table).glob("**/*.parquet")):
            return []
        rel = con.execute(
            f"select {', '.join(columns)} from read_parquet(?, hive_partitioning=true, "
            "hive_types={'published_date': 'DATE'}) order by source, doc_id",
            [str(out / table / "**" / "*.parquet")],
        )
        return [dict(zip(columns, row, strict=True)) for row in rel.fetchall()]

    articles = rows("articles", ("source", "language", "is_investment"))
    investments = rows("investments", ROW_COLUMNS)
    return articles, investments


def load_reviewed(path: Path = REVIEWED) -> dict[str, dict[str, str]]:
    """Page key -> {"verdict": "no_deal" | "deal", "note": ...}, as read by a person."""
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    for key, item in data.items():
        if item.get("verdict") not in ("no_deal", "deal"):
            raise ValueError(f"{path}: {key}: verdict must be 'no_deal' or 'deal', not {item.get('verdict')!r}")
    return data


def _per_1000(n: int, pages: int) -> float:
    return round(1000 * n / pages, 2) if pages else 0.0


def summarise(
    pages: dict[str, int],
    manifest: dict[str, Any],
    articles: list[dict[str, Any]],
    investments: list[dict[str, Any]],
    reviewed: dict[str, dict[str, str]],
    root: Path,
) -> dict[str, Any]:
    """Counts per set and in total, each row with its page's reviewed verdict, and the false-row rates."""
    rows = []
    for inv in investments:
        key = page_key(inv["source"], root)
        review = reviewed.get(key)
        verdict = {"no_deal": "false", "deal": "true"}[review["verdict"]] if review else "unreviewed"
        rows.append({"page": key, "set": set_of(key), **{k: v for k, v in inv.items() if k != "source"},
                     "verdict": verdict, "review_note": review["note"] if review else None})
    art_by_set = Counter(set_of(page_key(a["source"], root)) for a in articles)
    inv_articles_by_set = Counter(set_of(page_key(a["source"], root)) for a in articles if a["is_investment"])
    rows_by_set = Counter(r["set"] for r in rows)
    per_set = {
        s.name: {
            "pages": pages[s.name],
            "articles": art_by_set[s.name],
            "investment_articles": inv_articles_by_set[s.name],
            "investment_rows": rows_by_set[s.name],
            "rows_per_1000_pages": _per_1000(rows_by_set[s.name], pages[s.name]),
        }
        for s in SETS
    }

    def scope(names: set[str]) -> dict[str, Any]:
        n_pages = sum(pages[n] for n in names)
        in_scope = [r for r in rows if r["set"] in names]
        verdicts = Counter(r["verdict"] for r in in_scope)
        return {
            "pages": n_pages,
            "articles": sum(art_by_set[n] for n in names),
            "investment_articles": sum(inv_articles_by_set[n] for n in names),
            "investment_rows": len(in_scope),
            "rows_per_1000_pages": _per_1000(len(in_scope), n_pages),
            "true_rows": verdicts["true"],
            "false_rows": verdicts["false"],
            "unreviewed_rows": verdicts["unreviewed"],
            "false_rows_per_1000_pages": _per_1000(verdicts["false"], n_pages),
            "false_or_unreviewed_per_1000_pages": _per_1000(verdicts["false"] + verdicts["unreviewed"], n_pages),
        }

    outcomes = manifest.get("outcomes", {})
    return {
        "all_sets": scope({s.name for s in SETS}),
        "issue_1429_sets": scope({s.name for s in SETS if s.in_issue_count}),
        "target_false_rows_per_1000_pages": TARGET_FALSE_PER_1000,
        "per_set": per_set,
        "run": {
            "run_id": manifest.get("run_id"),
            "inputs_read": manifest.get("inputs", {}).get("read"),
            "errors_by_type": outcomes.get("errors_by_type", {}),
            "skipped_by_reason": outcomes.get("skipped_by_reason", {}),
            "reconciled": manifest.get("reconciled"),
            "pipeline_seconds": manifest.get("timings", {}).get("pipeline_seconds"),
            "pipeline_version": manifest.get("pipeline_version"),
        },
        "languages": dict(Counter(a["language"] or "" for a in articles).most_common()),
        "rows": rows,
    }


def _cut(value: Any, width: int) -> str:
    text = "-" if value is None else str(value)
    return text if len(text) <= width else text[: width - 1] + "…"


def print_report(report: dict[str, Any]) -> None:
    for name, title in (("all_sets", "all four sets"), ("issue_1429_sets", "the issue's sets (no readability)")):
        s = report[name]
        print(
            f"{title}: pages {s['pages']}, articles {s['articles']}, investment rows {s['investment_rows']} "
            f"({s['rows_per_1000_pages']} per 1,000 pages); reviewed: {s['true_rows']} true, {s['false_rows']} false "
            f"({s['false_rows_per_1000_pages']} false per 1,000; target <= {report['target_false_rows_per_1000_pages']}), "
            f"{s['unreviewed_rows']} unreviewed"
        )
    print("per set:", ", ".join(f"{k} {v['pages']} pages/{v['investment_rows']} rows" for k, v in report["per_set"].items()))
    run = report["run"]
    print(f"run {run['run_id']}: inputs {run['inputs_read']}, errors {run['errors_by_type']}, "
          f"skipped {run['skipped_by_reason']}, reconciled {run['reconciled']}, {run['pipeline_seconds']} s")
    if not report["rows"]:
        return
    print("\nrows (verdict  page  [url]\n    headline | investor | target | deal_type | amount):")
    for r in report["rows"]:
        amount = f"{r['amount']:,.0f} {r['currency'] or ''}".strip() if r["amount"] is not None else "-"
        url = f"  {r['url']}" if r["url"] else ""
        print(f"{r['verdict']:<10} {r['page']}{url}")
        print(
            f"    {_cut(r['title'], 70)} | {_cut(r['investor'], 30)} | {_cut(r['target'], 30)} | "
            f"{r['deal_type'] or '-'} | {amount}"
        )
    unreviewed = [r for r in report["rows"] if r["verdict"] == "unreviewed"]
    if unreviewed:
        print(f"\n{len(unreviewed)} row(s) on pages nobody has read: read them and add a verdict to {REVIEWED.name}")
        for r in unreviewed:
            print(f"  {r['page']}: {r['evidence']}")


def evaluate(root: Path, output: Path, workers: int = 1, run_dir: Path | None = None) -> dict[str, Any]:
    """Run the pipeline over ROOT's pages, write ``output`` (JSON) and return the report."""
    pages = count_pages(root)
    with tempfile.TemporaryDirectory(prefix="dealstream-news-eval-") as tmp:
        out = run_dir if run_dir is not None else Path(tmp) / "out"
        manifest = run_pipeline(root, out, workers)
        articles, investments = read_tables(out)
    report = summarise(pages, manifest, articles, investments, load_reviewed(), root)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    return report


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.news_eval", description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT, help="the html-extraction folder (default ../shared/...)")
    parser.add_argument(
        "--output", type=Path, default=Path("out/eval/news.json"), help="JSON report (default out/eval/news.json)"
    )
    parser.add_argument("--workers", type=int, default=1, help="Beam worker processes (default 1)")
    parser.add_argument(
        "--run-dir", type=Path, default=None, help="keep the pipeline output here (a new folder; default: temporary)"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if not args.root.is_dir():
        print(f"news eval skipped: {args.root} is absent (the html-extraction corpus lives in ../shared, outside the repo)")
        return 0
    if args.run_dir is not None and args.run_dir.exists() and any(args.run_dir.iterdir()):
        parser.error(f"--run-dir {args.run_dir} is not empty (a re-run into it would skip every page as a duplicate)")
    report = evaluate(args.root, args.output, args.workers, args.run_dir)
    print_report(report)
    print(f"\nJSON: {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
