"""Turn the shared corpora into WARC records (for the pre-filter recall script and the bench).

Only the dev-labelled investment-news texts are used (ids in ``dev-labels.jsonl``): the other
texts are a held-out test set. Nothing here is imported by the pipeline.
"""

from __future__ import annotations

import gzip
import html
import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPUS = SHARED / "corpus"


@dataclass(frozen=True)
class Page:
    key: str  # where it came from (corpus/file)
    url: str
    html: bytes
    label: bool | None = None  # dev label (investment-news only)


def html_for_text(title: str, body: str) -> bytes:
    """A minimal article page: <title>, <h1> and one <p> per paragraph (blank-line separated)."""
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", body) if p.strip()]
    parts = [
        "<!DOCTYPE html><html><head><meta charset='utf-8'>",
        f"<title>{html.escape(title)}</title></head><body><article>",
        f"<h1>{html.escape(title)}</h1>",
        *(f"<p>{html.escape(p)}</p>" for p in paragraphs),
        "</article></body></html>",
    ]
    return "\n".join(parts).encode("utf-8")


def dev_label_pages(corpus: Path = CORPUS) -> list[Page]:
    """The dev-labelled investment-news texts as HTML pages (never the unlabelled ones)."""
    folder = corpus / "investment-news"
    pages = []
    for line in (folder / "dev-labels.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        label = json.loads(line)
        text = (folder / "texts" / f"{label['id']}.txt").read_text(encoding="utf-8")
        title, _, body = text.strip().partition("\n")
        pages.append(
            Page(
                key=f"investment-news/{label['id']}",
                url=f"https://investment-news.corpus.invalid/{label['id']}.html",
                html=html_for_text(title.strip(), body),
                label=bool(label["is_investment"]),
            )
        )
    return pages


def _gunzip(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" else data


def html_extraction_pages(corpus: Path = CORPUS) -> list[Page]:
    """Every page of ``html-extraction/`` with its original URL where the corpus records one."""
    root = corpus / "html-extraction"
    pages: list[Page] = []
    aeb = json.loads((root / "scrapinghub-aeb" / "ground-truth.json").read_text(encoding="utf-8"))
    for key, item in sorted(aeb.items()):
        path = root / "scrapinghub-aeb" / "html" / f"{key}.html.gz"
        if path.exists():
            pages.append(
                Page(f"aeb/{key}", item.get("url") or f"https://aeb.corpus.invalid/{key}", _gunzip(path))
            )
    for item in json.loads((root / "trafilatura-eval" / "evaldata.json").read_text(encoding="utf-8")):
        path = root / "trafilatura-eval" / "html" / f"{item['file']}.gz"
        url = item.get("url") or item["key"]
        if not url.startswith(("http://", "https://")):  # some keys are labels such as "hard::…"
            url = f"https://trafilatura-eval.corpus.invalid/{item['file']}"
        if path.exists():
            pages.append(Page(f"trafilatura/{item['file']}", url, _gunzip(path)))
    fundus = json.loads((root / "fundus" / "ground-truth-flat.json").read_text(encoding="utf-8"))
    for key, item in sorted(fundus.items()):
        path = root / "fundus" / item["file"]
        if path.exists():
            pages.append(
                Page(
                    f"fundus/{key}", item.get("url") or f"https://fundus.corpus.invalid/{key}", _gunzip(path)
                )
            )
    for folder in sorted((root / "mozilla-readability" / "test-pages").iterdir()):
        path = folder / "source.html.gz"
        if path.exists():
            url = f"https://readability.corpus.invalid/{folder.name}/"
            pages.append(Page(f"readability/{folder.name}", url, _gunzip(path)))
    return pages


def http_response(payload: bytes, content_type: str = "text/html; charset=utf-8") -> StatusAndHeaders:
    return StatusAndHeaders(
        "200 OK",
        [("Content-Type", content_type), ("Content-Length", str(len(payload)))],
        protocol="HTTP/1.1",
    )


def write_response(
    writer: WARCWriter,
    url: str,
    payload: bytes,
    when: datetime,
    content_type: str = "text/html; charset=utf-8",
    status: str = "200 OK",
) -> None:
    headers = StatusAndHeaders(
        status, [("Content-Type", content_type), ("Content-Length", str(len(payload)))], protocol="HTTP/1.1"
    )
    record = writer.create_warc_record(
        url,
        "response",
        payload=io.BytesIO(payload),
        http_headers=headers,
        warc_headers_dict={"WARC-Date": when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")},
    )
    writer.write_record(record)


def write_pages_warc(path: Path, pages: Iterable[Page], when: datetime, gzip_records: bool = True) -> int:
    """One HTTP 200 HTML response record per page; returns how many were written."""
    count = 0
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=gzip_records)
        for page in pages:
            write_response(writer, page.url, page.html, when)
            count += 1
    return count


def iter_pages(corpus: Path = CORPUS) -> Iterator[Page]:
    yield from dev_label_pages(corpus)
    yield from html_extraction_pages(corpus)
