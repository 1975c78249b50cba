"""Recall of the cheap pre-filter (``--only-investments``) against the LABELS, and what it saves.

Fixed set, written into a WARC and read back through ``pipeline.archives.scan`` (the path the
pipeline takes):

* every labelled story of ``../shared/corpus/investment-news/`` (``dev-labels.jsonl`` and
  ``train/labels.jsonl``, loaded by ``tools.train.load_labelled``), wrapped as a minimal HTML page
  (``<title>``/``<h1>`` headline, one ``<p>`` per paragraph) under a neutral URL. The corpus ids carry
  slice names ("fdi", "funding", "mna") that the pre-filter's URL check would read as deal cues, so the
  URL is a hash of the id: the filter is measured on the page, not on our file names;
* every page of ``../shared/corpus/html-extraction/`` (general news and web pages, one record per URL).

Measured per record: the pre-filter's verdict and time, and the time of full extraction
(``transforms.text.extract``) + ``transforms.deals.model.decide(title, text)`` (what the pipeline decides with).

* **Recall vs labels** (the target, >= 0.98): labelled investment stories (``is_investment`` true in the
  labels, not what a classifier says) that the pre-filter keeps / labelled investment stories; per split,
  with every miss listed (id, headline, and whether the classifier would have found it anyway).
* Recall vs full extraction: stories the classifier calls investments that the pre-filter keeps.
* Speed-up on the general-news pages (the case of a news archive, where deal stories are rare): time of
  full extraction on every page / (pre-filter on every page + full extraction on the kept ones).

    .venv/bin/python -m bench.prefilter_recall [--limit N] [--show-misses] [--labels-only] [--json PATH]

Exit status 1 when recall vs labels is below the target.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.corpus_warc import CORPUS, Page, html_extraction_pages, html_for_text, write_pages_warc
from pipeline.archives.scan import WarcReadError, read_pointer, scan_archive
from transforms.deals.prefilter import prefilter
from transforms.records import RawDocument, WarcPointer

TARGET = 0.98
INVESTMENT_NEWS = CORPUS / "investment-news"


@dataclass(frozen=True)
class LabelledStory:
    """A labelled investment-news text: its id, split (dev | train), headline and label."""

    id: str
    split: str
    title: str
    is_investment: bool


def labelled_stories(corpus: Path = INVESTMENT_NEWS) -> list[tuple[LabelledStory, Page]]:
    """Every dev + train labelled text as (story, HTML page under a neutral URL); never the unlabelled texts."""
    from tools.train import load_labelled  # the labelled set exactly as make train reads it

    out = []
    for doc in load_labelled(corpus):
        split = "train" if doc["id"].startswith("train2-") else "dev"
        neutral = hashlib.sha256(f"prefilter-recall:{doc['id']}".encode()).hexdigest()[:16]
        story = LabelledStory(doc["id"], split, doc["title"], bool(doc["is_investment"]))
        page = Page(
            key=f"investment-news/{doc['id']}",
            url=f"https://news.corpus.invalid/{neutral}.html",
            html=html_for_text(doc["title"], doc["body"]),
            label=story.is_investment,
        )
        out.append((story, page))
    return out


def _classifier():
    try:
        from transforms.deals.model import decide as classify
    except ImportError as exc:
        print(f"transforms.deals.model not importable ({exc}); full-extraction recall not measured")
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


@dataclass
class Record:
    """One record's measurements."""

    page: Page
    story: LabelledStory | None
    keep: bool
    reason: str
    pre_seconds: float
    classified: bool | None = None
    full_seconds: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)


def measure_records(
    pages: list[Page], stories: dict[str, LabelledStory], full: bool
) -> tuple[list[Record], Counter[str]]:
    """Write the pages into a WARC, read each record back and run the pre-filter, then full extraction
    on every record (``full``) or only on the labelled investment stories the pre-filter drops."""
    from transforms.text.extract import make_settings

    classify = _classifier()
    settings = make_settings()
    records: list[Record] = []
    problems: Counter[str] = Counter()
    with tempfile.TemporaryDirectory() as tmp:
        warc = Path(tmp) / "prefilter-set.warc.gz"
        write_pages_warc(warc, pages, datetime(2025, 1, 1, tzinfo=UTC))
        for item in scan_archive(str(warc)):
            if not isinstance(item, WarcPointer) or item.skip_reason:
                problems["not_read"] += 1
                continue
            try:
                payload = read_pointer(item)
            except WarcReadError:
                problems["read_error"] += 1
                continue
            page = pages[item.record_index]  # one record per page, written in order
            start = time.perf_counter()
            decision = prefilter(item.url, payload)
            rec = Record(page, stories.get(page.key), decision.keep, decision.reason, time.perf_counter() - start)
            missed = rec.story is not None and rec.story.is_investment and not rec.keep
            if full or missed:
                rec.classified, rec.full_seconds = _full_extraction(item, payload, settings, classify)
            records.append(rec)
    return records, problems


