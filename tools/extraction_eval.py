"""Score extracted article text against human ground truth, two published ways.

* The AEB method (Zyte article-extraction-benchmark): ``\\w+`` tokens, 4-gram shingles compared
  as multisets, per-document TP/FP/FN normalised to equal weight, precision and recall averaged
  over documents, F1 from the averaged P and R.
* trafilatura's snippet method: "with" snippets found in the output are true positives,
  "without" snippets found are false positives; counts are summed over documents (micro).

The scoring functions are pure so tests (``tests/quality/test_aeb_regression.py``) can use them; the
corpus loaders and ``main`` (``make eval-extraction``) sit below them. Check the scorer against
the published numbers with ``python -m tools.extraction_eval --reference``.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import json
import logging
import re
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger(__name__)

_TOKEN_RE = re.compile(r"\w+", re.UNICODE)
_SPACE_RE = re.compile(r"\s+")

# --------------------------------------------------------------------------------------------
# AEB: shingle matching
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DocCounts:
    """Per-document TP/FP/FN as shares of their sum (so every document weighs the same)."""

    tp: float
    fp: float
    fn: float

    @property
    def precision(self) -> float:
        if self.fp == 0 and self.fn == 0:
            return 1.0
        if self.tp == 0 and self.fp == 0:
            return 0.0
        return self.tp / (self.tp + self.fp)

    @property
    def recall(self) -> float:
        if self.fp == 0 and self.fn == 0:
            return 1.0
        if self.tp == 0 and self.fn == 0:
            return 0.0
        return self.tp / (self.tp + self.fn)


@dataclass(frozen=True)
class AebScore:
    precision: float
    recall: float
    f1: float
    n_docs: int

    def __str__(self) -> str:
        return f"P={self.precision:.3f} R={self.recall:.3f} F1={self.f1:.3f} (n={self.n_docs})"


def tokenize(text: str | None) -> list[str]:
    """Word tokens as the AEB scorer sees them (``\\w+``, case kept)."""
    return _TOKEN_RE.findall(text or "")


def shingles(text: str | None, n: int = 4) -> Counter[tuple[str, ...]]:
    """Multiset of n-gram shingles; a text shorter than n tokens is one short shingle."""
    tokens = tokenize(text)
    if len(tokens) < n:
        return Counter([tuple(tokens)] if tokens else [])
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def shingle_counts(true: str | None, pred: str | None, n: int = 4) -> DocCounts:
    """TP/FP/FN of one document's predicted text against its ground truth."""
    t, p = shingles(true, n), shingles(pred, n)
    tp = float(sum((t & p).values()))
    fp = float(sum((p - t).values()))
    fn = float(sum((t - p).values()))
    total = tp + fp + fn
    if total > 0:
        tp, fp, fn = tp / total, fp / total, fn / total
    return DocCounts(tp, fp, fn)


def aggregate_aeb(counts: Sequence[DocCounts]) -> AebScore:
    """Mean precision over documents with a prediction, mean recall over those with a truth."""
    precisions = [c.precision for c in counts if c.tp + c.fp > 0]
    recalls = [c.recall for c in counts if c.tp + c.fn > 0]
    p = sum(precisions) / len(precisions) if precisions else 0.0
    r = sum(recalls) / len(recalls) if recalls else 0.0
    f1 = 2 * p * r / (p + r) if p + r > 0 else 0.0
    return AebScore(p, r, f1, len(counts))


def score_aeb(truth: Mapping[str, str], predicted: Mapping[str, str | None]) -> AebScore:
    """AEB score of predicted texts (by id) against ground truth (by id); missing ids score as empty."""
    return aggregate_aeb([shingle_counts(truth[k], predicted.get(k)) for k in sorted(truth)])


# --------------------------------------------------------------------------------------------
# trafilatura: snippets
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SnippetCounts:
    tp: int = 0
    fn: int = 0
    fp: int = 0
    tn: int = 0

    def __add__(self, other: SnippetCounts) -> SnippetCounts:
        return SnippetCounts(self.tp + other.tp, self.fn + other.fn, self.fp + other.fp, self.tn + other.tn)


@dataclass(frozen=True)
class SnippetScore:
    precision: float
    recall: float
    f1: float
    accuracy: float
    counts: SnippetCounts

    def __str__(self) -> str:
        c = self.counts
        return (
            f"P={self.precision:.3f} R={self.recall:.3f} F1={self.f1:.3f} acc={self.accuracy:.3f} "
            f"(tp={c.tp} fn={c.fn} fp={c.fp} tn={c.tn})"
        )


def normalize_space(text: str) -> str:
    return _SPACE_RE.sub(" ", text).strip()


