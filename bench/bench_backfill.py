"""Archive backfill: docs/s and peak RSS of ``dealstream run --warc`` on WARC files built from real pages.

Builds 4 per-record-gzip WARC files (warcio's writer) with >= 20,000 records in total from the
pages of ``../shared/corpus/html-extraction/``: HTTP 200 HTML responses (each distinct page
once, then the same bytes again under new URLs: exact duplicates that dedup by doc_id cannot
skip), and non-HTML records (requests, images, JSON, 404 pages, metadata). Every record has its
own URL. Then, each in its own process and output folder:

  (a) 1 worker, full extraction;
  (b) 2 workers (--direct_num_workers=2 --direct_running_mode=multi_processing);
  (c) 1 worker with --only-investments (the pre-filter);
  (s) a small archive (1/40 of the records) and (l) one large archive (all records in one
      file), both with --only-investments: peak RSS for two very different archive sizes;
  (u) optional (--unbatched): the large archive in one run (--records-per-run 0), to show what
      the bounded batches save on the local runner.

docs/s counts the HTML responses (the documents that reach extraction or the pre-filter);
records/s counts every archive record; docs/CPU-s divides by the CPU time of the whole process
tree (user + system), which other jobs on the machine disturb less than wall time. Peak RSS is the highest summed RSS of the process tree,
sampled every 50 ms. Each run asserts that the rows written (articles + errors + skips) equal
the records in its archives, and that every run manifest reconciles.

    .venv/bin/python -m bench.bench_backfill [--records 20000] [--html-share 0.3] [--only abcsl] [--unbatched]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import resource
import shutil
import sys
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from bench.bench_pipeline import SHARED, measure
from bench.corpus_warc import html_extraction_pages

ARCHIVES = 4
START = datetime(2024, 3, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Plan:
    kind: str  # html | request | image | json | notfound | metadata
    url: str
    payload: bytes
    when: datetime


def distinct_pages() -> list[tuple[str, bytes]]:
    seen, pages = set(), []
    for page in html_extraction_pages(SHARED / "corpus"):
        if page.url not in seen:
            seen.add(page.url)
            pages.append((page.url, page.html))
    return pages


def plan_records(total: int, html_share: float, seed: int = 7) -> tuple[list[Plan], dict]:
    """The record mix, in a fixed pseudo-random order; returns the plan and its composition."""
    rng = random.Random(seed)
    pages = distinct_pages()
    html_count = round(total * html_share)
    plans: list[Plan] = []
    for n in range(html_count):
        url, html = pages[n % len(pages)]
        copy = n // len(pages)
        if copy:
            url = f"https://copy{copy}.bench.invalid/{url.split('://', 1)[-1]}"
        plans.append(Plan("html", url, html, START + timedelta(minutes=n)))
    others = (
        "request",
        "request",
        "request",
        "request",
        "image",
        "image",
        "json",
        "notfound",
        "metadata",
        "metadata",
    )
    for n in range(total - html_count):
        kind = others[n % len(others)]
        url = f"https://assets.bench.invalid/{kind}/{n}"
        payload = {
            "request": b"",
            "image": b"\x89PNG\r\n\x1a\n" + os.urandom(64),
            "json": json.dumps({"n": n, "items": list(range(20))}).encode(),
            "notfound": b"<html><head><title>Not found</title></head><body><h1>404</h1></body></html>",
            "metadata": f"fetchTimeMs: {n % 997}\noutlink: https://assets.bench.invalid/{n + 1}\n".encode(),
        }[kind]
        plans.append(Plan(kind, url, payload, START + timedelta(minutes=n)))
    rng.shuffle(plans)
    composition = {"html_responses": html_count, "distinct_pages": min(len(pages), html_count)}
    composition["exact_duplicates"] = html_count - composition["distinct_pages"]
    for kind in others:
        composition[kind] = sum(1 for p in plans if p.kind == kind)
    return plans, composition


def _write(writer: WARCWriter, plan: Plan) -> None:
    date = {"WARC-Date": plan.when.strftime("%Y-%m-%dT%H:%M:%SZ")}
    if plan.kind == "request":
        headers = StatusAndHeaders(
            f"GET {plan.url} HTTP/1.1", [("Host", "bench.invalid")], is_http_request=True
        )
        record = writer.create_warc_record(
            plan.url, "request", payload=io.BytesIO(b""), http_headers=headers, warc_headers_dict=date
        )
    elif plan.kind == "metadata":
        record = writer.create_warc_record(
            plan.url,
            "metadata",
            payload=io.BytesIO(plan.payload),
            warc_content_type="application/warc-fields",
            warc_headers_dict=date,
        )
    else:
        content_type, status = {
            "html": ("text/html", "200 OK"),
            "image": ("image/png", "200 OK"),
            "json": ("application/json", "200 OK"),
            "notfound": ("text/html; charset=utf-8", "404 Not Found"),
        }[plan.kind]
        headers = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
        record = writer.create_warc_record(
            plan.url,
            "response",
            payload=io.BytesIO(plan.payload),
            http_headers=headers,
            warc_headers_dict=date,
        )
    writer.write_record(record)


def write_archives(plans: list[Plan], folder: Path, count: int, prefix: str) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"{prefix}-{i:05d}.warc.gz" for i in range(count)]
    per = -(-len(plans) // count)
    for i, path in enumerate(paths):
        with open(path, "wb") as fh:
            writer = WARCWriter(fh, gzip=True)
            for plan in plans[i * per : (i + 1) * per]:
                _write(writer, plan)
    return paths


def run_variant(archives: list[Path], out: Path, extra: list[str]) -> tuple:
    cmd = [sys.executable, "-m", "pipeline", "run", "--output", str(out), "--quiet", "--max-error-rate", "1"]
    for path in archives:
        cmd += ["--warc", str(path)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    m = measure(cmd + extra)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if m.returncode != 0:
        raise SystemExit(f"run failed ({m.returncode}):\n{m.stdout[-2000:]}\n{m.stderr[-3000:]}")
    return m, cpu, [json.loads(p.read_text()) for p in sorted((out / "_runs").glob("*.json"))]


def check_rows(out: Path, manifests: list[dict], records: int) -> dict:
    """Rows written (articles + errors + skips) == archive records; every run reconciles."""
    import pyarrow.parquet as pq

    rows = {"articles": 0, "errors": 0, "skips": 0, "investments": 0, "warc_index": 0}
    for table in rows:
        for path in (out / table).glob("*/*.parquet"):
            rows[table] += pq.ParquetFile(path).metadata.num_rows
    read = sum(m["inputs"]["read"] for m in manifests)
    assert read == records, (read, records)
    assert all(m["reconciled"] for m in manifests), [m["run_id"] for m in manifests if not m["reconciled"]]
    written = rows["articles"] + rows["errors"] + rows["skips"]
    assert written == records, f"rows written {written} != records expected {records}: {rows}"
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--records", type=int, default=20_000, help="archive records in total (default: 20000)"
    )
    parser.add_argument(
        "--html-share", type=float, default=0.3, help="share of HTML 200 responses (default: 0.3)"
    )
    parser.add_argument("--only", default="abcsl", help="variants to run (default: abcsl)")
    parser.add_argument("--unbatched", action="store_true", help="also run (u): the large archive in one run")
    parser.add_argument("--keep", type=Path, default=None, help="keep archives and outputs here")
    args = parser.parse_args(argv)
    if not (SHARED / "corpus" / "html-extraction").is_dir():
        print(f"needs ../shared/corpus/html-extraction (looked in {SHARED})", file=sys.stderr)
        return 2
    work = args.keep or Path(tempfile.mkdtemp(prefix="dealstream-backfill-bench-"))
    plans, composition = plan_records(args.records, args.html_share)
    archives = write_archives(plans, work / "warc", ARCHIVES, "mix")
    small_plans = plans[: max(len(plans) // 40, 1)]
    small = write_archives(small_plans, work / "small", 1, "small")
    large = work / "large" / "large-00000.warc.gz"
    large.parent.mkdir(parents=True, exist_ok=True)
    with open(large, "wb") as fh:  # per-record gzip members concatenate into one valid archive
        for path in archives:
            fh.write(path.read_bytes())
    size_mb = sum(p.stat().st_size for p in archives) / 1e6
    print(
        f"archives: {ARCHIVES} x ~{len(plans) // ARCHIVES} records = {len(plans)} records, {size_mb:.0f} MB gzip; "
        f"mix: {composition}; {os.cpu_count()} CPUs"
    )
    variants = {
        "a": ("1 worker, full extraction", archives, plans, []),
        "b": (
            "2 workers multi_processing",
            archives,
            plans,
            ["--direct_num_workers=2", "--direct_running_mode=multi_processing"],
        ),
        "c": ("1 worker, --only-investments", archives, plans, ["--only-investments"]),
        "s": (
            f"small archive ({len(small_plans)} records), --only-investments",
            small,
            small_plans,
            ["--only-investments"],
        ),
        "l": (
            f"one large archive ({len(plans)} records), --only-investments",
            [large],
            plans,
            ["--only-investments"],
        ),
    }
    if args.unbatched:
        args.only += "u"
        variants["u"] = (
            "large archive in ONE run (--records-per-run 0)",
            [large],
            plans,
            ["--only-investments", "--records-per-run", "0"],
        )
    seconds: dict[str, float] = {}
    for key in args.only:
        label, paths, variant_plans, extra = variants[key]
        out = work / f"out-{key}"
        shutil.rmtree(out, ignore_errors=True)
        m, cpu, manifests = run_variant(paths, out, extra)
        rows = check_rows(out, manifests, len(variant_plans))
        html = sum(1 for p in variant_plans if p.kind == "html")
        seconds[key] = m.seconds
        print(
            f"({key}) {label:<58} {html / m.seconds:6.1f} docs/s {len(variant_plans) / m.seconds:7.1f} records/s "
            f"{m.seconds:7.1f} s  {html / cpu:5.1f} docs/CPU-s  peak RSS {m.peak_tree_mib:6.0f} MiB  runs {len(manifests)}  "
            f"rows {rows['articles']}+{rows['errors']}+{rows['skips']} == {len(variant_plans)} records; "
            f"investments {rows['investments']}, index rows {rows['warc_index']}",
            flush=True,
        )
    if "a" in seconds and "b" in seconds:
        print(f"(a)/(b) speed-up with 2 workers: {seconds['a'] / seconds['b']:.2f}x")
    if "a" in seconds and "c" in seconds:
        print(f"(a)/(c) speed-up with the pre-filter on this mix: {seconds['a'] / seconds['c']:.2f}x")
    print(f"work folder: {work}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
