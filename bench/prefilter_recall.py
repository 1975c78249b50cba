"""Recall of the cheap pre-filter against full extraction, and what it saves.

Fixed set: the dev-labelled texts of ``../shared/corpus/investment-news/`` (ids in
``dev-labels.jsonl`` only) wrapped as HTML, plus every page of ``../shared/corpus/html-extraction/``.
All are written into a WARC file and read back through ``pipeline.archives.scan`` (the path the
pipeline takes). For each record: the pre-filter's verdict, and full extraction
(``transforms.text.extract``) + ``transforms.deals.classify.classify(title, text)``.

Recall = investments (by full extraction) that the pre-filter keeps / investments. The
target is >= 0.98. Uses whatever classifier exists; without one it reports keep rates and
the recall against the dev labels only.

    .venv/bin/python -m bench.prefilter_recall [--limit N] [--show-misses]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from bench.corpus_warc import CORPUS, Page, dev_label_pages, html_extraction_pages, write_pages_warc
from pipeline.archives.scan import WarcReadError, read_pointer, scan_archive
from transforms.deals.prefilter import prefilter
from transforms.records import RawDocument, WarcPointer


def _classifier():
    try:
        from transforms.deals.classify import classify
    except ImportError as exc:
        print(f"transforms.deals.classify not importable ({exc}); full-extraction recall not measured")
        return None
    return classify


def _full_extraction(pointer: WarcPointer, payload: bytes, settings, classify) -> tuple[bool | None, float]:
    """(is_investment by full extraction, seconds); None when extraction rejected the page."""
    from transforms.text.decode import InputRejected
    from transforms.text.extract import extract_text

    doc = RawDocument(
        doc_id=f"{pointer.warc_offset}",
        source_kind="warc",
        source=pointer.warc_file,
        url=pointer.url,
        fetched_at=pointer.warc_date,
        content=payload,
        content_type=pointer.content_type or "text/html",
        warc_file=pointer.warc_file,
        warc_offset=pointer.warc_offset,
        warc_length=pointer.warc_length,
        warc_date=pointer.warc_date,
    )
    start = time.perf_counter()
    try:
        extracted = extract_text(doc, settings)
    except InputRejected:
        return None, time.perf_counter() - start
    verdict = classify(extracted.title, extracted.text) if classify else None
    elapsed = time.perf_counter() - start
    if verdict is None:
        return None, elapsed
    return bool(verdict.is_investment), elapsed


def measure(pages: list[Page], show_misses: bool) -> int:
    classify = _classifier()
    from transforms.text.extract import make_settings

    settings = make_settings()
    when = datetime(2025, 1, 1, tzinfo=UTC)
    with tempfile.TemporaryDirectory() as tmp:
        warc = Path(tmp) / "prefilter-set.warc.gz"
        write_pages_warc(warc, pages, when)
        counts: Counter[str] = Counter()
        reasons: Counter[str] = Counter()
        misses: list[str] = []
        label_misses: list[str] = []
        pre_seconds = full_seconds = 0.0
        for item in scan_archive(str(warc)):
            if not isinstance(item, WarcPointer) or item.skip_reason:
                counts["not_read"] += 1
                continue
            try:
                payload = read_pointer(item)
            except WarcReadError:
                counts["read_error"] += 1
                continue
            page = pages[item.record_index]  # one record per page, written in order
            start = time.perf_counter()
            decision = prefilter(item.url, payload)
            pre_seconds += time.perf_counter() - start
            reasons[decision.reason] += 1
            counts["records"] += 1
            counts["kept"] += decision.keep
            if page.label:
                counts["dev_positive"] += 1
                counts["dev_positive_kept"] += decision.keep
                if not decision.keep:
                    label_misses.append(page.key)
            is_inv, seconds = _full_extraction(item, payload, settings, classify)
            full_seconds += seconds
            if is_inv:
                counts["classified_investment"] += 1
                counts["classified_investment_kept"] += decision.keep
                if not decision.keep:
                    misses.append(f"{page.key} ({decision.reason})")
    n = counts["records"]
    print(
        f"records read: {n} (dev-labelled texts + html-extraction pages); kept by pre-filter: "
        f"{counts['kept']} ({counts['kept'] / max(n, 1):.1%})"
    )
    print("pre-filter reasons:", dict(reasons))
    if classify:
        pos = counts["classified_investment"]
        recall = counts["classified_investment_kept"] / pos if pos else float("nan")
        print(
            f"recall vs full extraction: {counts['classified_investment_kept']}/{pos} = {recall:.3f} (target >= 0.98)"
        )
        if show_misses and misses:
            print("  missed:", ", ".join(misses))
    dpos = counts["dev_positive"]
    print(
        f"recall vs dev labels (is_investment true): {counts['dev_positive_kept']}/{dpos}"
        + (f" = {counts['dev_positive_kept'] / dpos:.3f}" if dpos else "")
    )
    if show_misses and label_misses:
        print("  missed:", ", ".join(label_misses))
    print(
        f"time per record: pre-filter {1000 * pre_seconds / max(n, 1):.2f} ms, "
        f"full extraction{' + classify' if classify else ''} {1000 * full_seconds / max(n, 1):.1f} ms"
    )
    if classify and counts["classified_investment"]:
        return 0 if counts["classified_investment_kept"] / counts["classified_investment"] >= 0.98 else 1
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--limit", type=int, default=None, help="only the first N html-extraction pages (default: all)"
    )
    parser.add_argument(
        "--show-misses", action="store_true", help="list the investments the pre-filter dropped"
    )
    args = parser.parse_args(argv)
    if not CORPUS.is_dir():
        print(f"skipped: {CORPUS} is absent (the shared corpus is not part of a fresh clone)")
        return 0
    extraction = html_extraction_pages()
    if args.limit is not None:
        extraction = extraction[: args.limit]
    seen: set[str] = set()
    pages = []
    for page in [*dev_label_pages(), *extraction]:
        if page.url not in seen:  # one record per URL, so a page's verdicts are not mixed up
            seen.add(page.url)
            pages.append(page)
    return measure(pages, args.show_misses)


if __name__ == "__main__":
    sys.exit(main())
