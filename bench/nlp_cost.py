"""CPU share of the NLP layer per page (``python -m bench.nlp_cost``; not part of make test).

Runs the labelled dev + train texts through what the pipeline does per article (text
preparation with language detection, classify, extract_deals) and times, separately, the spaCy
parses (NER + dependency parse of the deal sentence only) and py3langid. Prints per-page means
and the NLP share of the total. The texts are .txt, so HTML extraction (trafilatura, the
largest cost of a web page) is not in the total: the share is an upper bound. Needs ../shared.
"""

from __future__ import annotations

import functools
import time
from pathlib import Path

import transforms.deals.roles as roles
import transforms.nlp.entities as ents
import transforms.nlp.language as language
import transforms.text.extract as text_extract
from transforms.deals.extract import extract_deals
from transforms.deals.model import decide
from transforms.nlp.model import load_nlp
from transforms.records import RawDocument
from transforms.text.extract import extract_text, make_settings

CORPUS = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus" / "investment-news"
SPENT = {"parse": 0.0, "language": 0.0}


def _timed(name, fn):
    def wrapper(*a, **k):
        t = time.perf_counter()
        try:
            return fn(*a, **k)
        finally:
            SPENT[name] += time.perf_counter() - t

    return wrapper


def main() -> int:
    files = sorted((CORPUS / "texts").glob("*.txt")) + sorted((CORPUS / "train" / "texts").glob("*.txt"))
    if not files:
        print("skipped: ../shared corpus absent")
        return 0
    load_nlp()  # load once, as a worker's setup does; not counted
    raw_parse = ents.parse.__wrapped__
    timed_parse = functools.lru_cache(maxsize=256)(_timed("parse", raw_parse))
    ents.parse = roles.parse = timed_parse  # cached as in the pipeline, emptied per page below
    text_extract.detect_language = _timed("language", language.detect_language)
    settings = make_settings()
    start = time.perf_counter()
    for f in files:
        timed_parse.cache_clear()  # a page never reuses another page's parse
        raw = f.read_text("utf-8")
        title, _, body = raw.partition("\n")
        doc = RawDocument(doc_id=f.stem, source_kind="seed_file", source=str(f), url=None, fetched_at=None,
                          content=None, content_type="text/plain", text=body, title=title.strip())
        item = extract_text(doc, settings)
        verdict = decide(item.title, item.text)
        if verdict.is_investment:
            extract_deals(item.title, item.text)
    total = time.perf_counter() - start
    n = len(files)
    print(f"pages {n}: {1000 * total / n:.1f} ms/page total")
    for k, v in SPENT.items():
        print(f"  {k:9} {1000 * v / n:6.1f} ms/page  {100 * v / total:5.1f} % of the page's CPU")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