def _ratio(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


def summarise(records: list[Record], problems: Counter[str], full: bool) -> dict[str, Any]:
    """Recall vs labels (per split), recall vs full extraction, keep rates, per-record cost and speed-up."""
    labelled = [r for r in records if r.story is not None]
    general = [r for r in records if r.story is None]
    positives = [r for r in labelled if r.story.is_investment]
    report: dict[str, Any] = {"records": len(records), "not_read": dict(problems)}
    report["recall_vs_labels"] = {
        "target": TARGET,
        "all": {"kept": sum(r.keep for r in positives), "positives": len(positives),
                "recall": _ratio(sum(r.keep for r in positives), len(positives))},
        **{
            split: {"kept": sum(r.keep for r in ps), "positives": len(ps), "recall": _ratio(sum(r.keep for r in ps), len(ps))}
            for split in ("dev", "train")
            for ps in [[r for r in positives if r.story.split == split]]
        },
    }
    report["label_misses"] = [
        {"id": r.story.id, "headline": r.story.title, "reason": r.reason, "classifier_says_investment": r.classified}
        for r in positives
        if not r.keep
    ]
    negatives = [r for r in labelled if not r.story.is_investment]
    report["keep_rate"] = {
        "labelled_negatives": _ratio(sum(r.keep for r in negatives), len(negatives)),
        "general_news_pages": _ratio(sum(r.keep for r in general), len(general)),
        "all_records": _ratio(sum(r.keep for r in records), len(records)),
    }
    report["counts"] = {"labelled": len(labelled), "labelled_positive": len(positives),
                        "labelled_negative": len(negatives), "general_news_pages": len(general)}
    report["reasons"] = dict(Counter(r.reason for r in records).most_common())
    pre_ms = 1000 * sum(r.pre_seconds for r in records) / max(len(records), 1)
    report["ms_per_record"] = {"prefilter": round(pre_ms, 2)}
    if full:
        found = [r for r in records if r.classified]
        report["recall_vs_full_extraction"] = {
            "kept": sum(r.keep for r in found), "classified_investment": len(found),
            "recall": _ratio(sum(r.keep for r in found), len(found)),
            "missed": [f"{r.page.key} ({r.reason})" for r in found if not r.keep],
        }
        report["ms_per_record"]["extract_and_classify"] = round(
            1000 * sum(r.full_seconds for r in records) / max(len(records), 1), 1
        )
        for name, subset in (("general_news_pages", general), ("all_records", records)):
            full_all = sum(r.full_seconds for r in subset)
            with_filter = sum(r.pre_seconds for r in subset) + sum(r.full_seconds for r in subset if r.keep)
            report.setdefault("speedup", {})[name] = {
                "full_seconds": round(full_all, 2),
                "prefilter_plus_kept_seconds": round(with_filter, 2),
                "speedup": round(full_all / with_filter, 2) if with_filter else None,
            }
    return report


def print_report(report: dict[str, Any], show_misses: bool) -> None:
    c = report["counts"]
    print(
        f"records read: {report['records']} ({c['labelled']} labelled dev+train texts: {c['labelled_positive']} "
        f"investment stories, {c['labelled_negative']} not; {c['general_news_pages']} html-extraction pages)"
        + (f"; not read: {report['not_read']}" if report["not_read"] else "")
    )
    rv = report["recall_vs_labels"]
    for split in ("all", "dev", "train"):
        s = rv[split]
        print(f"recall vs labels ({split}): {s['kept']}/{s['positives']} = {s['recall']} (target >= {rv['target']})")
    if show_misses:
        for miss in report["label_misses"]:
            said = {True: "classifier: investment", False: "classifier: not", None: "classifier: -"}[
                miss["classifier_says_investment"]
            ]
            print(f"  missed {miss['id']} ({miss['reason']}; {said}): {miss['headline']}")
    k = report["keep_rate"]
    print(f"kept: labelled negatives {k['labelled_negatives']}, general-news pages {k['general_news_pages']}, "
          f"all records {k['all_records']}")
    print("pre-filter reasons:", report["reasons"])
    if "recall_vs_full_extraction" in report:
        f = report["recall_vs_full_extraction"]
        print(f"recall vs full extraction: {f['kept']}/{f['classified_investment']} = {f['recall']}")
        if show_misses and f["missed"]:
            print("  missed:", ", ".join(f["missed"]))
    ms = report["ms_per_record"]
    print("time per record: pre-filter", ms["prefilter"], "ms"
          + (f", extraction + classify {ms['extract_and_classify']} ms" if "extract_and_classify" in ms else ""))
    for name, s in report.get("speedup", {}).items():
        print(f"speed-up with the pre-filter ({name}): {s['full_seconds']} s -> {s['prefilter_plus_kept_seconds']} s "
              f"= {s['speedup']}x")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--limit", type=int, default=None, help="only the first N html-extraction pages (default: all)"
    )
    parser.add_argument("--show-misses", action="store_true", help="list the labelled stories the pre-filter dropped")
    parser.add_argument(
        "--labels-only", action="store_true",
        help="only the labelled texts, pre-filter only (fast; no extraction, no speed-up)",
    )
    parser.add_argument("--json", type=Path, default=None, help="also write the report as JSON here")
    args = parser.parse_args(argv)
    if not (INVESTMENT_NEWS / "dev-labels.jsonl").exists():
        print(f"skipped: {INVESTMENT_NEWS} is absent (the shared corpus is not part of a fresh clone)")
        return 0
    pairs = labelled_stories()
    stories = {page.key: story for story, page in pairs}
    pages = [page for _, page in pairs]
    if not args.labels_only:
        extraction = html_extraction_pages()
        if args.limit is not None:
            extraction = extraction[: args.limit]
        seen = {p.url for p in pages}
        for page in extraction:
            if page.url not in seen:  # one record per URL, so a page's verdicts are not mixed up
                seen.add(page.url)
                pages.append(page)
    records, problems = measure_records(pages, stories, full=not args.labels_only)
    report = summarise(records, problems, full=not args.labels_only)
    print_report(report, args.show_misses)
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    recall = report["recall_vs_labels"]["all"]["recall"]
    return 0 if recall is None or recall >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
