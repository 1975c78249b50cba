"""What --max-doc-seconds costs on normal pages: extraction in-process vs in the bounded child.

Reads the AEB pages (../shared/corpus/html-extraction/scrapinghub-aeb), extracts each page both
ways (alternating, after a warm-up) and prints per-page medians and totals. `make bench-bound`.
"""

from __future__ import annotations

import gzip
import statistics
import sys
import time
from pathlib import Path

from transforms.records import RawDocument
from transforms.text.bounded import complexity_reason, extract_bounded
from transforms.text.decode import InputRejected
from transforms.text.extract import extract_text, make_settings

AEB = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "html-extraction" / "scrapinghub-aeb" / "html"


def main(limit: int = 181) -> int:
    pages = sorted(AEB.glob("*.html.gz"))[:limit]
    if not pages:
        print(f"no pages under {AEB}", file=sys.stderr)
        return 1
    docs = [RawDocument(p.name[:64], "seed_file", str(p), None, None, gzip.decompress(p.read_bytes()),
                        "text/html") for p in pages]
    settings = make_settings()
    extract_bounded(docs[0], True, 60)  # start the child outside the clock
    inline, bounded, caps = [], [], []
    for doc in docs:
        for runs, call in ((inline, lambda d=doc: extract_text(d, settings)),
                           (bounded, lambda d=doc: extract_bounded(d, True, 60))):
            started = time.perf_counter()
            try:
                call()
            except InputRejected:
                pass
            runs.append(time.perf_counter() - started)
        started = time.perf_counter()
        complexity_reason(doc.content)
        caps.append(time.perf_counter() - started)
    mb = sum(len(d.content) for d in docs) / 1e6
    print(f"{len(docs)} AEB pages, {mb:.1f} MB")
    print(f"{'mode':<22}{'median ms':>10}{'p95 ms':>9}{'total s':>9}")
    for name, runs in (("in-process", inline), ("bounded child", bounded), ("complexity caps", caps)):
        p95 = sorted(runs)[int(0.95 * (len(runs) - 1))]
        print(f"{name:<22}{statistics.median(runs) * 1e3:>10.2f}{p95 * 1e3:>9.2f}{sum(runs):>9.2f}")
    print(f"overhead of the bound: {100 * (sum(bounded) / sum(inline) - 1):+.1f} % of extraction time")
    return 0


if __name__ == "__main__":
    sys.exit(main())
