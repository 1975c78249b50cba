"""Small self-made WARC files for the archive tests (no ../shared needed)."""

from __future__ import annotations

import html
import io
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from tests.conftest import SEED, seed_as_html

CRAWL = datetime(2019, 1, 2, 8, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Rec:
    url: str
    payload: bytes
    kind: str = "response"  # response | request
    content_type: str = "text/html; charset=utf-8"
    status: str = "200 OK"
    when: datetime = CRAWL


def news_page(title: str, paragraphs: list[str], head: str = "") -> bytes:
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return (
        f"<!DOCTYPE html><html><head><title>{html.escape(title)}</title>{head}</head>"
        f"<body><article><h1>{html.escape(title)}</h1>{body}</article></body></html>"
    ).encode()


def seed_page(head: str = "") -> bytes:
    return seed_as_html(SEED.read_text(encoding="utf-8"), head).encode("utf-8")


WEATHER = news_page(
    "Showers expected across the north on Sunday",
    [
        "Forecasters expect showers to spread from the west during the morning, clearing by the evening.",
        "Temperatures will stay close to the seasonal average, with a light breeze along the coast.",
        "Drivers are asked to take care on wet roads, especially on the hills where fog may linger.",
    ],
)
MARKETS = news_page(
    "Stocks end the week slightly lower",
    [
        "Shares in Europe closed slightly lower on Friday as investors weighed fresh economic data.",
        "Traders said volumes were thin ahead of a holiday weekend, and bond yields barely moved.",
        "Analysts expect the central bank to keep interest rates unchanged at its next meeting.",
    ],
)


def write_warc(path: Path, records: list[Rec], gzip_records: bool = True) -> Path:
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=gzip_records)
        for rec in records:
            date = {"WARC-Date": rec.when.strftime("%Y-%m-%dT%H:%M:%SZ")}
            if rec.kind == "request":
                headers = StatusAndHeaders(f"GET {rec.url} HTTP/1.1", [("Host", "x")], is_http_request=True)
                record = writer.create_warc_record(
                    rec.url, "request", payload=io.BytesIO(b""), http_headers=headers, warc_headers_dict=date
                )
            else:
                headers = StatusAndHeaders(
                    rec.status, [("Content-Type", rec.content_type)], protocol="HTTP/1.1"
                )
                record = writer.create_warc_record(
                    rec.url,
                    "response",
                    payload=io.BytesIO(rec.payload),
                    http_headers=headers,
                    warc_headers_dict=date,
                )
            writer.write_record(record)
    return path


def story(n: int, investor: str, amount: str, country: str) -> bytes:
    """A short, generic investment story (no real entities)."""
    return news_page(
        f"{investor} to invest {amount} in {country}",
        [
            f"{investor}, a manufacturing group, said on Monday it has pledged to invest {amount} in {country} "
            f"over the next three years to build a new plant.",
            f"The plant will employ about {100 + n} people when it opens, the company said in a statement.",
            "Officials welcomed the announcement and said more projects were expected this year.",
        ],
    )