def snippet_counts(output: str | None, with_: Iterable[str], without: Iterable[str]) -> SnippetCounts:
    """Count which expected snippets an output contains; ``None`` (a crash) is empty output."""
    text = normalize_space(output or "")
    tp = fn = fp = tn = 0
    for snippet in with_:
        if normalize_space(snippet) in text:
            tp += 1
        else:
            fn += 1
    for snippet in without:
        if normalize_space(snippet) in text:
            fp += 1
        else:
            tn += 1
    return SnippetCounts(tp, fn, fp, tn)


def aggregate_snippets(counts: Iterable[SnippetCounts]) -> SnippetScore:
    """Micro-averaged precision, recall, F1 and accuracy over all documents."""
    total = sum(counts, SnippetCounts())
    p = total.tp / (total.tp + total.fp) if total.tp + total.fp else 0.0
    r = total.tp / (total.tp + total.fn) if total.tp + total.fn else 0.0
    denom = 2 * total.tp + total.fp + total.fn
    f1 = 2 * total.tp / denom if denom else 0.0
    n = total.tp + total.fn + total.fp + total.tn
    acc = (total.tp + total.tn) / n if n else 0.0
    return SnippetScore(p, r, f1, acc, total)


# --------------------------------------------------------------------------------------------
# Corpora (../shared/corpus/html-extraction)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EvalPage:
    """One page of an evaluation set: raw bytes plus what must (not) be in its text."""

    page_id: str
    url: str | None
    html: bytes
    truth: str | None = None  # AEB article body
    with_: tuple[str, ...] = ()  # trafilatura-eval snippets
    without: tuple[str, ...] = ()
    news: bool = True


def default_corpus_dir() -> Path:
    """``../shared/corpus/html-extraction`` next to the repository root."""
    return Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "html-extraction"


def load_aeb(corpus_dir: Path) -> list[EvalPage]:
    base = corpus_dir / "scrapinghub-aeb"
    truth = json.loads((base / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for page_id in sorted(truth):
        html = gzip.decompress((base / "html" / f"{page_id}.html.gz").read_bytes())
        item = truth[page_id]
        pages.append(EvalPage(page_id, item.get("url"), html, truth=item.get("articleBody", "")))
    return pages


def load_aeb_reference(corpus_dir: Path, name: str) -> dict[str, str]:
    """A published extractor output from ``reference-outputs/`` as {id: text}."""
    data = json.loads(
        (corpus_dir / "scrapinghub-aeb" / "reference-outputs" / f"{name}.json").read_text(encoding="utf-8")
    )
    output = data.get("output", data) if isinstance(data, dict) else data
    return {k: (v or {}).get("articleBody") or "" for k, v in output.items()}


def load_trafilatura_eval(corpus_dir: Path, news_only: bool = False) -> list[EvalPage]:
    base = corpus_dir / "trafilatura-eval"
    entries = json.loads((base / "evaldata.json").read_text(encoding="utf-8"))
    pages = []
    for entry in entries:
        if news_only and not entry.get("news"):
            continue
        html = gzip.decompress((base / "html" / f"{entry['file']}.gz").read_bytes())
        pages.append(
            EvalPage(
                entry["key"],
                entry.get("url"),
                html,
                with_=tuple(entry.get("with", ())),
                without=tuple(entry.get("without", ())),
                news=bool(entry.get("news")),
            )
        )
    return pages


def run_extractor(
    pages: Sequence[EvalPage], extract: Callable[[EvalPage], str | None]
) -> dict[str, str | None]:
    """Apply an extractor to every page; an exception counts as empty output (and is logged)."""
    out: dict[str, str | None] = {}
    for page in pages:
        try:
            out[page.page_id] = extract(page)
        except Exception as exc:  # noqa: BLE001 - a crashing extractor scores as empty, as published
            logger.warning("extractor failed on %s: %r", page.page_id, exc)
            out[page.page_id] = None
    return out


def score_aeb_pages(pages: Sequence[EvalPage], predicted: Mapping[str, str | None]) -> AebScore:
    return score_aeb({p.page_id: p.truth or "" for p in pages}, predicted)


def score_snippet_pages(pages: Sequence[EvalPage], predicted: Mapping[str, str | None]) -> SnippetScore:
    return aggregate_snippets(snippet_counts(predicted.get(p.page_id), p.with_, p.without) for p in pages)


# --------------------------------------------------------------------------------------------
# Extractors compared by `make eval-extraction`
# --------------------------------------------------------------------------------------------


def bare_trafilatura(page: EvalPage) -> str | None:
    """What a user would write: trafilatura.extract on the raw bytes with default settings."""
    import trafilatura

    return trafilatura.extract(page.html, url=page.url)


@functools.cache
def _dealstream_settings(strip_sidebars: bool):  # noqa: ANN202 - the lead's settings type
    from transforms.text.extract import make_settings

    return make_settings(strip_sidebars=strip_sidebars)


def dealstream_text(page: EvalPage, strip_sidebars: bool = True) -> str | None:
    """The article text dealstream keeps: its one-parse extractor, then its tail stripping."""
    from transforms.records import RawDocument
    from transforms.text.decode import InputRejected
    from transforms.text.extract import extract_text

    doc = RawDocument(
        doc_id=page.page_id,
        source_kind="seed_file",
        source=page.page_id,
        url=page.url,
        fetched_at=None,
        content=page.html,
        content_type="text/html",
    )
    try:
        return extract_text(doc, _dealstream_settings(strip_sidebars)).text
    except InputRejected:
        return None


def dealstream_text_unstripped(page: EvalPage) -> str | None:
    """dealstream's extractor with tail stripping off, to isolate what the stripping does."""
    return dealstream_text(page, strip_sidebars=False)


def pipeline_texts(pages: Sequence[EvalPage], workdir: Path) -> dict[str, str | None]:
    """The ``articles.text`` that ``dealstream run`` writes for each page (None when it wrote none).

    Each page is saved as ``<page_id>.html`` (raw bytes: decoding is part of the test), the
    CLI runs over the folder, and the Parquet is read back by ``source``.
    """
    import pyarrow.dataset as ds

    from pipeline.cli import main as cli_main

    inputs, out = workdir / "in", workdir / "out"
    inputs.mkdir(parents=True, exist_ok=True)
    for page in pages:
        (inputs / f"{page.page_id}.html").write_bytes(page.html)
    code = cli_main(["run", "--input", str(inputs / "*.html"), "--output", str(out), "--quiet"])
    if code != 0:
        raise RuntimeError(f"dealstream run exited with {code}")
    table = ds.dataset(out / "articles", format="parquet", ignore_prefixes=[".", "_"]).to_table(
        columns=["source", "text"]
    )
    by_source = {
        Path(src).stem: text
        for src, text in zip(table["source"].to_pylist(), table["text"].to_pylist(), strict=True)
    }
    return {page.page_id: by_source.get(page.page_id) for page in pages}


def compare(corpus_dir: Path, aeb_pages: Sequence[EvalPage]) -> int:
    """Print bare trafilatura next to dealstream on both sets."""
    snippet_pages = load_trafilatura_eval(corpus_dir)
    extractors = {
        "bare trafilatura": bare_trafilatura,
        "dealstream, no tail strip": dealstream_text_unstripped,
        "dealstream": dealstream_text,
    }
    aeb_outputs = {}
    for name, fn in extractors.items():
        aeb_outputs[name] = run_extractor(aeb_pages, fn)
        print(f"AEB (181 pages)          {name:<26} {score_aeb_pages(aeb_pages, aeb_outputs[name])}")
    with tempfile.TemporaryDirectory(prefix="dealstream-eval-") as tmp:
        written = pipeline_texts(aeb_pages, Path(tmp))
    same = sum(written[p.page_id] == aeb_outputs["dealstream"][p.page_id] for p in aeb_pages)
    label = "dealstream run -> Parquet"
    print(f"AEB (181 pages)          {label:<26} {score_aeb_pages(aeb_pages, written)}")
    print(
        f"  the articles.text `dealstream run` wrote equals dealstream_text() on {same}/{len(aeb_pages)} pages"
    )
    for name, fn in extractors.items():
        predicted = run_extractor(snippet_pages, fn)
        news = [p for p in snippet_pages if p.news]
        print(f"snippets (990 pages)     {name:<26} {score_snippet_pages(snippet_pages, predicted)}")
        print(f"snippets (338 news)      {name:<26} {score_snippet_pages(news, predicted)}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.extraction_eval",
        description="Score text extraction on the AEB pages and the trafilatura snippet set.",
    )
    parser.add_argument("--corpus", type=Path, default=default_corpus_dir(), help="html-extraction dir")
    parser.add_argument(
        "--reference", action="store_true", help="only score the published reference outputs (scorer check)"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s", force=True)
    if not (args.corpus / "scrapinghub-aeb").is_dir():
        print(f"corpus not found at {args.corpus}", file=sys.stderr)
        return 2
    pages = load_aeb(args.corpus)
    for name in ("trafilatura", "readability", "readability_js", "news_please", "html-text"):
        ref = load_aeb_reference(args.corpus, name)
        print(f"AEB reference {name:<16} {score_aeb_pages(pages, ref)}")
    if args.reference:
        return 0
    return compare(args.corpus, pages)


if __name__ == "__main__":
    sys.exit(main())
